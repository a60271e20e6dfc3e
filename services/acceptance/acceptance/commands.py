"""The acceptance service's commands: the request bodies, each the input of one use case in service/."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from acceptance.domain.standard import HEADINGS
from zhengdun.events.screening import CadreRank
from zhengdun.params import DIVISION_CODE
from zhengdun.roles import ReviewDepartment

CODE = DIVISION_CODE  # exactly the codes zhengdun.divisions accepts


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


_FILES = "先上传到本次验收的佐证材料（POST /acceptances/{acceptance_id}/attachments），此处填其编号"


class ApplicationIn(_In):
    statement: str | None = Field(None, description="申请书正文；第一位签字人填写，第二位可省略或填写相同内容")
    attachments: list[str] = Field(default_factory=list, max_length=20, description=f"签字的纸质申请书（扫描件、照片）：{_FILES}")


class StandardItemIn(_In):
    code: str
    heading: Literal[tuple(HEADINGS)] = Field(  # type: ignore[valid-type]
        description="team 班子坚强有力 / institutions 制度运行规范 / social_management 社会管理有序 / satisfaction 党员群众满意")
    title: str = Field(min_length=1, max_length=200)
    max_score: Decimal = Field(gt=0, le=1000)


class StandardIn(_In):
    items: list[StandardItemIn]
    pass_mark: Decimal = Field(gt=0, le=100000)


class SelfCheckIn(_In):
    scores: dict[str, Annotated[Decimal, Field(ge=0, le=1000)]]


class MeetingIn(_In):
    held_on: date
    attendees: list[str] = Field(min_length=1)
    minutes: str = Field(min_length=1)


class PreliminaryIn(_In):
    inspection_group: list[str]
    meeting: MeetingIn
    passed: bool
    report: str = Field(min_length=1)
    attachments: list[str] = Field(default_factory=list, max_length=20, description=f"乡镇初验报告原件及材料：{_FILES}")


class Empty(_In):
    pass


class LeaderIn(_In):
    name: str = Field(min_length=1)
    post: str = ""
    rank: CadreRank
    user_id: str | None = None


class CountyGroupIn(_In):
    leader: LeaderIn
    members: list[str] = []
    departments: list[ReviewDepartment] | None = Field(None, description="默认：全部八个联审部门")


class OpinionIn(_In):
    agrees: bool
    opinion: str = Field(min_length=1)


class CountyReportIn(_In):
    passed: bool
    report: str = Field(min_length=1)
    score: Decimal | None = Field(None, ge=0, le=100000)
    attachments: list[str] = Field(default_factory=list, max_length=20, description=f"县级验收报告原件及材料：{_FILES}")


class ApprovalIn(_In):
    approved: bool
    meeting_on: date
    minutes: str = Field(min_length=1)


class SurveyIn(_In):
    respondents: int = Field(ge=1, le=100_000_000)
    satisfied: int = Field(ge=0, le=100_000_000)


class DrawIn(_In):
    campaign_id: str
    county_code: str = Field(pattern=CODE)
    seed: str = Field(min_length=1, max_length=200)
    ratio: Decimal | None = Field(None, gt=0, le=1, description="默认：政策规定的最低比例")


class SpotCheckIn(_In):
    passed: bool
    findings: str = Field(min_length=1)


class NoticeIn(_In):
    place: str = Field(min_length=1)


class ObjectionIn(_In):
    raised_on: date
    content: str = Field(min_length=1)


class ObjectionAnswerIn(_In):
    answer: str = Field(min_length=1)
    answered_on: date


class DelistIn(_In):
    objection_upheld: bool = False
    objections: str = ""


class PostEvaluationIn(_In):
    relapsed: bool
    reason: str = ""


class SpotCheckLevel(StrEnum):
    CITY = "city"
    PROVINCE = "province"
    COUNTY = "county"            # the county's own spot check of a county's or township's own campaign (seed 001)
