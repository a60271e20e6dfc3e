"""Persistence of the supervision service: its tables (SQLAlchemy), on the shared declarative base.

The shared tables (outbox, inbox, divisions, platform clock) are imported so that Alembic sees one metadata.
``sv_*`` read-model tables are copies of other services' facts (rebuilt from events); alerts,
inspections, accountability, evaluations and the journal are this service's own records.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from zhengdun.attachments import ScopedAttachment
from zhengdun.clock import ClockState  # noqa: F401
from zhengdun.db import Base
from zhengdun.messaging import InboxMessage, OutboxMessage  # noqa: F401
from zhengdun.registry import Division  # noqa: F401


# --- read model -------------------------------------------------------------------------

class CampaignRow(Base):
    __tablename__ = "sv_campaigns"
    campaign_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(12))
    policy: Mapped[dict[str, Any]] = mapped_column(JSONB)
    policy_version: Mapped[int] = mapped_column(Integer)
    concentrated_ends_on: Mapped[date | None] = mapped_column(Date)
    event_id: Mapped[str] = mapped_column(String(80))
    # The kinds it screens (行政村, 社区); None: every village-level organization.
    organization_kinds: Mapped[list[str] | None] = mapped_column(ARRAY(String(10)), nullable=True)
    # The day every rule was last judged over the whole area at (the clock's evaluation); while it is today, an event
    # re-judges only the rules it can affect (the others' verdicts stand). None: every event judges every rule.
    rules_settled_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class PolicyVersionRow(Base):
    __tablename__ = "sv_policy_versions"
    campaign_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy: Mapped[dict[str, Any]] = mapped_column(JSONB)
    effective_on: Mapped[date] = mapped_column(Date)
    event_id: Mapped[str] = mapped_column(String(80))


class CaseRow(Base):
    __tablename__ = "sv_cases"
    campaign_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    village_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    case_id: Mapped[str | None] = mapped_column(String(64))
    township_code: Mapped[str] = mapped_column(String(12))
    county_code: Mapped[str] = mapped_column(String(12))
    category: Mapped[str | None] = mapped_column(String(20))
    designated_on: Mapped[date] = mapped_column(Date)
    designated_by: Mapped[str] = mapped_column(String(80))
    phase: Mapped[str] = mapped_column(String(30), default="concentrated")
    finished_on: Mapped[date | None] = mapped_column(Date)
    finished_periods: Mapped[list[list[str | None]]] = mapped_column(JSONB, default=list)   # [[since, until|None]]
    stationed_on: Mapped[date | None] = mapped_column(Date)
    leader_name: Mapped[str | None] = mapped_column(String(100))
    leader_user_id: Mapped[str | None] = mapped_column(String(64))
    leader_assigned_on: Mapped[date | None] = mapped_column(Date)
    leader_event: Mapped[str | None] = mapped_column(String(80))
    # 县委书记挂牌督办: the deadline set in continued rectification, and by whom.
    supervision_deadline: Mapped[date | None] = mapped_column(Date)
    supervisor_name: Mapped[str | None] = mapped_column(String(100))
    supervisor_user_id: Mapped[str | None] = mapped_column(String(64))
    supervision_event: Mapped[str | None] = mapped_column(String(80))


class VisitRow(Base):
    __tablename__ = "sv_visits"
    visit_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(64))
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    county_code: Mapped[str] = mapped_column(String(12))
    visited_on: Mapped[date] = mapped_column(Date)
    problems_pushed: Mapped[int] = mapped_column(Integer)
    leader_name: Mapped[str] = mapped_column(String(100))
    leader_user_id: Mapped[str | None] = mapped_column(String(64))
    event_id: Mapped[str] = mapped_column(String(80))
    # Casework's 三必须 verdict, copied (None: a visit published before casework carried it).
    counts_toward_minimum: Mapped[bool | None] = mapped_column(Boolean)


class MeasureRow(Base):
    __tablename__ = "sv_measures"
    measure_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(64))
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    title: Mapped[str] = mapped_column(Text)
    responsible: Mapped[str] = mapped_column(String(200))
    responsible_user_id: Mapped[str | None] = mapped_column(String(64), index=True)
    responsible_username: Mapped[str | None] = mapped_column(String(100))
    deadline: Mapped[date] = mapped_column(Date)
    planned_on: Mapped[date] = mapped_column(Date)
    event_id: Mapped[str] = mapped_column(String(80))
    # Casework's status of the measure after its newest progress record, and the date it holds from, copied
    # (None: no record yet, or records published before casework carried it: derived from sv_progress then).
    status: Mapped[str | None] = mapped_column(String(20))
    status_since: Mapped[date | None] = mapped_column(Date)


class ProgressRow(Base):
    __tablename__ = "sv_progress"
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    measure_id: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(20))
    recorded_on: Mapped[date] = mapped_column(Date)
    corrects: Mapped[str | None] = mapped_column(String(64))
    event_id: Mapped[str] = mapped_column(String(80))


class TownshipListRow(Base):
    __tablename__ = "sv_township_lists"
    campaign_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    township_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    submitted_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    villages_assessed: Mapped[int] = mapped_column(Integer)
    event_id: Mapped[str] = mapped_column(String(80))


class ProgressReportRow(Base):
    """每两个月向县委组织部报送一次: a case's report for one period (casework's ProgressReportFiled)."""
    __tablename__ = "sv_progress_reports"
    report_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(64))
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    filed_on: Mapped[date] = mapped_column(Date)
    policy_version: Mapped[int] = mapped_column(Integer)
    event_id: Mapped[str] = mapped_column(String(80))


class StudyRow(Base):
    """县委常委会逐村研究 in continued rectification (casework's ContinuedStudied): evaluations cite it."""
    __tablename__ = "sv_studies"
    study_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(64))
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    township_code: Mapped[str] = mapped_column(String(12))
    county_code: Mapped[str] = mapped_column(String(12))
    studied_on: Mapped[date] = mapped_column(Date)
    meeting: Mapped[str] = mapped_column(Text)
    event_id: Mapped[str] = mapped_column(String(80))


