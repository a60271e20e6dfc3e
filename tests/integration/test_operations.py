"""What an operator sees and does, on the real parts: consumer lag and outbox backlog move when a
consumer or the relay is held up and recover when it resumes; a dead letter is listed with where it
came from and why, and replayed after a fix exactly once; readiness tells the truth."""
from __future__ import annotations

import asyncio
import threading
import uuid
from datetime import date

import asyncpg
import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.helpers import all_copies_agree, import_csv, send, wait_for
from tests.support.platform import ServiceProcess, _free_port, postgres_url
from tests.support.tcp_proxy import TcpProxy
from tests.integration.test_casework_case import designation, envelope
from zhengdun_demo.client import auth
from zhengdun_demo.synthetic import CSV_HEADER
from zhengdun.events.acceptance import AcceptanceFailed, AcceptanceStep
from zhengdun.messaging.outbox import RELAY_LOCK_ID


def metric(platform, of: str, name: str, **labels) -> float | None:
    text = httpx.get(f"{platform.url(of)}/metrics", timeout=30).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return None


class RelayLockHeld:
    """Holds a service database's relay lock from another connection (as a stuck replica would),
    on a thread of its own, until the block ends."""

    def __init__(self, dsn: str):
        self._dsn = dsn
        self._held, self._release = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._hold()), daemon=True)

    async def _hold(self) -> None:
        conn = await asyncpg.connect(self._dsn)
        try:
            await conn.execute("SELECT pg_advisory_lock($1)", RELAY_LOCK_ID)
            self._held.set()
            while not self._release.is_set():
                await asyncio.sleep(0.1)
        finally:
            await conn.close()

    def __enter__(self) -> "RelayLockHeld":
        self._thread.start()
        assert self._held.wait(60), "the relay lock was not obtained"
        return self

    def __exit__(self, *exc) -> None:
        self._release.set()
        self._thread.join(60)


def rows(*codes_names_parents) -> str:
    return ",".join(CSV_HEADER) + "\n" + "".join(f"{c},{n},{p},{k}\n" for c, n, p, k in codes_names_parents)


def test_consumer_lag_and_outbox_backlog_move_and_recover(scratch_platform):
    platform = scratch_platform
    screening_topic = platform.topic("screening")
    assert import_csv(platform, rows(("990000000000", "示范省", "", ""), ("990100000000", "示范市", "990000000000", ""),
                                     ("990102000000", "甲县", "990100000000", ""),
                                     ("990102101000", "甲镇", "990102000000", ""))).status_code == 200
    wait_for(lambda: all_copies_agree(platform), what="copies to agree")
    lag = lambda consumer: metric(platform, "screening", "zhengdun_consumer_lag", consumer=consumer,  # noqa: E731
                                  topic=screening_topic)
    wait_for(lambda: lag("casework") == 0, what="casework caught up")

    # A consumer stops: its lag on screening's topic grows while the others keep up.
    casework = platform.services["casework"]
    casework.kill()
    try:
        assert import_csv(platform, rows(*((f"99010210130{i}", f"积压村{i}", "990102101000", "行政村")
                                           for i in range(5)))).status_code == 200
        wait_for(lambda: (lag("casework") or 0) >= 5, what="casework's lag to show the 5 events it missed")
        wait_for(lambda: lag("supervision") == 0, what="supervision to keep up meanwhile")
    finally:
        casework.start()
    wait_for(lambda: lag("casework") == 0, what="casework's lag to go back to 0 after its restart")

    # The relay is held up (another replica holds the relay lock and is stuck): the backlog and the
    # age of its oldest row grow; once the lock is free, the backlog drains and the events arrive.
    screening = platform.services["screening"]
    screening.kill()  # frees the lock its relay held
    dsn = platform.database_url("screening").replace("+asyncpg", "")

    with RelayLockHeld(dsn):
        # Started from this thread: a test service dies with the thread that started it (PR_SET_PDEATHSIG).
        screening.start()
        # Still ready: its relay is waiting for the lock, not stopped.
        health = httpx.get(f"{screening.url}/health/ready", timeout=30).json()
        assert health["checks"]["relay"]["status"] == "up"
        response = import_csv(platform, rows(("990102101310", "待发村", "990102101000", "行政村")))
        assert response.status_code == 200
        assert wait_for(lambda: metric(platform, "screening", "zhengdun_outbox_unsent", service="screening"),
                        what="a backlog") >= 1
        assert metric(platform, "screening", "zhengdun_outbox_oldest_unsent_seconds", service="screening") > 0
    wait_for(lambda: metric(platform, "screening", "zhengdun_outbox_unsent", service="screening") == 0,
             what="the backlog to drain")
    assert metric(platform, "screening", "zhengdun_outbox_oldest_unsent_seconds", service="screening") == 0
    wait_for(lambda: all_copies_agree(platform), what="the held events to reach every copy")
    # The pool and the HTTP figures are there too.
    assert metric(platform, "screening", "zhengdun_db_pool_connections", service="screening", state="size") > 0
    assert metric(platform, "screening", "zhengdun_http_requests_total", route="/divisions/import", status="200") >= 1


