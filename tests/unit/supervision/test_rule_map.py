"""The event → rules map (domain/rules.py): after an event supervision judges only the rules whose facts the event can
change, so the map must name every rule that reads a fact for every event that changes it, and a rule must read
nothing it does not declare. Plain Python: two different worlds of facts, each kind of fact swapped from one into the
other, every rule judged on many days."""
from __future__ import annotations

from dataclasses import fields, replace
from datetime import date, timedelta

import pytest

from supervision import projection
from supervision.domain import rules
from supervision.domain.rules import Fact, Rule
from zhengdun.events.casework import CasePhase
from zhengdun.events.screening import ListCategory, Policy

CITY, COUNTY = "990100000000", "990102000000"
T1, T2 = "990102101000", "990102102000"
V1, V2, V3 = "990102101201", "990102101202", "990102102201"


def case(village: str, **kw) -> rules.Case:
    base = dict(campaign_id="C1", village_code=village, township_code=village[:9] + "000", county_code=COUNTY,
                designated_on=date(2020, 9, 1), designated_by=f"ev-list-{village}")
    return rules.Case(**(base | kw))


def world_a() -> rules.Facts:
    """A world in which every rule of a campaign is in breach on some day."""
    population = tuple(f"990102101{i:03d}" for i in range(1, 11))
    return rules.Facts(
        campaign=rules.Campaign("C1", CITY, Policy(), concentrated_ends_on=date(2021, 5, 31)),
        cases=[case(V1, leader_assigned_on=date(2020, 9, 1), leader_name="赵六", leader_event="ev-lead",
                    supervision_deadline=date(2021, 3, 31), supervisor_name="书记", supervision_event="ev-sup"),
               case(V2, stationed_on=date(2020, 9, 3), phase=CasePhase.READY, finished_on=date(2021, 1, 5),
                    category=ListCategory.LAGGING),
               case(V3, designated_on=date(2020, 10, 1))],
        visits=[rules.Visit("vis-1", V1, COUNTY, date(2020, 10, 8), 0, "赵六", "u-zhao", "ev-vis-1")],
        measures=[rules.Measure("m-1", V1, "整改一", "张三", date(2020, 12, 31), date(2020, 9, 10), "ev-m-1"),
                  rules.Measure("m-2", V3, "整改二", "李四", date(2021, 2, 28), date(2020, 10, 10), "ev-m-2",
                                updates=(date(2020, 11, 3),))],
        progress_reports=[rules.ProgressReport(V3, date(2020, 10, 1), date(2020, 12, 20), "ev-rep")],
        townships=[rules.Township(T1, 5), rules.Township(T2, 4)],
        township_lists=[rules.TownshipList(T1, date(2020, 8, 18), date(2020, 8, 15), 3, "ev-tl")],
        acceptances=[rules.Acceptance(V2, COUNTY, date(2021, 1, 20), "ev-acc")],
        counties=[COUNTY],
        samples=[rules.Sample(COUNTY, "province", (V1,), "ev-s")],
        screening_samples=[rules.ScreeningSample("R1", "county_check_unlisted", T1, population, population[:1], "ev-ss")],
        delistings=[rules.Delisting(V2, COUNTY, date(2021, 2, 1), date(2021, 5, 1), "ev-del")],
        falsifications=[rules.Falsification("ev-f", V1, T1, COUNTY, date(2020, 8, 30), "虚报")],
        county_lists=[rules.CountyList(COUNTY, date(2020, 8, 20), "ev-cl")],
        county_filings=[rules.CountyFiling(COUNTY, date(2020, 8, 31), date(2020, 8, 30), "ev-cf")],
    )


