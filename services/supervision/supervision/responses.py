"""What the supervision service answers: one model per response, so /openapi.json says it exactly."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from supervision.domain.campaign_records import CampaignRecordKind
from supervision.domain.notices import Kind
from supervision.domain.records import AccountabilityKind, EvaluatedRole, Grade, InspectionKind
from supervision.domain.rules import RULE_LABELS, Rule
from supervision.domain.special_actions import MeetingKind, Rating, SupervisionMode
from supervision.models import (AccountabilityRow, AlertRow, CampaignRecordRow, EvaluationRow, InspectionPlanRow,
                                InspectionRow, NotificationRow, OrgLifeMeetingRow, OrgLifeScheduleRow,
                                SpecialActionItemRow, SpecialActionProgressRow, SpecialActionRow,
                                SpecialActionSupervisionRow)
from zhengdun.attachments import AttachmentRef
from zhengdun.events.base import Actor
from zhengdun.responses import JsonObject, Out


class AlertOut(Out):
    alert_id: str
    key: str
    rule: str
    label: str
    campaign_id: str
    subject_code: str
    subject_role: str
    subject_person: str | None
    subject_user_id: str | None
    scope_code: str
    village_code: str | None
    severity: str
    facts: list[str]
    due_on: date | None
    proposal: str | None
    status: Literal["open", "resolved", "withdrawn"]
    raised_on: date
    resolved_on: date | None
    resolution: str | None
    policy_version: int | None = Field(None, description="预警所依据的整顿政策版本")


class PlanOut(Out):
    plan_id: str
    unit_code: str
    title: str
    kind: InspectionKind
    kind_label: str
    recurrence: str
    day_from: int
    day_to: int | None
    starts_on: date
    ends_on: date | None
    actor: Actor


class FindingOut(Out):
    finding_id: str
    text: str
    village_code: str | None
    alert_id: str | None


class DemandOut(Out):
    demand_id: str
    text: str
    deadline: date
    responsible_code: str | None
    done_on: date | None


class FollowUpOut(Out):
    model_config = ConfigDict(extra="allow")
    demand_id: str
    checked_on: date
    met: bool
    note: str
    actor: Actor


class InspectionOut(Out):
    inspection_id: str
    plan_id: str | None
    kind: InspectionKind
    kind_label: str
    unit_code: str
    inspected_by_code: str
    inspected_on: date
    inspectors: list[str]
    findings: list[FindingOut]
    demands: list[DemandOut]
    follow_ups: list[FollowUpOut]
    attachments: list[AttachmentRef] = Field(default_factory=list, description="督导检查的佐证材料")
    actor: Actor


class AccountabilityOut(Out):
    action_id: str
    kind: AccountabilityKind
    kind_label: str
    subject_code: str
    person: str
    post: str
    grounds: list[str]
    reason: str
    decided_by: str
    decided_on: date
    filed_with: str | None
    campaign_id: str | None = Field(None, description="问责依据所属的整顿工作")
    policy_version: int | None = Field(None, description="决定之日施行的整顿政策版本")
    attachments: list[AttachmentRef] = Field(default_factory=list, description="问责决定的佐证材料（决定文书等）")
    actor: Actor


class EvaluationOut(Out):
    evaluation_id: str
    role: EvaluatedRole
    role_label: str
    person: str
    user_id: str | None
    subject_code: str
    grade: Grade
    grade_label: str
    comment: str
    evaluated_on: date
    occasion: str
    reported_to: str | None
    study_id: str | None = Field(None, description="作出评价的县委研究")
    campaign_id: str | None = None
    policy_version: int | None = Field(None, description="评价之日施行的整顿政策版本")
    actor: Actor


class AppraisalActionOut(Out):
    action_id: str
    kind: AccountabilityKind
    kind_label: str
    person: str
    post: str
    subject_code: str
    grounds: list[str]
    reason: str
    decided_by: str
    decided_on: date
    filed_with: str | None
    policy_version: int | None


class AppraisalEvaluationOut(Out):
    evaluation_id: str
    role: EvaluatedRole
    role_label: str
    person: str
    user_id: str | None
    subject_code: str
    grade: Grade
    grade_label: str
    comment: str
    evaluated_on: date
    study_id: str | None
    reported_to: str | None
    policy_version: int | None


class AppraisalSummaryOut(Out):
    accountability: int
    by_kind: dict[str, int]
    evaluations: int
    grades: dict[str, int]


class AppraisalPersonOut(Out):
    person: str
    user_ids: list[str]
    posts: list[str]
    accountability: list[AppraisalActionOut]
    evaluations: list[AppraisalEvaluationOut]
    summary: AppraisalSummaryOut


class AppraisalOut(Out):
    """述职评议考核: a year's accountability and evaluation results, per person."""
    year: int
    unit_code: str
    person: str | None
    people: list[AppraisalPersonOut]


