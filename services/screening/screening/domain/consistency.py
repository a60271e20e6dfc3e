"""The "four musts, four preventions" (四必须四防止) as flags the county sees.

Flags do not refuse anything: they point the county's review at lists that look like
concealment or "taking turns" (轮流坐庄).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Iterable, Mapping, Sequence

from zhengdun.events.screening import AssessmentResult, Policy

from screening.domain.assessment import Assessment, criteria_met


class FlagKind(StrEnum):
    UNLISTED_UNCHANGED = "unlisted_unchanged"
    TAKING_TURNS = "taking_turns"
    SHARE_FAR_BELOW_COUNTY = "share_far_below_county"

    @property
    def label(self) -> str:
        return {
            FlagKind.UNLISTED_UNCHANGED: "上轮列入、本轮未列入但认定情形未变(防止漏报瞒报)",
            FlagKind.TAKING_TURNS: "疑似“轮流坐庄”",
            FlagKind.SHARE_FAR_BELOW_COUNTY: "列入比例明显低于全县(防止以好充次)",
        }[self]


@dataclass(frozen=True)
class ConsistencyFlag:
    kind: FlagKind
    division_code: str                 # the township concerned
    village_codes: tuple[str, ...]
    detail: str


def unlisted_unchanged(
    previous: Mapping[str, Assessment], current: Mapping[str, Assessment]
) -> list[ConsistencyFlag]:
    """Listed last round, not listed now, and the same criteria met as then."""
    flags = []
    for code in sorted(previous):
        before, now = previous[code], current.get(code)
        if now is None or before.result is AssessmentResult.NEITHER or now.result is not AssessmentResult.NEITHER:
            continue
        if set(criteria_met(before)) == set(criteria_met(now)):
            flags.append(ConsistencyFlag(
                FlagKind.UNLISTED_UNCHANGED, now.township_code, (code,),
                f"上轮认定为{before.result.label},本轮“不列入”,认定情形未变化",
            ))
    return flags


def taking_turns(
    township_code: str, listed_by_round: Sequence[Iterable[str]], accepted: Iterable[str] = ()
) -> list[ConsistencyFlag]:
    """Villages going in and out of the list across rounds (oldest round first).

    Two patterns: a village whose listing flips at least twice (in → out → in, or the
    reverse), and, between the last two rounds, villages leaving the list without passing
    acceptance while others enter (an exchange).  Villages that passed acceptance left for
    a good reason and are not counted as leaving.
    """
    rounds = [set(r) for r in listed_by_round]
    accepted = set(accepted)
    flags = []
    everyone = sorted(set().union(*rounds)) if rounds else []
    alternating = []
    for code in everyone:
        if code in accepted:
            continue
        states = [code in r for r in rounds]
        flips = sum(1 for a, b in zip(states, states[1:]) if a != b)
        if flips >= 2:
            alternating.append(code)
    if alternating:
        flags.append(ConsistencyFlag(
            FlagKind.TAKING_TURNS, township_code, tuple(alternating), "多轮排查中反复列入、移出"))
    if len(rounds) >= 2:
        left = sorted(rounds[-2] - rounds[-1] - accepted)
        entered = sorted(rounds[-1] - rounds[-2])
        if left and entered:
            flags.append(ConsistencyFlag(
                FlagKind.TAKING_TURNS, township_code, tuple(left + entered),
                f"本轮移出 {', '.join(left)}(未经验收)的同时新列入 {', '.join(entered)}",
            ))
    return flags


@dataclass(frozen=True)
class TownshipCount:
    township_code: str
    listed: int
    administrative_villages: int


def share_far_below_county(counts: Iterable[TownshipCount], policy: Policy) -> list[ConsistencyFlag]:
    """Townships whose listed share is below ``township_share_flag_factor`` × the county's share."""
    counts = list(counts)
    total = sum(c.administrative_villages for c in counts)
    if total == 0:
        return []
    county_share = Fraction(sum(c.listed for c in counts), total)
    threshold = Fraction(policy.township_share_flag_factor) * county_share
    flags = []
    for c in sorted(counts, key=lambda c: c.township_code):
        if c.administrative_villages == 0:
            continue
        share = Fraction(c.listed, c.administrative_villages)
        if share < threshold:
            flags.append(ConsistencyFlag(
                FlagKind.SHARE_FAR_BELOW_COUNTY, c.township_code, (),
                f"列入比例 {float(share):.1%},全县 {float(county_share):.1%}",
            ))
    return flags
