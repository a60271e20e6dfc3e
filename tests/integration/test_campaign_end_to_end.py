"""The whole campaign, end to end (issue 9): the demo's scenario runs through every service with
real tokens, and its outcome is checked against ground truth computed here from the plan and from
what the scenario recorded it did — never from the platform's own answers alone."""
from __future__ import annotations

import pytest

from zhengdun.demo.api import Platform as Api
from zhengdun.demo.campaign import Scenario
from zhengdun.demo.plan import CITY, Shape, make_plan

# One county of four townships of twenty villages keeps the run short; every breach still occurs.
SHAPE = Shape(counties=2, townships=4, villages=20)


@pytest.fixture(scope="module")
def campaign(platform):
    api = Api(urls={s: platform.url(s) for s in ("screening", "casework", "supervision", "acceptance", "reporting")},
              topic_prefix=platform.topic_prefix)
    scenario = Scenario(api, make_plan(SHAPE))
    scenario.run()
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
    ])
    assert got == expected


def test_reporting_figures_equal_the_ground_truth(campaign):
    plan, record = campaign.plan, campaign.record
    for code in [CITY, *plan.counties, *plan.townships[plan.counties[0]][:2]]:
        inside = lambda v: v.startswith(code.rstrip("0")[: len(code.rstrip("0"))])  # noqa: E731
        figures = campaign.api.get("city_org", "reporting", f"/figures/{code}")["figures"]
        villages = [v for vs in plan.villages.values() for v in vs if inside(v)]
        assert figures["villages_screened"] == len(villages)
        assert figures["designated"] == len([v for v in plan.listed if inside(v)])
        assert figures["delisted"] == len([v for v in record.delisted if inside(v)])
        assert figures["relapsed"] == len([v for v in record.relapsed if inside(v)])


def test_every_village_journal_verifies(campaign):
    for village in campaign.plan.listed:
        verdict = campaign.api.get("city_org", "supervision", f"/journal/{village}/verify")
        assert verdict["valid"], verdict
