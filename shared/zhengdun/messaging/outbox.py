"""Transactional outbox: a state change and the events it causes commit together.

``UnitOfWork.publish`` adds the event to the ``outbox`` table in the same transaction as the
change; a trigger adds its ``seq`` to ``outbox_pending`` in that transaction too. ``OutboxRelay``
(one per service, guarded by a PostgreSQL advisory lock so that only one replica relays and order
per key is kept) publishes the pending rows in order and then deletes them from ``outbox_pending``.
A crash after publishing and before that re-publishes on restart: consumers' inboxes make that
harmless, so every event takes effect exactly once.

Why a table of pending rows and not a ``sent_at`` column: marking a row sent in place rewrote the
whole row (its body too) and both its indexes, since the column was in the unsent index's predicate
(no HOT update), and left as much for vacuum. Measured in PostgreSQL's backend, reading and marking
a batch cost 16–21 µs per event that way, 3.5–4.5 µs with the pending table; the trigger adds ~10 µs
to an insert statement (not per row: a bulk insert pays it once). The outbox rows themselves are never
changed by the relay and stay (the dead-letter book reads its own).
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import struct
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from operator import itemgetter
from typing import Any


from opentelemetry.trace import SpanKind
from pydantic import BaseModel
from pydantic_core import to_json
from sqlalchemy import BigInteger, DateTime, String, Text, func, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from zhengdun import metrics
from zhengdun.db import Base
from zhengdun.events.base import STRUCTURED_CONTENT_TYPE, Actor, Envelope, type_of
from zhengdun.faults import crash_point
from zhengdun.telemetry import context_from_headers, current_trace_headers, tracer

log = logging.getLogger("zhengdun.outbox")
RELAY_LOCK_ID = 7_204_113  # advisory lock key: one active relay per service database


class OutboxMessage(Base):
    __tablename__ = "outbox"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(80), unique=True)
    topic: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(40))
    type: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)  # the CloudEvents JSON, exactly as it will be sent
    headers: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class OutboxPending(Base):
    """The outbox rows not yet published: filled by the trigger ``outbox_pending_add`` on every insert into
    ``outbox`` (zhengdun.migrations.create_outbox_pending), emptied by the relay once Kafka has them."""
    __tablename__ = "outbox_pending"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)


def record_event(
    session: AsyncSession,
    *,
    topic: str,
    source: str,
    payload: BaseModel,
    division_code: str,
    actor: Actor | None,
    campaign_id: str | None = None,
    subject: str | None = None,
    extra_headers: dict[str, str] | None = None,
) -> Envelope:
    """Add an event to the outbox of the current transaction; returns its envelope."""
    envelope = Envelope(
        source=source,
        type=type_of(payload),
        subject=subject,
        divisioncode=division_code,
        campaignid=campaign_id,
        actor=actor,
        data=payload.model_dump(mode="json"),
    )
    add_envelope(session, topic, envelope, extra_headers)
    return envelope


def outbox_row(topic: str, envelope: Envelope, extra_headers: dict[str, str] | None = None,
               trace_headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {"event_id": envelope.id, "topic": topic, "key": envelope.divisioncode, "type": envelope.type,
            "body": envelope.model_dump_json(), "headers": outbox_headers(extra_headers, trace_headers)}


def outbox_headers(extra_headers: dict[str, str] | None = None, trace_headers: dict[str, str] | None = None) -> dict[str, str]:
    headers = {"content-type": STRUCTURED_CONTENT_TYPE}   # structured mode: no ce_ headers (events/base.py)
    # The request's trace continues in every consumer (``trace_headers``: the caller read them once for many rows).
    headers.update(current_trace_headers() if trace_headers is None else trace_headers)
    headers.update(extra_headers or {})
    return headers


# The events an HTTP request wrote to the outbox, named in its answer (header ``X-Zhengdun-Events``)
# so the console can ask reporting whether they have reached its figures (数据同步中). A list set
# per request by the runtime's middleware; None outside requests (consumers, relays, CLI).
PUBLISHED_IN_REQUEST: ContextVar[list[tuple[str, str]] | None] = ContextVar("published_in_request", default=None)
# A bulk import's thousands go unnamed (publish_many): the header stays small enough to be sent back in a URL
# (reporting's GET /sync?events=, at most 49 pairs of at most 95 characters).
MAX_EVENTS_NAMED = 50
EVENTS_HEADER = "X-Zhengdun-Events"


def events_header(events: list[tuple[str, str]]) -> str:
    """``type id, type id``: event types and ids hold neither spaces nor commas."""
    return ", ".join(f"{event_type} {event_id}" for event_type, event_id in events)


def parse_events_header(value: str) -> list[tuple[str, str]]:
    """The pairs of ``events_header``; ValueError when a part is not ``type id``."""
    pairs = []
    for part in filter(None, (p.strip() for p in value.split(","))):
        fields = part.split()
        if len(fields) != 2:
            raise ValueError(part)
        pairs.append((fields[0], fields[1]))
    return pairs


def add_envelope(session: AsyncSession, topic: str, envelope: Envelope, extra_headers: dict[str, str] | None = None) -> None:
    session.add(OutboxMessage(**outbox_row(topic, envelope, extra_headers)))
    _name_in_request(envelope)


def _name_in_request(envelope: Envelope) -> None:
    request_events = PUBLISHED_IN_REQUEST.get()
    if request_events is not None and len(request_events) < MAX_EVENTS_NAMED:
        request_events.append((envelope.type, envelope.id))


def _outbox_rows_sql(prefix: str) -> str:
    return ("INSERT INTO outbox (event_id, topic, key, type, body, headers) "
            "SELECT event_id, topic, key, type, body, CAST(headers AS jsonb) "
            f"FROM unnest(CAST(:{prefix}event_ids AS text[]), CAST(:{prefix}topics AS text[]), "
            f"CAST(:{prefix}keys AS text[]), CAST(:{prefix}types AS text[]), CAST(:{prefix}bodies AS text[]), "
            f"CAST(:{prefix}headers AS text[])) "
            "WITH ORDINALITY AS r (event_id, topic, key, type, body, headers, position) ORDER BY position")


# A unit of work's outbox rows in one statement of arrays, in the order they were published (``seq`` follows it).
# Its bind parameters are named ``outbox_…`` (``outbox_arrays``), so that a service may write the rows inside a
# statement of its own (a data-modifying CTE beside its own rows: one round trip for the whole write).
OUTBOX_ROWS_SQL = _outbox_rows_sql("outbox_")
_OUTBOX_ROWS = text(OUTBOX_ROWS_SQL)


def outbox_arrays(rows: list[tuple[str, str, str, str, str, str]]) -> dict[str, list[str]]:
    """``OUTBOX_ROWS_SQL``'s parameters for rows of (event id, topic, key, type, body, headers' JSON)."""
    columns = list(zip(*rows)) if rows else [()] * 6
    return {f"outbox_{name}": list(column) for name, column in
            zip(("event_ids", "topics", "keys", "types", "bodies", "headers"), columns)}


def _json(document: dict) -> str:
    """An envelope's JSON as ``Envelope.model_dump_json`` writes it (compact, UTF-8 as it is), by pydantic's
    serializer: a third of the json module's time."""
    return to_json(document).decode()


