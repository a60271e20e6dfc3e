"""Kafka subscribers of the reporting service: thin — each decodes its event and calls its projection
(``projection``) with the inbox transaction's unit of work (see zhengdun.messaging.consumer).

TOPICS names the services whose topics this one consumes.
"""
from __future__ import annotations

from reporting.projection import PROJECTIONS
from zhengdun.events.base import Envelope
from zhengdun.messaging.consumer import EventHandlers
from zhengdun.messaging.outbox import InboxWork
from zhengdun.registry import division_handlers

TOPICS: list[str] = ["screening", "casework", "supervision", "acceptance"]
handlers = EventHandlers()
handlers.include(division_handlers)  # every service keeps its own copy of the division tree


def _decoding(project):
    async def handle(work: InboxWork, envelope: Envelope) -> None:
        await project(work, envelope.payload(), envelope)
    return handle


for event_model, project in PROJECTIONS.items():
    handlers.on(event_model.event_type)(_decoding(project))
