"""What casework keeps of a campaign: its phase windows and its policy versions (from screening's events)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from zhengdun.events.screening import CampaignPhase, PhaseWindow, Policy


@dataclass(frozen=True)
class PolicyVersion:
    version: int
    policy: Policy
    effective_on: date


@dataclass
class CampaignTerms:
    campaign_id: str
    phases: tuple[PhaseWindow, ...]
    policies: list[PolicyVersion] = field(default_factory=list)

    def window(self, phase: CampaignPhase) -> PhaseWindow | None:
        return next((w for w in self.phases if w.phase is phase), None)

    @property
    def concentrated_ends_on(self) -> date | None:
        window = self.window(CampaignPhase.CONCENTRATED)
        return window.ends_on if window else None

    @property
    def ends_on(self) -> date:
        """The campaign's end: the last day of its last phase window (no measure may be due later)."""
        return max(w.ends_on for w in self.phases)

    def concentrated_over(self, today: date) -> bool:
        """The concentrated phase is over the day after its last day (on the last day it still runs)."""
        end = self.concentrated_ends_on
        return end is not None and today > end

    def continued_starts_on(self) -> date | None:
        end = self.concentrated_ends_on
        return end + timedelta(days=1) if end else None

    def policy_on(self, day: date) -> PolicyVersion:
        """The newest policy version in force on ``day`` (version 1 applies from the start)."""
        versions = sorted(self.policies, key=lambda p: p.version)
        if not versions:
            raise LookupError(f"campaign {self.campaign_id} has no policy")
        in_force = [p for p in versions if p.version == 1 or p.effective_on <= day]
        return in_force[-1] if in_force else versions[0]
