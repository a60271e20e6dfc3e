"""Screening's to-do rules: each step is pending until its fact exists, for the right role, with the policy's due date."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from screening.domain import tasks
from screening.domain.tasks import CampaignView, CountyRoundView, TownshipRoundView
from zhengdun.events.screening import Policy

COMMITTEE = frozenset({"township_committee", "level_township"})
ORG = frozenset({"org_staff", "level_county"})
STANDING = frozenset({"standing_committee", "level_county"})
CAMPAIGN = CampaignView("camp-1", "整顿", Policy())
T = "130102001000"
T2 = "130102002000"
COUNTY = "130102000000"


def township(**changes) -> TownshipRoundView:
    return replace(TownshipRoundView(CAMPAIGN, "R1", T, villages=10, assessed=0, submitted=False), **changes)


def kinds(steps) -> list[str]:
    return [s.kind for s in steps]


def test_a_fresh_township_has_every_step_due_on_the_township_list_due_date():
    steps = tasks.township_steps(township(assessed=7), COMMITTEE)
    assert kinds(steps) == ["screening.township.assess", "screening.township.meeting", "screening.township.notice",
                            "screening.township.submit"]
    assess = steps[0]
    assert assess.count == 3 and "3 个村未排查" in assess.title and assess.done == 7 and assess.required == 10
    assert {s.due_on for s in steps} == {date(2020, 8, 15)}
    assert "8月15日前" in steps[-1].title and "3 个村未排查" in steps[-1].detail
    assert assess.path == "/campaigns/camp-1/rounds/R1/townships/130102001000/assessments"
    assert steps[1].method == "PUT"


def test_each_step_disappears_when_its_fact_exists():
    ready = township(assessed=10, meeting_recorded=True, notice=(date(2020, 8, 3), date(2020, 8, 9)))
    assert kinds(tasks.township_steps(ready, COMMITTEE)) == ["screening.township.submit"]
    assert tasks.township_steps(ready, COMMITTEE)[0].detail == ""
    assert tasks.township_steps(replace(ready, submitted=True), COMMITTEE) == []


def test_open_objections_each_need_an_answer_and_a_return_asks_to_submit_again():
    view = township(assessed=10, meeting_recorded=True, notice=(date(2020, 8, 3), date(2020, 8, 9)),
                    open_objections=(("o1", "群众反映203村也应列入"),), returned_reasons=("203村应列入",))
    steps = tasks.township_steps(view, COMMITTEE)
    assert kinds(steps) == ["screening.township.objection", "screening.township.submit"]
    assert steps[0].path.endswith("/objections/o1/answer") and steps[0].key.endswith(":o1")
    assert "县里退回" in steps[1].title and "1 条异议未答复" in steps[1].detail


def test_township_org_staff_without_the_committee_role_only_assesses():
    assert kinds(tasks.township_steps(township(), frozenset({"org_staff"}))) == ["screening.township.assess"]


def test_a_later_round_has_no_policy_deadline():
    assert {s.due_on for s in tasks.township_steps(township(round_id="R2"), COMMITTEE)} == {None}


def county(**changes) -> CountyRoundView:
    return replace(CountyRoundView(CAMPAIGN, "R1", COUNTY, (T, T2), frozenset(), False), **changes)


def test_county_samples_each_submitted_township_then_visits_the_sampled_villages():
    assert tasks.county_steps(county(), ORG) == []
    [sample] = tasks.county_steps(county(submitted=frozenset({T})), ORG)
    assert sample.kind == "screening.county.sample" and sample.unit_code == T and sample.due_on == date(2020, 8, 20)
    sampled = county(submitted=frozenset({T}), sampled={T: frozenset({"130102001001", "130102001002"})},
                     checked=frozenset({"130102001001"}))
    [visit] = tasks.county_steps(sampled, ORG)
    assert visit.kind == "screening.county.site_visit" and visit.count == 1
    assert tasks.county_steps(replace(sampled, checked=frozenset({"130102001001", "130102001002"})), ORG) == []


def test_the_standing_committee_decides_once_every_township_submitted_and_not_before():
    assert tasks.county_steps(county(submitted=frozenset({T})), STANDING) == []
    [decide] = tasks.county_steps(county(submitted=frozenset({T, T2})), STANDING)
    assert decide.kind == "screening.county.confirm" and decide.path.endswith("/counties/130102000000/confirm")
    assert tasks.county_steps(county(submitted=frozenset({T, T2}), confirmed=True), STANDING) == []
    # The organization department does not see the committee's decision as its own step.
    assert "screening.county.confirm" not in kinds(tasks.county_steps(county(submitted=frozenset({T, T2})), ORG))


def test_the_city_draws_then_records_its_spot_check_of_a_confirmed_list():
    assert tasks.city_steps(county()) == []
    [draw] = tasks.city_steps(county(confirmed=True))
    assert draw.kind == "screening.city.sample" and draw.due_on == date(2020, 8, 25)
    [record] = tasks.city_steps(county(confirmed=True, city_sampled=True))
    assert record.kind == "screening.city.findings"
    assert tasks.city_steps(county(confirmed=True, city_sampled=True, city_checked=True)) == []


def test_a_filing_date_shows_a_month_ahead_until_filed():
    assert tasks.filing_steps(CAMPAIGN, COUNTY, False, set(), date(2020, 8, 20)) == []
    assert tasks.filing_steps(CAMPAIGN, COUNTY, True, set(), date(2020, 7, 31)) == []      # 31 days ahead
    [due] = tasks.filing_steps(CAMPAIGN, COUNTY, True, set(), date(2020, 8, 1))             # 30 days ahead
    assert due.due_on == date(2020, 8, 31) and due.path == "/campaigns/camp-1/counties/130102000000/filings"
    assert tasks.filing_steps(CAMPAIGN, COUNTY, True, {date(2020, 8, 31)}, date(2020, 9, 5)) == []
