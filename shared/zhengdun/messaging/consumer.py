"""Inbox-guarded Kafka consumers.

A service declares which event types it handles (``EventHandlers``); ``subscribe`` wires a
FastStream batch subscriber that, for each batch, in ONE database transaction:
  - claims the batch's event ids in the inbox (one insert that skips the ids it already holds:
    redelivery changes nothing);
  - applies the newly claimed events, all in one savepoint; a run of
    consecutive events of a type with a batch handler (``EventHandlers.on_batch``, e.g. the
    registry's ``DivisionUpserted``) is applied at its place in the batch by one call (set-based);
  - only when an event is rejected, replays the batch with each event (or run) in a savepoint of
    its own, so that the others still apply;
  - sends an event that cannot be applied to the dead-letter topic through the outbox, with the
    reason, and records it as dead-lettered;
then commits, and only then are the Kafka offsets committed. A crash anywhere before the
commit redelivers the batch; a crash after it redelivers events the inbox already holds.

Each handler is handed that transaction as a unit of work (``InboxWork``: its session, publishing to the
service's own topic through the outbox), so it calls the same use cases the HTTP routes call.

Errors are classified (``is_transient``): a failure of the infrastructure (database or network
down, a deadlock, a serialization conflict) aborts the batch, which is redelivered after a growing
backoff (metric ``zhengdun_events_retried_total``) — nothing is skipped, so the order per village
(per partition key) holds. Any other error a handler raises (a rejection, a bad payload, or a
domain error its subscriber forgot to turn into a rejection) is permanent: retrying could never
succeed and would hold the partition up forever, so that event is dead-lettered with the reason
and the events behind it flow on in their order.
"""
from __future__ import annotations

import asyncio
import gc
import logging
from dataclasses import dataclass
from itertools import groupby
from collections.abc import Awaitable, Callable

from faststream import AckPolicy
from faststream._internal.utils.path import match_path
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from opentelemetry.trace import SpanKind, Status, StatusCode
from pydantic import ValidationError
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from zhengdun import metrics
from zhengdun.events.base import Envelope, UnknownEventType
from zhengdun.faults import crash_point
from zhengdun.messaging.outbox import InboxWork, add_envelope
from zhengdun.refusals import Refusal
from zhengdun.telemetry import context_from_headers, trace_id_hex, tracer

log = logging.getLogger("zhengdun.consumer")
# A handler gets the inbox transaction's unit of work (publishing on the service's own topic), so it
# calls the same use cases HTTP routes call.
Handler = Callable[[InboxWork, Envelope], Awaitable[None]]
# A batch handler applies consecutive events of one type at once (in their order: for one key the
# later event wins), with the same effect as the type's ordinary handler applied to each in turn.
BatchHandler = Callable[[InboxWork, list[Envelope]], Awaitable[None]]


class RejectedEvent(Exception):
    """Raised by a handler for an event that can never be applied: it goes to the dead-letter topic."""


# SQLSTATE classes of failures that go away by themselves: connection (08), resources (53),
# operator intervention such as a restart (57), system errors (58), and serialization failure /
# deadlock (40001, 40P01).
_TRANSIENT_SQLSTATE_CLASSES = ("08", "53", "57", "58")
_TRANSIENT_SQLSTATES = ("40001", "40P01")


def is_transient(exc: BaseException) -> bool:
    """True for infrastructure failures worth retrying; False for errors no retry can fix."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, (ConnectionError, TimeoutError, asyncio.TimeoutError, OSError)):
            return True
        if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
            return True
        if isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError,
                            sa_exc.TimeoutError)):
            return True
        sqlstate = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
        if isinstance(sqlstate, str) and (sqlstate in _TRANSIENT_SQLSTATES or sqlstate[:2] in _TRANSIENT_SQLSTATE_CLASSES):
            return True
        if type(exc).__module__.startswith("asyncpg") and type(exc).__name__ in (
                "ConnectionDoesNotExistError", "InterfaceError", "InternalClientError", "ConnectionFailureError"):
            return True
        exc = getattr(exc, "orig", None) or exc.__cause__ or exc.__context__
        seen += 1
    return False


class Backoff:
    """Delays between redeliveries of a failing batch: 0.5 s doubling up to a cap; reset by a success."""

    def __init__(self, first: float = 0.5, cap: float = 30.0):
        self.first, self.cap, self.failures = first, cap, 0

    def next_delay(self) -> float:
        self.failures += 1
        return min(self.cap, self.first * 2 ** (self.failures - 1))

    def reset(self) -> None:
        self.failures = 0


class EventHandlers:
    """Event type → handler, for one service; optionally also → batch handler."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}
        self._batch_handlers: dict[str, BatchHandler] = {}

    def on(self, *event_types: str):
        def register(handler: Handler) -> Handler:
            for event_type in event_types:
                self._handlers[event_type] = handler
            return handler
        return register

    def on_batch(self, *event_types: str):
        """The set-based form of a type's handler, used for runs of its events in a consumed batch.
        The ordinary handler (``on``) stays the one for a rejected batch's replay and dead letters."""
        def register(handler: BatchHandler) -> BatchHandler:
            for event_type in event_types:
                self._batch_handlers[event_type] = handler
            return handler
        return register

    def include(self, other: "EventHandlers") -> None:
        self._handlers.update(other._handlers)
        self._batch_handlers.update(other._batch_handlers)

    def handler_for(self, event_type: str) -> Handler | None:
        return self._handlers.get(event_type)

    def batch_handler_for(self, event_type: str) -> BatchHandler | None:
        return self._batch_handlers.get(event_type) if event_type in self._handlers else None

    @property
    def types(self) -> list[str]:
        return sorted(self._handlers)


