"""Service layer of the reporting service: reads over the read model that the API and documents share."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from reporting import models as m
from zhengdun.divisions import prefix_of
from zhengdun.messaging import InboxMessage
from zhengdun.registry import Division


async def division_name(session: AsyncSession, code: str) -> str | None:
    return (await session.execute(select(Division.name).where(Division.code == code))).scalar_one_or_none()


async def names(session: AsyncSession, codes: list[str]) -> dict[str, str]:
    if not codes:
        return {}
    rows = await session.execute(select(Division.code, Division.name).where(Division.code.in_(codes)))
    return dict(rows.all())


async def filings(session: AsyncSession, code: str, *, offset: int, limit: int) -> tuple[int, list[dict[str, Any]]]:
    """The county lists filed with the city (备案) inside ``code``, newest first."""
    where = m.Filing.county_code.startswith(prefix_of(code))
    total = (await session.execute(select(func.count()).select_from(m.Filing).where(where))).scalar_one()
    rows = (await session.execute(
        select(m.Filing, Division.name).outerjoin(Division, Division.code == m.Filing.county_code).where(where)
        .order_by(m.Filing.filing_date.desc(), m.Filing.county_code).offset(offset).limit(limit))).all()
    return total, [{"county_code": f.county_code, "county": name, "campaign_id": f.campaign_id,
                    "filing_date": f.filing_date, "filed_on": f.filed_on, "late": f.late, "entries": f.entries,
                    "content_hash": f.content_hash} for f, name in rows]


async def sync_state(session: AsyncSession, events: list[tuple[str, str]], consumed_types: set[str]) -> dict[str, int]:
    """How far reporting has come with events another service just wrote: each is applied (in the
    inbox; a dead-lettered one counts, operations take it from there), pending, or of a type
    reporting does not consume (nothing to wait for)."""
    wanted = [event_id for event_type, event_id in events if event_type in consumed_types]
    seen = set((await session.execute(
        select(InboxMessage.event_id).where(InboxMessage.event_id.in_(wanted)))).scalars()) if wanted else set()
    return {"applied": len(seen), "pending": len(set(wanted) - seen), "not_consumed": len(events) - len(wanted)}


async def pending_tasks(session: AsyncSession, principal, today) -> list:
    """The to-do list: reporting has no step a person takes (domain/tasks.py says why)."""
    from reporting.domain import tasks as task_rules

    return task_rules.steps()
