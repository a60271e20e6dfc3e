"""Persistence of the acceptance service: its tables (SQLAlchemy), on the shared declarative base.

``acceptances`` holds one row per acceptance round of a case (its stage and the JSON state of the
domain aggregate); ``acceptance_records`` is the append-only trail of who took which step;
documents keep their canonical content as the exact text that was signed and sealed; unit seal
keys are kept forever (a retired key still verifies the seals it made).
The shared tables (outbox, inbox, divisions, platform clock) are imported so that Alembic sees one metadata.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, DateTime, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from zhengdun.attachments import ScopedAttachment
from zhengdun.clock import ClockState  # noqa: F401
from zhengdun.db import Base
from zhengdun.messaging import InboxMessage, OutboxMessage  # noqa: F401
from zhengdun.registry import Division  # noqa: F401


class Campaign(Base):
    """A campaign as acceptance knows it from screening's events; its policies and standards are versioned below."""

    __tablename__ = "acceptance_campaigns"

    campaign_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(12))


class PolicyVersionRow(Base):
    """Every policy version screening announced (CampaignOpened: 1; each PolicyRevised), kept: a step applies the
    one in force on its date."""

    __tablename__ = "acceptance_policy_versions"

    campaign_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    effective_on: Mapped[date] = mapped_column(Date)
    policy: Mapped[dict[str, Any]] = mapped_column(JSONB)


class StandardVersion(Base):
    """Every version of the city's acceptance standard, kept: a self-check names the version it was scored against."""

    __tablename__ = "acceptance_standards"

    campaign_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    standard: Mapped[dict[str, Any]] = mapped_column(JSONB)
    set_by: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    set_on: Mapped[date | None] = mapped_column(Date)     # None: set before versions were kept (0005)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AcceptanceRow(Base):
    __tablename__ = "acceptances"

    acceptance_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(64), index=True)
    campaign_id: Mapped[str] = mapped_column(String(64), index=True)
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    township_code: Mapped[str] = mapped_column(String(12))
    county_code: Mapped[str] = mapped_column(String(12), index=True)
    round: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(30), index=True)
    rectifiers: Mapped[dict[str, str]] = mapped_column(JSONB)
    team_leader_user_id: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[dict[str, Any]] = mapped_column(JSONB)
    ready_on: Mapped[date] = mapped_column(Date)
    updated_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AcceptanceRecord(Base):
    """Append-only: every step taken, by whom, with what input."""

    __tablename__ = "acceptance_records"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    acceptance_id: Mapped[str] = mapped_column(String(36), index=True)
    step: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(20))
    body: Mapped[dict[str, Any]] = mapped_column(JSONB)
    actor: Mapped[dict[str, Any]] = mapped_column(JSONB)
    recorded_on: Mapped[date] = mapped_column(Date)
    # The campaign policy version the step applied (None: taken before versions were recorded, or before
    # the campaign's policy reached acceptance and the seeds' defaults applied).
    policy_version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Document(Base):
    __tablename__ = "acceptance_documents"

    document_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    acceptance_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    content: Mapped[str] = mapped_column(Text)          # canonical JSON, exactly the signed bytes
    created_on: Mapped[date] = mapped_column(Date)


class Signature(Base):
    __tablename__ = "acceptance_signatures"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(String(36), index=True)
    user_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(60))
    unit_code: Mapped[str] = mapped_column(String(12))
    content_sha256: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    signed_on: Mapped[date] = mapped_column(Date)


class Seal(Base):
    __tablename__ = "acceptance_seals"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(String(36), index=True)
    unit_code: Mapped[str] = mapped_column(String(12))
    key_id: Mapped[str] = mapped_column(String(36))
    signature: Mapped[str] = mapped_column(Text)         # base64 Ed25519 over the content bytes
    sealed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    sealed_on: Mapped[date] = mapped_column(Date)


class SealKey(Base):
    """A unit's seal key; at most one current (not retired) per unit: the unique index uq_seal_keys_current (0008)."""

    __tablename__ = "seal_keys"

    key_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(12), index=True)
    private_pem: Mapped[str] = mapped_column(Text)       # held by the platform for the unit
    public_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SpotCheckSample(Base):
    __tablename__ = "spot_check_samples"

    sample_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(64))
    county_code: Mapped[str] = mapped_column(String(12), index=True)
    level: Mapped[str] = mapped_column(String(10))
    drawn_by_code: Mapped[str] = mapped_column(String(12))
    algorithm: Mapped[str] = mapped_column(String(40))
    seed: Mapped[str] = mapped_column(String(200))
    ratio: Mapped[str] = mapped_column(String(20))
    population: Mapped[list[str]] = mapped_column(JSONB)
    chosen: Mapped[list[str]] = mapped_column(JSONB)
    drawn_on: Mapped[date] = mapped_column(Date)
    actor: Mapped[dict[str, Any]] = mapped_column(JSONB)


class AcceptanceAttachment(ScopedAttachment, Base):
    """Evidence files (zhengdun.attachments) of one acceptance (the application's signed paper, the township's
    and the county's reports): ``record_key`` is the acceptance, ``unit_code`` its village; append-only."""

    __tablename__ = "acceptance_attachments"