def world_b() -> rules.Facts:
    """Other facts of every kind: some meet the rules, some breach them differently."""
    return rules.Facts(
        campaign=world_a().campaign,
        cases=[case(V1, stationed_on=date(2020, 9, 2), leader_assigned_on=date(2020, 10, 1), leader_name="钱七"),
               case(V3, designated_on=date(2020, 9, 20), phase=CasePhase.ACCEPTED, finished_on=date(2021, 3, 1),
                    finished_periods=((date(2021, 3, 1), None),))],
        visits=[rules.Visit(f"vis-b{n}", V1, COUNTY, date(2020, 11, d), 1, "钱七", None, f"ev-vb{n}")
                for n, d in enumerate((3, 9, 20))] + [rules.Visit("vis-b9", V3, COUNTY, date(2021, 1, 4), 0, "孙八",
                                                                None, "ev-vb9", counts_toward_minimum=False)],
        measures=[rules.Measure("m-1", V1, "整改一", "张三", date(2021, 1, 31), date(2020, 9, 10), "ev-m-1b",
                                completed_on=date(2021, 1, 10), updates=(date(2020, 10, 5), date(2021, 1, 10)))],
        progress_reports=[rules.ProgressReport(V1, date(2020, 9, 1), date(2020, 10, 30), "ev-rep-b")],
        townships=[rules.Township(T1, 3)],
        township_lists=[rules.TownshipList(T1, date(2020, 8, 14), date(2020, 8, 15), 3, "ev-tl-b"),
                        rules.TownshipList(T2, date(2020, 8, 16), date(2020, 8, 15), 1, "ev-tl-b2")],
        acceptances=[rules.Acceptance(V1, COUNTY, date(2021, 2, 2), "ev-acc-b"),
                     rules.Acceptance(V3, COUNTY, date(2021, 2, 3), "ev-acc-b3")],
        counties=[COUNTY],
        samples=[rules.Sample(COUNTY, "city", (V1,), "ev-s-b")],
        screening_samples=[rules.ScreeningSample("R1", "city_spot_check", COUNTY, (V1, V2), (V1,), "ev-ss-b")],
        delistings=[rules.Delisting(V1, COUNTY, date(2021, 3, 1), date(2021, 6, 1), "ev-del-b",
                                    evaluated_on=date(2021, 5, 20))],
        falsifications=[rules.Falsification("ev-f-b", V3, T2, COUNTY, date(2020, 9, 1), "虚报", answered=True)],
        county_lists=[rules.CountyList(COUNTY, date(2021, 4, 1), "ev-cl-b")],
        county_filings=[rules.CountyFiling(COUNTY, date(2021, 3, 31), date(2021, 3, 30), "ev-cf-b")],
    )


# Every fortnight of the campaign and the days around its deadlines.
DAYS = sorted({date(2020, 8, 1) + timedelta(days=n) for n in range(0, 420, 14)}
              | {date(2020, 8, 16), date(2020, 9, 1), date(2021, 4, 1), date(2021, 6, 1), date(2021, 7, 1)})
# The lists of Facts each kind of fact is held in.
HELD_IN = {Fact.ACCEPTANCES: ("acceptances", "counties")}


def swapped(into: rules.Facts, source: rules.Facts, fact: Fact) -> rules.Facts:
    if fact is Fact.CAMPAIGN:
        policy = Policy(team_stationing_days=10, contact_leader_visits_per_month=1, problems_pushed_per_visit=2,
                        measure_update_interval_months=2, township_list_due=date(2020, 8, 20),
                        county_review_due=date(2020, 8, 25), city_spot_check_due=date(2020, 8, 30),
                        filing_dates=(date(2021, 3, 31),), progress_report_interval_months=3,
                        county_check_sample_ratio="0.05", acceptance_spot_check_window_days=60)
        return replace(into, campaign=replace(into.campaign, policy=policy, concentrated_ends_on=date(2021, 2, 28)))
    return replace(into, **{name: getattr(source, name) for name in HELD_IN.get(fact, (fact.value,))})


def verdicts(facts: rules.Facts, rule: Rule) -> list[list[rules.Breach]]:
    return [sorted((b for b in rules.evaluate(facts, day) if b.rule is rule), key=lambda b: b.key) for day in DAYS]


def test_every_kind_of_fact_is_a_list_of_facts_or_the_campaign():
    assert {f.name for f in fields(rules.Facts)} == {fact.value for fact in Fact} | {"counties"}


def test_world_a_breaches_every_rule_of_a_campaign():
    raised = {b.rule for day in DAYS for b in rules.evaluate(world_a(), day)}
    assert raised == rules.CAMPAIGN_RULES


