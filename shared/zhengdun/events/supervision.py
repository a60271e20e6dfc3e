"""Payload models of the events the supervision service publishes (reporting counts them)."""
from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from zhengdun.events.base import event
from zhengdun.events.screening import DIVISION_CODE


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@event("zhengdun.supervision.alert.raised.v1")
class AlertRaised(_Frozen):
    """A rule found a breach of the campaign policy; ``key`` identifies the breach (never raised twice)."""

    alert_id: str
    key: str
    rule: str
    campaign_id: str | None = None
    subject_code: str = Field(pattern=DIVISION_CODE)     # the unit responsible
    subject_role: str
    village_code: str | None = None
    severity: Severity
    facts: tuple[str, ...] = ()                           # event ids
    raised_on: date
    due_on: date | None = None
    label: str = ""                                       # the rule's Chinese label
    subject_person: str | None = None                     # the person responsible, where known
    subject_user_id: str | None = None
    proposal: str | None = None                           # e.g. 诫勉谈话 proposed for a township secretary
    policy_version: int | None = Field(None, ge=1)        # the campaign policy version the rule applied


@event("zhengdun.supervision.alert.resolved.v1")
class AlertResolved(_Frozen):
    alert_id: str
    key: str
    rule: str
    subject_code: str = Field(pattern=DIVISION_CODE)
    village_code: str | None = None
    resolved_on: date
    reason: str = ""


@event("zhengdun.supervision.accountability.decided.v1")
class AccountabilityDecided(_Frozen):
    """A talk, admonishment talk or organizational handling, with its grounds."""

    action_id: str
    kind: str
    subject_code: str = Field(pattern=DIVISION_CODE)
    grounds: tuple[str, ...] = Field(min_length=1)        # alert ids, finding ids or event ids
    decided_on: date
    person: str | None = None                             # who is held accountable
    decided_by: str | None = None                         # the deciding body, e.g. 县委常委会
    campaign_id: str | None = None                        # the campaign of its grounds, where known
    policy_version: int | None = Field(None, ge=1)        # that campaign's policy version in force on decided_on


# --- a township's special actions (seed 004) ------------------------------------------------

class SpecialActionItem(_Frozen):
    """One line of the task-decomposition table (附件1), as the township published it."""

    item_id: str
    position: int = Field(ge=1)
    project: str                                          # 内容 column: the numbered item
    content: str = ""
    requirement: str                                      # 要求
    time_node: str = ""                                   # 时间节点 in the table's words
    due_on: date
    responsible_name: str                                 # 责任人


@event("zhengdun.supervision.special_action.opened.v1")
class SpecialActionOpened(_Frozen):
    """A township opened a special action (专项行动) with its task-decomposition table and pilot villages."""

    action_id: str
    township_code: str = Field(pattern=DIVISION_CODE)
    name: str
    starts_on: date
    ends_on: date
    pilot_villages: tuple[str, ...] = ()
    items: tuple[SpecialActionItem, ...] = ()


@event("zhengdun.supervision.special_action.progress_recorded.v1")
class SpecialActionProgressRecorded(_Frozen):
    """Progress of one item of a special action; ``done`` only with evidence (kept in supervision, not here)."""

    record_id: str
    action_id: str
    item_id: str
    township_code: str = Field(pattern=DIVISION_CODE)
    recorded_on: date
    done: bool
    village_code: str | None = None


@event("zhengdun.supervision.org_life.meeting_recorded.v1")
class OrgLifeMeetingRecorded(_Frozen):
    """A branch's organization-life meeting was recorded (每会必记); names and minutes stay in supervision."""

    meeting_id: str
    branch_code: str = Field(pattern=DIVISION_CODE)
    kind: str
    held_on: date
    attendee_count: int = Field(ge=1)


@event("zhengdun.supervision.special_action.supervised.v1")
class SpecialActionSupervised(_Frozen):
    """The township's supervision group supervised some branches (附件2): the mode and a rating per branch."""

    supervision_id: str
    township_code: str = Field(pattern=DIVISION_CODE)
    mode: str
    held_on: date
    branch_codes: tuple[str, ...] = ()
    ratings: dict[str, str] = Field(default_factory=dict)      # branch code → good | fair | adequate | poor
