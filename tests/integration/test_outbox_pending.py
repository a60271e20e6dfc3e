"""The outbox's pending rows (``outbox_pending``): the migration carries the unsent rows of ``sent_at`` over, the
trigger adds every new outbox row however it is written, and the relay publishes them in order and takes them off —
a row whose transaction commits after later rows were published included. Real PostgreSQL (casework's migrations)
and Kafka; the relay is the services' own."""
from __future__ import annotations

import asyncio
import json
import secrets
from pathlib import Path

import asyncpg
import pytest
from alembic import command
from pydantic import BaseModel
from sqlalchemy import event, text

from tests.support.platform import KAFKA_BOOTSTRAP, scratch_database
from zhengdun.db import make_engine, make_session_factory
from zhengdun.events.base import Envelope
from zhengdun.messaging.kafka import ensure_topics, make_producer
from zhengdun.messaging.outbox import RELAY_LOCK_ID, OutboxRelay, UnitOfWork, add_envelope
from zhengdun.messaging.replay import read_all
from zhengdun.messaging.topics import Topics
from zhengdun.migrations import alembic_config

MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "casework" / "migrations"
BEFORE = "0006"   # casework's last revision with outbox.sent_at


@pytest.fixture(scope="module")
def database():
    with scratch_database("outbox") as url:
        yield url


async def _fetch(url: str, sql: str, *args):
    conn = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


def _row(event_id: str, sent: bool) -> str:
    return ("INSERT INTO outbox (event_id, topic, key, type, body, headers, sent_at) "
            f"VALUES ('{event_id}', 't', '990101', 'x', '{{}}', '{{}}', {'now()' if sent else 'NULL'})")


def test_the_migration_keeps_unsent_rows_pending_and_back(database):
    config = alembic_config(MIGRATIONS, database)
    command.upgrade(config, BEFORE)
    for event_id, sent in (("a", True), ("b", False), ("c", True), ("d", False)):
        asyncio.run(_fetch(database, _row(event_id, sent)))

    command.upgrade(config, "head")
    pending = asyncio.run(_fetch(database, "SELECT o.event_id FROM outbox_pending p JOIN outbox o USING (seq) ORDER BY p.seq"))
    assert [r["event_id"] for r in pending] == ["b", "d"]
    columns = asyncio.run(_fetch(database, "SELECT column_name FROM information_schema.columns WHERE table_name = 'outbox'"))
    assert "sent_at" not in {r["column_name"] for r in columns}

    # Down and up again: what was pending is unsent, the rest sent.
    command.downgrade(config, BEFORE)
    unsent = asyncio.run(_fetch(database, "SELECT event_id FROM outbox WHERE sent_at IS NULL ORDER BY seq"))
    assert [r["event_id"] for r in unsent] == ["b", "d"]
    command.upgrade(config, "head")
    asyncio.run(_fetch(database, "TRUNCATE outbox, outbox_pending"))


class Step(BaseModel):
    n: int


Step.event_type = "zhengdun.test.step.v1"   # a payload of this test's own (events.base.type_of)


def _event(village: str, n: int) -> Envelope:
    return Envelope(source="/test", type=Step.event_type, divisioncode=village, data={"n": n})


async def _relay_lock_holders(database: str) -> int:
    return (await _fetch(database, "SELECT count(*) AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                                   "WHERE l.locktype = 'advisory' AND l.objid = $1 AND d.datname = current_database()",
                         RELAY_LOCK_ID))[0]["n"]


async def _relay_until_sent(database: str, topic: str) -> None:
    engine = make_engine(database, pool_size=2, max_overflow=10)
    factory = make_session_factory(engine)
    relay = OutboxRelay(factory, lambda: make_producer(KAFKA_BOOTSTRAP, "test"), batch_size=3, poll_seconds=0.05)
    task = asyncio.create_task(relay.run())
    try:
        for _ in range(600):
            if not await _fetch(database, "SELECT seq FROM outbox_pending"):
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the relay did not send every pending row")
        assert await _relay_lock_holders(database) == 1
        # The pool's other connections serve requests meanwhile: none of them is handed the relay's lock.
        for _ in range(20):
            async with factory() as request:
                assert not (await request.execute(text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :lock "
                    "AND pid = pg_backend_pid()"), {"lock": RELAY_LOCK_ID})).scalar()
            await asyncio.sleep(0.03)
        relay.stop()
        await task
        # Stopped, the relay let go of its lock (a replica may take over), though its engine lives on.
        assert await _relay_lock_holders(database) == 0
    finally:
        relay.stop()
        await task
        await engine.dispose()


