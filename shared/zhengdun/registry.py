"""The division tree as every service keeps it.

Screening owns the registry (it imports divisions and publishes ``DivisionUpserted``); the
other services keep their own copy of the same table from those events. A stale event (a
revision not newer than the stored one) changes nothing, so redelivery and replays are safe.
"""
from __future__ import annotations

from datetime import datetime

from pydantic import TypeAdapter
from sqlalchemy import DateTime, Integer, String, func, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from zhengdun.db import Base
from zhengdun.events.base import Envelope
from zhengdun.events.registry import DivisionUpserted
from zhengdun.messaging.consumer import EventHandlers
from zhengdun.messaging.outbox import InboxWork


class Division(Base):
    __tablename__ = "divisions"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(10), index=True)
    parent_code: Mapped[str | None] = mapped_column(String(12), index=True)
    kind: Mapped[str | None] = mapped_column(String(10))
    revision: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), onupdate=func.now())


# INSERT … ON CONFLICT that only ever moves a division to a newer revision (a stale event changes
# nothing), for thousands of rows at once: one statement of six arrays, which costs far less to build,
# send and plan than thousands of VALUES rows (what a province's import is made of).
_UPSERT_DIVISION_ARRAYS = text(
    "INSERT INTO divisions (code, name, level, parent_code, kind, revision) "
    "SELECT * FROM unnest(CAST(:code AS varchar[]), CAST(:name AS varchar[]), CAST(:level AS varchar[]), "
    "CAST(:parent_code AS varchar[]), CAST(:kind AS varchar[]), CAST(:revision AS integer[])) "
    "ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, "
    "parent_code = excluded.parent_code, kind = excluded.kind, revision = excluded.revision, updated_at = now() "
    "WHERE divisions.revision < excluded.revision"
)
_COLUMNS = ("code", "name", "level", "parent_code", "kind", "revision")


async def upsert_divisions(session: AsyncSession, rows: list[dict]) -> None:
    """Store divisions (row dicts of ``DivisionUpserted``, each code at most once) in one round trip."""
    if rows:
        await session.execute(_UPSERT_DIVISION_ARRAYS, {column: [row[column] for row in rows] for column in _COLUMNS})


division_handlers = EventHandlers()


@division_handlers.on(DivisionUpserted.event_type)  # type: ignore[attr-defined]
async def apply_division_upserted(work: InboxWork, envelope: Envelope) -> None:
    await apply_divisions_upserted(work, [envelope])


# A run's payloads validated in one call: a call per event cost more than the event's row.
_DIVISIONS = TypeAdapter(list[DivisionUpserted])


@division_handlers.on_batch(DivisionUpserted.event_type)  # type: ignore[attr-defined]
async def apply_divisions_upserted(work: InboxWork, envelopes: list[Envelope]) -> None:
    """A province's import arrives as thousands of these: one statement for all of them, its arrays read off the
    validated payloads (dumping them to dicts first cost as much as validating them)."""
    divisions = _newest(_DIVISIONS.validate_python([e.data for e in envelopes]))
    if divisions:
        await work.session.execute(_UPSERT_DIVISION_ARRAYS, {
            "code": [d.code for d in divisions], "name": [d.name for d in divisions],
            "level": [d.level.value for d in divisions], "parent_code": [d.parent_code for d in divisions],
            "kind": [d.kind for d in divisions], "revision": [d.revision for d in divisions]})


def _newest(divisions: list[DivisionUpserted]) -> list[DivisionUpserted]:
    """One per code, its newest revision: one INSERT … ON CONFLICT may not touch a row twice, and applying the
    events one by one would leave the newest anyway."""
    newest: dict[str, DivisionUpserted] = {}
    for division in divisions:
        known = newest.get(division.code)
        if known is None or known.revision < division.revision:
            newest[division.code] = division
    return list(newest.values())


def newest_revisions(divisions: list[DivisionUpserted]) -> list[dict]:
    """``_newest`` as row dicts (``upsert_divisions``'s)."""
    return _DIVISIONS.dump_python(_newest(divisions), mode="json")
