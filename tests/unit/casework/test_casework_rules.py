"""The casework rules, one test per rule, with the boundary days and sizes."""
from __future__ import annotations

from datetime import date

import pytest

from casework.domain.campaign import CampaignTerms, PolicyVersion
from casework.domain.case import CaseBook, CaseHeader, Entry, EntryKind, new_id
from zhengdun.refusals import OutOfOrder, RuleViolation, UnknownItem
from zhengdun.events.casework import CasePhase, MeasureStatus, Person
from zhengdun.events.screening import CadreRank, CampaignPhase, PhaseWindow, Policy

POLICY = Policy()
TODAY = date(2020, 9, 10)
CAMPAIGN_END = date(2021, 8, 31)
LEADER = Person(name="卫队长", post="队长", rank=CadreRank.SECTION, unit="县农业局")


def member(i: int) -> Person:
    return Person(name=f"队员{i}", post="队员", unit="县农业局")


def header() -> CaseHeader:
    return CaseHeader("c1", "camp", "990102101201", "990102101000", "990102000000", "weak_and_lax",
                      ("weak_leadership",), date(2020, 9, 1))


def add(book: CaseBook, kind: EntryKind, data: dict, on: date = TODAY, corrects: str | None = None) -> Entry:
    entry = Entry(new_id(), kind, on, on, data, {}, corrects)
    book.apply(entry)
    return entry


def staffed_book_with_measure() -> tuple[CaseBook, str]:
    book = CaseBook(header())
    add(book, EntryKind.TEAM_STATIONED, book.station_team(POLICY, 1, LEADER, [member(1), member(2)], TODAY, None))
    problem = add(book, EntryKind.PROBLEM_FOUND, book.add_problem("班子软弱", "", "weak_leadership")).data["problem_id"]
    task = add(book, EntryKind.TASK_SET, book.add_task(problem, "调整班子")).data["task_id"]
    measure = add(book, EntryKind.MEASURE_PLANNED,
                  book.plan_measure(task, "选好书记", "乡镇党委书记", date(2020, 12, 31), TODAY, CAMPAIGN_END)).data["measure_id"]
    return book, measure


EVIDENCE = [{"file_id": "f1", "sha256": "0" * 64, "filename": "a.pdf"}]


# --- team ---------------------------------------------------------------------------------

@pytest.mark.parametrize("size, allowed", [(2, False), (3, True), (5, True), (6, False)])
def test_team_size_follows_the_policy(size, allowed):
    book = CaseBook(header())
    members = [member(i) for i in range(size - 1)]
    if allowed:
        assert len(book.station_team(POLICY, 1, LEADER, members, TODAY, None)["members"]) == size - 1
    else:
        with pytest.raises(RuleViolation) as refused:
            book.station_team(POLICY, 1, LEADER, members, TODAY, None)
        assert refused.value.code == "team-size"


def test_team_size_is_read_from_the_campaign_policy():
    policy = Policy(team_size_min=2, team_size_max=2)
    assert CaseBook(header()).station_team(policy, 2, LEADER, [member(1)], TODAY, None)["policy_version"] == 2


@pytest.mark.parametrize("rank, allowed", [(None, False), (CadreRank.SECTION, True), (CadreRank.COUNTY, True)])
def test_team_leader_must_have_the_policy_rank_or_above(rank, allowed):
    leader = Person(name="队长", rank=rank)
    book = CaseBook(header())
    if allowed:
        book.station_team(POLICY, 1, leader, [member(1), member(2)], TODAY, None)
    else:
        with pytest.raises(RuleViolation, match="team-leader-rank"):
            book.station_team(POLICY, 1, leader, [member(1), member(2)], TODAY, None)


def test_county_rank_required_when_the_policy_says_so():
    with pytest.raises(RuleViolation, match="team-leader-rank"):
        CaseBook(header()).station_team(Policy(team_leader_rank=CadreRank.COUNTY), 1, LEADER, [member(1), member(2)],
                                        TODAY, None)


DECISION = {"reference": "县委组发〔2020〕12号", "decided_on": date(2020, 9, 9)}


