"""The outbox relay alone, in this process, on a scratch database and a topic of its own: the CPU µs per event of the
relay's Python and of its PostgreSQL backend, for a registry import's rows (one request's ``DivisionUpserted``
events, written by ``publish_many`` as screening writes them) read, sent to Kafka and marked sent. No services: two
checkouts can be run one after the other on a loaded box.

    ZD_BENCH_EVENTS=30000 uv run --frozen python -m tests.benchmarks.outbox_relay
"""
from __future__ import annotations

import asyncio
import gc
import os
import secrets
import time
from pathlib import Path

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from sqlalchemy import text

from tests.benchmarks.inbox_consumer import _cpu
from tests.support.platform import KAFKA_BOOTSTRAP, scratch_database
from zhengdun.db import make_engine, make_session_factory
from zhengdun.migrations import upgrade
from zhengdun.events.base import Actor
from zhengdun.events.registry import DivisionUpserted
from zhengdun.messaging.kafka import make_producer
from zhengdun.messaging.outbox import OutboxRelay, UnitOfWork


async def _run(url: str, events: int) -> None:
    topic = f"zdbench_relay_{secrets.token_hex(3)}"
    admin = AIOKafkaAdminClient(bootstrap_servers=KAFKA_BOOTSTRAP)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=6, replication_factor=1)])
    finally:
        await admin.close()
    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)
        actor = Actor(user_id="u-1", name="省委组织部", roles=["province_org"], division_code="990000000000")
        async with UnitOfWork(factory, topic, "/zhengdun/screening") as uow:
            await uow.publish_many([(DivisionUpserted(code=f"99{i:010d}", name=f"村{i}", level="village",
                                                      parent_code="990102101000", kind="行政村", revision=1),
                                     f"99{i:010d}") for i in range(events)], actor=actor)
            await uow.commit()
        relay = OutboxRelay(factory, lambda: make_producer(KAFKA_BOOTSTRAP, "bench"), batch_size=2000, poll_seconds=0.05)
        database = url.rsplit("/", 1)[1]
        gc.collect()
        gc.freeze()
        own, started = time.process_time(), time.perf_counter()
        task = asyncio.create_task(relay.run())
        server = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql").rsplit("/", 1)[0] + "/postgres")
        try:
            backends = []
            while not backends:
                await asyncio.sleep(0.01)
                backends = [r["pid"] for r in await server.fetch(
                    "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", database)]
            postgres = _cpu(backends)
            async with engine.connect() as conn:
                while (await conn.execute(text("SELECT count(*) FROM outbox_pending"))).scalar():
                    await conn.commit()
                    await asyncio.sleep(0.05)
            postgres = _cpu(backends) - postgres
        finally:
            await server.close()
        relay.stop()
        await task
        own = time.process_time() - own
        print(f"outbox relay: {own / events * 1e6:.1f} µs of its own and {postgres / events * 1e6:.1f} µs of "
              f"PostgreSQL per event ({events:,} events in {time.perf_counter() - started:.1f} s, "
              f"load average {os.getloadavg()[0]:.1f})")
    finally:
        await engine.dispose()
        admin = AIOKafkaAdminClient(bootstrap_servers=KAFKA_BOOTSTRAP)
        await admin.start()
        try:
            await admin.delete_topics([topic])
        finally:
            await admin.close()


def main() -> None:
    with scratch_database("relaybench") as url:
        # screening's schema, whose relay sends a registry import: its outbox and the pending rows' trigger
        upgrade(Path(__file__).resolve().parents[2] / "services" / "screening" / "migrations", url)
        asyncio.run(_run(url, int(os.environ.get("ZD_BENCH_EVENTS", "30000"))))


if __name__ == "__main__":
    main()
