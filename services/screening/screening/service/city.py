"""The city's spot check of a county's decided list, and the live reads of the dynamic list: shares and targets."""
from __future__ import annotations

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from screening.commands import CityDrawIn, FindingsIn
from screening.domain import spot_check
from screening.domain.campaign import require_city_steps
from screening.domain.shares import share_of, shares_of_counties
from screening.service.state import (active_list, campaign_villages, county_list, facts, load_campaign, record,
                                     sample_secret, share_base)
from screening.models import ScreeningFact
from screening.service.views import share_view
from zhengdun import clock
from zhengdun.auth import Principal
from zhengdun.dependencies import Snapshot
from zhengdun.events import screening as ev
from zhengdun.folded import Folded
from zhengdun.messaging.outbox import UnitOfWork
from zhengdun.pagination import Page, PageParams
from zhengdun.problems import Problem
from zhengdun.reading import within_bound, within_params


async def draw_city_sample(command: CityDrawIn, uow: UnitOfWork, principal: Principal, campaign_id: str, round_id: str,
                           county: str) -> dict:
    """A random share of the county's decided list and of its unlisted villages (same secret, reproducible)."""
    campaign = await load_campaign(uow.session, campaign_id)
    require_city_steps(campaign, "市级抽查")
    clock.not_in_future(command.drawn_on, await clock.today(uow.session), "drawn_on")
    state = await county_list(uow.session, campaign_id, round_id, county)
    if state.confirmation is None:
        raise Problem(409, "list-not-confirmed", "名单尚未确定", f"县 {county} 本轮名单尚未经县委常委会确定，无法抽查")
    unlisted = [v.code for v in await campaign_villages(uow.session, campaign, county) if v.administrative]
    secret = await sample_secret(uow.session, campaign_id, round_id, county)
    drawn = spot_check.draw_city_samples(campaign, principal.division_code, state.confirmation, unlisted,
                                         secret, command.drawn_on, state.samples, command.redraw_reason)
    for sample in drawn:
        record(uow, sample, actor=principal.actor, scope=county, key=county, round_id=round_id)
    await uow.commit()
    listed, unlisted_sample = drawn
    # The listed sample's fields stay at the top (its first shape); the unlisted one comes beside it.
    return {**listed.model_dump(mode="json"), "listed": listed.model_dump(mode="json"),
            "unlisted": unlisted_sample.model_dump(mode="json"),
            "samples": [listed.model_dump(mode="json"), unlisted_sample.model_dump(mode="json")]}


async def record_city_findings(command: FindingsIn, uow: UnitOfWork, principal: Principal, campaign_id: str,
                               round_id: str, county: str) -> dict:
    """The city's findings; falsified ones are reported, unlisted villages found to meet criteria are designated."""
    session = uow.session
    campaign = await load_campaign(session, campaign_id)
    require_city_steps(campaign, "市级抽查")
    clock.not_in_future(command.checked_on, await clock.today(session), "checked_on")
    samples = spot_check.current_samples(
        s for s in await facts(session, campaign_id, ev.SampleDrawn, scope_prefix=county, round_id=round_id)
        if s.purpose is ev.SamplePurpose.CITY_SPOT_CHECK)
    if not samples:
        raise Problem(409, "no-sample", "尚未抽样", "先抽取样本，再记录抽查结果 (draw the sample first)")
    confirmation = (await county_list(session, campaign_id, round_id, county)).confirmation
    active = (await active_list(session, campaign_id, under=county)).in_division(county)
    recorded, falsified = spot_check.record_city_spot_check(
        campaign, principal.division_code, samples,
        [spot_check.FindingInput(f.village_code, f.outcome, f.note, tuple(f.criteria_met)) for f in command.findings],
        command.checked_on)
    designated = spot_check.concealed_designations(campaign, confirmation, recorded, active)
    record(uow, recorded, actor=principal.actor, scope=county, key=county, round_id=round_id)
    for found in falsified:
        record(uow, found, actor=principal.actor, scope=county, key=found.village_code, 
               village=found.village_code, round_id=round_id)
    for target in designated:
        record(uow, target, actor=principal.actor, scope=county, key=target.village_code, 
               village=target.village_code, round_id=round_id)
    await uow.commit()
    return {"check": recorded.model_dump(mode="json"), "falsifications": [f.model_dump(mode="json") for f in falsified],
            "designated": [d.model_dump(mode="json") for d in designated]}


