"""The city's acceptance standard: versions kept side by side, each self-check scored by the version in force."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from acceptance.commands import StandardIn
from acceptance.domain import standard as standard_rules
from acceptance.domain.standard import Standard, StandardItem
from acceptance.models import Campaign, StandardVersion
from zhengdun import clock
from zhengdun.access import authorize_target
from zhengdun.auth import Principal
from zhengdun.messaging.outbox import UnitOfWork
from zhengdun.problems import not_found


def standard_of(row: StandardVersion) -> Standard:
    return Standard(tuple(StandardItem(i["code"], i["heading"], i["title"], Decimal(i["max_score"]))
                          for i in row.standard["items"]), Decimal(row.standard["pass_mark"]), row.version)


async def standard_version(session: AsyncSession, campaign_id: str, version: int | None = None) -> StandardVersion | None:
    """The given version of the campaign's standard, or the newest (None: not set yet)."""
    query = select(StandardVersion).where(StandardVersion.campaign_id == campaign_id)
    query = query.where(StandardVersion.version == version) if version else query.order_by(StandardVersion.version.desc())
    return (await session.execute(query.limit(1))).scalar_one_or_none()


async def current_standard(session: AsyncSession, campaign_id: str) -> Standard | None:
    row = await standard_version(session, campaign_id)
    return standard_of(row) if row else None


async def set_standard(command: StandardIn, uow: UnitOfWork, campaign_id: str, principal: Principal) -> dict:
    """The city sets (again) its standard: a new version beside the old ones, or the current one when nothing changed."""
    campaign = await _campaign(uow.session, campaign_id, lock=True)   # one revision at a time: versions in order
    if campaign.area_code:
        authorize_target(principal, "acceptance.standard", campaign.area_code)
    current = await standard_version(uow.session, campaign_id)
    revised = standard_rules.revise_standard(standard_of(current) if current else None,
                                             [i.model_dump() for i in command.items], command.pass_mark)
    row = current
    if current is None or revised.version != current.version:
        row = StandardVersion(campaign_id=campaign_id, version=revised.version, standard=standard_view(revised),
                              set_by=principal.actor.model_dump(mode="json"), set_on=await clock.today(uow.session))
        uow.session.add(row)
        await uow.session.flush()
    await uow.commit()
    return standard_out(campaign_id, row)


async def get_standard(session: AsyncSession, campaign_id: str, version: int | None) -> dict:
    await _campaign(session, campaign_id)
    row = await standard_version(session, campaign_id, version)
    if row is None:
        raise not_found(f"整顿工作 {campaign_id} 的验收标准" + (f"第 {version} 版" if version else ""))
    return standard_out(campaign_id, row)


async def _campaign(session: AsyncSession, campaign_id: str, *, lock: bool = False) -> Campaign:
    query = select(Campaign).where(Campaign.campaign_id == campaign_id)
    row = (await session.execute(query.with_for_update() if lock else query)).scalar_one_or_none()
    if row is None:
        raise not_found(f"整顿工作 {campaign_id}")
    return row


def standard_out(campaign_id: str, row: StandardVersion) -> dict:
    return {"campaign_id": campaign_id, **row.standard, "version": row.version, "set_on": row.set_on}


def standard_view(standard: Standard) -> dict:
    return {"items": [{"code": i.code, "heading": i.heading, "title": i.title, "max_score": str(i.max_score)}
                      for i in standard.items], "pass_mark": str(standard.pass_mark), "total": str(standard.total)}