async def _scenario(database: str, topic: str) -> list[str]:
    engine = make_engine(database, pool_size=3, max_overflow=10)
    factory = make_session_factory(engine)
    try:
        # A transaction writes its row first (the lower seq) and commits only after later rows were published.
        late = factory()
        await late.begin()
        add_envelope(late, topic, late_event := _event("990101101201", 0))
        await late.flush()
        ids = [late_event.id]
        async with UnitOfWork(factory, topic, "/test") as uow:   # rows one by one (the ORM) ...
            for n in (1, 2):
                ids.append(uow.publish(Step(n=n), division_code="990101101201", actor=None).id)
            await uow.commit()
        async with UnitOfWork(factory, topic, "/test") as uow:   # ... and in bulk (one INSERT ... SELECT)
            await uow.publish_many([(Step(n=n), "990101101202") for n in range(3, 10)], actor=None)
            await uow.commit()
        pending = await _fetch(database, "SELECT seq FROM outbox_pending ORDER BY seq")
        assert len(pending) == 9   # the late row is not visible yet
        await _relay_until_sent(database, topic)
        await late.commit()
        await late.close()
        assert len(await _fetch(database, "SELECT seq FROM outbox_pending")) == 1
        await _relay_until_sent(database, topic)
        assert len(await _fetch(database, "SELECT seq FROM outbox")) == 10   # the outbox keeps every row
    finally:
        await engine.dispose()
    return ids


def test_the_relay_sends_every_pending_row_in_order_and_takes_it_off(database):
    command.upgrade(alembic_config(MIGRATIONS, database), "head")
    topics = Topics(f"outbox{secrets.token_hex(3)}.")
    asyncio.run(ensure_topics(KAFKA_BOOTSTRAP, topics, 3))
    topic = topics.of("casework")
    asyncio.run(_scenario(database, topic))

    records = sorted(asyncio.run(read_all(KAFKA_BOOTSTRAP, [topic])), key=lambda r: (r.partition, r.offset))
    steps = [(json.loads(r.value)["divisioncode"], json.loads(r.value)["data"]["n"]) for r in records]
    assert sorted(n for _, n in steps) == list(range(10))   # each once (no crash here)
    # A village's events in one partition, in the order their transactions committed: the late row after the
    # rows published before it committed.
    assert [n for village, n in steps if village == "990101101202"] == list(range(3, 10))
    assert [n for village, n in steps if village == "990101101201"] == [1, 2, 0]


async def _statements_per_commit(database: str, topic: str) -> list[str]:
    """The relay's statements from one request's commit to its row being off ``outbox_pending``, and for a while
    after: it is woken by the commit, not polling (poll once a minute here)."""
    engine = make_engine(database, pool_size=3, max_overflow=10)
    factory = make_session_factory(engine)
    relay = OutboxRelay(factory, lambda: make_producer(KAFKA_BOOTSTRAP, "test"), batch_size=100, poll_seconds=60)
    statements: list[str] = []

    def relayed(conn, cursor, statement, parameters, context, executemany):
        if "outbox_pending" in statement:
            statements.append(statement.split(None, 1)[0])

    event.listen(engine.sync_engine, "before_cursor_execute", relayed)
    task = asyncio.create_task(relay.run())
    try:
        while not statements:   # the relay has read once (nothing pending) and sleeps
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.1)
        before = len(statements)
        async with UnitOfWork(factory, topic, "/test", on_commit=relay.wake) as uow:
            uow.publish(Step(n=1), division_code="990101101203", actor=None)
            await uow.commit()
        while await _fetch(database, "SELECT seq FROM outbox_pending"):
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.3)   # what it would do next without being woken: nothing
        return statements[before:]
    finally:
        relay.stop()
        await task
        await engine.dispose()


def test_the_relay_reads_once_and_marks_once_per_commit(database):
    """A commit wakes the relay: it reads what is pending and takes it off once Kafka has it, then sleeps until the
    next commit, without reading again past it and from the first row (the late row's case above is covered by
    reading from the first row after each sleep)."""
    command.upgrade(alembic_config(MIGRATIONS, database), "head")
    topics = Topics(f"outbox{secrets.token_hex(3)}.")
    asyncio.run(ensure_topics(KAFKA_BOOTSTRAP, topics, 3))
    assert asyncio.run(_statements_per_commit(database, topics.of("casework"))) == ["SELECT", "DELETE"]
