from datetime import date
from decimal import Decimal

import pytest

from zhengdun import sampling
from zhengdun.events.screening import (
    CheckOutcome,
    ListCategory,
    ListChange,
    Policy,
    RemovalReason,
    SamplePurpose,
)

from screening.domain import (
    CountyList,
    CountyListStatus,
    FindingInput,
    SampleSecret,
    TownshipRound,
    revise_policy,
    verify_drawn,
)
from screening_helpers import (
    COUNTY,
    MEETING,
    NOTICE,
    TOWNSHIP_A,
    TOWNSHIP_B,
    VILLAGES,
    entry,
    lagging,
    village,
    villages_of,
    weak,
)
from zhengdun.refusals import Refusal

A = [village(TOWNSHIP_A, n) for n in range(1, 11)]
B = [village(TOWNSHIP_B, n) for n in range(1, 11)]
TOWNSHIPS = [TOWNSHIP_A, TOWNSHIP_B]


def township_list(campaign, township, listed_weak=(), listed_lagging=(), on=date(2020, 8, 10)):
    codes = [v.code for v in villages_of(township)]
    entries = [weak(campaign, c) if c in listed_weak else lagging(campaign, c) if c in listed_lagging
               else entry(campaign, c) for c in codes]
    state, _ = TownshipRound("camp-1", "r1", township).record_assessments(campaign, entries, date(2020, 8, 1))
    _, submitted = state.submit(campaign, villages_of(township), MEETING, NOTICE, on)
    return submitted


@pytest.fixture
def reviewing(campaign):
    county = CountyList("camp-1", "r1", COUNTY)
    county = county.receive(township_list(campaign, TOWNSHIP_A, listed_weak={A[0]}, listed_lagging={A[1]}))
    return county.receive(township_list(campaign, TOWNSHIP_B, listed_weak={B[0]}))


def refusal(call) -> Refusal:
    with pytest.raises(Refusal) as refused:
        call()
    return refused.value


def test_entries_combine_township_lists(reviewing):
    entries = reviewing.entries()
    assert list(entries) == sorted([A[0], A[1], B[0]])
    assert entries[A[1]].category is ListCategory.LAGGING


def test_list_from_another_county_is_refused(campaign, reviewing):
    other = township_list(campaign, "130103001000")
    assert refusal(lambda: reviewing.receive(other)).code == "township-not-in-county"


def test_return_with_reasons_takes_the_list_out(reviewing):
    state, returned = reviewing.return_to_township(TOWNSHIP_A, ["二村应列未列"], date(2020, 8, 16))
    assert returned.reasons == ("二村应列未列",)
    assert TOWNSHIP_A not in state.submissions
    assert A[0] not in state.entries()
    assert refusal(lambda: reviewing.return_to_township(TOWNSHIP_A, [" "], date(2020, 8, 16))).code \
        == "return-reason-missing"
    assert refusal(lambda: state.return_to_township(TOWNSHIP_A, ["再退"], date(2020, 8, 16))).code \
        == "township-list-not-submitted"


def test_adjust_adds_and_removes_with_reasons(campaign, reviewing):
    state, added = reviewing.adjust(campaign, A[5], ListChange.ADD, "实地走访发现书记长期外出", date(2020, 8, 17),
                                    category=ListCategory.WEAK_AND_LAX, criteria_met=["secretary_incompetent"])
    assert state.entries()[A[5]].added_by_county
    state, removed = state.adjust(campaign, A[1], ListChange.REMOVE, "排名有误", date(2020, 8, 17))
    assert removed.category is ListCategory.LAGGING
    assert A[1] not in state.entries()
    assert len(state.adjustments) == 2


@pytest.mark.parametrize("village_code, change, kwargs, code", [
    (A[5], ListChange.ADD, {"category": ListCategory.LAGGING, "reason": " "}, "adjustment-reason-missing"),
    (A[0], ListChange.ADD, {"category": ListCategory.WEAK_AND_LAX, "criteria_met": ["other"]}, "village-already-listed"),
    (A[5], ListChange.ADD, {}, "category-missing"),
    (A[5], ListChange.ADD, {"category": ListCategory.WEAK_AND_LAX}, "weak-and-lax-without-criterion"),
    (A[5], ListChange.ADD, {"category": ListCategory.WEAK_AND_LAX, "criteria_met": ["x"]}, "criterion-unknown"),
    (A[5], ListChange.REMOVE, {}, "village-not-listed"),
    ("130103001001", ListChange.ADD, {"category": ListCategory.LAGGING}, "village-not-in-county"),
])
def test_bad_adjustments_are_refused(campaign, reviewing, village_code, change, kwargs, code):
    reason = kwargs.pop("reason", "理由")
    assert refusal(lambda: reviewing.adjust(campaign, village_code, change, reason, date(2020, 8, 17), **kwargs)
                   ).code == code


