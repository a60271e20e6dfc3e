"""The campaign's screening as stored: every decided fact is stored once (ScreeningFact) and published; the
domain objects are rebuilt from the facts of the unit they belong to. The use cases of this package read
and record through these functions."""
from __future__ import annotations

from dataclasses import replace

from pydantic import BaseModel
from sqlalchemy import distinct, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from screening.domain.active_list import ActiveList
from screening.domain.assessment import Village
from screening.domain.campaign import Campaign
from screening.domain.ranking import for_township, rank_lagging, rule_in_force
from screening.domain.county_review import CountyList, CountyListStatus
from screening.domain.township import TownshipRound, TownshipRoundStatus
from screening.domain.spot_check import SampleSecret
from screening.models import SampleSecret as SampleSecretRow
from screening.models import ScreeningFact
from zhengdun import sampling
from zhengdun.divisions import ancestor_at, county_of, is_within, parent_code
from zhengdun.events import screening as ev
from zhengdun.events.base import Actor, spec_for
from zhengdun.messaging.outbox import InboxWork, UnitOfWork
from zhengdun.reading import within
from zhengdun.refusals import UnknownItem
from zhengdun.registry import Division
from zhengdun.roles import Level

def record(uow: UnitOfWork | InboxWork, payload: BaseModel, *, actor: Actor | None, scope: str, key: str,
           village: str | None = None, round_id: str | None = None) -> None:
    """Publish a decided fact through the caller's unit of work (HTTP or inbox) and store it (ScreeningFact):
    the use cases rebuild the domain objects from the stored facts."""
    campaign_id = getattr(payload, "campaign_id")
    envelope = uow.publish(payload, division_code=key, actor=actor, campaign_id=campaign_id, subject=village or key)
    uow.session.add(ScreeningFact(
        event_id=envelope.id, type=envelope.type, campaign_id=campaign_id, round_id=round_id, scope_code=scope,
        village_code=village, body=envelope.data, actor=actor.model_dump(mode="json") if actor else None))


async def facts(session: AsyncSession, campaign_id: str, *types: type[BaseModel], scope_prefix: str | None = None,
                round_id: str | None = None, village_under: str | None = None) -> list[BaseModel]:
    """The stored facts of the given types, in the order they were decided, as payload models."""
    names = [t.event_type for t in types]  # type: ignore[attr-defined]
    query = select(ScreeningFact.type, ScreeningFact.body).where(
        ScreeningFact.campaign_id == campaign_id, ScreeningFact.type.in_(names))
    if scope_prefix:
        query = query.where(within(ScreeningFact.scope_code, scope_prefix))
    if round_id:
        query = query.where(ScreeningFact.round_id == round_id)
    if village_under:
        query = query.where(within(ScreeningFact.village_code, village_under))
    rows = (await session.execute(query.order_by(ScreeningFact.seq))).all()
    return [spec_for(kind).model.model_validate(body) for kind, body in rows]


async def freeze_for_sampling(session: AsyncSession, campaign_id: str, round_id: str, scope_code: str) -> str:
    """A new secret for the population frozen now (the list just submitted or decided); its
    commitment goes out with that event, long before any draw reveals the secret."""
    return _new_secret(session, campaign_id, round_id, scope_code).commitment


def _new_secret(session: AsyncSession, campaign_id: str, round_id: str, scope_code: str) -> SampleSecret:
    secret = sampling.new_secret()
    stored = SampleSecret(secret, sampling.commitment_to(secret))
    session.add(SampleSecretRow(campaign_id=campaign_id, round_id=round_id, scope_code=scope_code,
                                secret=stored.secret, commitment=stored.commitment))
    return stored


async def sample_secret(session: AsyncSession, campaign_id: str, round_id: str, scope_code: str) -> SampleSecret:
    """The secret of the population's latest freeze. A list frozen before secrets existed gets one now."""
    row = (await session.execute(
        select(SampleSecretRow).where(SampleSecretRow.campaign_id == campaign_id, SampleSecretRow.round_id == round_id,
                                      SampleSecretRow.scope_code == scope_code)
        .order_by(SampleSecretRow.seq.desc()).limit(1))).scalar_one_or_none()
    if row is None:
        return _new_secret(session, campaign_id, round_id, scope_code)
    return SampleSecret(row.secret, row.commitment)


async def load_campaign(session: AsyncSession, campaign_id: str) -> Campaign:
    history = await facts(session, campaign_id, ev.CampaignOpened, ev.PolicyRevised)
    if not history or not isinstance(history[0], ev.CampaignOpened):
        raise UnknownItem("campaign-unknown", f"整顿工作 {campaign_id} 不存在", f"no campaign {campaign_id}")
    campaign = Campaign.from_event(history[0])
    for revised in history[1:]:
        campaign = campaign.apply(revised)
    return campaign


