"""The acceptance ladder's rules: order, repetition, separation of duties, thresholds, dates."""
from copy import deepcopy
from datetime import date
from decimal import Decimal

import pytest

from zhengdun.refusals import Kind, NotPermitted, OutOfOrder, RuleViolation, UnknownItem
from acceptance.domain.process import Acceptance, Person, Stage, add_months, joint_statement, spot_check_levels
from zhengdun.roles import Level
from acceptance.domain.standard import make_standard

DAY = date(2021, 3, 1)
LEADER = Person("u-leader", "队长", "work_team_leader", "990102101201")
SECRETARY = Person("u-sec", "书记", "village_secretary", "990102101201")
TOWNSHIP = Person("u-town", "乡镇组织委员", "township_committee", "990102101000")
PRINCIPAL = Person("u-princ", "乡镇书记", "township_principal", "990102101000")
COUNTY = Person("u-county", "县委组织部", "org_staff", "990102000000")
CONTACT = Person("u-contact", "联系领导", "contact_leader", "990102000000")
ITEMS = [{"code": c, "heading": h, "title": c, "max_score": 25}
         for c, h in [("A", "team"), ("B", "institutions"), ("C", "social_management"), ("D", "satisfaction")]]
STANDARD = make_standard(ITEMS, Decimal(80))
SCORES = {"A": Decimal(22), "B": Decimal(20), "C": Decimal(20), "D": Decimal(20)}


def fresh() -> Acceptance:
    return Acceptance("acc-1", "case-1", "camp-1", "990102101201", "990102101000", "990102000000",
                      rectifiers={"u-leader": "工作队队长", "u-member": "工作队队员", "u-contact": "联系领导"},
                      team_leader_user_id="u-leader")


def at(stage: Stage) -> Acceptance:
    a = fresh()
    steps = [
        (Stage.APPLIED, lambda: (a.sign_application(LEADER, DAY), a.sign_application(SECRETARY, DAY))),
        (Stage.SELF_CHECKED, lambda: a.self_check(STANDARD, SCORES, DAY)),
        (Stage.PRELIMINARY_RECORDED, lambda: a.record_preliminary(TOWNSHIP, passed=True, inspection_group=["甲", "乙"], today=DAY)),
        (Stage.PRELIMINARY_PASSED, lambda: a.sign_preliminary(PRINCIPAL, DAY)),
        (Stage.COUNTY_GROUPED, lambda: a.form_county_group(COUNTY, leader=None, leader_rank="county",
                                                           departments=["audit", "discipline"], today=DAY)),
        (Stage.COUNTY_REPORTED, lambda: (a.record_opinion(Person("r1", "审计", "review_audit", "990102000000"), "audit", agrees=True, today=DAY),
                                         a.record_opinion(Person("r2", "纪检", "review_discipline", "990102000000"), "discipline", agrees=True, today=DAY),
                                         a.report_county(COUNTY, passed=True, today=DAY))),
        (Stage.COUNTY_APPROVED, lambda: a.approve_county(Person("c", "常委会", "standing_committee", "990102000000"), approved=True, today=DAY)),
        (Stage.COUNTY_PASSED, lambda: a.sign_county(Person("s", "县委书记", "county_secretary", "990102000000"), DAY, filed_with="990100000000")),
        (Stage.ACCEPTED, lambda: a.survey(COUNTY, respondents=100, satisfied=70, threshold=Decimal("0.70"), today=DAY)),
    ]
    for target, step in steps:
        if a.stage == stage:
            break
        step()
        assert a.stage == target
    return a


def unchanged(a: Acceptance, call) -> Exception:
    before = (a.stage, deepcopy(a.state))
    with pytest.raises((OutOfOrder, RuleViolation, NotPermitted, UnknownItem)) as info:
        call()
    assert (a.stage, a.state) == before
    return info.value


def test_application_exists_only_when_both_signed():
    a = fresh()
    assert a.sign_application(LEADER, DAY).kind == "recorded"
    assert a.stage == Stage.READY
    assert a.sign_application(SECRETARY, DAY).kind == "passed"
    assert a.stage == Stage.APPLIED


