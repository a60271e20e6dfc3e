"""Service layer of the supervision service: use cases over a unit of work, calling the domain rules."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select

from supervision import alerts, journal
from supervision.domain.records import (AccountabilityKind, EvaluatedRole, Study, annual_appraisal,
                                        check_grounds, check_in_plan_window, check_study)
from supervision.models import (AccountabilityRow, AlertRow, CampaignRow, CaseRow, EvaluationRow, FalsificationRow,
                                InspectionPlanRow, InspectionRow, StudyRow, CampaignRecordRow)
from supervision.models import SupervisionAttachment
from zhengdun import attachments, clock
from zhengdun.auth import Principal
from zhengdun.events.supervision import AccountabilityDecided
from zhengdun.messaging.outbox import UnitOfWork
from zhengdun.problems import conflict, not_found, unprocessable


def _new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


async def _business_date(uow: UnitOfWork, value: date, field: str) -> date:
    clock.not_in_future(value, await clock.today(uow.session), field)
    return value


async def create_plan(uow: UnitOfWork, principal: Principal, data: dict[str, Any]) -> InspectionPlanRow:
    row = InspectionPlanRow(plan_id=_new_id("PLAN"), actor=principal.actor.model_dump(), **data)
    uow.session.add(row)
    await journal.append(uow.session, row.unit_code, "supervision.inspection_plan", row.plan_id,
                         {**journal.plain(data), "plan_id": row.plan_id, "actor": row.actor})
    await uow.commit()
    return row


async def record_inspection(uow: UnitOfWork, principal: Principal, data: dict[str, Any]) -> InspectionRow:
    await _business_date(uow, data["inspected_on"], "inspected_on")
    data["attachments"] = await attachment_refs(uow.session, INSPECTION_FILES, data["unit_code"], data.get("attachments"),
                                                "body.attachments")
    if data.get("plan_id"):
        plan = await uow.session.get(InspectionPlanRow, data["plan_id"])
        if plan is None:
            raise not_found(f"督导计划 {data['plan_id']}")
        if data["kind"] == "scheduled":
            check_in_plan_window(data["inspected_on"], plan.day_from, plan.day_to, plan.starts_on, plan.ends_on)
    findings = [{"finding_id": _new_id("F"), **f} for f in data.pop("findings")]
    demands = [{"demand_id": _new_id("D"), "done_on": None, **d} for d in data.pop("demands")]
    row = InspectionRow(inspection_id=_new_id("INSP"), inspected_by_code=principal.division_code,
                        findings=journal.plain(findings), demands=journal.plain(demands), follow_ups=[],
                        actor=principal.actor.model_dump(), **data)
    uow.session.add(row)
    await journal.append(uow.session, row.unit_code, "supervision.inspection", row.inspection_id,
                         journal.plain({**data, "inspection_id": row.inspection_id, "findings": findings,
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
    if demand is None:   # the inspection exists (the URL is right); the body names a demand it does not have
        raise unprocessable("unknown-demand", f"此次督导检查没有整改要求 {data['demand_id']} (no such demand in this inspection)",
                            errors=[{"field": "body.demand_id", "message": "not a demand of this inspection"}])
    if demand.get("done_on"):
        raise conflict("demand-already-met", f"整改要求 {data['demand_id']} 已于 {demand['done_on']} 落实 (already met)")
    entry = journal.plain({**data, "actor": principal.actor.model_dump()})
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


async def campaign_of_grounds(uow: UnitOfWork, grounds: list[str]) -> str | None:
    """The campaign an accountability decision answers to: that of its grounds (alerts, falsifications)."""
    session = uow.session
    found = (await session.execute(select(AlertRow.campaign_id).where(AlertRow.alert_id.in_(grounds)).limit(1))).scalar()
    if found is None:
        found = (await session.execute(select(FalsificationRow.campaign_id)
                                       .where(FalsificationRow.event_id.in_(grounds)).limit(1))).scalar()
    return found


async def decide_accountability(uow: UnitOfWork, principal: Principal, data: dict[str, Any]) -> AccountabilityRow:
    await _business_date(uow, data["decided_on"], "decided_on")
    data["attachments"] = await attachment_refs(uow.session, ACCOUNTABILITY_FILES, data["subject_code"],
                                                data.get("attachments"), "body.attachments")
    check_grounds(data["grounds"], await known_grounds(uow, data["grounds"]))
    campaign_id = await campaign_of_grounds(uow, data["grounds"])
    in_force = await alerts.policy_in_force(uow.session, campaign_id, data["decided_on"]) if campaign_id else None
    row = AccountabilityRow(action_id=_new_id("ACT"), actor=principal.actor.model_dump(), campaign_id=campaign_id,
                            policy_version=in_force.version if in_force else None, **data)
    uow.session.add(row)
    envelope = uow.publish(AccountabilityDecided(
        action_id=row.action_id, kind=data["kind"], subject_code=data["subject_code"], grounds=tuple(data["grounds"]),
        decided_on=data["decided_on"], person=data["person"], decided_by=data["decided_by"],
        campaign_id=campaign_id, policy_version=row.policy_version),
        division_code=data["subject_code"], actor=principal.actor)
    await journal.append(uow.session, row.subject_code, envelope.type, row.action_id,
                         {"event_id": envelope.id, "data": envelope.data, "reason": data["reason"],
                          "attachments": data["attachments"],
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
    """Made at the county's study of a village in continued rectification, and reported to the city (seed 000
    §三(三) 末段): the study must exist and be of the evaluated person's unit."""
    await _business_date(uow, data["evaluated_on"], "evaluated_on")
    found = await uow.session.get(StudyRow, data["study_id"])
    study = Study(found.study_id, found.village_code, found.township_code, found.studied_on) if found else None
    check_study(EvaluatedRole(data["role"]), data["subject_code"], data["study_id"], study, data["evaluated_on"])
    in_force = await alerts.policy_in_force(uow.session, found.campaign_id, data["evaluated_on"])
    data = {**data, "reported_to": data.get("reported_to") or city_of(data["subject_code"])}
    row = EvaluationRow(evaluation_id=_new_id("EVAL"), actor=principal.actor.model_dump(), campaign_id=found.campaign_id,
                        policy_version=in_force.version if in_force else None, **data)
    uow.session.add(row)
    await journal.append(uow.session, row.subject_code, "supervision.evaluation", row.evaluation_id,
                         journal.plain({**data, "evaluation_id": row.evaluation_id, "actor": row.actor}))
    await uow.commit()
    return row


