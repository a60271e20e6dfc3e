"""What screening waits on, and from whom (我的待办): plain rules over a small picture of the state.

``service.pending_tasks`` reads the picture in a few set-wise queries; these functions say which steps are
open. A step is open until the fact that takes it exists, so a task disappears as soon as it is done.
Due dates are the policy's (township list, county review, city spot check, filing dates); they bind the
campaign's first round only, a later round (re-screening) has no policy deadline.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from zhengdun.events.screening import Policy
from zhengdun.roles import Role
from zhengdun.tasks import Pending

FIRST_ROUND = "R1"
FILING_NOTICE_DAYS = 30   # a filing date shows up this many days ahead

LABELS = {
    "screening.township.assess": "逐村排查研判",
    "screening.township.meeting": "乡镇党委会集体研究",
    "screening.township.notice": "名单公示",
    "screening.township.objection": "答复公示异议",
    "screening.township.submit": "分两类上报名单",
    "screening.township.decide": "乡镇党委研究确定名单（乡镇开展的整顿工作）",
    "screening.county.sample": "县级随机抽查",
    "screening.county.site_visit": "实地走访核查",
    "screening.county.confirm": "县委常委会研究确定名单",
    "screening.county.file": "名单向市委组织部备案",
    "screening.city.sample": "市级抽查：抽取样本",
    "screening.city.findings": "市级抽查：记录结果",
}


@dataclass(frozen=True)
class CampaignView:
    campaign_id: str
    name: str
    policy: Policy
    area_code: str = ""
    # A county's or township's own campaign has no city step (spot check, filing with the city); in a township's
    # own the township decides its list, no county review (screening.domain.campaign.Campaign).
    city_steps: bool = True
    decided_by_township: bool = False
    organization_kinds: tuple[str, ...] | None = None


@dataclass(frozen=True)
class TownshipRoundView:
    """One township in one open round (its county has not confirmed that round)."""

    campaign: CampaignView
    round_id: str
    township_code: str
    villages: int
    assessed: int
    submitted: bool
    returned_reasons: tuple[str, ...] = ()
    meeting_recorded: bool = False
    notice: tuple[date, date] | None = None
    open_objections: tuple[tuple[str, str], ...] = ()   # (objection id, content)


@dataclass(frozen=True)
class CountyRoundView:
    """One county's list in one round."""

    campaign: CampaignView
    round_id: str
    county_code: str
    townships: tuple[str, ...]
    submitted: frozenset[str]
    confirmed: bool
    # township → villages the county's check sample chose; villages with a site-visit finding
    sampled: dict[str, frozenset[str]] = field(default_factory=dict)
    checked: frozenset[str] = frozenset()
    city_sampled: bool = False
    city_checked: bool = False


def _due(round_id: str, day: date) -> date | None:
    return day if round_id == FIRST_ROUND else None


def _round_path(v: TownshipRoundView) -> str:
    return f"/campaigns/{v.campaign.campaign_id}/rounds/{v.round_id}/townships/{v.township_code}"


def township_steps(v: TownshipRoundView, roles: frozenset[str]) -> list[Pending]:
    """A township committee's steps before its list is submitted: assess every village, meeting, notice,
    objections answered, submit (again after a return)."""
    committee = Role.TOWNSHIP_COMMITTEE in roles
    if v.submitted:
        if committee and v.campaign.decided_by_township and v.township_code == v.campaign.area_code:
            return [Pending("screening.township.decide", f"{v.campaign.campaign_id}:{v.round_id}:{v.township_code}",
                            "乡镇党委研究确定本乡镇整顿对象名单", unit_code=v.township_code, path=f"{_round_path(v)}/decide",
                            campaign_id=v.campaign.campaign_id)]
        return []
    due = _due(v.round_id, v.campaign.policy.township_list_due)
    key = f"{v.campaign.campaign_id}:{v.round_id}:{v.township_code}"
    base = _round_path(v)
    common = dict(unit_code=v.township_code, due_on=due, campaign_id=v.campaign.campaign_id)
    steps = []
    missing = v.villages - v.assessed
    if missing > 0 and (committee or Role.ORG_STAFF in roles):
        steps.append(Pending("screening.township.assess", key, f"逐村排查研判：还有 {missing} 个村未排查（共 {v.villages} 个）",
                             path=f"{base}/assessments", count=missing, done=v.assessed, required=v.villages, **common))
    if not committee:
        return steps
    if not v.meeting_recorded:
        steps.append(Pending("screening.township.meeting", key, "记录乡镇党委会集体研究名单（日期、参会人员、纪要）",
                             path=f"{base}/meeting", method="PUT", **common))
    if v.notice is None:
        steps.append(Pending("screening.township.notice", key, "公示拟列入名单并记录公示期", path=f"{base}/notice",
                             method="PUT", **common))
    for objection_id, content in v.open_objections:
        steps.append(Pending("screening.township.objection", f"{key}:{objection_id}", f"答复公示期间的异议：{content[:40]}",
                             path=f"{base}/objections/{objection_id}/answer", **common))
    when = f"（{due.month}月{due.day}日前）" if due else ""
    title = f"重新上报名单{when}：县里退回（{'；'.join(v.returned_reasons)[:60]}）" if v.returned_reasons \
        else f"分两类上报名单{when}"
    blockers = [text for text, blocked in (
        (f"{missing} 个村未排查", missing > 0), ("党委会未记录", not v.meeting_recorded), ("未公示", v.notice is None),
        (f"{len(v.open_objections)} 条异议未答复", bool(v.open_objections))) if blocked]
    steps.append(Pending("screening.township.submit", key, title, path=f"{base}/submit",
                         detail=("上报前还须：" + "、".join(blockers)) if blockers else "", **common))
    return steps


