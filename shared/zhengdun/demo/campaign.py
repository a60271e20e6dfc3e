"""`make demo`: one city's whole campaign, through the public HTTP APIs, step by step.

Every step is taken by the person who would take it, with their own token: township staff
assess and submit, the county reviews and its standing committee decides, the city spot-checks,
teams and contact leaders work the cases, supervisors inspect, departments review, signers sign.
The platform clock is moved from the start of screening to after post-evaluation. Nothing is
written to any database directly.

The story deliberately contains what the seeds guard against (see zhengdun.demo.plan): a village
left unassessed, a late list, a concealed village, a team stationed late, a contact leader with one
visit in a month, an overdue measure, a township mostly unfinished at the end of the concentrated
phase, a failed satisfaction survey, a failed spot check and a relapse.

Usage: python -m zhengdun.demo.campaign [--out DIR] [--small]
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from zhengdun.demo import people as cast
from zhengdun.demo.api import Platform, StepFailed
from zhengdun.demo.plan import CITY, Plan, Shape, make_plan
from zhengdun.demo.synthetic import to_csv

DOCUMENTS = (("circular", "xlsx", {"quarter": "2021Q2"}), ("circular", "pdf", {"quarter": "2021Q2"}),
             ("ranking", "xlsx", {}), ("ranking", "pdf", {}), ("summary", "xlsx", {}), ("summary", "pdf", {}))


@dataclass
class Record:
    """What the scenario did, as it did it: the test's ground truth comes from here and the plan."""

    campaign_id: str = ""
    assessed: dict[str, int] = field(default_factory=dict)          # village → assessments recorded (first round)
    refusals: list[str] = field(default_factory=list)               # the platform's answers to deliberate breaches
    designated: set[str] = field(default_factory=set)
    cases: dict[str, str] = field(default_factory=dict)             # village → case id
    accepted: set[str] = field(default_factory=set)
    delisted: set[str] = field(default_factory=set)
    relapsed: set[str] = field(default_factory=set)
    spot_checked: dict[str, list[str]] = field(default_factory=dict)  # county → villages drawn
    trace_ids: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)          # stage → seconds


class Scenario:
    def __init__(self, platform: Platform, plan: Plan):
        self.api = platform
        self.plan = plan
        self.record = Record()

    def stage(self, name: str, step) -> None:
        started = time.perf_counter()
        print(f"demo: {name} …", flush=True)
        step()
        self.record.timings[name] = time.perf_counter() - started

    def run(self) -> Record:
        self.stage("divisions and people", self.setup)
        return self.record

    # -- setup ------------------------------------------------------------------------------
    def setup(self) -> None:
        rows = self.plan.shape.rows()
        self.api.call("province_org", "POST", "screening", "/divisions/import",
                      files={"file": ("demo-city.csv", to_csv(rows).encode(), "text/csv")})
        expected = self.api.get("province_org", "screening", "/divisions/summary")
        self.api.wait(lambda: all(self.api.get("province_org", s, "/divisions/summary") == expected
                                  for s in ("casework", "supervision", "acceptance", "reporting")),
                      "every service's copy of the divisions")
        everyone = []
        for county in self.plan.counties:
            everyone += cast.county_people(county).values()
            for township in self.plan.townships[county]:
                everyone += cast.township_people(township).values()
        cast.provision(self.api, everyone)

    # -- reports ----------------------------------------------------------------------------
    def write_reports(self, out: Path) -> list[Path]:
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for kind, fmt, params in DOCUMENTS:
            response = self.api.call("city_org", "GET", "reporting", f"/documents/{CITY}/{kind}",
                                     params={"format": fmt, **params})
            path = out / f"{kind}-{'-'.join(params.values()) or 'latest'}.{fmt}"
            path.write_bytes(response.content)
            written.append(path)
        return written

    def summary_line(self) -> str:
        figures = self.api.get("city_org", "reporting", f"/figures/{CITY}")["figures"]
        alerts = self.api.get("city_org", "supervision", "/alerts", params={"status": "all", "size": 1})["total"]
        return (f"demo: {figures['villages_in_campaign']} villages, {figures['designated']} listed, "
                f"{figures['acceptances_passed']} accepted, {figures['delisted']} delisted, "
                f"{figures['relapsed']} relapsed, {alerts} alerts")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("demo-reports"), help="folder for the reports")
    parser.add_argument("--small", action="store_true", help="one county of four townships (for a quick look)")
    args = parser.parse_args(argv)
    plan = make_plan(Shape(1, 4, 20) if args.small else Shape())
    api = Platform()
    scenario = Scenario(api, plan)
    started = time.perf_counter()
    try:
        scenario.run()
        written = scenario.write_reports(args.out)
    except StepFailed as exc:
        print(f"demo: a step failed: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    print(f"demo: reports written to {args.out.resolve()}: {', '.join(p.name for p in written)}")
    slowest = sorted(api.slowest.items(), key=lambda item: -item[1])[:3]
    stages = sorted(scenario.record.timings.items(), key=lambda item: -item[1])
    print(f"demo: {api.calls} API calls in {elapsed:.0f} s; slowest stage: {stages[0][0]} ({stages[0][1]:.0f} s); "
          f"slowest calls: " + ", ".join(f"{label} {seconds:.2f} s" for label, seconds in slowest))
    print(scenario.summary_line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
