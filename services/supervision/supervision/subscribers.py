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
from zhengdun.registry import DivisionUpserted, apply_division_upserted, apply_divisions_upserted, division_handlers

TOPICS: list[str] = ["screening", "casework", "acceptance"]
handlers = EventHandlers()
handlers.include(division_handlers)  # every service keeps its own copy of the division tree


# A township's villages are facts of the township list rules, judged by no division event: after a change of the
# tree every event judges every rule again (as before the event → rules map) until the clock's next whole evaluation.
@handlers.on(DivisionUpserted.event_type)
async def division_upserted(work: InboxWork, envelope: Envelope) -> None:
    await apply_division_upserted(work, envelope)
    await projection.unsettle(work.session)


@handlers.on_batch(DivisionUpserted.event_type)
async def divisions_upserted(work: InboxWork, envelopes: list[Envelope]) -> None:
    await apply_divisions_upserted(work, envelopes)
    await projection.unsettle(work.session)


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