class CampaignRecordOut(Out):
    """四统一, 五统一, 五到位: a dated record of the campaign's organizing work."""
    record_id: str
    kind: CampaignRecordKind
    kind_label: str
    group: str
    group_label: str
    unit_code: str
    campaign_id: str | None
    held_on: date
    attendees: list[str]
    content: str
    village_codes: list[str]
    actor: Actor


class JournalEntryOut(Out):
    """One entry of a hash chain; ``body`` is the record as it was hashed."""
    position: int
    kind: str
    reference: str
    body: JsonObject
    recorded_at: str
    prev_hash: str
    hash: str


class VerificationOut(Out):
    code: str
    valid: bool
    entries: int
    broken_at: int | None
    reason: str | None
    algorithm: str


# --- the inbox and notification preferences ---------------------------------------------

class NotificationOut(BaseModel):
    notification_id: str
    kind: Kind
    kind_label: str
    title: str
    body: str
    unit_code: str
    user_id: str | None = Field(description="the person told; none: told to the members of unit_code")
    campaign_id: str | None
    reference: str | None
    created_on: date
    created_at: datetime
    read: bool


class UnreadCount(BaseModel):
    unread: int


class PreferencesOut(BaseModel):
    owner: str
    email: str | None
    email_enabled: bool
    webhook_url: str | None = None
    webhook_kind: str | None = None


class NotificationStatistics(BaseModel):
    unit: str
    notifications: int = Field(description="notifications created for units and people of the subtree (inbox)")
    deliveries_sent: int = Field(description="emails and robot messages sent for them")
    deliveries_pending: int = Field(description="still to send (retried with backoff)")


# --- the records as answered (the models above say their shape) --------------------------

def alert_view(a: AlertRow) -> dict[str, Any]:
    return {"alert_id": a.alert_id, "key": a.key, "rule": a.rule, "label": RULE_LABELS.get(Rule(a.rule), a.rule),
            "campaign_id": a.campaign_id, "subject_code": a.subject_code, "subject_role": a.subject_role,
            "subject_person": a.subject_person, "subject_user_id": a.subject_user_id, "scope_code": a.scope_code,
            "village_code": a.village_code, "severity": a.severity, "facts": a.facts,
            "due_on": a.due_on, "proposal": a.proposal, "status": a.status, "raised_on": a.raised_on,
            "resolved_on": a.resolved_on, "resolution": a.resolution, "policy_version": a.policy_version}


def plan_view(p: InspectionPlanRow) -> dict[str, Any]:
    return {"plan_id": p.plan_id, "unit_code": p.unit_code, "title": p.title, "kind": p.kind,
            "kind_label": InspectionKind(p.kind).label, "recurrence": p.recurrence, "day_from": p.day_from,
            "day_to": p.day_to, "starts_on": p.starts_on, "ends_on": p.ends_on, "actor": p.actor}


def inspection_view(i: InspectionRow) -> dict[str, Any]:
    return {"inspection_id": i.inspection_id, "plan_id": i.plan_id, "kind": i.kind,
            "kind_label": InspectionKind(i.kind).label, "unit_code": i.unit_code,
            "inspected_by_code": i.inspected_by_code, "inspected_on": i.inspected_on, "inspectors": i.inspectors,
            "findings": i.findings, "demands": i.demands, "follow_ups": i.follow_ups,
            "attachments": i.attachments or [], "actor": i.actor}