def test_a_team_change_needs_a_reason_and_the_countys_decision():
    book = CaseBook(header())
    first = book.station_team(POLICY, 1, LEADER, [member(1), member(2)], TODAY, None)
    assert first["decision"] is None   # the first stationing needs no decision
    add(book, EntryKind.TEAM_STATIONED, first)
    with pytest.raises(RuleViolation, match="change-needs-reason"):
        book.station_team(POLICY, 1, LEADER, [member(1), member(3)], TODAY, None, DECISION)
    # 不转化不脱钩: a change without the county's decision is refused, naming the field.
    with pytest.raises(RuleViolation, match="change-needs-decision") as refused:
        book.station_team(POLICY, 1, LEADER, [member(1), member(3)], TODAY, "队员调离")
    assert refused.value.field == "decision" and "县委常委会或县委组织部" in refused.value.message_zh
    with pytest.raises(RuleViolation, match="change-needs-decision"):
        book.station_team(POLICY, 1, LEADER, [member(1), member(3)], TODAY, "队员调离", {"reference": " ", "decided_on": TODAY})
    with pytest.raises(RuleViolation, match="decision-after-change"):
        book.station_team(POLICY, 1, LEADER, [member(1), member(3)], TODAY, "队员调离",
                          {"reference": "县委组发〔2020〕12号", "decided_on": date(2020, 9, 11)})
    changed = book.station_team(POLICY, 1, LEADER, [member(1), member(3)], TODAY, "队员调离", DECISION)
    assert changed["change_reason"] == "队员调离"
    assert changed["decision"] == {"reference": "县委组发〔2020〕12号", "decided_on": "2020-09-09"}


def test_team_cannot_be_stationed_before_designation():
    with pytest.raises(RuleViolation, match="date-before-designation"):
        CaseBook(header()).station_team(POLICY, 1, LEADER, [member(1), member(2)], date(2020, 8, 31), None)


def test_contact_leader_is_county_level_and_changes_only_with_reason():
    book = CaseBook(header())
    with pytest.raises(RuleViolation, match="contact-leader-rank"):
        book.assign_contact_leader(Person(name="王", rank=CadreRank.SECTION), TODAY, None)
    leader = Person(name="王", rank=CadreRank.COUNTY)
    add(book, EntryKind.CONTACT_LEADER_ASSIGNED, book.assign_contact_leader(leader, TODAY, None))
    with pytest.raises(RuleViolation, match="change-needs-reason"):
        book.assign_contact_leader(Person(name="李", rank=CadreRank.COUNTY), TODAY, "  ", DECISION)
    with pytest.raises(RuleViolation, match="change-needs-decision") as refused:
        book.assign_contact_leader(Person(name="李", rank=CadreRank.COUNTY), TODAY, "王调任他职")
    assert refused.value.field == "decision"
    changed = book.assign_contact_leader(Person(name="李", rank=CadreRank.COUNTY), TODAY, "王调任他职", DECISION)
    assert changed["decision"]["reference"] == "县委组发〔2020〕12号"


# --- pairing ------------------------------------------------------------------------------

@pytest.mark.parametrize("elsewhere, allowed", [(0, True), (2, True), (3, False)])
def test_one_secretary_pairs_with_at_most_the_policy_number_of_villages(elsewhere, allowed):
    secretary = Person(name="优秀书记", unit="990102101202")
    book = CaseBook(header())
    if allowed:
        book.pair(POLICY, secretary, "990102101202", elsewhere)
    else:
        with pytest.raises(RuleViolation, match="pairing-limit"):
            book.pair(POLICY, secretary, "990102101202", elsewhere)


def test_pairing_twice_with_the_same_village_is_out_of_order():
    secretary = Person(name="优秀书记")
    book = CaseBook(header())
    add(book, EntryKind.PAIRED, book.pair(POLICY, secretary, "990102101202", 0))
    with pytest.raises(OutOfOrder):
        book.pair(POLICY, secretary, "990102101202", 0)


# --- the three lists ----------------------------------------------------------------------

def test_problem_links_to_a_listing_criterion_or_is_new():
    book = CaseBook(header())
    assert book.add_problem("新问题", "", None)["found_on_site"] is True
    with pytest.raises(RuleViolation, match="criterion-not-met"):
        book.add_problem("问题", "", "collective_economy_weak")


