"""The acceptance row and the domain aggregate it stores."""
from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date

from pydantic_core import to_json
from sqlalchemy import ARRAY, Date, Integer, String, bindparam, func, select, text
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from acceptance.domain.process import Acceptance, Person, Stage
from acceptance.models import AcceptanceRow, Campaign, Document, PolicyVersionRow, Seal, Signature
from zhengdun import clock
from zhengdun.events.base import Actor
from zhengdun.messaging.outbox import OUTBOX_ROWS_SQL, outbox_arrays
from zhengdun.registry import Division


def aggregate(row: AcceptanceRow) -> Acceptance:
    return Acceptance(row.acceptance_id, row.case_id, row.campaign_id, row.village_code, row.township_code,
                      row.county_code, rectifiers=dict(row.rectifiers), team_leader_user_id=row.team_leader_user_id,
                      stage=Stage(row.stage), state=copy.deepcopy(row.state))


def store(row: AcceptanceRow, acc: Acceptance, today: date) -> None:
    row.stage, row.state, row.updated_on = acc.stage.value, acc.state, today


@dataclass(frozen=True)
class Surroundings:
    """What every step reads besides its acceptance, read in the statement that locks it (a round trip each
    before): the platform's date, the village's name, the campaign's area (who spot-checks it), its policy
    versions (number, effective date: the policy itself is read only when this process has not parsed it yet) and
    the acceptance's documents (id, kind, date: the step's answer lists them with the step's own)."""

    today: date
    village_name: str | None
    campaign_area: str | None
    policy_versions: tuple[tuple[int, date], ...]
    documents: tuple[tuple[str, str, date], ...] = ()


_ROW = AcceptanceRow
_LOCKED = select(
    _ROW,
    clock.today_column(),
    select(Division.name).where(Division.code == _ROW.village_code).scalar_subquery().label("village_name"),
    select(Campaign.area_code).where(Campaign.campaign_id == _ROW.campaign_id).scalar_subquery().label("campaign_area"),
    select(func.json_agg(func.json_build_array(PolicyVersionRow.version, PolicyVersionRow.effective_on)))
    .where(PolicyVersionRow.campaign_id == _ROW.campaign_id).scalar_subquery().label("policy_versions"),
    select(func.json_agg(aggregate_order_by(func.json_build_array(Document.document_id, Document.kind, Document.created_on),
                                            Document.created_on, Document.kind)))
    .where(Document.acceptance_id == _ROW.acceptance_id).scalar_subquery().label("documents"),
).where(_ROW.acceptance_id == bindparam("acceptance_id")).with_for_update(of=_ROW)
_SURROUNDINGS = "acceptance.surroundings"   # their key in the request session's ``info``


async def load_for_update(session: AsyncSession, acceptance_id: str) -> AcceptanceRow | None:
    """The acceptance locked for a step in this session, with its ``Surroundings`` (``surroundings_of``). They are
    what the statement's snapshot saw, from before any wait for the lock: the date and the names as a request that
    read them first and then waited would have them; the acceptance itself is its newest version, as locked."""
    found = (await session.execute(_LOCKED, {"acceptance_id": acceptance_id})).one_or_none()
    if found is None:
        return None
    versions = found.policy_versions or []
    session.info[_SURROUNDINGS] = Surroundings(
        found.today or clock.wall_clock_today(), found.village_name, found.campaign_area,
        tuple((int(version), date.fromisoformat(effective_on)) for version, effective_on in versions),
        tuple((document_id, kind, date.fromisoformat(created_on)) for document_id, kind, created_on in found.documents or ()))
    return found.AcceptanceRow


def surroundings_of(session: AsyncSession) -> Surroundings | None:
    """What ``load_for_update`` read with the acceptance in this session (None: it was loaded otherwise)."""
    return session.info.get(_SURROUNDINGS)


