"""A province's whole campaign through the public APIs (issue 20): a benchmark, not a test.

The synthetic province of the run (already imported by ``make bench``; ZD_BENCH_VILLAGES sets its size) goes
through every stage of a campaign, each step taken with the real token of the person who takes it, many at a
time (ZD_BENCH_CLIENTS, as the counties and townships would be working at once): opening, accounts, screening
of every township (assess + meeting + notice + submit), the counties' decisions, ~10% of the villages getting
their plans (3 measures each), six months of progress and contact-leader visits, the acceptance ladder with its
signatures and seals and the satisfaction surveys, the city's and province's spot checks, public notice and
delisting. Each stage's time and rate is printed and recorded. The steps are the demo's (``zhengdun_demo``),
run in worker threads from asyncio.

At the end the reporting figures of the province and of one county are compared with the ground truth counted
here (``Truth``); a difference raises. Other benchmarks of the same run may have left campaigns of their own:
their figures are read first (as of the same date) and only the difference is compared, and the villages they
designated are not listed again here.

Run alone (starts its own platform and imports the province first):
    ZD_BENCH_VILLAGES=1000 uv run --frozen python -m tests.benchmarks.campaign
``make bench`` runs it after the reads; ZD_BENCH_CAMPAIGN=0 leaves it out. ZD_BENCH_CAMPAIGN_VILLAGES (default 1,000)
bounds it to whole counties of the province up to that many villages; each stage's time is projected to the whole
province from the measured rate — by its villages, or for the stages that work case by case by its ~5,000 cases
(PROVINCE_LISTED_SHARE) — except the time spent moving the business clock on (a barrier of the whole province's,
passed as often at any size); the CPU each process spent per call in the stage and how busy the cores were are
printed beside it (tests/benchmarks/cpu.py).
The accounts it creates in the shared Keycloak (usernames ending in the run's id) are removed at the end.
"""
from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

from tests.benchmarks import BENCH_ENV, province_rows
from tests.benchmarks.cpu import CpuMeter
from tests.benchmarks.figures import record
from tests.benchmarks.profiling import profiled
from zhengdun_demo import acceptance_steps as acc
from zhengdun_demo import casework_steps as cw
from zhengdun_demo import people as cast
from zhengdun_demo import screening_steps as steps
from zhengdun_demo.api import SCENARIO_PASSWORD, Platform as Api
from zhengdun_demo.client import GRANTS
from zhengdun.roles import Role

CLIENTS = int(os.environ.get("ZD_BENCH_CLIENTS", "16"))
# The campaign runs on whole counties of the province up to this many villages (the rest stay in the campaign's
# area, unscreened): the whole province takes hours; the times are projected to it from the measured rate.
CAMPAIGN_VILLAGES = int(os.environ.get("ZD_BENCH_CAMPAIGN_VILLAGES", "1000"))
# Accounts are created as the counties would set up their units' users: a POST /users/bulk per county, 4 at once.
ACCOUNT_CLIENTS = 4
MANAGER = "province_org"                       # creates the accounts, opens the campaign, reads the figures
OPENED, ASSESSED, SUBMITTED, CONFIRMED = date(2020, 7, 1), date(2020, 8, 10), date(2020, 8, 14), date(2020, 8, 20)
STAFFED, PLANNED = date(2020, 8, 22), date(2020, 9, 2)
MONTHS = [date(2020, 9, 15), date(2020, 10, 15), date(2020, 11, 15), date(2020, 12, 15), date(2021, 1, 15),
          date(2021, 2, 15)]
DEADLINES = [date(2020, 12, 31), date(2021, 1, 31), date(2021, 2, 28)]   # measure n is completed in month 3 + n
ACCEPTED_ON, NOTICED_ON, DELISTED_ON = date(2021, 2, 18), date(2021, 2, 25), date(2021, 3, 10)
# The province's cases the issue names: ~5,000 of its 50,000 villages. The stages that work case by case are projected
# by it, not by the villages: inside ``make bench`` other benchmarks have designated some of the measured part's
# villages already, and fewer cases (70 instead of 100) projected by the villages alone would mean a smaller campaign.
PROVINCE_LISTED_SHARE = 0.10
SLOW_EVERY = 10                                # every tenth case leaves its last measure unfinished: never accepted
FIGURES = ("villages_in_campaign", "villages_screened", "designated", "listed", "acceptances_passed", "delisted",
           "transformed")


