"""The city's spot-check circular (市级抽查认定情况通报): who was checked, the findings, and each falsification
named with the county and township responsible (plain Python)."""
from __future__ import annotations

from datetime import date

from reporting.domain import spot_checks as sc
from zhengdun.events.screening import CheckOutcome

C2, C3 = "990102000000", "990103000000"


def checked(county: str, village: str, outcome: CheckOutcome, day: date = date(2020, 8, 25)) -> sc.CheckedVillage:
    return sc.CheckedVillage(county, village, outcome, "", day)


def test_each_county_checked_gets_its_villages_and_findings_and_a_village_checked_again_counts_once():
    rows = sc.unit_results([
        checked(C3, "990103101201", CheckOutcome.CONFIRMED),
        checked(C2, "990102101201", CheckOutcome.CONFIRMED),
        checked(C2, "990102101202", CheckOutcome.FALSIFIED),
        checked(C2, "990102101203", CheckOutcome.DISCREPANCY, date(2020, 8, 25)),
        # Checked again three days later (a further sample): the latest finding stands.
        checked(C2, "990102101203", CheckOutcome.CONFIRMED, date(2020, 8, 28)),
    ])
    assert [r.unit_code for r in rows] == [C2, C3]
    two, three = rows
    assert (two.villages, two.confirmed, two.discrepancy, two.falsified) == (3, 2, 0, 1)
    assert (two.first_checked_on, two.last_checked_on) == (date(2020, 8, 25), date(2020, 8, 28))
    assert (three.villages, three.confirmed) == (1, 1)
    assert sc.unit_results([]) == []


def test_each_falsification_is_named_once_with_the_county_and_township_that_answer_for_it():
    city_found = sc.NamedFalsification("990102101202", "990102101000", C2, "990100000000", "瞒报村霸问题", date(2020, 8, 25))
    county_found = sc.NamedFalsification("990103102201", "990103102000", C3, C3, "以好充次", date(2020, 8, 19))
    named = sc.named_falsifications([county_found, city_found, city_found])   # the same event read twice
    assert named == [city_found, county_found]
    assert (named[0].township_code, named[0].county_code) == ("990102101000", C2)
    assert named[0].found_at == "市级抽查认定" and named[1].found_at == "县级审核实地走访"