def test_task_needs_a_known_problem():
    with pytest.raises(UnknownItem):
        CaseBook(header()).add_task("nope", "任务")


@pytest.mark.parametrize("deadline, allowed", [(CAMPAIGN_END, True), (date(2021, 9, 1), False)])
def test_measure_deadline_not_after_the_campaign_end(deadline, allowed):
    book, _ = staffed_book_with_measure()
    task = next(iter(book.tasks))
    if allowed:
        assert book.plan_measure(task, "措施", "张三", deadline, TODAY, CAMPAIGN_END)["deadline"] == deadline.isoformat()
    else:
        with pytest.raises(RuleViolation, match="deadline-after-campaign"):
            book.plan_measure(task, "措施", "张三", deadline, TODAY, CAMPAIGN_END)


@pytest.mark.parametrize("responsible, deadline, code", [("", date(2020, 12, 1), "missing-responsible"),
                                                         ("张三", None, "missing-deadline")])
def test_measure_needs_responsible_and_deadline(responsible, deadline, code):
    book, _ = staffed_book_with_measure()
    with pytest.raises(RuleViolation, match=code):
        book.plan_measure(next(iter(book.tasks)), "措施", responsible, deadline, TODAY, CAMPAIGN_END)


def test_responsibility_list_is_derived_from_the_measures():
    book, measure = staffed_book_with_measure()
    [row] = book.responsibilities()
    assert row == {"measure_id": measure, "measure": "选好书记", "task": "调整班子", "problem": "班子软弱",
                   "responsible": "乡镇党委书记", "responsible_user_id": None, "responsible_username": None,
                   "deadline": "2020-12-31", "status": "not_started"}


def test_a_measure_names_a_platform_user_or_free_text():
    book, _ = staffed_book_with_measure()
    task = next(iter(book.tasks))
    user = Person(name="王五", user_id="3f1c", username="wangwu")
    data = book.plan_measure(task, "措施", user, date(2020, 12, 1), TODAY, CAMPAIGN_END)
    assert (data["responsible"], data["responsible_user_id"], data["responsible_username"]) == ("王五", "3f1c", "wangwu")
    text = book.plan_measure(task, "措施", "村民代表", date(2020, 12, 1), TODAY, CAMPAIGN_END)
    assert (text["responsible"], text["responsible_user_id"]) == ("村民代表", None)


def test_comments_only_after_the_plan_is_published():
    book, _ = staffed_book_with_measure()
    with pytest.raises(OutOfOrder, match="plan-not-published"):
        book.add_comment("村民", "意见")
    add(book, EntryKind.PLAN_PUBLISHED, book.publish_plan(TODAY, "公示"))
    comment = add(book, EntryKind.PLAN_COMMENT, book.add_comment("村民", "意见")).data["comment_id"]
    add(book, EntryKind.PLAN_ANSWER, book.answer_comment(comment, "已采纳"))
    with pytest.raises(OutOfOrder):
        book.answer_comment(comment, "再次答复")


# --- progress -----------------------------------------------------------------------------

def test_completion_needs_evidence():
    book, measure = staffed_book_with_measure()
    with pytest.raises(RuleViolation, match="completion-needs-evidence"):
        book.record_progress(measure, MeasureStatus.COMPLETED, "完成", [], None)
    assert book.record_progress(measure, MeasureStatus.COMPLETED, "完成", EVIDENCE, None)["status"] == "completed"


def test_a_correction_is_a_new_record_pointing_at_the_old_one():
    book, measure = staffed_book_with_measure()
    first = add(book, EntryKind.PROGRESS, book.record_progress(measure, MeasureStatus.COMPLETED, "完成", EVIDENCE, None))
    assert book.measures[measure]["status"] == "completed"
    fix = add(book, EntryKind.PROGRESS, book.record_progress(measure, MeasureStatus.IN_PROGRESS, "实际未完成", [],
                                                             first.entry_id), corrects=first.entry_id)
    assert book.measures[measure]["status"] == "in_progress"
    assert book.progress[first.entry_id]["status"] == "completed"          # the old record is unchanged
    assert book.progress[first.entry_id]["corrected_by"] == fix.entry_id
    with pytest.raises(OutOfOrder, match="already-corrected"):
        book.record_progress(measure, MeasureStatus.IN_PROGRESS, "再更正", [], first.entry_id)


