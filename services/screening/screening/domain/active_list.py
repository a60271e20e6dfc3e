"""The dynamic list of a campaign (动态管理): who is a rectification target right now.

Targets enter through a confirmed county list or a relapse at post-evaluation, and leave
when acceptance delists them (or a re-screening list leaves them out).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Iterable, Mapping

from zhengdun.divisions import ancestor_at, is_within
from zhengdun.events.screening import (
    DesignationBasis,
    ListCategory,
    RemovalReason,
    TargetDesignated,
    TargetRemoved,
)
from zhengdun.roles import Level

from screening.domain.campaign import Campaign
from zhengdun.refusals import OutOfOrder, RuleViolation


@dataclass(frozen=True)
class ActiveTarget:
    village_code: str
    category: ListCategory
    criteria_met: tuple[str, ...]
    basis: DesignationBasis
    designated_on: date
    decision_number: str | None
    round_id: str | None

    @property
    def township_code(self) -> str:
        return ancestor_at(self.village_code, Level.TOWNSHIP)


@dataclass(frozen=True)
class ActiveList:
    campaign_id: str
    targets: Mapping[str, ActiveTarget] = field(default_factory=dict)
    delisted_on: Mapping[str, date] = field(default_factory=dict)    # villages acceptance delisted

    def in_division(self, division_code: str) -> dict[str, ActiveTarget]:
        return {c: t for c, t in sorted(self.targets.items()) if is_within(c, division_code)}

    def apply(self, happened: TargetDesignated | TargetRemoved) -> "ActiveList":
        """Fold one of screening's own events into the list (how the state is rebuilt)."""
        if isinstance(happened, TargetDesignated):
            target = ActiveTarget(
                happened.village_code, happened.category, happened.criteria_met, happened.basis,
                happened.designated_on, happened.decision_number, happened.round_id,
            )
            return replace(self, targets={**self.targets, happened.village_code: target})
        targets = {c: t for c, t in self.targets.items() if c != happened.village_code}
        delisted = dict(self.delisted_on)
        if happened.reason is RemovalReason.DELISTED:
            delisted[happened.village_code] = happened.removed_on
        return replace(self, targets=targets, delisted_on=delisted)

    def apply_all(self, events: Iterable[TargetDesignated | TargetRemoved]) -> "ActiveList":
        state = self
        for happened in events:
            state = state.apply(happened)
        return state

    def delist(
        self, village_code: str, delisted_on: date, reference: str | None = None
    ) -> tuple["ActiveList", TargetRemoved | None]:
        """Acceptance delisted the village (销号): it leaves the active list.

        Idempotent: a village that is not an active target gives no event, so a redelivered
        acceptance event changes nothing.
        """
        target = self.targets.get(village_code)
        if target is None:
            return self, None
        removed = TargetRemoved(
            campaign_id=self.campaign_id, village_code=village_code,
            county_code=ancestor_at(village_code, Level.COUNTY), reason=RemovalReason.DELISTED,
            reference=reference, removed_on=delisted_on,
        )
        return self.apply(removed), removed

    def relapse(
        self,
        campaign: Campaign,
        village_code: str,
        category: ListCategory,
        criteria_met: Iterable[str],
        designated_on: date,
    ) -> tuple["ActiveList", TargetDesignated]:
        """Post-evaluation found a delisted village relapsed (整瘫轮回): designate it again."""
        if village_code in self.targets:
            raise OutOfOrder(
                "village-already-target", f"村 {village_code} 仍在整顿名单中", f"village {village_code} is still a target")
        if village_code not in self.delisted_on:
            raise RuleViolation(
                "relapse-not-delisted", f"村 {village_code} 未经验收销号,不属于后评估反弹",
                f"village {village_code} was never delisted, so it cannot relapse")
        criteria_met = tuple(criteria_met)
        unknown = sorted(set(criteria_met) - {c.code for c in campaign.criteria})
        if unknown:
            raise RuleViolation(
                "criterion-unknown", f"认定标准目录中没有 {', '.join(unknown)}",
                f"not in the criteria catalog: {', '.join(unknown)}", criteria=unknown)
        if category is ListCategory.WEAK_AND_LAX and not criteria_met:
            raise RuleViolation(
                "weak-and-lax-without-criterion", "认定为软弱涣散须指明符合的认定标准",
                "weak_and_lax needs the criteria it meets")
        designated = TargetDesignated(
            campaign_id=self.campaign_id, round_id=None, village_code=village_code,
            township_code=ancestor_at(village_code, Level.TOWNSHIP),
            county_code=ancestor_at(village_code, Level.COUNTY),
            category=category, criteria_met=criteria_met, basis=DesignationBasis.RELAPSE,
            decision_number=None, designated_on=designated_on, policy_version=campaign.policy_version,
        )
        return self.apply(designated), designated