def test_application_same_role_twice_is_409():
    a = fresh()
    a.sign_application(LEADER, DAY)
    assert isinstance(unchanged(a, lambda: a.sign_application(LEADER, DAY)), OutOfOrder)


def test_application_one_person_cannot_sign_twice_in_two_roles():
    a = fresh()
    a.sign_application(SECRETARY, DAY)
    err = unchanged(a, lambda: a.sign_application(Person("u-sec", "书记", "work_team_leader", "x"), DAY))
    assert err.code in ("same-person", "not-the-team-leader")


def test_application_only_the_cases_team_leader():
    a = fresh()
    assert isinstance(unchanged(a, lambda: a.sign_application(Person("other", "别人", "work_team_leader", "x"), DAY)), NotPermitted)


def test_self_check_needs_application_and_standard():
    a = fresh()
    assert isinstance(unchanged(a, lambda: a.self_check(STANDARD, SCORES, DAY)), OutOfOrder)
    a = at(Stage.APPLIED)
    assert unchanged(a, lambda: a.self_check(None, SCORES, DAY)).code == "no-standard"


def test_self_check_below_pass_mark_refused_and_at_pass_mark_accepted():
    a = at(Stage.APPLIED)
    low = dict(SCORES, A=Decimal("19.99"))  # 79.99
    assert unchanged(a, lambda: a.self_check(STANDARD, low, DAY)).code == "self-check-below-pass-mark"
    assert a.self_check(STANDARD, dict(SCORES, A=Decimal(20)), DAY).score == Decimal(80)


def test_self_check_every_item_within_max():
    a = at(Stage.APPLIED)
    assert unchanged(a, lambda: a.self_check(STANDARD, {"A": Decimal(25)}, DAY)).code == "self-check-items"
    assert unchanged(a, lambda: a.self_check(STANDARD, dict(SCORES, A=Decimal(26)), DAY)).code == "self-check-score"


def test_standard_needs_four_headings_and_sane_pass_mark():
    with pytest.raises(RuleViolation):
        make_standard(ITEMS[:3], Decimal(50))
    with pytest.raises(RuleViolation):
        make_standard(ITEMS, Decimal(101))
    with pytest.raises(RuleViolation):
        make_standard([dict(ITEMS[0], heading="other")] + ITEMS[1:], Decimal(50))


def test_rectifiers_may_not_take_deciding_steps():
    a = at(Stage.SELF_CHECKED)
    for person in (LEADER, CONTACT, Person("u-member", "队员", "township_committee", "990102101000")):
        err = unchanged(a, lambda: a.record_preliminary(person, passed=True, inspection_group=["甲", "乙"], today=DAY))
        assert isinstance(err, NotPermitted)
    a = at(Stage.COUNTY_APPROVED)
    assert isinstance(unchanged(a, lambda: a.sign_county(Person("u-contact", "联系领导", "county_secretary", "x"), DAY,
                                                         filed_with="990100000000")), NotPermitted)


def test_preliminary_failing_report_fails_village_when_signed():
    a = at(Stage.SELF_CHECKED)
    a.record_preliminary(TOWNSHIP, passed=False, inspection_group=["甲", "乙"], today=DAY)
    outcome = a.sign_preliminary(PRINCIPAL, DAY)
    assert (outcome.kind, a.stage) == ("failed", Stage.FAILED)


def test_preliminary_sign_before_record_is_409():
    a = at(Stage.SELF_CHECKED)
    assert isinstance(unchanged(a, lambda: a.sign_preliminary(PRINCIPAL, DAY)), OutOfOrder)


def test_county_group_needs_county_level_leader():
    a = at(Stage.PRELIMINARY_PASSED)
    assert unchanged(a, lambda: a.form_county_group(COUNTY, leader=None, leader_rank="section", departments=["audit"],
                                                    today=DAY)).code == "group-leader-rank"


