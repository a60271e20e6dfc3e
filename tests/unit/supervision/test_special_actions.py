"""A township's special actions and its branches' organization life (seed 004): the rules at their boundaries."""
from __future__ import annotations

from datetime import date

import pytest

from supervision.domain import special_actions as sa
from supervision.domain.rules import Rule
from zhengdun.refusals import OutOfOrder, RuleViolation

TOWNSHIP = "990102101000"
V1, V2, V3, V4, V5 = (f"9901021012{n:02d}" for n in range(1, 6))
OTHER_TOWNSHIP_VILLAGE = "990102102201"
ITEM = sa.ItemDraft("落实村党组织书记县镇共管制度", "镇党委动议申报、县级联审联查", date(2022, 9, 28), "陆波")


def refused(call, *args, **kwargs) -> str:
    with pytest.raises((RuleViolation, OutOfOrder)) as caught:
        call(*args, **kwargs)
    return caught.value.code


# --- the task-decomposition table -------------------------------------------------------

def test_an_action_has_two_to_four_pilot_villages_of_its_own_township():
    check = sa.check_special_action
    args = (TOWNSHIP, "村干部管理规范化专项行动", date(2021, 9, 29), date(2022, 9, 28))
    check(*args, [V1, V2], [ITEM])
    check(*args, [V1, V2, V3, V4], [ITEM])
    assert refused(check, *args, [V1], [ITEM]) == "pilot-count"
    assert refused(check, *args, [V1, V2, V3, V4, V5], [ITEM]) == "pilot-count"
    assert refused(check, *args, [V1, OTHER_TOWNSHIP_VILLAGE], [ITEM]) == "pilot-outside-township"
    assert refused(check, *args, [V1, V1], [ITEM]) == "duplicate-pilot"
    assert refused(check, "990102000000", *args[1:], [V1, V2], [ITEM]) == "not-a-township"
    assert refused(check, *args, [V1, V2], []) == "items-required"
    assert refused(check, TOWNSHIP, "  ", *args[2:], [V1, V2], [ITEM]) == "name-required"


def test_pilots_are_villages_or_communities_never_an_enterprise_or_social_organization():
    check = sa.check_special_action
    args = (TOWNSHIP, "村干部管理规范化专项行动", date(2021, 9, 29), date(2022, 9, 28))
    enterprise, association = "990102101601", "990102101602"      # organization codes (600–999) under the township
    check(*args, [V1, V2], [ITEM], {V1: "行政村", V2: "社区"})
    check(*args, [V1, V2], [ITEM], {})                            # kinds unknown to the copy: the codes decide
    assert refused(check, *args, [V1, enterprise], [ITEM], {V1: "行政村", enterprise: "非公企业"}) == "pilot-not-a-village"
    assert refused(check, *args, [association, V2], [ITEM], {association: "社会组织"}) == "pilot-not-a-village"


def test_an_item_names_its_requirement_and_responsible_person_and_is_due_by_the_actions_end():
    check = sa.check_special_action
    args = (TOWNSHIP, "发展党员规范化专项行动", date(2021, 9, 29), date(2022, 9, 28), [V1, V2])
    check(*args, [sa.ItemDraft("规范党员发展流程", "坚持六看", date(2022, 9, 28), "曹立鑫")])   # due on the last day
    assert refused(check, *args, [sa.ItemDraft("x", "y", date(2022, 9, 29), "曹立鑫")]) == "due-after-end"
    assert refused(check, *args, [sa.ItemDraft("x", " ", date(2022, 1, 1), "曹立鑫")]) == "item-incomplete"
    assert refused(check, *args, [sa.ItemDraft("x", "y", date(2022, 1, 1), " ")]) == "responsible-required"


def test_an_item_is_done_only_with_evidence_and_only_once():
    sa.check_progress(TOWNSHIP, "已召开轮训", "", False, None, None)                  # progress without evidence
    sa.check_progress(TOWNSHIP, "已完成轮训", "培训签到表、照片", True, V1, None)
    assert refused(sa.check_progress, TOWNSHIP, "已完成", "  ", True, None, None) == "evidence-required"
    sa.check_progress(TOWNSHIP, "已完成轮训", "  ", True, V1, None, files=1)               # a file is evidence too
    assert refused(sa.check_progress, TOWNSHIP, "已完成", "", True, None, None, files=0) == "evidence-required"
    assert refused(sa.check_progress, TOWNSHIP, "再次完成", "材料", True, None, date(2021, 10, 5)) == "item-already-done"
    assert refused(sa.check_progress, TOWNSHIP, "x", "", False, OTHER_TOWNSHIP_VILLAGE, None) == "village-outside-township"
    assert sa.done_on([(date(2021, 10, 9), False), (date(2021, 10, 20), True)]) == date(2021, 10, 20)
    assert sa.done_on([(date(2021, 10, 9), False)]) is None


