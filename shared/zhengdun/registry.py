"""The division tree as every service keeps it.

Screening owns the registry (it imports divisions and publishes ``DivisionUpserted``); the
other services keep their own copy of the same table from those events. A stale event (a
revision not newer than the stored one) changes nothing, so redelivery and replays are safe.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, func
from sqlalchemy.dialects.postgresql import insert
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


def _upsert():
    divisions = Division.__table__
    stmt = insert(divisions)
    return stmt.on_conflict_do_update(
        index_elements=[divisions.c.code],
        set_={c: stmt.excluded[c] for c in ("name", "level", "parent_code", "kind", "revision")} | {"updated_at": func.now()},
        where=divisions.c.revision < stmt.excluded.revision,
    )


# INSERT … ON CONFLICT that only ever moves a division to a newer revision. Built once, so
# SQLAlchemy compiles it once; execute it with a list of row dicts (on the table, not the ORM
# class: the ORM's bulk path costs more than the statement for thousands of rows).
UPSERT_DIVISIONS = _upsert()


division_handlers = EventHandlers()


@division_handlers.on(DivisionUpserted.event_type)  # type: ignore[attr-defined]
async def apply_division_upserted(work: InboxWork, envelope: Envelope) -> None:
    await apply_divisions_upserted(work, [envelope])


@division_handlers.on_batch(DivisionUpserted.event_type)  # type: ignore[attr-defined]
async def apply_divisions_upserted(work: InboxWork, envelopes: list[Envelope]) -> None:
    """A province's import arrives as thousands of these: one statement for all of them."""
    await work.session.execute(UPSERT_DIVISIONS, newest_revisions([e.payload() for e in envelopes]))  # type: ignore[misc]


def newest_revisions(divisions: list[DivisionUpserted]) -> list[dict]:
    """One row per code, its newest revision: one INSERT … ON CONFLICT may not touch a row twice,
    and applying the events one by one would leave the newest anyway."""
    newest: dict[str, DivisionUpserted] = {}
    for division in divisions:
        if division.code not in newest or newest[division.code].revision < division.revision:
            newest[division.code] = division
    return [division.model_dump(mode="json") for division in newest.values()]
