"""Reading a township's special actions (seed 004) from the read model: each action's progress (items done by a
day, of its table) and each branch's organization life (meetings recorded by kind, and the supervision alerts of
missed meetings raised and still open on that day)."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from reporting import models as m
from reporting.domain import appraisal as ap
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


async def appraisal(session: AsyncSession, code: str, year: int, as_of: date) -> list[dict[str, Any]]:
    """Per branch in ``code`` with anything of ``year`` (a pilot of a running action, a rating, a meeting, a missed
    period): the year's ratings, the year-end rating, its organization life and the items of the actions it pilots."""
    first, day = ap.appraisal_window(year, as_of)
    raised_from, raised_to = ap.missed_periods_window(year, as_of)
    ratings = select(m.SpecialActionRating.branch_code.label("branch")).where(
        within(m.SpecialActionRating.branch_code, code), m.SpecialActionRating.held_on.between(first, day))
    pilots = (select(m.SpecialActionPilot.village_code.label("branch"))
              .join(m.SpecialAction, m.SpecialAction.action_id == m.SpecialActionPilot.action_id)
              .where(within(m.SpecialActionPilot.village_code, code), m.SpecialAction.starts_on <= day,
                     m.SpecialAction.ends_on >= first))
    meetings = select(m.OrgLifeMeeting.branch_code.label("branch")).where(
        within(m.OrgLifeMeeting.branch_code, code), m.OrgLifeMeeting.held_on.between(first, day))
    missed = select(m.Alert.unit_code.label("branch")).where(
        m.Alert.rule == ORG_LIFE_MISSING, within(m.Alert.unit_code, code), m.Alert.raised_on.between(raised_from, raised_to))
    branches = list((await session.execute(ratings.union(pilots, meetings, missed).order_by("branch"))).scalars())
    if not branches:
        return []
    rated: dict[str, list[ap.Rated]] = {b: [] for b in branches}
    for row in (await session.execute(select(m.SpecialActionRating).where(
            m.SpecialActionRating.branch_code.in_(branches), m.SpecialActionRating.held_on.between(first, day)))).scalars():
        rated[row.branch_code].append(ap.Rated(row.held_on, row.mode, row.rating))
    held = dict((await session.execute(
        select(m.OrgLifeMeeting.branch_code, func.count()).where(
            m.OrgLifeMeeting.branch_code.in_(branches), m.OrgLifeMeeting.held_on.between(first, day))
        .group_by(m.OrgLifeMeeting.branch_code))).all())
    resolved = and_(m.AlertResolution.alert_id == m.Alert.alert_id, m.AlertResolution.resolved_on <= as_of)
    periods: dict[str, tuple[int, int]] = {}
    for branch, count, still_open in await session.execute(
            select(m.Alert.unit_code, func.count(), func.count().filter(m.AlertResolution.alert_id.is_(None)))
            .outerjoin(m.AlertResolution, resolved)
            .where(m.Alert.rule == ORG_LIFE_MISSING, m.Alert.unit_code.in_(branches),
                   m.Alert.raised_on.between(raised_from, raised_to))
            .group_by(m.Alert.unit_code)):
        periods[branch] = (count, still_open)
    items: dict[str, list[tuple[str, bool, bool]]] = {b: [] for b in branches}    # (action, done, overdue)
    for branch, action, due_on, done_on in await session.execute(
            select(m.SpecialActionPilot.village_code, m.SpecialAction.name, m.SpecialActionItem.due_on,
                   m.SpecialActionItemDone.done_on)
            .join(m.SpecialAction, m.SpecialAction.action_id == m.SpecialActionPilot.action_id)
            .join(m.SpecialActionItem, m.SpecialActionItem.action_id == m.SpecialAction.action_id)
            .outerjoin(m.SpecialActionItemDone, m.SpecialActionItemDone.item_id == m.SpecialActionItem.item_id)
            .where(m.SpecialActionPilot.village_code.in_(branches), m.SpecialAction.starts_on <= day,
                   m.SpecialAction.ends_on >= first)):
        items[branch].append((action, done_on is not None and done_on <= day, ap.overdue(due_on, done_on, day)))
    return [{"branch_code": b, "ratings": ap.ratings_line(rated[b]), "year_end_rating": ap.year_end_rating(rated[b]),
             "meetings": held.get(b, 0), "periods_missed": periods.get(b, (0, 0))[0],
             "periods_still_missing": periods.get(b, (0, 0))[1],
             "actions": sorted({a for a, _, _ in items[b]}), "items": len(items[b]),
             "items_done": sum(1 for _, done, _ in items[b] if done),
             "items_overdue": sum(1 for _, _, late in items[b] if late)} for b in branches]