def progress(book: CaseBook, measure: str, status: MeasureStatus, on: date, corrects: str | None = None) -> Entry:
    evidence = EVIDENCE if status is MeasureStatus.COMPLETED else []
    return add(book, EntryKind.PROGRESS, book.record_progress(measure, status, "进展", evidence, corrects), on=on,
               corrects=corrects)


def test_a_measure_stands_where_its_newest_uncorrected_record_puts_it_from_that_records_date():
    book, measure = staffed_book_with_measure()
    assert book.measure_standing(measure) == (MeasureStatus.NOT_STARTED, None)
    progress(book, measure, MeasureStatus.IN_PROGRESS, date(2020, 9, 20))
    assert book.measure_standing(measure) == (MeasureStatus.IN_PROGRESS, date(2020, 9, 20))
    progress(book, measure, MeasureStatus.COMPLETED, date(2020, 10, 5))
    assert book.measure_standing(measure) == (MeasureStatus.COMPLETED, date(2020, 10, 5))


def test_correcting_the_newest_record_puts_the_measure_where_the_correction_says():
    book, measure = staffed_book_with_measure()
    progress(book, measure, MeasureStatus.IN_PROGRESS, date(2020, 9, 20))
    done = progress(book, measure, MeasureStatus.COMPLETED, date(2020, 10, 5))
    progress(book, measure, MeasureStatus.IN_PROGRESS, date(2020, 10, 8), corrects=done.entry_id)
    assert book.measure_standing(measure) == (MeasureStatus.IN_PROGRESS, date(2020, 10, 8))


def test_correcting_an_older_record_makes_the_correction_the_newest_record_from_the_latest_date_reported():
    book, measure = staffed_book_with_measure()
    first = progress(book, measure, MeasureStatus.IN_PROGRESS, date(2020, 9, 20))
    progress(book, measure, MeasureStatus.COMPLETED, date(2020, 10, 5))
    # The correction, dated as the record it corrects, is the newest record nobody corrected: the measure stands
    # where it says, from the latest date the measure was already reported on (never earlier).
    progress(book, measure, MeasureStatus.NOT_STARTED, date(2020, 9, 20), corrects=first.entry_id)
    assert book.measure_standing(measure) == (MeasureStatus.NOT_STARTED, date(2020, 10, 5))
    assert book.measures[measure]["status"] == "not_started"


def test_the_status_date_never_goes_back_for_a_record_dated_before_the_latest_one():
    book, measure = staffed_book_with_measure()
    progress(book, measure, MeasureStatus.IN_PROGRESS, date(2020, 10, 5))
    progress(book, measure, MeasureStatus.COMPLETED, date(2020, 9, 25))
    assert book.measure_standing(measure) == (MeasureStatus.COMPLETED, date(2020, 10, 5))


def test_ready_when_every_measure_is_complete_and_back_when_one_is_not():
    book, measure = staffed_book_with_measure()
    assert book.readiness_change() is None
    done = add(book, EntryKind.PROGRESS, book.record_progress(measure, MeasureStatus.COMPLETED, "完成", EVIDENCE, None))
    assert book.readiness_change() is CasePhase.READY
    add(book, EntryKind.PHASE_CHANGED, book.phase_change(CasePhase.READY, "完成"))
    add(book, EntryKind.PROGRESS, book.record_progress(measure, MeasureStatus.IN_PROGRESS, "更正", [], done.entry_id),
        corrects=done.entry_id)
    assert book.readiness_change() is CasePhase.CONCENTRATED


def test_a_reopened_case_needs_new_measures_before_it_is_ready_again():
    book, measure = staffed_book_with_measure()
    add(book, EntryKind.PROGRESS, book.record_progress(measure, MeasureStatus.COMPLETED, "完成", EVIDENCE, None))
    add(book, EntryKind.PHASE_CHANGED, book.phase_change(CasePhase.READY, "完成"))
    add(book, EntryKind.PHASE_CHANGED, book.phase_change(CasePhase.CONTINUED, "验收未通过", reopened=True), on=date(2021, 6, 1))
    assert book.readiness_change() is None
    assert book.continued_since == date(2021, 6, 1)


