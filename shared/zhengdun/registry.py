"""The division tree as every service keeps it.

Screening owns the registry (it imports divisions and publishes ``DivisionUpserted``); the
other services keep their own copy of the same table from those events. A stale event (a
revision not newer than the stored one) changes nothing, so redelivery and replays are safe.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from operator import attrgetter, itemgetter
from typing import Annotated, TypeVar

from pydantic import TypeAdapter
from typing_extensions import NotRequired, TypedDict
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


_DIVISIONS = TypeAdapter(list[DivisionUpserted])
T = TypeVar("T")
# A run's payloads validated in one call (a call per event cost more than the event's row), as plain rows: a dict per
# event with DivisionUpserted's own fields, each under its own FieldInfo (its type, constraints and all), so the rows
# accept and refuse what the model does; building a model per event cost twice the rest of the validation.
_DIVISION_ROWS = TypeAdapter(list[TypedDict("DivisionRow", {  # type: ignore[misc]
    name: Annotated[field.annotation, field] if field.is_required() else NotRequired[Annotated[field.annotation, field]]
    for name, field in DivisionUpserted.model_fields.items()})])


@division_handlers.on_batch(DivisionUpserted.event_type)  # type: ignore[attr-defined]
async def apply_divisions_upserted(work: InboxWork, envelopes: list[Envelope]) -> None:
    """A province's import arrives as thousands of these: one statement for all of them, its arrays read off the
    validated payloads (dumping them to dicts first cost as much as validating them)."""
    rows = _newest(_DIVISION_ROWS.validate_python([e.data for e in envelopes]), code=itemgetter("code"),
                   revision=itemgetter("revision"))
    if rows:
        await work.session.execute(_UPSERT_DIVISION_ARRAYS, {
            "code": [row["code"] for row in rows], "name": [row["name"] for row in rows],
            "level": [row["level"].value for row in rows], "parent_code": [row.get("parent_code") for row in rows],
            "kind": [row.get("kind") for row in rows], "revision": [row["revision"] for row in rows]})


def _newest(divisions: list[T], code: Callable[[T], str] = attrgetter("code"),
            revision: Callable[[T], int] = attrgetter("revision")) -> list[T]:
    """One per code, its newest revision (of events, or of validated rows given how to read them): one INSERT … ON
    CONFLICT may not touch a row twice, and applying the events one by one would leave the newest anyway."""
    newest: dict[str, T] = {}
    for division in divisions:
        known = newest.get(code(division))
        if known is None or revision(known) < revision(division):
            newest[code(division)] = division
    return list(newest.values())


def newest_revisions(divisions: list[DivisionUpserted]) -> list[dict]:
    """``_newest`` as row dicts (``upsert_divisions``'s)."""
    return _DIVISIONS.dump_python(_newest(divisions), mode="json")
