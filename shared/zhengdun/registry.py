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
    stmt = insert(Division)
    return stmt.on_conflict_do_update(
        index_elements=[Division.code],
        set_={c: stmt.excluded[c] for c in ("name", "level", "parent_code", "kind", "revision")} | {"updated_at": func.now()},
        where=Division.revision < stmt.excluded.revision,
    )


# INSERT … ON CONFLICT that only ever moves a division to a newer revision. Built once, so
# SQLAlchemy compiles it once; execute it with a list of row dicts.
UPSERT_DIVISIONS = _upsert()


division_handlers = EventHandlers()


@division_handlers.on(DivisionUpserted.event_type)  # type: ignore[attr-defined]
async def apply_division_upserted(work: InboxWork, envelope: Envelope) -> None:
    division: DivisionUpserted = envelope.payload()  # type: ignore[assignment]
    await work.session.execute(UPSERT_DIVISIONS, [division.model_dump(mode="json")])