# ``publish_many``'s rows, in the order of the arrays (``seq`` follows it: the relay sends in that order).
_OUTBOX_ARRAYS = text(
    "INSERT INTO outbox (event_id, topic, key, type, body, headers) "
    "SELECT event_id, :topic, key, type, body, CAST(:headers AS jsonb) "
    "FROM unnest(CAST(:event_ids AS text[]), CAST(:keys AS text[]), CAST(:types AS text[]), CAST(:bodies AS text[])) "
    "WITH ORDINALITY AS r (event_id, key, type, body, position) ORDER BY position"
)


class _Publishing:
    """What a use case publishes through, in the HTTP request's transaction or the inbox's: its session, and the
    service's own topic and source."""

    session: AsyncSession
    topic: str
    source: str
    events: list[Envelope]

    def publish(self, payload: BaseModel, *, division_code: str, actor: Actor | None, campaign_id: str | None = None,
                subject: str | None = None, topic: str | None = None, source: str | None = None) -> Envelope:
        """Add the event to the outbox of this transaction: on the service's own topic unless ``topic`` says
        another (reporting's public stream, with its own ``source``)."""
        envelope = record_event(
            self.session, topic=topic or self.topic, source=source or self.source, payload=payload,
            division_code=division_code, actor=actor, campaign_id=campaign_id, subject=subject,
        )
        self.events.append(envelope)
        return envelope

    def _envelope_row(self, payload: BaseModel, division_code: str, actor: Actor | None, campaign_id: str | None,
                      subject: str | None, topic: str | None, source: str | None,
                      headers: str) -> tuple[Envelope, tuple[str, str, str, str, str, str]]:
        """The event's envelope and its outbox row as ``OUTBOX_ROWS_SQL`` takes it (``outbox_arrays``), for the units
        of work that hold their rows and write them together instead of an ORM entity each."""
        envelope = Envelope(source=source or self.source, type=type_of(payload), subject=subject,
                            divisioncode=division_code, campaignid=campaign_id, actor=actor,
                            data=payload.model_dump(mode="json"))
        self.events.append(envelope)
        return envelope, (envelope.id, topic or self.topic, division_code, envelope.type, envelope.model_dump_json(),
                          headers)