def test_visits_need_a_contact_leader_and_known_problems():
    book, _ = staffed_book_with_measure()
    leader = Person(name="王", rank=CadreRank.COUNTY)
    with pytest.raises(OutOfOrder, match="no-contact-leader"):
        book.record_visit(leader, ["队长"], [], [], [], "")
    add(book, EntryKind.CONTACT_LEADER_ASSIGNED, book.assign_contact_leader(leader, TODAY, None))
    with pytest.raises(UnknownItem):
        book.record_visit(leader, ["队长"], [], [], ["nope"], "")
    assert book.record_visit(leader, ["队长"], ["村书记"], [], list(book.problems), "")["problems_pushed"]


def test_a_visit_short_of_the_three_musts_is_recorded_flagged_and_not_counted():
    book, _ = staffed_book_with_measure()
    leader = Person(name="王", rank=CadreRank.COUNTY)
    add(book, EntryKind.CONTACT_LEADER_ASSIGNED, book.assign_contact_leader(leader, TODAY, None))
    problems = list(book.problems)
    full = book.record_visit(leader, ["卫队长"], ["沈村书记"], ["老党员"], problems, "")
    assert full["counts_toward_minimum"] is True and full["missing_musts"] == []
    # No key person talked with, no problem pushed: recorded, with what it lacked in Chinese, and not counted.
    short = book.record_visit(leader, ["卫队长"], ["沈村书记"], [" "], [], "")
    assert short["counts_toward_minimum"] is False
    assert short["missing_musts"] == [{"code": "key_persons", "label": "与重点工作对象谈话"},
                                      {"code": "problems_pushed", "label": "推动解决问题"}]
    # The number of problems a visit must push is the policy's.
    two = book.record_visit(leader, ["卫队长"], ["沈村书记"], ["老党员"], problems[:1], "", problems_required=2)
    assert two["missing_musts"] == [{"code": "problems_pushed", "label": "推动解决至少 2 个问题"}]
    add(book, EntryKind.VISIT, short)
    assert book.visits[-1]["counts_toward_minimum"] is False
    # A visit recorded before the verdict was kept is judged by what it lists.
    add(book, EntryKind.VISIT, {"leader": {"name": "王"}, "team_members": ["卫队长"], "village_cadres": ["沈村书记"],
                                "key_persons": ["老党员"], "problems_pushed": problems, "notes": ""})
    assert book.visits[-1]["counts_toward_minimum"] is True and book.visits[-1]["missing_musts"] == []


def test_accepted_case_is_closed_to_new_work():
    book, measure = staffed_book_with_measure()
    add(book, EntryKind.PHASE_CHANGED, book.phase_change(CasePhase.ACCEPTED, "验收通过"))
    with pytest.raises(OutOfOrder, match="case-closed"):
        book.record_progress(measure, MeasureStatus.IN_PROGRESS, "进展", [], None)


# --- continued rectification --------------------------------------------------------------

def test_continued_steps_in_order():
    book, _ = staffed_book_with_measure()
    secretary = Person(name="郑书记", post="县委书记", rank=CadreRank.COUNTY)
    with pytest.raises(OutOfOrder, match="not-in-continued"):
        book.record_study("常委会", "研究")
    add(book, EntryKind.PHASE_CHANGED, book.phase_change(CasePhase.CONTINUED, "阶段结束"))
    with pytest.raises(OutOfOrder, match="study-first"):
        book.assign_supervision(secretary, date(2021, 7, 1), date(2021, 6, 1))
    add(book, EntryKind.CONTINUED_STUDIED, book.record_study("常委会", "研究"))
    with pytest.raises(OutOfOrder, match="supervision-first"):
        book.record_second_review(secretary, "仍未完成")
    with pytest.raises(RuleViolation):
        book.assign_supervision(secretary, date(2021, 6, 1), date(2021, 6, 1))
    add(book, EntryKind.SUPERVISION_ASSIGNED, book.assign_supervision(secretary, date(2021, 7, 1), date(2021, 6, 1)))
    assert book.record_second_review(secretary, "仍未完成")["county_secretary"]["name"] == "郑书记"


