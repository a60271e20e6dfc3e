"""Kafka subscribers of the screening service: thin handlers that call the service layer.

TOPICS names the services whose topics this one consumes; every handler runs inside the
inbox transaction (see zhengdun.messaging.consumer), whose unit of work it hands the use case.

Besides, ``register_identity_sync`` keeps Keycloak's group tree in step with the registry.
"""
from __future__ import annotations

import logging

from faststream import AckPolicy
from faststream.kafka.annotations import KafkaMessage

from screening.identity import asking_for
from screening.service import dynamic_list
from zhengdun.events.base import Envelope
from zhengdun.events.acceptance import PostEvaluated, VillageDelisted
from zhengdun.events.registry import DivisionUpserted
from zhengdun.messaging.consumer import EventHandlers, undecoded_values
from zhengdun.messaging.outbox import InboxWork
from zhengdun.roles import Level

log = logging.getLogger("screening.identity_sync")
TOPICS: list[str] = ["acceptance"]
# The group mirror's fetches bring 1 MiB of each of the topic's partitions (the inbox consumers' 4 MiB held up to
# 24 MiB of a province's import in screening at once, for the ~1,000 of 51,000 events it acts on): measured on a
# province's import, screening's peak resident memory 231 → 215 MB.
MIRROR_FETCH_BYTES_PER_PARTITION = 1024 * 1024
handlers = EventHandlers()


@handlers.on(VillageDelisted.event_type)  # type: ignore[attr-defined]
async def village_delisted(work: InboxWork, envelope: Envelope) -> None:
    await dynamic_list.village_delisted(work, envelope.payload(), reference=envelope.id)  # type: ignore[arg-type]


@handlers.on(PostEvaluated.event_type)  # type: ignore[attr-defined]
async def post_evaluated(work: InboxWork, envelope: Envelope) -> None:
    await dynamic_list.post_evaluated(work, envelope.payload())  # type: ignore[arg-type]


def register_identity_sync(runtime, directory) -> None:
    """Mirror each division down to the township level as a Keycloak group (villages get their
    group when their first user is created). Creating and renaming groups is idempotent, so
    redelivery after a restart is harmless; the consumer group's offsets make it resume."""

    # The values are read here, once (FastStream's own decoder would build a message and parse each first): a
    # province's import passes 51,000 events by, of which only its ~1,000 townships and above reach Keycloak. In
    # batches as large as the inbox consumers' (a batch's own cost in FastStream outweighed its village records).
    @runtime.broker.subscriber(runtime.topic, group_id=runtime.topics.group("screening-identity-sync"), batch=True,
                               max_records=runtime.settings.consumer_batch_size, auto_offset_reset="earliest",
                               max_partition_fetch_bytes=MIRROR_FETCH_BYTES_PER_PARTITION,
                               ack_policy=AckPolicy.NACK_ON_ERROR, decoder=undecoded_values,
                               title="identity-sync", description="Keeps Keycloak's unit groups in step with the registry")
    async def sync_groups(bodies: list, message: KafkaMessage) -> None:
        asking_for("group-mirror")
        records = message.raw_message if isinstance(message.raw_message, tuple) else (message.raw_message,)
        for record in records:
            if record.key and not record.key.endswith(b"000"):
                continue   # keyed by a village's code (its last three digits): nothing for Keycloak, and not parsed
            try:
                envelope = Envelope.model_validate_json(record.value)
            except ValueError:
                continue  # the inbox consumers dead-letter what cannot be read
            if envelope.type != DivisionUpserted.event_type:
                continue
            division = DivisionUpserted.model_validate(envelope.data)
            if division.level is not Level.VILLAGE:
                await directory.ensure_group(division.code, {division.code: division.name})
