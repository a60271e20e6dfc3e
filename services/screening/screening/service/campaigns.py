"""Opening a campaign, revising its policy, and reading campaigns."""
from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from screening.commands import OpenCampaign, ReviseCampaignPolicy
from screening.domain import campaign as campaign_rules
from screening.models import ScreeningFact
from screening.service.state import load_campaign, record, rounds_of, visible_campaigns
from screening.service.views import campaign_view
from zhengdun import clock
from zhengdun.access import authorize_target
from zhengdun.auth import Principal
from zhengdun.events.base import Actor
from zhengdun.messaging.outbox import UnitOfWork
from zhengdun.pagination import Page, PageParams
from zhengdun.divisions import is_within
from zhengdun.problems import Problem, forbidden
from zhengdun.reading import paginate
from zhengdun.refusals import UnknownItem


async def open_campaign(command: OpenCampaign, uow: UnitOfWork, actor: Actor) -> dict:
    clock.not_in_future(command.opened_on, await clock.today(uow.session), "opened_on")
    try:
        earlier = await load_campaign(uow.session, command.carries_over_from) if command.carries_over_from else None
    except UnknownItem:
        raise Problem(422, "carry-over-unknown", "上一轮整顿工作不存在", f"没有整顿工作 {command.carries_over_from}",
                      errors=[{"field": "body.carries_over_from", "message": "没有这项整顿工作"}]) from None
    campaign, opened = campaign_rules.open_campaign(
        f"C{uuid.uuid4().hex[:10]}", command.name, command.area_code, command.opened_on,
        phases=tuple(command.phases) if command.phases else None,
        criteria=tuple(command.criteria) if command.criteria else None,
        lagging_rule=command.lagging_rule, policy=command.policy, carries_over=earlier,
        organization_kinds=command.organization_kinds)
    record(uow, opened, actor=actor, scope=command.area_code, key=command.area_code)
    await uow.commit()
    return campaign_view(campaign)


async def revise_policy(command: ReviseCampaignPolicy, uow: UnitOfWork, principal: Principal, campaign_id: str) -> dict:
    """A new policy version (and maybe new phases or criteria); decisions taken before keep the version they used."""
    campaign = await load_campaign(uow.session, campaign_id)
    authorize_target(principal, "campaign.open", campaign.area_code)
    clock.not_in_future(command.effective_on, await clock.today(uow.session), "effective_on")
    campaign, revised = campaign_rules.revise_policy(
        campaign, command.policy, command.reason, command.effective_on,
        phases=tuple(command.phases) if command.phases is not None else None,
        criteria=tuple(command.criteria) if command.criteria is not None else None)
    record(uow, revised, actor=principal.actor, scope=campaign.area_code, key=campaign.area_code)
    await uow.commit()
    return campaign_view(campaign)


async def list_campaigns(session: AsyncSession, visible_to: str | None, paging: PageParams) -> Page:
    """The campaigns that cover the unit, or lie inside it, in the order opened: one page, counted in SQL."""
    page = await paginate(session, visible_campaigns(visible_to), paging, order_by=[ScreeningFact.seq])
    return Page(items=[campaign_view(await load_campaign(session, i)) for i in page.items], total=page.total,
                page=page.page, size=page.size)


async def get_campaign(session: AsyncSession, campaign_id: str, visible_to: str | None) -> dict:
    return campaign_view(await _visible_campaign(session, campaign_id, visible_to))


async def _visible_campaign(session: AsyncSession, campaign_id: str, visible_to: str | None):
    """A campaign is seen at its own level, above it and inside its area (a township's campaign is not its
    sibling township's business), as in the list."""
    campaign = await load_campaign(session, campaign_id)
    if visible_to and not (is_within(visible_to, campaign.area_code) or is_within(campaign.area_code, visible_to)):
        raise forbidden(f"整顿工作 {campaign_id}（{campaign.area_code}）不在您单位的上级或辖区范围内 "
                        f"(the campaign is neither above nor inside your unit)")
    return campaign


async def list_rounds(session: AsyncSession, campaign_id: str, within_unit: str) -> list[dict]:
    await _visible_campaign(session, campaign_id, within_unit)
    return await rounds_of(session, campaign_id, within_unit)
