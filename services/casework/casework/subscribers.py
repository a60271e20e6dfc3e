"""Kafka subscribers of the casework service: thin handlers that decode and call one use case.

TOPICS names the services whose topics this one consumes; every handler runs inside the
inbox transaction (see zhengdun.messaging.consumer), whose unit of work it hands the use case.
"""
from casework import pairings, service
from zhengdun.events.acceptance import AcceptanceFailed, PostEvaluated, VillageAccepted, VillageDelisted
from zhengdun.events.base import Envelope
from zhengdun.events.clock import ClockAdvanced
from zhengdun.events.screening import CadreSecretaryRecorded, CampaignOpened, PolicyRevised, TargetDesignated, TargetRemoved
from zhengdun.messaging.consumer import EventHandlers
from zhengdun.messaging.outbox import InboxWork
from zhengdun.registry import division_handlers

TOPICS: list[str] = ["screening", "acceptance"]
handlers = EventHandlers()
handlers.include(division_handlers)  # every service keeps its own copy of the division tree


@handlers.on(ClockAdvanced.event_type)
async def clock_advanced(work: InboxWork, envelope: Envelope) -> None:
    await service.day_began(work, envelope.payload().today)


@handlers.on(CampaignOpened.event_type)
async def campaign_opened(work: InboxWork, envelope: Envelope) -> None:
    await service.campaign_opened(work, envelope.payload())


@handlers.on(PolicyRevised.event_type)
async def policy_revised(work: InboxWork, envelope: Envelope) -> None:
    await service.keep_policy_revision(work.session, envelope.payload())


@handlers.on(TargetDesignated.event_type)
async def target_designated(work: InboxWork, envelope: Envelope) -> None:
    await service.target_designated(work, envelope.payload(), event_id=envelope.id, actor=envelope.actor)


@handlers.on(AcceptanceFailed.event_type)
async def acceptance_failed(work: InboxWork, envelope: Envelope) -> None:
    await service.acceptance_failed(work, envelope.payload(), envelope.actor)


@handlers.on(VillageAccepted.event_type)
async def village_accepted(work: InboxWork, envelope: Envelope) -> None:
    await service.village_accepted(work, envelope.payload(), envelope.actor)


@handlers.on(VillageDelisted.event_type)
async def village_delisted(work: InboxWork, envelope: Envelope) -> None:
    await pairings.village_delisted(work, envelope.payload(), envelope.actor)


@handlers.on(PostEvaluated.event_type)
async def post_evaluated(work: InboxWork, envelope: Envelope) -> None:
    await service.post_evaluated(work, envelope.payload(), envelope.actor)


@handlers.on(TargetRemoved.event_type)
async def target_removed(work: InboxWork, envelope: Envelope) -> None:
    await pairings.village_left_list(work, envelope.payload(), envelope.actor)


@handlers.on(CadreSecretaryRecorded.event_type)
async def cadre_secretary_recorded(work: InboxWork, envelope: Envelope) -> None:
    await pairings.register_secretary_recorded(work.session, envelope.payload())
