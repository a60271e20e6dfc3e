"""What the casework service's use cases are asked to do: the request bodies, one model per step.

The routes parse them, the use cases in ``service.py`` take them (same class names, so the OpenAPI
is unchanged).
"""
from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from zhengdun.events.casework import MeasureStatus, Person
from zhengdun.params import DIVISION_CODE

CODE = DIVISION_CODE  # exactly the codes zhengdun.divisions accepts


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChangeDecisionIn(_In):
    """The county's decision a change of team or contact leader rests on (不转化不脱钩)."""
    reference: str = Field(min_length=1, max_length=200, description="县委常委会或县委组织部决定的文号或标题")
    decided_on: date


_DECISION = "调整时必填：县委常委会或县委组织部的决定（文号或标题、日期）；首次选派不填"


_EXCEPTION = "持续整顿阶段调整时必填：原工作队和联系分包领导原则上保持不变，说明作为例外调整的理由"


class TeamIn(_In):
    leader: Person
    members: list[Person]
    stationed_on: date
    change_reason: str | None = None
    decision: ChangeDecisionIn | None = Field(None, description=_DECISION)
    exception_reason: str | None = Field(None, max_length=500, description=_EXCEPTION)


class ContactLeaderIn(_In):
    leader: Person
    assigned_on: date
    change_reason: str | None = None
    decision: ChangeDecisionIn | None = Field(None, description=_DECISION)
    exception_reason: str | None = Field(None, max_length=500, description=_EXCEPTION)


class FirstSecretaryIn(_In):
    secretary: Person
    appointed_on: date
    change_reason: str | None = None


class PairingIn(_In):
    secretary: Person
    secretary_village_code: str = Field(pattern=CODE)
    paired_on: date


class SecretaryPairingIn(_In):
    """结对帮带 (seed 002): an excellent village secretary "承包" 2–3 weak villages of the county."""
    secretary_village_code: str = Field(pattern=CODE, description="优秀村党组织书记所在村的区划代码")
    secretary_name: str | None = Field(None, max_length=30, pattern=r"^[^\x00-\x1f\x7f]*$",
                                       description="书记姓名；不填则取村党组织和“两委”干部名册中该村的现任书记")
    village_codes: list[Annotated[str, Field(pattern=CODE)]] = Field(
        max_length=20, description="结对的软弱涣散村（须在整顿名单上、在本县内；每名书记合计至多 3 个）")
    paired_on: date


class ProblemIn(_In):
    title: str
    detail: str = ""
    criterion_code: str | None = Field(None, description="列入本村的认定标准；现场新发现的问题不填")
    found_on: date


class TaskIn(_In):
    problem_id: str
    title: str


class MeasureIn(_In):
    task_id: str
    title: str
    responsible: Person | str | None = Field(
        None, description="责任人：有平台账号的填 {name, user_id, username}；没有账号的可填姓名（自由文本）")
    deadline: date | None = None


class PlanPublicationIn(_In):
    published_on: date
    notice: str = ""


class CommentIn(_In):
    commenter: str = ""
    text: str
    received_on: date


class AnswerIn(_In):
    answer: str
    answered_on: date


class ProgressIn(_In):
    status: MeasureStatus
    narrative: str
    evidence_ids: list[str] = []
    progress_on: date
    corrects: str | None = Field(None, description="更正的进展记录编号（新记录指向被更正的记录，原记录不改）")


class VisitIn(_In):
    visited_on: date
    team_members: list[str] = []
    village_cadres: list[str] = []
    key_persons: list[str] = []
    problems_pushed: list[str] = []
    notes: str = ""


class ProgressReportIn(_In):
    filed_on: date
    period_start: date | None = Field(None, description="报送周期的起始日；不填为报送日所在的周期（补报以往周期时填写）")
    summary: str = Field(min_length=1, max_length=5000, description="本期整顿进展情况")


class StudyIn(_In):
    studied_on: date
    meeting: str
    conclusion: str


class SupervisionIn(_In):
    supervisor: Person
    deadline: date
    decided_on: date


class SecondReviewIn(_In):
    reviewed_on: date
    county_secretary: Person
    conclusion: str
