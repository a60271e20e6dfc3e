"""Small helpers for the integration tests."""
from __future__ import annotations

import asyncio
import json
import time

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from zhengdun_demo.client import auth
from zhengdun.events.base import STRUCTURED_CONTENT_TYPE, Envelope

BOOTSTRAP = "127.0.0.1:9092"  # the services' listener


def wait_for(predicate, timeout: float = 60, interval: float = 0.3, what: str = "condition"):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}; last value: {last!r}")


def topic_events(platform, service: str) -> list[dict]:
    """Every event on a service's topic, from the start. Records that are not JSON objects are left out:
    the dead-letter test writes one on purpose, and the topics are shared by the whole suite."""
    async def run():
        consumer = AIOKafkaConsumer(platform.topic(service), bootstrap_servers=BOOTSTRAP,
                                    auto_offset_reset="earliest", enable_auto_commit=False, group_id=None)
        await consumer.start()
        found = []
        try:
            while batch := await consumer.getmany(timeout_ms=1500):
                for records in batch.values():
                    for record in records:
                        try:
                            body = json.loads(record.value)
                        except ValueError:
                            continue
                        if isinstance(body, dict) and "data" in body:
                            found.append(body)
            return found
        finally:
            await consumer.stop()
    return asyncio.run(run())


def publish(platform, *items: tuple[str, Envelope]) -> None:
    """Publish (service, envelope) pairs on the services' topics as the outbox relay does: key = division
    code, ce_id/ce_type headers, CloudEvents JSON body."""
    async def run():
        producer = AIOKafkaProducer(bootstrap_servers=BOOTSTRAP, enable_idempotence=True)
        await producer.start()
        try:
            for service, envelope in items:
                await producer.send_and_wait(platform.topic(service), envelope.model_dump_json().encode(),
                                             key=envelope.divisioncode.encode(),
                                             headers=[("content-type", STRUCTURED_CONTENT_TYPE.encode())])
        finally:
            await producer.stop()
    asyncio.run(run())


def send(platform, service: str, *envelopes: Envelope) -> None:
    """Publish envelopes on one service's topic."""
    publish(platform, *((service, envelope) for envelope in envelopes))


def set_clock(platform, today: str, seen_by: str | None = None) -> None:
    """Move the platform clock (operations, on screening) and wait until ``seen_by`` has it too."""
    response = httpx.put(f"{platform.url('screening')}/platform/clock", json={"today": today}, headers=auth("ops"),
                         timeout=10)
    assert response.status_code == 200, response.text
    if seen_by:
        wait_for(lambda: httpx.get(f"{platform.url(seen_by)}/platform/clock", headers=auth("county_org"),
                                   timeout=10).json()["today"] == today, what=f"{seen_by} clock at {today}")


def summary(platform, service: str, user: str = "province_org") -> dict:
    response = httpx.get(f"{platform.url(service)}/divisions/summary", headers=auth(user), timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def all_copies_agree(platform, user: str = "province_org") -> bool:
    expected = summary(platform, "screening", user)
    return all(summary(platform, s, user) == expected for s in ("casework", "supervision", "acceptance", "reporting"))


def import_csv(platform, csv_text: str, user: str = "province_org", filename: str = "divisions.csv", headers=None):
    return httpx.post(f"{platform.url('screening')}/divisions/import", headers={**auth(user), **(headers or {})},
                      files={"file": (filename, csv_text.encode(), "text/csv")}, timeout=300)


def load_demo_divisions(platform) -> list:
    """The demo city's divisions (示范市: 3 counties × 10 townships × 25 villages), loaded through
    the API and present in every service's copy."""
    from zhengdun_demo.synthetic import generate_province, to_csv

    rows = generate_province(cities=1, counties_per_city=3, townships_per_county=10, villages_per_township=25)
    response = import_csv(platform, to_csv(rows))
    assert response.status_code == 200, response.text
    wait_for(lambda: all_copies_agree(platform), what="all division copies to agree")
    return rows
