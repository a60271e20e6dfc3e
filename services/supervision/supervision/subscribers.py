"""Kafka subscribers of the supervision service: thin — each decodes its event and calls the service
layer (``projection``) with the inbox transaction's unit of work (see zhengdun.messaging.consumer).

TOPICS names the services whose topics this one consumes.
"""
from __future__ import annotations

from supervision import projection
from zhengdun.events import screening as sc
from zhengdun.events.base import Envelope
from zhengdun.events.clock import ClockAdvanced
from zhengdun.messaging.consumer import EventHandlers
from zhengdun.messaging.outbox import InboxWork
from zhengdun.registry import division_handlers

TOPICS: list[str] = ["screening", "casework", "acceptance"]
handlers = EventHandlers()
handlers.include(division_handlers)  # every service keeps its own copy of the division tree


def _decoding(project):
    async def handle(work: InboxWork, envelope: Envelope) -> None:
        await projection.apply(work, project, envelope.payload(), envelope)
    return handle


for event_model, project in projection.PROJECTIONS.items():
    handlers.on(event_model.event_type)(_decoding(project))


@handlers.on(ClockAdvanced.event_type)
async def clock_advanced(work: InboxWork, envelope: Envelope) -> None:
    await projection.day_began(work, envelope.payload())


@handlers.on(sc.TownshipListReturned.event_type)
async def township_list_returned(work: InboxWork, envelope: Envelope) -> None:
    await projection.list_returned(work, envelope.payload(), envelope)
