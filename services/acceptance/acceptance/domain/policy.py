"""Which campaign policy version a step applies: the one in force on the step's date (domain.md §2).

Acceptance keeps every version screening announces (CampaignOpened is version 1, from the opening;
each PolicyRevised names its own effective date), so a revision that takes effect later leaves the
steps dated before it under the version they applied.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable


@dataclass(frozen=True)
class PolicyVersion:
    version: int
    effective_on: date
    policy: Any


def in_force(versions: Iterable[PolicyVersion], day: date) -> PolicyVersion | None:
    """The newest version whose effective date is on or before ``day``; version 1 applies from the start.

    None when no version in force on ``day`` is known here (the opening has not arrived yet, only a later
    revision has): the step then applies the seeds' defaults and records no version rather than a wrong one.
    """
    # Screening dates no revision before the version it replaces, so the newest in force is the highest number.
    return max((v for v in versions if v.version == 1 or v.effective_on <= day), key=lambda v: v.version, default=None)