async def appraisal(session, unit: str, year: int, person: str | None) -> dict[str, Any]:
    """述职评议考核: the year's accountability and evaluation results per person, within ``unit``."""
    within = prefix_of(unit) + "%"
    actions = (await session.execute(select(AccountabilityRow).where(AccountabilityRow.subject_code.like(within))
                                     .order_by(AccountabilityRow.created_at))).scalars()
    evaluations = (await session.execute(select(EvaluationRow).where(EvaluationRow.subject_code.like(within))
                                         .order_by(EvaluationRow.created_at))).scalars()
    people = annual_appraisal(
        year,
        [{"action_id": a.action_id, "kind": a.kind, "person": a.person, "post": a.post, "subject_code": a.subject_code,
          "grounds": a.grounds, "reason": a.reason, "decided_by": a.decided_by, "decided_on": a.decided_on,
          "filed_with": a.filed_with, "policy_version": a.policy_version} for a in actions],
        [{"evaluation_id": e.evaluation_id, "role": e.role, "person": e.person, "user_id": e.user_id,
          "subject_code": e.subject_code, "grade": e.grade, "comment": e.comment, "evaluated_on": e.evaluated_on,
          "study_id": e.study_id, "reported_to": e.reported_to, "policy_version": e.policy_version} for e in evaluations],
        person)
    return {"year": year, "unit_code": unit, "person": person, "people": people}


async def record_campaign_record(uow: UnitOfWork, principal: Principal, data: dict[str, Any]) -> CampaignRecordRow:
    """四统一, 五统一, 五到位 (seed 000 §三(二)1–3): a dated record by its body, in the unit's journal and in the
    journal of every village it names."""
    from supervision.domain.campaign_records import CampaignRecordKind, check_campaign_record
    await _business_date(uow, data["held_on"], "held_on")
    kind = CampaignRecordKind(data["kind"])
    check_campaign_record(kind, data["unit_code"], frozenset(principal.roles), data["attendees"], data["content"],
                          data["village_codes"])
    row = CampaignRecordRow(record_id=_new_id("REC"), group=kind.spec.group.value, actor=principal.actor.model_dump(),
                            **data)
    uow.session.add(row)
    body = journal.plain({**data, "record_id": row.record_id, "group_label": kind.spec.group.label,
                      "kind_label": kind.label, "actor": row.actor})
    for chain in dict.fromkeys([row.unit_code, *row.village_codes]):
        await journal.append(uow.session, chain, f"supervision.campaign_record.{kind.value}", row.record_id, body)
    await uow.commit()
    return row