class AcceptanceRow(Base):
    __tablename__ = "sv_acceptances"
    campaign_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    village_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    county_code: Mapped[str] = mapped_column(String(12), index=True)
    accepted_on: Mapped[date] = mapped_column(Date)
    event_id: Mapped[str] = mapped_column(String(80))


class SampleRow(Base):
    __tablename__ = "sv_samples"
    event_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(64))
    county_code: Mapped[str] = mapped_column(String(12), index=True)
    level: Mapped[str] = mapped_column(String(20))
    chosen: Mapped[list[str]] = mapped_column(JSONB)


class ScreeningSampleRow(Base):
    __tablename__ = "sv_screening_samples"
    event_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(64))
    round_id: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(40))
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    population: Mapped[list[str]] = mapped_column(JSONB)
    chosen: Mapped[list[str]] = mapped_column(JSONB)


class DelistingRow(Base):
    __tablename__ = "sv_delistings"
    campaign_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    village_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    delisted_on: Mapped[date] = mapped_column(Date, primary_key=True)
    county_code: Mapped[str] = mapped_column(String(12))
    post_evaluation_due: Mapped[date] = mapped_column(Date)
    evaluated_on: Mapped[date | None] = mapped_column(Date)
    event_id: Mapped[str] = mapped_column(String(80))


class FalsificationRow(Base):
    __tablename__ = "sv_falsifications"
    event_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(64))
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    township_code: Mapped[str] = mapped_column(String(12))
    county_code: Mapped[str] = mapped_column(String(12))
    found_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)
    answered: Mapped[bool] = mapped_column(Boolean, default=False)


class CountyListRow(Base):
    """A county whose list was confirmed (the first decision): it owes a filing at each filing date."""

    __tablename__ = "sv_county_lists"
    campaign_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    county_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    confirmed_on: Mapped[date] = mapped_column(Date)
    event_id: Mapped[str] = mapped_column(String(80))


class CountyFilingRow(Base):
    __tablename__ = "sv_county_filings"
    campaign_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    county_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    filing_date: Mapped[date] = mapped_column(Date, primary_key=True)
    filed_on: Mapped[date] = mapped_column(Date)
    event_id: Mapped[str] = mapped_column(String(80))


# --- own records ------------------------------------------------------------------------

class AlertRow(Base):
    __tablename__ = "sv_alerts"
    alert_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    rule: Mapped[str] = mapped_column(String(40), index=True)
    campaign_id: Mapped[str] = mapped_column(String(64))
    subject_code: Mapped[str] = mapped_column(String(12), index=True)
    subject_role: Mapped[str] = mapped_column(String(40))
    subject_person: Mapped[str | None] = mapped_column(String(100))
    subject_user_id: Mapped[str | None] = mapped_column(String(64))
    scope_code: Mapped[str] = mapped_column(String(12), index=True)
    village_code: Mapped[str | None] = mapped_column(String(12), index=True)
    severity: Mapped[str] = mapped_column(String(10))
    facts: Mapped[list[str]] = mapped_column(JSONB)
    due_on: Mapped[date | None] = mapped_column(Date)
    proposal: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), index=True)      # open | resolved
    raised_on: Mapped[date] = mapped_column(Date)
    # The campaign policy version the rules applied when raising it (None: raised before versions were kept).
    policy_version: Mapped[int | None] = mapped_column(Integer)
    resolved_on: Mapped[date | None] = mapped_column(Date)
    resolution: Mapped[str | None] = mapped_column(Text)


