"""Payload models of the events the casework service publishes.

Supervision watches deadlines from them, acceptance learns which cases are ready and who
rectified each village (separation of duties), reporting counts them. Personal names travel
on internal topics only; none of these events is public except the phase change.
"""
from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from zhengdun.events.base import event
from zhengdun.events.screening import DIVISION_CODE, CadreRank, ListCategory


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CasePhase(StrEnum):
    CONCENTRATED = "concentrated"        # 集中整顿
    CONTINUED = "continued"              # 持续整顿
    READY = "ready_for_acceptance"       # 待验收
    ACCEPTED = "accepted"                # 已验收（待销号）
    DELISTED = "delisted"                # 已销号


CASE_PHASE_LABELS = {
    CasePhase.CONCENTRATED: "集中整顿", CasePhase.CONTINUED: "持续整顿", CasePhase.READY: "待验收",
    CasePhase.ACCEPTED: "已通过验收", CasePhase.DELISTED: "已销号",
}


class MeasureStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class Person(_Frozen):
    """Someone named in a case. ``user_id`` (Keycloak's user id) and ``username`` link to their
    login where they have one, so a task or a reminder can reach them; without them the person
    is free text (someone without a platform account), shown as such."""

    name: str = Field(min_length=1)
    post: str = ""
    rank: CadreRank | None = None
    unit: str = ""
    user_id: str | None = None
    username: str | None = None


class CaseRef(_Frozen):
    """The keys every casework event carries, so consumers never need a lookup."""

    case_id: str
    campaign_id: str
    village_code: str = Field(pattern=DIVISION_CODE)
    township_code: str = Field(pattern=DIVISION_CODE)
    county_code: str = Field(pattern=DIVISION_CODE)


@event("zhengdun.casework.case.opened.v1")
class CaseOpened(CaseRef):
    """A designated target got its case (一村一册); ``designated_on`` starts the dispatch deadline."""

    category: ListCategory
    criteria_met: tuple[str, ...] = ()
    decision_number: str | None = None
    designated_on: date
    opened_on: date
    policy_version: int = Field(ge=1)


@event("zhengdun.casework.team.stationed.v1")
class TeamStationed(CaseRef):
    """The work team was stationed (派驻到位), or changed with a reason (``change_reason``)."""

    leader: Person
    members: tuple[Person, ...]
    stationed_on: date
    change_reason: str | None = None


@event("zhengdun.casework.contact_leader.assigned.v1")
class ContactLeaderAssigned(CaseRef):
    """A county-level leader was assigned to the village (联系分包), or replaced with a reason."""

    leader: Person
    assigned_on: date
    direct_county_secretary: bool = False   # at the second review of the continued phase
    change_reason: str | None = None


@event("zhengdun.casework.measure.planned.v1")
class MeasurePlanned(CaseRef):
    """A measure of the plan with its responsible person and deadline (责任清单 line)."""

    measure_id: str
    problem_id: str
    task_id: str
    title: str
    responsible: str                              # the name, always (free text or the user's name)
    deadline: date
    planned_on: date
    responsible_user_id: str | None = None        # the platform user, where they have an account
    responsible_username: str | None = None


@event("zhengdun.casework.progress.recorded.v1")
class ProgressRecorded(CaseRef):
    """A dated progress record on a measure; ``corrects`` names the record it replaces.

    ``measure_status`` is the measure's status after this record as casework decides it (its newest record that
    nobody corrected), holding from ``measure_status_since`` (this record's date, or the latest date the measure
    was already reported on if this record is dated before it). Consumers copy both. None: published before
    casework carried them; consumers then derive the status from the records as they did."""

    record_id: str
    measure_id: str
    status: MeasureStatus
    recorded_on: date
    evidence_count: int = Field(0, ge=0)
    corrects: str | None = None
    measure_status: MeasureStatus | None = None
    measure_status_since: date | None = None


@event("zhengdun.casework.visit.recorded.v1")
class VisitRecorded(CaseRef):
    """A contact-leader visit: with whom, and which problems it pushed forward."""

    visit_id: str
    leader_user_id: str | None = None
    leader_name: str
    visited_on: date
    talked_with_team: bool
    talked_with_village_cadres: bool
    talked_with_key_persons: bool
    problems_pushed: tuple[str, ...] = ()
    # Casework's verdict on the 三必须 (every group talked with, enough problems pushed under the policy in force):
    # consumers copy it. None: published before the verdict was carried; consumers judge from the fields above.
    counts_toward_minimum: bool | None = None


@event("zhengdun.casework.case.continued_studied.v1")
class ContinuedStudied(CaseRef):
    """县委常委会逐村听取汇报、分析原因 (seed 000 §三(三)1): the county's study of a village in continued
    rectification. Supervision ties the evaluations made at it (reported to the city) to ``study_id``."""

    study_id: str
    studied_on: date
    meeting: str
    conclusion: str


@event("zhengdun.casework.case.supervision_assigned.v1")
class SupervisionAssigned(CaseRef):
    """县委书记挂牌督办: in continued rectification the county secretary supervises the village by name, with a
    deadline by which its rectification is to be complete (supervision watches it like any other deadline)."""

    supervisor: Person
    deadline: date
    decided_on: date


@event("zhengdun.casework.progress_report.filed.v1")
class ProgressReportFiled(CaseRef):
    """每两个月向县委组织部报送一次 (seed 001 §二(二)): the case's dated progress report to the county for one
    period (``period_start``–``period_end``, see zhengdun.periods), under the policy version in force."""

    report_id: str
    period_start: date
    period_end: date
    filed_on: date
    summary: str = Field(min_length=1)
    policy_version: int = Field(ge=1)


@event("zhengdun.casework.case.phase_changed.v1", public=True)
class CasePhaseChanged(CaseRef):
    """The case moved between phases (e.g. into continued rectification, or reopened)."""

    phase: CasePhase
    previous_phase: CasePhase | None = None
    changed_on: date
    reason: str = ""


@event("zhengdun.casework.case.ready.v1")
class CaseReadyForAcceptance(CaseRef):
    """Every measure is complete: the village may apply for acceptance.

    Carries who rectified it, so acceptance can keep them from deciding it (separation of duties)."""

    ready_on: date
    team_leader: Person
    team_members: tuple[Person, ...]
    contact_leader: Person | None = None
    measures: int = Field(ge=0)


@event("zhengdun.casework.pairing.recorded.v1")
class PairingRecorded(CaseRef):
    """An excellent village secretary was paired with this village (结对帮带, seed 002: 2–3 villages each).
    Internal only: it names the secretary."""

    secretary: Person
    secretary_village_code: str = Field(pattern=DIVISION_CODE)
    paired_on: date
    villages_of_secretary: int = Field(ge=1, description="the secretary's active paired villages, this one included")
    below_target: bool = Field(description="fewer than the target minimum (2) villages")


@event("zhengdun.casework.pairing.ended.v1")
class PairingEnded(CaseRef):
    """The village left the list (销账: delisted, or not relisted), so its pairing ended."""

    secretary: Person
    secretary_village_code: str = Field(pattern=DIVISION_CODE)
    ended_on: date
    reason: str = Field(description="delisted | not_relisted")
