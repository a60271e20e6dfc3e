"""What the supervision service's use cases are asked to do: the request bodies.

The routes parse them, the use cases in ``service.py`` take them (same class names, so the OpenAPI
is unchanged).
"""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator

from supervision.domain.campaign_records import CampaignRecordKind
from supervision.domain.records import AccountabilityKind, EvaluatedRole, Grade, InspectionKind
from supervision.domain.special_actions import MeetingKind, Rating, SupervisionMode
from zhengdun.params import DIVISION_CODE, Identifier

# \x85 (NEL) is named: the services' regex engine counts it as a space, a JSON Schema client may not.
EMAIL = r"^[^@\s\x85]+@[^@\s\x85]+\.[^@\s\x85]+$"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- inspections ------------------------------------------------------------------------

class PlanIn(_In):
    unit_code: str = Field(pattern=DIVISION_CODE, description="the supervising unit that runs the plan")
    title: str = Field(min_length=1)
    kind: InspectionKind = InspectionKind.SCHEDULED
    recurrence: Literal["monthly"] = "monthly"
    day_from: int = Field(25, ge=1, le=31)
    day_to: int | None = Field(None, ge=1, le=31, description="None: to the month's end")
    starts_on: date
    ends_on: date | None = None


class FindingIn(_In):
    text: str = Field(min_length=1)
    village_code: str | None = Field(None, pattern=DIVISION_CODE)
    alert_id: Identifier | None = None


class DemandIn(_In):
    text: str = Field(min_length=1)
    deadline: date
    responsible_code: str | None = Field(None, pattern=DIVISION_CODE)


class InspectionIn(_In):
    kind: InspectionKind
    plan_id: Identifier | None = None
    unit_code: str = Field(pattern=DIVISION_CODE, description="the unit inspected")
    inspected_on: date
    inspectors: list[str] = Field(min_length=1)
    findings: list[FindingIn] = []
    demands: list[DemandIn] = []
    attachments: list[str] = Field(default_factory=list, max_length=50,
                                   description="佐证材料：先上传（POST /inspections/attachments?unit=被检查单位），此处填其编号")


class FollowUpIn(_In):
    demand_id: Identifier
    checked_on: date
    met: bool
    note: str = ""


# --- accountability ---------------------------------------------------------------------

class AccountabilityIn(_In):
    kind: AccountabilityKind
    subject_code: str = Field(pattern=DIVISION_CODE, description="the unit of the person held accountable")
    person: str = Field(min_length=1, max_length=100)
    post: str = Field("", max_length=100)
    grounds: list[Identifier] = Field(description="alert ids, inspection finding ids or FalsificationFound event ids")
    reason: str = Field(min_length=1)
    decided_by: str = Field(min_length=1, max_length=200, description="e.g. 县委常委会")
    decided_on: date
    filed_with: str | None = Field(None, pattern=DIVISION_CODE, description="e.g. the city 诫勉谈话 is filed with")
    attachments: list[str] = Field(default_factory=list, max_length=50,
                                   description="决定文书等佐证材料：先上传（POST /accountability/attachments?unit=被问责单位），此处填其编号")


# --- evaluations ------------------------------------------------------------------------

class EvaluationIn(_In):
    study_id: Identifier = Field(description="作出评价的县委研究（持续整顿阶段逐村研究，见整顿台账 continued.study.study_id）")
    role: EvaluatedRole
    person: str = Field(min_length=1, max_length=100)
    user_id: str | None = Field(None, max_length=64)
    subject_code: str = Field(pattern=DIVISION_CODE, description="the village (contact leader, team member) or township")
    grade: Grade
    comment: str = ""
    evaluated_on: date
    occasion: str = Field("持续整顿阶段县级研判", description="the study at which it was evaluated")
    reported_to: str | None = Field(None, pattern=DIVISION_CODE, description="报送的市委组织部；不填为本市")


# --- 四统一, 五统一, 五到位 -----------------------------------------------------------------

class CampaignRecordIn(_In):
    kind: CampaignRecordKind
    unit_code: str = Field(pattern=DIVISION_CODE, description="the recording body's unit (county or township)")
    campaign_id: Identifier | None = None
    held_on: date
    attendees: list[str] = Field(min_length=1, description="参加人员（会议出席人员、培训参训人员等）")
    content: str = Field(min_length=1, max_length=10000, description="研究、部署或落实的内容（如逐村剖析意见）")
    village_codes: list[Annotated[str, Field(pattern=DIVISION_CODE)]] = Field(
        [], max_length=500, description="涉及的村（逐村剖析时必填）")


# --- notification preferences -----------------------------------------------------------

class PreferencesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str | None = Field(None, pattern=EMAIL, max_length=200, description="默认取登录账号的邮箱")
    email_enabled: bool = False


class UnitPreferencesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str | None = Field(None, pattern=EMAIL, max_length=200)
    email_enabled: bool = False
    webhook_url: HttpUrl | None = Field(None, description="单位工作群机器人 Webhook 地址（企业微信/钉钉）")
    webhook_kind: Literal["wecom", "dingtalk"] = "wecom"


# --- special actions and organization life (seed 004) -------------------------------------

class SpecialActionItemIn(_In):
    project: str = Field(min_length=1, max_length=500, description="项目（如：落实村党组织书记县镇共管制度）")
    content: str = Field("", max_length=5000, description="内容")
    requirement: str = Field(min_length=1, max_length=5000, description="要求")
    time_node: str = Field("", max_length=100, description="时间节点原文（全年、10月中下旬、12月底…）")
    due_on: date = Field(description="时间节点：最迟完成日期")
    responsible_name: str = Field(min_length=1, max_length=100, description="责任人")
    responsible_user_id: Identifier | None = Field(None, description="责任人的用户 ID（如有）")


class SpecialActionIn(_In):
    township_code: str = Field(pattern=DIVISION_CODE, description="组织开展的乡镇")
    name: str = Field(min_length=1, max_length=200, description="专项行动名称，如 党建引领富民兴村专项行动")
    starts_on: date
    ends_on: date
    pilot_villages: list[Annotated[str, Field(pattern=DIVISION_CODE)]] = Field(
        max_length=50, description="试点样板村（每项行动2-4个）")
    items: list[SpecialActionItemIn] = Field(max_length=200, description="任务分解表（附件1）的各项任务")


class SpecialActionProgressIn(_In):
    recorded_on: date
    text: str = Field(min_length=1, max_length=10000, description="推进情况")
    evidence: str = Field("", max_length=10000, description="佐证材料说明（标记完成时，说明或文件至少其一）")
    attachments: list[str] = Field(default_factory=list, max_length=50,
                                   description="佐证材料文件：先上传（POST /special-actions/attachments?unit=乡镇），此处填其编号")
    done: bool = False
    village_code: str | None = Field(None, pattern=DIVISION_CODE, description="涉及的村（如试点样板村）")


class OrgLifeScheduleIn(_In):
    township_code: str = Field(pattern=DIVISION_CODE)
    branch_codes: list[Annotated[str, Field(pattern=DIVISION_CODE)]] = Field(
        min_length=1, max_length=500, description="纳入的村党组织")
    kinds: list[MeetingKind] = Field(list(MeetingKind), min_length=1, description="督促的组织生活种类（默认全部）")
    starts_on: date = Field(description="开始日期（2000–2100 年）")
    ends_on: date | None = Field(None, description="结束日期（2000–2100 年；不填为长期）")
    action_id: Identifier | None = Field(None, description="所属专项行动（如组织生活规范化专项行动）")

    # Bounded: the clock judges every period of every schedule each day. A validator, not ge/le: a JSON
    # schema cannot bound a date, so the bound is stated as a rule (value_error) and in the descriptions.
    @field_validator("starts_on", "ends_on")
    @classmethod
    def _within_the_century(cls, day: date | None) -> date | None:
        if day is not None and not date(2000, 1, 1) <= day <= date(2100, 12, 31):
            raise ValueError("日期须在 2000 年至 2100 年之间")
        return day


class OrgLifeMeetingIn(_In):
    branch_code: str = Field(pattern=DIVISION_CODE, description="村党组织（村代码）")
    kind: MeetingKind
    held_on: date
    attendees: list[Annotated[str, Field(max_length=100)]] = Field([], max_length=1000, description="参会人员")
    minutes: str = Field("", max_length=50000, description="会议记录（每会必记）")
    topic: str = Field("", max_length=500, description="议题")


class SupervisionResultIn(_In):
    branch_code: str = Field(pattern=DIVISION_CODE)
    rating: Rating
    note: str = Field("", max_length=5000)


class SpecialActionSupervisionIn(_In):
    township_code: str = Field(pattern=DIVISION_CODE)
    mode: SupervisionMode
    held_on: date
    action_ids: list[Identifier] = Field(min_length=1, max_length=20, description="督导的专项行动")
    item_id: Identifier | None = Field(None, description="跟踪督导所跟踪的任务")
    branch_codes: list[Annotated[str, Field(pattern=DIVISION_CODE)]] = Field(min_length=1, max_length=500)
    inspectors: list[Annotated[str, Field(max_length=100)]] = Field(min_length=1, max_length=50, description="督导人员")
    findings: str = Field("", max_length=20000, description="督导发现与通报材料")
    results: list[SupervisionResultIn] = Field([], max_length=500, description="各村党组织的督导结果（年度考核依据）")
