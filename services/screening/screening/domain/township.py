"""Township screening of one round: every village assessed, then the list submitted.

``TownshipRound`` is the township's state in a round.  Its methods return the new state and
the events to publish; they never change the state they were called on.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Iterable, Mapping

from zhengdun.divisions import parent_code
from zhengdun.events.screening import (
    AssessmentRecorded,
    AssessmentResult,
    CommitteeMeetingRecord,
    LaggingRanking,
    ListedVillage,
    TownshipListReturned,
    TownshipListSubmitted,
)

from screening.domain.assessment import (
    Assessment,
    AssessmentInput,
    Village,
    assess_village,
    criteria_met,
)
from screening.domain.campaign import Campaign
from zhengdun.refusals import OutOfOrder, Refusal, RuleViolation
from screening.domain.ranking import check_against_proposal, for_township


@dataclass(frozen=True)
class Objection:
    """An objection raised during the public notice (公示), and the township's answer."""

    raised_on: date
    content: str
    answer: str = ""
    answered_on: date | None = None

    @property
    def answered(self) -> bool:
        return bool(self.answer.strip()) and self.answered_on is not None


@dataclass(frozen=True)
class PublicNotice:
    starts_on: date
    ends_on: date
    objections: tuple[Objection, ...] = ()


class CarryOverReason(StrEnum):
    STILL_MEETS_CRITERIA = "still_meets_criteria"
    NOT_ACCEPTED = "not_accepted"

    @property
    def label(self) -> str:
        return {
            CarryOverReason.STILL_MEETS_CRITERIA: "对照标准仍然符合条件",
            CarryOverReason.NOT_ACCEPTED: "已转化提升但未通过评估验收",
        }[self]


@dataclass(frozen=True)
class CarryOver:
    """A village of the previous round proposed again (继续整顿)."""

    village_code: str
    reason: CarryOverReason


def propose_carry_over(
    previously_listed: Iterable[str],
    accepted: Iterable[str],
    current: Mapping[str, Assessment],
) -> tuple[CarryOver, ...]:
    """Villages listed last round that still meet a criterion, or have not passed acceptance."""
    accepted = set(accepted)
    proposals = []
    for code in sorted(set(previously_listed)):
        assessment = current.get(code)
        if assessment is not None and criteria_met(assessment):
            proposals.append(CarryOver(code, CarryOverReason.STILL_MEETS_CRITERIA))
        elif code not in accepted:
            proposals.append(CarryOver(code, CarryOverReason.NOT_ACCEPTED))
    return tuple(proposals)


class TownshipRoundStatus(StrEnum):
    SCREENING = "screening"
    SUBMITTED = "submitted"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return {
            TownshipRoundStatus.SCREENING: "排查中",
            TownshipRoundStatus.SUBMITTED: "已报县审核",
            TownshipRoundStatus.RETURNED: "县里退回",
        }[self]