def test_the_named_supervisor_must_be_this_countys_secretary():
    book, _ = staffed_book_with_measure()
    add(book, EntryKind.PHASE_CHANGED, book.phase_change(CasePhase.CONTINUED, "阶段结束"))
    add(book, EntryKind.CONTINUED_STUDIED, book.record_study("常委会", "研究"))
    deadline, decided = date(2021, 7, 1), date(2021, 6, 1)
    # Judged by the post and rank given, when the service cannot see the named user's roles.
    for someone in (Person(name="王副县长", post="副县长", rank=CadreRank.COUNTY),
                    Person(name="郑书记", post="县委书记", rank=CadreRank.SECTION)):
        with pytest.raises(RuleViolation, match="supervisor-not-county-secretary") as refused:
            book.assign_supervision(someone, deadline, decided)
        assert refused.value.field == "supervisor" and "县委书记" in refused.value.message_zh
    assert book.assign_supervision(Person(name="郑书记", post="县委书记"), deadline, decided)["deadline"] == "2021-07-01"
    # Judged by the roles and unit the service knows (the caller names themself): the post does not matter.
    me = Person(name="郑书记", post="书记", user_id="u-s")
    book.assign_supervision(me, deadline, decided, known_roles=frozenset({"county_secretary"}), known_unit="990102000000")
    with pytest.raises(RuleViolation, match="supervisor-not-county-secretary"):
        book.assign_supervision(me, deadline, decided, known_roles=frozenset({"standing_committee"}),
                                known_unit="990102000000")
    with pytest.raises(RuleViolation, match="supervisor-not-county-secretary"):   # another county's secretary
        book.assign_supervision(me, deadline, decided, known_roles=frozenset({"county_secretary"}), known_unit="990103000000")


def terms() -> CampaignTerms:
    return CampaignTerms("camp", (
        PhaseWindow(phase=CampaignPhase.SCREENING, starts_on=date(2020, 7, 1), ends_on=date(2020, 8, 31)),
        PhaseWindow(phase=CampaignPhase.CONCENTRATED, starts_on=date(2020, 9, 1), ends_on=date(2021, 5, 31)),
        PhaseWindow(phase=CampaignPhase.CONTINUED, starts_on=date(2021, 6, 1), ends_on=date(2021, 8, 31)),
    ), [PolicyVersion(1, POLICY, date(2020, 7, 1)), PolicyVersion(2, Policy(team_size_max=6), date(2021, 1, 1))])


@pytest.mark.parametrize("today, over", [(date(2021, 5, 30), False), (date(2021, 5, 31), False), (date(2021, 6, 1), True)])
def test_concentrated_phase_ends_after_its_last_day(today, over):
    assert terms().concentrated_over(today) is over


def test_campaign_end_and_policy_version_in_force():
    assert terms().ends_on == date(2021, 8, 31)
    assert terms().policy_on(date(2020, 12, 31)).version == 1
    assert terms().policy_on(date(2021, 1, 1)).version == 2


# --- progress reports to the county (seed 001 §二(二)) ------------------------------------------

def test_a_progress_report_per_period_of_the_policys_interval():
    book = CaseBook(header())   # designated 2020-09-01: periods Sep–Oct, Nov–Dec, … of two months
    # Filed on the period's first day it is that period's; a second one for the same period is refused.
    first = book.file_progress_report(2, 1, date(2020, 9, 1), None, "工作队进驻，问题清单已建立")
    assert (first["period_start"], first["period_end"], first["policy_version"]) == ("2020-09-01", "2020-10-31", 1)
    add(book, EntryKind.PROGRESS_REPORTED, first, date(2020, 9, 1))
    with pytest.raises(OutOfOrder, match="period-reported"):
        book.file_progress_report(2, 1, date(2020, 10, 31), None, "again")
    # The period's last day still belongs to it; the next day begins the next one.
    nxt = book.file_progress_report(2, 1, date(2020, 11, 1), None, "整改推进")
    assert (nxt["period_start"], nxt["period_end"]) == ("2020-11-01", "2020-12-31")
    # A late report names its past period; a period must be one of the case's and have begun.
    late = book.file_progress_report(2, 1, date(2021, 1, 5), date(2020, 11, 1), "补报")
    assert late["period_start"] == "2020-11-01"
    with pytest.raises(RuleViolation, match="not-a-report-period"):
        book.file_progress_report(2, 1, date(2021, 1, 5), date(2020, 10, 1), "错期")
    with pytest.raises(OutOfOrder, match="period-not-started"):
        book.file_progress_report(2, 1, date(2021, 1, 5), date(2021, 3, 1), "未到期")
    with pytest.raises(RuleViolation, match="missing-summary"):
        book.file_progress_report(2, 1, date(2020, 11, 1), None, "  ")
    # The interval is the policy's: three months make Sep–Nov.
    assert CaseBook(header()).file_progress_report(3, 2, date(2020, 9, 1), None, "x")["period_end"] == "2020-11-30"