def test_an_item_is_overdue_from_the_day_after_its_time_node_until_done():
    item = sa.Item("SAI-1", "SA-1", TOWNSHIP, "严肃标识标牌悬挂", date(2021, 10, 31), "徐金亮", "u-9", None)
    assert sa.item_overdue(item, date(2021, 10, 31)) is None
    breach = sa.item_overdue(item, date(2021, 11, 1))
    assert breach.rule is Rule.SPECIAL_ACTION_ITEM_OVERDUE and breach.key == "special_action_item_overdue:SA-1:SAI-1"
    assert (breach.subject_code, breach.subject_person, breach.subject_user_id) == (TOWNSHIP, "徐金亮", "u-9")
    assert breach.due_on == date(2021, 10, 31)
    done = sa.Item(**{**item.__dict__, "done_on": date(2021, 11, 3)})
    assert sa.item_overdue(done, date(2021, 11, 4)) is None


# --- organization life ------------------------------------------------------------------

def test_the_cadences_are_the_seeds():
    assert sa.MeetingKind.PARTY_CONGRESS.cadence == sa.Cadence(sa.Cycle.QUARTER)
    assert sa.MeetingKind.BRANCH_COMMITTEE.cadence == sa.MeetingKind.PARTY_GROUP.cadence == sa.Cadence(sa.Cycle.MONTH)
    assert sa.MeetingKind.PARTY_LECTURE.cadence == sa.Cadence(sa.Cycle.QUARTER)
    assert sa.MeetingKind.STUDY_DAY.cadence == sa.Cadence(sa.Cycle.FIXED_DAYS, days=(10, 20))
    assert sa.MeetingKind.LIFE_MEETING.cadence == sa.MeetingKind.DEMOCRATIC_REVIEW.cadence == sa.Cadence(sa.Cycle.YEAR_END)
    assert sa.MeetingKind.MOBILE_MEMBER_REPORT.cadence == sa.Cadence(sa.Cycle.HALF_YEAR)
    assert sa.MeetingKind.MOBILE_MEMBER_FILING.cadence == sa.Cadence(sa.Cycle.QUARTER)


def test_every_meeting_has_attendees_and_minutes_and_a_study_day_falls_on_the_10th_or_20th():
    sa.check_meeting(sa.MeetingKind.BRANCH_COMMITTEE, V1, date(2021, 10, 8), ["张三"], "研究十月工作")
    sa.check_meeting(sa.MeetingKind.STUDY_DAY, V1, date(2021, 10, 10), ["张三"], "学习")
    sa.check_meeting(sa.MeetingKind.STUDY_DAY, V1, date(2021, 10, 20), ["张三"], "学习")
    assert refused(sa.check_meeting, sa.MeetingKind.STUDY_DAY, V1, date(2021, 10, 11), ["张三"], "学习") == "not-a-fixed-day"
    assert refused(sa.check_meeting, sa.MeetingKind.PARTY_LECTURE, V1, date(2021, 10, 8), ["张三"], " ") == "minutes-required"
    assert refused(sa.check_meeting, sa.MeetingKind.PARTY_LECTURE, V1, date(2021, 10, 8), [" "], "党课") == "attendees-required"
    assert refused(sa.check_meeting, sa.MeetingKind.PARTY_LECTURE, TOWNSHIP, date(2021, 10, 8), ["张三"], "党课") == "not-a-branch"


def test_a_schedule_follows_distinct_branches_of_its_township_one_schedule_at_a_time():
    sa.check_schedule(TOWNSHIP, [V1, V2], date(2021, 10, 1), None, set())
    assert refused(sa.check_schedule, TOWNSHIP, [V1, OTHER_TOWNSHIP_VILLAGE], date(2021, 10, 1), None, set()) == \
        "branch-outside-township"
    assert refused(sa.check_schedule, TOWNSHIP, [V1, V1], date(2021, 10, 1), None, set()) == "branches-required"
    assert refused(sa.check_schedule, TOWNSHIP, [V1], date(2021, 10, 1), None, {V1}) == "branch-already-scheduled"
    assert sa.spans_overlap(date(2021, 10, 1), date(2021, 12, 31), date(2021, 12, 31), None)
    assert not sa.spans_overlap(date(2021, 10, 1), date(2021, 12, 31), date(2022, 1, 1), None)


