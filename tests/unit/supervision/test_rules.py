"""The supervision rules at their boundary days (plain Python, no infrastructure)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from supervision.domain import rules
from supervision.domain.rules import Rule
from zhengdun.events.casework import CasePhase
from zhengdun.events.screening import ListCategory, Policy

POLICY = Policy()
V = "990102101201"
T = "990102101000"
C = "990102000000"


def case(**kw) -> rules.Case:
    base = dict(campaign_id="C1", village_code=V, township_code=T, county_code=C, designated_on=date(2020, 9, 1),
                designated_by="ev-open")
    base.update(kw)
    return rules.Case(**base)


def campaign(**policy) -> rules.Campaign:
    return rules.Campaign("C1", "990100000000", Policy(**policy), concentrated_ends_on=date(2021, 5, 31))


# --- team stationed ---------------------------------------------------------------------

def test_team_not_stationed_on_time_on_the_fifth_day_late_on_the_sixth():
    assert rules.team_not_stationed(case(), POLICY, date(2020, 9, 6)) is None
    breach = rules.team_not_stationed(case(), POLICY, date(2020, 9, 7))
    assert breach.rule is Rule.TEAM_NOT_STATIONED and breach.due_on == date(2020, 9, 6)
    assert breach.subject_code == C and breach.facts == ("ev-open",)
    assert breach.key == "team_not_stationed:C1:990102101201"


def test_team_stationed_late_resolves_the_breach():
    assert rules.team_not_stationed(case(stationed_on=date(2020, 9, 10)), POLICY, date(2020, 9, 12)) is None


def test_team_stationing_days_come_from_the_policy():
    assert rules.team_not_stationed(case(), Policy(team_stationing_days=10), date(2020, 9, 11)) is None
    assert rules.team_not_stationed(case(), Policy(team_stationing_days=10), date(2020, 9, 12)) is not None


# --- contact leader visits --------------------------------------------------------------

def visit(day: date, problems: int = 1, vid: str = "v") -> rules.Visit:
    return rules.Visit(f"{vid}{day}", V, C, day, problems, "赵六", "u-zhao", f"ev-{vid}{day}")


def test_a_month_is_judged_only_after_its_last_day():
    c = case(leader_assigned_on=date(2020, 9, 1), leader_name="赵六", leader_event="ev-lead")
    assert rules.visits_below_minimum(c, [visit(date(2020, 9, 5))], POLICY, date(2020, 9, 30)) == []
    [breach] = rules.visits_below_minimum(c, [visit(date(2020, 9, 5))], POLICY, date(2020, 10, 1))
    assert breach.key == "visits_below_minimum:C1:990102101201:2020-09" and breach.due_on == date(2020, 9, 30)
    assert breach.subject_person == "赵六" and breach.subject_role == rules.ROLE_CONTACT_LEADER


def test_two_visits_in_the_month_meet_the_minimum():
    c = case(leader_assigned_on=date(2020, 9, 1))
    visits = [visit(date(2020, 9, 1)), visit(date(2020, 9, 30))]
    assert rules.visits_below_minimum(c, visits, POLICY, date(2020, 10, 1)) == []
    # A visit on Oct 1st does not count for September.
    assert len(rules.visits_below_minimum(c, [visit(date(2020, 9, 1)), visit(date(2020, 10, 1))], POLICY,
                                          date(2020, 10, 2))) == 1


def test_the_partial_month_of_assignment_is_not_judged():
    c = case(leader_assigned_on=date(2020, 9, 2))
    assert rules.visits_below_minimum(c, [], POLICY, date(2020, 10, 31)) == []
    assert [b.key[-7:] for b in rules.visits_below_minimum(c, [], POLICY, date(2020, 11, 1))] == ["2020-10"]


def test_only_visits_meeting_the_three_musts_count_toward_the_minimum():
    c = case(leader_assigned_on=date(2020, 9, 1))
    # Casework's verdict is copied: a visit that lacked one of the 三必须 stays in the facts but is not counted.
    visits = [visit(date(2020, 9, 1)), replace(visit(date(2020, 9, 15), vid="v2"), counts_toward_minimum=False)]
    [breach] = rules.visits_below_minimum(c, visits, POLICY, date(2020, 10, 1))
    assert breach.facts == ("ev-v2020-09-01", "ev-v22020-09-15")
    # A visit published before the verdict was carried (None) counts, as it did.
    visits[1] = replace(visits[1], counts_toward_minimum=None)
    assert rules.visits_below_minimum(c, visits, POLICY, date(2020, 10, 1)) == []


def test_the_county_secretarys_supervision_deadline_is_watched_until_the_case_finishes():
    c = case(phase=CasePhase.CONTINUED, supervision_deadline=date(2021, 7, 31), supervisor_name="郑书记",
             supervision_event="ev-sup")
    assert rules.supervision_overdue(c, date(2021, 7, 31)) is None   # on time on the deadline
    breach = rules.supervision_overdue(c, date(2021, 8, 1))
    assert breach.rule is Rule.SUPERVISION_OVERDUE and breach.due_on == date(2021, 7, 31)
    assert breach.subject_code == T and breach.village_code == V and breach.facts == ("ev-sup",)
    assert breach.key == "supervision_overdue:C1:990102101201:2021-07-31" and "郑书记" in breach.proposal
    assert Rule.SUPERVISION_OVERDUE.label == "县委书记挂牌督办逾期未完成整顿"
    # Ready for acceptance: resolved; a case without supervision has no such deadline; evaluate() runs the rule.
    assert rules.supervision_overdue(replace(c, finished_on=date(2021, 8, 2), phase=CasePhase.READY), date(2021, 8, 3)) is None
    assert rules.supervision_overdue(case(), date(2021, 8, 1)) is None
    # Finished by the deadline, reopened afterwards (a failed spot check): the supervision was met.
    reopened = replace(c, finished_periods=((date(2021, 7, 15), date(2021, 9, 10)),))
    assert rules.supervision_overdue(reopened, date(2021, 9, 20)) is None
    late_then_reopened = replace(c, finished_periods=((date(2021, 8, 5), date(2021, 9, 10)),))
    assert rules.supervision_overdue(late_then_reopened, date(2021, 9, 20)) is not None
    facts = rules.Facts(campaign(), cases=[c])
    assert breach.key in {b.key for b in rules.evaluate(facts, date(2021, 8, 1))}


def test_visit_without_a_pushed_problem():
    assert rules.visit_without_problem("C1", visit(date(2020, 9, 5), problems=1), POLICY) is None
    breach = rules.visit_without_problem("C1", visit(date(2020, 9, 5), problems=0), POLICY)
    assert breach.rule is Rule.VISIT_WITHOUT_PROBLEM and breach.severity.value == "low"


# --- measures ---------------------------------------------------------------------------

def measure(**kw) -> rules.Measure:
    base = dict(measure_id="M1", village_code=V, title="建强班子", responsible="李四", deadline=date(2020, 10, 31),
                planned_on=date(2020, 9, 10), event_id="ev-m1")
    base.update(kw)
    return rules.Measure(**base)


def test_measure_overdue_the_day_after_its_deadline_until_completed():
    assert rules.measure_overdue("C1", measure(), date(2020, 10, 31)) is None
    breach = rules.measure_overdue("C1", measure(), date(2020, 11, 1))
    assert breach.subject_code == T and breach.subject_person == "李四" and breach.due_on == date(2020, 10, 31)
    assert rules.measure_overdue("C1", measure(completed_on=date(2020, 11, 5)), date(2020, 11, 6)) is None


def test_measure_overdue_names_the_responsible_user_where_they_have_an_account():
    with_account = rules.measure_overdue("C1", measure(responsible_user_id="u-42"), date(2020, 11, 1))
    assert with_account.subject_user_id == "u-42" and with_account.subject_person == "李四"
    assert rules.measure_overdue("C1", measure(), date(2020, 11, 1)).subject_user_id is None  # free text


def test_measure_not_updated_in_a_calendar_month():
    # Planned in September: October is the first month that must have an update.
    assert rules.measure_not_updated("C1", measure(), POLICY, date(2020, 10, 31)) == []
    [breach] = rules.measure_not_updated("C1", measure(), POLICY, date(2020, 11, 1))
    assert breach.key == "measure_not_updated:C1:M1:2020-10"
    assert rules.measure_not_updated("C1", measure(updates=(date(2020, 10, 31),)), POLICY, date(2020, 11, 1)) == []
    # A measure completed in October is not judged for November.
    done = measure(updates=(date(2020, 10, 20),), completed_on=date(2020, 10, 20))
    assert rules.measure_not_updated("C1", done, POLICY, date(2020, 12, 15)) == []


def test_measure_update_interval_of_two_months():
    policy = Policy(measure_update_interval_months=2)
    m = measure(updates=(date(2020, 10, 5),))
    assert rules.measure_not_updated("C1", m, policy, date(2020, 12, 1)) == []   # Oct–Nov window has Oct 5
    assert [b.key[-7:] for b in rules.measure_not_updated("C1", m, policy, date(2021, 1, 1))] == ["2020-12"]


# --- township list ----------------------------------------------------------------------

def test_township_list_missing_after_the_due_date():
    township = rules.Township(T, 25)
    assert rules.township_list("C1", township, None, POLICY, date(2020, 8, 15)) == []
    [breach] = rules.township_list("C1", township, None, POLICY, date(2020, 8, 16))
    assert breach.rule is Rule.TOWNSHIP_LIST_MISSING and breach.subject_code == T


def test_township_list_submitted_on_the_due_date_is_on_time_and_after_it_late():
    township = rules.Township(T, 25)
    on_time = rules.TownshipList(T, date(2020, 8, 15), date(2020, 8, 15), 25, "ev-l")
    assert rules.township_list("C1", township, on_time, POLICY, date(2020, 9, 1)) == []
    late = rules.TownshipList(T, date(2020, 8, 16), date(2020, 8, 15), 25, "ev-l")
    assert [b.rule for b in rules.township_list("C1", township, late, POLICY, date(2020, 9, 1))] == [Rule.TOWNSHIP_LIST_LATE]


def test_township_list_with_villages_unassessed():
    partial = rules.TownshipList(T, date(2020, 8, 10), date(2020, 8, 15), 24, "ev-l")
    assert [b.rule for b in rules.township_list("C1", rules.Township(T, 25), partial, POLICY, date(2020, 8, 10))] == \
        [Rule.TOWNSHIP_LIST_INCOMPLETE]


# --- township escalation ----------------------------------------------------------------

def targets(finished: int, unfinished: int) -> list[rules.Case]:
    done = [case(village_code=f"990102101{200 + i:03d}", finished_on=date(2021, 5, 1), phase=CasePhase.READY)
            for i in range(finished)]
    open_ = [case(village_code=f"990102101{100 + i:03d}") for i in range(unfinished)]
    return done + open_


def test_township_escalates_when_more_than_half_unfinished_at_phase_end():
    assert rules.township_unfinished(campaign(), T, targets(1, 3), date(2021, 5, 31)) is None   # phase not over
    breach = rules.township_unfinished(campaign(), T, targets(1, 3), date(2021, 6, 1))
    assert breach.rule is Rule.TOWNSHIP_UNFINISHED and breach.subject_role == rules.ROLE_TOWNSHIP_SECRETARY
    assert "诫勉谈话" in breach.proposal and "990100000000" in breach.proposal and len(breach.facts) == 3


def test_exactly_half_unfinished_does_not_escalate():
    assert rules.township_unfinished(campaign(), T, targets(2, 2), date(2021, 6, 1)) is None


def test_lagging_villages_are_out_of_the_township_ratio():
    # Seed 000 §三(三)1: more than half of the township's weak-and-lax villages unfinished.
    lagging = [case(village_code=f"990102101{300 + i:03d}", category=ListCategory.LAGGING) for i in range(3)]
    # 2 of 4 weak-and-lax unfinished is exactly half, whatever the 3 unfinished lagging villages.
    assert rules.township_unfinished(campaign(), T, targets(2, 2) + lagging, date(2021, 6, 1)) is None
    # 3 of 5 is more than half; the lagging villages are not among the unfinished counted.
    breach = rules.township_unfinished(campaign(), T, targets(2, 3) + lagging, date(2021, 6, 1))
    assert breach is not None and len(breach.facts) == 3 and "3/5" in breach.proposal
    # Lagging villages alone never escalate.
    assert rules.township_unfinished(campaign(), T, lagging, date(2021, 6, 1)) is None


def test_a_case_whose_category_is_not_known_yet_stays_in_the_ratio():
    unknown = [case(village_code=f"990102101{300 + i:03d}", category=None) for i in range(2)]
    assert rules.township_unfinished(campaign(), T, targets(2, 1) + unknown, date(2021, 6, 1)) is not None


def test_finished_after_phase_end_still_counts_as_unfinished():
    late = [case(village_code="990102101301", finished_on=date(2021, 6, 1)), *targets(1, 1)]
    assert rules.township_unfinished(campaign(), T, late, date(2021, 6, 2)) is not None


# --- spot checks ------------------------------------------------------------------------

def accepted(n: int) -> list[rules.Acceptance]:
    return [rules.Acceptance(f"990102101{i:03d}", C, date(2021, 3, 1), f"ev-a{i}") for i in range(1, n + 1)]


def test_spot_check_ratio_boundary():
    acc = accepted(20)   # city needs 15% = 3 villages; province 5% = 1
    city = [rules.Sample(C, "city", ("990102101001", "990102101002"), "ev-s1")]
    province = [rules.Sample(C, "province", ("990102101005",), "ev-s2")]
    [breach] = rules.spot_check_ratio(campaign(), C, acc, city + province, date(2021, 3, 10))
    assert breach.subject_code == "990100000000" and breach.key.endswith(":city:20")
    city.append(rules.Sample(C, "city", ("990102101003",), "ev-s3"))
    assert rules.spot_check_ratio(campaign(), C, acc, city + province, date(2021, 3, 10)) == []


def test_no_sample_yet_is_judged_after_the_window():
    acc = accepted(20)
    assert rules.spot_check_ratio(campaign(), C, acc, [], date(2021, 3, 31)) == []
    breaches = rules.spot_check_ratio(campaign(), C, acc, [], date(2021, 4, 1))
    assert {b.subject_code for b in breaches} == {"990100000000", "990000000000"}
    assert {b.due_on for b in breaches} == {date(2021, 3, 31)}    # 30 days: the policy's default


def test_the_spot_check_window_is_the_campaigns_policy():
    acc = accepted(20)
    assert Policy().acceptance_spot_check_window_days == 30
    longer = campaign(acceptance_spot_check_window_days=45)        # due 2021-04-15
    assert rules.spot_check_ratio(longer, C, acc, [], date(2021, 4, 15)) == []
    assert {b.due_on for b in rules.spot_check_ratio(longer, C, acc, [], date(2021, 4, 16))} == {date(2021, 4, 15)}
    shorter = campaign(acceptance_spot_check_window_days=10)
    assert len(rules.spot_check_ratio(shorter, C, acc, [], date(2021, 3, 12))) == 2


# --- post-evaluation and falsification --------------------------------------------------

def test_post_evaluation_overdue_after_the_due_date_until_done():
    d = rules.Delisting(V, C, date(2021, 3, 1), date(2021, 6, 1), "ev-d")
    assert rules.post_evaluation_overdue("C1", d, date(2021, 6, 1)) is None
    assert rules.post_evaluation_overdue("C1", d, date(2021, 6, 2)).rule is Rule.POST_EVALUATION_OVERDUE
    done = rules.Delisting(V, C, date(2021, 3, 1), date(2021, 6, 1), "ev-d", evaluated_on=date(2021, 6, 5))
    assert rules.post_evaluation_overdue("C1", done, date(2021, 6, 10)) is None


def test_falsification_open_until_answered():
    f = rules.Falsification("ev-f", V, T, C, date(2020, 8, 25), "虚报")
    assert rules.falsification("C1", f).severity.value == "high"
    assert rules.falsification("C1", rules.Falsification("ev-f", V, T, C, date(2020, 8, 25), "虚报", answered=True)) is None


def test_evaluate_collects_breaches_and_keys_are_unique():
    facts = rules.Facts(campaign=campaign(), cases=[case(leader_assigned_on=date(2020, 9, 1))],
                        townships=[rules.Township(T, 25)], measures=[measure()])
    breaches = rules.evaluate(facts, date(2020, 11, 15))
    keys = [b.key for b in breaches]
    assert len(keys) == len(set(keys))
    assert {b.rule for b in breaches} == {Rule.TEAM_NOT_STATIONED, Rule.VISITS_BELOW_MINIMUM, Rule.MEASURE_OVERDUE,
                                          Rule.MEASURE_NOT_UPDATED, Rule.TOWNSHIP_LIST_MISSING,
                                          Rule.PROGRESS_REPORT_MISSING}
    assert Decimal("0.5") == facts.campaign.policy.township_escalation_share


# --- screening samples ------------------------------------------------------------------

def test_screening_sample_ratio_county_review_and_city_spot_check():
    population = tuple(f"990102101{i:03d}" for i in range(1, 11))     # 10 villages
    county_ok = rules.ScreeningSample("R1", "county_check_listed", T, population, population[:2], "ev-1")   # 20%
    county_short = rules.ScreeningSample("R1", "county_check_unlisted", T, population, population[:1], "ev-2")  # 10%
    city_ok = rules.ScreeningSample("R1", "city_spot_check", C, population, population[:1], "ev-3")  # 10%
    [breach] = rules.screening_sample_ratio(campaign(), [county_ok, county_short, city_ok])
    assert breach.rule is Rule.SCREENING_SAMPLE_RATIO and breach.subject_code == C and breach.scope_code == T
    assert breach.key == "screening_sample_ratio:C1:R1:county_check_unlisted:990102101000"
    # A second draw for the same round, purpose and township adds up.
    more = rules.ScreeningSample("R1", "county_check_unlisted", T, population, population[5:6], "ev-4")
    assert rules.screening_sample_ratio(campaign(), [county_short, more]) == []


def test_months_a_case_stood_finished_are_not_judged_for_visits():
    # Ready on Nov 20, acceptance failed and reopened on Jan 10: Nov, Dec and Jan are not judged; Feb is.
    c = case(leader_assigned_on=date(2020, 9, 1),
             finished_periods=((date(2020, 11, 20), date(2021, 1, 10)),))
    visits = [visit(date(2020, m, d)) for m in (9, 10) for d in (8, 22)]
    assert rules.visits_below_minimum(c, visits, POLICY, date(2021, 2, 28)) == []
    assert [b.key[-7:] for b in rules.visits_below_minimum(c, visits, POLICY, date(2021, 3, 1))] == ["2021-02"]


def test_a_case_reopened_before_phase_end_counts_as_unfinished():
    reopened = case(village_code="990102101301", finished_periods=((date(2021, 4, 1), date(2021, 5, 10)),))
    still = case(village_code="990102101302", finished_periods=((date(2021, 4, 1), None),))
    assert not reopened.finished_at(date(2021, 5, 31)) and still.finished_at(date(2021, 5, 31))
    assert rules.township_unfinished(campaign(), T, [reopened, still, case()], date(2021, 6, 1)) is not None


def test_an_alert_is_raised_in_error_only_when_dated_facts_show_no_breach():
    late = case(stationed_on=date(2020, 9, 8))       # due Sept 6: stationed late, a real breach
    on_time = case(stationed_on=date(2020, 9, 5))    # arrived after the clock moved, but on time
    key = "team_not_stationed:C1:990102101201"
    due = date(2020, 9, 6)
    assert not rules.raised_in_error(Rule.TEAM_NOT_STATIONED, key, rules.Facts(campaign(), cases=[late]), due)
    assert rules.raised_in_error(Rule.TEAM_NOT_STATIONED, key, rules.Facts(campaign(), cases=[on_time]), due)
    # Falsification is not a dated rule: answering it resolves, never withdraws.
    assert not rules.raised_in_error(Rule.FALSIFICATION, "falsification:C1:x", rules.Facts(campaign()), None)


def test_rules_judge_as_of_the_day():
    assert rules.team_not_stationed(case(stationed_on=date(2020, 9, 10)), POLICY, date(2020, 9, 8)) is not None
    assert rules.measure_overdue("C1", measure(completed_on=date(2020, 11, 5)), date(2020, 11, 2)) is not None


def test_stationed_the_day_after_the_deadline_is_a_real_breach_and_the_visit_dated_in_time_is_not():
    key = "team_not_stationed:C1:990102101201"
    facts = rules.Facts(campaign(), cases=[case(stationed_on=date(2020, 9, 7))])
    assert not rules.raised_in_error(Rule.TEAM_NOT_STATIONED, key, facts, date(2020, 9, 6))
    c = case(leader_assigned_on=date(2020, 9, 1))
    visits = [visit(date(2020, 9, 8)), visit(date(2020, 9, 30))]
    assert rules.raised_in_error(Rule.VISITS_BELOW_MINIMUM, "visits_below_minimum:C1:990102101201:2020-09",
                                 rules.Facts(campaign(), cases=[c], visits=visits), date(2020, 9, 30))


# --- progress reports to the county (seed 001 §二(二)) ------------------------------------------

def report(start: date, filed: date) -> rules.ProgressReport:
    return rules.ProgressReport(V, start, filed, f"ev-report-{start}")


def test_progress_report_missing_the_day_after_its_period_ends_until_filed():
    c = case()   # designated 2020-09-01: the first two-month period is Sep–Oct
    assert rules.progress_report_missing(c, [], POLICY, date(2020, 10, 31)) == []
    [breach] = rules.progress_report_missing(c, [], POLICY, date(2020, 11, 1))
    assert breach.key == "progress_report_missing:C1:990102101201:2020-09-01" and breach.due_on == date(2020, 10, 31)
    assert breach.rule is Rule.PROGRESS_REPORT_MISSING and breach.subject_code == T
    assert breach.subject_role == rules.ROLE_TOWNSHIP_COMMITTEE and breach.village_code == V
    # Filed on the period's last day: on time; filed late: the breach is gone from the filing day.
    assert rules.progress_report_missing(c, [report(date(2020, 9, 1), date(2020, 10, 31))], POLICY, date(2020, 11, 1)) == []
    late = [report(date(2020, 9, 1), date(2020, 11, 3))]
    assert len(rules.progress_report_missing(c, late, POLICY, date(2020, 11, 2))) == 1
    assert rules.progress_report_missing(c, late, POLICY, date(2020, 11, 3)) == []


def test_progress_report_periods_follow_the_policy_interval_and_skip_finished_periods():
    c = case()
    assert [b.due_on for b in rules.progress_report_missing(c, [], Policy(progress_report_interval_months=3),
                                                           date(2020, 12, 1))] == [date(2020, 11, 30)]
    assert len(rules.progress_report_missing(c, [], POLICY, date(2021, 1, 1))) == 2
    # Ready for acceptance in December: the Nov–Dec period is not judged; Sep–Oct still is.
    finished = case(phase=CasePhase.READY, finished_on=date(2020, 12, 10))
    assert [b.due_on for b in rules.progress_report_missing(finished, [], POLICY, date(2021, 3, 1))] == [date(2020, 10, 31)]


def test_a_missing_report_alert_is_withdrawn_when_a_report_filed_in_time_arrives_late():
    facts = rules.Facts(campaign=campaign(), cases=[case(stationed_on=date(2020, 9, 2))],
                        progress_reports=[report(date(2020, 9, 1), date(2020, 10, 30))])
    key = "progress_report_missing:C1:990102101201:2020-09-01"
    assert rules.raised_in_error(Rule.PROGRESS_REPORT_MISSING, key, facts, date(2020, 10, 31))


# --- the policy version in force (every alert and decision records it) ---------------------------

def test_the_policy_version_in_force_from_its_effective_day():
    versions = [(2, date(2021, 3, 1)), (1, date(2020, 7, 1)), (3, date(2021, 6, 1))]
    assert rules.version_in_force(versions, date(2021, 2, 28)) == 1
    assert rules.version_in_force(versions, date(2021, 3, 1)) == 2
    assert rules.version_in_force(versions, date(2021, 6, 1)) == 3
    assert rules.version_in_force([(1, date(2020, 7, 1))], date(2020, 6, 1)) == 1   # version 1 applies from the start
    assert rules.version_in_force([], date(2020, 6, 1)) is None


# --- filings with the city (备案) ----------------------------------------------------------

def test_a_county_that_has_not_filed_by_a_filing_date_is_alerted_the_day_after_until_it_files():
    camp = campaign(filing_dates=(date(2020, 8, 31), date(2021, 3, 31)))
    confirmed = rules.CountyList(C, date(2020, 8, 20), "ev-confirm")
    assert rules.county_filing_missing(camp, confirmed, [], date(2020, 8, 31)) == []   # due on the date: on time
    [breach] = rules.county_filing_missing(camp, confirmed, [], date(2020, 9, 1))
    assert breach.rule is Rule.COUNTY_FILING_MISSING and breach.due_on == date(2020, 8, 31)
    assert breach.key == "county_filing_missing:C1:990102000000:2020-08-31"
    assert (breach.subject_code, breach.subject_role, breach.scope_code) == (C, rules.ROLE_ORG, C)
    assert breach.facts == ("ev-confirm",) and Rule.COUNTY_FILING_MISSING.label == "县级名单逾期未向市委组织部备案"
    # Filed late: the alert resolves; each date is watched on its own.
    late = rules.CountyFiling(C, date(2020, 8, 31), date(2020, 9, 3), "ev-filed")
    assert rules.county_filing_missing(camp, confirmed, [late], date(2020, 9, 3)) == []
    assert [b.due_on for b in rules.county_filing_missing(camp, confirmed, [late], date(2021, 4, 1))] == [date(2021, 3, 31)]
    # A filing for another county, or dated after today, does not count.
    other = rules.CountyFiling("990103000000", date(2020, 8, 31), date(2020, 8, 30), "ev-other")
    assert len(rules.county_filing_missing(camp, confirmed, [other], date(2020, 9, 1))) == 1
    assert len(rules.county_filing_missing(camp, confirmed, [late], date(2020, 9, 2))) == 1


def test_only_counties_with_a_confirmed_list_owe_filings_and_the_dates_are_the_policys():
    facts = rules.Facts(campaign=campaign(filing_dates=(date(2020, 9, 30),)))
    assert [b for b in rules.evaluate(facts, date(2020, 10, 1)) if b.rule is Rule.COUNTY_FILING_MISSING] == []
    facts.county_lists = [rules.CountyList(C, date(2020, 8, 20), "ev-confirm")]
    assert [b for b in rules.evaluate(facts, date(2020, 9, 30)) if b.rule is Rule.COUNTY_FILING_MISSING] == []
    [breach] = [b for b in rules.evaluate(facts, date(2020, 10, 1)) if b.rule is Rule.COUNTY_FILING_MISSING]
    assert breach.due_on == date(2020, 9, 30)
    # A list confirmed after today (dated facts) owes nothing yet.
    assert rules.county_filing_missing(facts.campaign, rules.CountyList(C, date(2020, 10, 5), "e"), [], date(2020, 10, 1)) == []


def test_a_filing_dated_in_time_but_arriving_after_the_alert_shows_the_alert_was_raised_in_error():
    facts = rules.Facts(campaign=campaign(), county_lists=[rules.CountyList(C, date(2020, 8, 20), "ev-confirm")],
                        county_filings=[rules.CountyFiling(C, date(2020, 8, 31), date(2020, 8, 31), "ev-filed")])
    key = "county_filing_missing:C1:990102000000:2020-08-31"
    assert rules.raised_in_error(Rule.COUNTY_FILING_MISSING, key, facts, date(2020, 8, 31))
    facts.county_filings = [rules.CountyFiling(C, date(2020, 8, 31), date(2020, 9, 2), "ev-filed")]
    assert not rules.raised_in_error(Rule.COUNTY_FILING_MISSING, key, facts, date(2020, 8, 31))
