"""Kafka subscribers of the casework service: thin handlers that call the service layer.

TOPICS names the services whose topics this one consumes; every handler runs inside the
inbox transaction (see zhengdun.messaging.consumer), so it only writes through the session.
"""
from sqlalchemy.ext.asyncio import AsyncSession

from casework import service
from casework.service import SYSTEM, inbox_work
from zhengdun import clock
from zhengdun.events.acceptance import AcceptanceFailed, PostEvaluated, VillageAccepted, VillageDelisted
from zhengdun.events.base import Envelope
from zhengdun.events.casework import CasePhase
from zhengdun.events.clock import ClockAdvanced
from zhengdun.events.screening import CampaignOpened, PolicyRevised, TargetDesignated
from zhengdun.messaging.consumer import EventHandlers, RejectedEvent
from zhengdun.registry import division_handlers

TOPICS: list[str] = ["screening", "acceptance"]
handlers = EventHandlers()
handlers.include(division_handlers)  # every service keeps its own copy of the division tree


@handlers.on(ClockAdvanced.event_type)
async def clock_advanced(session: AsyncSession, envelope: Envelope) -> None:
    today = envelope.payload().today
    await clock.record(session, today)
    await service.move_to_continued(inbox_work(session), today)


@handlers.on(CampaignOpened.event_type)
async def campaign_opened(session: AsyncSession, envelope: Envelope) -> None:
    await service.keep_campaign(session, envelope.payload())
    # Designations may arrive before their campaign (other partition): catch up on its phase now.
    await service.move_to_continued(inbox_work(session), await clock.today(session))


@handlers.on(PolicyRevised.event_type)
async def policy_revised(session: AsyncSession, envelope: Envelope) -> None:
    await service.keep_policy_revision(session, envelope.payload())


@handlers.on(TargetDesignated.event_type)
async def target_designated(session: AsyncSession, envelope: Envelope) -> None:
    await service.open_case(inbox_work(session), envelope.payload(), event_id=envelope.id,
                            today=await clock.today(session), actor=envelope.actor or SYSTEM)


async def _case_of(session: AsyncSession, payload):
    case = await service.case_for_acceptance(session, payload.case_id, payload.campaign_id, payload.village_code)
    if case is None:
        raise RejectedEvent(f"no case {payload.case_id} (village {payload.village_code}, campaign {payload.campaign_id})")
    return case


@handlers.on(AcceptanceFailed.event_type)
async def acceptance_failed(session: AsyncSession, envelope: Envelope) -> None:
    failed: AcceptanceFailed = envelope.payload()
    case = await _case_of(session, failed)
    await service.note_acceptance(inbox_work(session), case, await clock.today(session), envelope.actor or SYSTEM,
                                  outcome=f"failed:{failed.step.value}",
                                  occurred_on=failed.failed_on, reason=failed.reason, reopen=True)


@handlers.on(VillageAccepted.event_type)
async def village_accepted(session: AsyncSession, envelope: Envelope) -> None:
    accepted: VillageAccepted = envelope.payload()
    case = await _case_of(session, accepted)
    await service.note_acceptance(inbox_work(session), case, await clock.today(session), envelope.actor or SYSTEM,
                                  outcome="accepted", occurred_on=accepted.accepted_on,
                                  reason="县级验收通过", to=CasePhase.ACCEPTED)


@handlers.on(VillageDelisted.event_type)
async def village_delisted(session: AsyncSession, envelope: Envelope) -> None:
    delisted: VillageDelisted = envelope.payload()
    case = await _case_of(session, delisted)
    await service.note_acceptance(inbox_work(session), case, await clock.today(session), envelope.actor or SYSTEM,
                                  outcome="delisted", occurred_on=delisted.delisted_on,
                                  reason=f"公示无异议，销号；后评估于 {delisted.post_evaluation_due}", to=CasePhase.DELISTED)


@handlers.on(PostEvaluated.event_type)
async def post_evaluated(session: AsyncSession, envelope: Envelope) -> None:
    evaluated: PostEvaluated = envelope.payload()
    case = await _case_of(session, evaluated)
    await service.note_acceptance(inbox_work(session), case, await clock.today(session), envelope.actor or SYSTEM,
                                  outcome="post_evaluation:" + ("relapsed" if evaluated.relapsed else "consolidated"),
                                  occurred_on=evaluated.evaluated_on,
                                  reason=evaluated.reason or ("后评估反弹" if evaluated.relapsed else "后评估巩固"),
                                  reopen=evaluated.relapsed)
