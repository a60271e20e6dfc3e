from decimal import Decimal

from zhengdun.events.screening import Policy

from screening.domain import Village, share_status
from screening_helpers import CITY, COUNTY, TOWNSHIP_A, TOWNSHIP_B, VILLAGES, village


def test_ten_percent_of_twenty_villages_needs_two():
    status = share_status(COUNTY, [village(TOWNSHIP_A, 1)], VILLAGES, Policy())
    assert (status.listed, status.administrative_villages, status.required) == (1, 20, 2)
    assert not status.meets_minimum
    exactly = share_status(COUNTY, [village(TOWNSHIP_A, 1), village(TOWNSHIP_B, 1)], VILLAGES, Policy())
    assert exactly.meets_minimum and exactly.share == Decimal("0.1")


def test_required_rounds_up():
    villages = VILLAGES + [Village(village(TOWNSHIP_B, 11), "新村")]          # 21 → 2.1 → 3
    status = share_status(COUNTY, [village(TOWNSHIP_A, n) for n in (1, 2)], villages, Policy())
    assert status.required == 3 and not status.meets_minimum


def test_communities_are_not_in_the_denominator():
    villages = VILLAGES + [Village(village(TOWNSHIP_B, 11), "社区", administrative=False)]
    assert share_status(COUNTY, [], villages, Policy()).administrative_villages == 20


def test_city_status_counts_only_inside_the_division_and_uses_the_policy_share():
    other = [Village("130103001001", "外县村")]
    status = share_status(CITY, [village(TOWNSHIP_A, 1), "130103001001", "140101001001"],
                          VILLAGES + other, Policy(min_listed_share=Decimal("0.05")))
    assert (status.listed, status.administrative_villages, status.required) == (2, 21, 2)
    assert status.meets_minimum


def test_empty_division_meets_trivially():
    assert share_status(COUNTY, [], [], Policy()).meets_minimum
