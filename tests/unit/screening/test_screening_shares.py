from decimal import Decimal
from fractions import Fraction

from zhengdun.events.screening import Policy

from screening.domain import Village, share_status
from screening.domain.shares import four_places
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


def test_lagging_share_is_shown_beside_its_reference_of_about_five_percent():
    # Seed 001: 后进比例掌握在所辖基层党组织总数的5%左右: same denominator, a reference, not a floor.
    listed = [village(TOWNSHIP_A, 1), village(TOWNSHIP_A, 2), village(TOWNSHIP_B, 1)]
    status = share_status(COUNTY, listed, VILLAGES, Policy(), lagging_codes=[village(TOWNSHIP_B, 1), "140101001001"])
    assert (status.lagging, status.lagging_share, status.lagging_reference_share) == (1, Fraction(1, 20), Decimal("0.05"))
    assert status.meets_minimum                      # the 10% floor counts weak + lagging, as before
    revised = share_status(COUNTY, listed, VILLAGES, Policy(lagging_reference_share=Decimal("0.06")))
    assert (revised.lagging, revised.lagging_reference_share) == (0, Decimal("0.06"))


def test_an_answered_share_is_rounded_once_half_up():
    assert four_places(Fraction(6, 38)) == "0.1579"
    assert four_places(Fraction(1, 32)) == "0.0313"          # 0.03125: the half goes up
    assert four_places(Fraction(0)) == "0.0000" and four_places(Fraction(1)) == "1.0000"


def test_county_shares_equal_each_county_share_status_in_one_pass():
    from screening.domain.shares import county_shares

    other_county = [Village(f"130103001{n:03d}", "外县村") for n in range(1, 8)] + [
        Village("130103002001", "社区", administrative=False)]
    villages = VILLAGES + other_county
    listed = [village(TOWNSHIP_A, 1), village(TOWNSHIP_B, 2), "130103001001", "130103001002", "130104001001"]
    lagging = [village(TOWNSHIP_B, 2), "130103001002"]
    policy = Policy(min_listed_share=Decimal("0.15"))
    together = county_shares(listed, villages, policy, lagging)
    # Only counties with villages get a share (130104 has a listed code but no village among them).
    assert [s.division_code for s in together] == [COUNTY, "130103000000"]
    assert together == [share_status(c, listed, villages, policy, lagging_codes=lagging) for c in (COUNTY, "130103000000")]
    assert (together[1].listed, together[1].administrative_villages, together[1].lagging) == (2, 7, 1)


def test_shares_from_counted_denominators_equal_those_from_the_villages():
    """GET .../shares counts each county's denominator in SQL (service.state.share_base): the same shares."""
    from screening.domain.shares import county_shares, share_of, shares_of_counties

    villages = VILLAGES + [Village(f"130103001{n:03d}", "外县村") for n in range(1, 8)] + [
        Village("130103002001", "社区", administrative=False), Village("130104001001", "社区", administrative=False)]
    listed = [village(TOWNSHIP_A, 1), village(TOWNSHIP_B, 2), "130103001001", "130105001001"]
    lagging = [village(TOWNSHIP_B, 2), "130105001001"]
    base = {COUNTY: 20, "130103000000": 7, "130104000000": 0}   # a county of communities only: 0, still listed
    assert shares_of_counties(listed, base, Policy(), lagging) == county_shares(listed, villages, Policy(), lagging)
    assert share_of(CITY, listed, 27, Policy(), lagging) == share_status(CITY, listed, villages, Policy(), lagging)