class JournalEntry(Base):
    __tablename__ = "sv_journal"
    __table_args__ = (UniqueConstraint("chain_code", "position", name="uq_sv_journal_chain_position"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    chain_code: Mapped[str] = mapped_column(String(12))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(120))
    reference: Mapped[str] = mapped_column(String(300))
    body: Mapped[dict[str, Any]] = mapped_column(JSONB)
    recorded_at: Mapped[str] = mapped_column(String(40))     # ISO text, hashed as stored
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class PendingJournalEntry(Base):
    """An entry appended by a transaction not yet committed; ``journal.seal`` chains it at commit."""
    __tablename__ = "sv_journal_pending"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    chain_code: Mapped[str] = mapped_column(String(12))
    kind: Mapped[str] = mapped_column(String(120))
    reference: Mapped[str] = mapped_column(String(300))
    body: Mapped[dict[str, Any]] = mapped_column(JSONB)


class InspectionPlanRow(Base):
    __tablename__ = "sv_inspection_plans"
    plan_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(12), index=True)
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(30))
    recurrence: Mapped[str] = mapped_column(String(20))
    day_from: Mapped[int] = mapped_column(Integer)
    day_to: Mapped[int | None] = mapped_column(Integer)      # None: month end
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    actor: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class InspectionRow(Base):
    __tablename__ = "sv_inspections"
    inspection_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    plan_id: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(30))
    unit_code: Mapped[str] = mapped_column(String(12), index=True)      # the unit inspected
    inspected_by_code: Mapped[str] = mapped_column(String(12))
    inspected_on: Mapped[date] = mapped_column(Date)
    inspectors: Mapped[list[str]] = mapped_column(JSONB)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    demands: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    follow_ups: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)   # zhengdun.attachments.reference
    actor: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AccountabilityRow(Base):
    __tablename__ = "sv_accountability"
    action_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    subject_code: Mapped[str] = mapped_column(String(12), index=True)
    person: Mapped[str] = mapped_column(String(100))
    post: Mapped[str] = mapped_column(String(100))
    grounds: Mapped[list[str]] = mapped_column(JSONB)
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_on: Mapped[date] = mapped_column(Date)
    filed_with: Mapped[str | None] = mapped_column(String(12))
    campaign_id: Mapped[str | None] = mapped_column(String(64))       # the campaign of its grounds, where known
    policy_version: Mapped[int | None] = mapped_column(Integer)       # that campaign's policy in force on decided_on
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)   # zhengdun.attachments.reference
    actor: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class EvaluationRow(Base):
    __tablename__ = "sv_evaluations"
    evaluation_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    subject_code: Mapped[str] = mapped_column(String(12), index=True)   # the village / township evaluated for
    role: Mapped[str] = mapped_column(String(30))
    person: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[str | None] = mapped_column(String(64))
    grade: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text)
    evaluated_on: Mapped[date] = mapped_column(Date)
    occasion: Mapped[str] = mapped_column(Text)
    reported_to: Mapped[str | None] = mapped_column(String(12))
    study_id: Mapped[str | None] = mapped_column(String(64), index=True)   # None: recorded before studies were cited
    campaign_id: Mapped[str | None] = mapped_column(String(64))
    policy_version: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CampaignRecordRow(Base):
    """四统一, 五统一, 五到位: a dated record of the campaign's organizing work (domain/campaign_records.py)."""
    __tablename__ = "sv_campaign_records"
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    group: Mapped[str] = mapped_column(String(20))
    unit_code: Mapped[str] = mapped_column(String(12), index=True)
    campaign_id: Mapped[str | None] = mapped_column(String(64))
    held_on: Mapped[date] = mapped_column(Date)
    attendees: Mapped[list[str]] = mapped_column(JSONB)
    content: Mapped[str] = mapped_column(Text)
    village_codes: Mapped[list[str]] = mapped_column(JSONB, default=list)
    actor: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


# --- notifications (supervision/notifications.py) ----------------------------------------

class NotificationRow(Base):
    """One notice to a person (``user_id``) or, without one, to the members of a unit (``unit_code``)."""

    __tablename__ = "sv_notifications"
    notification_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    user_id: Mapped[str | None] = mapped_column(String(64), index=True)
    unit_code: Mapped[str] = mapped_column(String(12), index=True)
    campaign_id: Mapped[str | None] = mapped_column(String(64))
    reference: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    created_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class NotificationRead(Base):
    __tablename__ = "sv_notification_reads"
    notification_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    read_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class NotificationPreference(Base):
    """How a person (``owner`` = ``user:<id>``) or a unit (``unit:<code>``) wants to be told besides the inbox."""

    __tablename__ = "sv_notification_preferences"
    owner: Mapped[str] = mapped_column(String(80), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(200))
    email_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    webhook_url: Mapped[str | None] = mapped_column(Text)
    webhook_kind: Mapped[str | None] = mapped_column(String(20))      # wecom | dingtalk
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), onupdate=func.now())


