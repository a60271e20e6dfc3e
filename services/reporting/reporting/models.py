"""Persistence of the reporting service: its tables (SQLAlchemy), on the shared declarative base.

The read model is a set of dated facts per village (``rm_*`` tables), copied from the other
services' events. Nothing is aggregated at write time: every figure is computed in SQL for a
division (code prefix) and a date, so any date and any level can be asked, and a rebuild from
the topics gives the same rows. ``seq`` keeps arrival order (per village the order of one Kafka
partition) to break ties between facts of the same day.

The shared tables (outbox, inbox, divisions, platform clock) are imported so that Alembic sees one metadata.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Boolean, Date, Identity, Integer, String, Text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from zhengdun.clock import ClockState  # noqa: F401
from zhengdun.db import Base
from zhengdun.messaging import InboxMessage, OutboxMessage  # noqa: F401
from zhengdun.registry import Division  # noqa: F401

CODE = String(12)


def _seq() -> Mapped[int]:
    return mapped_column(BigInteger, Identity(always=False), index=True)


class Campaign(Base):
    __tablename__ = "rm_campaign"

    campaign_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    area_code: Mapped[str] = mapped_column(CODE)
    area_prefix: Mapped[str] = mapped_column(String(12))
    opened_on: Mapped[date] = mapped_column(Date)
    criteria: Mapped[list] = mapped_column(JSONB)         # [{code, label}]
    lagging_rule: Mapped[str] = mapped_column(String(2000))
    phases: Mapped[list] = mapped_column(JSONB)
    # The kinds it screens (行政村, 社区, 非公企业, 社会组织); None: villages and communities (never the others).
    organization_kinds: Mapped[list[str] | None] = mapped_column(ARRAY(String(10)), nullable=True)


class PolicyVersion(Base):
    __tablename__ = "rm_policy"

    campaign_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    effective_on: Mapped[date] = mapped_column(Date)
    policy: Mapped[dict] = mapped_column(JSONB)


class Assessment(Base):
    __tablename__ = "rm_assessment"

    event_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(80))
    village_code: Mapped[str] = mapped_column(CODE, index=True)
    result: Mapped[str] = mapped_column(String(20))
    assessed_on: Mapped[date] = mapped_column(Date)


class Designation(Base):
    __tablename__ = "rm_designation"

    event_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    seq: Mapped[int] = _seq()
    campaign_id: Mapped[str] = mapped_column(String(80))
    village_code: Mapped[str] = mapped_column(CODE, index=True)
    category: Mapped[str] = mapped_column(String(20))
    criteria: Mapped[list[str]] = mapped_column(ARRAY(String(60)))
    basis: Mapped[str] = mapped_column(String(20))
    decision_number: Mapped[str | None] = mapped_column(String(120))
    designated_on: Mapped[date] = mapped_column(Date)
    policy_version: Mapped[int] = mapped_column(Integer)


class Removal(Base):
    __tablename__ = "rm_removal"

    event_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    seq: Mapped[int] = _seq()
    campaign_id: Mapped[str] = mapped_column(String(80))
    village_code: Mapped[str] = mapped_column(CODE, index=True)
    reason: Mapped[str] = mapped_column(String(20))
    removed_on: Mapped[date] = mapped_column(Date)


class CountyList(Base):
    __tablename__ = "rm_county_list"

    event_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(80))
    county_code: Mapped[str] = mapped_column(CODE, index=True)
    decision_number: Mapped[str] = mapped_column(String(120))
    decided_on: Mapped[date] = mapped_column(Date)
    weak_and_lax: Mapped[int] = mapped_column(Integer)
    lagging: Mapped[int] = mapped_column(Integer)
    administrative_villages: Mapped[int] = mapped_column(Integer)


class Filing(Base):
    __tablename__ = "rm_filing"

    event_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(80))
    county_code: Mapped[str] = mapped_column(CODE, index=True)
    filing_date: Mapped[date] = mapped_column(Date)
    filed_on: Mapped[date] = mapped_column(Date)
    late: Mapped[bool] = mapped_column(Boolean)
    entries: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))


class SpotCheck(Base):
    """A county site visit or city spot check of screening (its findings as the event carries them)."""

    __tablename__ = "rm_spot_check"

    event_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(80))
    round_id: Mapped[str] = mapped_column(String(80))
    stage: Mapped[str] = mapped_column(String(20))
    checked_by_code: Mapped[str] = mapped_column(CODE)
    checked_code: Mapped[str] = mapped_column(CODE, index=True)
    findings: Mapped[list] = mapped_column(JSONB)          # [{village_code, outcome, note, criteria_met}]
    checked_on: Mapped[date] = mapped_column(Date)
    late: Mapped[bool] = mapped_column(Boolean)


class Falsification(Base):
    """Falsification (弄虚作假) found at a check, with the county and township that answer for it."""

    __tablename__ = "rm_falsification"

    event_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(80))
    round_id: Mapped[str] = mapped_column(String(80))
    village_code: Mapped[str] = mapped_column(CODE, index=True)
    township_code: Mapped[str] = mapped_column(CODE)
    county_code: Mapped[str] = mapped_column(CODE)
    found_by_code: Mapped[str] = mapped_column(CODE)
    note: Mapped[str] = mapped_column(Text)
    found_on: Mapped[date] = mapped_column(Date)


class Case(Base):
    __tablename__ = "rm_case"

    case_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    seq: Mapped[int] = _seq()
    campaign_id: Mapped[str] = mapped_column(String(80))
    village_code: Mapped[str] = mapped_column(CODE, index=True)
    category: Mapped[str] = mapped_column(String(20))
    opened_on: Mapped[date] = mapped_column(Date)   # the day it counts from: domain.figures.case_counted_from


class CasePhase(Base):
    __tablename__ = "rm_case_phase"

    event_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    seq: Mapped[int] = _seq()
    case_id: Mapped[str] = mapped_column(String(80), index=True)
    village_code: Mapped[str] = mapped_column(CODE, index=True)
    phase: Mapped[str] = mapped_column(String(30))
    changed_on: Mapped[date] = mapped_column(Date)


class ContactLeader(Base):
    """Internal only (names): for the summary table's 联系领导 column."""

    __tablename__ = "rm_contact_leader"

    event_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    seq: Mapped[int] = _seq()
    case_id: Mapped[str] = mapped_column(String(80), index=True)
    village_code: Mapped[str] = mapped_column(CODE, index=True)
    name: Mapped[str] = mapped_column(String(100))
    post: Mapped[str] = mapped_column(String(200))
    assigned_on: Mapped[date] = mapped_column(Date)