def envelope_bodies(payloads: list[tuple[BaseModel, str]], *, source: str, actor: Actor | None,
                    campaign_id: str | None) -> tuple[list[str], list[str], list[str]]:
    """The ids, types and JSON bodies of the envelopes ``publish`` would write for these (payload, division code)
    pairs. The first envelope is built and validated as ``publish`` builds one; the others differ from it only in
    their id, type, division and data, so each body is its JSON with those four replaced (building and dumping an
    Envelope per event cost more than the rest of a province's import together). They share its time: the moment
    of the one transaction that writes them all."""
    first, first_code = payloads[0]
    template = Envelope(source=source, type=type_of(first), subject=first_code, divisioncode=first_code,
                        campaignid=campaign_id, actor=actor, data={}).model_dump(mode="json")
    ids, types, bodies = [], [], []
    random = os.urandom(16 * len(payloads))   # one read of the system's randomness, not one per event id
    for index, (payload, division_code) in enumerate(payloads):
        event_id = str(uuid.UUID(bytes=random[16 * index:16 * index + 16], version=4))
        event_type = type_of(payload)
        ids.append(event_id)
        types.append(event_type)
        bodies.append(_json({**template, "id": event_id, "type": event_type, "subject": division_code,
                             "divisioncode": division_code, "data": payload.model_dump(mode="json")}))
    return ids, types, bodies


