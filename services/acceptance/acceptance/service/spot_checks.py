"""The random spot checks of the villages a county accepted: the city's and the province's, or, in a county's or a
township's own campaign, the county organization department's (seed 001 县委组织部抽查)."""
from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from acceptance.commands import DrawIn
from acceptance.domain.process import SPOT_CHECK_LABELS, Stage, spot_check_levels
from acceptance.models import AcceptanceRow, Campaign, SpotCheckSample
from acceptance.responses import SampleOut
from acceptance.service.read_model import policy_of
from acceptance.service.rows import aggregate, store
from zhengdun import clock
from zhengdun.auth import Principal
from zhengdun.divisions import level_of
from zhengdun.events.acceptance import AcceptanceSampleDrawn
from zhengdun.messaging.outbox import UnitOfWork
from zhengdun.pagination import Page, PageParams
from zhengdun.reading import paginate, within
from zhengdun.refusals import OutOfOrder, RuleViolation
from zhengdun.roles import Level
from zhengdun.sampling import draw_sample


async def draw(command: DrawIn, uow: UnitOfWork, principal: Principal) -> SampleOut:
    """The city or province draws, reproducibly from a seed, which accepted villages of a county it checks; in a
    county's or township's own campaign the county draws from its own accepted villages."""
    session, actor = uow.session, principal.actor
    campaign_id, county_code, seed = command.campaign_id, command.county_code, command.seed
    level, drawn_by = level_name(principal.division_code), principal.division_code
    await require_spot_check_level(session, campaign_id, level)
    if level == "county" and county_code != drawn_by:
        raise RuleViolation("not-own-county", "县委组织部只抽查本县已通过验收的村", "a county draws from its own villages",
                            field="county_code")
    today = await clock.today(session)
    policy = await policy_of(session, campaign_id, today)
    # The county's check of its own campaign keeps to the share the policy sets for the check above the county.
    minimum = policy.acceptance_spot_check_province_share if level == "province" else policy.acceptance_spot_check_city_share
    ratio = minimum if command.ratio is None else command.ratio
    if ratio < minimum:
        raise RuleViolation("ratio-below-policy", f"{SPOT_CHECK_LABELS[level]}比例不得低于 {minimum:.0%}",
                            f"the {level} spot-check ratio must be at least {minimum}", minimum=str(minimum))
    rows = (await session.execute(select(AcceptanceRow).where(
        AcceptanceRow.campaign_id == campaign_id, AcceptanceRow.county_code == county_code,
        AcceptanceRow.stage == Stage.ACCEPTED.value).with_for_update())).scalars().all()
    pending = {r.village_code: r for r in rows if level not in (r.state.get("spot_checks") or {})}
    if not pending:
        raise OutOfOrder("nothing-to-draw", "该县暂无待抽查的已通过验收村", "no accepted village of this county awaits this draw",
                         county_code=county_code, level=level)
    sample = draw_sample(pending.keys(), seed, ratio=ratio)
    record = SpotCheckSample(sample_id=str(uuid.uuid4()), campaign_id=campaign_id, county_code=county_code, level=level,
                             drawn_by_code=drawn_by, algorithm=sample.algorithm, seed=seed, ratio=str(ratio),
                             population=list(sample.population), chosen=list(sample.chosen), drawn_on=today,
                             actor=actor.model_dump(mode="json"))
    session.add(record)
    for code, row in pending.items():
        acc = aggregate(row)
        acc.note_drawn(level, record.sample_id, code in sample.chosen)
        store(row, acc, today)
    uow.publish(AcceptanceSampleDrawn(campaign_id=campaign_id, drawn_by_code=drawn_by, county_code=county_code,
                                      level=level, algorithm=sample.algorithm, seed=seed, ratio=ratio,
                                      population=sample.population, chosen=sample.chosen, drawn_on=today),
                division_code=county_code, actor=actor, campaign_id=campaign_id)
    await uow.commit()
    return SampleOut.model_validate(record, from_attributes=True)


async def spot_check_levels_of(session: AsyncSession, campaign_ids: list[str]) -> dict[str, tuple[str, ...]]:
    """Who spot-checks each campaign's accepted villages (process.spot_check_levels, by the campaign's area)."""
    areas = dict((await session.execute(select(Campaign.campaign_id, Campaign.area_code).where(
        Campaign.campaign_id.in_(campaign_ids)))).all())
    return {cid: spot_check_levels(level_of(areas[cid]) if areas.get(cid) else None) for cid in campaign_ids}


async def require_spot_check_level(session: AsyncSession, campaign_id: str, level: str) -> None:
    """Only a level that spot-checks the campaign draws or records its spot check."""
    require_level((await spot_check_levels_of(session, [campaign_id]))[campaign_id], level, campaign_id)


def require_level(levels: tuple[str, ...], level: str, campaign_id: str) -> None:
    """``level`` is one of the ``levels`` that spot-check the campaign (else 409)."""
    if level in levels:
        return
    if level == "county":
        raise OutOfOrder("no-county-spot-check", "本整顿工作由市或省开展，验收抽查由市、省级组织部门办理",
                         "this campaign is run by a city or a province: the city and the province spot-check it",
                         campaign_id=campaign_id)
    raise OutOfOrder("no-city-step", "本整顿工作由县或乡镇开展，没有市、省级验收抽查（种子文件001：县委组织部抽查）",
                     "this campaign is run by a county or a township: it has no city or province spot check",
                     campaign_id=campaign_id)


def level_name(division_code: str) -> str:
    return {Level.CITY: "city", Level.PROVINCE: "province", Level.COUNTY: "county"}.get(level_of(division_code), "")


async def list_draws(session: AsyncSession, reach: str, county: str | None, paging: PageParams) -> Page:
    """The draws of the counties within ``reach``, and those ``reach`` made itself."""
    query = select(SpotCheckSample).where(within(SpotCheckSample.county_code, reach)
                                          | within(SpotCheckSample.drawn_by_code, reach))
    if county:
        query = query.where(SpotCheckSample.county_code == county)
    return await paginate(session, query, paging, order_by=[SpotCheckSample.drawn_on, SpotCheckSample.sample_id],
                          out=lambda r: SampleOut.model_validate(r, from_attributes=True))
