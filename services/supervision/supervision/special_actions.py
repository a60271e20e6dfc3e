"""Use cases of a township's special actions (seed 004): the task-decomposition table, its progress with evidence,
and the organization-life cadences of the township's branches, watched by the daily clock.

The alerts are the supervision alerts (``alerts.reconcile``: the same rows, events, journal
entries and notices as a campaign's); their ``campaign_id`` is the special action or the organization-life schedule
they belong to, so a campaign's reconciliation never touches them and theirs never touches a campaign's.
"""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select

from supervision import alerts, journal
from supervision import responses as R
from supervision.commands import (OrgLifeMeetingIn, OrgLifeScheduleIn, SpecialActionIn, SpecialActionProgressIn,
                                  SpecialActionSupervisionIn)
from supervision.domain import special_actions as sa
from supervision.domain.rules import Breach
from supervision.models import (AlertRow, OrgLifeMeetingRow, OrgLifeScheduleRow, SpecialActionItemRow,
                                SpecialActionProgressRow, SpecialActionRow, SpecialActionSupervisionRow)
from supervision.service import SPECIAL_ACTION_FILES, attachment_refs
from zhengdun import clock
from zhengdun.access import authorize_target
from zhengdun.auth import Principal
from zhengdun.divisions import township_of
from zhengdun.events.supervision import (OrgLifeMeetingRecorded, SpecialActionItem, SpecialActionOpened,
                                        SpecialActionProgressRecorded, SpecialActionSupervised)
from zhengdun.messaging.outbox import InboxWork, UnitOfWork
from zhengdun.pagination import Page, PageParams
from zhengdun.periods import add_months
from zhengdun.problems import not_found, unprocessable
from zhengdun.reading import paginate, within
from zhengdun.registry import Division

KEEP = "special_action.keep"


def _new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


# ---------------------------------------------------------------------------------------
# The task-decomposition table
# ---------------------------------------------------------------------------------------

async def open_action(cmd: SpecialActionIn, uow: UnitOfWork, principal: Principal) -> dict[str, Any]:
    data = cmd.model_dump()
    items = data.pop("items")
    pilot_kinds = dict((await uow.session.execute(
        select(Division.code, Division.kind).where(Division.code.in_(data["pilot_villages"])))).all())
    sa.check_special_action(data["township_code"], data["name"], data["starts_on"], data["ends_on"],
                            data["pilot_villages"], [sa.ItemDraft(i["project"], i["requirement"], i["due_on"],
                                                                  i["responsible_name"]) for i in items], pilot_kinds)
    action = SpecialActionRow(action_id=_new_id("SA"), actor=principal.actor.model_dump(), **data)
    rows = [SpecialActionItemRow(item_id=_new_id("SAI"), action_id=action.action_id, position=n, **item)
            for n, item in enumerate(items, start=1)]
    uow.session.add(action)
    uow.session.add_all(rows)
    uow.publish(SpecialActionOpened(action_id=action.action_id, township_code=action.township_code, name=action.name,
                                    starts_on=action.starts_on, ends_on=action.ends_on,
                                    pilot_villages=tuple(action.pilot_villages),
                                    items=tuple(SpecialActionItem(
                                        item_id=r.item_id, position=r.position, project=r.project, content=r.content,
                                        requirement=r.requirement, time_node=r.time_node, due_on=r.due_on,
                                        responsible_name=r.responsible_name) for r in rows)),
                division_code=action.township_code, actor=principal.actor)
    body = journal.plain({**data, "action_id": action.action_id, "actor": action.actor,
                          "items": [{**item, "item_id": r.item_id} for item, r in zip(items, rows)]})
    await journal.append(uow.session, action.township_code, "supervision.special_action", action.action_id, body)
    await uow.session.flush()
    await _judge_action(uow, action, await clock.today(uow.session))
    view = await _action_views(uow.session, [action])
    await uow.commit()
    return view[0]