def visible_campaigns(visible_to: str | None = None):
    """The query of the opened campaigns' ids; ``visible_to`` keeps (in SQL) those whose area covers that unit or
    lies inside it."""
    query = select(ScreeningFact.campaign_id).where(ScreeningFact.type == ev.CampaignOpened.event_type)
    if visible_to:
        covering = [visible_to]
        while (up := parent_code(covering[-1])) is not None:
            covering.append(up)
        query = query.where(or_(ScreeningFact.scope_code.in_(covering), within(ScreeningFact.scope_code, visible_to)))
    return query


async def campaign_ids(session: AsyncSession, visible_to: str | None = None) -> list[str]:
    """Campaigns in the order opened (see visible_campaigns)."""
    return list((await session.execute(visible_campaigns(visible_to).order_by(ScreeningFact.seq))).scalars())


async def rounds_of(session: AsyncSession, campaign_id: str, within_unit: str) -> list[dict]:
    """The campaign's screening rounds in the order they began, each with when its first fact was
    recorded and how many units of ``within_unit``'s subtree hold facts of it."""
    rows = await session.execute(
        select(ScreeningFact.round_id, func.min(ScreeningFact.recorded_at), func.count(distinct(ScreeningFact.scope_code)))
        .where(ScreeningFact.campaign_id == campaign_id, ScreeningFact.round_id.is_not(None),
               within(ScreeningFact.scope_code, within_unit))
        .group_by(ScreeningFact.round_id).order_by(func.min(ScreeningFact.seq)))
    return [{"round_id": r, "began_at": began, "units": units} for r, began, units in rows]


async def villages_under(session: AsyncSession, code: str) -> list[Village]:
    table = Division.__table__   # a Core select: a province's 50,000 rows skip the ORM's row loading
    rows = await session.execute(select(table.c.code, table.c.name, table.c.kind).where(
        table.c.level == Level.VILLAGE.value, within(table.c.code, code)).order_by(table.c.code))
    # Only a 行政村 counts in a kinds-less campaign's share base (seed 000); enterprises and social organizations
    # never do (a campaign naming kinds counts every organization it covers, Campaign.covered).
    return [Village(c, n, (k or "行政村") == "行政村", k or "行政村") for c, n, k in rows]


async def campaign_villages(session: AsyncSession, campaign: Campaign, code: str) -> list[Village]:
    """The organizations under ``code`` that ``campaign`` screens (its area, its kinds)."""
    return campaign.covered(await villages_under(session, code))


async def share_base(session: AsyncSession, campaign: Campaign, code: str) -> dict[str, int]:
    """Per county under ``code`` with organizations ``campaign`` covers, how many of them count in its shares'
    denominator (``Campaign.counts_in_share``; 0 where none does): ``county_shares``' base over
    ``campaign_villages``, counted by the database per county and kind (a province's 50,000 villages loaded as
    objects were most of its shares' read)."""
    table = Division.__table__
    county, kind = func.substr(table.c.code, 1, 6), func.coalesce(table.c.kind, "行政村")  # as villages_under
    rows = await session.execute(select(county, kind, func.count()).where(
        table.c.level == Level.VILLAGE.value, within(table.c.code, code), within(table.c.code, campaign.area_code)
    ).group_by(county, kind))
    base: dict[str, int] = {}
    for digits, organization_kind, n in rows:
        if organization_kind in campaign.kinds_screened:
            unit = county_of(digits.ljust(12, "0"))
            base[unit] = base.get(unit, 0) + (n if campaign.counts_in_share(organization_kind) else 0)
    return base


async def campaign_townships(session: AsyncSession, campaign: Campaign, county: str) -> list[str]:
    """The county's townships inside the campaign's area (a township's campaign: that one township)."""
    return [t for t in await townships_under(session, county) if is_within(t, campaign.area_code)]


async def townships_under(session: AsyncSession, county: str) -> list[str]:
    rows = await session.execute(select(Division.code).where(
        Division.level == Level.TOWNSHIP.value, Division.parent_code == county).order_by(Division.code))
    return list(rows.scalars())