def action_view(a: AccountabilityRow) -> dict[str, Any]:
    return {"action_id": a.action_id, "kind": a.kind, "kind_label": AccountabilityKind(a.kind).label,
            "subject_code": a.subject_code, "person": a.person, "post": a.post, "grounds": a.grounds,
            "reason": a.reason, "decided_by": a.decided_by, "decided_on": a.decided_on, "filed_with": a.filed_with,
            "campaign_id": a.campaign_id, "policy_version": a.policy_version, "attachments": a.attachments or [],
            "actor": a.actor}


def evaluation_view(e: EvaluationRow) -> dict[str, Any]:
    return {"evaluation_id": e.evaluation_id, "role": e.role, "role_label": EvaluatedRole(e.role).label,
            "person": e.person, "user_id": e.user_id, "subject_code": e.subject_code, "grade": e.grade,
            "grade_label": Grade(e.grade).label, "comment": e.comment, "evaluated_on": e.evaluated_on,
            "occasion": e.occasion, "reported_to": e.reported_to, "study_id": e.study_id, "campaign_id": e.campaign_id,
            "policy_version": e.policy_version, "actor": e.actor}


def campaign_record_view(r: CampaignRecordRow) -> dict[str, Any]:
    kind = CampaignRecordKind(r.kind)
    return {"record_id": r.record_id, "kind": r.kind, "kind_label": kind.label, "group": r.group,
            "group_label": kind.spec.group.label, "unit_code": r.unit_code, "campaign_id": r.campaign_id,
            "held_on": r.held_on, "attendees": r.attendees, "content": r.content, "village_codes": r.village_codes,
            "actor": r.actor}


def journal_entry_view(e) -> dict[str, Any]:
    return {"position": e.position, "kind": e.kind, "reference": e.reference, "body": e.body,
            "recorded_at": e.recorded_at, "prev_hash": e.prev_hash, "hash": e.hash}


def notification_view(row: NotificationRow, read: bool) -> NotificationOut:
    return NotificationOut(notification_id=row.notification_id, kind=Kind(row.kind), kind_label=Kind(row.kind).label,
                           title=row.title, body=row.body, unit_code=row.unit_code, user_id=row.user_id,
                           campaign_id=row.campaign_id, reference=row.reference, created_on=row.created_on,
                           created_at=row.created_at, read=read)



# --- special actions and organization life (seed 004) -------------------------------------

class SpecialActionItemOut(Out):
    item_id: str
    position: int
    project: str
    content: str
    requirement: str
    time_node: str
    due_on: date
    responsible_name: str
    responsible_user_id: str | None
    status: Literal["done", "open", "overdue"]
    status_label: str
    done_on: date | None
    records: int


class SpecialActionOut(Out):
    """A township's special action with its task-decomposition table (附件1) and the state of each item."""
    action_id: str
    township_code: str
    name: str
    starts_on: date
    ends_on: date
    pilot_villages: list[str]
    items: list[SpecialActionItemOut]
    items_total: int
    items_done: int
    items_overdue: int
    actor: Actor


class SpecialActionProgressOut(Out):
    record_id: str
    action_id: str
    item_id: str
    recorded_on: date
    village_code: str | None
    text: str
    evidence: str
    attachments: list[AttachmentRef] = Field(default_factory=list, description="佐证材料文件")
    done: bool
    actor: Actor


class OrgLifeScheduleOut(Out):
    schedule_id: str
    township_code: str
    branch_codes: list[str]
    kinds: list[str]
    kind_labels: list[str]
    starts_on: date
    ends_on: date | None
    action_id: str | None
    actor: Actor


class OrgLifeMeetingOut(Out):
    meeting_id: str
    branch_code: str
    kind: str
    kind_label: str
    held_on: date
    attendees: list[str]
    minutes: str
    topic: str
    actor: Actor