def county_steps(v: CountyRoundView, roles: frozenset[str]) -> list[Pending]:
    """The county's review before its standing committee decides: check samples and site visits of each
    submitted township (organization department), then the decision (standing committee)."""
    if v.confirmed or v.campaign.decided_by_township:
        return []
    policy = v.campaign.policy
    key = f"{v.campaign.campaign_id}:{v.round_id}:{v.county_code}"
    base = f"/campaigns/{v.campaign.campaign_id}/rounds/{v.round_id}/counties/{v.county_code}"
    common = dict(due_on=_due(v.round_id, policy.county_review_due), campaign_id=v.campaign.campaign_id)
    steps = []
    if Role.ORG_STAFF in roles:
        for township in sorted(v.submitted):
            if township not in v.sampled:
                steps.append(Pending("screening.county.sample", f"{key}:{township}", "审核乡镇名单：随机抽取列入、未列入的村",
                                     unit_code=township, path=f"{base}/townships/{township}/samples", **common))
                continue
            unchecked = sorted(v.sampled[township] - v.checked)
            if unchecked:
                steps.append(Pending("screening.county.site_visit", f"{key}:{township}",
                                     f"实地走访核查：{len(unchecked)} 个抽中的村待核查", unit_code=township,
                                     path=f"{base}/townships/{township}/site-visits", count=len(unchecked), **common))
    if Role.STANDING_COMMITTEE in roles and v.townships and set(v.townships) <= v.submitted:
        steps.append(Pending("screening.county.confirm", key, "县委常委会研究确定整顿对象名单（各乡镇均已上报）",
                             unit_code=v.county_code, path=f"{base}/confirm", **common))
    return steps


def city_steps(v: CountyRoundView) -> list[Pending]:
    """The city's spot check of a county's confirmed list: draw the sample, then record the findings."""
    if not v.confirmed or v.city_checked or not v.campaign.city_steps:
        return []
    key = f"{v.campaign.campaign_id}:{v.round_id}:{v.county_code}"
    base = f"/campaigns/{v.campaign.campaign_id}/rounds/{v.round_id}/counties/{v.county_code}"
    common = dict(unit_code=v.county_code, due_on=_due(v.round_id, v.campaign.policy.city_spot_check_due),
                  campaign_id=v.campaign.campaign_id)
    if not v.city_sampled:
        return [Pending("screening.city.sample", key, "市级抽查：按比例抽取县级确定的名单", path=f"{base}/city-samples", **common)]
    return [Pending("screening.city.findings", key, "市级抽查：记录抽中村的核查结果", path=f"{base}/city-findings", **common)]


def filing_steps(campaign: CampaignView, county_code: str, has_confirmed_list: bool, filed: set[date],
                 today: date) -> list[Pending]:
    """Each filing date of the policy, from a month ahead until the county has filed for it (once it has a
    confirmed list to file)."""
    if not has_confirmed_list or not campaign.city_steps:
        return []
    return [Pending("screening.county.file", f"{campaign.campaign_id}:{county_code}:{day.isoformat()}",
                    f"向市委组织部备案整顿对象名单（{day.year}年{day.month}月{day.day}日节点）", unit_code=county_code,
                    path=f"/campaigns/{campaign.campaign_id}/counties/{county_code}/filings", due_on=day,
                    campaign_id=campaign.campaign_id)
            for day in campaign.policy.filing_dates
            if day not in filed and day <= today + timedelta(days=FILING_NOTICE_DAYS)]