class DeliveryRow(Base):
    """One notification to send on one channel, written in the transaction that created the notification;
    the sender marks it sent. The unique key keeps a notification from being queued twice on a channel."""

    __tablename__ = "sv_deliveries"
    __table_args__ = (UniqueConstraint("notification_id", "channel", "target", name="uq_sv_deliveries"),)
    delivery_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    notification_id: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(20))                   # email | webhook
    target: Mapped[str] = mapped_column(Text)                          # address or robot URL
    webhook_kind: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | sent
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SupervisionAttachment(ScopedAttachment, Base):
    """Evidence files (zhengdun.attachments) of inspections, accountability decisions and special actions' progress:
    ``kind`` says which,
    ``unit_code`` (= ``record_key``) the unit inspected or held accountable; append-only, never edited."""

    __tablename__ = "sv_attachments"


# --- special actions and organization life (seed 004; supervision/special_actions.py) -----

class SpecialActionRow(Base):
    """A township's special action (专项行动): the head of its task-decomposition table (附件1)."""
    __tablename__ = "sv_special_actions"
    action_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    township_code: Mapped[str] = mapped_column(String(12), index=True)
    name: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    pilot_villages: Mapped[list[str]] = mapped_column(JSONB)
    actor: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class SpecialActionItemRow(Base):
    """One line of the task-decomposition table: project, content, requirement, time node, responsible person."""
    __tablename__ = "sv_special_action_items"
    item_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    action_id: Mapped[str] = mapped_column(String(64), index=True)
    position: Mapped[int] = mapped_column(Integer)
    project: Mapped[str] = mapped_column(Text)
    content: Mapped[str] = mapped_column(Text)
    requirement: Mapped[str] = mapped_column(Text)
    time_node: Mapped[str] = mapped_column(Text)          # the table's words (全年, 10月中下旬…); due_on is its date
    due_on: Mapped[date] = mapped_column(Date)
    responsible_name: Mapped[str] = mapped_column(String(100))
    responsible_user_id: Mapped[str | None] = mapped_column(String(64))


class SpecialActionProgressRow(Base):
    """A dated progress record of an item with its evidence; append-only (never edited)."""
    __tablename__ = "sv_special_action_progress"
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    action_id: Mapped[str] = mapped_column(String(64), index=True)
    item_id: Mapped[str] = mapped_column(String(64), index=True)
    recorded_on: Mapped[date] = mapped_column(Date)
    village_code: Mapped[str | None] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)   # zhengdun.attachments.reference
    done: Mapped[bool] = mapped_column(Boolean)
    actor: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class OrgLifeScheduleRow(Base):
    """The organization-life cadences a township follows for some of its branches over a span."""
    __tablename__ = "sv_org_life_schedules"
    schedule_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    township_code: Mapped[str] = mapped_column(String(12), index=True)
    branch_codes: Mapped[list[str]] = mapped_column(JSONB)
    kinds: Mapped[list[str]] = mapped_column(JSONB)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    action_id: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class OrgLifeMeetingRow(Base):
    """One meeting of a branch's organization life (每会必记): date, kind, attendees, minutes; append-only."""
    __tablename__ = "sv_org_life_meetings"
    meeting_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    branch_code: Mapped[str] = mapped_column(String(12), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    held_on: Mapped[date] = mapped_column(Date)
    attendees: Mapped[list[str]] = mapped_column(JSONB)
    minutes: Mapped[str] = mapped_column(Text)
    topic: Mapped[str] = mapped_column(Text)
    actor: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class SpecialActionSupervisionRow(Base):
    """One supervision of the township's plan (附件2): mode, date, branches, inspectors, findings, a result per branch."""
    __tablename__ = "sv_special_action_supervisions"
    supervision_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    township_code: Mapped[str] = mapped_column(String(12), index=True)
    mode: Mapped[str] = mapped_column(String(20))
    held_on: Mapped[date] = mapped_column(Date)
    action_ids: Mapped[list[str]] = mapped_column(JSONB)
    item_id: Mapped[str | None] = mapped_column(String(64))
    branch_codes: Mapped[list[str]] = mapped_column(JSONB)
    inspectors: Mapped[list[str]] = mapped_column(JSONB)
    findings: Mapped[str] = mapped_column(Text)
    results: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    actor: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