async def record_progress(cmd: SpecialActionProgressIn, uow: UnitOfWork, principal: Principal, action_id: str,
                          item_id: str) -> dict[str, Any]:
    data = cmd.model_dump()
    session = uow.session
    action = await session.get(SpecialActionRow, action_id, with_for_update=True)   # one progress at a time per action
    item = await session.get(SpecialActionItemRow, item_id)
    if action is None or item is None or item.action_id != action_id:
        raise not_found(f"专项行动任务 {action_id}/{item_id}")
    authorize_target(principal, KEEP, action.township_code)
    today = await clock.today(session)
    clock.not_in_future(data["recorded_on"], today, "recorded_on")
    data["attachments"] = await attachment_refs(session, SPECIAL_ACTION_FILES, action.township_code,
                                                data["attachments"], "body.attachments")
    sa.check_progress(action.township_code, data["text"], data["evidence"], data["done"], data["village_code"],
                      await _item_done_on(session, item_id), files=len(data["attachments"]))
    row = SpecialActionProgressRow(record_id=_new_id("SAP"), action_id=action_id, item_id=item_id,
                                   actor=principal.actor.model_dump(), **data)
    session.add(row)
    uow.publish(SpecialActionProgressRecorded(record_id=row.record_id, action_id=action_id, item_id=item_id,
                                              township_code=action.township_code, recorded_on=row.recorded_on,
                                              done=row.done, village_code=row.village_code),
                division_code=row.village_code or action.township_code, actor=principal.actor)
    await journal.append(session, action.township_code, "supervision.special_action.progress", row.record_id,
                         journal.plain({**data, "record_id": row.record_id, "action_id": action_id, "item_id": item_id,
                                        "actor": row.actor}))
    await session.flush()
    await _judge_action(uow, action, today)
    await uow.commit()
    return R.special_action_progress_view(row)


async def _item_done_on(session, item_id: str) -> date | None:
    return sa.done_on([tuple(r) for r in (await session.execute(
        select(SpecialActionProgressRow.recorded_on, SpecialActionProgressRow.done)
        .where(SpecialActionProgressRow.item_id == item_id))).all()])


async def _items_with_state(session, action_ids: list[str]) -> dict[str, list[tuple[SpecialActionItemRow, date | None, int]]]:
    """Each action's items in table order, with the day each was done and its number of progress records."""
    records: dict[str, list[tuple[date, bool]]] = {}
    for item_id, recorded_on, done in (await session.execute(
            select(SpecialActionProgressRow.item_id, SpecialActionProgressRow.recorded_on, SpecialActionProgressRow.done)
            .where(SpecialActionProgressRow.action_id.in_(action_ids)))).all():
        records.setdefault(item_id, []).append((recorded_on, done))
    found: dict[str, list] = {a: [] for a in action_ids}
    for item in (await session.execute(select(SpecialActionItemRow).where(SpecialActionItemRow.action_id.in_(action_ids))
                                       .order_by(SpecialActionItemRow.position))).scalars():
        mine = records.get(item.item_id, [])
        found[item.action_id].append((item, sa.done_on(mine), len(mine)))
    return found


async def _judge_action(uow: UnitOfWork | InboxWork, action: SpecialActionRow, today: date) -> None:
    items = (await _items_with_state(uow.session, [action.action_id]))[action.action_id]
    breaches = [sa.item_overdue(sa.Item(i.item_id, action.action_id, action.township_code, i.project, i.due_on,
                                        i.responsible_name, i.responsible_user_id, done), today)
                for i, done, _ in items]
    await _reconcile(uow, action.action_id, [b for b in breaches if b is not None], today)


async def _action_views(session, actions: list[SpecialActionRow]) -> list[dict[str, Any]]:
    today = await clock.today(session)
    items = await _items_with_state(session, [a.action_id for a in actions])
    return [R.special_action_view(a, items[a.action_id], today) for a in actions]


async def list_actions(session, principal: Principal, paging: PageParams, *, unit: str | None) -> Page:
    """The special actions of the townships in the caller's subtree (a township sees its own, the county its
    townships', …), each with its table and the state of every item."""
    query = select(SpecialActionRow).where(within(SpecialActionRow.township_code, principal.division_code))
    if unit:
        query = query.where(within(SpecialActionRow.township_code, unit))
    page = await paginate(session, query, paging, order_by=[SpecialActionRow.starts_on, SpecialActionRow.action_id])
    page.items = await _action_views(session, page.items)
    return page


