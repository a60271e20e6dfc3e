"""Casework's to-do rules: who a step waits on (the person by login, else the role at the unit) and when it is done."""
from __future__ import annotations

from datetime import date

from casework.domain.case import CaseBook, CaseHeader, Entry, EntryKind, new_id
from casework.domain.tasks import Caller, steps
from zhengdun.events.casework import CasePhase, MeasureStatus, Person
from zhengdun.events.screening import CadreRank, Policy
from zhengdun.roles import Level

POLICY = Policy()
VILLAGE, TOWNSHIP, COUNTY = "990102101201", "990102101000", "990102000000"
COUNTY_ORG = Caller("u-org", COUNTY, Level.COUNTY, frozenset({"org_staff"}))
TEAM = Caller("u-team", VILLAGE, Level.VILLAGE, frozenset({"work_team_leader"}))
LEADER = Caller("u-leader", COUNTY, Level.COUNTY, frozenset({"contact_leader"}))


def book() -> CaseBook:
    return CaseBook(CaseHeader("c1", "camp", VILLAGE, TOWNSHIP, COUNTY, "weak_and_lax", ("weak",), date(2020, 9, 1)))


def add(b: CaseBook, kind: EntryKind, data: dict, on: date) -> Entry:
    entry = Entry(new_id(), kind, on, on, data)
    b.apply(entry)
    return entry


def kinds(found) -> list[str]:
    return [p.kind for p in found]


def staffed(team_user: str | None = None, leader_user: str | None = None) -> CaseBook:
    b = book()
    team_leader = Person(name="队长", rank=CadreRank.SECTION, user_id=team_user)
    add(b, EntryKind.TEAM_STATIONED, b.station_team(POLICY, 1, team_leader, [Person(name="甲"), Person(name="乙")],
                                                    date(2020, 9, 3), None), date(2020, 9, 3))
    add(b, EntryKind.CONTACT_LEADER_ASSIGNED,
        b.assign_contact_leader(Person(name="县领导", rank=CadreRank.COUNTY, user_id=leader_user), date(2020, 9, 3), None),
        date(2020, 9, 3))
    return b


def with_measure(b: CaseBook, deadline: date, planned_on: date) -> str:
    problem = add(b, EntryKind.PROBLEM_FOUND, b.add_problem("班子软弱", "", "weak"), planned_on).data["problem_id"]
    task = add(b, EntryKind.TASK_SET, b.add_task(problem, "调整班子"), planned_on).data["task_id"]
    return add(b, EntryKind.MEASURE_PLANNED, b.plan_measure(task, "选好书记", "队长", deadline, planned_on, date(2021, 8, 31)),
               planned_on).data["measure_id"]


def test_a_new_case_waits_on_the_county_for_team_and_leader_within_the_dispatch_days():
    found = steps(book(), POLICY, COUNTY_ORG, date(2020, 9, 2))
    assert kinds(found) == ["casework.team", "casework.contact_leader"]
    assert {p.due_on for p in found} == {date(2020, 9, 6)}          # designated 9-1 + 5 days
    assert found[0].method == "PUT" and found[0].path == "/cases/c1/team"
    township_org = Caller("u-t", TOWNSHIP, Level.TOWNSHIP, frozenset({"org_staff"}))
    assert kinds(steps(book(), POLICY, township_org, date(2020, 9, 2))) == ["casework.team", "casework.contact_leader"]
    other_county = Caller("u-o", "990103000000", Level.COUNTY, frozenset({"org_staff"}))
    assert steps(book(), POLICY, other_county, date(2020, 9, 2)) == []
    assert steps(staffed(), POLICY, COUNTY_ORG, date(2020, 9, 4)) == []