@dataclass
class Truth:
    """What the benchmark did, counted by itself: the figures must say the same."""

    villages: dict[str, list[str]] = field(default_factory=dict)     # township → its villages (the campaign's part)
    registry: list[str] = field(default_factory=list)                # every village of the province
    screened_before: set[str] = field(default_factory=set)          # screened by other benchmarks' campaigns
    listed: dict[str, str] = field(default_factory=dict)             # village → category
    accepted: set[str] = field(default_factory=set)
    delisted: set[str] = field(default_factory=set)

    def expected(self, area: str) -> dict[str, int]:
        """What each figure of ``area`` (the province, or a county) must show: the whole area screened, and the
        change over the run of the counted ones."""
        def inside(villages) -> int:
            return sum(1 for v in villages if v.startswith(_prefix(area)))
        screened = inside({v for vs in self.villages.values() for v in vs} | self.screened_before)
        return {"villages_in_campaign": inside(self.registry), "villages_screened": screened,
                "designated": inside(self.listed), "listed": inside(self.listed) - inside(self.delisted),
                "acceptances_passed": inside(self.accepted), "delisted": inside(self.delisted),
                "transformed": inside(self.delisted)}


def _prefix(area: str) -> str:
    """The code digits every division under ``area`` starts with (province 2, city 4, county 6)."""
    return area[:2] if area.endswith("0" * 10) else area[:4] if area.endswith("0" * 8) else area[:6]


def _criterion(village: str) -> str:
    """The criterion a weak and lax village of the benchmark meets (varied across the ten)."""
    return steps.CRITERIA[(int(village[-2:]) - 1) % 9]


@dataclass
class People:
    """The accounts of the run: one set per city, county, township and listed village (usernames end in the run's id)."""

    suffix: str
    cities: dict[str, str] = field(default_factory=dict)                     # city → org staff username
    counties: dict[str, dict[str, cast.Person]] = field(default_factory=dict)
    townships: dict[str, dict[str, cast.Person]] = field(default_factory=dict)
    villages: dict[str, dict[str, cast.Person]] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)                        # username → user id

    def own(self, people: dict[str, cast.Person]) -> dict[str, cast.Person]:
        return {k: dataclasses.replace(p, username=f"{p.username}.{self.suffix}") for k, p in people.items()}

    def everyone(self) -> list[cast.Person]:
        groups = [*self.counties.values(), *self.townships.values(), *self.villages.values()]
        return [p for group in groups for p in group.values()]

    def contact_leader(self, village: str) -> cast.Person:
        county = self.counties[village[:6] + "000000"]
        return county[f"leader{int(village[6:9]) % 3 + 1}"]


@dataclass
class Case:
    village: str
    case_id: str = ""
    problems: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    acceptance_id: str = ""
    slow: bool = False                 # its last measure stays unfinished: it is never accepted


def campaign_counties(rows, limit: int) -> list[str]:
    """The counties the campaign works through: whole counties in code order while their villages stay within
    ``limit`` (at least one; a county confirms its list only once all its townships have submitted)."""
    villages: dict[str, int] = {}
    for row in rows:
        if row.kind:
            county = row.code[:6] + "000000"
            villages[county] = villages.get(county, 0) + 1
    chosen, total = [], 0
    for county in sorted(villages):
        if chosen and total + villages[county] > limit:
            break
        chosen.append(county)
        total += villages[county]
    return chosen


