"""Outbox + inbox: kill the relay and consumers between steps; every event applies exactly once."""
from __future__ import annotations

import asyncio
import json
import re

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from tests.integration.helpers import all_copies_agree, import_csv, wait_for
from zhengdun_demo.synthetic import generate_province, to_csv


async def _events_on_topic(topic: str, code_prefix: str) -> list[str]:
    """Every division event id on the topic for codes under the prefix, duplicates included."""
    admin = AIOKafkaAdminClient(bootstrap_servers="127.0.0.1:9092")
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    partitions = [TopicPartition(topic, p["partition"]) for p in described[0]["partitions"]]
    consumer = AIOKafkaConsumer(bootstrap_servers="127.0.0.1:9092", enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        ids = []
        async def behind() -> bool:
            return any([(await consumer.position(tp)) < ends[tp] for tp in partitions])

        while await behind():
            batch = await consumer.getmany(timeout_ms=1000)
            for records in batch.values():
                for record in records:
                    if (record.key or b"").decode().startswith(code_prefix):
                        ids.append(json.loads(record.value)["id"])   # structured mode: the id is in the body
        return ids
    finally:
        await consumer.stop()


def _metric(platform, service: str, name: str) -> float:
    text = httpx.get(f"{platform.url(service)}/metrics").text
    match = re.search(rf"^{name} ([0-9.e+]+)$", text, re.M)
    return float(match.group(1)) if match else 0.0


def test_every_event_applied_exactly_once_when_relay_and_consumers_crash(platform):
    screening, casework, supervision = (platform.services[s] for s in ("screening", "casework", "supervision"))
    # The second city of a larger synthetic province: codes no other test uses.
    rows = [r for r in generate_province(cities=2, counties_per_city=2, townships_per_county=4, villages_per_township=40)
            if r.code.startswith("9902") or r.parent_code is None]
    assert import_csv(platform, to_csv(rows[:1])).status_code == 200  # the province row exists already or is created
    wait_for(lambda: all_copies_agree(platform), what="copies to agree before the crash test")

    # Relay: die after publishing its 2nd batch, before marking it sent (so it re-publishes it).
    screening.stop()
    screening.start({"ZD_FAULT": "relay.after_publish@2", "ZD_RELAY_BATCH_SIZE": "50"})
    # Consumers: casework dies after committing its 2nd batch and before committing offsets
    # (redelivery of applied events); supervision dies before committing its 2nd batch (rollback).
    casework.stop()
    casework.start({"ZD_FAULT": "inbox.after_commit@2", "ZD_CONSUMER_BATCH_SIZE": "40"})
    supervision.stop()
    supervision.start({"ZD_FAULT": "inbox.before_commit@2", "ZD_CONSUMER_BATCH_SIZE": "40"})

    city_rows = rows[1:]
    response = import_csv(platform, to_csv(city_rows))
    assert response.status_code == 200, response.text
    assert response.json()["created"] == len(city_rows)

    assert screening.wait_exit(60) == 137, "the relay did not reach its crash point"
    assert casework.wait_exit(60) == 137, "casework did not reach its crash point"
    assert supervision.wait_exit(60) == 137, "supervision did not reach its crash point"
    for service in (screening, casework, supervision):
        service.start()

    wait_for(lambda: all_copies_agree(platform), timeout=120, what="all copies to agree after the crashes")

    # The relay really published some events twice ...
    ids = asyncio.run(_events_on_topic(platform.topic("screening"), "9902"))
    assert len(set(ids)) == len(city_rows)
    assert len(ids) > len(set(ids)), "expected re-published duplicates after the relay crash"
    # ... and each consumer applied each exactly once: one inbox row per event id.
    for service in ("casework", "supervision", "reporting"):
        applied = asyncio.run(platform.fetch(service, "SELECT event_id, count(*) FROM inbox WHERE event_id = ANY($1::text[]) "
                                                      "GROUP BY event_id", list(set(ids))))
        assert len(applied) == len(city_rows) and all(r["count"] == 1 for r in applied)
        stored = asyncio.run(platform.fetch(service, "SELECT count(*) AS n, max(revision) AS r FROM divisions "
                                                     "WHERE code LIKE '9902%'"))
        assert stored[0]["n"] == len(city_rows) and stored[0]["r"] == 1
    # The restarted casework skipped what it had already applied before its crash.
    assert _metric(platform, "casework", "zhengdun_events_duplicate_total") > 0