def test_county_cannot_decide_until_every_department_gave_its_opinion():
    a = at(Stage.COUNTY_GROUPED)
    a.record_opinion(Person("r1", "审计", "review_audit", "x"), "audit", agrees=True, today=DAY)
    err = unchanged(a, lambda: a.report_county(COUNTY, passed=True, today=DAY))
    assert err.code == "opinions-missing" and err.details["missing"] == ["discipline"]
    assert unchanged(a, lambda: a.record_opinion(Person("r1", "审计", "review_audit", "x"), "audit", agrees=True,
                                                 today=DAY)).code == "opinion-repeated"


def test_county_sign_repeated_is_409():
    a = at(Stage.COUNTY_PASSED)
    assert isinstance(unchanged(a, lambda: a.sign_county(Person("s", "书记", "county_secretary", "x"), DAY,
                                                         filed_with="990100000000")), OutOfOrder)


def test_county_not_approved_fails():
    a = at(Stage.COUNTY_REPORTED)
    a.approve_county(Person("c", "常委会", "standing_committee", "x"), approved=False, today=DAY)
    assert a.sign_county(Person("s", "书记", "county_secretary", "x"), DAY, filed_with="990100000000").kind == "failed"


def test_survey_threshold_boundary():
    a = at(Stage.COUNTY_PASSED)
    assert a.survey(COUNTY, respondents=100, satisfied=70, threshold=Decimal("0.70"), today=DAY).kind == "accepted"
    b = at(Stage.COUNTY_PASSED)
    outcome = b.survey(COUNTY, respondents=100, satisfied=69, threshold=Decimal("0.70"), today=DAY)
    assert (outcome.kind, outcome.step, b.stage) == ("failed", "survey", Stage.FAILED)


def test_survey_counts_must_make_sense():
    a = at(Stage.COUNTY_PASSED)
    assert isinstance(unchanged(a, lambda: a.survey(COUNTY, respondents=10, satisfied=11, threshold=Decimal("0.7"),
                                                    today=DAY)), RuleViolation)


def test_notice_waits_for_both_spot_check_draws_and_findings():
    a = at(Stage.ACCEPTED)
    assert unchanged(a, lambda: a.start_notice(TOWNSHIP, DAY, notice_days=5)).code == "spot-checks-pending"
    a.note_drawn("city", "s1", chosen=True)
    a.note_drawn("province", "s2", chosen=False)
    assert unchanged(a, lambda: a.start_notice(TOWNSHIP, DAY, notice_days=5)).code == "spot-checks-pending"
    a.record_spot_check(COUNTY, "city", passed=True, today=DAY)
    assert unchanged(a, lambda: a.record_spot_check(COUNTY, "city", passed=True, today=DAY)).code == "spot-check-repeated"
    assert unchanged(a, lambda: a.record_spot_check(COUNTY, "province", passed=True, today=DAY)).code == "not-drawn"
    assert a.start_notice(TOWNSHIP, DAY, notice_days=5).kind == "passed"


def test_a_county_or_township_campaign_is_spot_checked_by_the_county_alone():
    assert spot_check_levels(Level.COUNTY) == spot_check_levels(Level.TOWNSHIP) == ("county",)
    assert spot_check_levels(Level.CITY) == spot_check_levels(Level.PROVINCE) == spot_check_levels(None) == (
        "city", "province")
    county_only = ("county",)
    a = at(Stage.ACCEPTED)
    refused = unchanged(a, lambda: a.start_notice(TOWNSHIP, DAY, notice_days=5, spot_check_levels=county_only))
    assert refused.code == "spot-checks-pending" and "县委组织部抽查" in str(refused)
    a.note_drawn("county", "s3", chosen=True)
    assert unchanged(a, lambda: a.start_notice(TOWNSHIP, DAY, notice_days=5, spot_check_levels=county_only)).code == \
        "spot-checks-pending"
    assert a.record_spot_check(COUNTY, "county", passed=True, today=DAY).step == "county_spot_check"
    # No city or province draw is waited for.
    assert a.start_notice(TOWNSHIP, DAY, notice_days=5, spot_check_levels=county_only).kind == "passed"


