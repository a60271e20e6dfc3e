"""Dead letters an operator can act on: list them, and replay one or all after a fix.

A consumer that cannot apply an event records it in its inbox as ``dead-lettered`` and writes
the event, unchanged, with the reason and where it came from (``dlt_*`` headers), to the
dead-letter topic through its own outbox (zhengdun.messaging.consumer). So each service's
database already holds its own dead letters: the outbox rows on the dead-letter topic, and the
inbox row of each that says whether it is still waiting.

Replaying applies the original event with the service's handler, in one transaction that first
locks the event's inbox row and proceeds only while it still says ``dead-lettered``; success
turns it into ``applied``. Two replays at once, or a replay racing a redelivery, therefore apply
the event at most once, and a replay that fails again changes nothing but the recorded reason.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from opentelemetry.trace import SpanKind, Status, StatusCode
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from zhengdun.events.base import Envelope
from zhengdun.messaging.consumer import EventHandlers, is_transient
from zhengdun.messaging.inbox import InboxMessage
from zhengdun.messaging.outbox import InboxWork, OutboxMessage
from zhengdun.telemetry import context_from_headers, tracer

UNPARSEABLE = "zhengdun.deadletter.unparseable.v1"  # the consumer's wrapper for a record that is no envelope
WAITING, REPLAYED = "waiting", "replayed"


@dataclass
class DeadLetterRecord:
    id: int  # the outbox row that carried it to the dead-letter topic: stable, per service
    event_id: str  # the original event's id (the inbox key)
    event_type: str
    division_code: str
    reason: str
    original_topic: str
    original_partition: int
    original_offset: int
    consumer: str
    dead_lettered_at: datetime
    status: str
    replayed_at: datetime | None
    last_replay_error: str | None
    trace_id: str | None


def reason_class(reason: str) -> str:
    """The kind of a reason, for metrics: ``ValidationError``, ``RejectedEvent``, ``not a valid CloudEvents envelope``."""
    return (reason or "?").split(":", 1)[0][:80]


def original_event_id(row: OutboxMessage) -> str:
    """The inbox key of the event a dead-letter row carries (see consumer._dead_letter)."""
    headers = row.headers or {}
    if row.type == UNPARSEABLE:
        return f"{headers.get('dlt_original_topic')}:{headers.get('dlt_original_partition')}:{headers.get('dlt_original_offset')}"
    # "dlt:<original id>:<consumer source>"; the source is a path, without colons.
    return row.event_id.removeprefix("dlt:").rsplit(":", 1)[0]


def _trace_id(headers: dict) -> str | None:
    parts = (headers.get("traceparent") or "").split("-")
    return parts[1] if len(parts) == 4 else None


class DeadLetterBook:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession], handlers: EventHandlers, deadletter_topic: str,
                 group_id: str, *, topic: str, source: str, on_outbox_write=None):
        self._factory = session_factory
        self._handlers = handlers
        self.topic = deadletter_topic
        self._group = group_id
        self._topic, self._source = topic, source  # the service's own: a replayed handler publishes there
        self._on_outbox_write = on_outbox_write

    async def _rows(self, session: AsyncSession, letter_id: int | None = None) -> list[tuple[OutboxMessage, InboxMessage | None]]:
        query = select(OutboxMessage).where(OutboxMessage.topic == self.topic).order_by(OutboxMessage.seq)
        if letter_id is not None:
            query = query.where(OutboxMessage.seq == letter_id)
        rows = (await session.execute(query)).scalars().all()
        ids = [original_event_id(r) for r in rows]
        inbox = {i.event_id: i for i in (await session.execute(
            select(InboxMessage).where(InboxMessage.event_id.in_(ids)))).scalars()} if ids else {}
        return [(r, inbox.get(i)) for r, i in zip(rows, ids)]

    @staticmethod
    def _record(row: OutboxMessage, inbox: InboxMessage | None) -> DeadLetterRecord:
        headers = row.headers or {}
        replayed = inbox is not None and inbox.outcome != "dead-lettered"
        event_type = row.type
        if event_type != UNPARSEABLE:
            event_type = json.loads(row.body).get("type", row.type)
        return DeadLetterRecord(
            id=row.seq, event_id=original_event_id(row), event_type=event_type, division_code=row.key,
            reason=headers.get("dlt_reason", ""), original_topic=headers.get("dlt_original_topic", ""),
            original_partition=int(headers.get("dlt_original_partition", -1)),
            original_offset=int(headers.get("dlt_original_offset", -1)), consumer=headers.get("dlt_consumer", ""),
            dead_lettered_at=row.created_at, status=REPLAYED if replayed else WAITING,
            replayed_at=datetime.fromisoformat(headers["dlt_replayed_at"]) if headers.get("dlt_replayed_at") else None,
            last_replay_error=headers.get("dlt_last_replay_error"), trace_id=_trace_id(headers),
        )

    async def list(self, status: str | None = None) -> list[DeadLetterRecord]:
        async with self._factory() as session:
            records = [self._record(r, i) for r, i in await self._rows(session)]
        return [r for r in records if status is None or r.status == status]

    async def get(self, letter_id: int) -> DeadLetterRecord | None:
        async with self._factory() as session:
            found = await self._rows(session, letter_id)
        return self._record(*found[0]) if found else None

    async def waiting_by_reason(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for record in await self.list(WAITING):
            key = reason_class(record.reason)
            counts[key] = counts.get(key, 0) + 1
        return counts

    async def replay(self, letter_id: int) -> tuple[str, str | None]:
        """Apply the dead letter's event once more: ("applied" | "already-replayed" | "failed", reason)."""
        async with self._factory() as session:
            async with session.begin():
                row = (await session.execute(select(OutboxMessage).where(
                    OutboxMessage.seq == letter_id, OutboxMessage.topic == self.topic))).scalar_one_or_none()
                if row is None:
                    raise LookupError(letter_id)
                event_id = original_event_id(row)
                inbox = (await session.execute(select(InboxMessage).where(InboxMessage.event_id == event_id)
                                               .with_for_update())).scalar_one_or_none()
                if inbox is None or inbox.outcome != "dead-lettered":
                    return "already-replayed", None
                error = await self._apply(session, row, event_id)
                now = datetime.now(timezone.utc).isoformat()
                headers = dict(row.headers or {})
                if error:
                    headers.update(dlt_last_replay_error=error[:2000], dlt_last_replay_at=now)
                else:
                    headers.update(dlt_replayed_at=now)
                    await session.execute(update(InboxMessage).where(InboxMessage.event_id == event_id)
                                          .values(outcome="applied", applied_at=datetime.now(timezone.utc)))
                await session.execute(update(OutboxMessage).where(OutboxMessage.seq == row.seq).values(headers=headers))
        if not error and self._on_outbox_write:
            self._on_outbox_write()  # the handler may have written events
        return ("failed", error) if error else ("applied", None)

    async def _apply(self, session: AsyncSession, row: OutboxMessage, event_id: str) -> str | None:
        """The handler's reason for refusing the event again, or None when it applied (in a savepoint)."""
        with tracer().start_as_current_span(
            f"{row.headers.get('dlt_original_topic', '')} replay", kind=SpanKind.CONSUMER,
            context=context_from_headers(row.headers or {}),
            attributes={"messaging.system": "kafka", "messaging.consumer.group.name": self._group,
                        "messaging.message.id": event_id, "zhengdun.deadletter.id": row.seq},
        ) as span:
            if row.type == UNPARSEABLE:
                error = "not a valid CloudEvents envelope: the record cannot be replayed"
            else:
                envelope = Envelope.model_validate(json.loads(row.body)).model_copy(update={"id": event_id})
                handler = self._handlers.handler_for(envelope.type)
                error = None
                if handler is None:
                    error = f"UnknownEventType: this service handles no {envelope.type}"
                else:
                    try:
                        async with session.begin_nested():
                            await handler(InboxWork(session, self._topic, self._source), envelope)
                    except Exception as exc:
                        if is_transient(exc):
                            raise  # the database is away: nothing changed, try again later
                        error = f"{type(exc).__name__}: {exc}"  # as the consumer would dead-letter it
            if error:
                span.set_status(Status(StatusCode.ERROR, error))
            return error
