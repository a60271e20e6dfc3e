"""A subscriber never stalls its partition on an error: a domain error its handler did not turn into
a rejection is permanent (dead-lettered with the reason, the events behind it flow on), a failure of
the database is transient (the batch is retried with backoff and counted) — and the order of each
village's events holds through both. Real Kafka and PostgreSQL; the handlers are this test's own."""
from __future__ import annotations

import asyncio
import gc
import secrets
from typing import ClassVar

import asyncpg
import pytest
from pydantic import BaseModel
from faststream.kafka import KafkaBroker
from sqlalchemy import text

from tests.support.platform import KAFKA_BOOTSTRAP, scratch_database
from zhengdun import metrics
from zhengdun.db import Base, make_engine, make_session_factory
from zhengdun.events.base import STRUCTURED_CONTENT_TYPE, Envelope
from zhengdun.messaging.consumer import EventHandlers, is_transient, subscribe
from zhengdun.messaging.inbox import InboxMessage
from zhengdun.messaging.kafka import ensure_topics
from zhengdun.messaging.outbox import OutboxMessage
from zhengdun.messaging.topics import Topics

VILLAGES = ("990102101201", "990102101202", "990102102203")
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


@pytest.fixture(scope="module")
def database():
    with scratch_database("consumer") as url:
        yield url


class StepTaken(BaseModel):
    """What the handler publishes for each step, before it fails or not (held by the consumer's unit of work)."""
    event_type: ClassVar[str] = "zhengdun.test.step_taken.v1"
    n: int


def step(village: str, n: int, kind: str) -> Envelope:
    return Envelope(source="/test", type="zhengdun.test.step.v1", divisioncode=village, data={"n": n, "kind": kind})


async def _scenario(database_url: str, prefix: str) -> dict:
    engine = make_engine(database_url)
    async with engine.begin() as conn:
        await conn.run_sync(lambda c: Base.metadata.create_all(c, tables=[InboxMessage.__table__, OutboxMessage.__table__]))
        await conn.execute(text("CREATE TABLE applied (seq serial PRIMARY KEY, village text, n int)"))
    topics = Topics(prefix)
    await ensure_topics(KAFKA_BOOTSTRAP, topics, 3)
    attempts: dict[str, int] = {}
    handlers = EventHandlers()

    @handlers.on("zhengdun.test.step.v1")
    async def apply_step(work, envelope: Envelope) -> None:
        session = work.session
        attempts[envelope.id] = attempts.get(envelope.id, 0) + 1
        kind = envelope.data["kind"]
        work.publish(StepTaken(n=envelope.data["n"]), division_code=envelope.divisioncode, actor=None)
        if kind == "domain-error":       # a rule broken, and the subscriber forgot to say RejectedEvent
            raise KeyError(f"measure {envelope.data['n']} does not exist")
        if kind == "database-drops" and attempts[envelope.id] == 1:   # the connection dies under the handler
            await session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        await session.execute(text("INSERT INTO applied (village, n) VALUES (:v, :n)"),
                              {"v": envelope.divisioncode, "n": envelope.data["n"]})

    # Each village: steps in order, one domain error and one dropped connection among them.
    kinds = ["ok", "domain-error", "ok", "database-drops", "ok", "ok"]
    events = {v: [step(v, n, kind) for n, kind in enumerate(kinds)] for v in VILLAGES}
    group = f"{prefix}zhengdun-consumertest"
    retried_before = metrics.EVENTS_RETRIED.labels(group, "transient")._value.get()
    broker = KafkaBroker(KAFKA_BOOTSTRAP)
    subscribe(broker, topics=[topics.of("screening")], group_id=group, session_factory=make_session_factory(engine),
              handlers=handlers, deadletter_topic=topics.deadletter, topic=topics.of("consumertest"),
              source="/zhengdun/consumertest", batch_size=4)
    await broker.start()
    try:
        for village in VILLAGES:
            # The first village's events continue a trace; the first step comes again after the third (redelivered).
            trace = {"traceparent": TRACEPARENT} if village == VILLAGES[0] else {}
            steps = events[village]
            for envelope in [*steps[:3], steps[0], *steps[3:]]:
                await broker.publish(envelope.model_dump_json().encode(), topics.of("screening"), key=village.encode(),
                                     headers={"content-type": STRUCTURED_CONTENT_TYPE, **trace})
        # Every event in the inbox, one dead letter and five steps taken per village.
        expected = len(VILLAGES) * (len(kinds) + 1 + 5)
        for _ in range(600):
            async with engine.connect() as conn:
                done = (await conn.execute(text("SELECT (SELECT count(*) FROM inbox) + (SELECT count(*) FROM outbox)"))).scalar()
            if done >= expected:
                break
            await asyncio.sleep(0.2)
        async with engine.connect() as conn:
            applied = (await conn.execute(text("SELECT village, n FROM applied ORDER BY seq"))).all()
            inbox = dict((await conn.execute(text("SELECT event_id, outcome FROM inbox"))).all())
            traces = dict((await conn.execute(text("SELECT event_id, trace_id FROM inbox"))).all())
            letters = (await conn.execute(text("SELECT event_id, topic, headers FROM outbox"))).all()
            taken = (await conn.execute(text(
                "SELECT key, CAST(body AS jsonb)->'data'->>'n' FROM outbox WHERE type = :t ORDER BY seq"),
                {"t": StepTaken.event_type})).all()
    finally:
        await broker.stop()
        await engine.dispose()
    return {"events": events, "applied": applied, "taken": taken, "inbox": inbox, "traces": traces, "letters": letters, "attempts": attempts,
            "retried": metrics.EVENTS_RETRIED.labels(group, "transient")._value.get() - retried_before,
            "deadletter": topics.deadletter}