class UnitOfWork(_Publishing):
    """One business transaction: the session, and the events to publish when it commits.

    ::

        async with messaging.unit_of_work() as uow:
            uow.session.add(thing)
            uow.publish(ThingHappened(...), division_code=code, actor=principal.actor)
            await uow.commit()
    """

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], topic: str, source: str, on_commit=None):
        self._factory = session_factory
        self.topic = topic
        self.source = source
        self._on_commit = on_commit
        self.session: AsyncSession
        self.events: list[Envelope] = []
        self._published_in_bulk = 0
        self._pending: list[tuple[str, str, str, str, str, str]] = []
        self._trace_headers: str | None = None

    async def __aenter__(self) -> "UnitOfWork":
        return await self.open()

    async def open(self) -> "UnitOfWork":
        """Its session and transaction (begun with the first statement); whoever opens it without ``async with``
        closes the session (zhengdun.dependencies: the request edge)."""
        self.session = self._factory()
        await self.session.begin()
        return self

    async def __aexit__(self, *exc) -> None:
        if self.session.in_transaction():
            await self.session.rollback()
        await self.session.close()

    def publish(self, payload: BaseModel, *, division_code: str, actor: Actor | None, campaign_id: str | None = None,
                subject: str | None = None, topic: str | None = None, source: str | None = None) -> Envelope:
        """Add the event to the outbox of this transaction (see ``_Publishing.publish``). Its row is written at the
        commit with the others of the write, in one statement of arrays (or by the use case inside a statement of
        its own: ``take_pending``): the ORM's unit of work flushed an entity per event, with its own INSERT … RETURNING
        (seen: a tenth of a write's CPU with the entry's)."""
        if self._trace_headers is None:   # the request's trace: the same for every event of the write
            self._trace_headers = _json(outbox_headers())
        envelope, row = self._envelope_row(payload, division_code, actor, campaign_id, subject, topic, source,
                                           self._trace_headers)
        self._pending.append(row)
        _name_in_request(envelope)
        return envelope

    def take_pending(self) -> list[tuple[str, str, str, str, str, str]]:
        """The outbox rows published and not yet written, for the caller to write now (``OUTBOX_ROWS_SQL`` with
        ``outbox_arrays``, in this transaction); the commit then writes none of them."""
        rows, self._pending = self._pending, []
        return rows

    async def write_pending(self) -> None:
        """Write the outbox rows published so far (in order, before any written after them)."""
        if self._pending:
            await self.session.execute(_OUTBOX_ROWS, outbox_arrays(self.take_pending()))

    async def publish_many(self, payloads: list[tuple[BaseModel, str]], *, actor: Actor | None,
                           campaign_id: str | None = None) -> int:
        """Bulk form of ``publish`` for large imports: (payload, division code) pairs, one INSERT."""
        if not payloads:
            return 0
        await self.write_pending()   # the events published before these come before them
        ids, types, bodies = envelope_bodies(payloads, source=self.source, actor=actor, campaign_id=campaign_id)
        # Every row of one call shares its headers (the request's trace): one statement of arrays, not a
        # VALUES row (and a JSON document) per event.
        await self.session.execute(_OUTBOX_ARRAYS, {
            "topic": self.topic, "headers": json.dumps(outbox_headers()),
            "event_ids": ids, "keys": [code for _, code in payloads], "types": types, "bodies": bodies})
        self._published_in_bulk += len(bodies)
        return len(bodies)

    async def commit(self) -> None:
        await self.write_pending()
        await self.session.commit()
        if (self.events or self._published_in_bulk) and self._on_commit:
            self._on_commit()


class InboxWork(_Publishing):
    """The unit of work of an event handler: the inbox transaction's session, publishing through its
    outbox, so that a use case written for ``UnitOfWork`` serves a Kafka handler too. The consumer
    commits the inbox transaction: there is no ``commit`` here.

    ``held``: the events published are held and written to the outbox together by ``write_published`` (one
    statement for a batch's events, where an ORM row each cost more than the event's own projection), which the
    caller runs before it leaves the savepoint they belong to and whose rollback must take them away
    (``discard_published`` then): the batch consumer does. Otherwise each is added to the session at once."""

    def __init__(self, session: AsyncSession, topic: str, source: str, *, held: bool = False):
        self.session = session
        self.topic = topic
        self.source = source
        self.events = []
        self._held: list[tuple[str, str, str, str, str, str]] | None = [] if held else None
        self._later: list[tuple[Any, dict[str, Any]]] | None = [] if held else None

    async def write_later(self, statement, params: dict[str, Any]) -> None:
        """A write whose outcome the handler does not read (an insert of a fact that skips one already kept): held
        with the published events when they are held, and run with them, each statement once for all its rows in the
        order they came (statements in the order each first came: for writes whose order across statements does not
        matter); otherwise run now."""
        if self._later is None:
            await self.session.execute(statement, params)
        else:
            self._later.append((statement, params))

    def publish(self, payload: BaseModel, *, division_code: str, actor: Actor | None, campaign_id: str | None = None,
                subject: str | None = None, topic: str | None = None, source: str | None = None) -> Envelope:
        if self._held is None:
            return super().publish(payload, division_code=division_code, actor=actor, campaign_id=campaign_id,
                                   subject=subject, topic=topic, source=source)
        # Each consumed event's span is a trace context of its own: headers per event.
        envelope, row = self._envelope_row(payload, division_code, actor, campaign_id, subject, topic, source,
                                           _json(outbox_headers()))
        self._held.append(row)
        return envelope

    async def write_published(self) -> None:
        """Run the held writes (``write_later``), then write the held events to the outbox, in the order they were
        published. A handler that reads what its batch wrote runs it first."""
        if self._later:
            later, self._later = self._later, []
            rows_of: dict[Any, list[dict[str, Any]]] = {}
            for statement, params in later:
                rows_of.setdefault(statement, []).append(params)
            for statement, rows in rows_of.items():
                await self.session.execute(statement, rows if len(rows) > 1 else rows[0])
        if self._held:
            rows, self._held = self._held, []
            await self.session.execute(_OUTBOX_ROWS, outbox_arrays(rows))

    def discard_published(self) -> None:
        """Forget the held events and writes: the savepoint they were made in was rolled back."""
        if self._held:
            self._held.clear()
        if self._later:
            self._later.clear()


