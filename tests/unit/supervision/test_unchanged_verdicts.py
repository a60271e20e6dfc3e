"""Events that change no verdict of the day judged (domain/rules.py): when ``new_visit_changes_nothing`` or
``measure_update_changes_nothing`` says so, supervision judges nothing after the event, so the rules the event affects
must give the same breaches with and without it. Plain Python, on every combination of days below."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from supervision.domain import rules
from supervision.domain.rules import Rule
from zhengdun.events.screening import Policy

COUNTY, VILLAGE = "990102000000", "990102101201"
VISIT_RULES = frozenset({Rule.VISITS_BELOW_MINIMUM, Rule.VISIT_WITHOUT_PROBLEM})
MEASURE_RULES = frozenset({Rule.MEASURE_OVERDUE, Rule.MEASURE_NOT_UPDATED})


def days(first: date, last: date, step: int) -> list[date]:
    return [first + timedelta(days=n) for n in range(0, (last - first).days + 1, step)]


def keys(facts: rules.Facts, today: date, judged: frozenset[Rule]) -> set[str]:
    return {b.key for b in rules.evaluate(facts, today, judged)}


def test_a_visit_said_to_change_nothing_changes_no_breach():
    policy = Policy()
    case = rules.Case("C1", VILLAGE, VILLAGE[:9] + "000", COUNTY, date(2020, 8, 20), "ev-list",
                      leader_assigned_on=date(2020, 8, 25), leader_name="赵六", leader_event="ev-lead")
    earlier = [rules.Visit(f"v{n}", VILLAGE, COUNTY, day, 1, "赵六", None, f"ev-v{n}", True)
               for n, day in enumerate([date(2020, 9, 3), date(2020, 10, 20), date(2020, 10, 21)])]
    before = rules.Facts(campaign=rules.Campaign("C1", COUNTY, policy), cases=[case], visits=earlier)
    skipped = judged = 0
    for today in days(date(2020, 9, 1), date(2021, 1, 5), 4):
        for visited_on in days(date(2020, 9, 1), date(2021, 1, 10), 6):
            for problems in (0, 1, 2):
                for counts in (True, False, None):
                    visit = rules.Visit("new", VILLAGE, COUNTY, visited_on, problems, "赵六", None, "ev-new", counts)
                    if not rules.new_visit_changes_nothing(visit, policy, today):
                        judged += 1
                        continue
                    skipped += 1
                    after = replace(before, visits=[*earlier, visit])
                    assert keys(after, today, VISIT_RULES) == keys(before, today, VISIT_RULES), (today, visit)
    assert skipped and judged   # both ways taken


def test_a_progress_record_said_to_change_nothing_changes_no_breach():
    policy = Policy()
    completions = [None, date(2020, 10, 5), date(2020, 11, 30), date(2020, 12, 2), date(2021, 1, 14)]
    skipped = judged = 0
    for deadline in (date(2020, 11, 15), date(2020, 12, 31)):
        measure = rules.Measure("m-1", VILLAGE, "整改", "张三", deadline, date(2020, 9, 2), "ev-m",
                                updates=(date(2020, 9, 20),))
        for today in days(date(2020, 9, 2), date(2021, 1, 20), 5):
            for recorded_on in days(date(2020, 9, 2), date(2021, 1, 25), 7):
                for completed_before in completions:
                    for completed_after in completions:
                        if not rules.measure_update_changes_nothing(deadline, recorded_on, completed_before,
                                                                    completed_after, today):
                            judged += 1
                            continue
                        skipped += 1
                        facts = rules.Facts(campaign=rules.Campaign("C1", COUNTY, policy),
                                            measures=[replace(measure, completed_on=completed_before)])
                        after = replace(facts, measures=[replace(measure, completed_on=completed_after,
                                                                 updates=(*measure.updates, recorded_on))])
                        assert keys(after, today, MEASURE_RULES) == keys(facts, today, MEASURE_RULES), \
                            (deadline, today, recorded_on, completed_before, completed_after)
    assert skipped and judged


CITY, TOWNSHIP = "990100000000", VILLAGE[:9] + "000"
CASE_RULES = rules.rules_reading({rules.Fact.CASES})
ENDS = date(2020, 12, 15)   # the concentrated phase's last day (not a month's: its standing is judged mid-month)


def _case_variants() -> list[rules.Case]:
    """A case in every combination of stationing, contact leader, phase with its finished spans, and supervision."""
    spans = [(rules.CasePhase.CONCENTRATED, ()),
             (rules.CasePhase.READY, ((date(2020, 10, 20), None),)),
             (rules.CasePhase.ACCEPTED, ((date(2020, 10, 20), None),)),
             (rules.CasePhase.CONTINUED, ((date(2020, 10, 20), date(2020, 11, 10)),)),
             (rules.CasePhase.READY, ((date(2020, 12, 10), None),)),
             (rules.CasePhase.DELISTED, ((date(2021, 1, 15), None),)),
             (rules.CasePhase.READY, ((date(2020, 10, 20), date(2020, 11, 10)), (date(2021, 1, 4), None)))]
    return [rules.Case("C1", VILLAGE, TOWNSHIP, COUNTY, date(2020, 8, 20), "ev-list", phase=phase,
                       finished_on=periods[-1][0] if periods and periods[-1][1] is None else None,
                       finished_periods=periods, stationed_on=stationed, leader_name="赵六" if leader else None,
                       leader_assigned_on=leader, leader_event="ev-lead" if leader else None,
                       supervision_deadline=deadline, supervisor_name="王五" if deadline else None,
                       supervision_event="ev-sup" if deadline else None)
            for stationed in (None, date(2020, 8, 24), date(2020, 10, 5))
            for leader in (None, date(2020, 8, 25), date(2020, 9, 1), date(2020, 11, 3))
            for phase, periods in spans
            for deadline in (None, date(2020, 11, 30))]


def _case_facts(case: rules.Case) -> rules.Facts:
    visits = [rules.Visit(f"v{n}", VILLAGE, COUNTY, day, 1, "赵六", None, f"ev-v{n}", True)
              for n, day in enumerate([date(2020, 9, 3), date(2020, 9, 20), date(2020, 10, 21), date(2020, 12, 2),
                                       date(2020, 12, 9), date(2021, 1, 7)])]
    reports = [rules.ProgressReport(VILLAGE, date(2020, 9, 1), date(2020, 10, 30), "ev-r1"),
               rules.ProgressReport(VILLAGE, date(2021, 1, 1), date(2021, 3, 1), "ev-r3")]
    return rules.Facts(campaign=rules.Campaign("C1", CITY, Policy(), concentrated_ends_on=ENDS), cases=[case],
                       visits=visits, progress_reports=reports, townships=[rules.Township(TOWNSHIP, 3)])


def _differ_in_one_thing(before: rules.Case, after: rules.Case) -> bool:
    things = [("stationed_on",), ("leader_assigned_on", "leader_name", "leader_event"),
              ("phase", "finished_on", "finished_periods"),
              ("supervision_deadline", "supervisor_name", "supervision_event")]
    return sum(any(getattr(before, f) != getattr(after, f) for f in fields) for fields in things) <= 1


def test_a_change_of_a_case_said_to_change_nothing_changes_no_breach():
    variants = _case_variants()
    campaign = _case_facts(variants[0]).campaign
    skipped = judged = 0
    for today in days(date(2020, 8, 21), date(2021, 3, 10), 5):
        verdicts = [keys(_case_facts(case), today, CASE_RULES) for case in variants]
        for b, before in enumerate(variants):
            for a, after in enumerate(variants):
                if not _differ_in_one_thing(before, after):
                    continue
                if not rules.case_change_changes_nothing(before, after, campaign, today):
                    judged += 1
                    continue
                skipped += 1
                assert verdicts[a] == verdicts[b], (today, before, after)
    assert skipped and judged
    # a case not known before is always judged
    assert not rules.case_change_changes_nothing(None, variants[0], campaign, date(2020, 8, 21))


def test_a_new_measure_said_to_change_nothing_breaches_nothing():
    policy, campaign = Policy(), rules.Campaign("C1", COUNTY, Policy())
    skipped = judged = 0
    for planned_on in days(date(2020, 8, 25), date(2020, 12, 31), 6):
        for deadline in (planned_on, planned_on + timedelta(days=20), date(2021, 3, 1)):
            for completed in (None, planned_on, planned_on + timedelta(days=40)):
                measure = rules.Measure("m-1", VILLAGE, "整改", "张三", deadline, planned_on, "ev-m",
                                        completed_on=completed, updates=(planned_on + timedelta(days=3),))
                for today in days(date(2020, 8, 25), date(2021, 4, 1), 5):
                    if not rules.new_measure_changes_nothing(planned_on, deadline, today):
                        judged += 1
                        continue
                    skipped += 1
                    assert not keys(rules.Facts(campaign=campaign, measures=[measure]), today, MEASURE_RULES), \
                        (planned_on, deadline, completed, today)
    assert skipped and judged and policy


def test_a_new_acceptance_or_delisting_said_to_change_nothing_changes_no_breach():
    spot = frozenset({Rule.SPOT_CHECK_RATIO})
    skipped = judged = 0
    for area in (CITY, COUNTY):
        campaign = rules.Campaign("C1", area, Policy())
        for earlier in ([], [date(2021, 3, 1)], [date(2021, 3, 10), date(2021, 3, 20)]):
            for sampled in (False, True):
                samples = [rules.Sample(COUNTY, "city", (f"{COUNTY[:9]}201",), "ev-s")] if sampled else []
                accepted = [rules.Acceptance(f"{COUNTY[:9]}{201 + n}", COUNTY, day, f"ev-a{n}")
                            for n, day in enumerate(earlier)]
                for accepted_on in days(date(2021, 3, 1), date(2021, 4, 30), 6):
                    new = rules.Acceptance(f"{COUNTY[:9]}299", COUNTY, accepted_on, "ev-new")
                    for today in days(date(2021, 3, 1), date(2021, 5, 30), 4):
                        first = min([accepted_on, *earlier])
                        if not rules.new_acceptance_changes_nothing(campaign, first, sampled, today):
                            judged += 1
                            continue
                        skipped += 1
                        before = rules.Facts(campaign=campaign, acceptances=accepted, samples=samples,
                                             counties=[COUNTY] if accepted else [])
                        after = replace(before, acceptances=[*accepted, new], counties=[COUNTY])
                        assert keys(after, today, spot) == keys(before, today, spot), (area, earlier, today)
    assert skipped and judged
    overdue = frozenset({Rule.POST_EVALUATION_OVERDUE})
    campaign = rules.Campaign("C1", COUNTY, Policy())
    for today in days(date(2021, 3, 1), date(2021, 12, 30), 11):
        delisting = rules.Delisting(VILLAGE, COUNTY, date(2021, 3, 1), date(2021, 9, 1), "ev-d")
        if rules.new_delisting_changes_nothing(delisting.post_evaluation_due, today):
            assert not keys(rules.Facts(campaign=campaign, delistings=[delisting]), today, overdue)