# A step's whole write in one statement (a round trip and an ORM flush of four or five statements before): the
# acceptance's new stage and state, the step's record (append-only), the documents, signatures and seals the step
# made and the outbox rows of its events, in their order (arrays, empty when it made none). The outbox's trigger adds
# them to the pending rows as for any insert (zhengdun.migrations.create_outbox_pending).
_WRITE_STEP = text(
    "WITH changed AS (UPDATE acceptances SET stage = :stage, state = CAST(:state AS jsonb), updated_on = :today "
    "WHERE acceptance_id = :acceptance_id), "
    "recorded AS (INSERT INTO acceptance_records (acceptance_id, step, outcome, body, actor, recorded_on, policy_version) "
    "VALUES (:acceptance_id, :step, :outcome, CAST(:body AS jsonb), CAST(:actor AS jsonb), :today, :policy_version)), "
    "documents AS (INSERT INTO acceptance_documents (document_id, acceptance_id, kind, content, created_on) "
    "SELECT d.document_id, :acceptance_id, d.kind, d.content, :today "
    "FROM unnest(:document_ids, :document_kinds, :document_contents) AS d (document_id, kind, content)), "
    "signatures AS (INSERT INTO acceptance_signatures (document_id, user_id, name, role, unit_code, content_sha256, "
    "signed_on) SELECT s.document_id, s.user_id, s.name, s.role, s.unit_code, s.content_sha256, :today "
    "FROM unnest(:signed_documents, :signer_ids, :signer_names, :signer_roles, :signer_units, :signed_digests) "
    "AS s (document_id, user_id, name, role, unit_code, content_sha256)), "
    "seals AS (INSERT INTO acceptance_seals (document_id, unit_code, key_id, signature, sealed_on) "
    "SELECT s.document_id, s.unit_code, s.key_id, s.signature, :today "
    "FROM unnest(:sealed_documents, :seal_units, :seal_keys, :seal_signatures) AS s (document_id, unit_code, key_id, "
    "signature)), "
    f"published AS ({OUTBOX_ROWS_SQL}) "
    "SELECT 1"
).bindparams(bindparam("today", type_=Date), bindparam("policy_version", type_=Integer),
             *(bindparam(name, type_=ARRAY(String)) for name in (
                 "document_ids", "document_kinds", "document_contents", "signed_documents", "signer_ids", "signer_names",
                 "signer_roles", "signer_units", "signed_digests", "sealed_documents", "seal_units", "seal_keys",
                 "seal_signatures")))


@dataclass
class StepRecord:
    step: str
    outcome: str
    body: dict
    actor: dict
    policy_version: int | None


async def write_step(session: AsyncSession, acc: Acceptance, today: date, record: StepRecord,
                     documents: list[Document], signatures: list[Signature], seals: list[Seal],
                     events: list[tuple[str, str, str, str, str, str]]) -> None:
    """Store the step's outcome: the acceptance's stage and state, its record, its new documents, signatures,
    seals and the outbox rows of its events (the unit of work's ``take_pending``), in one statement of the step's
    transaction."""
    await session.execute(_WRITE_STEP, {
        "acceptance_id": acc.acceptance_id, "stage": acc.stage.value, "state": to_json(acc.state).decode(),
        "today": today, "step": record.step, "outcome": record.outcome, "body": to_json(record.body).decode(),
        "actor": to_json(record.actor).decode(), "policy_version": record.policy_version,
        "document_ids": [d.document_id for d in documents], "document_kinds": [d.kind for d in documents],
        "document_contents": [d.content for d in documents],
        "signed_documents": [s.document_id for s in signatures], "signer_ids": [s.user_id for s in signatures],
        "signer_names": [s.name for s in signatures], "signer_roles": [s.role for s in signatures],
        "signer_units": [s.unit_code for s in signatures], "signed_digests": [s.content_sha256 for s in signatures],
        "sealed_documents": [s.document_id for s in seals], "seal_units": [s.unit_code for s in seals],
        "seal_keys": [s.key_id for s in seals], "seal_signatures": [s.signature for s in seals]}
        | outbox_arrays(events))


def person_of(actor: Actor, role: str) -> Person:
    return Person(actor.user_id, actor.name, role, actor.division_code or "")


async def division_name(session: AsyncSession, code: str) -> str:
    return (await session.execute(select(Division.name).where(Division.code == code))).scalar_one_or_none() or code