class Measure(Base):
    __tablename__ = "rm_measure"

    measure_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(80), index=True)
    village_code: Mapped[str] = mapped_column(CODE, index=True)
    title: Mapped[str] = mapped_column(String(500))
    deadline: Mapped[date] = mapped_column(Date)
    planned_on: Mapped[date] = mapped_column(Date)


class Progress(Base):
    __tablename__ = "rm_progress"

    record_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    seq: Mapped[int] = _seq()
    measure_id: Mapped[str] = mapped_column(String(80), index=True)
    village_code: Mapped[str] = mapped_column(CODE, index=True)
    status: Mapped[str] = mapped_column(String(20))
    recorded_on: Mapped[date] = mapped_column(Date)
    # Casework's status of the measure after this record, and the date it holds from, copied
    # (None: published before casework carried it; the record's own status and date stand in).
    measure_status: Mapped[str | None] = mapped_column(String(20))
    measure_status_since: Mapped[date | None] = mapped_column(Date)


class Visit(Base):
    __tablename__ = "rm_visit"

    visit_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(80), index=True)
    village_code: Mapped[str] = mapped_column(CODE, index=True)
    visited_on: Mapped[date] = mapped_column(Date)
    talked_with_all: Mapped[bool] = mapped_column(Boolean)   # team, village cadres and key persons
    problems_pushed: Mapped[int] = mapped_column(Integer)
    # Casework's 三必须 verdict, copied (None: published before it was carried; judged from the two above).
    counts_toward_minimum: Mapped[bool | None] = mapped_column(Boolean)


class Alert(Base):
    __tablename__ = "rm_alert"

    alert_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    unit_code: Mapped[str] = mapped_column(CODE, index=True)   # the village, else the responsible unit
    rule: Mapped[str] = mapped_column(String(80))
    severity: Mapped[str] = mapped_column(String(10))
    raised_on: Mapped[date] = mapped_column(Date)


class AlertResolution(Base):
    """Kept apart from the alert, so a resolution arriving before its alert (other key, other order) is not lost."""

    __tablename__ = "rm_alert_resolution"

    alert_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    resolved_on: Mapped[date] = mapped_column(Date)


