"""The circular of a spot check of the screening (抽查认定情况通报), in plain Python.

Seed 000 §三(一)三是: the city checks the counties' lists at a set ratio, publishes the result
(对抽查情况进行通报), and falsification (弄虚作假) is answered by the county and township people
responsible. The circular therefore says which units were checked (the counties, in a city's check; the
townships, in the county's own check of its own campaign, seed 001 县委组织部抽查), how many villages and with
what result, and names each falsification with the county and the township that answer for it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from zhengdun.divisions import level_of
from zhengdun.events.screening import CheckOutcome
from zhengdun.roles import Level


@dataclass(frozen=True)
class CheckedVillage:
    unit_code: str                         # the county checked (a city's check) or the township (a county's)
    village_code: str
    outcome: CheckOutcome
    note: str
    checked_on: date


@dataclass(frozen=True)
class UnitResult:
    unit_code: str
    first_checked_on: date
    last_checked_on: date
    villages: int
    confirmed: int
    discrepancy: int
    falsified: int


@dataclass(frozen=True)
class NamedFalsification:
    village_code: str
    township_code: str                     # the township Party committee that listed it: answers for it
    county_code: str                       # the county that reviewed and confirmed the list: answers for it
    found_by_code: str
    note: str
    found_on: date

    @property
    def found_at(self) -> str:
        """Where it was found: the county's review or the city's (province's) spot check."""
        return "县级审核实地走访" if level_of(self.found_by_code) is Level.COUNTY else "市级抽查认定"


def latest_per_village(checked: list[CheckedVillage]) -> list[CheckedVillage]:
    """A village checked again (a further sample) counts once, with its latest finding; input order breaks ties."""
    latest: dict[str, CheckedVillage] = {}
    for village in checked:
        if village.village_code not in latest or village.checked_on >= latest[village.village_code].checked_on:
            latest[village.village_code] = village
    return sorted(latest.values(), key=lambda v: (v.unit_code, v.village_code))


def unit_results(checked: list[CheckedVillage]) -> list[UnitResult]:
    """One row per unit checked, in code order; each village once (``latest_per_village``)."""
    by_unit: dict[str, list[CheckedVillage]] = {}
    for village in latest_per_village(checked):
        by_unit.setdefault(village.unit_code, []).append(village)
    rows = []
    for unit, villages in sorted(by_unit.items()):
        outcomes = [v.outcome for v in villages]
        rows.append(UnitResult(unit, min(v.checked_on for v in villages), max(v.checked_on for v in villages),
                                 len(villages), outcomes.count(CheckOutcome.CONFIRMED),
                                 outcomes.count(CheckOutcome.DISCREPANCY), outcomes.count(CheckOutcome.FALSIFIED)))
    return rows


def named_falsifications(found: list[NamedFalsification]) -> list[NamedFalsification]:
    """Every falsification once (a village found twice stays named twice only on different days), by county,
    township, village, date."""
    unique = {(f.village_code, f.found_on, f.found_by_code): f for f in found}
    return sorted(unique.values(), key=lambda f: (f.county_code, f.township_code, f.village_code, f.found_on))
