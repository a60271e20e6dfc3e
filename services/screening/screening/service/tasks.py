"""The to-do list (GET /tasks): the state each rule of domain/tasks.py needs, read set-wise
(a handful of queries whatever the number of townships), then judged by the rules."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from screening.domain import tasks as task_rules
from screening.domain.campaign import KINDS_OF_A_KINDLESS_CAMPAIGN, Campaign
from screening.models import FilingSnapshot, ScreeningFact, TownshipPreparation
from screening.service.state import campaign_ids
from zhengdun.divisions import county_of, is_within
from zhengdun.events import screening as ev
from zhengdun.events.base import spec_for
from zhengdun.reading import within
from zhengdun.registry import Division
from zhengdun.roles import Level, Role
from zhengdun.tasks import Pending

_ROUND_FACTS = (ev.TownshipListSubmitted, ev.TownshipListReturned, ev.SampleDrawn, ev.SpotCheckRecorded,
                ev.CountyListConfirmed)


async def _campaign_views(session: AsyncSession, unit: str) -> dict[str, task_rules.CampaignView]:
    ids = await campaign_ids(session, visible_to=unit)
    if not ids:
        return {}
    rows = await session.execute(select(ScreeningFact.campaign_id, ScreeningFact.type, ScreeningFact.body).where(
        ScreeningFact.campaign_id.in_(ids),
        ScreeningFact.type.in_([ev.CampaignOpened.event_type, ev.PolicyRevised.event_type])).order_by(ScreeningFact.seq))
    campaigns: dict[str, Campaign] = {}
    for campaign_id, kind, body in rows:
        happened = spec_for(kind).model.model_validate(body)
        if isinstance(happened, ev.CampaignOpened):
            campaigns[campaign_id] = Campaign.from_event(happened)
        elif campaign_id in campaigns:
            campaigns[campaign_id] = campaigns[campaign_id].apply(happened)
    return {i: task_rules.CampaignView(i, c.name, c.policy, c.area_code, c.has_city_steps, c.decided_by_township,
                                       c.organization_kinds) for i, c in campaigns.items()}


async def _county_rounds(session: AsyncSession, campaigns: dict[str, task_rules.CampaignView], area: str,
                         counties: list[str]) -> list[task_rules.CountyRoundView]:
    """Every (campaign, round, county) of ``counties`` that is open: the first round, and any round with a
    fact inside the county."""
    if not campaigns or not counties:
        return []
    ids = list(campaigns)
    rounds = {(c, r, county_of(code)) for c, r, code in (await session.execute(
        select(ScreeningFact.campaign_id, ScreeningFact.round_id, ScreeningFact.scope_code).distinct().where(
            ScreeningFact.campaign_id.in_(ids), ScreeningFact.round_id.is_not(None), within(ScreeningFact.scope_code, area))))}
    rounds |= {(c, task_rules.FIRST_ROUND, county) for c in ids for county in counties}
    townships: dict[str, list[str]] = defaultdict(list)
    for code, parent in await session.execute(select(Division.code, Division.parent_code).where(
            Division.level == Level.TOWNSHIP.value, Division.parent_code.in_(counties)).order_by(Division.code)):
        townships[parent].append(code)
    state: dict[tuple, dict] = defaultdict(lambda: {"submitted": set(), "sampled": {}, "checked": set(), "confirmed": False,
                                                    "city_sampled": False, "city_checked": False})
    rows = await session.execute(select(ScreeningFact.campaign_id, ScreeningFact.round_id, ScreeningFact.type,
                                        ScreeningFact.scope_code, ScreeningFact.body).where(
        ScreeningFact.campaign_id.in_(ids), ScreeningFact.type.in_([t.event_type for t in _ROUND_FACTS]),
        within(ScreeningFact.scope_code, area)).order_by(ScreeningFact.seq))
    for campaign_id, round_id, kind, scope, body in rows:
        s = state[(campaign_id, round_id, county_of(scope))]
        if kind == ev.TownshipListSubmitted.event_type:
            s["submitted"].add(scope)
        elif kind == ev.TownshipListReturned.event_type:
            s["submitted"].discard(scope)
        elif kind == ev.SampleDrawn.event_type:
            if body["purpose"] == ev.SamplePurpose.CITY_SPOT_CHECK.value:
                s["city_sampled"] = True
            else:
                # A re-draw replaces the earlier draw for the checks (spot_check.current_samples): only the
                # latest draw's villages wait for a site visit; one draw is a sample per purpose.
                draw = (body.get("commitment"), body.get("attempt", 1))
                earlier_draw, chosen = s["sampled"].get(scope, (draw, frozenset()))
                s["sampled"][scope] = (draw, (chosen if earlier_draw == draw else frozenset()) | frozenset(body["chosen"]))
        elif kind == ev.SpotCheckRecorded.event_type:
            if body["stage"] == ev.CheckStage.CITY_SPOT_CHECK.value:
                s["city_checked"] = True
            else:
                s["checked"] |= {f["village_code"] for f in body["findings"]}
        elif kind == ev.CountyListConfirmed.event_type:
            s["confirmed"] = True
    views = []
    for campaign_id, round_id, county in sorted(rounds):
        if county not in counties:
            continue
        s = state[(campaign_id, round_id, county)]
        campaign = campaigns[campaign_id]
        if not (is_within(county, campaign.area_code) or is_within(campaign.area_code, county)):
            continue   # a county's (or a township's) own campaign is no other county's round
        views.append(task_rules.CountyRoundView(
            campaign, round_id, county, tuple(t for t in townships[county] if is_within(t, campaign.area_code)), frozenset(s["submitted"]), s["confirmed"],
            {scope: chosen for scope, (_, chosen) in s["sampled"].items()}, frozenset(s["checked"]), s["city_sampled"], s["city_checked"]))
    return views


async def _township_rounds(session: AsyncSession, campaigns: dict[str, task_rules.CampaignView],
                           township: str) -> list[task_rules.TownshipRoundView]:
    county = county_of(township)
    open_rounds = [v for v in await _county_rounds(session, campaigns, county, [county]) if not v.confirmed]
    if not open_rounds:
        return []
    # Each campaign screens the organizations of its kinds (villages and communities when it names none).
    by_kind: dict[str, int] = defaultdict(int)
    for kind, n in await session.execute(select(Division.kind, func.count()).where(
            Division.level == Level.VILLAGE.value, within(Division.code, township)).group_by(Division.kind)):
        by_kind[kind or "行政村"] += n
    assessed = dict(((c, r), n) for c, r, n in await session.execute(
        select(ScreeningFact.campaign_id, ScreeningFact.round_id, func.count(distinct(ScreeningFact.village_code))).where(
            ScreeningFact.type == ev.AssessmentRecorded.event_type, ScreeningFact.scope_code == township,
            ScreeningFact.campaign_id.in_(list(campaigns))).group_by(ScreeningFact.campaign_id, ScreeningFact.round_id)))
    returned: dict[tuple, tuple[str, ...]] = {}
    for c, r, kind, body in await session.execute(select(ScreeningFact.campaign_id, ScreeningFact.round_id,
                                                         ScreeningFact.type, ScreeningFact.body).where(
            ScreeningFact.scope_code == township, ScreeningFact.campaign_id.in_(list(campaigns)),
            ScreeningFact.type.in_([ev.TownshipListSubmitted.event_type, ev.TownshipListReturned.event_type]))
            .order_by(ScreeningFact.seq)):
        returned[(c, r)] = tuple(body["reasons"]) if kind == ev.TownshipListReturned.event_type else ()
    preparations = {(p.campaign_id, p.round_id): p for p in (await session.execute(
        select(TownshipPreparation).where(TownshipPreparation.township_code == township))).scalars()}
    views = []
    for v in open_rounds:
        prep = preparations.get((v.campaign.campaign_id, v.round_id))
        notice = (date.fromisoformat(prep.notice["starts_on"]), date.fromisoformat(prep.notice["ends_on"])) \
            if prep and prep.notice else None
        views.append(task_rules.TownshipRoundView(
            v.campaign, v.round_id, township,
            sum(n for kind, n in by_kind.items() if kind in (v.campaign.organization_kinds or KINDS_OF_A_KINDLESS_CAMPAIGN)), assessed.get((v.campaign.campaign_id, v.round_id), 0),
            township in v.submitted, returned.get((v.campaign.campaign_id, v.round_id), ()),
            bool(prep and prep.meeting), notice,
            tuple((o["objection_id"], o["content"]) for o in (prep.objections if prep else []) if not o["answer"])))
    return views


async def pending_tasks(session: AsyncSession, principal, today: date) -> list[Pending]:
    """The screening steps waiting on the caller's unit, by level and role (the access policy's own split)."""
    unit, level, roles = principal.division_code, principal.level, frozenset(principal.roles)
    if not unit or level is None:
        return []
    wants = {Level.TOWNSHIP: {Role.TOWNSHIP_COMMITTEE, Role.ORG_STAFF},
             Level.COUNTY: {Role.ORG_STAFF, Role.STANDING_COMMITTEE},
             Level.CITY: {Role.ORG_STAFF}, Level.PROVINCE: {Role.ORG_STAFF}}.get(level, set())
    if not roles & {str(r) for r in wants}:
        return []
    campaigns = await _campaign_views(session, unit)
    if not campaigns:
        return []
    found: list[Pending] = []
    if level is Level.TOWNSHIP:
        for view in await _township_rounds(session, campaigns, unit):
            found += task_rules.township_steps(view, roles)
    elif level is Level.COUNTY:
        views = await _county_rounds(session, campaigns, unit, [unit])
        for view in views:
            found += task_rules.county_steps(view, roles)
        if Role.ORG_STAFF in roles:
            filed = defaultdict(set)
            for c, day in await session.execute(select(FilingSnapshot.campaign_id, FilingSnapshot.filing_date).where(
                    FilingSnapshot.county_code == unit)):
                filed[c].add(day)
            for campaign in campaigns.values():
                confirmed = any(v.confirmed for v in views if v.campaign.campaign_id == campaign.campaign_id)
                found += task_rules.filing_steps(campaign, unit, confirmed, filed[campaign.campaign_id], today)
    else:
        counties = list((await session.execute(select(Division.code).where(
            Division.level == Level.COUNTY.value, within(Division.code, unit)))).scalars())
        for view in await _county_rounds(session, campaigns, unit, counties):
            found += task_rules.city_steps(view)
    return found

