"""A message that cannot be applied goes to the dead-letter topic with its reason; the rest flows on."""
from __future__ import annotations

import asyncio
import json

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from tests.integration.helpers import all_copies_agree, import_csv, wait_for
from zhengdun_demo.synthetic import CSV_HEADER
from zhengdun.events.base import Envelope


async def _publish(topic: str, messages: list[tuple[bytes, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers="127.0.0.1:9092")
    await producer.start()
    try:
        for key, value in messages:
            await producer.send_and_wait(topic, value, key=key)
    finally:
        await producer.stop()


async def _dead_letters(topic: str) -> list[dict]:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers="127.0.0.1:9092", auto_offset_reset="earliest",
                                enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        batch = await consumer.getmany(timeout_ms=3000)
        return [{"headers": {k: v.decode() for k, v in r.headers}, "value": r.value}
                for records in batch.values() for r in records]
    finally:
        await consumer.stop()


def test_unprocessable_messages_are_dead_lettered_with_the_reason(platform):
    bad_payload = Envelope(source="/test", type="zhengdun.screening.division.upserted.v1", divisioncode="990102101201",
                           data={"code": "not-a-code", "name": "坏数据"})
    asyncio.run(_publish(platform.topic("screening"), [
        (b"990102101201", b"this is not json"),
        (b"990102101201", bad_payload.model_dump_json().encode()),
    ]))
    # The stream is not blocked: a valid change behind the bad messages still reaches every copy.
    import_csv(platform, ",".join(CSV_HEADER) + "\n990000000000,示范省,,\n")
    assert import_csv(platform, ",".join(CSV_HEADER) + "\n990900000000,死信后市,990000000000,\n").status_code == 200
    wait_for(lambda: all_copies_agree(platform), what="copies to agree after the bad messages")

    def dead_lettered():
        letters = asyncio.run(_dead_letters(f"{platform.topic_prefix}zhengdun.deadletter"))
        by_consumer = {(m["headers"]["dlt_consumer"], m["headers"]["dlt_reason"].split(":")[0]) for m in letters}
        expected = {(f"/zhengdun/{s}", reason) for s in ("casework", "supervision", "acceptance", "reporting")
                    for reason in ("not a valid CloudEvents envelope", "ValidationError")}
        return letters if expected <= by_consumer else None

    letters = wait_for(dead_lettered, timeout=60, what="dead letters from every consumer")
    original = next(m for m in letters if m["headers"]["dlt_reason"].startswith("ValidationError"))
    assert json.loads(original["value"])["data"] == {"code": "not-a-code", "name": "坏数据"}  # the message, unchanged
    assert original["headers"]["dlt_original_topic"] == platform.topic("screening")
