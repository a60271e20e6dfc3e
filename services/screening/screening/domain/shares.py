"""The campaign-wide minimum share: weak + lagging ≥ policy share of administrative villages
(seed 000: 不少于行政村总数的10%); beside it the lagging villages' share and its reference, about
5% (seed 001: 后进比例掌握在所辖基层党组织总数的5%左右), a figure to watch, not a floor."""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Callable, Iterable, Mapping

from zhengdun.divisions import county_of, prefix_of
from zhengdun.events.screening import Policy

from screening.domain.assessment import Village


@dataclass(frozen=True)
class ShareStatus:
    division_code: str
    listed: int                      # weak + lagging listed inside the division
    administrative_villages: int     # the denominator (行政村总数; communities not counted)
    minimum_share: Decimal
    lagging: int = 0                 # of ``listed``, the lagging villages
    lagging_reference_share: Decimal = Decimal("0.05")

    @property
    def required(self) -> int:
        """The fewest villages that satisfy the minimum: ceil(share × administrative villages)."""
        return math.ceil(Fraction(self.minimum_share) * self.administrative_villages)

    @property
    def meets_minimum(self) -> bool:
        return self.listed >= self.required

    @property
    def share(self) -> Fraction:
        if self.administrative_villages == 0:
            return Fraction(0)
        return Fraction(self.listed, self.administrative_villages)

    @property
    def lagging_share(self) -> Fraction:
        """Lagging villages of the same denominator, to set beside ``lagging_reference_share`` (about, not at least)."""
        if self.administrative_villages == 0:
            return Fraction(0)
        return Fraction(self.lagging, self.administrative_villages)


def share_status(
    division_code: str, listed_codes: Iterable[str], villages: Iterable[Village], policy: Policy,
    lagging_codes: Iterable[str] = (),
) -> ShareStatus:
    """Live share for a county or a city (or any division) from the listed codes (``lagging_codes``:
    those of them listed as lagging) and the registry."""
    prefix = prefix_of(division_code)   # is_within, its prefix worked out once for every village
    administrative = sum(1 for v in villages if v.administrative and v.code.startswith(prefix))
    return share_of(division_code, listed_codes, administrative, policy, lagging_codes)


def share_of(division_code: str, listed_codes: Iterable[str], administrative_villages: int, policy: Policy,
             lagging_codes: Iterable[str] = ()) -> ShareStatus:
    """``share_status`` from the division's denominator already counted (its villages that count in it)."""
    prefix = prefix_of(division_code)
    listed = {c for c in listed_codes if c.startswith(prefix)}
    return ShareStatus(
        division_code=division_code,
        listed=len(listed),
        administrative_villages=administrative_villages,
        minimum_share=policy.min_listed_share,
        lagging=len(listed & set(lagging_codes)),
        lagging_reference_share=policy.lagging_reference_share,
    )


def county_shares(listed_codes: Iterable[str], villages: Iterable[Village], policy: Policy,
                  lagging_codes: Iterable[str] = ()) -> list[ShareStatus]:
    """The live share of every county that has villages among ``villages``, in code order, each equal to
    ``share_status(county, ...)``: counted in one pass over the villages (a province has ~50,000) instead
    of one pass per county."""
    county = _county_by_prefix()
    base: dict[str, int] = {}
    for village in villages:
        unit = county(village.code)
        base[unit] = base.get(unit, 0) + (1 if village.administrative else 0)
    return shares_of_counties(listed_codes, base, policy, lagging_codes)


def shares_of_counties(listed_codes: Iterable[str], base: Mapping[str, int], policy: Policy,
                       lagging_codes: Iterable[str] = ()) -> list[ShareStatus]:
    """``county_shares`` from each county's denominator already counted (``base``: every county with villages,
    those whose villages all fall outside the denominator as 0), in code order."""
    county = _county_by_prefix()
    listed_codes, lagging = set(listed_codes), set(lagging_codes)
    listed: dict[str, int] = {}
    listed_lagging: dict[str, int] = {}
    for code in listed_codes:
        unit = county(code)
        listed[unit] = listed.get(unit, 0) + 1
        listed_lagging[unit] = listed_lagging.get(unit, 0) + (code in lagging)
    return [ShareStatus(division_code=unit, listed=listed.get(unit, 0), administrative_villages=base[unit],
                        minimum_share=policy.min_listed_share, lagging=listed_lagging.get(unit, 0),
                        lagging_reference_share=policy.lagging_reference_share)
            for unit in sorted(base)]


def _county_by_prefix() -> Callable[[str], str]:
    """``county_of``, worked out once per 6-digit prefix (a village's county depends on its first 6 digits only)."""
    counties: dict[str, str] = {}

    def county(code: str) -> str:
        if (found := counties.get(code[:6])) is None:
            found = counties[code[:6]] = county_of(code)
        return found
    return county


def four_places(value: Fraction) -> str:
    """A share as the API answers it: rounded once, half-up, to 4 places ("0.1579"); the console prints
    shares from the counts beside it, so nothing rounds this again."""
    scaled = value * 10_000
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    return str(Decimal(whole + (2 * rest >= scaled.denominator)).scaleb(-4))