# ---------------------------------------------------------------------------------------
# The to-do list (GET /tasks): the caller's plans, demands and accountability alerts, a few queries
# whatever their number; domain/tasks.py says which are still open.
# ---------------------------------------------------------------------------------------
from supervision.domain import tasks as task_rules  # noqa: E402
from supervision.domain.rules import RULE_LABELS, Rule  # noqa: E402
from zhengdun.access import POLICY  # noqa: E402
from zhengdun.divisions import city_of, prefix_of  # noqa: E402
from zhengdun.events.casework import CasePhase  # noqa: E402


async def pending_tasks(session, principal, today: date) -> list:
    unit, roles, level = principal.division_code, set(principal.roles), principal.level
    if not unit or level is None:
        return []
    found = []
    if POLICY["supervision.inspect"].allows(roles, level):
        plans = (await session.execute(select(InspectionPlanRow).where(
            InspectionPlanRow.unit_code == unit, InspectionPlanRow.kind == "scheduled"))).scalars().all()
        done: dict[str, list[date]] = {}
        if plans:
            for plan_id, day in await session.execute(select(InspectionRow.plan_id, InspectionRow.inspected_on).where(
                    InspectionRow.plan_id.in_([p.plan_id for p in plans]))):
                done.setdefault(plan_id, []).append(day)
        for p in plans:
            found += task_rules.plan_steps(task_rules.Plan(p.plan_id, p.unit_code, p.title, p.day_from, p.day_to,
                                                           p.starts_on, p.ends_on, tuple(done.get(p.plan_id, ()))), today)
        for row in (await session.execute(select(InspectionRow).where(InspectionRow.inspected_by_code == unit))).scalars():
            for d in row.demands:
                if not d.get("done_on"):
                    found += task_rules.follow_up_steps(task_rules.Demand(
                        row.inspection_id, d["demand_id"], d.get("responsible_code") or row.unit_code, d["text"],
                        date.fromisoformat(d["deadline"])))
    if POLICY["supervision.evaluate"].allows(roles, level) and level.value == "county":
        cases = [task_rules.ContinuedCase(c.campaign_id, c.village_code, c.township_code, c.leader_name)
                 for c in (await session.execute(select(CaseRow).where(
                     CaseRow.county_code == unit, CaseRow.phase == CasePhase.CONTINUED.value).order_by(CaseRow.village_code))).scalars()]
        if cases:
            evaluated = set((await session.execute(select(EvaluationRow.subject_code, EvaluationRow.role).where(
                EvaluationRow.subject_code.startswith(prefix_of(unit))))).all())
            found += task_rules.evaluation_steps(cases, evaluated)
    if POLICY["supervision.hold_accountable"].allows(roles, level):
        alerts = (await session.execute(select(AlertRow).where(
            AlertRow.status == "open", AlertRow.rule.in_(task_rules.ACCOUNTABILITY_RULES),
            AlertRow.subject_code.startswith(prefix_of(unit)), AlertRow.subject_code != unit))).scalars().all()
        if alerts:
            cited: set[str] = set()
            for grounds in (await session.execute(select(AccountabilityRow.grounds).where(
                    AccountabilityRow.subject_code.startswith(prefix_of(unit))))).scalars():
                cited |= set(grounds)
            for a in alerts:
                found += task_rules.accountability_steps(task_rules.Alert(
                    a.alert_id, a.rule, a.campaign_id, a.subject_code, tuple(a.facts), a.due_on, a.proposal,
                    RULE_LABELS[Rule(a.rule)]), unit, cited)
    return found


# --- evidence files (zhengdun.attachments) -----------------------------------------------
# Uploaded for the unit inspected (or held accountable) before the record that rests on them.

INSPECTION_FILES = "inspection"
ACCOUNTABILITY_FILES = "accountability"
_WHERE = {INSPECTION_FILES: "对该单位的督导检查", ACCOUNTABILITY_FILES: "对该单位的问责"}


def _owner(kind: str, unit_code: str) -> dict:
    return {"kind": kind, "record_key": unit_code, "unit_code": unit_code}


async def store_attachment(uow: UnitOfWork, principal: Principal, kind: str, unit_code: str, filename: str,
                           content: bytes) -> SupervisionAttachment:
    row = attachments.stored(SupervisionAttachment, filename, content, today=await clock.today(uow.session),
                             actor=principal.actor.model_dump(mode="json"), **_owner(kind, unit_code))
    uow.session.add(row)
    await uow.commit()
    return row


async def attachment_refs(session, kind: str, unit_code: str, file_ids, field: str) -> list[dict]:
    return await attachments.resolve(session, SupervisionAttachment, file_ids, field, _WHERE[kind], **_owner(kind, unit_code))


async def find_attachment(session, kind: str, file_id: str) -> SupervisionAttachment | None:
    return await attachments.find(session, SupervisionAttachment, file_id, kind=kind)
