"""Rebuild the read model from the start of the topics (``POST /admin/rebuild`` or
``zhengdun-reporting rebuild``).

In ONE database transaction: empty the read-model tables, forget the inbox entries of the
event types that feed them, read every partition of those topics from offset 0 up to the end offsets
seen at the start (manual assignment: no consumer group, so the live consumer's offsets are
untouched), apply each event with the same handlers the live consumer uses, record it in the
inbox, commit. The public stream is not republished. While it runs, the live consumer waits on
the table locks; a batch it had begun fails on the inbox and is redelivered, then skipped.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DBAPIError

from reporting import models as m
from reporting import subscribers
from reporting.public import republishing
from zhengdun.clock import clock_handlers
from zhengdun.events.base import Envelope, UnknownEventType
from zhengdun.messaging.consumer import RejectedEvent
from zhengdun.messaging.inbox import InboxMessage
from zhengdun.messaging.outbox import InboxWork
from zhengdun.messaging.replay import read_all
from zhengdun.registry import division_handlers

log = logging.getLogger("reporting.rebuild")


async def rebuild_read_model(runtime, attempts: int = 3) -> dict[str, Any]:
    for attempt in range(1, attempts + 1):
        try:
            return await _rebuild_once(runtime)
        except DBAPIError as exc:  # a deadlock with the live consumer: PostgreSQL aborted us, try again
            if attempt == attempts or "deadlock" not in str(exc).lower():
                raise
            log.warning("rebuild attempt %s hit a deadlock; retrying", attempt)
            await asyncio.sleep(1)
    raise AssertionError("unreachable")


async def _rebuild_once(runtime) -> dict[str, Any]:
    started = time.perf_counter()
    topics = [runtime.topics.of(s) for s in subscribers.TOPICS]
    handlers = subscribers.handlers
    # Only the read model is rebuilt: the division and clock copies are shared infrastructure, kept as they are.
    types = [t for t in handlers.types if t not in division_handlers.types and t not in clock_handlers.types]
    token = republishing.set(False)
    applied = rejected = 0
    try:
        async with runtime.session_factory() as session:
            async with session.begin():
                await session.execute(text("TRUNCATE " + ", ".join(m.READ_MODEL_TABLES)))
                await session.execute(text("DELETE FROM inbox WHERE type = ANY(:t)"), {"t": types})
                records = await read_all(runtime.settings.kafka_bootstrap, topics)
                inbox_rows = []
                for record in records:
                    try:
                        envelope = Envelope.model_validate(json.loads(record.value))
                    except (ValueError, ValidationError):
                        continue
                    if envelope.type not in types:
                        continue
                    handler = handlers.handler_for(envelope.type)
                    outcome = "applied"
                    try:
                        async with session.begin_nested():
                            await handler(InboxWork(session, runtime.topic, runtime.source), envelope)
                        applied += 1
                    except (RejectedEvent, ValidationError, UnknownEventType, ValueError):
                        outcome = "dead-lettered"  # as the live consumer would have
                        rejected += 1
                    inbox_rows.append({"event_id": envelope.id, "type": envelope.type, "topic": record.topic,
                                       "trace_id": None, "outcome": outcome})
                for start in range(0, len(inbox_rows), 5000):
                    await session.execute(insert(InboxMessage).on_conflict_do_nothing(),
                                          inbox_rows[start:start + 5000])
    finally:
        republishing.reset(token)
    return {"topics": topics, "records": len(records), "applied": applied, "rejected": rejected,
            "seconds": round(time.perf_counter() - started, 2)}