async def _visible_action(session, principal: Principal, action_id: str) -> SpecialActionRow:
    action = await session.get(SpecialActionRow, action_id)
    if action is None or not principal.can_see(action.township_code):
        raise not_found(f"专项行动 {action_id}")
    return action


async def action(session, principal: Principal, action_id: str) -> dict[str, Any]:
    return (await _action_views(session, [await _visible_action(session, principal, action_id)]))[0]


async def list_progress(session, principal: Principal, paging: PageParams, action_id: str, *,
                        item: str | None) -> Page:
    await _visible_action(session, principal, action_id)
    query = select(SpecialActionProgressRow).where(SpecialActionProgressRow.action_id == action_id)
    if item:
        query = query.where(SpecialActionProgressRow.item_id == item)
    return await paginate(session, query, paging, order_by=[SpecialActionProgressRow.recorded_on,
                                                             SpecialActionProgressRow.created_at,
                                                             SpecialActionProgressRow.record_id],
                          out=R.special_action_progress_view)


# ---------------------------------------------------------------------------------------
# Organization life
# ---------------------------------------------------------------------------------------

def _schedule(row: OrgLifeScheduleRow) -> sa.Schedule:
    return sa.Schedule(row.schedule_id, row.township_code, tuple(row.branch_codes),
                       tuple(sa.MeetingKind(k) for k in row.kinds), row.starts_on, row.ends_on)


async def _meetings(session, branch_codes: list[str]) -> list[sa.Meeting]:
    return [sa.Meeting(m.meeting_id, m.branch_code, sa.MeetingKind(m.kind), m.held_on)
            for m in (await session.execute(select(OrgLifeMeetingRow).where(
                OrgLifeMeetingRow.branch_code.in_(branch_codes)))).scalars()]


async def create_schedule(cmd: OrgLifeScheduleIn, uow: UnitOfWork, principal: Principal) -> dict[str, Any]:
    data = cmd.model_dump()
    data["kinds"] = [sa.MeetingKind(k).value for k in dict.fromkeys(data["kinds"])]
    session = uow.session
    if data["action_id"]:
        action = await session.get(SpecialActionRow, data["action_id"])
        if action is None or action.township_code != data["township_code"]:
            raise not_found(f"本乡镇的专项行动 {data['action_id']}")
    # Lock the township's schedules so two overlapping ones cannot be created side by side.
    existing = (await session.execute(select(OrgLifeScheduleRow).where(
        OrgLifeScheduleRow.township_code == data["township_code"]).with_for_update())).scalars().all()
    overlapping = {b for s in existing if sa.spans_overlap(s.starts_on, s.ends_on, data["starts_on"], data["ends_on"])
                   for b in s.branch_codes if b in data["branch_codes"]}
    sa.check_schedule(data["township_code"], data["branch_codes"], data["starts_on"], data["ends_on"], overlapping)
    row = OrgLifeScheduleRow(schedule_id=_new_id("OLS"), actor=principal.actor.model_dump(), **data)
    session.add(row)
    await journal.append(session, row.township_code, "supervision.org_life.schedule", row.schedule_id,
                         journal.plain({**data, "schedule_id": row.schedule_id, "actor": row.actor}))
    await session.flush()
    await _judge_schedule(uow, row, await clock.today(session))
    await uow.commit()
    return R.org_life_schedule_view(row)


async def _judge_schedule(uow: UnitOfWork | InboxWork, row: OrgLifeScheduleRow, today: date) -> None:
    schedule = _schedule(row)
    breaches = sa.org_life_missing(schedule, await _meetings(uow.session, list(schedule.branch_codes)), today)
    await _reconcile(uow, row.schedule_id, breaches, today)


