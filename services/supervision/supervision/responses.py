"""What the supervision service answers: one model per response, so /openapi.json says it exactly."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import ConfigDict, Field

from supervision.domain.campaign_records import CampaignRecordKind
from supervision.domain.records import AccountabilityKind, EvaluatedRole, Grade, InspectionKind
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