def test_a_dead_letter_is_listed_and_replayed_after_a_fix_exactly_once(platform):
    campaign_id = f"ops-{uuid.uuid4()}"
    village = "990102101288"
    failed = AcceptanceFailed(acceptance_id="acc-ops", case_id=str(uuid.uuid4()), campaign_id=campaign_id,
                              village_code=village, township_code=village[:9] + "000", county_code=village[:6] + "000000",
                              step=AcceptanceStep.COUNTY, failed_on=date(2021, 6, 1), reason="群众满意度不足")
    letter = envelope(failed, village, service="acceptance", campaign_id=campaign_id)
    # Acceptance's failure arrives before casework ever opened the case: casework cannot apply it.
    send(platform, "acceptance", letter)
    base = f"{platform.url('casework')}/operations/dead-letters"

    def listed():
        page = httpx.get(base, params={"status": "waiting", "size": 500}, headers=auth("ops"), timeout=30).json()
        return next((d for d in page["items"] if d["event_id"] == letter.id), None)

    dead = wait_for(listed, what="the dead letter in casework's list")
    assert dead["reason"].startswith("RejectedEvent: no case") and dead["status"] == "waiting"
    assert dead["original_topic"] == platform.topic("acceptance") and dead["original_offset"] >= 0
    assert dead["original_partition"] >= 0 and dead["consumer"] == "/zhengdun/casework"
    assert dead["event_type"] == "zhengdun.acceptance.failed.v1" and dead["service"] == "casework"
    def gauge():
        return metric(platform, "casework", "zhengdun_dead_letters_waiting", service="casework", reason="RejectedEvent")

    def rejected_waiting() -> int:
        page = httpx.get(base, params={"status": "waiting", "size": 500}, headers=auth("ops"), timeout=30).json()
        return sum(1 for d in page["items"] if d["reason"].startswith("RejectedEvent"))

    # Other modules' letters may be waiting too: the gauge is read once it counts this one (it is refreshed
    # at most once a second, so a read just after the letter arrived can still show the count before it).
    waiting_before = wait_for(lambda: (n := gauge()) == rejected_waiting() and n, what="the dead-letter gauge")
    assert waiting_before >= 1
    # Operations only.
    assert httpx.get(base, headers=auth("county_org"), timeout=30).status_code == 403
    assert httpx.post(f"{base}/{dead['id']}/replay", headers=auth("county_org"), timeout=30).status_code == 403
    assert httpx.post(f"{base}/999999999/replay", headers=auth("ops"), timeout=30).status_code == 404

    # Replayed before the fix: it fails again, and stays waiting with the new reason.
    again = httpx.post(f"{base}/{dead['id']}/replay", headers=auth("ops"), timeout=30).json()
    assert again["outcome"] == "failed" and again["reason"].startswith("RejectedEvent")
    assert httpx.get(f"{base}/{dead['id']}", headers=auth("ops"), timeout=30).json()["status"] == "waiting"

    # The fix: the designation arrives, casework opens the case. Now the replay applies it, once.
    send(platform, "screening", envelope(designation(campaign_id, village), village, campaign_id=campaign_id))

    def case_id():
        found = asyncio.run(platform.fetch("casework", "SELECT case_id FROM cases WHERE campaign_id = $1", campaign_id))
        return found[0]["case_id"] if found else None

    opened = wait_for(case_id, what="the case opened")
    replayed = httpx.post(f"{base}/{dead['id']}/replay", headers=auth("ops"), timeout=30).json()
    assert replayed["outcome"] == "applied", replayed
    assert httpx.post(f"{base}/{dead['id']}/replay", headers=auth("ops"), timeout=30).json()["outcome"] == "already-replayed"
    everything = httpx.post(f"{base}/replay", headers=auth("ops"), timeout=60).json()
    assert dead["id"] not in [r["id"] for r in everything["results"]]
    noted = asyncio.run(platform.fetch("casework", "SELECT count(*) AS n FROM case_entries WHERE case_id = $1 "
                                                   "AND kind = 'acceptance_noted'", opened))
    assert noted[0]["n"] == 1  # exactly once, after three replays
    shown = httpx.get(f"{base}/{dead['id']}", headers=auth("ops"), timeout=30).json()
    assert shown["status"] == "replayed" and shown["replayed_at"]
    wait_for(lambda: (gauge() or 0) <= waiting_before - 1, what="the gauge counting the replayed letter out")


