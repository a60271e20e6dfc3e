"""Acceptance's to-do rules: the next step of each stage belongs to one role at one level, and is gone once taken."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from acceptance.domain.process import Stage
from acceptance.domain.tasks import AcceptanceView, Caller, draws, stages_for, standards, steps

VILLAGE, TOWNSHIP, COUNTY, CITY = "990102101201", "990102101000", "990102000000", "990100000000"
TODAY = date(2021, 3, 1)


def caller(roles: set[str], unit: str, user: str = "u1") -> Caller:
    from zhengdun.divisions import level_of

    return Caller(user, unit, level_of(unit), frozenset(roles))


LEADER = caller({"work_team_leader"}, VILLAGE, "u-leader")
SECRETARY = caller({"village_secretary"}, VILLAGE, "u-sec")
COUNTY_ORG = caller({"org_staff"}, COUNTY)
TOWNSHIP_ORG = caller({"org_staff", "township_committee"}, TOWNSHIP)
CITY_ORG = caller({"org_staff"}, CITY)


def acc(stage: Stage, state: dict | None = None, **changes) -> AcceptanceView:
    return replace(AcceptanceView("a1", "camp", VILLAGE, TOWNSHIP, COUNTY, stage, None, state or {}), **changes)


def kinds(found) -> list[str]:
    return [p.kind for p in found]


def test_the_application_waits_on_both_signers_until_each_has_signed():
    [lead] = steps(acc(Stage.READY), LEADER, TODAY)
    assert lead.kind == "acceptance.application.sign" and lead.path == "/acceptances/a1/application/sign"
    assert "村党组织书记尚未签" in lead.detail
    signed = acc(Stage.READY, {"application_signers": {"work_team_leader": "u-leader"}})
    assert steps(signed, LEADER, TODAY) == []
    [sec] = steps(signed, SECRETARY, TODAY)
    assert "整顿工作队队长已签" in sec.detail
    # Only the village's own team leader signs; another village's leader sees nothing here.
    assert steps(acc(Stage.READY, team_leader_user_id="u-leader"), caller({"work_team_leader"}, VILLAGE, "u-x"), TODAY) == []
    assert steps(acc(Stage.READY), caller({"work_team_leader"}, "990102101202"), TODAY) == []


def test_each_stage_names_its_role():
    cases = [
        (Stage.APPLIED, LEADER, "acceptance.self_check"),
        (Stage.SELF_CHECKED, caller({"township_committee"}, TOWNSHIP), "acceptance.preliminary"),
        (Stage.PRELIMINARY_RECORDED, caller({"township_principal"}, TOWNSHIP), "acceptance.preliminary.sign"),
        (Stage.PRELIMINARY_PASSED, COUNTY_ORG, "acceptance.county.group"),
        (Stage.COUNTY_REPORTED, caller({"standing_committee"}, COUNTY), "acceptance.county.approve"),
        (Stage.COUNTY_APPROVED, caller({"county_secretary"}, COUNTY), "acceptance.county.sign"),
        (Stage.COUNTY_PASSED, COUNTY_ORG, "acceptance.survey"),
    ]
    for stage, who, kind in cases:
        assert kinds(steps(acc(stage), who, TODAY)) == [kind], stage
        assert stage in stages_for(who)
    # The township principal does not see the committee's preliminary acceptance, nor the county secretary the report.
    assert steps(acc(Stage.SELF_CHECKED), caller({"township_principal"}, TOWNSHIP), TODAY) == []
    assert steps(acc(Stage.COUNTY_REPORTED), caller({"county_secretary"}, COUNTY), TODAY) == []


def test_each_reviewing_department_sees_only_its_own_missing_opinion_then_the_report_waits_on_the_county():
    state = {"county": {"departments": ["audit", "discipline"], "opinions": {"discipline": {"agrees": True}}}}
    [audit] = steps(acc(Stage.COUNTY_GROUPED, state), caller({"review_audit"}, COUNTY), TODAY)
    assert audit.kind == "acceptance.county.opinion" and "审计" in audit.title
    assert steps(acc(Stage.COUNTY_GROUPED, state), caller({"review_discipline"}, COUNTY), TODAY) == []
    assert steps(acc(Stage.COUNTY_GROUPED, state), COUNTY_ORG, TODAY) == []
    state["county"]["opinions"]["audit"] = {"agrees": True}
    assert kinds(steps(acc(Stage.COUNTY_GROUPED, state), COUNTY_ORG, TODAY)) == ["acceptance.county.report"]


def test_the_city_draws_per_county_within_thirty_days_then_records_the_chosen_villages():
    accepted = [acc(Stage.ACCEPTED, {"accepted_on": "2021-02-10"}),
                acc(Stage.ACCEPTED, {"accepted_on": "2021-02-20"}, acceptance_id="a2", village_code="990102101202")]
    [draw] = draws(accepted, CITY_ORG)
    assert draw.kind == "acceptance.spot_check.draw" and draw.count == 2 and draw.unit_code == COUNTY
    assert draw.due_on == date(2021, 3, 12) and draw.path == "/spot-checks"
    # The window is the campaign's policy (acceptance_spot_check_window_days): 45 days gives 03-27.
    [later] = draws([replace(a, spot_check_window_days=45) for a in accepted], CITY_ORG)
    assert later.due_on == date(2021, 3, 27)
    assert draws(accepted, COUNTY_ORG) == []
    chosen = acc(Stage.ACCEPTED, {"accepted_on": "2021-02-10", "spot_checks": {
        "city": {"sample_id": "s", "chosen": True, "result": None}}})
    assert draws([chosen], CITY_ORG) == []
    [record] = steps(chosen, CITY_ORG, TODAY)
    assert record.kind == "acceptance.spot_check.record" and record.path == "/acceptances/a1/spot-checks/city"
    # The province has not drawn yet: the township may not give notice.
    assert steps(chosen, TOWNSHIP_ORG, TODAY) == []
    settled = acc(Stage.ACCEPTED, {"spot_checks": {"city": {"chosen": True, "result": "passed"},
                                                   "province": {"chosen": False, "result": None}}})
    # The notice is the township's (seed 000 §三(五)3), not the county's.
    assert kinds(steps(settled, TOWNSHIP_ORG, TODAY)) == ["acceptance.notice"]
    assert steps(settled, COUNTY_ORG, TODAY) == []
    assert Stage.ACCEPTED in stages_for(TOWNSHIP_ORG)


def test_delisting_is_due_when_the_notice_ends_and_the_township_post_evaluates_from_its_due_date():
    [delist] = steps(acc(Stage.NOTICED, {"notice": {"started_on": "2021-03-01", "ends_on": "2021-03-06"}}), COUNTY_ORG, TODAY)
    assert delist.due_on == date(2021, 3, 6) and "公示期内" in delist.detail
    delisted = acc(Stage.DELISTED, {"post_evaluation_due": "2021-06-10"})
    # Not before it may be taken (the service refuses an evaluation before its due date).
    assert steps(delisted, TOWNSHIP_ORG, date(2021, 6, 9)) == []
    [post] = steps(delisted, TOWNSHIP_ORG, date(2021, 6, 10))
    assert post.kind == "acceptance.post_evaluation" and post.due_on == date(2021, 6, 10)
    # Seed 000 §三(四): the township Party committee organizes it, not the county.
    assert steps(delisted, COUNTY_ORG, date(2021, 6, 10)) == []
    assert Stage.DELISTED not in stages_for(COUNTY_ORG)


def test_an_unanswered_objection_is_the_townships_to_answer_and_holds_the_delisting():
    notice = {"started_on": "2021-03-01", "ends_on": "2021-03-06", "objections": [
        {"objection_id": "o1", "raised_on": "2021-03-02", "content": "村账目未公开", "answer": "", "answered_on": None},
        {"objection_id": "o2", "raised_on": "2021-03-02", "content": "已答复的", "answer": "已核实", "answered_on": "2021-03-03"}]}
    noticed = acc(Stage.NOTICED, {"notice": notice})
    [answer] = steps(noticed, TOWNSHIP_ORG, TODAY)
    assert answer.kind == "acceptance.notice.objection" and answer.path == "/acceptances/a1/notice/objections/o1/answer"
    [delist] = steps(noticed, COUNTY_ORG, date(2021, 3, 6))
    assert "1 条异议未答复" in delist.detail


def test_the_city_running_a_campaign_sets_its_standard_while_it_has_none():
    city, other_city = "990100000000", "990200000000"
    without = [("C1", city), ("C2", other_city)]
    [task] = standards(without, caller({"org_staff"}, city))
    assert (task.kind, task.key, task.method, task.path, task.campaign_id) == (
        "acceptance.standard", "C1", "PUT", "/campaigns/C1/standard", "C1")
    assert standards(without, caller({"standing_committee"}, city)) == []     # the organization department's
    assert standards(without, COUNTY_ORG) == []                              # not a county's
    assert standards([], CITY_ORG) == []                                     # set: nothing to do


def test_in_a_county_campaign_the_county_draws_and_records_its_own_spot_check_and_no_city():
    county_run = ("county",)
    accepted = [acc(Stage.ACCEPTED, {"accepted_on": "2021-02-10"}, spot_check_levels=county_run)]
    assert draws(accepted, CITY_ORG) == []
    [draw] = draws(accepted, COUNTY_ORG)
    assert (draw.kind, draw.unit_code, draw.due_on, draw.key) == (
        "acceptance.spot_check.draw", COUNTY, date(2021, 3, 12), f"camp:{COUNTY}:county")
    assert "县委组织部抽查" in draw.title
    # Another county does not draw this county's villages.
    assert draws(accepted, caller({"org_staff"}, "990103000000")) == []
    chosen = acc(Stage.ACCEPTED, {"accepted_on": "2021-02-10", "spot_checks": {
        "county": {"sample_id": "s", "chosen": True, "result": None}}}, spot_check_levels=county_run)
    assert draws([chosen], COUNTY_ORG) == [] and steps(chosen, CITY_ORG, TODAY) == []
    [record] = steps(chosen, COUNTY_ORG, TODAY)
    assert record.kind == "acceptance.spot_check.record" and record.path == "/acceptances/a1/spot-checks/county"
    assert steps(chosen, TOWNSHIP_ORG, TODAY) == []
    settled = acc(Stage.ACCEPTED, {"spot_checks": {"county": {"chosen": True, "result": "passed"}}},
                  spot_check_levels=county_run)
    [notice] = steps(settled, TOWNSHIP_ORG, TODAY)
    assert notice.kind == "acceptance.notice" and "县委组织部抽查已完成" in notice.title
    assert steps(settled, COUNTY_ORG, TODAY) == []
    # In a city's campaign the county neither draws nor records.
    city_chosen = acc(Stage.ACCEPTED, {"accepted_on": "2021-02-10", "spot_checks": {
        "city": {"sample_id": "s", "chosen": True, "result": None}}})
    assert steps(city_chosen, COUNTY_ORG, TODAY) == [] and draws([acc(Stage.ACCEPTED)], COUNTY_ORG) == []
