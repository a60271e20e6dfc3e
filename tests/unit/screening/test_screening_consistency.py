from datetime import date
from decimal import Decimal

from zhengdun.events.screening import Policy

from screening.domain import (
    FlagKind,
    TownshipCount,
    assess_village,
    share_far_below_county,
    taking_turns,
    unlisted_unchanged,
)
from screening_helpers import TOWNSHIP_A, TOWNSHIP_B, entry, lagging, village, weak

V1, V2, V3, V4 = (village(TOWNSHIP_A, n) for n in range(1, 5))


def assessed(campaign, *entries):
    return {e.village_code: assess_village(campaign, "r", e, date(2020, 8, 1)) for e in entries}


def test_listed_then_unlisted_with_the_same_criteria_is_flagged(campaign):
    previous = assessed(campaign, lagging(campaign, V1), lagging(campaign, V2), weak(campaign, V3))
    current = assessed(campaign, entry(campaign, V1), lagging(campaign, V2),
                       entry(campaign, V3))
    flags = unlisted_unchanged(previous, current)
    # V1: lagging → neither, no criterion before or after: flagged.
    # V3: weak (secretary_incompetent) → neither with nothing met: criteria changed, not flagged.
    assert [(f.kind, f.village_codes) for f in flags] == [(FlagKind.UNLISTED_UNCHANGED, (V1,))]
    assert flags[0].division_code == TOWNSHIP_A


def test_still_listed_or_not_reassessed_is_not_flagged(campaign):
    previous = assessed(campaign, lagging(campaign, V1), weak(campaign, V2))
    current = assessed(campaign, lagging(campaign, V1))
    assert unlisted_unchanged(previous, current) == []


def test_alternating_village_is_flagged_as_taking_turns():
    flags = taking_turns(TOWNSHIP_A, [{V1}, {V2}, {V1}])
    alternating = [f for f in flags if "反复" in f.detail]
    assert alternating and set(alternating[0].village_codes) == {V1, V2}
    assert all(f.kind is FlagKind.TAKING_TURNS for f in flags)


def test_one_change_only_is_not_alternation():
    assert taking_turns(TOWNSHIP_A, [{V1}, {V1, V2}, {V1, V2}]) == []


def test_exchange_between_the_last_two_rounds_is_flagged():
    flags = taking_turns(TOWNSHIP_A, [{V1, V2}, {V1, V3}])
    assert [f.village_codes for f in flags] == [(V2, V3)]


def test_leaving_through_acceptance_is_not_an_exchange():
    assert taking_turns(TOWNSHIP_A, [{V1, V2}, {V1, V3}], accepted={V2}) == []


def test_township_far_below_county_share_is_flagged():
    counts = [
        TownshipCount(TOWNSHIP_A, listed=1, administrative_villages=20),   # 5%
        TownshipCount(TOWNSHIP_B, listed=5, administrative_villages=20),   # 25%
    ]
    # county share 15%; threshold 0.5 × 15% = 7.5%
    flags = share_far_below_county(counts, Policy())
    assert [(f.kind, f.division_code) for f in flags] == [(FlagKind.SHARE_FAR_BELOW_COUNTY, TOWNSHIP_A)]


def test_share_threshold_is_a_policy_value_and_equal_is_not_below():
    counts = [
        TownshipCount(TOWNSHIP_A, listed=1, administrative_villages=10),   # 10%
        TownshipCount(TOWNSHIP_B, listed=3, administrative_villages=10),   # 30%; county 20%
    ]
    assert share_far_below_county(counts, Policy()) == []                 # 10% is exactly half of 20%
    strict = Policy(township_share_flag_factor=Decimal("0.6"))
    assert [f.division_code for f in share_far_below_county(counts, strict)] == [TOWNSHIP_A]


def test_no_flags_when_nothing_listed_anywhere():
    assert share_far_below_county([TownshipCount(TOWNSHIP_A, 0, 10), TownshipCount(TOWNSHIP_B, 0, 10)], Policy()) == []