def test_the_team_plans_first_then_updates_every_measure_each_month():
    b = staffed()
    assert kinds(steps(b, POLICY, TEAM, date(2020, 9, 4))) == ["casework.plan"]
    measure = with_measure(b, date(2020, 12, 31), date(2020, 9, 10))
    assert steps(b, POLICY, TEAM, date(2020, 9, 30)) == []            # planned this month: no update due yet
    [update] = steps(b, POLICY, TEAM, date(2020, 10, 1))
    assert update.kind == "casework.measure.update" and update.due_on == date(2020, 10, 31)
    assert update.path == f"/cases/c1/measures/{measure}/progress"
    add(b, EntryKind.PROGRESS, b.record_progress(measure, MeasureStatus.IN_PROGRESS, "已谈话", [], None), date(2020, 10, 5))
    assert steps(b, POLICY, TEAM, date(2020, 10, 6)) == []
    assert kinds(steps(b, POLICY, TEAM, date(2020, 11, 1))) == ["casework.measure.update", "casework.progress_report"]


def test_a_measure_shows_seven_days_before_its_deadline_and_overdue_after():
    b = staffed()
    with_measure(b, date(2020, 10, 20), date(2020, 10, 1))

    def measure_steps(today: date):
        return [p for p in steps(b, POLICY, TEAM, today) if p.kind.startswith("casework.measure")]
    assert measure_steps(date(2020, 10, 12)) == []
    [soon] = measure_steps(date(2020, 10, 15))
    assert soon.kind == "casework.measure.deadline" and "还有 5 天到期" in soon.title and soon.due_on == date(2020, 10, 20)
    [late] = measure_steps(date(2020, 10, 22))
    assert "已逾期 2 天" in late.title


def test_the_team_reports_progress_each_period_from_two_weeks_before_its_end_until_filed():
    b = staffed()
    with_measure(b, date(2021, 6, 30), date(2020, 9, 10))
    # Designated on 2020-09-01: two-month periods from that month (September–October first).
    assert "casework.progress_report" not in kinds(steps(b, POLICY, TEAM, date(2020, 10, 16)))
    [report] = [p for p in steps(b, POLICY, TEAM, date(2020, 10, 17)) if p.kind == "casework.progress_report"]
    assert report.due_on == date(2020, 10, 31) and report.path == "/cases/c1/progress-reports"
    assert "2020-09-01 至 2020-10-31" in report.title
    # Unfiled, it stays (overdue) beside the next period's once that one is near its end.
    late = [p for p in steps(b, POLICY, TEAM, date(2020, 12, 20)) if p.kind == "casework.progress_report"]
    assert [p.due_on for p in late] == [date(2020, 10, 31), date(2020, 12, 31)]
    add(b, EntryKind.PROGRESS_REPORTED, b.file_progress_report(2, 1, date(2020, 12, 20), date(2020, 9, 1), "按期推进"),
        date(2020, 12, 20))
    [left] = [p for p in steps(b, POLICY, TEAM, date(2020, 12, 20)) if p.kind == "casework.progress_report"]
    assert left.due_on == date(2020, 12, 31)
    # The report is the team's, not the county's.
    assert "casework.progress_report" not in kinds(steps(b, POLICY, COUNTY_ORG, date(2020, 12, 20)))


def test_team_steps_go_to_the_named_login_when_the_book_has_one():
    b = staffed(team_user="u-team")
    assert kinds(steps(b, POLICY, TEAM, date(2020, 9, 4))) == ["casework.plan"]
    someone_else = Caller("u-x", VILLAGE, Level.VILLAGE, frozenset({"work_team_leader"}))
    assert steps(b, POLICY, someone_else, date(2020, 9, 4)) == []
    # Without logins in the book, the role at the village decides; a secretary of the village is not the team.
    assert kinds(steps(staffed(), POLICY, someone_else, date(2020, 9, 4))) == ["casework.plan"]
    secretary = Caller("u-s", VILLAGE, Level.VILLAGE, frozenset({"village_secretary"}))
    assert steps(staffed(), POLICY, secretary, date(2020, 9, 4)) == []


FULL_VISIT = {"leader": {"name": "县领导"}, "team_members": ["队长"], "village_cadres": ["村书记"], "key_persons": ["老党员"],
              "problems_pushed": ["p1"], "notes": ""}


