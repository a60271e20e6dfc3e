"""Reading a township's special actions (seed 004) from the read model: each action's progress (items done by a
day, of its table) and each branch's organization life (meetings recorded by kind, and the supervision alerts of
missed meetings raised and still open on that day)."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from reporting import models as m
from reporting.domain.figures import api_share
from zhengdun.pagination import Page, PageParams
from zhengdun.reading import within

ORG_LIFE_MISSING = "org_life_missing"        # supervision's rule (supervision/domain/special_actions.py)


async def action_progress(session: AsyncSession, code: str, day: date) -> list[dict[str, Any]]:
    done = (select(m.SpecialActionItemDone.action_id, func.count().label("done"))
            .where(m.SpecialActionItemDone.done_on <= day).group_by(m.SpecialActionItemDone.action_id).subquery())
    rows = await session.execute(
        select(m.SpecialAction, func.coalesce(done.c.done, 0))
        .outerjoin(done, done.c.action_id == m.SpecialAction.action_id)
        .where(within(m.SpecialAction.township_code, code), m.SpecialAction.starts_on <= day)
        .order_by(m.SpecialAction.township_code, m.SpecialAction.starts_on, m.SpecialAction.action_id))
    return [{"action_id": a.action_id, "township_code": a.township_code, "name": a.name, "starts_on": a.starts_on,
             "ends_on": a.ends_on, "pilots": a.pilots, "items": a.items, "items_done": n,
             "done_share": api_share(n, a.items)} for a, n in rows]


async def branch_compliance(session: AsyncSession, code: str, day: date, paging: PageParams) -> Page:
    """The branches in ``code`` with a recorded meeting or an organization-life alert by ``day``, paged."""
    meetings = select(m.OrgLifeMeeting.branch_code.label("branch")).where(
        within(m.OrgLifeMeeting.branch_code, code), m.OrgLifeMeeting.held_on <= day)
    alerted = select(m.Alert.unit_code.label("branch")).where(
        m.Alert.rule == ORG_LIFE_MISSING, within(m.Alert.unit_code, code), m.Alert.raised_on <= day)
    branches = meetings.union(alerted).subquery()
    total = (await session.execute(select(func.count()).select_from(branches))).scalar_one()
    page = list((await session.execute(select(branches.c.branch).order_by(branches.c.branch)
                                        .offset(paging.offset).limit(paging.size))).scalars())
    by_kind: dict[str, dict[str, int]] = {b: {} for b in page}
    for branch, kind, n in await session.execute(
            select(m.OrgLifeMeeting.branch_code, m.OrgLifeMeeting.kind, func.count())
            .where(m.OrgLifeMeeting.branch_code.in_(page), m.OrgLifeMeeting.held_on <= day)
            .group_by(m.OrgLifeMeeting.branch_code, m.OrgLifeMeeting.kind)):
        by_kind[branch][kind] = n
    resolved = and_(m.AlertResolution.alert_id == m.Alert.alert_id, m.AlertResolution.resolved_on <= day)
    raised: dict[str, tuple[int, int]] = {}
    for branch, count, still_open in await session.execute(
            select(m.Alert.unit_code, func.count(), func.count().filter(m.AlertResolution.alert_id.is_(None)))
            .outerjoin(m.AlertResolution, resolved)
            .where(m.Alert.rule == ORG_LIFE_MISSING, m.Alert.unit_code.in_(page), m.Alert.raised_on <= day)
            .group_by(m.Alert.unit_code)):
        raised[branch] = (count, still_open)
    items = [{"branch_code": b, "meetings": sum(by_kind[b].values()), "meetings_by_kind": by_kind[b],
              "periods_missed": raised.get(b, (0, 0))[0], "periods_still_missing": raised.get(b, (0, 0))[1]}
             for b in page]
    return Page(items=items, total=total, page=paging.page, size=paging.size)