class AcceptanceFact(Base):
    """passed (VillageAccepted), failed, delisted, consolidated / relapsed (post-evaluation)."""

    __tablename__ = "rm_acceptance"

    event_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    seq: Mapped[int] = _seq()
    village_code: Mapped[str] = mapped_column(CODE, index=True)
    outcome: Mapped[str] = mapped_column(String(20))
    step: Mapped[str | None] = mapped_column(String(30))
    on_date: Mapped[date] = mapped_column(Date)


class Secretary(Base):
    """Internal only: the village Party secretary's name, from user management, for the summary table."""

    __tablename__ = "rm_secretary"

    village_code: Mapped[str] = mapped_column(CODE, primary_key=True)
    user_id: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(100))


class CadreSecretary(Base):
    """Internal only: each revision of a village's secretary in screening's register (name and phone,
    ``CadreSecretaryRecorded``), for the summary table; the phone is shown only to callers ``cadres.personal`` allows."""

    __tablename__ = "rm_cadre_secretary"

    village_code: Mapped[str] = mapped_column(CODE, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(40))
    recorded_on: Mapped[date] = mapped_column(Date)


class SpecialAction(Base):
    """A township's special action (seed 004), from supervision's ``SpecialActionOpened``."""
    __tablename__ = "rm_special_action"

    action_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    township_code: Mapped[str] = mapped_column(CODE, index=True)
    name: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    items: Mapped[int] = mapped_column(Integer)
    pilots: Mapped[int] = mapped_column(Integer)


class SpecialActionItem(Base):
    """A line of a special action's task-decomposition table (附件1), for the township's document."""
    __tablename__ = "rm_special_action_item"

    item_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    action_id: Mapped[str] = mapped_column(String(80), index=True)
    position: Mapped[int] = mapped_column(Integer)
    project: Mapped[str] = mapped_column(Text)
    requirement: Mapped[str] = mapped_column(Text)
    time_node: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    responsible_name: Mapped[str] = mapped_column(String(100))


class SpecialActionItemDone(Base):
    """The first progress record that marked an item done (supervision refuses a second one)."""
    __tablename__ = "rm_special_action_item_done"

    item_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    action_id: Mapped[str] = mapped_column(String(80), index=True)
    done_on: Mapped[date] = mapped_column(Date)


class OrgLifeMeeting(Base):
    """A branch's recorded organization-life meeting (每会必记), from ``OrgLifeMeetingRecorded``."""
    __tablename__ = "rm_org_life_meeting"

    meeting_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    branch_code: Mapped[str] = mapped_column(CODE, index=True)
    kind: Mapped[str] = mapped_column(String(30))
    held_on: Mapped[date] = mapped_column(Date)


class SpecialActionPilot(Base):
    """A pilot village (试点样板村) of a special action, from ``SpecialActionOpened``: the appraisal counts its items."""
    __tablename__ = "rm_special_action_pilot"

    action_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    village_code: Mapped[str] = mapped_column(CODE, primary_key=True, index=True)


class SpecialActionRating(Base):
    """One branch's rating at one supervision of the plan (附件2), from ``SpecialActionSupervised``: the results that
    feed the secretaries' annual appraisal (年终考核)."""
    __tablename__ = "rm_special_action_rating"

    supervision_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    branch_code: Mapped[str] = mapped_column(CODE, primary_key=True, index=True)
    mode: Mapped[str] = mapped_column(String(20))
    held_on: Mapped[date] = mapped_column(Date)
    rating: Mapped[str] = mapped_column(String(20))


class ReadModelVersion(Base):
    """One row: bumped by a trigger on every read-model table in the writing transaction (migration 0012), the key
    of the figures' caches (reporting.versions). Not a read-model table: a rebuild bumps it, never empties it."""
    __tablename__ = "read_model_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


READ_MODEL_TABLES = [m.__tablename__ for m in (
    Campaign, PolicyVersion, Assessment, Designation, Removal, CountyList, Filing, SpotCheck, Falsification, Case, CasePhase, ContactLeader,
    Measure, Progress, Visit, Alert, AlertResolution, AcceptanceFact, Secretary, CadreSecretary, SpecialAction,
    SpecialActionItem, SpecialActionItemDone, OrgLifeMeeting, SpecialActionPilot, SpecialActionRating)]
