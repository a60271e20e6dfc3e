"""The campaign-wide minimum share: weak + lagging ≥ policy share of administrative villages
(seed 000: 不少于行政村总数的10%); beside it the lagging villages' share and its reference, about
5% (seed 001: 后进比例掌握在所辖基层党组织总数的5%左右), a figure to watch, not a floor."""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Iterable

from zhengdun.divisions import is_within
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
    listed = {c for c in listed_codes if is_within(c, division_code)}
    return ShareStatus(
        division_code=division_code,
        listed=len(listed),
        administrative_villages=sum(1 for v in villages if v.administrative and is_within(v.code, division_code)),
        minimum_share=policy.min_listed_share,
        lagging=len(listed & set(lagging_codes)),
        lagging_reference_share=policy.lagging_reference_share,
    )


def four_places(value: Fraction) -> str:
    """A share as the API answers it: rounded once, half-up, to 4 places ("0.1579"); the console prints
    shares from the counts beside it, so nothing rounds this again."""
    scaled = value * 10_000
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    return str(Decimal(whole + (2 * rest >= scaled.denominator)).scaleb(-4))