async def record_meeting(cmd: OrgLifeMeetingIn, uow: UnitOfWork, principal: Principal) -> dict[str, Any]:
    """每会必记: the meeting is kept with its attendees and minutes, and the schedules following the branch are
    judged again (a meeting recorded late for an ended period resolves that period's alert)."""
    data = cmd.model_dump()
    session = uow.session
    today = await clock.today(session)
    clock.not_in_future(data["held_on"], today, "held_on")
    kind = sa.MeetingKind(data["kind"])
    sa.check_meeting(kind, data["branch_code"], data["held_on"], data["attendees"], data["minutes"])
    row = OrgLifeMeetingRow(meeting_id=_new_id("OLM"), actor=principal.actor.model_dump(), **data)
    session.add(row)
    uow.publish(OrgLifeMeetingRecorded(meeting_id=row.meeting_id, branch_code=row.branch_code, kind=kind.value,
                                       held_on=row.held_on, attendee_count=len([a for a in row.attendees if a.strip()])),
                division_code=row.branch_code, actor=principal.actor)
    await journal.append(session, row.branch_code, f"supervision.org_life.{kind.value}", row.meeting_id,
                         journal.plain({**data, "meeting_id": row.meeting_id, "kind_label": kind.label,
                                        "actor": row.actor}))
    await session.flush()
    for schedule in (await session.execute(select(OrgLifeScheduleRow).where(
            OrgLifeScheduleRow.township_code == township_of(row.branch_code),
            OrgLifeScheduleRow.branch_codes.contains([row.branch_code])))).scalars():
        await _judge_schedule(uow, schedule, today)
    await uow.commit()
    return R.org_life_meeting_view(row)


async def list_schedules(session, principal: Principal, paging: PageParams, *, unit: str | None) -> Page:
    query = select(OrgLifeScheduleRow).where(within(OrgLifeScheduleRow.township_code, principal.division_code))
    if unit:
        query = query.where(within(OrgLifeScheduleRow.township_code, unit))
    return await paginate(session, query, paging, order_by=[OrgLifeScheduleRow.starts_on, OrgLifeScheduleRow.schedule_id],
                          out=R.org_life_schedule_view)


async def list_meetings(session, principal: Principal, paging: PageParams, *, unit: str | None,
                        kind: sa.MeetingKind | None, held_from: date | None, held_to: date | None) -> Page:
    query = select(OrgLifeMeetingRow).where(within(OrgLifeMeetingRow.branch_code, principal.division_code))
    if unit:
        query = query.where(within(OrgLifeMeetingRow.branch_code, unit))
    if kind:
        query = query.where(OrgLifeMeetingRow.kind == kind.value)
    if held_from:
        query = query.where(OrgLifeMeetingRow.held_on >= held_from)
    if held_to:
        query = query.where(OrgLifeMeetingRow.held_on <= held_to)
    return await paginate(session, query, paging, order_by=[OrgLifeMeetingRow.held_on, OrgLifeMeetingRow.meeting_id],
                          out=R.org_life_meeting_view)


async def compliance(session, principal: Principal, schedule_id: str) -> dict[str, Any]:
    """Per branch and meeting kind of a schedule: the periods ended by today, those met, the first day of each
    missed one (the same judgement as the alerts)."""
    row = await session.get(OrgLifeScheduleRow, schedule_id)
    if row is None or not principal.can_see(row.township_code):
        raise not_found(f"组织生活计划 {schedule_id}")
    today = await clock.today(session)
    schedule = _schedule(row)
    found = sa.obligations(schedule, await _meetings(session, list(schedule.branch_codes)), today)
    rows = []
    for branch in schedule.branch_codes:
        for kind in schedule.kinds:
            mine = [o for o in found if o.branch_code == branch and o.kind is kind]
            rows.append({"branch_code": branch, "kind": kind.value, "kind_label": kind.label,
                         "cycle_label": kind.cadence.cycle.label, "periods_due": len(mine),
                         "periods_met": sum(o.met for o in mine), "missed": [o.starts_on for o in mine if not o.met]})
    return {"schedule_id": schedule_id, "township_code": row.township_code, "as_of": today, "rows": rows}


# ---------------------------------------------------------------------------------------
# The supervision plan (附件2)
# ---------------------------------------------------------------------------------------