def test_readiness_tells_the_truth_when_keycloak_or_the_database_blips(platform):
    """A copy of supervision reaches Keycloak and PostgreSQL through proxies the test cuts: without
    Keycloak it stays in rotation (its keys are cached) and still accepts tokens; without its
    database it is taken out (503, and says why)."""
    keycloak, database = TcpProxy(8180), TcpProxy(5432)
    copy = ServiceProcess(platform, "supervision")
    copy.port = _free_port()
    copy.url = f"http://127.0.0.1:{copy.port}"
    copy.log_path = platform.log_dir / "supervision-blips.log"
    copy.start(extra_env={
        "ZD_KEYCLOAK_URL": f"http://127.0.0.1:{keycloak.port}",
        "ZD_TOKEN_ISSUER": "http://127.0.0.1:8180/realms/zhengdun",  # the tokens' issuer is the real address
        # Through the proxy: TCP, where the platform's own services use the cluster's Unix socket.
        "ZD_DATABASE_URL": postgres_url(platform.database_name("supervision"), tcp_port=database.port),
        "ZD_TOPIC_PREFIX": f"{platform.topic_prefix}blips.",  # its own topics and group: the platform's stay as they are
    })
    try:
        ready = lambda: httpx.get(f"{copy.url}/health/ready", timeout=30)  # noqa: E731
        assert ready().json()["status"] == "up"
        keycloak.cut()
        answer = ready()
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["status"] == "degraded" and body["checks"]["identity_provider"]["status"] == "down"
        assert body["checks"]["identity_provider"]["required"] is False
        assert {n for n, c in body["checks"].items() if c["status"] == "down"} == {"identity_provider"}
        # Tokens are still verified, against the cached keys.
        assert httpx.get(f"{copy.url}/divisions", params={"size": 1}, headers=auth("county_org"),
                         timeout=30).status_code == 200
        assert httpx.get(f"{copy.url}/divisions", headers={"Authorization": "Bearer not-a-token"},
                         timeout=30).status_code == 401
        database.cut()
        answer = wait_for(lambda: (r := ready()).status_code == 503 and r, what="not ready without the database")
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["checks"]["database"]["status"] == "down"
    finally:
        copy.stop()


def test_readiness_reports_every_part(platform):
    for service in platform.services:
        health = httpx.get(f"{platform.url(service)}/health/ready", timeout=30).json()
        assert health["status"] == "up", health
        assert {"database", "broker", "relay", "consumers", "identity_provider"} <= set(health["checks"])
        # Keycloak's keys are cached: it is reported, but a blip of it would not take the service out.
        assert health["checks"]["identity_provider"]["cached_keys"] >= 1
        assert health["checks"]["identity_provider"]["required"] is False