# The relay's statements, built once. The first pending seqs in order (past the batch in flight, or from the first:
# a transaction that committed late), then each one's outbox row by its key. Written so that no statistics of the
# churning pending table can make it a join that scans or sorts the outbox: ``OFFSET 0`` keeps the lateral lookup
# a lookup (seen in EXPLAIN: a plain join became a hash join over the whole outbox, or a sort of every pending row).
# The headers come as their JSON text: rows of one request share them, and ``_send`` parses each distinct text once
# (the driver's JSON codec parsed every row's). The body comes as the UTF-8 bytes Kafka is sent: as text the driver
# decoded it and the relay encoded it again (a village's Chinese name makes it a wide string: ~a tenth of the relay).
_PENDING_ROWS = ("SELECT o.seq, o.event_id, o.topic, convert_to(o.key, 'UTF8') AS key, o.type, "
                 "convert_to(o.body, 'UTF8') AS body, "
                 "CAST(o.headers AS text) AS headers "
                 "FROM (SELECT seq FROM outbox_pending {where} ORDER BY seq LIMIT :limit) AS p "
                 "CROSS JOIN LATERAL (SELECT * FROM outbox WHERE outbox.seq = p.seq OFFSET 0) AS o ORDER BY p.seq")
_PENDING = text(_PENDING_ROWS.format(where=""))
_PENDING_AFTER = text(_PENDING_ROWS.format(where="WHERE seq > :after"))
_SENT = text("DELETE FROM outbox_pending WHERE seq = ANY(CAST(:seqs AS bigint[]))")


