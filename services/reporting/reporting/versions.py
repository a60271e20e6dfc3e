"""The read model's data version, and the caches keyed by it.

Every write to a table of the read model (or to the division copy) bumps ``read_model_version`` in the same
transaction, by a trigger on each table (migration 0012 says why a trigger). So a version names exactly the read
model that a snapshot sees: two reads that see the same version compute the same figures, for any date — a past
date's too, since a late event can still add a fact dated before it. Writes elsewhere (another service's database
on the same server, the inbox, the outbox) leave it as it is: under other load the figures stay cached, where a
key of ``pg_current_snapshot()`` changed with any transaction on the server.

A cache keeps the values of the newest version it has seen only: a read that sees a newer version empties it
(no read that sees the newest version asks for an older one again), and a value computed in an older snapshot is
not kept. Per process, bounded in entries and in bytes; correct with any number of replicas, as nothing is shared.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Generic, TypeVar

from prometheus_client import Counter
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from zhengdun.clock import wall_clock_today

T = TypeVar("T")

# Set (transaction-local) by the trigger that bumped the version: this transaction's own rows are not yet any
# version's, so nothing it reads is looked up in, nor kept in, a cache.
WRITTEN = "current_setting('reporting.read_model_bumped', true) IS NOT DISTINCT FROM 'yes'"
VERSION_AND_TODAY = (
    f"SELECT CASE WHEN {WRITTEN} THEN NULL ELSE v.version END, c.today "
    "FROM read_model_version v LEFT JOIN platform_clock c ON c.id = 1 WHERE v.id = 1")
# Kept only from a transaction whose statements all read one snapshot (the Reader's REPEATABLE READ): under
# READ COMMITTED a statement after this one may see a newer version.
SNAPSHOT_VERSION = (
    f"SELECT CASE WHEN {WRITTEN} OR current_setting('transaction_isolation') = 'read committed' THEN NULL "
    "ELSE (SELECT version FROM read_model_version WHERE id = 1) END")

COMPUTED = Counter("zhengdun_reporting_figures_computed_total",
                   "Figures computed from the read model, not answered from the cache of their version", ["what"])


async def version_and_today(engine: AsyncEngine) -> tuple[int | None, date]:
    """The committed version (one statement, no transaction needed) and the platform's today.

    Asked on a pooled connection's driver directly, without a session, a transaction or the statement machinery
    of SQLAlchemy: on a cached answer this statement is all the read does, and a session's execute cost the
    service about twice the statement's own CPU (measured: 400-580 against 200-270 µs a call)."""
    async with engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        version, today = await driver.fetchrow(VERSION_AND_TODAY)
    return version, today or wall_clock_today()


async def snapshot_version(session: AsyncSession, also: str = "") -> int | None:
    """The version this transaction's snapshot sees, None when what it reads may not be kept under one.
    ``also``: more select items for the same round trip (their values are not returned)."""
    return (await session.execute(text(SNAPSHOT_VERSION + (f", {also}" if also else "")))).first()[0]


class ByVersion(Generic[T]):
    """Values of one version, the newest seen; ``size`` weighs a value against ``max_size``."""

    def __init__(self, kept: int, max_size: int | None = None, size: Callable[[T], int] = lambda value: 0):
        self.kept, self.max_size, self.size = kept, max_size, size
        self.version = 0
        self._values: dict[tuple, T] = {}
        self._weight = 0
        self._computing: dict[tuple, asyncio.Future] = {}

    def _see(self, version: int) -> None:
        if version > self.version:
            self.version = version
            self._values.clear()
            self._weight = 0

    def get(self, version: int | None, key: tuple) -> T | None:
        if version is None:
            return None
        self._see(version)
        return self._values.get(key) if version == self.version else None

    def put(self, version: int | None, key: tuple, value: T) -> None:
        if version is None:
            return
        self._see(version)
        if version < self.version or key in self._values:
            return
        weight = self.size(value)
        if self.max_size is not None and weight > self.max_size:
            return
        while self._values and (len(self._values) >= self.kept
                                or (self.max_size is not None and self._weight + weight > self.max_size)):
            self._weight -= self.size(self._values.pop(next(iter(self._values))))
        self._values[key] = value
        self._weight += weight

    async def answer(self, version: int | None, key: tuple,
                     compute: Callable[[], Awaitable[tuple[int | None, T]]]) -> T:
        """The value of ``key`` as of ``version`` (a version at least as new), computed by ``compute`` if not kept:
        ``compute`` reads in a snapshot of its own and returns that snapshot's version with the value. Reads that
        miss the same key of the same version at once wait for one computation instead of each running it (after
        a write, every client of a province asks again together)."""
        if (value := self.get(version, key)) is not None:
            return value
        flight = self._computing.get((version, key)) if version is not None else None
        if flight is None:
            flight = asyncio.ensure_future(compute())
            if version is not None:
                self._computing[(version, key)] = flight
                flight.add_done_callback(lambda _: self._computing.pop((version, key), None))
        computed_version, value = await asyncio.shield(flight)
        self.put(computed_version, key, value)
        return value