class CampaignBench:
    def __init__(self, api: Api, rows, run_id: str, meter: CpuMeter | None = None,
                 limit: int = CAMPAIGN_VILLAGES, profiled=lambda label: contextlib.nullcontext()):
        self.api = api
        self.meter = meter
        self.profiled, self.stages = profiled, 0
        self.province = rows[0].code
        self.counties = campaign_counties(rows, limit)
        self.cities = sorted({county[:4] + "00000000" for county in self.counties})
        self.truth = Truth()
        for row in rows:
            if row.kind:
                self.truth.registry.append(row.code)
                if row.code[:6] + "000000" in self.counties:
                    self.truth.villages.setdefault(row.parent_code, []).append(row.code)
        self.people = People(run_id)
        self.campaign_id = ""
        self.cases: dict[str, Case] = {}
        self.baseline: dict[str, dict[str, int]] = {}
        self.village_count = sum(len(v) for v in self.truth.villages.values())
        self.province_villages = len(self.truth.registry)
        self.scale = self.province_villages / self.village_count   # from the measured part to the whole province
        self.clock_seconds = 0.0    # spent moving the business clock on (day), a barrier that does not grow
        self.projected = 0.0        # the stages' times projected to the whole province, summed
        self.not_growing = 0.0      # the stages done on the whole province already (opening), their time
        self.growing = 0.0          # the growing stages' times, clock moves left out, summed

    @property
    def case_scale(self) -> float:
        """From the cases here to the province's (PROVINCE_LISTED_SHARE of its villages)."""
        return self.province_villages * PROVINCE_LISTED_SHARE / max(len(self.truth.listed), 1)

    # -- the frame --------------------------------------------------------------------------
    async def each(self, items, step, clients: int = CLIENTS) -> None:
        """``step(item)`` for every item, ``clients`` at a time (the loop's executor has CLIENTS threads)."""
        limit = asyncio.Semaphore(clients)

        async def one(item) -> None:
            async with limit:
                await asyncio.to_thread(step, item)
        await asyncio.gather(*(one(item) for item in items))

    async def stage(self, name: str, work, count, *, grows: bool = True, by_cases: bool = False) -> None:
        """Runs one stage; ``count()`` after it says how many of what it did, for the rate. ``grows``: the stage's
        work grows with the villages (opening the campaign is done on the whole province already); ``by_cases``:
        with the cases (the province's ~5,000 against the cases here)."""
        calls, started, clock_before = self.api.calls, time.perf_counter(), self.clock_seconds
        cpu, grants = (self.meter.snapshot() if self.meter else None), dict(GRANTS)
        applied = self.meter.events_applied() if self.meter else None
        machine = CpuMeter.machine()
        with self.profiled(f"campaign{self.stages}"):   # ZD_BENCH_PROFILE=1: py-spy on the five services
            await work()
        self.stages += 1
        seconds = time.perf_counter() - started
        busy = self.meter and CpuMeter.busy_line(cpu, self.meter.snapshot(), machine, CpuMeter.machine(), seconds)
        amount, unit = count()
        calls = self.api.calls - calls
        rate = f"{amount / seconds:,.1f} {unit}/s, {calls / seconds:,.0f} calls/s"
        # The other stages grow with the villages (accounts with the villages, draws with the counties) or with the
        # cases (by_cases); moving the clock on does not: it is a barrier of the whole province's (every event of the
        # day read by every service, then the new date seen by all), passed as many times at 50,000 villages as here.
        clock = self.clock_seconds - clock_before
        scale = self.case_scale if by_cases else self.scale
        whole_province = clock + (seconds - clock) * scale if grows else seconds
        self.growing += seconds - clock if grows else 0.0
        self.not_growing += 0 if grows else seconds
        self.projected += whole_province
        province = (f"{self.province_villages * PROVINCE_LISTED_SHARE:,.0f} cases" if by_cases
                    else f"{self.province_villages:,} villages")
        projected = f"at {province} ≈ {whole_province / 60:.0f} min" if grows else "done on the whole province"
        moved = f", of which {clock:.1f} s moving the clock on (not scaled)" if grows and clock else ""
        print(f"  {name}: {amount:,} {unit}, {calls:,} calls in {seconds:.1f} s{moved} = {rate}; {projected} "
              f"(load average {os.getloadavg()[0]:.1f})", flush=True)
        if cpu:
            # The events of the stage may still be on their way: settled first, so each consumer's CPU per event
            # counts the events the stage caused (the idle polling meanwhile is in it too).
            await asyncio.to_thread(self.api.settle, 600)
            after = self.meter.snapshot()
            print("    " + self.meter.line(self.meter.per_call(cpu, after, calls)), flush=True)
            print("    " + busy, flush=True)
            print("    " + self.meter.per_event(cpu, after, applied, self.meter.events_applied()), flush=True)
        # A password grant makes Keycloak hash the password: one per person at their first step, never one per call.
        print("    Keycloak token grants: " + ", ".join(f"{kind} {GRANTS[kind] - grants.get(kind, 0)}"
                                                      for kind in ("password", "refresh_token")), flush=True)
        record(f"campaign: {name}", f"{seconds:.1f} s ({rate})", "—")

    async def day(self, when: date) -> None:
        """The business clock moved on, once every event so far has reached every service (the demo's way)."""
        started = time.perf_counter()
        await asyncio.to_thread(self.api.set_clock, when.isoformat(), 600)
        self.clock_seconds += time.perf_counter() - started

    # -- stages -----------------------------------------------------------------------------
    async def open_campaign(self) -> None:
        self.baseline = {area: self.figures(area) for area in (self.province, self.counties[0])}
        taken = set()
        if self.baseline[self.province]["designated"]:   # another benchmark's campaign: leave its villages alone
            taken = {v["code"] for v in self.api.all_pages(MANAGER, "reporting", f"/figures/{self.province}/villages",
                                                            {"figure": "designated", "date": DELISTED_ON.isoformat()})}
        if self.baseline[self.province]["villages_screened"]:   # the rest of the province may be screened already
            self.truth.screened_before = {v["code"] for v in self.api.all_pages(
                MANAGER, "reporting", f"/figures/{self.province}/villages",
                {"figure": "screened", "date": DELISTED_ON.isoformat()})}
        for township, villages in self.truth.villages.items():
            free = [v for v in villages if v not in taken]
            for n, village in enumerate(free[:5]):   # about a tenth: 3 weak and lax, 2 lagging per 50
                self.truth.listed[village] = "weak_and_lax" if n < 3 else "lagging"
        await self.day(OPENED)
        self.campaign_id = self.api.post(MANAGER, "screening", "/campaigns", {
            "name": "示范省软弱涣散和后进村党组织集中整顿（基准）", "area_code": self.province,
            "opened_on": OPENED.isoformat()})["campaign_id"]

    async def accounts(self) -> None:
        people = self.people
        for city in self.cities:
            people.cities[city] = "city_org" if city == "990100000000" else f"y{city[:4]}-org.{people.suffix}"
        for county in self.counties:
            people.counties[county] = people.own(cast.county_people(county))
        for township in self.truth.villages:
            people.townships[township] = people.own(cast.township_people(township))
        for village in self.truth.listed:
            crew = cast.village_people(village)
            people.villages[village] = people.own({"leader": crew["leader"], "secretary": crew["secretary"]})
        everyone = people.everyone() + [cast.Person(username, "市", "组织部", city, (str(Role.ORG_STAFF),))
                                        for city, username in people.cities.items() if username != "city_org"]
        by_county: dict[str, list[cast.Person]] = {}   # a city's own staff go with the city's first county
        for person in everyone:
            by_county.setdefault(person.unit[:6] if person.unit[4:6] != "00" else person.unit[:4], []).append(person)

        def create(people_of_one_county: list[cast.Person]) -> None:   # as a county's clerk sets up its units' users
            made = self.api.post(MANAGER, "screening", "/users/bulk", {"users": [
                {"username": p.username, "family_name": p.family_name, "given_name": p.given_name, "unit": p.unit,
                 "roles": list(p.roles), "initial_password": SCENARIO_PASSWORD} for p in people_of_one_county]})
            people.ids.update({item["username"]: item["id"] for item in made["items"]})
        await self.each(list(by_county.values()), create, ACCOUNT_CLIENTS)

    async def screen(self) -> None:
        await self.day(ASSESSED)
        await self.each(self.truth.villages, self.assess_township)
        await self.day(SUBMITTED)
        await self.each(self.truth.villages, lambda township: steps.prepare_and_submit(
            self.api, self.people.townships[township]["staff"].username, self.campaign_id, township,
            date(2020, 8, 5), (date(2020, 8, 6), date(2020, 8, 12)), SUBMITTED))

    def assess_township(self, township: str) -> None:
        villages = self.truth.villages[township]
        entries, lagging_rank = [], len(villages)
        for n, village in enumerate(villages):
            category = self.truth.listed.get(village)
            if category == "weak_and_lax":
                entries.append(steps.assessment(village, (_criterion(village),), category))
            elif category == "lagging":
                entries.append(steps.assessment(village, (), category, rank=lagging_rank, out_of=len(villages)))
                lagging_rank -= 1
            else:
                entries.append(steps.assessment(village, (), "neither"))
        self.api.post(self.people.townships[township]["staff"].username, "screening",
                      f"{steps.round_path(self.campaign_id, township)}/assessments",
                      {"assessed_on": ASSESSED.isoformat(), "assessments": entries})

    async def decide(self) -> None:
        await self.day(CONFIRMED)
        await self.each(self.counties, lambda county: self.api.post(
            self.people.counties[county]["committee"].username, "screening",
            f"/campaigns/{self.campaign_id}/rounds/R1/counties/{county}/confirm",
            {"decision_number": f"县委常委会〔2020〕{county[4:6]}号", "decided_on": CONFIRMED.isoformat()}))
        params = {"campaign_id": self.campaign_id}
        self.api.wait(lambda: self.api.get(MANAGER, "casework", "/cases", params={**params, "size": 1})["total"]
                      == len(self.truth.listed), "one case per listed village", 900, interval=1)
        for case in self.api.all_pages(MANAGER, "casework", "/cases", params):
            self.cases[case["village_code"]] = Case(case["village_code"], case["case_id"])
        for n, village in enumerate(sorted(self.cases)):
            self.cases[village].slow = n % SLOW_EVERY == SLOW_EVERY - 1

    async def plan(self) -> None:
        await self.day(STAFFED)
        await self.each(self.cases.values(), self.staff_case)
        await self.day(PLANNED)
        await self.each(self.cases.values(), self.plan_case)

    def staff_case(self, case: Case) -> None:
        org = self.people.counties[case.village[:6] + "000000"]["org"].username
        crew = self.people.villages[case.village]
        # The demo's step with the run's own accounts standing in for the demo's usernames.
        team = {"leader": {"name": crew["leader"].name, "post": "县委组织部干部（工作队队长）", "rank": "section",
                           "unit": case.village, "user_id": self.people.ids.get(crew["leader"].username)},
                "members": [{"name": "乡镇干部甲"}, {"name": "县直部门干部乙"}], "stationed_on": STAFFED.isoformat()}
        self.api.put(org, "casework", f"/cases/{case.case_id}/team", team)
        cw.assign_contact_leader(self.api, org, case.case_id, self.people.contact_leader(case.village), STAFFED,
                                 self.people.ids)

    def plan_case(self, case: Case) -> None:
        criteria = () if self.truth.listed[case.village] == "lagging" else (_criterion(case.village),)
        case.problems, case.measures = cw.plan_case(self.api, self.people.villages[case.village]["leader"].username,
                                                    case.case_id, criteria, DEADLINES, PLANNED)

    async def rectify(self) -> None:
        for month in MONTHS:
            await self.day(month)
            await self.each(self.cases.values(), lambda case: self.work_month(case, month))

    def work_month(self, case: Case, month: date) -> None:
        leader = self.people.contact_leader(case.village).username
        for day in (8, 12):
            cw.visit(self.api, leader, case.case_id, month.replace(day=day), case.problems[:1])
        this_month = MONTHS.index(month)
        for n, measure in enumerate(case.measures):
            finish = len(MONTHS) - len(case.measures) + n    # one measure finished in each of the last three months
            if this_month > finish:
                continue
            complete = this_month == finish and not (case.slow and n == len(case.measures) - 1)
            cw.progress(self.api, self.people.villages[case.village]["leader"].username, case.case_id, measure, month,
                        complete=complete)

    async def accept(self) -> None:
        await self.day(ACCEPTED_ON)
        ready = {v for v, case in self.cases.items() if not case.slow}
        self.api.put(MANAGER, "acceptance", f"/campaigns/{self.campaign_id}/standard", acc.STANDARD)
        params = {"campaign_id": self.campaign_id, "stage": "ready"}
        self.api.wait(lambda: self.api.get(MANAGER, "acceptance", "/acceptances", params={**params, "size": 1})["total"]
                      == len(ready), "acceptances opened for the finished cases", 900, interval=1)
        for item in self.api.all_pages(MANAGER, "acceptance", "/acceptances", params):
            self.cases[item["village_code"]].acceptance_id = item["acceptance_id"]
        await self.each([self.cases[v] for v in sorted(ready)], self.acceptance_ladder)

    def acceptance_ladder(self, case: Case) -> None:
        crew, county = self.people.villages[case.village], self.people.counties[case.village[:6] + "000000"]
        township = self.people.townships[case.village[:9] + "000"]
        acc.apply_and_check(self.api, case.acceptance_id, crew["leader"].username, crew["secretary"].username)
        acc.township_preliminary(self.api, case.acceptance_id, township["staff"].username,
                                 township["principal"].username, ACCEPTED_ON)
        acc.county_acceptance(self.api, case.acceptance_id, {k: p.username for k, p in county.items()}, ACCEPTED_ON)
        acc.survey(self.api, case.acceptance_id, county["org"].username, satisfied_share=0.9)
        self.truth.accepted.add(case.village)

    async def spot_checks(self) -> None:
        await self.day(NOTICED_ON)
        await self.each(self.counties, self.spot_check_county)

    def spot_check_county(self, county: str) -> None:
        city = county[:4] + "00000000"
        for level, user in (("city", self.people.cities[city]), ("province", MANAGER)):
            sample = self.api.post(user, "acceptance", "/spot-checks", {
                "campaign_id": self.campaign_id, "county_code": county, "seed": f"{level}-{county}"})
            for village in sample["chosen"]:
                self.api.post(user, "acceptance", f"/acceptances/{self.cases[village].acceptance_id}/spot-checks/{level}",
                              {"passed": True, "findings": "抽查属实"})

    async def delist(self) -> None:
        accepted = [self.cases[v] for v in sorted(self.truth.accepted)]
        await self.each(accepted, lambda case: self.api.post(
            self.people.townships[case.village[:9] + "000"]["staff"].username, "acceptance",
            f"/acceptances/{case.acceptance_id}/notice", {"place": "村务公开栏及乡镇政府公示栏"}))
        await self.day(DELISTED_ON)

        def delist(case: Case) -> None:
            self.api.post(self.people.counties[case.village[:6] + "000000"]["org"].username, "acceptance",
                          f"/acceptances/{case.acceptance_id}/delist", {"objection_upheld": False})
            self.truth.delisted.add(case.village)
        await self.each(accepted, delist)

    # -- the check --------------------------------------------------------------------------
    def figures(self, area: str) -> dict[str, int]:
        figures = self.api.get(MANAGER, "reporting", f"/figures/{area}", params={"date": DELISTED_ON.isoformat()})["figures"]
        return {key: figures[key] for key in FIGURES}

    def compare(self) -> list[str]:
        self.api.settle(600)
        differences = []
        print("  figures (reporting's change over the run | counted by the benchmark):")
        for area in (self.province, self.counties[0]):
            got, before = self.figures(area), self.baseline[area]
            for key, want in self.truth.expected(area).items():
                value = got[key] if key.startswith("villages_") else got[key] - before[key]
                mark = "" if value == want else "   ← DIFFERS"
                print(f"    {area} {key}: {value} | {want}{mark}")
                if value != want:
                    differences.append(f"{area} {key}: reporting {value}, benchmark {want}")
        return differences

    async def run(self) -> None:
        listed = lambda: (len(self.truth.listed), "villages listed")   # noqa: E731
        villages = self.village_count
        print(f"campaign benchmark: {villages:,} of the province's {self.province_villages:,} villages, "
              f"{len(self.truth.villages):,} townships, {len(self.counties)} counties, {CLIENTS} clients at once",
              flush=True)
        if self.meter:
            print("  " + await asyncio.to_thread(self.meter.idle), flush=True)
        started = time.perf_counter()
        await self.stage("opening the province campaign", self.open_campaign, lambda: (1, "campaigns"), grows=False)
        await self.stage("accounts (city, county, township, village people)", self.accounts,
                         lambda: (len(self.people.everyone()), "users"))
        await self.stage("screening of every township (assess + meeting + notice + submit)", self.screen,
                         lambda: (villages, "villages"))
        await self.stage("county decisions until every case is open", self.decide, listed, by_cases=True)
        await self.stage("teams, contact leaders and plans (3 measures each)", self.plan,
                         lambda: (len(self.cases), "cases"), by_cases=True)
        await self.stage("six months of progress and visits", self.rectify,
                         lambda: (len(self.cases) * len(MONTHS), "case-months"), by_cases=True)
        await self.stage("acceptance ladder (signatures, seals, survey)", self.accept,
                         lambda: (len(self.truth.accepted), "villages"), by_cases=True)
        await self.stage("city and province spot checks", self.spot_checks, lambda: (len(self.counties) * 2, "draws"))
        await self.stage("public notice and delisting", self.delist, lambda: (len(self.truth.delisted), "villages"),
                         by_cases=True)
        total = time.perf_counter() - started
        projected = self.projected
        by_villages = total + self.growing * (self.scale - 1)   # each growing stage's work × the villages' scale
        everything_scaled = self.not_growing + (total - self.not_growing) * self.scale
        print(f"  whole campaign: {total:.1f} s, {self.api.calls:,} calls ({self.api.calls / total:,.1f} calls/s, "
              f"load average {os.getloadavg()[0]:.1f}); at this rate the province's {self.province_villages:,} "
              f"villages and ≈ {self.province_villages * PROVINCE_LISTED_SHARE:,.0f} cases would take "
              f"≈ {projected / 60:.0f} min (scaled by the villages alone, as {len(self.truth.listed):,} cases here "
              f"would make {len(self.truth.listed) * self.scale:,.0f}: ≈ {by_villages / 60:.0f} min; "
              f"{everything_scaled / 60:.0f} min if moving the clock on were scaled too)")
        slowest = sorted(self.api.slowest.items(), key=lambda item: -item[1])[:5]
        print("  slowest calls: " + ", ".join(f"{label} {seconds:.1f} s" for label, seconds in slowest))
        whole = villages == self.province_villages
        record(f"a province's whole campaign ({villages:,} villages, {len(self.truth.listed):,} cases, {CLIENTS} clients)",
               f"{total / 60:.1f} min" + ("" if whole else f"; whole province ≈ {projected / 60:.0f} min (projected)"),
               "≤ 30 min at 50,000 villages",
               met=total <= 1800 if whole and villages >= 50_000 else None)
        differences = await asyncio.to_thread(self.compare)
        if differences:
            raise AssertionError("the reporting figures differ from the benchmark's ground truth: " + "; ".join(differences))
        print("  the reporting figures equal the ground truth")


