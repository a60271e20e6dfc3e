"""Kafka subscribers of the screening service: thin handlers that call the service layer.

TOPICS names the services whose topics this one consumes; every handler runs inside the
inbox transaction (see zhengdun.messaging.consumer), so it only writes through the session.

Besides, ``register_identity_sync`` keeps Keycloak's group tree in step with the registry.
"""
from __future__ import annotations

import json
import logging

from faststream import AckPolicy
from faststream.kafka.annotations import KafkaMessage

from zhengdun.events.base import Envelope
from zhengdun.events.acceptance import PostEvaluated, VillageDelisted
from zhengdun.events.registry import DivisionUpserted
from zhengdun.messaging.consumer import EventHandlers, RejectedEvent
from zhengdun.roles import Level

log = logging.getLogger("screening.identity_sync")
TOPICS: list[str] = ["acceptance"]
handlers = EventHandlers()


def _recorder(session):
    from screening.service import Recorder
    from zhengdun.events.base import Actor
    from zhengdun.messaging.topics import Topics
    from zhengdun.settings import settings_for

    settings = settings_for("screening")
    return Recorder(session, Topics(settings.topic_prefix).of("screening"), "/zhengdun/screening", Actor.system("screening"))


@handlers.on(VillageDelisted.event_type)  # type: ignore[attr-defined]
async def village_delisted(session, envelope: Envelope) -> None:
    """Acceptance delisted a village (销号): it leaves the dynamic list (idempotent)."""
    from screening import service

    delisted: VillageDelisted = envelope.payload()  # type: ignore[assignment]
    active = await service.active_list(session, delisted.campaign_id)
    _, removed = active.delist(delisted.village_code, delisted.delisted_on, reference=envelope.id)
    if removed is not None:
        _recorder(session).record(removed, scope=removed.county_code, key=removed.village_code,
                                  village=removed.village_code)


@handlers.on(PostEvaluated.event_type)  # type: ignore[attr-defined]
async def post_evaluated(session, envelope: Envelope) -> None:
    """A relapse at post-evaluation designates the village again (整瘫轮回 → 重新列入)."""
    from screening import service

    evaluated: PostEvaluated = envelope.payload()  # type: ignore[assignment]
    if not evaluated.relapsed:
        return
    # A rule this breaks (a campaign never opened here, a village not relisted) raises a Refusal: the consumer
    # dead-letters it, as retrying cannot help.
    campaign = await service.load_campaign(session, evaluated.campaign_id)
    active = await service.active_list(session, evaluated.campaign_id)
    if evaluated.village_code in active.targets:
        return  # already designated again (a redelivery with another id)
    earlier = [d for d in await service.facts(session, evaluated.campaign_id, service.ev.TargetDesignated)
               if d.village_code == evaluated.village_code]
    if not earlier:
        raise RejectedEvent(f"village {evaluated.village_code} was never designated in {evaluated.campaign_id}")
    last = earlier[-1]
    _, designated = active.relapse(campaign, evaluated.village_code, last.category, last.criteria_met,
                                   evaluated.evaluated_on)
    _recorder(session).record(designated, scope=designated.county_code, key=designated.village_code,
                              village=designated.village_code)


def register_identity_sync(runtime, directory) -> None:
    """Mirror each division down to the township level as a Keycloak group (villages get their
    group when their first user is created). Creating and renaming groups is idempotent, so
    redelivery after a restart is harmless; the consumer group's offsets make it resume."""

    @runtime.broker.subscriber(runtime.topic, group_id=runtime.topics.group("screening-identity-sync"), batch=True,
                               max_records=200, auto_offset_reset="earliest", ack_policy=AckPolicy.NACK_ON_ERROR,
                               title="identity-sync", description="Keeps Keycloak's unit groups in step with the registry")
    async def sync_groups(bodies: list, message: KafkaMessage) -> None:
        records = message.raw_message if isinstance(message.raw_message, tuple) else (message.raw_message,)
        for record in records:
            try:
                envelope = Envelope.model_validate(json.loads(record.value))
            except ValueError:
                continue  # the inbox consumers dead-letter what cannot be read
            if envelope.type != DivisionUpserted.event_type:
                continue
            division = DivisionUpserted.model_validate(envelope.data)
            if division.level is not Level.VILLAGE:
                await directory.ensure_group(division.code, {division.code: division.name})