def subscribe(
    broker: KafkaBroker,
    *,
    topics: list[str],
    group_id: str,
    session_factory: async_sessionmaker[AsyncSession],
    handlers: EventHandlers,
    deadletter_topic: str,
    topic: str,
    source: str,
    on_outbox_write: Callable[[], None] | None = None,
    batch_size: int = 500,
):
    async def apply_batch(bodies: list, message: KafkaMessage) -> None:
        records = message.raw_message if isinstance(message.raw_message, tuple) else (message.raw_message,)
        async with session_factory() as session:
            async with session.begin():
                # The events the handlers publish are held and written to the outbox in one statement before
                # the savepoint they belong to is left (forgotten when it is rolled back).
                work = InboxWork(session, topic, source, held=True)
                todo = await _claim_new_events(session, records, handlers)
                steps = batch_steps(todo, handlers)
                # Optimistic: the whole batch in one savepoint. Only when an event is rejected is
                # the batch replayed step by step, each in a savepoint of its own, so the others
                # still apply and the bad one is dead-lettered.
                try:
                    async with session.begin_nested():
                        outcomes = [o for step in steps for o in await _apply_step(work, step, group_id, handlers, isolate=False)]
                        await _write_published(work)
                except _Rejected:
                    work.discard_published()
                    outcomes = [o for step in steps for o in await _apply_step(work, step, group_id, handlers, isolate=True)]
                dead = [(item, outcome) for item, outcome in zip(todo, outcomes) if outcome.error]
                for (record, envelope, _, headers), outcome in dead:
                    _dead_letter(session, record, headers, outcome.error, deadletter_topic, source)
                    metrics.EVENTS_DEADLETTERED.inc()
                    log.warning("dead-lettered %s from %s: %s", outcome.event_id, record.topic, outcome.error)
                # The inbox rows were claimed as applied, under the trace their headers named: only a row that
                # turned out otherwise (dead-lettered, or its span began a trace of its own) is written again.
                amended = [o for item, o in zip(todo, outcomes) if o.error or o.trace_id != _trace_id_of(item[3])]
                if amended:
                    await session.execute(AMEND_INBOX, {
                        "event_ids": [o.event_id for o in amended], "trace_ids": [o.trace_id for o in amended],
                        "outcomes": ["dead-lettered" if o.error else "applied" for o in amended]})
                crash_point("inbox.before_commit")
        crash_point("inbox.after_commit")
        if dead and on_outbox_write:
            on_outbox_write()

    backoff = Backoff()

    async def consume(bodies: list, message: KafkaMessage) -> None:
        # No cyclic garbage collection while a batch is decoded and applied: its thousands of envelopes, all alive
        # until its end and freed by their reference counts then, set off collections that walked them again and
        # again (measured on a batch of 2,000 registry events: a sixth to two fifths of decoding and validating).
        collecting = gc.isenabled()
        gc.disable()
        try:
            try:
                await apply_batch(bodies, message)
            finally:
                if collecting:
                    gc.enable()
        except Exception as exc:
            # Transient, or a failure outside any handler (the inbox itself): the whole batch is
            # redelivered, in order, after a growing pause (do not spin on a database that is down).
            kind = "transient" if is_transient(exc) else "unexpected"
            metrics.EVENTS_RETRIED.labels(group_id, kind).inc()
            delay = backoff.next_delay()
            log.warning("batch from %s failed (%s: %s: %s); redelivered in %.1f s",
                        topics, kind, type(exc).__name__, str(exc)[:300], delay, exc_info=kind != "transient")
            await asyncio.sleep(delay)
            raise
        backoff.reset()
        metrics.EVENT_BATCHES.labels(group_id).inc()
        metrics.EVENTS_CONSUMED.labels(group_id).inc(len(message.raw_message) if isinstance(message.raw_message, tuple) else 1)

    return broker.subscriber(
        *topics, group_id=group_id, batch=True, max_records=batch_size, auto_offset_reset="earliest",
        parser=records_as_they_came, decoder=undecoded_values, max_partition_fetch_bytes=FETCH_BYTES_PER_PARTITION,
        batch_timeout_ms=IDLE_POLL_MS,
        ack_policy=AckPolicy.NACK_ON_ERROR, title=f"{group_id}:events",
        description="Inbox-guarded consumer of: " + ", ".join(handlers.types),
    )(consume)