class OutboxRelay:
    """Publishes pending outbox rows to Kafka, in order, then takes them off ``outbox_pending``.

    Pipelined by one batch while full batches keep coming (a bulk import): the next batch is read and handed to the
    producer while the last one's acknowledgements come back, then the last one is marked sent. A batch that holds
    all that was pending (a request's few rows) is marked sent once acknowledged, and the relay sleeps until a commit
    wakes it (or ``poll_seconds`` pass: rows written by another process). Rows are sent in ``seq`` order
    through one idempotent producer, which keeps their order in each partition (per key).
    """

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], producer_factory: Callable[[], Any], *,
                 batch_size: int = 500, poll_seconds: float = 0.5):
        self._factory = session_factory
        self._engine = session_factory.kw["bind"]
        self._producer_factory = producer_factory   # an AIOKafkaProducer, not started (kafka.make_producer)
        self._batch_size = batch_size
        self._poll = poll_seconds
        self._wake = asyncio.Event()
        self._stopping = False
        self._partitions = _KeyPartitions()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        while not self._stopping:
            try:
                # One connection for as long as the lock is held: the lock belongs to the connection, and a session
                # of the pool hands its connection back at each commit (to a request, with the lock on it, while
                # the relay went on elsewhere and its unlock missed). In autocommit: each of its statements stands
                # alone (a read, a delete), and a BEGIN and a COMMIT around each were two round trips more.
                async with self._engine.connect() as connection, \
                        self._factory(bind=await connection.execution_options(isolation_level="AUTOCOMMIT")) as session:
                    if not (await session.execute(select(func.pg_try_advisory_lock(RELAY_LOCK_ID)))).scalar():
                        await self._sleep()  # another replica relays
                        continue
                    try:
                        await self._relay(session)
                    finally:
                        await session.execute(select(func.pg_advisory_unlock(RELAY_LOCK_ID)))
                        await session.commit()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay failed; retrying")
                await asyncio.sleep(2)

    async def _relay(self, session: AsyncSession) -> None:
        """While this relay holds the lock: read, send, and mark the batch sent before it, until stopped."""
        producer = self._producer_factory()
        await producer.start()
        in_flight: _Sending | None = None
        try:
            while not self._stopping:
                # The batch in flight is not marked yet: read past it. When nothing is in flight the
                # read starts again from the first unsent row (a transaction that committed late).
                rows = await self._unsent(session, after=in_flight.rows[-1].seq if in_flight else None)
                sending = await self._send(producer, rows) if rows else None
                if in_flight is not None:
                    await self._mark_sent(session, in_flight)
                if sending is not None and len(rows) < self._batch_size:
                    # Everything pending fit in this batch: mark it sent as soon as Kafka has it and wait for the
                    # next commit, instead of reading past it and then from the first row again (two empty reads
                    # per request's commit, seen: most of the relay's statements). The commits made meanwhile
                    # have set the wake-up, so they go out together in the next batch; the read after any sleep
                    # starts from the first unsent row, so a transaction that committed late is not passed over.
                    await self._mark_sent(session, sending)
                    sending = None
                    await self._sleep()
                elif sending is None and in_flight is None:
                    await self._sleep()
                in_flight = sending
        finally:
            await producer.stop()   # sends what it holds; rows not marked are sent again by the next relay

    async def _sleep(self) -> None:
        try:
            await asyncio.wait_for(self._wake.wait(), self._poll)
        except asyncio.TimeoutError:
            pass
        self._wake.clear()

    async def _unsent(self, session: AsyncSession, *, after: int | None) -> list:
        # Plain rows, not ORM objects, and a DELETE that does not look for them in the session:
        # both cost more than the publishing itself in a batch of thousands.
        if after is None:
            rows = (await session.execute(_PENDING, {"limit": self._batch_size})).all()
        else:
            rows = (await session.execute(_PENDING_AFTER, {"after": after, "limit": self._batch_size})).all()
        await session.commit()
        return rows

    async def _send(self, producer, rows: list) -> "_Sending":
        """Hand the rows to the producer as one record batch per partition (or a few when they fill one): a
        ``send`` per row cost more than the row (its own partitioning, metadata check and future to await).
        The acknowledgements are awaited later; within a partition the rows keep their ``seq`` order."""
        partitions: dict[tuple[str, int], list[tuple]] = {}
        topic_partitions: dict[str, list[int]] = {}
        for group in _same_origin(rows):
            first = group[0]
            if first.topic not in topic_partitions:
                topic_partitions[first.topic] = sorted(await producer.partitions_for(first.topic))
            stored_headers = json.loads(first.headers)
            # One publish span per run of rows from the same request (a province import is one
            # request of thousands of rows): a span per row cost more than sending the row.
            with tracer().start_as_current_span(
                f"{first.topic} publish", kind=SpanKind.PRODUCER, context=context_from_headers(stored_headers),
                attributes={"messaging.system": "kafka", "messaging.destination.name": first.topic,
                            "messaging.message.id": first.event_id, "messaging.batch.message_count": len(group),
                            "cloudevents.event_type": first.type},
            ):
                # The publish span becomes the consumers' parent; a run shares its headers.
                headers = [(name, value.encode()) for name, value in {**stored_headers, **current_trace_headers()}.items()]
            # A run is of one topic: its keys' partitions from one table, its records into that topic's lists.
            partition_of = self._partitions.table(first.topic, topic_partitions[first.topic])
            lists = [partitions.setdefault((first.topic, partition), []) for partition in topic_partitions[first.topic]]
            for row in group:
                lists[partition_of(row.key)].append((row.key, row.body, headers))
        futures = []
        for (topic, partition), records in partitions.items():
            if not records:
                continue
            batch = producer.create_batch()
            for key, value, headers in records:
                if batch.append(timestamp=None, key=key, value=value, headers=headers) is None:   # full: send it
                    futures.append(await producer.send_batch(batch, topic, partition=partition))
                    batch = producer.create_batch()
                    batch.append(timestamp=None, key=key, value=value, headers=headers)   # a batch takes its first
            futures.append(await producer.send_batch(batch, topic, partition=partition))
        return _Sending(rows, futures)

    async def _mark_sent(self, session: AsyncSession, sending: "_Sending") -> None:
        await asyncio.gather(*sending.futures)  # every message acknowledged by the broker
        metrics.EVENTS_PUBLISHED.inc(len(sending.rows))
        crash_point("relay.after_publish")
        await session.execute(_SENT, {"seqs": list(map(_SEQ, sending.rows))})
        await session.commit()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()