def test_a_failed_county_spot_check_revokes_acceptance():
    a = at(Stage.ACCEPTED)
    a.note_drawn("county", "s3", chosen=True)
    outcome = a.record_spot_check(COUNTY, "county", passed=False, today=DAY)
    assert outcome.revokes_acceptance and outcome.step == "county_spot_check" and a.stage == Stage.FAILED


def test_failed_spot_check_revokes_acceptance():
    a = at(Stage.ACCEPTED)
    a.note_drawn("province", "s2", chosen=True)
    outcome = a.record_spot_check(COUNTY, "province", passed=False, today=DAY)
    assert outcome.revokes_acceptance and outcome.step == "province_spot_check" and a.stage == Stage.FAILED


def noticed() -> Acceptance:
    a = at(Stage.ACCEPTED)
    a.note_drawn("city", "s1", chosen=False)
    a.note_drawn("province", "s2", chosen=False)
    a.start_notice(TOWNSHIP, DAY, notice_days=5)
    return a


def test_delisting_after_notice_period_with_post_evaluation_due():
    a = noticed()
    assert unchanged(a, lambda: a.delist(COUNTY, objection_upheld=False, today=date(2021, 3, 5),
                                         post_evaluation_months=3)).code == "notice-running"
    assert a.delist(COUNTY, objection_upheld=False, today=date(2021, 3, 6), post_evaluation_months=3).kind == "delisted"
    assert a.state["post_evaluation_due"] == "2021-06-06"


def test_post_evaluation_only_once_due():
    a = noticed()
    a.delist(COUNTY, objection_upheld=False, today=date(2021, 3, 6), post_evaluation_months=3)
    assert unchanged(a, lambda: a.post_evaluate(COUNTY, relapsed=False, reason="", today=date(2021, 6, 5))).code \
        == "post-evaluation-not-due"
    assert a.post_evaluate(TOWNSHIP, relapsed=True, reason="班子又软弱涣散", today=date(2021, 6, 6)).kind == "post_evaluated"
    assert isinstance(unchanged(a, lambda: a.post_evaluate(TOWNSHIP, relapsed=False, reason="", today=date(2021, 7, 1))),
                      OutOfOrder)


def test_the_notice_runs_the_policys_number_of_days():
    a = at(Stage.ACCEPTED)
    a.note_drawn("city", "s1", chosen=False)
    a.note_drawn("province", "s2", chosen=False)
    a.start_notice(TOWNSHIP, DAY, notice_days=7)
    assert a.state["notice"]["ends_on"] == "2021-03-08" and a.state["notice"]["days"] == 7
    assert unchanged(a, lambda: a.delist(COUNTY, objection_upheld=False, today=date(2021, 3, 7),
                                         post_evaluation_months=3)).code == "notice-running"
    assert a.delist(COUNTY, objection_upheld=False, today=date(2021, 3, 8), post_evaluation_months=3).kind == "delisted"


def test_an_unanswered_objection_blocks_delisting_until_it_is_answered():
    a = noticed()
    assert a.record_objection("o1", raised_on=date(2021, 3, 2), content="村务账目未公开", today=date(2021, 3, 2)).kind \
        == "recorded"
    assert unchanged(a, lambda: a.record_objection("o0", raised_on=date(2021, 2, 28), content="早于公示",
                                                   today=DAY)).code == "objection-before-notice"
    [objection] = a.state["notice"]["objections"]
    assert objection == {"objection_id": "o1", "raised_on": "2021-03-02", "content": "村务账目未公开", "answer": "",
                         "answered_on": None, "recorded_on": "2021-03-02"}
    err = unchanged(a, lambda: a.delist(COUNTY, objection_upheld=False, today=date(2021, 3, 6), post_evaluation_months=3))
    assert isinstance(err, OutOfOrder) and err.code == "objections-unanswered" and err.details["objections"] == ["o1"]
    assert "未答复" in err.message_zh
    assert unchanged(a, lambda: a.answer_objection("nope", answer="x", answered_on=date(2021, 3, 3))).kind == Kind.NOT_FOUND
    a.answer_objection("o1", answer="经核实已公开，张贴于村务公开栏", answered_on=date(2021, 3, 3))
    assert unchanged(a, lambda: a.answer_objection("o1", answer="再答", answered_on=date(2021, 3, 4))).code \
        == "objection-answered"
    assert a.delist(COUNTY, objection_upheld=False, today=date(2021, 3, 6), post_evaluation_months=3).kind == "delisted"
    # Objections belong to the notice: none once it is over.
    assert unchanged(a, lambda: a.record_objection("o2", raised_on=date(2021, 3, 6), content="x",
                                                   today=date(2021, 3, 6))).code == "step-out-of-order"


