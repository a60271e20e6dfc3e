"""The whole campaign, end to end (issue 9): the demo's scenario runs through every service with
real tokens, and its outcome is checked against ground truth computed here from the plan and from
what the scenario recorded it did — never from the platform's own answers alone."""
from __future__ import annotations

import asyncio
import math
import os
import time
from decimal import Decimal

import pytest
from zhengdun_demo.api import Platform as Api
from zhengdun_demo.campaign import Scenario
from zhengdun_demo.plan import CITY, Shape, make_plan

from tests.support.faults import FaultPlan, parse
from tests.support.platform import KAFKA_BOOTSTRAP, SERVICES, running_platform

SERVER, CONSUMER = 2, 5  # OTLP span kinds
# The crash runs (`make crash-test`) set ZD_FAULTS: "<call number>:<fault>;…" (tests/support/faults.py),
# e.g. services SIGKILLed, the broker or the database restarted, Keycloak stopped for a minute, each just
# before the scenario's call of that number; every check below must still hold.
FAULTS = os.environ.get("ZD_FAULTS")

# Two counties of four townships of twenty villages keep the run short; every breach still occurs.
SHAPE = Shape(counties=2, townships=4, villages=20)


@pytest.fixture(scope="module")
def own_platform():
    """A platform of its own (services, databases, topics): the scenario loads its own divisions and
    moves the platform clock across two years, which the other modules' shared platform must not see."""
    with running_platform() as platform:
        yield platform


@pytest.fixture(scope="module")
def campaign(own_platform):
    api = Api(urls={s: own_platform.url(s) for s in ("screening", "casework", "supervision", "acceptance", "reporting")},
              topic_prefix=own_platform.topic_prefix, kafka_bootstrap=KAFKA_BOOTSTRAP)
    scenario = Scenario(api, make_plan(SHAPE))
    faults = None
    if FAULTS:
        faults = FaultPlan(own_platform, parse(FAULTS), api=api)
        api.before_call = faults.before_call
    scenario.run()
    if faults:
        left = faults.finish()
        print("faults: " + ("nothing left half-done" if not left else "; ".join(left)), flush=True)
        assert not left
    return scenario


def test_every_village_assessed_once_and_the_minimum_share_met(campaign):
    plan = campaign.plan
    villages = [v for vs in plan.villages.values() for v in vs]
    assert sorted(campaign.record.assessed) == sorted(villages)
    assert set(campaign.record.assessed.values()) == {1}
    assert any("未排查" in r or plan.unassessed_village in r for r in campaign.record.refusals)
    for county in plan.counties:   # the share the standing committee confirmed (the live one falls as villages are delisted)
        county_list = campaign.api.get("city_org", "screening",
                                       f"/campaigns/{campaign.record.campaign_id}/rounds/R1/counties/{county}/list")
        assert county_list["confirmation"]["below_minimum"] is False


def test_one_case_per_listed_village(campaign):
    cases = campaign.api.all_pages("city_org", "casework", "/cases")
    assert sorted(c["village_code"] for c in cases) == sorted(campaign.plan.listed)


def test_each_breach_raised_exactly_its_alert(campaign):
    plan = campaign.plan
    alerts = campaign.api.all_pages("city_org", "supervision", "/alerts", {"status": "all"})
    got = sorted((a["rule"], a.get("village_code") or a["subject_code"]) for a in alerts)
    expected = sorted([
        ("township_list_missing", plan.unassessed_township), ("township_list_late", plan.unassessed_township),
        ("township_list_missing", plan.late_township), ("township_list_late", plan.late_township),
        ("falsification", plan.township_of(plan.concealed_village)),
        ("team_not_stationed", plan.late_team_village),
        ("visits_below_minimum", plan.one_visit_village),
        ("measure_overdue", plan.overdue_village),
        ("township_unfinished", plan.slow_township),
        # The relapsed village returns to rectification in the continued phase; the county secretary
        # supervises it by name (挂牌督办, deadline 08-31) and the story does not finish it again.
        ("supervision_overdue", plan.relapsed_village),
        # Beside the campaign, a township's special actions (seed 004): one branch committee meeting never held.
        ("org_life_missing", campaign.record.special_actions.missed[0]),
    ])
    assert got == expected