@pytest.mark.parametrize("fact", list(Fact))
def test_a_rule_reads_no_fact_it_does_not_declare(fact):
    """Swapping any kind of fact from another world leaves every rule not declared to read it as it was."""
    for into, source in ((world_a(), world_b()), (world_b(), world_a())):
        changed = swapped(into, source, fact)
        for rule in rules.CAMPAIGN_RULES:
            if fact not in rules.RULE_READS[rule]:
                assert verdicts(changed, rule) == verdicts(into, rule), (rule, fact)


def test_a_rule_declares_only_what_changes_its_verdicts():
    """No over-declaration either (it would only cost work): each declared fact but the campaign (every rule is
    judged again when it changes) does change the rule somewhere."""
    for rule in rules.CAMPAIGN_RULES:
        for fact in rules.RULE_READS[rule] - {Fact.CAMPAIGN}:
            assert any(verdicts(swapped(into, source, fact), rule) != verdicts(into, rule)
                       for into, source in ((world_a(), world_b()), (world_b(), world_a()))), (rule, fact)


def test_every_projected_event_says_which_facts_it_changes():
    """A projection without an entry would judge every rule (safe but slow): every one has its entry."""
    assert {model.event_type for model in projection.PROJECTIONS} == set(rules.EVENT_CHANGES)


@pytest.mark.parametrize("event_type", sorted(rules.EVENT_CHANGES))
def test_every_rule_reading_a_fact_is_judged_after_every_event_that_changes_it(event_type):
    judged = rules.rules_affected_by(event_type)
    for rule, reads in rules.RULE_READS.items():
        if reads & rules.EVENT_CHANGES[event_type]:
            assert rule in judged, (event_type, rule)
        else:
            assert rule not in judged, (event_type, rule)


def test_a_change_of_campaign_or_an_unknown_event_judges_every_rule():
    assert rules.rules_reading({Fact.CAMPAIGN}) == rules.CAMPAIGN_RULES
    assert rules.rules_affected_by("zhengdun.screening.something.new.v1") == rules.CAMPAIGN_RULES


def test_judging_some_rules_gives_exactly_their_share_of_judging_all():
    for facts in (world_a(), world_b()):
        for day in DAYS:
            everything = rules.evaluate(facts, day)
            for rule in rules.CAMPAIGN_RULES:
                assert rules.evaluate(facts, day, frozenset({rule})) == [b for b in everything if b.rule is rule]


def test_village_rules_are_judged_alike_over_their_village_alone():
    """A village rule's breach is about its village and reads only that village's facts: judged over the facts of
    the village alone it gives the same breaches (what ``projection.judge`` relies on to narrow the scope)."""
    for facts in (world_a(), world_b()):
        for day in DAYS:
            everything = [b for b in rules.evaluate(facts, day) if b.rule in rules.VILLAGE_RULES]
            assert all(b.scope_code in (V1, V2, V3) and b.village_code in (None, b.scope_code) for b in everything)
            for village in (V1, V2, V3):
                alone = replace(facts, **{name: [x for x in getattr(facts, name) if getattr(x, "village_code", None)
                                                  == village] for name in ("cases", "visits", "measures",
                                                                           "progress_reports", "delistings",
                                                                           "falsifications")},
                                townships=[], township_lists=[], acceptances=[], counties=[], samples=[],
                                screening_samples=[], county_lists=[], county_filings=[])
                assert rules.evaluate(alone, day, rules.VILLAGE_RULES) == [b for b in everything
                                                                           if b.scope_code == village]


def test_a_rule_that_cannot_breach_on_a_day_breaches_nothing_that_day_whatever_the_facts():
    for facts in (world_a(), world_b(), swapped(world_a(), world_b(), Fact.CAMPAIGN)):
        ends = facts.campaign.concentrated_ends_on
        for day in DAYS:
            for rule in rules.CAMPAIGN_RULES:
                if not rules.can_breach(rule, ends, day):
                    assert not [b for b in rules.evaluate(facts, day) if b.rule is rule], (rule, day)
    assert not rules.can_breach(Rule.TOWNSHIP_UNFINISHED, date(2021, 5, 31), date(2021, 5, 31))
    assert rules.can_breach(Rule.TOWNSHIP_UNFINISHED, date(2021, 5, 31), date(2021, 6, 1))
    assert not rules.can_breach(Rule.TOWNSHIP_UNFINISHED, None, date(2021, 6, 1))