class CadenceComplianceOut(Out):
    """One branch's record against one meeting kind of a schedule: the ended periods owed, met and missed."""
    branch_code: str
    kind: str
    kind_label: str
    cycle_label: str
    periods_due: int
    periods_met: int
    missed: list[date] = Field(description="各未达标周期的首日")


class ComplianceOut(Out):
    schedule_id: str
    township_code: str
    as_of: date
    rows: list[CadenceComplianceOut]


ITEM_STATUS_LABELS = {"done": "已完成", "open": "推进中", "overdue": "逾期未完成"}


def special_action_view(a: SpecialActionRow, items: list[tuple[SpecialActionItemRow, date | None, int]],
                        today: date) -> dict[str, Any]:
    """The action with its table; an item is overdue from the day after its time node until done (as the alert)."""
    shown = []
    for item, done_on, records in items:
        status = "done" if done_on else "overdue" if today > item.due_on else "open"
        shown.append({"item_id": item.item_id, "position": item.position, "project": item.project,
                      "content": item.content, "requirement": item.requirement, "time_node": item.time_node,
                      "due_on": item.due_on, "responsible_name": item.responsible_name,
                      "responsible_user_id": item.responsible_user_id, "status": status,
                      "status_label": ITEM_STATUS_LABELS[status], "done_on": done_on, "records": records})
    return {"action_id": a.action_id, "township_code": a.township_code, "name": a.name, "starts_on": a.starts_on,
            "ends_on": a.ends_on, "pilot_villages": a.pilot_villages, "items": shown, "items_total": len(shown),
            "items_done": sum(i["status"] == "done" for i in shown),
            "items_overdue": sum(i["status"] == "overdue" for i in shown), "actor": a.actor}


def special_action_progress_view(r: SpecialActionProgressRow) -> dict[str, Any]:
    return {"record_id": r.record_id, "action_id": r.action_id, "item_id": r.item_id, "recorded_on": r.recorded_on,
            "village_code": r.village_code, "text": r.text, "evidence": r.evidence,
            "attachments": r.attachments or [], "done": r.done, "actor": r.actor}


def org_life_schedule_view(s: OrgLifeScheduleRow) -> dict[str, Any]:
    return {"schedule_id": s.schedule_id, "township_code": s.township_code, "branch_codes": s.branch_codes,
            "kinds": s.kinds, "kind_labels": [MeetingKind(k).label for k in s.kinds], "starts_on": s.starts_on,
            "ends_on": s.ends_on, "action_id": s.action_id, "actor": s.actor}


def org_life_meeting_view(m: OrgLifeMeetingRow) -> dict[str, Any]:
    return {"meeting_id": m.meeting_id, "branch_code": m.branch_code, "kind": m.kind,
            "kind_label": MeetingKind(m.kind).label, "held_on": m.held_on, "attendees": m.attendees,
            "minutes": m.minutes, "topic": m.topic, "actor": m.actor}


class SupervisionResultOut(Out):
    branch_code: str
    rating: str
    rating_label: str
    note: str


class SpecialActionSupervisionOut(Out):
    supervision_id: str
    township_code: str
    mode: str
    mode_label: str
    held_on: date
    action_ids: list[str]
    item_id: str | None
    branch_codes: list[str]
    inspectors: list[str]
    findings: str
    results: list[SupervisionResultOut]
    actor: Actor


def special_action_supervision_view(s: SpecialActionSupervisionRow) -> dict[str, Any]:
    return {"supervision_id": s.supervision_id, "township_code": s.township_code, "mode": s.mode,
            "mode_label": SupervisionMode(s.mode).label, "held_on": s.held_on, "action_ids": s.action_ids,
            "item_id": s.item_id, "branch_codes": s.branch_codes, "inspectors": s.inspectors, "findings": s.findings,
            "results": [{**r, "rating_label": Rating(r["rating"]).label} for r in s.results], "actor": s.actor}