async def shares(session: AsyncSession, campaign_id: str, code: str) -> dict:
    """The minimum share, live, of a unit and of each county in it."""
    campaign = await load_campaign(session, campaign_id)
    listed = await listed_under(session, campaign_id, code)
    codes = [t.village_code for t in listed]
    lagging = [t.village_code for t in listed if t.category is ev.ListCategory.LAGGING]
    counties = shares_of_counties(codes, await share_base(session, campaign, code), campaign.policy, lagging)
    base = sum(county.administrative_villages for county in counties)
    return {"campaign_id": campaign_id,
            "division": share_view(share_of(code, codes, base, campaign.policy, lagging_codes=lagging)),
            "counties": [share_view(status) for status in counties]}


# The dynamic list under a unit, as folded, under how many of the campaign's facts and of the unit's
# designation facts there were (zhengdun.folded: screening's facts are append-only).
TARGETS: Folded[list] = Folded(kept=500)
_LIST_FACTS = (ev.TargetDesignated.event_type, ev.TargetRemoved.event_type)
_CAMPAIGN_FACTS = (ev.CampaignOpened.event_type, ev.PolicyRevised.event_type)


_FACTS = ScreeningFact.__table__.c


def _targets_version():
    counted = select(func.count()).where(_FACTS.campaign_id == bindparam("campaign_id"))
    return select(counted.where(_FACTS.type.in_(_CAMPAIGN_FACTS)).scalar_subquery(),
                  counted.where(_FACTS.type.in_(_LIST_FACTS), within_bound(_FACTS.village_code)).scalar_subquery())


TARGETS_VERSION = _targets_version()   # built once: each read binds its values


async def listed_under(session: AsyncSession, campaign_id: str, under: str, snapshot: Snapshot | None = None) -> list:
    """The campaign's active targets under a unit, in code order; folded once per version of the facts (TARGETS).
    With ``snapshot``, ``session`` reads only the version (one statement, no transaction) and a list not yet
    folded at its version is folded in a snapshot of its own."""
    params = {"campaign_id": campaign_id} | within_params(under)
    version = tuple((await session.execute(TARGETS_VERSION, params)).one())
    if (found := TARGETS.get((campaign_id, under, *version))) is not None:
        return found
    if snapshot is None:
        return await _fold_targets(session, campaign_id, under, version)
    await session.close()   # its connection back to the pool before the snapshot takes one
    async with snapshot() as reading:   # the version and the facts folded as one snapshot sees them
        version = tuple((await reading.execute(TARGETS_VERSION, params)).one())
        return await _fold_targets(reading, campaign_id, under, version)


async def _fold_targets(session: AsyncSession, campaign_id: str, under: str, version: tuple) -> list:
    await load_campaign(session, campaign_id)
    active = await active_list(session, campaign_id, under=under)
    TARGETS.put((campaign_id, under, *version), found := list(active.in_division(under).values()))
    return found


async def targets(session: AsyncSession, snapshot: Snapshot, campaign_id: str, under: str, paging: PageParams) -> Page:
    """The dynamic list under a unit. It is folded from the designation facts, so it is paged after the fold."""
    found = await listed_under(session, campaign_id, under, snapshot)
    items = [{"village_code": t.village_code, "category": t.category.value, "criteria_met": list(t.criteria_met),
              "basis": t.basis.value, "designated_on": t.designated_on, "decision_number": t.decision_number}
             for t in found[paging.offset:paging.offset + paging.size]]
    return Page(items=items, total=len(found), page=paging.page, size=paging.size)