@dataclass(frozen=True)
class TownshipRound:
    campaign_id: str
    round_id: str
    township_code: str
    assessments: Mapping[str, Assessment] = field(default_factory=dict)   # latest per village
    status: TownshipRoundStatus = TownshipRoundStatus.SCREENING
    submission: TownshipListSubmitted | None = None

    def record_assessments(
        self, campaign: Campaign, entries: Iterable[AssessmentInput], assessed_on: date,
        not_screened: Mapping[str, str] | None = None,
    ) -> tuple["TownshipRound", tuple[AssessmentRecorded, ...]]:
        """Record one or many villages' assessments: all are recorded, or none (every problem listed).
        ``not_screened``: the township's organizations of kinds the campaign does not cover (code → kind)."""
        if self.status is TownshipRoundStatus.SUBMITTED:
            raise OutOfOrder(
                "list-already-submitted", "名单已报县审核,县里退回后才能修改排查结果",
                "the list is with the county; assessments can change only after it is returned")
        problems: list[dict] = []
        recorded: list[Assessment] = []
        seen: set[str] = set()
        for entry in entries:
            try:
                if entry.village_code in seen:
                    raise RuleViolation(
                        "village-repeated", f"村 {entry.village_code} 在本次提交中出现多次",
                        f"village {entry.village_code} appears more than once in this request")
                seen.add(entry.village_code)
                if entry.village_code in (not_screened or {}):
                    kind = not_screened[entry.village_code]
                    raise RuleViolation(
                        "organization-kind-not-covered",
                        f"{entry.village_code} 是{kind}，本次整顿工作只排查{'、'.join(campaign.kinds_screened)}",
                        f"{entry.village_code} is a {kind}, a kind this campaign does not screen")
                assessment = assess_village(campaign, self.round_id, entry, assessed_on)
                if assessment.township_code != self.township_code:
                    raise RuleViolation(
                        "village-not-in-township", f"村 {entry.village_code} 不属于乡镇 {self.township_code}",
                        f"village {entry.village_code} is not in township {self.township_code}")
                recorded.append(assessment)
            except Refusal as refused:
                problems.append({"village_code": entry.village_code, "code": refused.code,
                                 "message_zh": refused.message_zh, "message_en": refused.message_en})
        if problems:
            raise RuleViolation(
                "assessments-refused", f"{len(problems)} 个村的排查结果有误,均未保存,请逐条修改后重新提交",
                f"{len(problems)} assessment(s) refused; nothing was recorded; fix each and resubmit",
                problems=problems)
        if not recorded:
            raise RuleViolation("assessments-empty", "没有提交任何村的排查结果", "no assessments given")
        assessments = dict(self.assessments)
        assessments.update({a.village_code: a for a in recorded})
        return replace(self, assessments=assessments), tuple(recorded)

    def listed(self, category: AssessmentResult) -> tuple[ListedVillage, ...]:
        return tuple(
            ListedVillage(village_code=a.village_code, category=category.category, criteria_met=criteria_met(a))
            for code, a in sorted(self.assessments.items()) if a.result is category
        )

    def submit(
        self,
        campaign: Campaign,
        villages: Iterable[Village],
        meeting: CommitteeMeetingRecord | None,
        notice: PublicNotice | None,
        submitted_on: date,
        *,
        carry_over: Iterable[CarryOver] = (),
        carry_over_reasons: Mapping[str, str] | None = None,
        lagging_ranking: LaggingRanking | None = None,
        lagging_reasons: Mapping[str, str] | None = None,
    ) -> tuple["TownshipRound", TownshipListSubmitted]:
        """Submit the list in two categories; refused unless every precondition holds.

        ``lagging_ranking``: under a structured lagging rule, the ranking computed from the entered scores
        (``ranking.rank_lagging``); the lagging villages listed must be its proposal, or each departure
        has a reason in ``lagging_reasons``. It is recorded with the list.

        ``villages`` are the township's villages in the division registry (assessments of
        villages no longer in it are left out of the list).
        """
        if self.status is TownshipRoundStatus.SUBMITTED:
            raise OutOfOrder(
                "list-already-submitted", "名单已报送县委组织部", "the list has already been submitted")
        registry = sorted({v.code for v in villages if parent_code(v.code) == self.township_code})
        missing = [code for code in registry if code not in self.assessments]
        if missing:
            raise RuleViolation(
                "coverage-incomplete",
                f"须逐村过筛子、全覆盖: 以下 {len(missing)} 个村本轮尚未排查: {', '.join(missing)}",
                f"every village must be assessed this round; missing: {', '.join(missing)}",
                missing_village_codes=missing)
        _check_meeting(meeting)
        _check_notice(notice, meeting, submitted_on)
        current = {code: self.assessments[code] for code in registry}

        listed_codes = {code for code, a in current.items() if a.result is not AssessmentResult.NEITHER}
        reasons = {code: text.strip() for code, text in (carry_over_reasons or {}).items() if text.strip()}
        dropped = sorted(
            c.village_code for c in carry_over
            if c.village_code not in listed_codes and c.village_code not in reasons
        )
        if dropped:
            raise RuleViolation(
                "carry-over-dropped",
                f"上一轮列入的村须继续列入或逐村说明理由: {', '.join(dropped)}",
                f"villages carried over from the previous round must be listed or given a reason: "
                f"{', '.join(dropped)}", village_codes=dropped)
        carried = {c.village_code for c in carry_over}
        ranking = None
        if lagging_ranking is not None:
            listed_lagging = [code for code, a in current.items() if a.result is AssessmentResult.LAGGING]
            ranking = check_against_proposal(for_township(lagging_ranking, self.township_code), listed_lagging,
                                             lagging_reasons)

        round_state = replace(self, assessments=current)
        due = campaign.policy.township_list_due
        submitted = TownshipListSubmitted(
            campaign_id=self.campaign_id,
            round_id=self.round_id,
            township_code=self.township_code,
            weak_and_lax=round_state.listed(AssessmentResult.WEAK_AND_LAX),
            lagging=round_state.listed(AssessmentResult.LAGGING),
            villages_assessed=len(current),
            meeting=meeting,
            notice_starts_on=notice.starts_on,
            notice_ends_on=notice.ends_on,
            objections=len(notice.objections),
            carry_over_not_listed={c: r for c, r in sorted(reasons.items())
                                   if c in carried and c not in listed_codes},
            submitted_on=submitted_on,
            due_on=due,
            late=submitted_on > due,   # a late list is accepted, and marked
            policy_version=campaign.policy_version,
            lagging_ranking=ranking,
        )
        return replace(self, status=TownshipRoundStatus.SUBMITTED, submission=submitted), submitted

    def returned(self, event: TownshipListReturned) -> "TownshipRound":
        """The county returned the list: the township may correct and resubmit."""
        return replace(self, status=TownshipRoundStatus.RETURNED)


def _check_meeting(meeting: CommitteeMeetingRecord | None) -> None:
    if meeting is None or not meeting.attendees or not meeting.minutes.strip():
        raise RuleViolation(
            "committee-meeting-missing",
            "名单须经乡镇党委会集体研究: 请记录会议日期、参会人员和会议纪要",
            "the list must be decided at a township committee meeting: record its date, attendees and minutes")


def _check_notice(notice: PublicNotice | None, meeting: CommitteeMeetingRecord, submitted_on: date) -> None:
    if notice is None:
        raise RuleViolation(
            "public-notice-missing", "名单须经公示后才能报送,请记录公示起止日期",
            "the list must be publicly noticed before submission: record the notice period")
    if notice.ends_on < notice.starts_on:
        raise RuleViolation(
            "public-notice-dates", "公示结束日期早于开始日期", "the notice period ends before it starts")
    if notice.starts_on < meeting.held_on:
        raise RuleViolation(
            "public-notice-before-meeting", "公示须在党委会研究确定名单之后",
            "the notice must start on or after the committee meeting that decided the list")
    if submitted_on <= notice.ends_on:
        raise RuleViolation(
            "public-notice-not-over", f"公示期至 {notice.ends_on} 结束,结束后方可报送",
            f"the notice period runs until {notice.ends_on}; submit after it is over",
            notice_ends_on=notice.ends_on.isoformat())
    unanswered = [o for o in notice.objections if not o.answered]
    if unanswered:
        raise RuleViolation(
            "objections-unanswered", f"公示期间有 {len(unanswered)} 条异议尚未答复",
            f"{len(unanswered)} objection(s) raised during the notice have not been answered",
            unanswered=len(unanswered))
