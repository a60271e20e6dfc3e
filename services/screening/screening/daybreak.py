"""The daybreak publisher: in production the platform's date follows the date in China.

Every ``clock_tick_seconds`` each screening replica compares the wall-clock date in
Asia/Shanghai with the last day it published (table ``clock_days``). Each day not yet published
is published in order, through the same ``zhengdun.clock.advance`` the settable clock of tests
uses: a ``clock_days`` row, screening's own copy and the ``ClockAdvanced`` event in the outbox,
in one transaction. So every service reacts exactly as to a set clock, once per day.

Exactly one publisher with any number of replicas: the transaction takes a PostgreSQL
advisory lock (a replica that does not get it skips the tick), and the day is the primary key
of ``clock_days``, so even two transactions that both got past the lock could not both commit
the same day. After downtime (screening or the whole platform down over midnights) the first
tick publishes every missed day, oldest first; consumers that were down read them from their
committed offsets, in order (one partition: the key is the country code).
"""
from __future__ import annotations

import asyncio
import logging
from datetime import date, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert

from screening.models import PublishedDay
from zhengdun import clock

log = logging.getLogger("screening.daybreak")
# pg_advisory_xact_lock key: "daybreak" in ASCII, distinct from the relay's lock.
LOCK_KEY = 0x6461796272656B


def days_to_publish(last_published: date | None, today: date) -> list[date]:
    """The days after the last published one up to today, oldest first; only today on the first run
    (a platform's first start does not replay history)."""
    if last_published is None:
        return [today]
    return [last_published + timedelta(days=n) for n in range(1, (today - last_published).days + 1)]


async def publish_due_days(runtime, today: date | None = None) -> list[date]:
    """One tick: publish every day due, in one transaction. Returns the days published (none when
    another replica holds the lock or everything is already published)."""
    today = today or clock.wall_clock_today()
    async with runtime.unit_of_work() as uow:
        got = (await uow.session.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": LOCK_KEY})).scalar_one()
        if not got:
            return []
        last = (await uow.session.execute(select(func.max(PublishedDay.day)))).scalar_one_or_none()
        days = days_to_publish(last, today)
        for day in days:
            inserted = await uow.session.execute(insert(PublishedDay).values(day=day).on_conflict_do_nothing()
                                                 .returning(PublishedDay.day))
            if inserted.scalar_one_or_none() is None:
                return []  # published meanwhile: the transaction rolls back, nothing twice
            await clock.advance(uow, day, actor=None)
        if days:
            await uow.commit()
            log.info("published the platform date: %s", ", ".join(d.isoformat() for d in days))
        return days


async def run(runtime) -> None:
    """The loop; a failing tick (database away) is logged and retried at the next one."""
    while True:
        try:
            await publish_due_days(runtime)
        except Exception:  # noqa: BLE001 - the loop must outlive a broken tick
            log.exception("daybreak tick failed")
        await asyncio.sleep(runtime.settings.clock_tick_seconds)
