"""What the callers ask of the screening service: the request bodies, each the input of one use case
(service/). An unknown field is refused (extra="forbid"): it is a mistake the caller should hear about."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from screening.domain.users import USERNAME
from zhengdun.events import screening as ev
from zhengdun.params import DIVISION_CODE, DivisionCode, Identifier

CODE = DIVISION_CODE  # exactly the codes zhengdun.divisions accepts
RoleName = Annotated[str, StringConstraints(pattern="^[a-z][a-z_]*$", max_length=64)]

# \x85 (NEL) is named: the services' regex engine counts it as a space, a JSON Schema client may not.
EMAIL = r"^[^@\s\x85]+@[^@\s\x85]+$"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ------------------------------------------------------------------------------- campaigns


class OpenCampaign(_In):
    name: str = Field(min_length=1, description="整顿工作名称")
    area_code: str = Field(pattern=CODE, description="开展整顿工作的省、市、县或乡镇的区划代码（不能是村）")
    opened_on: date
    phases: list[ev.PhaseWindow] | None = Field(None, description="阶段及起止日期；默认按种子文件")
    criteria: list[ev.Criterion] | None = Field(None, description="认定标准目录；默认十条")
    lagging_rule: ev.LaggingRule | str | None = Field(
        None, description="后进村倒排规则：结构化规则（排名依据、方向、后 N 名或后一定比例、乡镇或县范围），平台据此计算倒排建议；"
                          "也可只写文字说明（不自动计算）；默认为种子文件的文字说明")
    policy: ev.Policy | None = Field(None, description="政策参数；默认种子文件规定")
    carries_over_from: Identifier | None = Field(
        None, description="上一轮整顿工作（同一区域此前开展的）：其名单中未通过验收的村在本次首轮排查中提示继续整顿")
    organization_kinds: list[ev.OrganizationKind] | None = Field(
        None, min_length=1, max_length=4,
        description="整顿对象类型（行政村、社区、非公企业、社会组织）：只排查这些类型，比例以其总数为基数"
                    "（种子文件001：所辖基层党组织总数）；非公企业和社会组织须先经组织登记导入。"
                    "不填则排查全部村（社区），不含非公企业和社会组织，比例以行政村总数为基数（种子文件000）")


class ReviseCampaignPolicy(_In):
    policy: ev.Policy | None = Field(None, description="新政策参数；不填则沿用现行版本")
    reason: str
    effective_on: date
    phases: list[ev.PhaseWindow] | None = Field(None, description="新的阶段安排；不填则不变")
    criteria: list[ev.Criterion] | None = Field(
        None, description="新的认定标准目录（新目录版本）；不填则不变。此前的排查研判保留其所用的目录版本")


# ------------------------------------------------------------------------------- township screening


class AssessmentIn(_In):
    village_code: str = Field(pattern=CODE)
    findings: list[ev.CriterionFinding] = Field(description="逐条对照认定标准：每条 met 是否符合，符合的须填 evidence")
    result: ev.AssessmentResult
    ranking: ev.RankingInput | None = None


class AssessmentsIn(_In):
    assessed_on: date
    assessments: list[AssessmentIn] = Field(min_length=1, max_length=2000, description="一个乡镇的全部村可一次提交")


_FILES = "先上传到本乡镇本轮的佐证材料（POST …/townships/{township}/attachments），此处填其编号"


class MeetingIn(_In):
    held_on: date
    attendees: list[str] = Field(min_length=1)
    minutes: str = Field(min_length=1)
    attachments: list[str] = Field(default_factory=list, max_length=50, description=f"会议纪要原件、照片：{_FILES}")


class NoticeIn(_In):
    starts_on: date
    ends_on: date
    photos: list[str] = Field(default_factory=list, max_length=50, description=f"公示照片：{_FILES}")


class ObjectionIn(_In):
    raised_on: date
    content: str = Field(min_length=1)


class AnswerIn(_In):
    answer: str = Field(min_length=1)
    answered_on: date


class SubmitIn(_In):
    submitted_on: date
    carry_over_reasons: dict[str, str] = Field(default_factory=dict, description="上一轮列入本轮不再列入的村：逐村说明理由")
    lagging_reasons: dict[str, str] = Field(
        default_factory=dict, description="后进村与倒排建议不一致的（列入未在倒排范围内的村，或未列入倒排靠后的村）：逐村说明理由")


class SetLaggingRule(_In):
    rule: ev.LaggingRule = Field(description="本县（乡镇）的倒排规则：依据、方向、后 N 名或后一定比例、排名范围")
    reason: str = Field("", max_length=2000, description="确定或调整规则的说明（如县委组织部研究意见）")


# ------------------------------------------------------------------------------- county review


class DrawIn(_In):
    """No seed: it is derived from the secret committed when the list was frozen (nobody chooses it)."""

    drawn_on: date
    redraw_reason: str | None = Field(None, max_length=500,
                                      description="重新抽样的理由（同一名单已抽过样时必填，原样本保留在案）")


class FindingIn(_In):
    village_code: str = Field(pattern=CODE)
    outcome: ev.CheckOutcome
    note: str = ""
    criteria_met: list[str] = Field(default_factory=list,
                                    description="市级抽查：未列入的村经核查符合的认定标准（据此认定为整顿对象）")


class FindingsIn(_In):
    checked_on: date
    findings: list[FindingIn] = Field(min_length=1)


class SiteVisitFindingIn(FindingIn):
    attachments: list[str] = Field(default_factory=list, max_length=50,
                                   description="走访核查的佐证材料：先上传到本县本轮（POST …/counties/{county}/attachments），此处填其编号")


class SiteVisitsIn(FindingsIn):
    findings: list[SiteVisitFindingIn] = Field(min_length=1)


class ReturnIn(_In):
    reasons: list[str] = Field(min_length=1)
    returned_on: date


class AdjustIn(_In):
    village_code: str = Field(pattern=CODE)
    change: ev.ListChange
    reason: str
    adjusted_on: date
    category: ev.ListCategory | None = None
    criteria_met: list[str] = Field(default_factory=list)


class ConfirmIn(_In):
    decision_number: str = Field(min_length=1, description="县委常委会决定文号")
    decided_on: date


# ------------------------------------------------------------------------------- city spot check and filing


class CityDrawIn(DrawIn):
    pass


class FileIn(_In):
    filing_date: date
    filed_on: date


# ------------------------------------------------------------------------------- users


class CreateUser(_In):
    username: str = Field(pattern=USERNAME.pattern, description="登录名：3-64位小写字母、数字、. _ -，以字母或数字开头")
    family_name: str = Field(min_length=1, max_length=20, description="姓")
    given_name: str = Field(min_length=1, max_length=40, description="名")
    email: str | None = Field(None, max_length=254, pattern=EMAIL)
    unit: DivisionCode = Field(description="所属单位的12位区划代码（每个用户只属于一个单位）")
    roles: list[RoleName] = Field(min_length=1, max_length=20, description="职能角色，如 township_committee、work_team_member")
    initial_password: str = Field(min_length=8, max_length=128)


class CreateUsers(_In):
    users: list[CreateUser] = Field(min_length=1, max_length=2000,
                                    description="要创建的用户（如一个县各乡镇的账号）；整份名单先校验，有误则一个也不创建")


class MoveUser(_In):
    unit: DivisionCode


class SetRoles(_In):
    roles: list[RoleName] = Field(max_length=20, description="职能角色（按所属单位的层级授予）；层级角色随单位自动设定")


# ------------------------------------------------------------------------------- the register of organizations and cadres


class SecretaryIn(_In):
    name: str = Field(max_length=60, description="党组织书记姓名")
    phone: str = Field(max_length=40, description="联系电话：手机 11 位，或固定电话带区号（如 0518-88881234）")


class CommitteeMemberIn(_In):
    name: str = Field(max_length=60, description="姓名")
    post: str = Field(max_length=60, description="职务：副书记、委员、村委会主任……（书记填在 secretary 中）")
    phone: str | None = Field(None, max_length=40, description="联系电话（可空）")


class CadreEntryIn(_In):
    organization_name: str | None = Field(None, max_length=200, description="党组织名称（如 某某村党总支）；可空")
    secretary: SecretaryIn
    members: list[CommitteeMemberIn] = Field(default_factory=list, max_length=60, description="其他班子成员")
    last_election_on: date = Field(description="最近一次村“两委”换届日期（每届任期 5 年）")
    star_rating: int | None = Field(None, description="星级（1–5 星；未评定的留空）")
    reason: str | None = Field(None, max_length=500, description="修改说明（可空），随本次修订保存")