def two_worlds() -> rules.Facts:
    """World A and world B side by side, B's units moved to another county (so every unit has facts of its own and
    others' beside them): the shape of a whole area's judgement."""
    def moved(code: str) -> str:
        return "990103" + code[6:] if code.startswith("990102") else code

    b = world_b()
    moves = {"village_code": moved, "township_code": moved, "county_code": moved, "division_code": moved,
             "code": moved}

    def each(items):
        return [replace(x, **{name: f(getattr(x, name)) for name, f in moves.items() if hasattr(x, name)})
                for x in items]
    a = world_a()
    return replace(a, **{name: getattr(a, name) + each(getattr(b, name))
                         for name in ("cases", "visits", "measures", "progress_reports", "townships", "township_lists",
                                      "acceptances", "samples", "screening_samples", "delistings", "falsifications",
                                      "county_lists", "county_filings")},
                   counties=a.counties + [moved(c) for c in b.counties])


def evaluated_unit_by_unit(facts: rules.Facts, day: date) -> list[rules.Breach]:
    """``rules.evaluate`` as it was before it grouped the facts by unit: each rule handed the scope's whole lists."""
    campaign, policy, cid = facts.campaign, facts.campaign.policy, facts.campaign.campaign_id
    found: list = []
    for case in facts.cases:
        found += [rules.team_not_stationed(case, policy, day),
                  *rules.visits_below_minimum(case, facts.visits, policy, day), rules.supervision_overdue(case, day),
                  *rules.progress_report_missing(case, facts.progress_reports, policy, day)]
    found += [rules.visit_without_problem(cid, v, policy) for v in facts.visits]
    for measure in facts.measures:
        found += [rules.measure_overdue(cid, measure, day), *rules.measure_not_updated(cid, measure, policy, day)]
    lists = {t.township_code: t for t in facts.township_lists}
    for township in facts.townships:
        found += [*rules.township_list(cid, township, lists.get(township.code), policy, day),
                  rules.township_unfinished(campaign, township.code, facts.cases, day)]
    for county in facts.counties:
        found += rules.spot_check_ratio(campaign, county, facts.acceptances, facts.samples, day)
    for county_list in facts.county_lists:
        found += rules.county_filing_missing(campaign, county_list, facts.county_filings, day)
    found += rules.screening_sample_ratio(campaign, facts.screening_samples)
    found += [rules.post_evaluation_overdue(cid, d, day) for d in facts.delistings]
    found += [rules.falsification(cid, f) for f in facts.falsifications]
    return [b for b in found if b is not None]


def test_facts_grouped_by_unit_give_the_breaches_of_the_whole_lists():
    """``evaluate`` hands each rule only its unit's visits, reports, cases, acceptances and filings (a province's
    judgement scanned every visit per case): the same breaches as each rule given everything."""
    facts = two_worlds()
    assert len({c.county_code for c in facts.cases}) == 2
    for day in DAYS:
        grouped = sorted(rules.evaluate(facts, day), key=lambda b: b.key)
        assert grouped == sorted(evaluated_unit_by_unit(facts, day), key=lambda b: b.key), day
    assert {b.rule for day in DAYS for b in rules.evaluate(facts, day)} == rules.CAMPAIGN_RULES


def test_false_alarms_judged_once_per_rule_and_day_agree_with_each_alert_judged_alone():
    """``rules.false_alarms`` (what a whole area's reconciliation asks, alert by alert) answers as ``raised_in_error``
    over the same facts, for every alert the rules raise on any day, once the facts have moved on."""
    answers = []
    for facts in (two_worlds(), swapped(two_worlds(), world_b(), Fact.CAMPAIGN)):
        raised = {b.key: b for day in DAYS for b in rules.evaluate(facts, day)}
        later = swapped(swapped(facts, world_b(), Fact.CASES), world_b(), Fact.VISITS)   # facts arrived since
        for now in (facts, later):
            in_error = rules.false_alarms(now)
            for breach in raised.values():
                alone = rules.raised_in_error(breach.rule, breach.key, now, breach.due_on)
                assert in_error(breach.rule, breach.key, breach.due_on) == alone, breach.key
                answers.append(alone)
    assert True in answers and False in answers
