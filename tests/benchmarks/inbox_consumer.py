"""The inbox consumer alone, in this process, on a scratch database: the CPU µs per registry event of the consumer's
Python and of its PostgreSQL backend, for batches of 2,000 ``DivisionUpserted`` records as the relay sends them
(inbox claim, the registry's set-based projection, commit). No Kafka and no services: on a shared, loaded box its
figures hold steadier than the whole event path's, and two checkouts can be run one after the other.

    ZD_BENCH_EVENTS=30000 uv run --frozen python -m tests.benchmarks.inbox_consumer
"""
from __future__ import annotations

import asyncio
import gc
import os
import time
from dataclasses import dataclass

import asyncpg
from sqlalchemy import text

from tests.support.platform import scratch_database
from zhengdun.db import Base, make_engine, make_session_factory
from zhengdun.events.base import STRUCTURED_CONTENT_TYPE, Actor
from zhengdun.events.registry import DivisionUpserted
from zhengdun.messaging.consumer import subscribe
from zhengdun.messaging.inbox import InboxMessage
from zhengdun.messaging.outbox import OutboxMessage, envelope_bodies
from zhengdun.registry import Division, division_handlers

BATCH = int(os.environ.get("ZD_BENCH_BATCH", "2000"))   # records per consumed batch
TICK = os.sysconf("SC_CLK_TCK")
HEADERS = (("content-type", STRUCTURED_CONTENT_TYPE.encode()),
           ("traceparent", b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))


@dataclass
class _Record:
    """What the consumer reads of aiokafka's ConsumerRecord."""
    topic: str
    partition: int
    offset: int
    key: bytes
    value: bytes
    headers: tuple


class _Batch:
    def __init__(self, records: list[_Record]):
        self.raw_message = tuple(records)


class _NoBroker:
    """``subscribe`` hands its batch function to the broker: here it is kept, to be called directly."""
    def subscriber(self, *args, **kwargs):
        return lambda function: function


def _cpu(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        fields = open(f"/proc/{pid}/stat").read()
        fields = fields[fields.rindex(")") + 2:].split()
        total += (int(fields[11]) + int(fields[12])) / TICK
    return total


def _records(events: int) -> list[_Record]:
    actor = Actor(user_id="u-1", name="省委组织部", roles=["province_org"], division_code="990000000000")
    payloads = [(DivisionUpserted(code=f"99{i:010d}", name=f"村{i}", level="village", parent_code="990102101000",
                                  kind="行政村", revision=1), f"99{i:010d}") for i in range(events)]
    _, _, bodies = envelope_bodies(payloads, source="/zhengdun/screening", actor=actor, campaign_id=None)
    return [_Record("bench.screening", i % 6, i, code.encode(), body.encode(), HEADERS)
            for i, ((_, code), body) in enumerate(zip(payloads, bodies))]


async def _run(url: str, events: int) -> None:
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(lambda c: Base.metadata.create_all(
                c, tables=[InboxMessage.__table__, OutboxMessage.__table__, Division.__table__]))
        consume = subscribe(_NoBroker(), topics=["bench.screening"], group_id="bench", handlers=division_handlers,
                            session_factory=make_session_factory(engine), deadletter_topic="bench.deadletter",
                            topic="bench.casework", source="/zhengdun/casework")
        records = _records(events)
        batches = [_Batch(records[i:i + BATCH]) for i in range(0, len(records), BATCH)]
        await consume(None, batches[0])   # statements prepared and the connection opened before measuring
        database = url.rsplit("/", 1)[1]
        server = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql").rsplit("/", 1)[0] + "/postgres")
        try:
            backends = [r["pid"] for r in await server.fetch(
                "SELECT pid FROM pg_stat_activity WHERE datname = $1", database)]
        finally:
            await server.close()
        gc.collect()
        gc.freeze()   # as the services do at the end of their start-up
        own, postgres, started = time.process_time(), _cpu(backends), time.perf_counter()
        for batch in batches[1:]:
            await consume(None, batch)
        measured = len(records) - len(batches[0].raw_message)
        own, postgres = time.process_time() - own, _cpu(backends) - postgres
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM inbox"))).scalar() == len(records)
            assert (await conn.execute(text("SELECT count(*) FROM divisions"))).scalar() == len(records)
        print(f"inbox consumer: {own / measured * 1e6:.1f} µs of its own and {postgres / measured * 1e6:.1f} µs of "
              f"PostgreSQL per event ({measured:,} events in {time.perf_counter() - started:.1f} s, "
              f"load average {os.getloadavg()[0]:.1f})")
    finally:
        await engine.dispose()


def main() -> None:
    with scratch_database("inboxbench") as url:
        asyncio.run(_run(url, int(os.environ.get("ZD_BENCH_EVENTS", "30000"))))


if __name__ == "__main__":
    main()