class _KeyPartitions:
    """The partition of a key, as the producer's default partitioner picks it (murmur2 of the key, as Java's
    client does, so every producer of the platform puts a village's events in the same partition); remembered
    per topic and partition count, for a village's events keep coming."""

    LIMIT = 200_000   # keys remembered, per topic (a province has ~55,000 divisions)

    def __init__(self) -> None:
        self._known: dict[tuple[str, int], dict[bytes, int]] = {}

    def of(self, topic: str, all_partitions: list[int], key: bytes) -> int:
        return all_partitions[self.table(topic, all_partitions)(key)]

    def table(self, topic: str, all_partitions: list[int]) -> Callable[[bytes], int]:
        """The index in ``all_partitions`` (sorted) of a key's partition, for many keys of one topic."""
        known = self._known.setdefault((topic, len(all_partitions)), {})
        count = len(all_partitions)

        def of(key: bytes) -> int:
            partition = known.get(key)
            if partition is None:
                if len(known) >= self.LIMIT:
                    known.clear()
                partition = known[key] = (murmur2(key) & 0x7FFFFFFF) % count
            return partition
        return of


_M = 0x5BD1E995
_MASK = 0xFFFFFFFF


def murmur2(data: bytes) -> int:
    """Kafka's murmur2 (Java's ``Utils.murmur2``, aiokafka's ``partitioner.murmur2``): the same hash, with the key read
    four bytes at a time by ``struct`` and no masking where Python's integers need none (aiokafka's pure-Python one
    was a quarter of the relay's CPU in an import, where every key is new)."""
    length = len(data)
    h = 0x9747B28C ^ length
    body = length & ~3
    for (k,) in _WORDS.iter_unpack(memoryview(data)[:body]):
        k = (k * _M) & _MASK
        k = ((k ^ (k >> 24)) * _M) & _MASK
        h = ((h * _M) & _MASK) ^ k
    extra = length & 3
    if extra:
        if extra >= 3:
            h ^= data[body + 2] << 16
        if extra >= 2:
            h ^= data[body + 1] << 8
        h = ((h ^ data[body]) * _M) & _MASK
    h = ((h ^ (h >> 13)) * _M) & _MASK
    return h ^ (h >> 15)


_WORDS = struct.Struct("<I")


@dataclass
class _Sending:
    """A batch handed to the producer, not yet marked sent."""
    rows: list
    futures: list


def _same_origin(rows: list) -> list[list]:
    """Consecutive rows of one topic and one type written under the same trace context (the same headers' text),
    together."""
    return [list(group) for _, group in groupby(rows, key=_ORIGIN)]


_SEQ = itemgetter(0)
_ORIGIN = itemgetter(2, 4, 6)   # a pending row's topic, type and headers (by position: a row's names cost more)
