"""The platform clock: one business date for every time-driven step, settable by tests and the demo.

Business dates users enter are validated against it (nothing "in the future"), and the rules
that fire with time (phase ends, overdue measures, post-evaluation due) run when it moves.
The date moves in one place, screening, and travels as a ``ClockAdvanced`` event, so every
service keeps its own copy in its own database and reacts inside the same inbox transaction.
In production screening's daybreak publisher (screening/daybreak.py) advances it when the date
in China (Asia/Shanghai) changes; on test and demo platforms (``ZD_CLOCK_SETTABLE=1``)
``PUT /platform/clock`` gives the date instead. Both go through ``advance``. Until a date is
set, the clock is the wall-clock date in China.

A service that reacts to the clock registers its own handler for ``ClockAdvanced`` and calls
``record`` first; the others include ``clock_handlers``.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Date, DateTime, Integer, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from zhengdun.db import Base
from zhengdun.dependencies import Reader, UoW
from zhengdun.events.base import Envelope
from zhengdun.events.clock import ClockAdvanced
from zhengdun.messaging.consumer import EventHandlers
from zhengdun.messaging.outbox import InboxWork
from zhengdun.problems import Problem
from zhengdun.responses import Out

CHINA = ZoneInfo("Asia/Shanghai")


class ClockState(Base):
    __tablename__ = "platform_clock"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    today: Mapped[date] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), onupdate=func.now())


def wall_clock_today() -> date:
    return datetime.now(CHINA).date()


# On the table, not the entity: every write reads the date, and a table-level statement skips the ORM's compile and
# result machinery (the row is never written in the same transaction before it is read, except by ``record``'s
# own statement, which runs at once).
_TODAY = select(ClockState.__table__.c.today).where(ClockState.__table__.c.id == 1)


async def today(session: AsyncSession) -> date:
    stored = (await session.execute(_TODAY)).scalar_one_or_none()
    return stored or wall_clock_today()


def today_column():
    """The stored date as a column ``today`` of another statement (a write's locking read takes it along instead of
    a round trip of its own); None when none is stored, as ``today`` then falls back to ``wall_clock_today``."""
    return _TODAY.scalar_subquery().label("today")


async def record(session: AsyncSession, new_today: date) -> None:
    stmt = insert(ClockState).values(id=1, today=new_today)
    await session.execute(stmt.on_conflict_do_update(index_elements=[ClockState.id], set_={"today": new_today, "updated_at": func.now()}))


async def advance(uow, new_today: date, actor) -> None:
    """Move the publisher's own copy and publish ``ClockAdvanced`` in the caller's unit of work
    (one transaction with whatever else it writes): the one way the date moves."""
    previous = (await uow.session.execute(select(ClockState.today).where(ClockState.id == 1))).scalar_one_or_none()
    await record(uow.session, new_today)
    uow.publish(ClockAdvanced(today=new_today, previous=previous), division_code="000000000000", actor=actor)


async def set_today(uow, new_today: date, actor) -> None:
    """The settable clock's use case (tests and the demo): the date moves, and that is committed."""
    await advance(uow, new_today, actor)
    await uow.commit()


clock_handlers = EventHandlers()


@clock_handlers.on(ClockAdvanced.event_type)  # type: ignore[attr-defined]
async def apply_clock_advanced(work: InboxWork, envelope: Envelope) -> None:
    await record(work.session, envelope.payload().today)  # type: ignore[attr-defined]


def not_in_future(value: date, clock_today: date, field: str = "date") -> None:
    """Refuse a business date after the platform's today (422 problem+json naming the field)."""
    if value > clock_today:
        raise Problem(422, "date-in-future", "日期不能晚于今天 Date in the future",
                      f"{field} = {value.isoformat()} 晚于平台当前日期 {clock_today.isoformat()}",
                      errors=[{"field": field, "message": f"not after {clock_today.isoformat()}"}])


class SetClock(BaseModel):
    model_config = ConfigDict(extra="forbid")

    today: date


class ClockReading(Out):
    today: date
    settable: bool


def clock_router(settable: bool = False) -> APIRouter:
    """``GET /platform/clock`` in every service (tests wait until all agree); ``PUT`` only where settable."""
    from zhengdun.access import authorized

    router = APIRouter(tags=["platform 平台"])

    @router.get("/platform/clock", response_model=ClockReading, summary="平台当前业务日期")
    async def read_clock(session: Reader, _=Depends(authorized("clock.read"))):
        return ClockReading(today=await today(session), settable=settable)

    if settable:
        @router.put("/platform/clock", response_model=ClockReading, summary="设置平台业务日期（仅测试、演示环境）")
        async def set_clock(body: SetClock, request: Request, uow: UoW, principal=Depends(authorized("clock.set"))):
            if not request.app.state.runtime.settings.clock_settable:
                raise Problem(409, "clock-not-settable", "平台时钟不可设置 Clock not settable",
                              "this platform runs on the wall clock (ZD_CLOCK_SETTABLE is not set)")
            await set_today(uow, body.today, principal.actor)
            return ClockReading(today=body.today, settable=True)

    return router