async def township_round(session: AsyncSession, campaign_id: str, round_id: str, township: str) -> TownshipRound:
    state = TownshipRound(campaign_id, round_id, township)
    history = await facts(session, campaign_id, ev.AssessmentRecorded, ev.TownshipListSubmitted,
                          ev.TownshipListReturned, scope_prefix=township, round_id=round_id)
    assessments: dict = {}
    for happened in history:
        if isinstance(happened, ev.AssessmentRecorded):
            assessments[happened.village_code] = happened
        elif isinstance(happened, ev.TownshipListSubmitted):
            state = TownshipRound(campaign_id, round_id, township, dict(assessments), TownshipRoundStatus.SUBMITTED, happened)
        else:
            state = TownshipRound(campaign_id, round_id, township, dict(assessments), TownshipRoundStatus.RETURNED, None)
    return replace(state, assessments=assessments)


async def county_list(session: AsyncSession, campaign_id: str, round_id: str, county: str) -> CountyList:
    state = CountyList(campaign_id, round_id, county)
    history = await facts(session, campaign_id, ev.TownshipListSubmitted, ev.TownshipListReturned, ev.CountyListAdjusted,
                          ev.SampleDrawn, ev.SpotCheckRecorded, ev.CountyListConfirmed,
                          scope_prefix=county, round_id=round_id)
    for happened in history:
        if isinstance(happened, ev.TownshipListSubmitted):
            state = replace(state, submissions={**state.submissions, happened.township_code: happened})
        elif isinstance(happened, ev.TownshipListReturned):
            state = replace(state, submissions={k: v for k, v in state.submissions.items() if k != happened.township_code})
        elif isinstance(happened, ev.CountyListAdjusted):
            state = replace(state, adjustments=state.adjustments + (happened,))
        elif isinstance(happened, ev.SampleDrawn) and happened.purpose in (
                ev.SamplePurpose.COUNTY_CHECK_LISTED, ev.SamplePurpose.COUNTY_CHECK_UNLISTED):
            state = replace(state, samples=state.samples + (happened,))
        elif isinstance(happened, ev.SpotCheckRecorded) and happened.stage is ev.CheckStage.COUNTY_REVIEW:
            state = replace(state, checks=state.checks + (happened,))
        elif isinstance(happened, ev.CountyListConfirmed):
            state = replace(state, status=CountyListStatus.CONFIRMED, confirmation=happened)
    return state


async def active_list(session: AsyncSession, campaign_id: str, under: str | None = None) -> ActiveList:
    """The dynamic list, of the whole campaign or (filtered in SQL) of the villages under a unit."""
    return ActiveList(campaign_id).apply_all(await facts(session, campaign_id, ev.TargetDesignated, ev.TargetRemoved,
                                                         village_under=under))


async def carry_over_basis(session: AsyncSession, campaign: Campaign, round_id: str, township: str
                           ) -> tuple[set[str], set[str]]:
    """What carry-over (继续整顿) starts from in a township: the villages of the county's last decided
    list of an earlier round, and those of them accepted and delisted since. In a campaign's first
    round these come from the campaign it carries over, if any (e.g. 2019's list in 2020's campaign)."""
    county = ancestor_at(township, Level.COUNTY)
    source = campaign.campaign_id
    confirmed = [c for c in await facts(session, source, ev.CountyListConfirmed, scope_prefix=county) if c.round_id != round_id]
    if not confirmed and campaign.carries_over_from:
        source = campaign.carries_over_from
        confirmed = await facts(session, source, ev.CountyListConfirmed, scope_prefix=county)
    if not confirmed:
        return set(), set()
    last = confirmed[-1]
    listed = {c for c in last.weak_and_lax + last.lagging if is_within(c, township)}
    return listed, set((await active_list(session, source, under=township)).delisted_on)


async def lagging_rule_for(session: AsyncSession, campaign: Campaign, unit: str) -> tuple[ev.LaggingRule | None, str | None]:
    """The ranking rule in force for a township or county and whose it is: a township's own, its county's, or
    (None) the campaign's."""
    own = await facts(session, campaign.campaign_id, ev.LaggingRuleSet, scope_prefix=ancestor_at(unit, Level.COUNTY))
    return rule_in_force(campaign.ranking_rule, own, unit)


async def lagging_ranking(session: AsyncSession, campaign: Campaign, round_id: str, township: str
                          ) -> ev.LaggingRanking | None:
    """The ranking rule in force for the township (lagging_rule_for) applied to the round's entered scores (of the
    township, or of its whole county when the rule ranks by county), as it concerns ``township``; None under a
    text rule."""
    rule, _ = await lagging_rule_for(session, campaign, township)
    if rule is None:
        return None
    scope = township if rule.scope is ev.RankingScope.TOWNSHIP else ancestor_at(township, Level.COUNTY)
    entered = await facts(session, campaign.campaign_id, ev.AssessmentRecorded, scope_prefix=scope, round_id=round_id)
    return for_township(rank_lagging(rule, entered), township)