class _Rejected(Exception):
    pass


async def _write_published(work: InboxWork) -> None:
    """The optimistic batch's held events written; refused (as an event's own statement would be), the batch is
    replayed event by event, each writing its own."""
    try:
        await work.write_published()
    except Exception as exc:
        if is_transient(exc):
            raise
        raise _Rejected() from exc


@dataclass
class _Outcome:
    event_id: str
    trace_id: str
    error: str | None = None


# The batch's inbox rows in one statement of five arrays (a VALUES row per event would cost more to build, bind
# and plan than the rows themselves in a batch of thousands), written before the events are applied: the ids it
# returns are the events not applied before. One statement both checks and records, instead of a look-up of the
# ids and an insert after (two index descents per event). Another transaction holding one of these ids (a consumer
# of the same group during a rebalance) makes it wait for that one's end: then the id is taken, and skipped here.
CLAIM_IN_INBOX = text(
    "INSERT INTO inbox (event_id, type, topic, trace_id, outcome) "
    "SELECT * FROM unnest(CAST(:event_ids AS text[]), CAST(:types AS text[]), CAST(:topics AS text[]), "
    "CAST(:trace_ids AS text[]), CAST(:outcomes AS text[])) "
    "ON CONFLICT (event_id) DO NOTHING RETURNING event_id"
)
# The same claim for a batch whose events are all envelopes of one type from one topic (a run of an import, most
# batches): those three columns as one value each, not an array element per event to encode and unnest.
CLAIM_UNIFORM_IN_INBOX = text(
    "INSERT INTO inbox (event_id, type, topic, trace_id, outcome) "
    "SELECT event_id, CAST(:type AS text), CAST(:topic AS text), trace_id, 'applied' "
    "FROM unnest(CAST(:event_ids AS text[]), CAST(:trace_ids AS text[])) AS c (event_id, trace_id) "
    "ON CONFLICT (event_id) DO NOTHING RETURNING event_id"
)
# The claimed rows whose outcome or trace is not what the claim said (a dead letter, mostly).
AMEND_INBOX = text(
    "UPDATE inbox SET trace_id = a.trace_id, outcome = a.outcome "
    "FROM unnest(CAST(:event_ids AS text[]), CAST(:trace_ids AS text[]), CAST(:outcomes AS text[])) "
    "AS a (event_id, trace_id, outcome) WHERE inbox.event_id = a.event_id"
)
# A fetch brings up to this much of each partition: a batch of ``max_records`` events (~700 bytes each)
# in one round trip rather than aiokafka's 1 MiB default.
FETCH_BYTES_PER_PARTITION = 4 * 1024 * 1024
# An idle consumer asks for records this often (FastStream then also pauses as long when none came): the
# first event of a burst waits at most ~2 × this, not 400 ms.
IDLE_POLL_MS = 50


async def records_as_they_came(records: tuple, parse_batch) -> KafkaMessage:
    """FastStream's message of a batch (what acknowledges it, with its consumer) around the records as aiokafka gave
    them, with the first record's headers as its own: FastStream's parser (``parse_batch``, whose class and consumer
    this takes) also made a dict of every record's headers and a list of their values, which nothing here reads —
    ``_claim_new_events`` decodes each distinct set of headers once per batch."""
    parser = parse_batch.__self__
    first = records[0]
    headers = {name: value.decode() for name, value in first.headers}
    return parser.msg_class(
        body=(), headers=headers, content_type=headers.get("content-type"),
        message_id=f"{first.offset}-{records[-1].offset}-{first.timestamp}", raw_message=records,
        path=match_path(parser.regex, first.topic), consumer=parser._consumer)


