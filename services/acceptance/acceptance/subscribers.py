"""Kafka subscribers of the acceptance service: thin handlers that call the service layer.

TOPICS names the services whose topics this one consumes; every handler runs inside the
inbox transaction (see zhengdun.messaging.consumer); the read model's copies only write through its session.
"""
from acceptance.service import read_model
from zhengdun.clock import clock_handlers
from zhengdun.events.base import Envelope
from zhengdun.events.casework import CasePhaseChanged, CaseReadyForAcceptance
from zhengdun.events.screening import CampaignOpened, PolicyRevised
from zhengdun.messaging.consumer import EventHandlers
from zhengdun.messaging.outbox import InboxWork
from zhengdun.registry import division_handlers

TOPICS: list[str] = ["screening", "casework"]
handlers = EventHandlers()
handlers.include(division_handlers)  # every service keeps its own copy of the division tree
handlers.include(clock_handlers)  # post-evaluation is a person's act once due: nothing fires with time here


@handlers.on(CampaignOpened.event_type)
async def campaign_opened(work: InboxWork, envelope: Envelope) -> None:
    await read_model.keep_campaign(work.session, envelope.payload())


@handlers.on(PolicyRevised.event_type)
async def policy_revised(work: InboxWork, envelope: Envelope) -> None:
    await read_model.keep_policy(work.session, envelope.payload())


@handlers.on(CaseReadyForAcceptance.event_type)
async def case_ready(work: InboxWork, envelope: Envelope) -> None:
    await read_model.open_acceptance(work.session, envelope.payload())


@handlers.on(CasePhaseChanged.event_type)
async def case_phase_changed(work: InboxWork, envelope: Envelope) -> None:
    await read_model.note_case_phase(work.session, envelope.payload())
