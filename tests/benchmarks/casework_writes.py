"""Casework's write path alone (issue 20): what one write costs casework's process and its PostgreSQL backends.

The campaign benchmark's case stages, cut down to casework's writes: ZD_BENCH_CASES cases (one village designated
by as many campaigns, so the demo's village users can write to every one), then as ZD_BENCH_CLIENTS clients at once
the plans (team, contact leader, 3 problems, tasks and measures per case) and ZD_BENCH_MONTHS months of two visits
and a progress record per unfinished measure (a completed one with its evidence uploaded first). Each stage prints
casework's CPU ms per call and that of the PostgreSQL backends of casework's database (the others' CPU is printed
too, but supervision's and reporting's consumers are not this driver's subject). Starts its own platform:

    uv run --frozen python -m tests.benchmarks.casework_writes

ZD_BENCH_PROFILE=1 records casework with py-spy over the months (tests/benchmarks/profiling.py).
"""
from __future__ import annotations

import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import httpx

from tests.benchmarks.cpu import _cmdline, _seconds, _stat
from tests.benchmarks.figures import cpu_seconds
from tests.benchmarks.profiling import profiled
from tests.integration.helpers import send, set_clock, wait_for
from tests.integration.test_casework_case import campaign, designation, envelope, user_id
from tests.support.platform import running_platform
from zhengdun_demo.client import auth

CASES = int(os.environ.get("ZD_BENCH_CASES", "60"))
CLIENTS = int(os.environ.get("ZD_BENCH_CLIENTS", "16"))
MONTHS = [date(2020, 10, 15), date(2020, 11, 15), date(2020, 12, 15), date(2021, 1, 15), date(2021, 2, 15),
          date(2021, 3, 15)][:int(os.environ.get("ZD_BENCH_MONTHS", "6"))]
VILLAGE = "990102101201"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class Meter:
    def __init__(self, platform):
        self.pids = {name: s.process.pid for name, s in platform.services.items()}
        self.database = platform.database_name("casework")
        self.prefix = f"zdtest_{platform.run_id}_"

    def snapshot(self) -> dict[str, float]:
        seconds = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        seconds["pg casework"] = seconds["pg others"] = 0.0
        for pid in os.listdir("/proc"):
            if not pid.isdigit() or not (fields := _stat(pid)):
                continue
            command = _cmdline(pid)
            if command.startswith("postgres:") and self.prefix in command:
                seconds["pg casework" if f" {self.database} " in command else "pg others"] += _seconds(fields)
        return seconds


def _ok(response: httpx.Response) -> dict:
    assert response.status_code in (200, 201), response.text[:500]
    return response.json()