def test_add_months_clamps_to_month_end():
    assert add_months(date(2021, 1, 31), 1) == date(2021, 2, 28)
    assert add_months(date(2020, 11, 30), 3) == date(2021, 2, 28)
    assert add_months(date(2020, 12, 15), 3) == date(2021, 3, 15)


DECIDING_STEPS = [
    (Stage.SELF_CHECKED, lambda a, p: a.record_preliminary(p, passed=True, inspection_group=["甲", "乙"], today=DAY)),
    (Stage.PRELIMINARY_RECORDED, lambda a, p: a.sign_preliminary(p, DAY)),
    (Stage.PRELIMINARY_PASSED, lambda a, p: a.form_county_group(p, leader=None, leader_rank="county", departments=["audit"],
                                                                today=DAY)),
    (Stage.COUNTY_GROUPED, lambda a, p: a.record_opinion(p, "audit", agrees=True, today=DAY)),
    (Stage.COUNTY_REPORTED, lambda a, p: a.approve_county(p, approved=True, today=DAY)),
    (Stage.COUNTY_APPROVED, lambda a, p: a.sign_county(p, DAY, filed_with="990100000000")),
    (Stage.COUNTY_PASSED, lambda a, p: a.survey(p, respondents=10, satisfied=10, threshold=Decimal("0.7"), today=DAY)),
]


@pytest.mark.parametrize("stage,step", DECIDING_STEPS, ids=[s.value for s, _ in DECIDING_STEPS])
@pytest.mark.parametrize("rectifier", [LEADER, CONTACT, Person("u-member", "队员", "org_staff", "990102000000")],
                         ids=["team_leader", "contact_leader", "team_member"])
def test_no_rectifier_takes_any_deciding_step(stage, step, rectifier):
    a = at(stage)
    assert isinstance(unchanged(a, lambda: step(a, rectifier)), NotPermitted)


def test_county_group_leader_may_not_be_a_rectifier():
    a = at(Stage.PRELIMINARY_PASSED)
    err = unchanged(a, lambda: a.form_county_group(COUNTY, leader=CONTACT, leader_rank="county", departments=["audit"],
                                                   today=DAY))
    assert err.code == "separation-of-duties"


def test_rectifier_may_not_record_spot_check_notice_or_delisting():
    a = at(Stage.ACCEPTED)
    a.note_drawn("city", "s1", chosen=True)
    a.note_drawn("province", "s2", chosen=False)
    assert isinstance(unchanged(a, lambda: a.record_spot_check(CONTACT, "city", passed=True, today=DAY)), NotPermitted)
    a.record_spot_check(COUNTY, "city", passed=True, today=DAY)
    assert isinstance(unchanged(a, lambda: a.start_notice(CONTACT, DAY, notice_days=5)), NotPermitted)


# ------------------------------------------------------------------ the joint application's statement


def test_the_first_signer_must_write_the_statement():
    for given in (None, "", "   "):
        with pytest.raises(RuleViolation) as info:
            joint_statement(given, signed=None)
        assert info.value.code == "statement-missing"
    assert joint_statement("  我村申请验收 ", signed=None) == "我村申请验收"


def test_the_second_signer_signs_the_same_statement():
    assert joint_statement(None, signed="我村申请验收") == "我村申请验收"
    assert joint_statement("", signed="我村申请验收") == "我村申请验收"
    assert joint_statement(" 我村申请验收\n", signed="我村申请验收") == "我村申请验收"
    with pytest.raises(RuleViolation) as info:
        joint_statement("另一份申请", signed="我村申请验收")
    assert info.value.code == "statement-differs"