SECRET = SampleSecret("a1b2", sampling.commitment_to("a1b2"))   # committed when the township submitted


def test_check_samples_are_drawn_from_listed_and_unlisted_and_reproducible(campaign, reviewing):
    state, (listed, unlisted) = reviewing.draw_check_samples(campaign, TOWNSHIP_A, VILLAGES, SECRET, date(2020, 8, 16))
    assert listed.purpose is SamplePurpose.COUNTY_CHECK_LISTED
    assert listed.population == (A[0], A[1]) and len(listed.chosen) == 1          # ceil(0.2 × 2)
    assert unlisted.population == tuple(A[2:]) and len(unlisted.chosen) == 2      # ceil(0.2 × 8)
    assert listed.seed == sampling.derived_seed("a1b2", f"county_check_listed:{TOWNSHIP_A}", listed.population, 1)
    assert verify_drawn(listed) and verify_drawn(unlisted)
    assert state.samples == (listed, unlisted)


def test_a_township_list_is_sampled_once_unless_a_reason_is_recorded(campaign, reviewing):
    state, first = reviewing.draw_check_samples(campaign, TOWNSHIP_A, VILLAGES, SECRET, date(2020, 8, 16))
    assert refusal(lambda: state.draw_check_samples(campaign, TOWNSHIP_A, VILLAGES, SECRET, date(2020, 8, 17))
                   ).code == "sample-already-drawn"
    state, again = state.draw_check_samples(campaign, TOWNSHIP_A, VILLAGES, SECRET, date(2020, 8, 17), "样本村正在换届")
    assert [s.attempt for s in again] == [2, 2] and state.samples == first + again      # the first stays on record
    assert set(first[1].chosen).isdisjoint(again[1].chosen)    # so the site visits must go on the latest draw
    assert refusal(lambda: state.record_site_visits(
        campaign, TOWNSHIP_A, [FindingInput(first[1].chosen[0], CheckOutcome.CONFIRMED)], date(2020, 8, 18))
    ).code == "village-not-sampled"


def test_site_visit_findings_only_on_sampled_villages(campaign, reviewing):
    state, (listed, unlisted) = reviewing.draw_check_samples(campaign, TOWNSHIP_A, VILLAGES, SECRET, date(2020, 8, 16))
    not_sampled = next(c for c in A[2:] if c not in unlisted.chosen)
    assert refusal(lambda: state.record_site_visits(
        campaign, TOWNSHIP_A, [FindingInput(not_sampled, CheckOutcome.CONFIRMED)], date(2020, 8, 18))
    ).code == "village-not-sampled"
    hidden = unlisted.chosen[0]
    state, recorded, falsifications = state.record_site_visits(campaign, TOWNSHIP_A, [
        FindingInput(listed.chosen[0], CheckOutcome.CONFIRMED),
        FindingInput(hidden, CheckOutcome.FALSIFIED, "村霸问题突出却未上报"),
    ], date(2020, 8, 20))
    assert recorded.late is False and len(recorded.findings) == 2
    assert [(f.village_code, f.township_code, f.county_code, f.found_by_code) for f in falsifications] == [
        (hidden, TOWNSHIP_A, COUNTY, COUNTY)]


def test_non_confirming_finding_needs_a_note(campaign, reviewing):
    state, (listed, _) = reviewing.draw_check_samples(campaign, TOWNSHIP_A, VILLAGES, SECRET, date(2020, 8, 16))
    assert refusal(lambda: state.record_site_visits(
        campaign, TOWNSHIP_A, [FindingInput(listed.chosen[0], CheckOutcome.DISCREPANCY)], date(2020, 8, 18))
    ).code == "finding-note-missing"


