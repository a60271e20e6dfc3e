"""`make demo`: one city's whole campaign, through the public HTTP APIs, step by step.

Every step is taken by the person who would take it, with their own token: township staff
assess and submit, the county reviews and its standing committee decides, the city spot-checks,
teams and contact leaders work the cases, supervisors inspect, departments review, signers sign.
The platform clock is moved from the start of screening to after post-evaluation. Nothing is
written to any database directly.

The story deliberately contains what the seeds guard against (see zhengdun_demo.plan): a village
left unassessed, a late list, a concealed village, a team stationed late, a contact leader with one
visit in a month, an overdue measure, a township mostly unfinished at the end of the concentrated
phase, a failed satisfaction survey, a failed spot check and a relapse.

Usage: python -m zhengdun_demo.campaign [--out DIR] [--small]
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from datetime import date, timedelta

from zhengdun_demo import acceptance_steps as acc
from zhengdun_demo import casework_steps as cw
from zhengdun_demo import people as cast
from zhengdun_demo import screening_steps as steps
from zhengdun_demo import special_action_steps as special
from zhengdun_demo.api import Platform, StepFailed
from zhengdun_demo.plan import CITY, Plan, Shape, make_plan
from zhengdun_demo.synthetic import to_csv

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
    city_samples: dict[str, dict] = field(default_factory=dict)      # county → the city's answer (listed and unlisted samples)
    # acceptance spot checks: (level, county, villages accepted there and then by the scenario's count, the draw)
    acceptance_draws: list[tuple[str, str, list[str], dict]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)          # stage → seconds
    special_actions: special.SpecialActions | None = None            # the township's special actions (seed 004)


class Scenario:
    def __init__(self, platform: Platform, plan: Plan):
        self.api = platform
        self.plan = plan
        self.record = Record()
        self.user_ids: dict[str, str] = {}
        self.counties = {c: cast.county_people(c) for c in plan.counties}
        self.townships = {t: cast.township_people(t) for ts in plan.townships.values() for t in ts}
        self.problems: dict[str, list[str]] = {}                    # village → problem ids
        self.measures: dict[str, list[tuple[str, date]]] = {}       # village → (measure id, month it completes)
        self.completed: set[str] = set()                            # measure ids completed
        self.pipeline: dict[str, str] = {}                          # village → acceptance stage the scenario reached
        self.notices: dict[str, date] = {}
        self.post_due: dict[str, date] = {}
        self.failed_once: set[str] = set()
        self.studied: dict[str, date] = {}                          # continued cases studied by the county
        self.reviewed: set[str] = set()

    def stage(self, name: str, step) -> None:
        started = time.perf_counter()
        print(f"demo: {name} …", flush=True)
        step()
        self.record.timings[name] = time.perf_counter() - started

    def run(self) -> Record:
        self.stage("divisions and people", self.setup)
        self.stage("screening (township lists, county review, city spot check)", self.screening)
        self.stage("teams and contact leaders", self.staffing)
        self.stage("plans (problem, task and responsibility lists)", self.planning)
        self.stage("rectification, supervision and acceptance, month by month", self.months)
        self.stage("a township's special actions (seed 004)", self.special_actions)
        return self.record

    def day(self, when: date) -> None:
        self.api.set_clock(when.isoformat())

    # -- setup ------------------------------------------------------------------------------
    def setup(self) -> None:
        rows = self.plan.shape.rows()
        self.api.call("province_org", "POST", "screening", "/divisions/import",
                      files={"file": ("demo-city.csv", to_csv(rows).encode(), "text/csv")})
        expected = self.api.get("province_org", "screening", "/divisions/summary")
        self.api.wait(lambda: all(self.api.get("province_org", s, "/divisions/summary") == expected
                                  for s in ("casework", "supervision", "acceptance", "reporting")),
                      "every service's copy of the divisions")
        # The city's and counties' organisation departments take notifications by email (the local
        # SMTP server keeps them in .local/mail/new/): escalations of late townships land there.
        for unit in (CITY, *self.plan.counties):
            self.api.call("city_org", "PUT", "supervision", f"/units/{unit}/notification-preferences",
                          json={"email": f"org-{unit}@demo.zhengdun.local", "email_enabled": True})
        everyone = [p for people in self.counties.values() for p in people.values()]
        everyone += [p for people in self.townships.values() for p in people.values()]
        cast.provision(self.api, everyone)

    def learn_user_ids(self, under: str) -> None:
        for user in self.api.all_pages("city_org", "screening", "/users", {"under": under}):
            self.user_ids[user["username"]] = user["id"]

    # -- screening --------------------------------------------------------------------------
    def screening(self) -> None:
        plan, api = self.plan, self.api
        self.day(date(2020, 7, 1))
        opened = api.post("city_org", "screening", "/campaigns", {
            "name": "示范市2020年软弱涣散和后进村党组织集中整顿", "area_code": CITY, "opened_on": "2020-07-01"})
        self.record.campaign_id = cid = opened["campaign_id"]

        self.day(date(2020, 8, 10))
        for county, townships in plan.townships.items():
            for township in townships:
                staff = self.townships[township]["staff"].username
                entries = []
                for village in plan.villages[township]:
                    if township == plan.unassessed_township and village == plan.unassessed_village:
                        continue  # left unassessed: the submission will be refused, naming it
                    if village in plan.weak:
                        entries.append(steps.assessment(village, plan.weak[village], "weak_and_lax"))
                    elif village in plan.lagging:
                        entries.append(steps.assessment(village, (), "lagging", rank=25))
                    else:
                        entries.append(steps.assessment(village, (), "neither"))  # the concealed one too
                api.post(staff, "screening", f"{steps.round_path(cid, township)}/assessments",
                         {"assessed_on": "2020-08-10", "assessments": entries})
                for entry in entries:
                    self.record.assessed[entry["village_code"]] = self.record.assessed.get(entry["village_code"], 0) + 1

        self.day(date(2020, 8, 14))
        for county, townships in plan.townships.items():
            for township in townships:
                if township == plan.late_township:
                    continue
                staff = self.townships[township]["staff"].username
                expect = (422,) if township == plan.unassessed_township else (201,)
                answer = steps.prepare_and_submit(api, staff, cid, township, date(2020, 8, 5),
                                                  (date(2020, 8, 6), date(2020, 8, 12)), date(2020, 8, 14), expect=expect)
                if township == plan.unassessed_township:
                    self.record.refusals.append(answer.json()["detail"])

        self.day(date(2020, 8, 18))  # after the due date: both late lists are accepted and marked late
        staff = self.townships[plan.unassessed_township]["staff"].username
        missing = steps.assessment(plan.unassessed_village, (), "neither")
        api.post(staff, "screening", f"{steps.round_path(cid, plan.unassessed_township)}/assessments",
                 {"assessed_on": "2020-08-18", "assessments": [missing]})
        self.record.assessed[plan.unassessed_village] = self.record.assessed.get(plan.unassessed_village, 0) + 1
        api.post(staff, "screening", f"{steps.round_path(cid, plan.unassessed_township)}/submit",
                 {"submitted_on": "2020-08-18"})
        steps.prepare_and_submit(api, self.townships[plan.late_township]["staff"].username, cid, plan.late_township,
                                 date(2020, 8, 8), (date(2020, 8, 9), date(2020, 8, 15)), date(2020, 8, 18))

        self.day(date(2020, 8, 19))
        for county, townships in plan.townships.items():
            org = self.counties[county]["org"].username
            base = f"/campaigns/{cid}/rounds/R1/counties/{county}"
            for township in townships:
                drawn = api.post(org, "screening", f"{base}/townships/{township}/samples",
                                 {"drawn_on": "2020-08-19"})["samples"]
                if township == plan.townships[plan.counties[-1]][0]:
                    # Nobody can foresee the draw, so the story's concealed village (recorded as
                    # "neither" like every unlisted one) is the first the check happens to visit here.
                    plan.concealed_village = next(s for s in drawn if s["purpose"] == "county_check_unlisted")["chosen"][0]
                findings = []
                for sample in drawn:
                    for village in sample["chosen"]:
                        falsified = village == plan.concealed_village
                        findings.append({"village_code": village, "outcome": "falsified" if falsified else "confirmed",
                                         "note": "走访发现该村存在“村霸”问题，乡镇未如实上报" if falsified else "核查属实"})
                api.post(org, "screening", f"{base}/townships/{township}/site-visits",
                         {"checked_on": "2020-08-19", "findings": findings})
            if plan.county_of(plan.concealed_village) == county:
                api.post(org, "screening", f"{base}/adjustments", {
                    "village_code": plan.concealed_village, "change": "add", "category": "weak_and_lax",
                    "criteria_met": ["organized_crime_or_village_tyrant"], "adjusted_on": "2020-08-19",
                    "reason": "县级抽查发现乡镇瞒报，依规增列"})
                plan.weak[plan.concealed_village] = ("organized_crime_or_village_tyrant",)

        self.day(date(2020, 8, 20))
        for county in plan.counties:
            committee = self.counties[county]["committee"].username
            api.post(committee, "screening", f"/campaigns/{cid}/rounds/R1/counties/{county}/confirm",
                     {"decision_number": f"县委常委会〔2020〕{county[4:6]}号", "decided_on": "2020-08-20"})
        self.record.designated = set(plan.listed)

        self.day(date(2020, 8, 25))
        for county in plan.counties:
            base = f"/campaigns/{cid}/rounds/R1/counties/{county}"
            sample = api.post("city_org", "screening", f"{base}/city-samples", {"drawn_on": "2020-08-25"})
            self.record.spot_checked[county] = sample["chosen"]
            self.record.city_samples[county] = sample
            api.post("city_org", "screening", f"{base}/city-findings", {"checked_on": "2020-08-25", "findings": [
                {"village_code": v, "outcome": "confirmed", "note": "抽查属实"} for v in sample["chosen"]]})
        self.file_lists(date(2020, 8, 25), date(2020, 8, 31))
        self.api.wait(lambda: self.count_cases() == len(plan.listed), "one case per listed village", 180)

    def file_lists(self, when: date, filing_date: date) -> None:
        """Every county files its active list with the city before the filing date (备案), so none is alerted."""
        for county in self.plan.counties:
            self.api.post(self.counties[county]["org"].username, "screening",
                          f"/campaigns/{self.record.campaign_id}/counties/{county}/filings",
                          {"filing_date": filing_date.isoformat(), "filed_on": when.isoformat()})

    def count_cases(self) -> int:
        return self.api.get("city_org", "casework", "/cases", params={"size": 1})["total"]

    # -- casework ---------------------------------------------------------------------------
    def staffing(self) -> None:
        plan, api = self.plan, self.api
        for case in self.api.all_pages("city_org", "casework", "/cases"):
            self.record.cases[case["village_code"]] = case["case_id"]
        for county in plan.counties:
            villages = [v for v in plan.listed if plan.county_of(v) == county]
            cast.provision(api, [p for v in villages for p in cast.village_people(v).values()])
            self.learn_user_ids(county)
        self.day(date(2020, 8, 22))
        for village in plan.listed:
            org = self.counties[plan.county_of(village)]["org"].username
            if village != plan.late_team_village:
                cw.station_team(api, org, self.record.cases[village], village, date(2020, 8, 22), self.user_ids)
            cw.assign_contact_leader(api, org, self.record.cases[village], self.leader_of(village), date(2020, 8, 22),
                                     self.user_ids)
        self.day(date(2020, 8, 28))  # three days past the dispatch deadline
        org = self.counties[plan.county_of(plan.late_team_village)]["org"].username
        cw.station_team(api, org, self.record.cases[plan.late_team_village], plan.late_team_village,
                        date(2020, 8, 28), self.user_ids)

    def leader_of(self, village: str) -> cast.Person:
        county_people = self.counties[self.plan.county_of(village)]
        if village in self.reviewed:
            return county_people["secretary"]   # after the second review the county secretary is the direct contact
        leaders = [p for k, p in county_people.items() if k.startswith("leader")]
        return leaders[int(village[6:9]) % len(leaders)]

    def planning(self) -> None:
        plan = self.plan
        self.day(date(2020, 9, 2))
        for village in plan.listed:
            leader = cast.village_people(village)["leader"].username
            finish = [date(2020, 12, 15), date(2021, 3, 15)]
            deadlines = [date(2020, 12, 31), date(2021, 3, 31)]
            if village == plan.overdue_village:
                finish[0] = date(2021, 2, 15)
            if plan.township_of(village) == plan.slow_township and village in plan.weak:
                finish[1], deadlines[1] = date(2021, 7, 15), date(2021, 8, 15)
            problems, measures = cw.plan_case(self.api, leader, self.record.cases[village], plan.weak.get(village, ()),
                                              deadlines, date(2020, 9, 2))
            self.problems[village] = problems
            self.measures[village] = list(zip(measures, finish))

    # -- the months -------------------------------------------------------------------------
    def months(self) -> None:
        """From September 2020 to November 2021, the same working days each month."""
        month = date(2020, 9, 1)
        while month <= date(2021, 11, 1):
            for day in (1, 8, 12, 15, 18, 25):
                when = month.replace(day=day)
                if when < date(2020, 9, 2):
                    continue
                self.day(when)
                {1: self.delist_and_evaluate, 8: self.visits, 12: self.visits, 15: self.progress, 18: self.accept,
                 25: self.spot_checks_and_notices}[day](when)
                if day == 8:
                    self.continued_rectification(when)
                if day == 25:
                    self.report_progress(when)
                    self.supervise(when)
                    later_filing = {(2021, 3): date(2021, 3, 31), (2021, 6): date(2021, 6, 30)}   # the seed's dates
                    if (when.year, when.month) in later_filing:
                        self.file_lists(when, later_filing[(when.year, when.month)])
            month = (month + timedelta(days=32)).replace(day=1)

    def active(self, village: str) -> bool:
        """Still being rectified: the contact leader stays until acceptance (不转化不脱钩)."""
        return self.pipeline.get(village) not in ("accepted", "noticed", "delisted", "evaluated")

    def visits(self, when: date) -> None:
        for village in self.plan.listed:
            if not self.active(village):
                continue
            if when.day == 12 and village == self.plan.one_visit_village and when.strftime("%Y-%m") == self.plan.one_visit_month:
                continue  # the contact leader comes only once this month
            cw.visit(self.api, self.leader_of(village).username, self.record.cases[village], when,
                     self.problems[village][:1])

    def report_progress(self, when: date) -> None:
        """每两个月向县委组织部报送一次: the team reports each month on the 25th; the first report of a period
        is taken, a second one for it (or one for a period not begun, or from a closed case) is refused."""
        for village in self.plan.listed:
            if self.active(village):
                cw.report_progress(self.api, cast.village_people(village)["leader"].username,
                                   self.record.cases[village], when)

    def progress(self, when: date) -> None:
        for village, measures in self.measures.items():
            leader = cast.village_people(village)["leader"].username
            for measure_id, finish in measures:
                if measure_id in self.completed:
                    continue
                complete = (finish.year, finish.month) <= (when.year, when.month)
                cw.progress(self.api, leader, self.record.cases[village], measure_id, when, complete=complete)
                if complete:
                    self.completed.add(measure_id)
                    if all(m in self.completed for m, _ in measures):
                        self.pipeline[village] = "ready"

    def accept(self, when: date) -> None:
        ready = [v for v, stage in self.pipeline.items() if stage == "ready"]
        if not ready:
            return
        cid = self.record.campaign_id
        if self.api.call("city_org", "GET", "acceptance", f"/campaigns/{cid}/standard", expect=(200, 404)).status_code == 404:
            self.api.put("city_org", "acceptance", f"/campaigns/{cid}/standard", acc.STANDARD)
        self.api.wait(lambda: all(acc.acceptance_of(self.api, "city_org", v).get("stage") == "ready" for v in ready),
                      "acceptances opened for ready cases", 120)
        for village in ready:
            county = self.plan.county_of(village)
            township = self.townships[self.plan.township_of(village)]
            crew = cast.village_people(village)
            acceptance_id = acc.acceptance_of(self.api, "city_org", village)["acceptance_id"]
            acc.apply_and_check(self.api, acceptance_id, crew["leader"].username, crew["secretary"].username)
            acc.township_preliminary(self.api, acceptance_id, township["staff"].username, township["principal"].username, when)
            acc.county_acceptance(self.api, acceptance_id, {k: p.username for k, p in self.counties[county].items()}, when)
            fails = village == self.plan.survey_failed_village and village not in self.failed_once
            acc.survey(self.api, acceptance_id, self.counties[county]["org"].username, satisfied_share=0.6 if fails else 0.9)
            if fails:
                self.failed_once.add(village)
                self.pipeline[village] = "reopened"
                self.reopen(village, when)
            else:
                self.pipeline[village] = "accepted"
                self.record.accepted.add(village)

    def reopen(self, village: str, when: date) -> None:
        """Back to rectification: one more measure, finished next month (the case's history stays)."""
        self.api.wait(lambda: self.api.get("city_org", "casework", f"/cases/{self.record.cases[village]}")["phase"]
                      not in ("ready_for_acceptance", "accepted"), f"case of {village} reopened", 120)
        leader = cast.village_people(village)["leader"].username
        next_month = (when.replace(day=1) + timedelta(days=32)).replace(day=1)
        deadline = min(next_month + timedelta(days=27), date(2021, 8, 31))
        problems, measures = cw.plan_case(self.api, leader, self.record.cases[village], (), [deadline], when)
        self.problems[village] += problems
        self.measures[village] += list(zip(measures, [next_month]))

    def spot_checks_and_notices(self, when: date) -> None:
        cid = self.record.campaign_id
        accepted = [v for v, stage in self.pipeline.items() if stage == "accepted"]
        for county in sorted({self.plan.county_of(v) for v in accepted}):
            for level, user in (("city", "city_org"), ("province", "province_org")):
                sample = self.api.post(user, "acceptance", "/spot-checks", {
                    "campaign_id": cid, "county_code": county, "seed": f"{level}-{when.isoformat()}-{county}"})
                awaiting = [v for v, stage in self.pipeline.items() if stage == "accepted" and self.plan.county_of(v) == county]
                self.record.acceptance_draws.append((level, county, awaiting, sample))
                for village in sample["chosen"]:
                    acceptance_id = acc.acceptance_of(self.api, user, village)["acceptance_id"]
                    fails = level == "city" and not self.plan.spot_check_failed_village
                    if fails:
                        self.plan.spot_check_failed_village = village
                    self.api.post(user, "acceptance", f"/acceptances/{acceptance_id}/spot-checks/{level}",
                                  {"passed": not fails, "findings": "抽查发现整改不实" if fails else "抽查属实"})
                    if fails:
                        self.pipeline[village] = "reopened"
                        self.record.accepted.discard(village)
                        self.reopen(village, when)
        for village in [v for v, stage in self.pipeline.items() if stage == "accepted"]:
            acceptance_id = acc.acceptance_of(self.api, "city_org", village)["acceptance_id"]
            # The county feeds the result back; the township publishes it (seed 000 §三(五)3).
            self.api.post(self.townships[self.plan.township_of(village)]["staff"].username, "acceptance",
                          f"/acceptances/{acceptance_id}/notice", {"place": "村务公开栏及乡镇政府公示栏"})
            self.pipeline[village] = "noticed"
            self.notices[village] = when

    def delist_and_evaluate(self, when: date) -> None:
        """The 1st: villages whose public notice is over are delisted; post-evaluations due today are done."""
        for village in [v for v, stage in self.pipeline.items() if stage == "noticed"]:
            acceptance_id = acc.acceptance_of(self.api, "city_org", village)["acceptance_id"]
            answer = self.api.post(self.counties[self.plan.county_of(village)]["org"].username, "acceptance",
                                   f"/acceptances/{acceptance_id}/delist", {"objection_upheld": False})
            self.pipeline[village] = "delisted"
            self.record.delisted.add(village)
            self.post_due[village] = date.fromisoformat(answer["state"]["post_evaluation_due"])
        for village in [v for v, due in self.post_due.items() if due <= when and self.pipeline.get(v) == "delisted"]:
            acceptance_id = acc.acceptance_of(self.api, "city_org", village)["acceptance_id"]
            relapsed = village == self.plan.relapsed_village
            # Organized by the township Party committee (seed 000 §三(四)).
            self.api.post(self.townships[self.plan.township_of(village)]["staff"].username, "acceptance",
                          f"/acceptances/{acceptance_id}/post-evaluation",
                          {"relapsed": relapsed, "reason": "班子再度涣散，群众反映强烈" if relapsed else "整顿成效巩固"})
            self.pipeline[village] = "evaluated"
            if relapsed:
                self.record.relapsed.add(village)
                self.pipeline[village] = "relapsed"   # rectified again: the contact leader visits again

    def continued_rectification(self, when: date) -> None:
        """After the concentrated phase: the county studies each unfinished case and its secretary
        supervises them by name; a month later, a second review makes the secretary the direct contact."""
        if when < date(2021, 6, 1):
            return
        for village in self.plan.listed:
            case = self.api.get("city_org", "casework", f"/cases/{self.record.cases[village]}")
            if case["phase"] != "continued":
                continue
            county = self.counties[self.plan.county_of(village)]
            path = f"/cases/{self.record.cases[village]}/continued"
            secretary = {"name": county["secretary"].name, "post": "县委书记", "rank": "county"}
            if village not in self.studied:
                self.api.post(county["committee"].username, "casework", f"{path}/study", {
                    "studied_on": when.isoformat(), "meeting": "县委常委会专题研究", "conclusion": "转入持续整顿，挂牌督办"})
                self.api.post(county["secretary"].username, "casework", f"{path}/supervision", {
                    "supervisor": secretary, "deadline": "2021-08-31", "decided_on": when.isoformat()})
                self.studied[village] = when
            elif village not in self.reviewed and when >= self.studied[village] + timedelta(days=28):
                self.api.post(county["secretary"].username, "casework", f"{path}/second-review", {
                    "reviewed_on": when.isoformat(), "county_secretary": secretary, "conclusion": "仍未完成，县委书记直接联系"})
                self.reviewed.add(village)

    def supervise(self, when: date) -> None:
        """The city's supervision group inspects every month (25th to month end) and the county holds
        to account where the rules found a breach that calls for it."""
        village = self.plan.listed[(when.month * 7) % len(self.plan.listed)]
        self.api.post("supervisor", "supervision", "/inspections", {
            "kind": "scheduled" if when.month % 2 else "unannounced", "plan_id": None, "unit_code": village,
            "inspected_on": when.isoformat(), "inspectors": ["市委督导组"],
            "findings": [{"text": "台账记录完整，整改按计划推进", "village_code": village, "alert_id": None}], "demands": []})
        for rule, kind in (("falsification", "talk"), ("township_unfinished", "admonishment_talk")):
            for alert in self.api.get("city_org", "supervision", "/alerts", params={"rule": rule, "status": "open"})["items"]:
                county = self.plan.county_of(alert["subject_code"])
                self.api.post(self.counties[county]["committee"].username, "supervision", "/accountability", {
                    "kind": kind, "subject_code": alert["subject_code"], "person": "乡镇党委书记", "post": "乡镇党委书记",
                    "grounds": [alert["alert_id"]] + list(alert["facts"])[:1] if rule == "falsification" else [alert["alert_id"]],
                    "reason": alert["label"], "decided_by": "县委常委会", "decided_on": when.isoformat(),
                    "filed_with": CITY})

    # -- a township's special actions (seed 004) ---------------------------------------------
    def special_actions(self) -> None:
        """Beside the city's campaign: the second township of the first county keeps two special actions."""
        township = self.plan.townships[self.plan.counties[0]][1]
        today = date.fromisoformat(self.api.get("ops", "supervision", "/platform/clock")["today"])
        self.record.special_actions = special.run(self.api, self.townships[township]["staff"].username, township,
                                                  self.plan.villages[township][10:16], today)

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
        told = self.api.get("city_org", "supervision", "/notifications/statistics", params={"unit": CITY})
        return (f"demo: {figures['villages_in_campaign']} villages, {figures['designated']} listed, "
                f"{figures['acceptances_passed']} accepted, {figures['delisted']} delisted, "
                f"{figures['relapsed']} relapsed, {alerts} alerts, {told['notifications']} notifications sent "
                f"({told['deliveries_sent']} by email or group robot)"
                + (f"; {special.summary(self.api, 'city_org', self.record.special_actions.township)}"
                   if self.record.special_actions else ""))


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