def test_the_contact_leader_sees_visits_this_month_until_the_minimum():
    b = staffed(leader_user="u-leader")
    [visit] = steps(b, POLICY, LEADER, date(2020, 10, 10))
    assert visit.kind == "casework.visit" and visit.title == "本月到村走访 0/2 次" and visit.due_on == date(2020, 10, 31)
    add(b, EntryKind.VISIT, FULL_VISIT, date(2020, 10, 5))
    [visit] = steps(b, POLICY, LEADER, date(2020, 10, 10))
    assert (visit.done, visit.required) == (1, 2) and "1/2" in visit.title
    # A visit short of the 三必须 (no problem pushed) is in the book but does not count toward the minimum.
    add(b, EntryKind.VISIT, {**FULL_VISIT, "problems_pushed": []}, date(2020, 10, 8))
    [visit] = steps(b, POLICY, LEADER, date(2020, 10, 10))
    assert (visit.done, visit.required) == (1, 2)
    add(b, EntryKind.VISIT, FULL_VISIT, date(2020, 10, 9))
    assert steps(b, POLICY, LEADER, date(2020, 10, 10)) == []
    # Another contact leader of the county is not this village's leader.
    assert steps(b, POLICY, Caller("u-other", COUNTY, Level.COUNTY, frozenset({"contact_leader"})), date(2020, 10, 10)) == []


def test_continued_phase_steps_follow_each_other():
    b = staffed()
    add(b, EntryKind.PHASE_CHANGED, b.phase_change(CasePhase.CONTINUED, "集中整顿期满"), date(2021, 6, 1))
    committee = Caller("u-c", COUNTY, Level.COUNTY, frozenset({"standing_committee"}))
    secretary = Caller("u-s", COUNTY, Level.COUNTY, frozenset({"county_secretary"}))
    assert kinds(steps(b, POLICY, committee, date(2021, 6, 2))) == ["casework.continued.study"]
    assert steps(b, POLICY, secretary, date(2021, 6, 2)) == []
    add(b, EntryKind.CONTINUED_STUDIED, b.record_study("常委会", "继续整顿"), date(2021, 6, 3))
    assert kinds(steps(b, POLICY, secretary, date(2021, 6, 4))) == ["casework.continued.supervision"]
    add(b, EntryKind.SUPERVISION_ASSIGNED, b.assign_supervision(Person(name="书记", post="县委书记"), date(2021, 7, 31), date(2021, 6, 5)),
        date(2021, 6, 5))
    [review] = steps(b, POLICY, secretary, date(2021, 6, 6))
    assert review.kind == "casework.continued.second_review" and review.due_on == date(2021, 7, 31)


def test_a_case_out_of_the_work_phases_waits_on_nobody():
    b = book()
    add(b, EntryKind.PHASE_CHANGED, b.phase_change(CasePhase.READY, "全部完成"), date(2020, 12, 1))
    assert steps(b, POLICY, COUNTY_ORG, date(2020, 12, 2)) == []


def test_a_measure_naming_its_responsible_login_waits_on_that_person_not_the_team():
    b = staffed()
    measure = with_measure(b, date(2020, 10, 20), date(2020, 10, 1))
    b.measures[measure]["responsible_user_id"] = "u-cadre"      # planned with people refs
    cadre = Caller("u-cadre", TOWNSHIP, Level.TOWNSHIP, frozenset({"township_committee"}))
    [mine] = steps(b, POLICY, cadre, date(2020, 10, 15))
    assert mine.kind == "casework.measure.deadline" and mine.unit_code == VILLAGE
    assert steps(b, POLICY, TEAM, date(2020, 10, 15)) == []


def test_a_book_read_without_its_lists_judges_only_the_unit_steps():
    b = staffed(team_user="u-team")
    with_measure(b, date(2020, 10, 20), date(2020, 10, 1))
    assert steps(b, POLICY, TEAM, date(2020, 10, 15))                      # the measure is due soon
    assert steps(b, POLICY, TEAM, date(2020, 10, 15), with_lists=False) == []
