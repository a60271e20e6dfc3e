from datetime import date

import pytest

from zhengdun.events.screening import CommitteeMeetingRecord, ListCategory, TownshipListReturned

from screening.domain import (
    CarryOver,
    CarryOverReason,
    Objection,
    PublicNotice,
    TownshipRound,
    TownshipRoundStatus,
    propose_carry_over,
)
from screening_helpers import MEETING, NOTICE, TOWNSHIP_A, entry, lagging, village, villages_of, weak
from zhengdun.refusals import Refusal

VILLAGES = villages_of(TOWNSHIP_A)
V = [village(TOWNSHIP_A, n) for n in range(1, 11)]


def screened(campaign, skip=()):
    entries = [weak(campaign, V[0]), lagging(campaign, V[1])] + [entry(campaign, c) for c in V[2:]]
    state, _ = TownshipRound("camp-1", "r1", TOWNSHIP_A).record_assessments(
        campaign, [e for e in entries if e.village_code not in skip], date(2020, 8, 1))
    return state


def submit(campaign, state, on=date(2020, 8, 10), meeting=MEETING, notice=NOTICE, **kw):
    return state.submit(campaign, VILLAGES, meeting, notice, on, **kw)


def refusal(call) -> Refusal:
    with pytest.raises(Refusal) as refused:
        call()
    return refused.value


def test_submission_in_two_categories(campaign):
    state, submitted = submit(campaign, screened(campaign))
    assert [v.village_code for v in submitted.weak_and_lax] == [V[0]]
    assert submitted.weak_and_lax[0].criteria_met == ("secretary_incompetent",)
    assert [(v.village_code, v.category) for v in submitted.lagging] == [(V[1], ListCategory.LAGGING)]
    assert submitted.villages_assessed == 10
    assert submitted.late is False
    assert state.status is TownshipRoundStatus.SUBMITTED


def test_coverage_error_names_the_missing_villages(campaign):
    problem = refusal(lambda: submit(campaign, screened(campaign, skip={V[4], V[7]})))
    assert problem.code == "coverage-incomplete"
    assert problem.details["missing_village_codes"] == [V[4], V[7]]
    assert V[4] in problem.message_zh


def test_committee_meeting_must_be_recorded(campaign):
    state = screened(campaign)
    assert refusal(lambda: submit(campaign, state, meeting=None)).code == "committee-meeting-missing"
    no_minutes = CommitteeMeetingRecord(held_on=date(2020, 8, 1), attendees=("书记",), minutes=" ")
    assert refusal(lambda: submit(campaign, state, meeting=no_minutes)).code == "committee-meeting-missing"
    nobody = CommitteeMeetingRecord(held_on=date(2020, 8, 1), attendees=(), minutes="纪要")
    assert refusal(lambda: submit(campaign, state, meeting=nobody)).code == "committee-meeting-missing"


def test_notice_must_be_over_the_day_after_it_ends(campaign):
    state = screened(campaign)
    assert refusal(lambda: submit(campaign, state, notice=None)).code == "public-notice-missing"
    last_day = refusal(lambda: submit(campaign, state, on=NOTICE.ends_on))
    assert last_day.code == "public-notice-not-over"
    _, submitted = submit(campaign, state, on=date(2020, 8, 10))
    assert submitted.notice_ends_on == date(2020, 8, 9)


def test_notice_must_follow_the_meeting(campaign):
    early = PublicNotice(starts_on=date(2020, 7, 31), ends_on=date(2020, 8, 5))
    assert refusal(lambda: submit(campaign, screened(campaign), notice=early)).code == "public-notice-before-meeting"


def test_every_objection_must_be_answered(campaign):
    state = screened(campaign)
    open_objection = Objection(raised_on=date(2020, 8, 4), content="三村书记长期外出,应列入")
    notice = PublicNotice(NOTICE.starts_on, NOTICE.ends_on, (open_objection,))
    assert refusal(lambda: submit(campaign, state, notice=notice)).code == "objections-unanswered"
    answered = Objection(open_objection.raised_on, open_objection.content, "经核实已返乡任职", date(2020, 8, 6))
    _, submitted = submit(campaign, state, notice=PublicNotice(NOTICE.starts_on, NOTICE.ends_on, (answered,)))
    assert submitted.objections == 1


def test_due_day_is_on_time_and_the_day_after_is_late_but_accepted(campaign):
    state = screened(campaign)
    _, on_due = submit(campaign, state, on=date(2020, 8, 15))
    _, after = submit(campaign, state, on=date(2020, 8, 16))
    assert (on_due.late, after.late) == (False, True)
    assert after.due_on == date(2020, 8, 15)


def test_cannot_submit_twice_or_reassess_until_returned(campaign):
    state, _ = submit(campaign, screened(campaign))
    assert refusal(lambda: submit(campaign, state)).code == "list-already-submitted"
    assert refusal(lambda: state.record_assessments(campaign, [entry(campaign, V[0])], date(2020, 8, 11))
                   ).code == "list-already-submitted"
    returned = state.returned(TownshipListReturned(
        campaign_id="camp-1", round_id="r1", county_code="130102000000", township_code=TOWNSHIP_A,
        reasons=("三村漏报",), returned_on=date(2020, 8, 12)))
    again, _ = returned.record_assessments(campaign, [weak(campaign, V[2])], date(2020, 8, 13))
    _, resubmitted = submit(campaign, again, on=date(2020, 8, 14))
    assert {v.village_code for v in resubmitted.weak_and_lax} == {V[0], V[2]}


def test_assessments_of_villages_no_longer_in_the_registry_are_left_out(campaign):
    state = screened(campaign)
    _, submitted = state.submit(campaign, VILLAGES[1:], MEETING, NOTICE, date(2020, 8, 10))
    assert submitted.weak_and_lax == ()
    assert submitted.villages_assessed == 9


# -- carry-over ---------------------------------------------------------------------------

def test_carry_over_proposals(campaign):
    state = screened(campaign)
    proposals = propose_carry_over(previously_listed=[V[0], V[2], V[3]], accepted=[V[3]], current=state.assessments)
    assert proposals == (
        CarryOver(V[0], CarryOverReason.STILL_MEETS_CRITERIA),
        CarryOver(V[2], CarryOverReason.NOT_ACCEPTED),
    )


def test_accepted_village_meeting_a_criterion_again_is_still_proposed(campaign):
    state = screened(campaign)
    assert propose_carry_over([V[0]], accepted=[V[0]], current=state.assessments) == (
        CarryOver(V[0], CarryOverReason.STILL_MEETS_CRITERIA),)


def test_carried_over_village_cannot_silently_drop_out(campaign):
    state = screened(campaign)
    carry = (CarryOver(V[2], CarryOverReason.NOT_ACCEPTED), CarryOver(V[0], CarryOverReason.STILL_MEETS_CRITERIA))
    problem = refusal(lambda: submit(campaign, state, carry_over=carry))
    assert problem.code == "carry-over-dropped"
    assert problem.details["village_codes"] == [V[2]]
    blank = refusal(lambda: submit(campaign, state, carry_over=carry, carry_over_reasons={V[2]: " "}))
    assert blank.code == "carry-over-dropped"
    _, submitted = submit(campaign, state, carry_over=carry, carry_over_reasons={V[2]: "已整改到位,待验收"})
    assert submitted.carry_over_not_listed == {V[2]: "已整改到位,待验收"}
