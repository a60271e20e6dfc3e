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
