"""Persistence of the screening service: its tables (SQLAlchemy), on the shared declarative base.

Screening's state is the fold of its own domain events: every fact it decides (a campaign, an
assessment, a submission, a sample, a decision, a designation…) is stored once in
``screening_facts`` — the same payload it publishes — and the domain objects are rebuilt from
those facts (``service.py``). Nothing is updated in place. The shared tables (outbox, inbox,
divisions, platform clock) are imported so that Alembic sees one metadata.
"""
from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Index, Integer, SmallInteger, String, Text, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from zhengdun.attachments import ScopedAttachment
from zhengdun.clock import ClockState  # noqa: F401
from zhengdun.db import Base
from zhengdun.messaging import InboxMessage, OutboxMessage  # noqa: F401
from zhengdun.registry import Division  # noqa: F401


class ScreeningFact(Base):
    """One decided fact, append-only; ``scope_code`` is the unit whose state it belongs to."""

    __tablename__ = "screening_facts"
    __table_args__ = (Index("ix_facts_lookup", "campaign_id", "type", "scope_code"),)

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(80), unique=True)
    type: Mapped[str] = mapped_column(String(120))
    campaign_id: Mapped[str] = mapped_column(String(80))
    round_id: Mapped[str | None] = mapped_column(String(40))
    scope_code: Mapped[str] = mapped_column(String(12))
    village_code: Mapped[str | None] = mapped_column(String(12), index=True)
    body: Mapped[dict] = mapped_column(JSONB)
    actor: Mapped[dict | None] = mapped_column(JSONB)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class TownshipPreparation(Base):
    """The township committee meeting and the public notice (with its objections) of one round.

    These are the township's working records before it submits; the submission carries them."""

    __tablename__ = "township_preparations"

    campaign_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    round_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    township_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    meeting: Mapped[dict | None] = mapped_column(JSONB)
    notice: Mapped[dict | None] = mapped_column(JSONB)
    objections: Mapped[list] = mapped_column(JSONB, default=list)
    actor: Mapped[dict | None] = mapped_column(JSONB)


class SampleSecret(Base):
    """The secret drawn when a population was frozen for sampling (a township's submitted list, a
    county's decided list). Only its SHA-256 is published then; the draw reveals it. Never updated."""

    __tablename__ = "sample_secrets"
    __table_args__ = (Index("ix_sample_secrets_scope", "campaign_id", "round_id", "scope_code"),)

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    campaign_id: Mapped[str] = mapped_column(String(80))
    round_id: Mapped[str] = mapped_column(String(40))
    scope_code: Mapped[str] = mapped_column(String(12))
    secret: Mapped[str] = mapped_column(String(64))
    commitment: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class FilingSnapshot(Base):
    """A county's list as filed with the city (备案): immutable, with its content hash."""

    __tablename__ = "filings"

    campaign_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    county_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    filing_date: Mapped[date] = mapped_column(Date, primary_key=True)
    filed_on: Mapped[date] = mapped_column(Date)
    content: Mapped[dict] = mapped_column(JSONB)
    content_hash: Mapped[str] = mapped_column(String(64))
    actor: Mapped[dict | None] = mapped_column(JSONB)


class UserOperation(Base):
    """A change of a user in Keycloak (create, enable, disable, move, set roles), journalled before it is made
    and finished together with its event: Keycloak and this database share no transaction, so an
    operation cut short by a crash stays ``pending`` until the reconciler carries it to its end
    (``done``) or, for a creation Keycloak never saw, gives it up (``abandoned``). See users_service."""

    __tablename__ = "user_operations"
    __table_args__ = (Index("ix_user_operations_pending", "created_at", postgresql_where=text("status = 'pending'")),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))           # create | enable | disable | move | roles
    username: Mapped[str] = mapped_column(String(120))
    user_id: Mapped[str | None] = mapped_column(String(80))
    data: Mapped[dict] = mapped_column(JSONB)                # what the event says, and the target group and roles
    actor: Mapped[dict | None] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    finished_by: Mapped[str | None] = mapped_column(String(20))   # request | reconciler
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DirectoryAccount(Base):
    """An account of Keycloak as screening last knew it (screening.user_directory): the users list is read from
    here with one indexed query instead of walking Keycloak's group tree. Written by screening's own changes
    (with their events) and by the periodic sync from Keycloak; ``unit`` is the account's group (None: none).
    Codes and usernames compare byte-wise ("C"): a unit's subtree is one range of the index, in list order."""

    __tablename__ = "user_directory"
    __table_args__ = (Index("ix_user_directory_unit", "unit", "username"),)

    user_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    username: Mapped[str] = mapped_column(String(255, collation="C"))
    family_name: Mapped[str] = mapped_column(String(255))
    given_name: Mapped[str] = mapped_column(String(255))
    unit: Mapped[str | None] = mapped_column(String(12, collation="C"))
    roles: Mapped[list] = mapped_column(JSONB)
    enabled: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class PublishedDay(Base):
    """A day whose ``ClockAdvanced`` the daybreak publisher wrote to the outbox (screening/daybreak.py).

    The primary key makes publishing a day twice impossible, whatever the number of replicas."""

    __tablename__ = "clock_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ScreeningAttachment(ScopedAttachment, Base):
    """Evidence files (zhengdun.attachments) of a township's round (assessment findings, the committee meeting's
    minutes, the notice's photos) or of a county's review (site visits); append-only, never edited."""

    __tablename__ = "screening_attachments"


class CadreRegisterRevision(Base):
    """One revision of a village organization's entry in the register of organizations and cadres
    (domain/cadres.py): append-only, the newest revision of a village is its current entry. ``content`` holds
    the secretary and the members with their phones — personal data; only the secretary's name and phone leave the
    service, on its internal topic (``CadreSecretaryRecorded``, service/cadres.py), never the members."""

    __tablename__ = "cadre_register"
    __table_args__ = (UniqueConstraint("village_code", "revision", name="uq_cadre_register_revision"),
                      Index("ix_cadre_register_current", "village_code", text("revision DESC")))

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    village_code: Mapped[str] = mapped_column(String(12))
    revision: Mapped[int] = mapped_column(Integer)
    organization_name: Mapped[str | None] = mapped_column(String(100))
    last_election_on: Mapped[date] = mapped_column(Date)
    election_due_on: Mapped[date] = mapped_column(Date)
    star_rating: Mapped[int | None] = mapped_column(SmallInteger)
    content: Mapped[dict] = mapped_column(JSONB)
    source: Mapped[str] = mapped_column(String(10))          # import | edit
    reason: Mapped[str | None] = mapped_column(Text)
    recorded_on: Mapped[date] = mapped_column(Date)
    actor: Mapped[dict] = mapped_column(JSONB)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class OrganizationCode(Base):
    """The code the platform gave a 非公企业 or 社会组织 (domain/organizations.py), kept for good: the same
    统一社会信用代码 always has the same code. Its name, kind and township live in ``divisions`` like a village's."""

    __tablename__ = "organization_codes"

    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
