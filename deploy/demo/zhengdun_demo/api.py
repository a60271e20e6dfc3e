"""The scenario's view of the platform: the five services' public HTTP APIs, called with the
real token of the person taking each step. Nothing here touches a database."""
from __future__ import annotations

import asyncio
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from zhengdun_demo.client import password_token

SERVICES = ("screening", "casework", "supervision", "acceptance", "reporting")
LOCAL_URLS = {s: f"http://127.0.0.1:{8101 + i}" for i, s in enumerate(SERVICES)}
SCENARIO_PASSWORD = "zhengdun-demo-1"


class StepFailed(RuntimeError):
    """A step the scenario expected to succeed (or to be refused) answered otherwise."""


@dataclass
class Platform:
    urls: dict[str, str] = field(default_factory=lambda: dict(LOCAL_URLS))
    topic_prefix: str = ""                     # the platform's topic and consumer-group prefix (tests use one)
    kafka_bootstrap: str = "127.0.0.1:9092"
    timeout: float = 120
    calls: int = 0
    slowest: dict[str, float] = field(default_factory=dict)   # step label → seconds
    steps: dict[str, tuple[str, str]] = field(default_factory=dict)  # trace id → (service called, step label), writes only
    before_call: Callable[[int], None] | None = None          # called with the count of calls made so far (crash tests)
    next_label: str = ""                                       # the call about to be made, for before_call
    unavailable_wait: float = 900                              # how long a 503 (a part away) is waited out

    def __post_init__(self) -> None:
        # Idle connections are dropped before uvicorn's keep-alive (5 s) closes them: reusing one the server is closing
        # at that moment failed a call with "connection reset by peer" (seen twice in the campaign benchmark).
        self.http = httpx.Client(timeout=self.timeout, limits=httpx.Limits(keepalive_expiry=2))
        self._tally = threading.Lock()   # the benchmarks call from many threads at once

    def token(self, user: str) -> str:
        password = "demo" if "-" not in user else SCENARIO_PASSWORD   # realm demo users vs scenario people
        return password_token(user, password)

    def call(self, user: str, method: str, service: str, path: str, *, expect: int | tuple[int, ...] = (200, 201),
             **kwargs) -> httpx.Response:
        expected = (expect,) if isinstance(expect, int) else expect
        label = f"{method} {service}{_route_label(path)}"
        if self.before_call:
            self.next_label = label
            self.before_call(self.calls)
        # Each call starts its own trace (W3C traceparent), so a step can be followed through every
        # service its events reach.
        trace_id = secrets.token_hex(16)
        headers = {"Authorization": f"Bearer {self.token(user)}", "traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"}
        if method != "GET":
            self.steps[trace_id] = (service, label)
        started = time.perf_counter()
        deadline = time.time() + self.unavailable_wait
        while True:
            response = self.http.request(method, self.urls[service] + path, headers=headers, **kwargs)
            # 503: a part the service needs (Keycloak, for user management) is away and nothing was
            # done; the same request is made again until it is back.
            if response.status_code != 503 or 503 in expected or time.time() > deadline:
                break
            time.sleep(3)
        with self._tally:
            self.calls += 1
            self.slowest[label] = max(self.slowest.get(label, 0.0), time.perf_counter() - started)
        if response.status_code not in expected:
            raise StepFailed(f"{user}: {method} {service}{path} → {response.status_code} (expected {expected}): "
                             f"{response.text[:800]}")
        return response

    def get(self, user: str, service: str, path: str, **kwargs):
        return self.call(user, "GET", service, path, expect=kwargs.pop("expect", 200), **kwargs).json()

    def post(self, user: str, service: str, path: str, body: dict | None = None, **kwargs):
        response = self.call(user, "POST", service, path, json=body, **kwargs)
        return response.json() if response.content else None

    def put(self, user: str, service: str, path: str, body: dict | None = None, **kwargs):
        response = self.call(user, "PUT", service, path, json=body, **kwargs)
        return response.json() if response.content else None

    def all_pages(self, user: str, service: str, path: str, params: dict | None = None) -> list[dict]:
        items, page = [], 1
        while True:
            body = self.get(user, service, path, params={**(params or {}), "page": page, "size": 500})
            items.extend(body["items"])
            if len(items) >= body["total"] or not body["items"]:
                return items
            page += 1

    def set_clock(self, today: str, wait: float = 120) -> None:
        """Move the platform clock and wait until every service has applied it.

        Before the day ends, every event of the day must have reached every service (in real life
        there are hours between a step and midnight): otherwise a rule could fire on the new date
        before a service has heard of the step that satisfied it."""
        self.settle(wait)
        self.put("ops", "screening", "/platform/clock", {"today": today})
        self.wait(lambda: all(self.get("ops", s, "/platform/clock")["today"] == today for s in SERVICES),
                  f"every service at {today}", wait)

    def settle(self, timeout: float = 120) -> None:
        """Wait until the five services' consumer groups have read every event (lag 0, twice in a row)."""
        asyncio.run(self._settle(timeout))

    async def _settle(self, timeout: float) -> None:
        from aiokafka import AIOKafkaConsumer
        from aiokafka.admin import AIOKafkaAdminClient

        # One admin client and one consumer for the whole wait: connecting (and reading the cluster's
        # metadata) anew every quarter second cost more than the lag queries themselves.
        admin = AIOKafkaAdminClient(bootstrap_servers=self.kafka_bootstrap)
        consumer = AIOKafkaConsumer(bootstrap_servers=self.kafka_bootstrap)
        await admin.start()
        await consumer.start()
        try:
            deadline, calm = time.time() + timeout, 0
            while calm < 2:
                await asyncio.sleep(0.25)
                lag = await self._lag(admin, consumer)
                calm = calm + 1 if lag == 0 else 0
                if time.time() > deadline:
                    raise StepFailed(f"the services still had {lag} events to read after {timeout}s")
        finally:
            await consumer.stop()
            await admin.close()

    async def _lag(self, admin, consumer) -> int:
        committed = {}
        for service in SERVICES:
            offsets = await admin.list_consumer_group_offsets(f"{self.topic_prefix}zhengdun-{service}")
            for partition, meta in offsets.items():
                committed[(service, partition)] = meta.offset
        partitions = {p for _, p in committed}
        ends = await consumer.end_offsets(list(partitions)) if partitions else {}
        return sum(max(0, ends[p] - offset) for (_, p), offset in committed.items())

    @staticmethod
    def wait(predicate, what: str, timeout: float = 120, interval: float = 0.3):
        deadline = time.time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.time() > deadline:
                raise StepFailed(f"timed out after {timeout}s waiting for {what}")
            time.sleep(interval)


def _route_label(path: str) -> str:
    """/cases/abc123/measures → /cases/{id}/measures (for the slowest-step table)."""
    parts = []
    for part in path.split("?")[0].split("/"):
        parts.append("{id}" if any(c.isdigit() for c in part) and len(part) > 6 else part)
    return "/".join(parts)
