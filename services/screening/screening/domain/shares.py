"""The campaign-wide minimum share: weak + lagging ≥ policy share of administrative villages."""
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


def share_status(
    division_code: str, listed_codes: Iterable[str], villages: Iterable[Village], policy: Policy
) -> ShareStatus:
    """Live share for a county or a city (or any division) from the listed codes and the registry."""
    return ShareStatus(
        division_code=division_code,
        listed=len({c for c in listed_codes if is_within(c, division_code)}),
        administrative_villages=sum(1 for v in villages if v.administrative and is_within(v.code, division_code)),
        minimum_share=policy.min_listed_share,
    )