class Driver:
    def __init__(self, platform):
        self.platform = platform
        self.base = platform.url("casework")
        self.http = httpx.Client(timeout=60, limits=httpx.Limits(max_connections=CLIENTS * 2))
        self.meter = Meter(platform)
        self.calls = 0

    def call(self, user: str, method: str, path: str, **kwargs) -> dict:
        self.calls += 1
        return _ok(self.http.request(method, self.base + path, headers=auth(user), **kwargs))

    def stage(self, name: str, work, items) -> None:
        calls, before, started = self.calls, self.meter.snapshot(), time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(work, items))
        seconds, after = time.perf_counter() - started, self.meter.snapshot()
        made = self.calls - calls
        per_call = {k: (after[k] - before[k]) * 1000 / made for k in after}
        print(f"{name}: {made} calls in {seconds:.1f} s (load average {os.getloadavg()[0]:.1f}); CPU ms per call: "
              + ", ".join(f"{k} {v:.2f}" for k, v in per_call.items()), flush=True)

    def open_cases(self) -> list[str]:
        set_clock(self.platform, "2020-09-10")
        campaigns = [f"cw-{uuid.uuid4().hex[:8]}" for _ in range(CASES)]
        send(self.platform, "screening", *[envelope(campaign(c), "990100000000", campaign_id=c) for c in campaigns],
             *[envelope(designation(c, VILLAGE), VILLAGE, campaign_id=c) for c in campaigns])
        wait_for(lambda: self.call("county_org", "GET", "/cases", params={"size": 1})["total"] >= CASES,
                 timeout=300, what="cases opened")
        return [c["case_id"] for c in self.call("county_org", "GET", "/cases", params={"size": 100})["items"]][:CASES]

    def staff(self, case_id: str) -> None:
        self.call("county_org", "PUT", f"/cases/{case_id}/team", json={
            "leader": {"name": "卫队长", "rank": "section", "unit": "县农业局"},
            "members": [{"name": "蒋队员"}, {"name": "张队员"}], "stationed_on": "2020-09-10"})
        self.call("county_org", "PUT", f"/cases/{case_id}/contact-leader", json={
            "leader": {"name": "王联系", "rank": "county", "user_id": self.leader_id}, "assigned_on": "2020-09-10"})

    def plan(self, case_id: str) -> list[str]:
        measures = []
        for n in range(3):
            problem = self.call("team_leader", "POST", f"/cases/{case_id}/problems", json={
                "title": f"问题{n + 1}：班子战斗力不强", "criterion_code": None, "found_on": "2020-09-10"})["entry"]["data"]
            task = self.call("team_leader", "POST", f"/cases/{case_id}/tasks", json={
                "problem_id": problem["problem_id"], "title": f"任务{n + 1}"})["entry"]["data"]
            measures.append(self.call("team_leader", "POST", f"/cases/{case_id}/measures", json={
                "task_id": task["task_id"], "title": f"措施{n + 1}：建立制度并逐项落实", "responsible": "工作队队长",
                "deadline": "2021-03-31"})["entry"]["data"]["measure_id"])
        self.problems[case_id] = problem["problem_id"]
        return measures

    def month(self, case_id: str, month: date, index: int) -> None:
        for day in (8, 12):
            self.call("contact_leader", "POST", f"/cases/{case_id}/visits", json={
                "visited_on": month.replace(day=day).isoformat(), "team_members": ["工作队队长"],
                "village_cadres": ["村党组织书记"], "key_persons": ["老党员代表"],
                "problems_pushed": [self.problems[case_id]], "notes": "听取汇报，现场推动问题整改"})
        for n, measure in enumerate(self.measures[case_id]):
            finish = len(MONTHS) - len(self.measures[case_id]) + n
            if index > finish:
                continue
            evidence = []
            if index == finish:
                evidence = [self.call("team_leader", "POST", f"/cases/{case_id}/evidence",
                                      files={"file": ("整改佐证.pdf", PDF, "application/pdf")})["file_id"]]
            self.call("team_leader", "POST", f"/cases/{case_id}/measures/{measure}/progress", json={
                "status": "completed" if evidence else "in_progress", "narrative": "按计划推进中",
                "evidence_ids": evidence, "progress_on": month.isoformat()})

    def run(self) -> None:
        self.leader_id = user_id("contact_leader")
        cases = self.open_cases()
        self.problems: dict[str, str] = {}
        print(f"{len(cases)} cases opened; {CLIENTS} clients", flush=True)
        self.stage("teams and contact leaders", self.staff, cases)
        plans = {}
        self.stage("problems, tasks and measures", lambda c: plans.__setitem__(c, self.plan(c)), cases)
        self.measures = plans
        with profiled(self.platform, ["casework"], "months"):
            for index, month in enumerate(MONTHS):
                set_clock(self.platform, month.isoformat(), seen_by="casework")
                self.stage(f"month {month:%Y-%m} (visits, progress, evidence)",
                           lambda c: self.month(c, month, index), cases)


def main() -> None:
    with running_platform() as platform:
        Driver(platform).run()


if __name__ == "__main__":
    main()
