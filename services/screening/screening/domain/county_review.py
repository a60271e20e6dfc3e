"""County review of the township lists and the standing committee's decision.

``CountyList`` is a county's list in one round.  Its methods return the new state and the
events to publish; the state they were called on is left unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Iterable, Mapping

from zhengdun.divisions import InvalidDivisionCode, ancestor_at, is_within, level_of, parent_code
from zhengdun.events.screening import (
    CheckStage,
    CountyListAdjusted,
    CountyListConfirmed,
    FalsificationFound,
    ListCategory,
    ListChange,
    RemovalReason,
    SampleDrawn,
    SamplePurpose,
    SpotCheckRecorded,
    TargetDesignated,
    TargetRemoved,
    TownshipListReturned,
    TownshipListSubmitted,
)
from zhengdun.roles import Level

from screening.domain.assessment import Village
from screening.domain.campaign import Campaign
from zhengdun.refusals import OutOfOrder, RuleViolation
from screening.domain.shares import ShareStatus, share_status
from screening.domain.spot_check import FindingInput, SampleSecret, current_samples, draw, next_attempt, record_findings


@dataclass(frozen=True)
class ListEntry:
    village_code: str
    category: ListCategory
    criteria_met: tuple[str, ...]
    added_by_county: bool = False

    @property
    def township_code(self) -> str:
        return parent_code(self.village_code)


class CountyListStatus(StrEnum):
    REVIEWING = "reviewing"
    CONFIRMED = "confirmed"

    @property
    def label(self) -> str:
        return {CountyListStatus.REVIEWING: "县级审核中", CountyListStatus.CONFIRMED: "县委常委会已研究确定"}[self]


@dataclass(frozen=True)
class Confirmation:
    confirmed: CountyListConfirmed
    designated: tuple[TargetDesignated, ...]     # villages newly becoming targets: each opens a case
    removed: tuple[TargetRemoved, ...]           # active targets this round's list left out
    share: ShareStatus


@dataclass(frozen=True)
class CountyList:
    campaign_id: str
    round_id: str
    county_code: str
    submissions: Mapping[str, TownshipListSubmitted] = field(default_factory=dict)   # by township
    adjustments: tuple[CountyListAdjusted, ...] = ()
    samples: tuple[SampleDrawn, ...] = ()
    checks: tuple[SpotCheckRecorded, ...] = ()
    status: CountyListStatus = CountyListStatus.REVIEWING
    confirmation: CountyListConfirmed | None = None

    # -- reading -------------------------------------------------------------------------

    def entries(self) -> dict[str, ListEntry]:
        """The list as it stands: the townships' submissions, then the county's adjustments in order."""
        entries: dict[str, ListEntry] = {}
        for submitted in self.submissions.values():
            for listed in submitted.weak_and_lax + submitted.lagging:
                entries[listed.village_code] = ListEntry(listed.village_code, listed.category, listed.criteria_met)
        for adjusted in self.adjustments:
            if adjusted.change is ListChange.ADD:
                entries[adjusted.village_code] = ListEntry(
                    adjusted.village_code, adjusted.category, adjusted.criteria_met, added_by_county=True)
            else:
                entries.pop(adjusted.village_code, None)
        return dict(sorted(entries.items()))

    def share(self, villages: Iterable[Village], campaign: Campaign) -> ShareStatus:
        entries = self.entries()
        return share_status(self.county_code, entries, villages, campaign.policy,
                            lagging_codes=[c for c, e in entries.items() if e.category is ListCategory.LAGGING])

    # -- township lists ------------------------------------------------------------------

    def _require_reviewing(self) -> None:
        if self.status is CountyListStatus.CONFIRMED:
            raise OutOfOrder(
                "list-already-confirmed", "县委常委会已研究确定名单,不能再修改;请在下一轮重新排查中调整",
                "the list is already confirmed; changes belong to the next re-screening round")

    def _require_township(self, township_code: str) -> None:
        try:
            level = level_of(township_code)
        except InvalidDivisionCode:
            level = None
        if level is not Level.TOWNSHIP or not is_within(township_code, self.county_code):
            raise RuleViolation(
                "township-not-in-county", f"{township_code} 不是本县 {self.county_code} 的乡镇",
                f"{township_code} is not a township of county {self.county_code}")

    def receive(self, submitted: TownshipListSubmitted) -> "CountyList":
        self._require_reviewing()
        self._require_township(submitted.township_code)
        return replace(self, submissions={**self.submissions, submitted.township_code: submitted})

    def return_to_township(
        self, township_code: str, reasons: Iterable[str], returned_on: date
    ) -> tuple["CountyList", TownshipListReturned]:
        self._require_reviewing()
        self._require_township(township_code)
        reasons = tuple(r.strip() for r in reasons if r.strip())
        if not reasons:
            raise RuleViolation(
                "return-reason-missing", "退回名单须说明理由", "state why the list is returned")
        if township_code not in self.submissions:
            raise OutOfOrder(
                "township-list-not-submitted", f"乡镇 {township_code} 尚未报送名单",
                f"township {township_code} has not submitted a list to return")
        submissions = {k: v for k, v in self.submissions.items() if k != township_code}
        returned = TownshipListReturned(
            campaign_id=self.campaign_id, round_id=self.round_id, county_code=self.county_code,
            township_code=township_code, reasons=reasons, returned_on=returned_on,
        )
        return replace(self, submissions=submissions), returned

    def adjust(
        self,
        campaign: Campaign,
        village_code: str,
        change: ListChange,
        reason: str,
        adjusted_on: date,
        *,
        category: ListCategory | None = None,
        criteria_met: Iterable[str] = (),
    ) -> tuple["CountyList", CountyListAdjusted]:
        """Add a village to the list or remove one from it; each change needs a reason."""
        self._require_reviewing()
        if not reason.strip():
            raise RuleViolation(
                "adjustment-reason-missing", "调整名单须逐村说明理由", "every adjustment needs a reason")
        try:
            level = level_of(village_code)
        except InvalidDivisionCode:
            level = None
        if level is not Level.VILLAGE or not is_within(village_code, self.county_code):
            raise RuleViolation(
                "village-not-in-county", f"{village_code} 不是本县的村", f"{village_code} is not a village of this county")
        entries = self.entries()
        criteria_met = tuple(criteria_met)
        if change is ListChange.ADD:
            if village_code in entries:
                raise RuleViolation(
                    "village-already-listed", f"村 {village_code} 已在名单中", f"village {village_code} is already listed")
            if category is None:
                raise RuleViolation(
                    "category-missing", "增列须指明类别(软弱涣散或后进)", "say which category the village is added to")
            unknown = sorted(set(criteria_met) - {c.code for c in campaign.criteria})
            if unknown:
                raise RuleViolation(
                    "criterion-unknown", f"认定标准目录中没有 {', '.join(unknown)}",
                    f"not in the criteria catalog: {', '.join(unknown)}", criteria=unknown)
            if category is ListCategory.WEAK_AND_LAX and not criteria_met:
                raise RuleViolation(
                    "weak-and-lax-without-criterion", "增列为软弱涣散须指明符合的认定标准",
                    "adding a weak_and_lax village needs the criteria it meets")
        else:
            if village_code not in entries:
                raise RuleViolation(
                    "village-not-listed", f"村 {village_code} 不在名单中", f"village {village_code} is not listed")
            category = entries[village_code].category
            criteria_met = entries[village_code].criteria_met
        adjusted = CountyListAdjusted(
            campaign_id=self.campaign_id, round_id=self.round_id, county_code=self.county_code,
            village_code=village_code, change=change, category=category, criteria_met=criteria_met,
            reason=reason.strip(), adjusted_on=adjusted_on,
        )
        return replace(self, adjustments=self.adjustments + (adjusted,)), adjusted

    # -- checking by random sample and site visits ---------------------------------------

    def draw_check_samples(
        self, campaign: Campaign, township_code: str, villages: Iterable[Village], secret: SampleSecret, drawn_on: date,
        redraw_reason: str | None = None,
    ) -> tuple["CountyList", tuple[SampleDrawn, SampleDrawn]]:
        """Sample a township's listed and its unlisted villages (真实性 and 应整尽整), from the secret
        committed when the township submitted: once per submission, again only with a reason."""
        self._require_township(township_code)
        if township_code not in self.submissions:
            raise OutOfOrder(
                "township-list-not-submitted", f"乡镇 {township_code} 尚未报送名单,无法抽查",
                f"township {township_code} has not submitted its list yet")
        purposes = (SamplePurpose.COUNTY_CHECK_LISTED, SamplePurpose.COUNTY_CHECK_UNLISTED)
        attempt = next_attempt(self.samples, secret, township_code, purposes, redraw_reason)
        in_township = {v.code for v in villages if parent_code(v.code) == township_code}
        listed = {code for code in self.entries() if parent_code(code) == township_code}
        ratio = campaign.policy.county_check_sample_ratio
        drawn = tuple(
            draw(campaign, self.round_id, purpose, township_code, sorted(population), secret, ratio, drawn_on,
                 attempt, redraw_reason)
            for purpose, population in zip(purposes, (listed, in_township - listed)))
        return replace(self, samples=self.samples + drawn), drawn

    def record_site_visits(
        self, campaign: Campaign, township_code: str, findings: Iterable[FindingInput], checked_on: date
    ) -> tuple["CountyList", SpotCheckRecorded, tuple[FalsificationFound, ...]]:
        self._require_township(township_code)
        samples = current_samples(s for s in self.samples if s.division_code == township_code)
        recorded, falsifications = record_findings(
            campaign, self.round_id, self.county_code, township_code, CheckStage.COUNTY_REVIEW,
            samples, findings, checked_on, campaign.policy.county_review_due,
        )
        return replace(self, checks=self.checks + (recorded,)), recorded, falsifications

    # -- the standing committee's decision -----------------------------------------------

    def confirm(
        self,
        campaign: Campaign,
        decision_number: str,
        decided_on: date,
        township_codes: Iterable[str],
        villages: Iterable[Village],
        active_targets: Mapping[str, object] | None = None,
    ) -> tuple["CountyList", Confirmation]:
        """Record the standing committee's decision and designate the listed villages.

        ``township_codes`` are all townships of the county (each must have a list in);
        ``villages`` the registry's villages (for the minimum share);
        ``active_targets`` the county's targets still being rectified from earlier rounds:
        they continue without a new designation, and those left off this list are removed.
        Confirming below the minimum share is allowed and marked ``below_minimum``.
        """
        self._require_reviewing()
        if not decision_number.strip():
            raise RuleViolation(
                "decision-number-missing", "请填写县委常委会研究确定名单的决定文号",
                "give the standing committee's decision number")
        missing = sorted(set(township_codes) - set(self.submissions))
        if missing:
            raise OutOfOrder(
                "townships-not-submitted", f"以下乡镇名单尚未报送或已退回: {', '.join(missing)}",
                f"these townships have no list in (not submitted, or returned): {', '.join(missing)}",
                township_codes=missing)
        latest = max((s.submitted_on for s in self.submissions.values()), default=None)
        if latest is not None and decided_on < latest:
            raise RuleViolation(
                "decision-before-submission", f"研究确定日期早于乡镇报送日期 {latest}",
                f"the decision date is before the last township submission ({latest})")

        entries = self.entries()
        share = share_status(self.county_code, entries, villages, campaign.policy)
        active = {code for code in (active_targets or {}) if is_within(code, self.county_code)}
        policy_version = campaign.policy_version
        confirmed = CountyListConfirmed(
            campaign_id=self.campaign_id, round_id=self.round_id, county_code=self.county_code,
            decision_number=decision_number.strip(), decided_on=decided_on,
            weak_and_lax=tuple(c for c, e in entries.items() if e.category is ListCategory.WEAK_AND_LAX),
            lagging=tuple(c for c, e in entries.items() if e.category is ListCategory.LAGGING),
            administrative_villages=share.administrative_villages,
            minimum_share=Decimal(campaign.policy.min_listed_share),
            below_minimum=not share.meets_minimum,
            late=decided_on > campaign.policy.county_review_due,
            policy_version=policy_version,
        )
        designated = tuple(
            TargetDesignated(
                campaign_id=self.campaign_id, round_id=self.round_id, village_code=code,
                township_code=ancestor_at(code, Level.TOWNSHIP), county_code=self.county_code,
                category=entry.category, criteria_met=entry.criteria_met,
                decision_number=confirmed.decision_number, designated_on=decided_on,
                policy_version=policy_version,
            )
            for code, entry in entries.items() if code not in active
        )
        removed = tuple(
            TargetRemoved(
                campaign_id=self.campaign_id, village_code=code, county_code=self.county_code,
                reason=RemovalReason.NOT_RELISTED, reference=confirmed.decision_number, removed_on=decided_on,
            )
            for code in sorted(active - set(entries))
        )
        state = replace(self, status=CountyListStatus.CONFIRMED, confirmation=confirmed)
        return state, Confirmation(confirmed, designated, removed, share)
