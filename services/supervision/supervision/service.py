"""Service layer of the supervision service: use cases over a unit of work, calling the domain rules."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select

from supervision import alerts, journal
from supervision.domain.records import (AccountabilityKind, RecordRefused, check_grounds, check_in_plan_window)
from supervision.models import (AccountabilityRow, AlertRow, CampaignRow, EvaluationRow, FalsificationRow,
                                InspectionPlanRow, InspectionRow)
from zhengdun import clock
from zhengdun.auth import Principal
from zhengdun.events.supervision import AccountabilityDecided
from zhengdun.messaging.outbox import UnitOfWork
from zhengdun.problems import conflict, not_found, unprocessable


def _new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def _refused(exc: RecordRefused):
    return unprocessable(exc.slug, str(exc))


async def _business_date(uow: UnitOfWork, value: date, field: str) -> date:
    clock.not_in_future(value, await clock.today(uow.session), field)
    return value


async def create_plan(uow: UnitOfWork, principal: Principal, data: dict[str, Any]) -> InspectionPlanRow:
    row = InspectionPlanRow(plan_id=_new_id("PLAN"), actor=principal.actor.model_dump(), **data)
    uow.session.add(row)
    await journal.append(uow.session, row.unit_code, "supervision.inspection_plan", row.plan_id,
                         {**_jsonable(data), "plan_id": row.plan_id, "actor": row.actor})
    await uow.commit()
    return row


async def record_inspection(uow: UnitOfWork, principal: Principal, data: dict[str, Any]) -> InspectionRow:
    await _business_date(uow, data["inspected_on"], "inspected_on")
    if data.get("plan_id"):
        plan = await uow.session.get(InspectionPlanRow, data["plan_id"])
        if plan is None:
            raise not_found(f"督导计划 {data['plan_id']}")
        if data["kind"] == "scheduled":
            try:
                check_in_plan_window(data["inspected_on"], plan.day_from, plan.day_to, plan.starts_on, plan.ends_on)
            except RecordRefused as exc:
                raise _refused(exc) from None
    findings = [{"finding_id": _new_id("F"), **f} for f in data.pop("findings")]
    demands = [{"demand_id": _new_id("D"), "done_on": None, **d} for d in data.pop("demands")]
    row = InspectionRow(inspection_id=_new_id("INSP"), inspected_by_code=principal.division_code,
                        findings=_jsonable(findings), demands=_jsonable(demands), follow_ups=[],
                        actor=principal.actor.model_dump(), **data)
    uow.session.add(row)
    await journal.append(uow.session, row.unit_code, "supervision.inspection", row.inspection_id,
                         _jsonable({**data, "inspection_id": row.inspection_id, "findings": findings,
                                    "demands": demands, "actor": row.actor}))
    await uow.commit()
    return row


async def follow_up(uow: UnitOfWork, principal: Principal, inspection_id: str, data: dict[str, Any]) -> InspectionRow:
    row = await uow.session.get(InspectionRow, inspection_id, with_for_update=True)
    if row is None:
        raise not_found(f"督导检查 {inspection_id}")
    await _business_date(uow, data["checked_on"], "checked_on")
    demands = [dict(d) for d in row.demands]
    demand = next((d for d in demands if d["demand_id"] == data["demand_id"]), None)
    if demand is None:
        raise not_found(f"整改要求 {data['demand_id']}")
    if demand.get("done_on"):
        raise conflict("demand-already-met", f"整改要求 {data['demand_id']} 已于 {demand['done_on']} 落实 (already met)")
    entry = _jsonable({**data, "actor": principal.actor.model_dump()})
    if data["met"]:
        demand["done_on"] = entry["checked_on"]
    row.demands = demands
    row.follow_ups = [*row.follow_ups, entry]
    await journal.append(uow.session, row.unit_code, "supervision.inspection.follow_up", inspection_id, entry)
    await uow.commit()
    return row


async def known_grounds(uow: UnitOfWork, grounds: list[str]) -> set[str]:
    session = uow.session
    known = set((await session.execute(select(AlertRow.alert_id).where(AlertRow.alert_id.in_(grounds)))).scalars())
    known |= set((await session.execute(select(FalsificationRow.event_id)
                                        .where(FalsificationRow.event_id.in_(grounds)))).scalars())
    for ground in grounds:
        if ground.startswith("F-") and (await session.execute(select(InspectionRow.inspection_id).where(
                InspectionRow.findings.contains([{"finding_id": ground}])).limit(1))).first():
            known.add(ground)
    return known


async def decide_accountability(uow: UnitOfWork, principal: Principal, data: dict[str, Any]) -> AccountabilityRow:
    await _business_date(uow, data["decided_on"], "decided_on")
    try:
        check_grounds(data["grounds"], await known_grounds(uow, data["grounds"]))
    except RecordRefused as exc:
        raise _refused(exc) from None
    row = AccountabilityRow(action_id=_new_id("ACT"), actor=principal.actor.model_dump(), **data)
    uow.session.add(row)
    envelope = uow.publish(AccountabilityDecided(
        action_id=row.action_id, kind=data["kind"], subject_code=data["subject_code"], grounds=tuple(data["grounds"]),
        decided_on=data["decided_on"], person=data["person"], decided_by=data["decided_by"]),
        division_code=data["subject_code"], actor=principal.actor)
    await journal.append(uow.session, row.subject_code, envelope.type, row.action_id,
                         {"event_id": envelope.id, "data": envelope.data, "reason": data["reason"],
                          "kind_label": AccountabilityKind(data["kind"]).label, "actor": row.actor})
    # Falsification cited as grounds is answered: its alert resolves.
    answered = (await uow.session.execute(select(FalsificationRow).where(
        FalsificationRow.event_id.in_(data["grounds"])))).scalars().all()
    today = await clock.today(uow.session)
    for found in answered:
        found.answered = True
        await uow.session.flush()
        campaign = await uow.session.get(CampaignRow, found.campaign_id)
        if campaign is not None:
            await alerts.evaluate_scope(uow.session, campaign, found.township_code, today)
    await uow.commit()
    return row


async def record_evaluation(uow: UnitOfWork, principal: Principal, data: dict[str, Any]) -> EvaluationRow:
    await _business_date(uow, data["evaluated_on"], "evaluated_on")
    row = EvaluationRow(evaluation_id=_new_id("EVAL"), actor=principal.actor.model_dump(), **data)
    uow.session.add(row)
    await journal.append(uow.session, row.subject_code, "supervision.evaluation", row.evaluation_id,
                         _jsonable({**data, "evaluation_id": row.evaluation_id, "actor": row.actor}))
    await uow.commit()
    return row


def _jsonable(value: Any) -> Any:
    import json
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))