def test_spot_checks_cover_their_ratios(campaign):
    plan, record = campaign.plan, campaign.record
    for county in plan.counties:   # the city's check of the confirmed list and of the villages left off it
        villages = {v for t in plan.townships[county] for v in plan.villages[t]}
        listed = {v for v in plan.listed if v in villages}
        sample = record.city_samples[county]
        for part, population in (("listed", listed), ("unlisted", villages - listed)):
            drawn = sample[part]
            assert set(drawn["population"]) == population, (county, part)
            assert set(drawn["chosen"]) <= population
            assert len(drawn["chosen"]) >= math.ceil(Decimal("0.10") * len(population)), (county, part)
    assert {level for level, *_ in record.acceptance_draws} == {"city", "province"}
    for level, county, awaiting, drawn in record.acceptance_draws:   # city ≥ 15 %, province ≥ 5 % of accepted
        share = {"city": Decimal("0.15"), "province": Decimal("0.05")}[level]
        assert sorted(drawn["population"]) == sorted(awaiting), (level, county)
        assert set(drawn["chosen"]) <= set(awaiting)
        assert len(drawn["chosen"]) >= math.ceil(share * len(awaiting)), (level, county, drawn)


def test_reporting_figures_equal_the_ground_truth(campaign):
    plan, record = campaign.plan, campaign.record
    for code in [CITY, *plan.counties, *plan.townships[plan.counties[0]][:2]]:
        def inside(village: str, code: str = code) -> bool:
            return code == CITY or code in (plan.county_of(village), plan.township_of(village))
        figures = campaign.api.get("city_org", "reporting", f"/figures/{code}")["figures"]
        villages = [v for vs in plan.villages.values() for v in vs if inside(v)]
        assert figures["villages_screened"] == len(villages)
        assert figures["designated"] == len([v for v in plan.listed if inside(v)])
        assert figures["delisted"] == len([v for v in record.delisted if inside(v)])
        assert figures["relapsed"] == len([v for v in record.relapsed if inside(v)])


def test_the_township_special_actions_stand_beside_the_campaign_in_the_summary(campaign):
    story = campaign.record.special_actions
    assert (len(story.action_ids), story.items_done, story.items_total, story.meetings) == (2, 2, 5, 23)
    assert campaign.summary_line().endswith(
        f"; 2 special actions of township {story.township}, 2/5 items done, 23 meetings recorded, "
        f"1 special-action alerts raised")


def test_every_village_journal_verifies(campaign):
    for village in campaign.plan.listed:
        verdict = campaign.api.get("city_org", "supervision", f"/journal/{village}/verify")
        assert verdict["valid"], verdict


def test_every_step_trace_crosses_the_services_it_touched(campaign, own_platform):
    """Each write the scenario made started its own trace; every event any service consumed carries
    the trace of the step that caused it, and that trace holds the called service's server span and
    a consumer span of every service that applied one of its events."""
    steps = campaign.api.steps
    consumed: dict[str, set[str]] = {}   # trace id → services whose consumers applied an event of that step
    types: dict[str, set[str]] = {}      # trace id → the types of the events consumed in it
    for service in SERVICES:
        rows = asyncio.run(own_platform.fetch(service, "select distinct trace_id, type from inbox"))
        for row in rows:
            consumed.setdefault(row["trace_id"], set()).add(service)
            types.setdefault(row["trace_id"], set()).add(row["type"])
    assert None not in consumed
    strays = {t: sorted(types[t]) for t in set(consumed) - set(steps)}
    if strays:   # where such a trace began: its spans without a parent in it
        first = next(iter(strays))
        spans = own_platform.otlp.spans_of_trace(first)
        ids = {s.span_id for s in spans}
        roots = [(s.service, s.kind, s.name, s.parent_span_id) for s in spans if s.parent_span_id not in ids]
        raise AssertionError(f"{len(strays)} traces of consumed events began outside any step: "
                             f"{list(strays.items())[:3]}; the first began at {roots[:5]}")
    crossing = {t: s for t, s in consumed.items() if s - {steps[t][0]}}
    assert len(crossing) > 100   # most writes reach other services

    def gaps():
        traces = own_platform.otlp.by_trace()
        missing = []
        for trace_id, (called, label) in steps.items():
            kinds = {(span.service, span.kind) for span in traces.get(trace_id, ())}
            wanted = {(f"zhengdun-{called}", SERVER)} | {(f"zhengdun-{s}", CONSUMER) for s in consumed.get(trace_id, ())}
            if wanted - kinds:
                missing.append((label, sorted(wanted - kinds)))
        return missing

    deadline = time.monotonic() + 30    # the services export spans in batches
    while (missing := gaps()) and time.monotonic() < deadline:
        time.sleep(1)
    assert missing == []