async def undecoded_values(message: KafkaMessage) -> list[bytes]:
    """The batch's message values as they came: ``_decode`` parses each once (FastStream's own decoder
    would build a message object per record first)."""
    return [record.value for record in message.raw_message]


async def _claim_new_events(session, records, handlers: EventHandlers) -> list[tuple]:
    """(record, envelope, event id, headers) of the events this service must still apply, each claimed in the
    inbox (``CLAIM_IN_INBOX``): as applied, or as dead-lettered when it is no envelope at all."""
    candidates, ids = [], set()
    # The rows of one request are relayed with the same headers: each distinct set is decoded once per batch.
    decoded_headers: dict[tuple, dict[str, str]] = {}
    for record in records:
        envelope, error = _decode(record)[1:]
        if envelope is not None and handlers.handler_for(envelope.type) is None:
            continue  # not an event this service cares about
        event_id = envelope.id if envelope else _record_id(record)
        if event_id in ids:
            metrics.EVENTS_DUPLICATE.inc()
            continue
        ids.add(event_id)
        raw = tuple(record.headers or ())
        headers = decoded_headers.get(raw)
        if headers is None:
            headers = decoded_headers[raw] = {k: v.decode(errors="replace") for k, v in raw}
        candidates.append((record, envelope if error is None else None, event_id, headers))
    if not candidates:
        return []
    event_ids = [event_id for _, _, event_id, _ in candidates]
    # A run of one request's rows shares its headers: its trace id is read once.
    trace_ids, trace_of = [], {}
    for _, _, _, headers in candidates:
        trace_id = trace_of.get(id(headers))
        if trace_id is None:
            trace_id = trace_of[id(headers)] = _trace_id_of(headers)
        trace_ids.append(trace_id)
    first_record, first_envelope = candidates[0][0], candidates[0][1]
    if first_envelope is not None and all(envelope is not None and envelope.type == first_envelope.type
                                          and record.topic == first_record.topic
                                          for record, envelope, _, _ in candidates):
        claim = session.execute(CLAIM_UNIFORM_IN_INBOX, {
            "event_ids": event_ids, "trace_ids": trace_ids, "type": first_envelope.type, "topic": first_record.topic})
    else:
        claim = session.execute(CLAIM_IN_INBOX, {
            "event_ids": event_ids, "types": [envelope.type if envelope else "?" for _, envelope, _, _ in candidates],
            "topics": [record.topic for record, _, _, _ in candidates], "trace_ids": trace_ids,
            "outcomes": ["applied" if envelope else "dead-lettered" for _, envelope, _, _ in candidates]})
    claimed = set((await claim).scalars())
    if len(claimed) < len(candidates):
        metrics.EVENTS_DUPLICATE.inc(len(candidates) - len(claimed))
    return [item for item in candidates if item[2] in claimed]


def _trace_id_of(headers: dict[str, str]) -> str:
    """The trace a consumer span started under these headers belongs to: the ``traceparent``'s (W3C:
    ``version-traceid-spanid-flags``); without a valid one the span begins its own, and its inbox row is amended."""
    parts = headers.get("traceparent", "").split("-")
    return parts[1] if len(parts) == 4 and len(parts[1]) == 32 else ""


def batch_steps(todo: list[tuple], handlers: EventHandlers) -> list[list[tuple]]:
    """The batch cut into the steps it is applied in, in its order: each run of consecutive events
    of one type with a batch handler, published under one span (one request's rows relayed
    together), is one step; any other event is a step of its own. Applying a run at its place keeps
    the order of the events of one key (they are in one partition), and its one span continues the
    trace of each of its events."""
    def run_of(item: tuple):
        _, envelope, _, headers = item
        if envelope is not None and handlers.batch_handler_for(envelope.type) is not None:
            return envelope.type, headers.get("traceparent")
        return object()   # a step of its own: equal to no other key

    return [list(step) for _, step in groupby(todo, key=run_of)]


async def _apply_step(work: InboxWork, step: list[tuple], group_id: str, handlers: EventHandlers, *,
                      isolate: bool) -> list[_Outcome]:
    if len(step) == 1:
        return [await _apply(work, step[0], group_id, handlers, isolate=isolate)]
    try:
        if isolate:
            async with work.session.begin_nested():
                outcomes = await _apply_run(work, step, group_id, handlers)
                await work.write_published()
                return outcomes
        return await _apply_run(work, step, group_id, handlers)
    except Exception as exc:
        if is_transient(exc):
            raise
        if not isolate:
            raise _Rejected() from exc
        work.discard_published()
        # The run as one was refused: each of its events alone, so only the bad one is dead-lettered.
        return [await _apply(work, item, group_id, handlers, isolate=True) for item in step]


