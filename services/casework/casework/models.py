"""Persistence of the casework service: its tables (SQLAlchemy), on the shared declarative base.

The book of a case is ``case_entries``, append-only (no row is ever updated or deleted);
``cases`` is the current-state row each case keeps for listing and locking (its phase,
codes); ``pairings`` lets the pairing limit count across cases.
The shared tables (outbox, inbox, divisions, platform clock) are imported so that Alembic sees one metadata.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from zhengdun.attachments import AttachmentFile
from zhengdun.clock import ClockState  # noqa: F401
from zhengdun.db import Base
from zhengdun.messaging import InboxMessage, OutboxMessage  # noqa: F401
from zhengdun.registry import Division  # noqa: F401


class Campaign(Base):
    __tablename__ = "campaigns"

    campaign_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    area_code: Mapped[str] = mapped_column(String(12))
    phases: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    opened_on: Mapped[date] = mapped_column(Date)


class CampaignPolicy(Base):
    __tablename__ = "campaign_policies"

    campaign_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy: Mapped[dict[str, Any]] = mapped_column(JSONB)
    effective_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("campaign_id", "village_code", name="uq_cases_campaign_village"),)

    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(64), index=True)
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    township_code: Mapped[str] = mapped_column(String(12), index=True)
    county_code: Mapped[str] = mapped_column(String(12), index=True)
    category: Mapped[str] = mapped_column(String(20))
    criteria_met: Mapped[list[str]] = mapped_column(JSONB)
    basis: Mapped[str] = mapped_column(String(20))
    decision_number: Mapped[str | None] = mapped_column(String(100))
    designated_on: Mapped[date] = mapped_column(Date)
    opened_on: Mapped[date] = mapped_column(Date)
    policy_version: Mapped[int] = mapped_column(Integer)
    designation_event_id: Mapped[str] = mapped_column(String(80))
    phase: Mapped[str] = mapped_column(String(30), index=True)
    updated_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CaseEntry(Base):
    __tablename__ = "case_entries"
    __table_args__ = (
        Index("ix_case_entries_case_seq", "case_id", "seq"),
        # The to-do list: "has the case an entry of this kind (this month)", and the measures naming a login.
        Index("ix_case_entries_case_kind", "case_id", "kind", "occurred_on"),
        Index("ix_case_entries_responsible", text("(data->>'responsible_user_id')"),
              postgresql_where=text("kind = 'measure_planned'")),
    )

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    entry_id: Mapped[str] = mapped_column(String(36), unique=True)
    case_id: Mapped[str] = mapped_column(String(36), ForeignKey("cases.case_id"))
    kind: Mapped[str] = mapped_column(String(40))
    occurred_on: Mapped[date] = mapped_column(Date)
    recorded_on: Mapped[date] = mapped_column(Date)
    actor: Mapped[dict[str, Any]] = mapped_column(JSONB)
    data: Mapped[dict[str, Any]] = mapped_column(JSONB)
    corrects: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class EvidenceFile(AttachmentFile, Base):
    """The case's evidence files: the shared attachment columns (zhengdun.attachments), owned by a case; append-only."""

    __tablename__ = "evidence_files"

    case_id: Mapped[str] = mapped_column(String(36), ForeignKey("cases.case_id"), index=True)


class Pairing(Base):
    """One village paired with one excellent secretary (结对帮带, domain/pairing.py); ``ended_on`` set when the
    village left the list (销账). The secretary's pairing list is their rows of a campaign that have not ended."""

    __tablename__ = "pairings"
    __table_args__ = (UniqueConstraint("campaign_id", "secretary_key", "case_id", name="uq_pairings_secretary_case"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    campaign_id: Mapped[str] = mapped_column(String(64))
    secretary_key: Mapped[str] = mapped_column(String(300), index=True)
    case_id: Mapped[str] = mapped_column(String(36), ForeignKey("cases.case_id"))
    paired_on: Mapped[date] = mapped_column(Date)
    village_code: Mapped[str | None] = mapped_column(String(12), index=True)
    county_code: Mapped[str | None] = mapped_column(String(12), index=True)
    secretary: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    secretary_village_code: Mapped[str | None] = mapped_column(String(12))
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(20))


class RegisterSecretary(Base):
    """The current village secretary of screening's register (``CadreSecretaryRecorded``), so a pairing can name a
    register's secretary by their village; the newest revision wins (the phone is not kept here)."""

    __tablename__ = "register_secretaries"

    village_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
