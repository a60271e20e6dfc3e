"""The acceptance ladder alone (issue 20): the campaign benchmark's acceptance stages against one platform, without
the screening, casework and six months before them, for a quick measure of the acceptance service's CPU per call.

The acceptances are opened the real way (CampaignOpened and CaseReadyForAcceptance on the run's topics, as
screening and casework publish them), all in the demo city's village 990102101201, each of a campaign of its own (the
spot checks draw villages: one village of a campaign is one acceptance); the demo users take every step
as the campaign benchmark does (zhengdun_demo.acceptance_steps), 16 at once; then the city's and the province's spot
checks, the public notice and delisting. Every user logs in before the measure (a person logs in once): the figures
are the steps' own. Each stage prints the CPU ms per call by process (tests/benchmarks/cpu.py) and the load average.

Run alone (starts its own platform):
    uv run --frozen python -m tests.benchmarks.acceptance_ladder            # 60 villages
    ZD_LADDER_VILLAGES=90 ZD_BENCH_PROFILE=1 uv run --frozen python -m tests.benchmarks.acceptance_ladder
ZD_BENCH_PROFILE=1: py-spy on the acceptance service for each stage (tests/benchmarks/profiling.py); ZD_LADDER_GIL=1 as
well: only the samples holding the GIL (its CPU, not its waits), 200 a second, in the run's log folder.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from tests.benchmarks import BENCH_ENV
from tests.benchmarks.cpu import CpuMeter
from tests.benchmarks.profiling import profiled
from tests.integration.helpers import load_demo_divisions, send
from tests.integration.test_acceptance_flow import CITY, COUNTY, TOWNSHIP, VILLAGE, campaign, envelope, user_id
from zhengdun.events.casework import CaseReadyForAcceptance, Person
from zhengdun.roles import ReviewDepartment
from zhengdun_demo import acceptance_steps as acc
from zhengdun_demo.api import Platform as Api

VILLAGES = int(os.environ.get("ZD_LADDER_VILLAGES", "60"))
CLIENTS = int(os.environ.get("ZD_BENCH_CLIENTS", "16"))
ACCEPTED_ON, NOTICED_ON, DELISTED_ON = date(2021, 2, 18), date(2021, 2, 25), date(2021, 3, 10)
COUNTY_PEOPLE = {"org": "county_org", "committee": "county_committee", "secretary": "county_secretary",
                 **{f"review-{d.value}": d.role for d in ReviewDepartment}}
USERS = ["team_leader", "village_secretary", "township_org", "township_principal", "city_org", "province_org", "ops",
         *COUNTY_PEOPLE.values()]


class Ladder:
    def __init__(self, platform, api: Api):
        self.platform, self.api, self.meter = platform, api, CpuMeter(platform)
        run = uuid.uuid4().hex[:6]
        self.campaigns = [f"ladder-{run}-{n}" for n in range(VILLAGES)]
        self.acceptances: dict[str, str] = {}    # campaign → its acceptance

    def open(self) -> None:
        self.api.set_clock(ACCEPTED_ON.isoformat(), 600)
        leader = Person(name="队长", user_id=user_id("team_leader"))
        contact = Person(name="联系领导", user_id=user_id("contact_leader"))
        send(self.platform, "screening", *(envelope(campaign(c), CITY, "screening", c) for c in self.campaigns))
        send(self.platform, "casework", *(envelope(CaseReadyForAcceptance(
            case_id=f"{c}-case", campaign_id=c, village_code=VILLAGE, township_code=TOWNSHIP, county_code=COUNTY,
            ready_on=ACCEPTED_ON, measures=3, team_leader=leader, team_members=(), contact_leader=contact),
            VILLAGE, "casework", c) for c in self.campaigns))
        params = {"village": VILLAGE, "stage": "ready"}

        def opened() -> bool:
            found = {a["campaign_id"]: a["acceptance_id"]
                     for a in self.api.all_pages("county_org", "acceptance", "/acceptances", params)}
            self.acceptances = {c: found[c] for c in self.campaigns if c in found}
            return len(self.acceptances) == VILLAGES
        self.api.wait(opened, "the acceptances to open", 600, interval=1)
        for c in self.campaigns:
            self.api.put("city_org", "acceptance", f"/campaigns/{c}/standard", acc.STANDARD)
        for user in USERS:   # each person logs in once, before the measure
            self.api.token(user)

    def ladder(self, campaign_id: str) -> None:
        acceptance_id = self.acceptances[campaign_id]
        acc.apply_and_check(self.api, acceptance_id, "team_leader", "village_secretary")
        acc.township_preliminary(self.api, acceptance_id, "township_org", "township_principal", ACCEPTED_ON)
        acc.county_acceptance(self.api, acceptance_id, COUNTY_PEOPLE, ACCEPTED_ON)
        acc.survey(self.api, acceptance_id, "county_org", satisfied_share=0.9)

    def spot_checks(self, campaign_id: str) -> None:
        for level, user in (("city", "city_org"), ("province", "province_org")):
            sample = self.api.post(user, "acceptance", "/spot-checks", {
                "campaign_id": campaign_id, "county_code": COUNTY, "seed": f"{level}-{campaign_id}"})
            if sample["chosen"]:   # the campaign's one village
                self.api.post(user, "acceptance", f"/acceptances/{self.acceptances[campaign_id]}/spot-checks/{level}",
                              {"passed": True, "findings": "抽查属实"})

    def notice(self, campaign_id: str) -> None:
        self.api.post("township_org", "acceptance", f"/acceptances/{self.acceptances[campaign_id]}/notice",
                      {"place": "村务公开栏及乡镇政府公示栏"})

    def delist(self, campaign_id: str) -> None:
        self.api.post("county_org", "acceptance", f"/acceptances/{self.acceptances[campaign_id]}/delist",
                      {"objection_upheld": False})

    async def each(self, step) -> None:
        limit = asyncio.Semaphore(CLIENTS)

        async def one(item) -> None:
            async with limit:
                await asyncio.to_thread(step, item)
        await asyncio.gather(*(one(c) for c in self.campaigns))

    @contextlib.contextmanager
    def profiled(self, label: str):
        if not os.environ.get("ZD_LADDER_GIL"):
            with profiled(self.platform, ["acceptance"], label):
                yield
            return
        output = self.platform.log_dir / f"acceptance.{label}.gil.pyspy.txt"
        spy = subprocess.Popen(["uvx", "py-spy", "record", "--pid", str(self.platform.services["acceptance"].process.pid),
                                "--format", "raw", "--rate", "200", "--gil", "--nonblocking", "--output", str(output)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(3)
        try:
            yield
        finally:
            spy.send_signal(2)
            spy.wait(60)
            print(f"profile: {output}")

    async def stage(self, name: str, work) -> None:
        calls, before, started = self.api.calls, self.meter.snapshot(), time.perf_counter()
        with self.profiled(f"ladder-{name.split()[0]}"):
            await work()
        seconds = time.perf_counter() - started
        calls = self.api.calls - calls
        load = os.getloadavg()[0]
        await asyncio.to_thread(self.api.settle, 600)
        per_call = self.meter.per_call(before, self.meter.snapshot(), calls)
        print(f"  {name}: {calls:,} calls in {seconds:.1f} s (load average {load:.1f})\n    CPU ms per call: "
              + ", ".join(f"{process} {seconds * 1000:.1f}" for process, seconds in per_call.items() if seconds >= 0.00005),
              flush=True)

    async def run(self) -> None:
        await asyncio.to_thread(self.open)
        await self.stage("ladder (signatures, seals, survey)", lambda: self.each(self.ladder))
        await asyncio.to_thread(self.api.set_clock, NOTICED_ON.isoformat(), 600)
        await self.stage("spot checks", lambda: self.each(self.spot_checks))
        await self.stage("notice", lambda: self.each(self.notice))
        await asyncio.to_thread(self.api.set_clock, DELISTED_ON.isoformat(), 600)
        await self.stage("delisting", lambda: self.each(self.delist))
        slowest = sorted(self.api.slowest.items(), key=lambda item: -item[1])[:5]
        print("  slowest calls: " + ", ".join(f"{label} {seconds:.2f} s" for label, seconds in slowest))


async def _main(platform) -> None:
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(CLIENTS))
    from tests.support.platform import KAFKA_BOOTSTRAP
    api = Api(urls={s: platform.url(s) for s in ("screening", "casework", "supervision", "acceptance", "reporting")},
              topic_prefix=platform.topic_prefix, kafka_bootstrap=KAFKA_BOOTSTRAP, timeout=600)
    print(f"acceptance ladder: {VILLAGES} acceptances, {CLIENTS} clients at once", flush=True)
    await Ladder(platform, api).run()


if __name__ == "__main__":
    from tests.support.platform import Platform, ensure_infrastructure

    ensure_infrastructure()
    platform = Platform(env=BENCH_ENV)
    platform.start()
    try:
        load_demo_divisions(platform)
        asyncio.run(_main(platform))
    finally:
        platform.stop()
