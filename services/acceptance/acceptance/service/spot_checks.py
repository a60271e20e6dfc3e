"""The city's and the province's random spot checks of the villages a county accepted."""
from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from acceptance.commands import DrawIn
from acceptance.domain.process import Stage
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
    """The city or province draws, reproducibly from a seed, which accepted villages of a county it checks."""
    session, actor = uow.session, principal.actor
    campaign_id, county_code, seed = command.campaign_id, command.county_code, command.seed
    level, drawn_by = level_name(principal.division_code), principal.division_code
    if campaign_id not in await campaigns_with_spot_checks(session, [campaign_id]):
        raise OutOfOrder("no-city-step", "本整顿工作由县或乡镇开展，没有市、省级验收抽查（种子文件001：县委组织部抽查）",
                         "this campaign is run by a county or a township: it has no city or province spot check",
                         campaign_id=campaign_id)
    today = await clock.today(session)
    policy = await policy_of(session, campaign_id, today)
    minimum = policy.acceptance_spot_check_city_share if level == "city" else policy.acceptance_spot_check_province_share
    ratio = minimum if command.ratio is None else command.ratio
    if ratio < minimum:
        raise RuleViolation("ratio-below-policy", f"{'市' if level == 'city' else '省'}级抽查比例不得低于 {minimum:.0%}",
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


async def campaigns_with_spot_checks(session: AsyncSession, campaign_ids: list[str]) -> set[str]:
    """Of ``campaign_ids``, those a city's and a province's spot checks belong to: all but a county's or a township's
    own campaign (a campaign whose area is not known yet is kept, as before)."""
    below = {cid for cid, area in await session.execute(select(Campaign.campaign_id, Campaign.area_code).where(
        Campaign.campaign_id.in_(campaign_ids))) if area and level_of(area) in (Level.COUNTY, Level.TOWNSHIP)}
    return set(campaign_ids) - below


def level_name(division_code: str) -> str:
    return {Level.CITY: "city", Level.PROVINCE: "province"}.get(level_of(division_code), "")


async def list_draws(session: AsyncSession, reach: str, county: str | None, paging: PageParams) -> Page:
    """The draws of the counties within ``reach``, and those ``reach`` made itself."""
    query = select(SpotCheckSample).where(within(SpotCheckSample.county_code, reach)
                                          | within(SpotCheckSample.drawn_by_code, reach))
    if county:
        query = query.where(SpotCheckSample.county_code == county)
    return await paginate(session, query, paging, order_by=[SpotCheckSample.drawn_on, SpotCheckSample.sample_id],
                          out=lambda r: SampleOut.model_validate(r, from_attributes=True))