def test_a_month_is_owed_from_the_first_full_month_and_judged_from_the_day_after_its_end():
    monthly = sa.Cadence(sa.Cycle.MONTH)
    assert sa.periods(monthly, date(2021, 10, 1), None, date(2021, 10, 31)) == []
    assert sa.periods(monthly, date(2021, 10, 1), None, date(2021, 11, 1)) == [(date(2021, 10, 1), date(2021, 10, 31))]
    # Started mid-month: October is not a whole month of the schedule.
    assert sa.periods(monthly, date(2021, 10, 2), None, date(2021, 12, 1)) == [(date(2021, 11, 1), date(2021, 11, 30))]
    # February's end, leap and not.
    assert sa.periods(monthly, date(2024, 2, 1), None, date(2024, 3, 1)) == [(date(2024, 2, 1), date(2024, 2, 29))]
    assert sa.periods(monthly, date(2023, 2, 1), None, date(2023, 3, 1)) == [(date(2023, 2, 1), date(2023, 2, 28))]
    # A schedule that ends stops owing: a month past its end is not owed.
    assert sa.periods(monthly, date(2021, 10, 1), date(2021, 11, 15), date(2022, 1, 1)) == [
        (date(2021, 10, 1), date(2021, 10, 31))]


def test_quarters_run_from_january_and_a_year_ends_on_december_31():
    quarterly, yearly = sa.Cadence(sa.Cycle.QUARTER), sa.Cadence(sa.Cycle.YEAR)
    assert sa.periods(quarterly, date(2021, 10, 1), None, date(2021, 12, 31)) == []
    assert sa.periods(quarterly, date(2021, 10, 1), None, date(2022, 1, 1)) == [(date(2021, 10, 1), date(2021, 12, 31))]
    # Starting in November, the fourth quarter is not whole: the first owed is the first of 2022.
    assert sa.periods(quarterly, date(2021, 11, 1), None, date(2022, 4, 1)) == [(date(2022, 1, 1), date(2022, 3, 31))]
    assert sa.periods(yearly, date(2021, 1, 1), None, date(2021, 12, 31)) == []
    assert sa.periods(yearly, date(2021, 1, 1), None, date(2022, 1, 1)) == [(date(2021, 1, 1), date(2021, 12, 31))]
    assert sa.periods(yearly, date(2021, 10, 1), None, date(2023, 1, 1)) == [(date(2022, 1, 1), date(2022, 12, 31))]


def test_a_mobile_member_reports_each_half_year_ending_june_30_and_december_31():
    half_year = sa.MeetingKind.MOBILE_MEMBER_REPORT.cadence
    assert sa.periods(half_year, date(2021, 1, 1), None, date(2021, 6, 30)) == []
    assert sa.periods(half_year, date(2021, 1, 1), None, date(2021, 7, 1)) == [(date(2021, 1, 1), date(2021, 6, 30))]
    assert sa.periods(half_year, date(2021, 1, 1), None, date(2021, 12, 31)) == [(date(2021, 1, 1), date(2021, 6, 30))]
    assert sa.periods(half_year, date(2021, 1, 1), None, date(2022, 1, 1)) == [
        (date(2021, 1, 1), date(2021, 6, 30)), (date(2021, 7, 1), date(2021, 12, 31))]
    # Begun in October, the second half of 2021 is not whole: the first owed is January–June 2022.
    assert sa.periods(half_year, date(2021, 10, 1), None, date(2022, 7, 1)) == [(date(2022, 1, 1), date(2022, 6, 30))]
    # Begun on July 1, the second half is whole.
    assert sa.periods(half_year, date(2021, 7, 1), None, date(2022, 1, 1)) == [(date(2021, 7, 1), date(2021, 12, 31))]