def test_confirmation_designates_each_listed_village(campaign, reviewing):
    state, result = reviewing.confirm(campaign, "县委〔2020〕18号", date(2020, 8, 20), TOWNSHIPS, VILLAGES)
    assert state.status is CountyListStatus.CONFIRMED
    confirmed = result.confirmed
    assert (confirmed.weak_and_lax, confirmed.lagging) == ((A[0], B[0]), (A[1],))
    assert confirmed.late is False and confirmed.policy_version == 1
    assert [(d.village_code, d.category, d.decision_number) for d in result.designated] == [
        (A[0], ListCategory.WEAK_AND_LAX, "县委〔2020〕18号"),
        (A[1], ListCategory.LAGGING, "县委〔2020〕18号"),
        (B[0], ListCategory.WEAK_AND_LAX, "县委〔2020〕18号"),
    ]
    assert result.designated[0].criteria_met == ("secretary_incompetent",)
    assert result.designated[0].township_code == TOWNSHIP_A and result.designated[0].county_code == COUNTY
    assert result.removed == ()


def test_confirming_at_the_minimum_share_is_not_marked(campaign, reviewing):
    _, result = reviewing.confirm(campaign, "18号", date(2020, 8, 20), TOWNSHIPS, VILLAGES)
    assert result.share.required == 2 and result.share.listed == 3
    assert result.confirmed.below_minimum is False


def test_confirming_below_the_minimum_share_is_allowed_but_marked(campaign, reviewing):
    state, _ = reviewing.adjust(campaign, A[1], ListChange.REMOVE, "排名有误", date(2020, 8, 17))
    state, _ = state.adjust(campaign, A[0], ListChange.REMOVE, "核实不符", date(2020, 8, 17))
    _, result = state.confirm(campaign, "18号", date(2020, 8, 21), TOWNSHIPS, VILLAGES)
    assert result.confirmed.below_minimum is True
    assert result.confirmed.minimum_share == Decimal("0.10")
    assert result.confirmed.late is True          # the day after the county review deadline


def test_decision_records_the_policy_version_in_force(campaign, reviewing):
    revised, _ = revise_policy(campaign, Policy(min_listed_share=Decimal("0.2")), "提高比例", date(2020, 8, 18))
    _, result = reviewing.confirm(revised, "18号", date(2020, 8, 20), TOWNSHIPS, VILLAGES)
    assert result.confirmed.policy_version == 2 and result.confirmed.below_minimum is True
    assert {d.policy_version for d in result.designated} == {2}


def test_confirmation_preconditions(campaign, reviewing):
    assert refusal(lambda: reviewing.confirm(campaign, " ", date(2020, 8, 20), TOWNSHIPS, VILLAGES)).code \
        == "decision-number-missing"
    returned, _ = reviewing.return_to_township(TOWNSHIP_B, ["重报"], date(2020, 8, 16))
    missing = refusal(lambda: returned.confirm(campaign, "18号", date(2020, 8, 20), TOWNSHIPS, VILLAGES))
    assert missing.code == "townships-not-submitted" and missing.details["township_codes"] == [TOWNSHIP_B]
    assert refusal(lambda: reviewing.confirm(campaign, "18号", date(2020, 8, 9), TOWNSHIPS, VILLAGES)).code \
        == "decision-before-submission"


def test_nothing_changes_after_confirmation(campaign, reviewing):
    state, _ = reviewing.confirm(campaign, "18号", date(2020, 8, 20), TOWNSHIPS, VILLAGES)
    assert refusal(lambda: state.adjust(campaign, A[1], ListChange.REMOVE, "x", date(2020, 8, 21))).code \
        == "list-already-confirmed"
    assert refusal(lambda: state.return_to_township(TOWNSHIP_A, ["x"], date(2020, 8, 21))).code \
        == "list-already-confirmed"
    assert refusal(lambda: state.confirm(campaign, "19号", date(2020, 8, 21), TOWNSHIPS, VILLAGES)).code \
        == "list-already-confirmed"


def test_rescreening_designates_only_new_villages_and_removes_the_unlisted(campaign, reviewing):
    active = {A[0]: object(), A[9]: object(), "130103001001": object()}    # the other county's is ignored
    _, result = reviewing.confirm(campaign, "25号", date(2020, 9, 15), TOWNSHIPS, VILLAGES, active_targets=active)
    assert [d.village_code for d in result.designated] == [A[1], B[0]]
    assert [(r.village_code, r.reason) for r in result.removed] == [(A[9], RemovalReason.NOT_RELISTED)]
    assert A[0] in result.confirmed.weak_and_lax          # continuing targets stay on the confirmed list
