"""A county files its decided list with the city: an unchangeable snapshot with its content hash."""
from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from screening.commands import FileIn
from screening.domain.filing import Filing, FilingEntry, file_county_list
from screening.domain.campaign import require_city_steps
from screening.models import FilingSnapshot
from screening.service.state import active_list, load_campaign, record
from zhengdun import clock
from zhengdun.events import screening as ev
from zhengdun.events.base import Actor
from zhengdun.messaging.outbox import UnitOfWork
from zhengdun.pagination import Page, PageParams
from zhengdun.reading import paginate


def _filings_of(campaign_id: str, county: str):
    return FilingSnapshot.__table__.select().where(FilingSnapshot.campaign_id == campaign_id,
                                                   FilingSnapshot.county_code == county)


def _filing_of(row) -> Filing:
    content = row.content
    entries = tuple(FilingEntry(e["village_code"], e["township_code"], ev.ListCategory(e["category"]),
                                tuple(e["criteria_met"]), date.fromisoformat(e["designated_on"]), e["decision_number"])
                    for e in content["entries"])
    return Filing(row.campaign_id, row.county_code, row.filing_date, row.filed_on, content["policy_version"], entries,
                  row.content_hash)


async def file_list(command: FileIn, uow: UnitOfWork, actor: Actor, campaign_id: str, county: str) -> dict:
    campaign = await load_campaign(uow.session, campaign_id)
    require_city_steps(campaign, "向市委组织部备案")
    clock.not_in_future(command.filed_on, await clock.today(uow.session), "filed_on")
    earlier = [_filing_of(f) for f in (await uow.session.execute(_filings_of(campaign_id, county))).all()]
    filing, filed = file_county_list(campaign, county, await active_list(uow.session, campaign_id, under=county),
                                     command.filing_date, command.filed_on, earlier)
    uow.session.add(FilingSnapshot(campaign_id=campaign_id, county_code=county, filing_date=command.filing_date,
                                   filed_on=command.filed_on, content=filing.content(), content_hash=filing.content_hash,
                                   actor=actor.model_dump(mode="json")))
    record(uow, filed, actor=actor, scope=county, key=county)
    await uow.commit()
    return {**filed.model_dump(mode="json"), "content": filing.content()}


async def list_filings(session: AsyncSession, campaign_id: str, county: str, paging: PageParams) -> Page:
    """The filings as filed, each with its content hash verified again."""
    return await paginate(session, _filings_of(campaign_id, county), paging, order_by=[FilingSnapshot.filing_date],
                          scalars=False, out=_filing_view)


def _filing_view(row) -> dict:
    return {"filing_date": row.filing_date, "filed_on": row.filed_on, "content_hash": row.content_hash,
            "hash_algorithm": "sha256-canonical-json-v1", "verified": _filing_of(row).verify(), "content": row.content}