def test_the_mobile_members_filing_is_owed_by_the_end_of_march_june_september_and_december():
    filing = sa.MeetingKind.MOBILE_MEMBER_FILING.cadence
    ends = [end for _, end in sa.periods(filing, date(2021, 1, 1), None, date(2022, 1, 1))]
    assert ends == [date(2021, 3, 31), date(2021, 6, 30), date(2021, 9, 30), date(2021, 12, 31)]
    assert sa.periods(filing, date(2021, 1, 1), None, date(2021, 3, 31)) == []
    s = sa.Schedule("OLS-1", TOWNSHIP, (V1,), (sa.MeetingKind.MOBILE_MEMBER_FILING,), date(2021, 7, 1), None)
    on_time = [sa.Meeting("F1", V1, sa.MeetingKind.MOBILE_MEMBER_FILING, date(2021, 9, 30))]
    assert sa.org_life_missing(s, on_time, date(2021, 10, 1)) == []
    late = [sa.Meeting("F1", V1, sa.MeetingKind.MOBILE_MEMBER_FILING, date(2021, 10, 1))]
    [breach] = sa.org_life_missing(s, late, date(2021, 10, 1))
    assert breach.key == f"org_life_missing:OLS-1:{V1}:mobile_member_filing:2021-07-01"
    assert (breach.rule, breach.due_on, breach.subject_code) == (Rule.ORG_LIFE_MISSING, date(2021, 9, 30), TOWNSHIP)


def test_the_life_meeting_and_the_democratic_review_are_owed_in_december():
    december = sa.MeetingKind.LIFE_MEETING.cadence
    assert sa.periods(december, date(2021, 10, 1), None, date(2021, 12, 31)) == []
    assert sa.periods(december, date(2021, 10, 1), None, date(2022, 1, 1)) == [(date(2021, 12, 1), date(2021, 12, 31))]
    assert sa.periods(december, date(2021, 12, 2), None, date(2023, 1, 1)) == [(date(2022, 12, 1), date(2022, 12, 31))]
    assert sa.periods(december, date(2021, 10, 1), date(2021, 12, 30), date(2022, 1, 1)) == []
    s = sa.Schedule("OLS-1", TOWNSHIP, (V1,), (sa.MeetingKind.LIFE_MEETING,), date(2021, 10, 1), None)
    # Held in November it is not the year-end meeting; held on December 1 it is.
    november = [sa.Meeting("L1", V1, sa.MeetingKind.LIFE_MEETING, date(2021, 11, 30))]
    assert [b.key for b in sa.org_life_missing(s, november, date(2022, 1, 1))] == [
        f"org_life_missing:OLS-1:{V1}:life_meeting:2021-12-01"]
    assert sa.org_life_missing(s, [sa.Meeting("L2", V1, sa.MeetingKind.LIFE_MEETING, date(2021, 12, 1))],
                               date(2022, 1, 1)) == []


def test_the_fixed_study_days_are_each_a_period_of_one_day():
    study = sa.MeetingKind.STUDY_DAY.cadence
    assert sa.periods(study, date(2021, 10, 1), None, date(2021, 10, 10)) == []
    assert sa.periods(study, date(2021, 10, 1), None, date(2021, 10, 11)) == [(date(2021, 10, 10), date(2021, 10, 10))]
    assert sa.periods(study, date(2021, 10, 15), None, date(2021, 11, 11)) == [
        (date(2021, 10, 20), date(2021, 10, 20)), (date(2021, 11, 10), date(2021, 11, 10))]
    assert sa.periods(study, date(2021, 10, 1), date(2021, 10, 19), date(2021, 12, 1)) == [
        (date(2021, 10, 10), date(2021, 10, 10))]


def schedule(*kinds: sa.MeetingKind) -> sa.Schedule:
    return sa.Schedule("OLS-1", TOWNSHIP, (V1, V2), kinds or tuple(sa.MeetingKind), date(2021, 10, 1), date(2021, 12, 31))


def test_a_missed_meeting_is_one_breach_for_its_branch_and_period_with_the_township_answering():
    meetings = [sa.Meeting("M1", V1, sa.MeetingKind.BRANCH_COMMITTEE, date(2021, 10, 8)),
                sa.Meeting("M2", V2, sa.MeetingKind.BRANCH_COMMITTEE, date(2021, 10, 31)),
                sa.Meeting("M3", V1, sa.MeetingKind.BRANCH_COMMITTEE, date(2021, 11, 1))]
    s = schedule(sa.MeetingKind.BRANCH_COMMITTEE)
    assert sa.org_life_missing(s, meetings, date(2021, 11, 1)) == []
    [breach] = sa.org_life_missing(s, meetings, date(2021, 12, 1))      # V2 held none in November
    assert breach.key == f"org_life_missing:OLS-1:{V2}:branch_committee:2021-11-01"
    assert (breach.rule, breach.subject_code, breach.subject_role) == (Rule.ORG_LIFE_MISSING, TOWNSHIP, "township_committee")
    assert (breach.scope_code, breach.village_code, breach.due_on) == (V2, V2, date(2021, 11, 30))
    # Recorded late for November, the breach is gone.
    late = [*meetings, sa.Meeting("M4", V2, sa.MeetingKind.BRANCH_COMMITTEE, date(2021, 11, 29))]
    assert sa.org_life_missing(s, late, date(2021, 12, 1)) == []


