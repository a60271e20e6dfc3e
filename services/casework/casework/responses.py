"""What the casework service answers: one model per response, so /openapi.json says it exactly.

The lists of the book (problems, measures, progress …) are folded from its entries; their
known fields are declared, and later entry versions may add fields (``Record`` allows them).
"""
from __future__ import annotations

from datetime import date


from pydantic import BaseModel, ConfigDict, Field

from casework.domain.case import EntryKind
from zhengdun.events.casework import CasePhase, MeasureStatus, Person
from zhengdun.responses import JsonObject, Out


class Record(Out):
    model_config = ConfigDict(extra="allow")


class TeamOut(Out):
    leader: Person | None
    members: list[Person]
    stationed_on: date | None


class PairingOut(Record):
    secretary: Person
    secretary_village_code: str
    key: str
    paired_on: date


class ProblemOut(Record):
    problem_id: str
    title: str
    detail: str
    criterion_code: str | None
    found_on_site: bool
    found_on: date


class TaskOut(Record):
    task_id: str
    problem_id: str
    title: str


class MeasureOut(Record):
    measure_id: str
    task_id: str
    problem_id: str
    title: str
    responsible: str | None
    responsible_user_id: str | None = None     # the platform user; none: free text (no account)
    responsible_username: str | None = None
    deadline: date | None
    status: MeasureStatus
    latest_record: str | None
    planned_on: date


class ResponsibilityOut(Out):
    """A row of the responsibility list (责任清单), derived from the measures."""
    measure_id: str
    measure: str
    task: str
    problem: str
    responsible: str | None
    responsible_user_id: str | None = None      # the platform user named responsible, where they have an account
    responsible_username: str | None = None
    deadline: date | None
    status: MeasureStatus


class CommentAnswerOut(Out):
    text: str
    answered_on: date


class CommentOut(Record):
    comment_id: str
    commenter: str
    text: str
    received_on: date
    answer: CommentAnswerOut | None


class PlanOut(Out):
    published_on: date | None
    comments: list[CommentOut]


class EvidenceRef(Record):
    file_id: str
    filename: str
    sha256: str
    size: int
    content_type: str


class ProgressOut(Record):
    record_id: str
    measure_id: str
    status: MeasureStatus
    narrative: str
    evidence: list[EvidenceRef]
    progress_on: date
    corrects: str | None
    corrected_by: str | None


class MissingMust(Out):
    code: str = Field(description="team_members / village_cadres / key_persons / problems_pushed")
    label: str


class VisitOut(Record):
    leader: Person
    team_members: list[str]
    village_cadres: list[str]
    key_persons: list[str]
    problems_pushed: list[str]
    notes: str
    visited_on: date
    missing_musts: list[MissingMust] = Field(description="未做到的“三必须”事项（中文标签）；空：全部做到")
    counts_toward_minimum: bool = Field(description="做到“三必须”，计入每月到村次数")


class StudyOut(Record):
    study_id: str | None = None     # the entry; evaluations made at the study cite it
    meeting: str
    conclusion: str
    studied_on: date


class SupervisionOut(Record):
    supervisor: Person
    deadline: date
    decided_on: date


class SecondReviewOut(Record):
    county_secretary: Person
    conclusion: str
    reviewed_on: date


class ContinuedOut(Out):
    study: StudyOut | None
    supervision: SupervisionOut | None
    second_review: SecondReviewOut | None


class ProgressReportOut(Record):
    """每两个月向县委组织部报送一次: one period's report."""
    report_id: str
    period_start: date
    period_end: date
    filed_on: date
    summary: str
    policy_version: int


class CaseDetail(Out):
    """The case as it stands (or stood, in a ledger as of a past date): 一村一册."""
    case_id: str
    campaign_id: str
    village_code: str
    village_name: str | None
    township_code: str
    county_code: str
    category: str
    criteria_met: list[str]
    decision_number: str | None
    designated_on: date
    opened_on: date
    phase: CasePhase
    phase_label: str
    continued_since: date | None
    team: TeamOut | None
    contact_leader: Person | None
    direct_county_secretary: bool
    first_secretary: Person | None
    pairings: list[PairingOut]
    problems: list[ProblemOut]
    tasks: list[TaskOut]
    measures: list[MeasureOut]
    responsibilities: list[ResponsibilityOut]
    plan: PlanOut
    progress: list[ProgressOut]
    visits: list[VisitOut]
    continued: ContinuedOut
    progress_reports: list[ProgressReportOut] = []
    unfinished_measures: int
    reopened: int
    entries: int


class EntryOut(Out):
    """One line of the book; ``data`` depends on ``kind``."""
    seq: int
    entry_id: str
    kind: EntryKind
    label: str
    occurred_on: date
    recorded_on: date
    actor: JsonObject
    data: JsonObject
    corrects: str | None
    flag: str | None = Field(None, description="例外情况的标记，如持续整顿阶段调整工作队或联系领导")


class LedgerOut(Out):
    as_of: date
    case: CaseDetail
    history: list[EntryOut]


class WriteOut(Out):
    """A step's answer: the case's phase after it and the entry it appended to the book."""
    case_id: str
    phase: CasePhase
    entry: EntryOut


class CaseSummary(BaseModel):
    case_id: str
    campaign_id: str
    village_code: str
    village_name: str | None
    township_code: str
    county_code: str
    category: str
    phase: CasePhase
    phase_label: str
    designated_on: date
    opened_on: date
    updated_on: date


class PairedVillageOut(Out):
    village_code: str
    village_name: str | None
    case_id: str
    paired_on: date


class EndedPairingOut(Out):
    village_code: str
    village_name: str | None
    paired_on: date
    ended_on: date
    reason: str = Field(description="delisted | not_relisted")
    reason_label: str


class SecretaryPairingsOut(Out):
    """One excellent secretary's pairing list (结对帮带): the villages on the list now, and those that left it (销账)."""

    secretary: Person
    secretary_village_code: str
    secretary_village_name: str | None
    county_code: str
    villages: list[PairedVillageOut]
    active_villages: int
    target_min_villages: int
    max_villages: int
    below_target: bool = Field(description="少于目标数（2 个村）：可以保存，但在县里的结对名单中标出")
    ended: list[EndedPairingOut]