async def record_supervision(cmd: SpecialActionSupervisionIn, uow: UnitOfWork, principal: Principal) -> dict[str, Any]:
    data = cmd.model_dump()
    session = uow.session
    clock.not_in_future(data["held_on"], await clock.today(session), "held_on")
    actions = {a.action_id: a for a in (await session.execute(select(SpecialActionRow).where(
        SpecialActionRow.action_id.in_(data["action_ids"])))).scalars()}
    unknown = [a for a in data["action_ids"] if a not in actions or actions[a].township_code != data["township_code"]]
    if unknown:
        raise unprocessable("unknown-action", f"本乡镇没有专项行动 {', '.join(unknown)} (no such action of the township)",
                            errors=[{"field": "body.action_ids", "message": "not an action of the township"}])
    item_done_on = None
    if data["item_id"]:
        item = await session.get(SpecialActionItemRow, data["item_id"])
        if item is None or item.action_id not in actions:
            raise unprocessable("unknown-item", f"所督导的专项行动没有任务 {data['item_id']} (no such item)",
                                errors=[{"field": "body.item_id", "message": "not an item of the actions named"}])
        item_done_on = await _item_done_on(session, item.item_id)
    sa.check_supervision(sa.SupervisionMode(data["mode"]), data["township_code"], data["held_on"], data["branch_codes"],
                         [r["branch_code"] for r in data["results"]], data["inspectors"], bool(data["item_id"]),
                         item_done_on)
    data["results"] = journal.plain(data["results"])
    row = SpecialActionSupervisionRow(supervision_id=_new_id("SAS"), actor=principal.actor.model_dump(), **data)
    session.add(row)
    uow.publish(SpecialActionSupervised(supervision_id=row.supervision_id, township_code=row.township_code,
                                        mode=row.mode, held_on=row.held_on, branch_codes=tuple(row.branch_codes),
                                        ratings={r["branch_code"]: r["rating"] for r in row.results}),
                division_code=row.township_code, actor=principal.actor)
    body = journal.plain({**data, "supervision_id": row.supervision_id, "actor": row.actor})
    for chain in dict.fromkeys([row.township_code, *row.branch_codes]):
        await journal.append(session, chain, f"supervision.special_action.supervision.{row.mode}", row.supervision_id, body)
    await uow.commit()
    return R.special_action_supervision_view(row)


async def list_supervisions(session, principal: Principal, paging: PageParams, *, unit: str | None,
                            mode: sa.SupervisionMode | None, month: date | None) -> Page:
    """The township's supervisions (the monthly results: ``month`` = any day of it)."""
    query = select(SpecialActionSupervisionRow).where(within(SpecialActionSupervisionRow.township_code,
                                                             principal.division_code))
    if unit:
        query = query.where(within(SpecialActionSupervisionRow.township_code, unit))
    if mode:
        query = query.where(SpecialActionSupervisionRow.mode == mode.value)
    if month:
        first = month.replace(day=1)
        query = query.where(SpecialActionSupervisionRow.held_on >= first,
                            SpecialActionSupervisionRow.held_on < add_months(first, 1))
    return await paginate(session, query, paging, order_by=[SpecialActionSupervisionRow.held_on,
                                                             SpecialActionSupervisionRow.supervision_id],
                          out=R.special_action_supervision_view)


# ---------------------------------------------------------------------------------------
# The daily clock and the alerts
# ---------------------------------------------------------------------------------------

async def day_began(work: InboxWork, today: date) -> None:
    """The clock moved forward: judge every special action's items and every organization-life schedule."""
    session = work.session
    for action_row in (await session.execute(select(SpecialActionRow))).scalars().all():
        await _judge_action(work, action_row, today)
    for schedule in (await session.execute(select(OrgLifeScheduleRow))).scalars().all():
        await _judge_schedule(work, schedule, today)


async def _reconcile(uow: UnitOfWork | InboxWork, owner_id: str, breaches: list[Breach], today: date) -> None:
    """The alerts of the action or schedule ``owner_id``: new breaches raised, those whose meeting or done item has
    been recorded since resolved."""
    stored = {a.key: a for a in (await uow.session.execute(
        select(AlertRow).where(AlertRow.campaign_id == owner_id))).scalars()}
    await alerts.reconcile(uow, owner_id, {b.key: b for b in breaches}, stored, today,
                           resolved_reason="已补充记录，预警自动解除 (recorded since)")