def test_a_study_day_breach_is_for_the_missed_day_and_low():
    s = schedule(sa.MeetingKind.STUDY_DAY)
    held = [sa.Meeting(f"S{b}{d}", b, sa.MeetingKind.STUDY_DAY, date(2021, 10, d)) for b in (V1, V2) for d in (10, 20)]
    assert sa.org_life_missing(s, held[:3], date(2021, 10, 20)) == []
    [breach] = sa.org_life_missing(s, held[:3], date(2021, 10, 21))
    assert breach.key.endswith(f"{V2}:study_day:2021-10-20") and breach.severity.value == "low"


def test_compliance_counts_owed_met_and_missed_periods():
    meetings = [sa.Meeting("Q1", V1, sa.MeetingKind.PARTY_CONGRESS, date(2021, 12, 31))]
    found = sa.obligations(schedule(sa.MeetingKind.PARTY_CONGRESS), meetings, date(2022, 1, 1))
    assert [(o.branch_code, o.met, o.held) for o in found] == [(V1, True, ("Q1",)), (V2, False, ())]


# --- the supervision plan (附件2) ---------------------------------------------------------

def supervise(mode: sa.SupervisionMode, held_on: date, *, rated=(V1,), item_named=False, item_done_on=None,
              branches=(V1, V2), inspectors=("镇纪委",)):
    sa.check_supervision(mode, TOWNSHIP, held_on, list(branches), list(rated), list(inspectors), item_named, item_done_on)


def test_monthly_supervision_runs_from_the_25th_to_the_months_end():
    supervise(sa.SupervisionMode.MONTHLY, date(2021, 10, 25))
    supervise(sa.SupervisionMode.MONTHLY, date(2021, 10, 31))
    supervise(sa.SupervisionMode.MONTHLY, date(2022, 2, 28))
    assert refused(supervise, sa.SupervisionMode.MONTHLY, date(2021, 10, 24)) == "outside-monthly-window"
    supervise(sa.SupervisionMode.UNSCHEDULED, date(2021, 10, 3))
    supervise(sa.SupervisionMode.MEETING, date(2021, 10, 3))


def test_year_end_supervision_is_held_in_december():
    supervise(sa.SupervisionMode.YEAR_END, date(2021, 12, 1))
    supervise(sa.SupervisionMode.YEAR_END, date(2021, 12, 31))
    assert refused(supervise, sa.SupervisionMode.YEAR_END, date(2021, 11, 30)) == "not-year-end"
    assert refused(supervise, sa.SupervisionMode.YEAR_END, date(2022, 1, 1)) == "not-year-end"


def test_tracking_names_its_item_and_runs_until_the_item_is_done():
    supervise(sa.SupervisionMode.TRACKING, date(2021, 11, 3), item_named=True)
    supervise(sa.SupervisionMode.TRACKING, date(2021, 11, 3), item_named=True, item_done_on=date(2021, 11, 3))
    assert refused(supervise, sa.SupervisionMode.TRACKING, date(2021, 11, 4), item_named=True,
                   item_done_on=date(2021, 11, 3)) == "tracking-after-done"
    assert refused(supervise, sa.SupervisionMode.TRACKING, date(2021, 11, 3)) == "item-required"


def test_a_result_is_for_a_supervised_branch_of_the_township():
    assert refused(supervise, sa.SupervisionMode.UNSCHEDULED, date(2021, 10, 3), rated=(V3,)) == \
        "result-of-unsupervised-branch"
    assert refused(supervise, sa.SupervisionMode.UNSCHEDULED, date(2021, 10, 3), rated=(V1, V1)) == \
        "result-of-unsupervised-branch"
    assert refused(supervise, sa.SupervisionMode.UNSCHEDULED, date(2021, 10, 3), branches=(OTHER_TOWNSHIP_VILLAGE,),
                   rated=()) == "branch-outside-township"
    assert refused(supervise, sa.SupervisionMode.UNSCHEDULED, date(2021, 10, 3), inspectors=(" ",)) == "inspectors-required"
