"""The production clock: a platform whose clock is NOT settable (``ZD_CLOCK_SETTABLE`` unset), with the
wall clock of its processes faked by libfaketime. The date changes at midnight in China and nobody
calls an API: a measure's deadline passes and its overdue alert appears the next morning; screening
and supervision down over two midnights catch up on start, the days in order; a second screening
replica never publishes a day twice.

The faked clock runs days behind the real one (Kafka refuses record timestamps far in the future),
and the test reads the services' databases and topics: tokens issued by the real-time Keycloak
would look not yet valid to processes living three days earlier."""
from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.integration.helpers import publish, topic_events, wait_for
from tests.integration.test_supervision_support import envelope
from tests.support.platform import FakedWallClock, running_platform
from zhengdun.events.casework import MeasurePlanned
from zhengdun.events.screening import CampaignOpened, CampaignPhase, Criterion, PhaseWindow, Policy

CHINA = ZoneInfo("Asia/Shanghai")
VILLAGE = "990102101201"


@pytest.fixture(scope="module")
def faked(tmp_path_factory):
    clock = FakedWallClock(tmp_path_factory.mktemp("faketime"))
    real_today = datetime.now(CHINA).date()
    first = real_today - timedelta(days=3)
    clock.set(datetime.combine(first, time(12, 0), CHINA))   # noon: setting up never crosses midnight
    with running_platform(env={**clock.env(), "ZD_CLOCK_TICK_SECONDS": "0.5"}, settable=False) as platform:
        replica = platform.replica("screening")
        replica.start()
        yield platform, clock, first


def fetch(platform, service: str, query: str, *args):
    return asyncio.run(platform.fetch(service, query, *args))


def supervision_today(platform) -> date | None:
    rows = fetch(platform, "supervision", "select today from platform_clock")
    return rows[0][0] if rows else None


def overdue(platform, campaign_id: str) -> dict[str, date]:
    rows = fetch(platform, "supervision", "select key, raised_on from sv_alerts where campaign_id=$1 and rule=$2",
                 campaign_id, "measure_overdue")
    return {key.rsplit(":", 1)[1]: raised_on for key, raised_on in rows}


def days_published(platform) -> list[tuple[str, str | None]]:
    return [(e["data"]["today"], e["data"]["previous"]) for e in topic_events(platform, "screening")
            if e["type"] == "zhengdun.screening.clock.advanced.v1"]


def at(day: date, hour: int = 0, minute: int = 0, second: int = 5) -> datetime:
    return datetime.combine(day, time(hour, minute, second), CHINA)


def test_the_date_passes_at_midnight_in_china_and_services_catch_up_after_downtime(faked):
    platform, clock, first = faked
    # On start screening published the first day by itself: no PUT (none exists on this platform).
    wait_for(lambda: supervision_today(platform) == first, what=f"supervision's clock at {first}")

    campaign_id = f"PC-{uuid.uuid4().hex[:8]}"
    opened = CampaignOpened(
        campaign_id=campaign_id, name="生产时钟测试", area_code="990100000000",
        phases=(PhaseWindow(phase=CampaignPhase.SCREENING, starts_on=first - timedelta(days=60),
                            ends_on=first - timedelta(days=31)),
                PhaseWindow(phase=CampaignPhase.CONCENTRATED, starts_on=first - timedelta(days=30),
                            ends_on=first + timedelta(days=150))),
        criteria=(Criterion(code="weak_leadership", label="班子软弱"),), lagging_rule="星级评定倒排",
        policy=Policy(), opened_on=first - timedelta(days=60))
    ref = dict(case_id=f"case-{campaign_id}", campaign_id=campaign_id, village_code=VILLAGE,
               township_code=VILLAGE[:9] + "000", county_code=VILLAGE[:6] + "000000")
    measures = [MeasurePlanned(**ref, measure_id=f"{campaign_id}-m{n}", problem_id="p1", task_id="t1",
                               title=f"措施{n}", responsible="钱队长", deadline=first + timedelta(days=n),
                               planned_on=first - timedelta(days=10)) for n in (0, 1)]
    publish(platform, ("screening", envelope("screening", opened, "990100000000", campaign_id)),
            *(("casework", envelope("casework", m, VILLAGE, campaign_id)) for m in measures))
    wait_for(lambda: len(fetch(platform, "supervision", "select 1 from sv_measures where campaign_id=$1",
                               campaign_id)) == 2, what="both measures in supervision")
    assert overdue(platform, campaign_id) == {}   # due today: on time

    # Midnight in China passes in the processes' clock; the overdue alert appears the next morning.
    clock.set(at(first + timedelta(days=1)))
    m0, m1 = (m.measure_id for m in measures)
    wait_for(lambda: overdue(platform, campaign_id).get(m0), what="the overdue alert after midnight")
    assert overdue(platform, campaign_id) == {m0: first + timedelta(days=1)}
    assert supervision_today(platform) == first + timedelta(days=1)

    # Screening (both replicas) and supervision are down over two midnights; on start they catch up,
    # the missed days in order: the second measure's alert is raised on the day after its deadline,
    # not on the day the platform came back.
    replica = platform.replicas[0]
    for process in (replica, platform.services["screening"], platform.services["supervision"]):
        process.stop()
    clock.set(at(first + timedelta(days=3)))
    for process in (platform.services["supervision"], platform.services["screening"], replica):
        process.start(wait=False)
    for process in (platform.services["supervision"], platform.services["screening"], replica):
        process.wait_ready()
    last = first + timedelta(days=3)
    wait_for(lambda: supervision_today(platform) == last, what=f"supervision caught up to {last}")
    assert overdue(platform, campaign_id) == {m0: first + timedelta(days=1), m1: first + timedelta(days=2)}

    # Each day published exactly once, in order, each naming the one before, with two replicas ticking.
    days = [first + timedelta(days=n) for n in range(4)]
    assert days_published(platform) == [(d.isoformat(), (d - timedelta(days=1)).isoformat() if n else None)
                                        for n, d in enumerate(days)]
    assert [r[0] for r in fetch(platform, "screening", "select day from clock_days order by day")] == days