def bench_campaign(platform) -> None:
    """Called by tests/bench.py after the service benchmarks, on the same platform and imported province."""
    from tests.support.platform import KAFKA_BOOTSTRAP

    api = Api(urls={s: platform.url(s) for s in ("screening", "casework", "supervision", "acceptance", "reporting")},
              topic_prefix=platform.topic_prefix, kafka_bootstrap=KAFKA_BOOTSTRAP, timeout=600)
    bench = CampaignBench(api, province_rows(), platform.run_id, CpuMeter(platform),
                          profiled=lambda label: profiled(platform, platform.services, label))
    try:
        asyncio.run(_with_threads(bench.run()))
    finally:
        _remove_accounts(platform.run_id, {p.username for p in bench.people.everyone()}
                         | {u for u in bench.people.cities.values() if u != "city_org"})


async def _with_threads(work):
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(CLIENTS))
    return await work


def _remove_accounts(run_id: str, usernames: set[str]) -> None:
    """Keycloak is shared by every run: the benchmark's accounts would otherwise slow every later users list."""
    from tests.integration.test_identity import keycloak_admin
    admin = keycloak_admin()
    for user in admin.get_users({"search": f"*.{run_id}", "max": 100000, "briefRepresentation": True}):
        if user["username"] in usernames:
            admin.delete_user(user["id"])


if __name__ == "__main__":
    from tests.benchmarks.figures import print_table
    from tests.integration.helpers import all_copies_agree, import_csv, wait_for
    from tests.support.platform import Platform, ensure_infrastructure
    from zhengdun_demo.synthetic import to_csv

    ensure_infrastructure()
    platform = Platform(env=BENCH_ENV)
    platform.start()
    try:
        started = time.perf_counter()
        assert import_csv(platform, to_csv(province_rows())).status_code == 200
        wait_for(lambda: all_copies_agree(platform), timeout=1800, interval=1, what="copies to agree")
        print(f"registry import: {time.perf_counter() - started:.1f} s")
        bench_campaign(platform)
        print_table()
    finally:
        platform.stop()