async def _apply_run(work: InboxWork, run: list[tuple], group_id: str, handlers: EventHandlers) -> list[_Outcome]:
    """Apply a run of events of one type by its batch handler, in ONE span continuing their common
    publish span (a span per event would cost more than the event)."""
    record, envelope, _, headers = run[0]
    with tracer().start_as_current_span(
        f"{record.topic} process", kind=SpanKind.CONSUMER, context=context_from_headers(headers),
        attributes={"messaging.system": "kafka", "messaging.destination.name": record.topic,
                    "messaging.consumer.group.name": group_id, "messaging.batch.message_count": len(run),
                    "cloudevents.event_type": envelope.type},
    ) as span:
        await handlers.batch_handler_for(envelope.type)(work, [item[1] for item in run])
    metrics.EVENTS_APPLIED.labels(envelope.type).inc(len(run))
    trace_id = trace_id_hex(span)
    return [_Outcome(event_id, trace_id) for _, _, event_id, _ in run]


async def _apply(work: InboxWork, item, group_id: str, handlers: EventHandlers, *, isolate: bool) -> _Outcome:
    """Apply one event inside a span that continues the producer's trace.

    With ``isolate`` the event gets its own savepoint and a rejection becomes the outcome;
    without, a rejection raises ``_Rejected`` so the caller can replay the batch isolated.
    """
    record, envelope, event_id, headers = item
    with tracer().start_as_current_span(
        f"{record.topic} process", kind=SpanKind.CONSUMER, context=context_from_headers(headers),
        attributes={"messaging.system": "kafka", "messaging.destination.name": record.topic,
                    "messaging.consumer.group.name": group_id, "messaging.message.id": event_id,
                    "cloudevents.event_type": envelope.type if envelope else ""},
    ) as span:
        outcome = _Outcome(event_id, trace_id_hex(span))
        if envelope is None:
            outcome.error = "not a valid CloudEvents envelope: " + _decode(record)[2].split(": ", 1)[-1]
        else:
            try:
                if isolate:
                    async with work.session.begin_nested():
                        await handlers.handler_for(envelope.type)(work, envelope)
                        await work.write_published()
                else:
                    await handlers.handler_for(envelope.type)(work, envelope)
                metrics.EVENTS_APPLIED.labels(envelope.type).inc()
            except Exception as exc:
                if is_transient(exc):
                    raise  # the batch is redelivered: no event is skipped, the order holds
                # Permanent (a rejection, a bad payload, or a domain error the subscriber did not
                # turn into one): retrying would stall the partition forever, so it is dead-lettered.
                if not isolate:
                    raise _Rejected() from exc
                work.discard_published()
                outcome.error = f"{type(exc).__name__}: {exc}"
                if not isinstance(exc, (RejectedEvent, Refusal, ValidationError, UnknownEventType, ValueError)):
                    log.error("handler of %s raised %s (dead-lettered)", envelope.type, type(exc).__name__, exc_info=exc)
        if outcome.error:
            span.set_status(Status(StatusCode.ERROR, outcome.error))
        return outcome


def _decode(record) -> tuple:
    try:
        return record, Envelope.model_validate_json(record.value), None
    except (ValueError, ValidationError) as exc:
        return record, None, f"not a valid CloudEvents envelope: {exc}"


def _record_id(record) -> str:
    return f"{record.topic}:{record.partition}:{record.offset}"


def _dead_letter(session, record, headers: dict, reason: str, deadletter_topic: str, source: str) -> None:
    """The failed message, unchanged, with why it failed — through the outbox, so it is not lost."""
    try:
        envelope = Envelope.model_validate_json(record.value)
    except (ValueError, ValidationError):
        envelope = Envelope(source=source, type="zhengdun.deadletter.unparseable.v1", divisioncode=(record.key or b"").decode(errors="replace") or "000000000000",
                            data={"raw": record.value.decode(errors="replace")[:10000]})
    add_envelope(session, deadletter_topic, envelope.model_copy(update={"id": f"dlt:{envelope.id}:{source}"}), {
        "dlt_reason": reason[:2000], "dlt_original_topic": record.topic,
        "dlt_original_partition": str(record.partition), "dlt_original_offset": str(record.offset),
        "dlt_consumer": source,
    })