def test_a_case_designated_mid_month_reports_from_its_first_full_month():
    book = CaseBook(CaseHeader("c1", "camp", "990102101201", "990102101000", "990102000000", "weak_and_lax",
                               ("weak_leadership",), date(2020, 8, 20)))
    with pytest.raises(OutOfOrder, match="period-not-started"):
        book.file_progress_report(2, 1, date(2020, 8, 31), None, "x")
    assert book.file_progress_report(2, 1, date(2020, 9, 1), None, "x")["period_start"] == "2020-09-01"


# --- continued phase: team and contact leader unchanged in principle (seed 000 §三(三) 引言) -------

def continued_book() -> CaseBook:
    book = CaseBook(header())
    add(book, EntryKind.TEAM_STATIONED, book.station_team(POLICY, 1, LEADER, [member(1), member(2)], TODAY, None))
    add(book, EntryKind.CONTACT_LEADER_ASSIGNED, book.assign_contact_leader(Person(name="王", rank=CadreRank.COUNTY), TODAY, None))
    return book


def test_in_the_continued_phase_a_change_of_team_or_contact_leader_is_an_exception_with_its_reason():
    book = continued_book()
    # Concentrated phase: reason and decision suffice, no exception is asked or flagged.
    changed = book.station_team(POLICY, 1, LEADER, [member(1), member(3)], TODAY, "队员调离", DECISION)
    assert "continued_exception" not in changed
    add(book, EntryKind.PHASE_CHANGED, book.phase_change(CasePhase.CONTINUED, "集中整顿结束"), date(2021, 6, 1))
    with pytest.raises(RuleViolation, match="continued-change-needs-exception") as refused:
        book.station_team(POLICY, 1, LEADER, [member(1), member(3)], TODAY, "队员调离", DECISION)
    assert refused.value.field == "exception_reason" and "原则上保持不变" in refused.value.message_zh
    with pytest.raises(RuleViolation, match="continued-change-needs-exception"):
        book.assign_contact_leader(Person(name="李", rank=CadreRank.COUNTY), TODAY, "王调任他职", DECISION, "  ")
    team = book.station_team(POLICY, 1, LEADER, [member(1), member(3)], TODAY, "队员调离", DECISION, "队员因病无法履职")
    assert team["continued_exception"] == "队员因病无法履职"
    leader = book.assign_contact_leader(Person(name="李", rank=CadreRank.COUNTY), TODAY, "王调任他职", DECISION, "王调离本县")
    assert leader["continued_exception"] == "王调离本县"
    # The ledger flags it.
    from casework.ledger import entry_view
    assert entry_view(add(book, EntryKind.CONTACT_LEADER_ASSIGNED, leader))["flag"] == "持续整顿阶段例外调整：王调离本县"


def test_a_first_assignment_in_the_continued_phase_is_no_exception():
    book = CaseBook(header())
    add(book, EntryKind.PHASE_CHANGED, book.phase_change(CasePhase.CONTINUED, "直接进入持续整顿"), date(2021, 6, 1))
    assert "continued_exception" not in book.station_team(POLICY, 1, LEADER, [member(1), member(2)], TODAY, None)
    assert "continued_exception" not in book.assign_contact_leader(Person(name="王", rank=CadreRank.COUNTY), TODAY, None)