def test_domain_errors_are_dead_lettered_and_database_failures_retried_in_order(database):
    result = asyncio.run(_scenario(database, f"cf{secrets.token_hex(3)}."))
    events = result["events"]
    for village in VILLAGES:
        # Order per village holds: every step but the broken one, once each (the redelivered one too), in the order
        # published.
        assert [n for v, n in result["applied"] if v == village] == [0, 2, 3, 4, 5]
        # What each applied step published is in the outbox once, in its order; what the rejected step and the
        # failed attempts published went with their savepoint or transaction.
        assert [int(n) for v, n in result["taken"] if v == village] == [0, 2, 3, 4, 5]
        poisoned = events[village][1]
        assert result["inbox"][poisoned.id] == "dead-lettered"
        assert all(result["inbox"][e.id] == "applied" for e in events[village] if e is not poisoned)
        dropped = events[village][3]
        assert result["attempts"][dropped.id] >= 2   # applied on a retry, after the connection came back
    # Permanent: one dead letter per broken step, with the reason, on the dead-letter topic.
    reasons = {row.event_id: row.headers["dlt_reason"] for row in result["letters"] if row.topic == result["deadletter"]}
    assert set(reasons) == {f"dlt:{events[v][1].id}:/zhengdun/consumertest" for v in VILLAGES}
    assert all(r.startswith("KeyError: ") and "does not exist" in r for r in reasons.values())
    # Transient: the batch was redelivered (counted), never dead-lettered.
    assert result["retried"] >= len(VILLAGES)
    # The collector paused while a batch is applied is running again, after failed batches too.
    assert gc.isenabled()
    # Each inbox row names its trace: the one its headers continued, or (none given) the one its span began.
    for village in VILLAGES:
        traces = {result["traces"][e.id] for e in events[village]}
        if village == VILLAGES[0]:
            assert traces == {TRACEPARENT.split("-")[1]}
        else:
            assert all(len(t or "") == 32 for t in traces)


def test_errors_are_classified():
    from sqlalchemy.exc import IntegrityError, OperationalError

    assert is_transient(ConnectionRefusedError())
    assert is_transient(OperationalError("SELECT 1", {}, Exception("server closed the connection")))
    assert is_transient(asyncpg.exceptions.DeadlockDetectedError("deadlock"))
    assert is_transient(asyncpg.exceptions.SerializationError("could not serialize"))
    assert not is_transient(KeyError("no such measure"))
    assert not is_transient(ValueError("bad date"))
    assert not is_transient(IntegrityError("INSERT", {}, asyncpg.exceptions.UniqueViolationError("duplicate key")))
