"""Service layer of the supervision service: use cases over a unit of work, calling the domain rules.

Each writing use case takes its command (``commands.py``), the unit of work and the caller, and commits once;
the reading ones take a session and filter, sort and page in SQL (``zhengdun.reading``).
"""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert

from supervision import alerts, journal, notifications
from supervision.appraisal import appraisal_export
from supervision import responses as R
from supervision.commands import (AccountabilityIn, CampaignRecordIn, EvaluationIn, FollowUpIn, InspectionIn, PlanIn,
                                  PreferencesIn, UnitPreferencesIn)
from supervision.domain.campaign_records import CampaignRecordKind, check_campaign_record
from supervision.domain.records import (AccountabilityKind, EvaluatedRole, InspectionKind, Study, annual_appraisal,
                                        check_grounds, check_in_plan_window, check_study)
from supervision.domain.rules import RULE_LABELS, Rule
from supervision.models import (AccountabilityRow, AlertRow, CampaignRow, CaseRow, EvaluationRow, FalsificationRow,
                                InspectionPlanRow, InspectionRow, StudyRow, CampaignRecordRow)
from supervision.models import NotificationPreference, SupervisionAttachment
from zhengdun import attachments, clock
from zhengdun.access import authorize_target
from zhengdun.auth import Principal
from zhengdun.events.supervision import AccountabilityDecided
from zhengdun.messaging.outbox import UnitOfWork
from zhengdun.pagination import Page, PageParams
from zhengdun.problems import Problem, conflict, not_found, unprocessable
from zhengdun.reading import paginate, within


def _new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


async def _business_date(uow: UnitOfWork, value: date, field: str) -> date:
    clock.not_in_future(value, await clock.today(uow.session), field)
    return value


async def create_plan(cmd: PlanIn, uow: UnitOfWork, principal: Principal) -> dict[str, Any]:
    data = cmd.model_dump()
    row = InspectionPlanRow(plan_id=_new_id("PLAN"), actor=principal.actor.model_dump(), **data)
    uow.session.add(row)
    await journal.append(uow.session, row.unit_code, "supervision.inspection_plan", row.plan_id,
                         {**journal.plain(data), "plan_id": row.plan_id, "actor": row.actor})
    await uow.commit()
    return R.plan_view(row)


async def record_inspection(cmd: InspectionIn, uow: UnitOfWork, principal: Principal) -> dict[str, Any]:
    data = cmd.model_dump()
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
    return R.inspection_view(row)


async def follow_up(cmd: FollowUpIn, uow: UnitOfWork, principal: Principal, inspection_id: str) -> dict[str, Any]:
    data = cmd.model_dump()
    row = await uow.session.get(InspectionRow, inspection_id, with_for_update=True)
    if row is None:
        raise not_found(f"督导检查 {inspection_id}")
    authorize_target(principal, "supervision.inspect", row.unit_code)
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
    return R.inspection_view(row)


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


async def decide_accountability(cmd: AccountabilityIn, uow: UnitOfWork, principal: Principal) -> dict[str, Any]:
    data = cmd.model_dump()
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
            await alerts.evaluate_scope(uow, campaign, found.township_code, today)
    await uow.commit()
    return R.action_view(row)


async def record_evaluation(cmd: EvaluationIn, uow: UnitOfWork, principal: Principal) -> dict[str, Any]:
    """Made at the county's study of a village in continued rectification, and reported to the city (seed 000
    §三(三) 末段): the study must exist and be of the evaluated person's unit."""
    data = cmd.model_dump()
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
    return R.evaluation_view(row)


async def appraisal(session, unit: str, year: int, person: str | None) -> dict[str, Any]:
    """述职评议考核: the year's accountability and evaluation results per person, within ``unit``."""
    actions = (await session.execute(select(AccountabilityRow).where(within(AccountabilityRow.subject_code, unit))
                                     .order_by(AccountabilityRow.created_at))).scalars()
    evaluations = (await session.execute(select(EvaluationRow).where(within(EvaluationRow.subject_code, unit))
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


async def appraisal_file(session, unit: str, year: int, person: str | None, format: str) -> tuple[bytes, str, str]:
    """The year's appraisal as a file (json or xlsx): its content, media type and name."""
    return appraisal_export(await appraisal(session, unit, year, person), format)


async def record_campaign_record(cmd: CampaignRecordIn, uow: UnitOfWork, principal: Principal) -> dict[str, Any]:
    """四统一, 五统一, 五到位 (seed 000 §三(二)1–3): a dated record by its body, in the unit's journal and in the
    journal of every village it names."""
    data = cmd.model_dump()
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
    return R.campaign_record_view(row)


# ---------------------------------------------------------------------------------------
# Reading: the records in the caller's reach, filtered, sorted and paged in SQL
# ---------------------------------------------------------------------------------------


async def list_alerts(session, principal: Principal, paging: PageParams, *, rule: Rule | None, status: str,
                      unit: str | None, village: str | None, campaign: str | None) -> Page:
    """Alerts about or within the caller's unit; ``status`` all = open and resolved (withdrawn ones are false
    alarms, listed only when asked for)."""
    mine = principal.division_code
    query = select(AlertRow).where(or_(within(AlertRow.scope_code, mine), within(AlertRow.subject_code, mine)))
    if rule:
        query = query.where(AlertRow.rule == rule.value)
    if status == "all":
        query = query.where(AlertRow.status != "withdrawn")
    else:
        query = query.where(AlertRow.status == status)
    if unit:
        query = query.where(or_(within(AlertRow.scope_code, unit), AlertRow.subject_code == unit))
    if village:
        query = query.where(AlertRow.village_code == village)
    if campaign:
        query = query.where(AlertRow.campaign_id == campaign)
    return await paginate(session, query, paging, order_by=[AlertRow.raised_on, AlertRow.key], out=R.alert_view)


async def alert(session, principal: Principal, alert_id: str) -> dict[str, Any]:
    """One alert; one the caller may not see is not found (its existence is not told)."""
    row = await session.get(AlertRow, alert_id)
    if row is None or not (principal.can_see(row.scope_code) or principal.can_see(row.subject_code)):
        raise not_found(f"预警 {alert_id}")
    return R.alert_view(row)


def _ancestors(code: str) -> list[str]:
    """The divisions above ``code``, up to its province."""
    found, parent = [], parent_code(code)
    while parent:
        found.append(parent)
        parent = parent_code(parent)
    return found


async def list_plans(session, principal: Principal, paging: PageParams) -> Page:
    """The plans of the caller's unit and below, and those of the units above it."""
    mine = principal.division_code
    query = select(InspectionPlanRow).where(or_(within(InspectionPlanRow.unit_code, mine),
                                                InspectionPlanRow.unit_code.in_(_ancestors(mine))))
    return await paginate(session, query, paging, order_by=[InspectionPlanRow.starts_on, InspectionPlanRow.plan_id],
                          out=R.plan_view)


async def list_inspections(session, principal: Principal, paging: PageParams, *, kind: InspectionKind | None,
                           unit: str | None) -> Page:
    query = select(InspectionRow).where(within(InspectionRow.unit_code, principal.division_code))
    if kind:
        query = query.where(InspectionRow.kind == kind.value)
    if unit:
        query = query.where(within(InspectionRow.unit_code, unit))
    return await paginate(session, query, paging, order_by=[InspectionRow.inspected_on, InspectionRow.inspection_id],
                          out=R.inspection_view)


async def list_accountability(session, principal: Principal, paging: PageParams, *, unit: str | None) -> Page:
    query = select(AccountabilityRow).where(within(AccountabilityRow.subject_code, principal.division_code))
    if unit:
        query = query.where(within(AccountabilityRow.subject_code, unit))
    return await paginate(session, query, paging, order_by=[AccountabilityRow.decided_on, AccountabilityRow.action_id],
                          out=R.action_view)


async def list_evaluations(session, principal: Principal, paging: PageParams, *, role: EvaluatedRole | None,
                           unit: str | None) -> Page:
    query = select(EvaluationRow).where(within(EvaluationRow.subject_code, principal.division_code))
    if role:
        query = query.where(EvaluationRow.role == role.value)
    if unit:
        query = query.where(within(EvaluationRow.subject_code, unit))
    return await paginate(session, query, paging, order_by=[EvaluationRow.evaluated_on, EvaluationRow.evaluation_id],
                          out=R.evaluation_view)


async def list_campaign_records(session, principal: Principal, paging: PageParams, *,
                                kind: CampaignRecordKind | None, unit: str | None) -> Page:
    query = select(CampaignRecordRow).where(within(CampaignRecordRow.unit_code, principal.division_code))
    if kind:
        query = query.where(CampaignRecordRow.kind == kind.value)
    if unit:
        query = query.where(within(CampaignRecordRow.unit_code, unit))
    return await paginate(session, query, paging, order_by=[CampaignRecordRow.held_on, CampaignRecordRow.record_id],
                          out=R.campaign_record_view)


async def journal_page(session, code: str, paging: PageParams) -> Page:
    entries, total = await journal.read_chain(session, code, paging.offset, paging.size)
    return Page(items=[R.journal_entry_view(e) for e in entries], total=total, page=paging.page,
                size=paging.size)


async def journal_verification(session, code: str) -> dict[str, Any]:
    result = await journal.verify_chain(session, code)
    return {"code": code, "valid": result.valid, "entries": result.entries, "broken_at": result.broken_at,
            "reason": result.reason, "algorithm": "sha256-canonical-json-v1"}


# ---------------------------------------------------------------------------------------
# The inbox (the console's bell) and notification preferences
# ---------------------------------------------------------------------------------------


async def inbox(session, principal: Principal, paging: PageParams, *, unread_only: bool) -> Page[R.NotificationOut]:
    rows, total = await notifications.inbox(session, principal.user_id, principal.division_code,
                                            unread_only=unread_only, offset=paging.offset, limit=paging.size)
    return Page(items=[R.notification_view(row, read) for row, read in rows], total=total,
                page=paging.page, size=paging.size)


async def unread_count(session, principal: Principal) -> R.UnreadCount:
    return R.UnreadCount(unread=await notifications.unread_count(session, principal.user_id, principal.division_code))


async def mark_read(uow: UnitOfWork, principal: Principal, notification_id: str) -> R.NotificationOut:
    row = await notifications.mark_read(uow.session, principal.user_id, principal.division_code, notification_id)
    if row is None:
        raise Problem(404, "not-found", "通知不存在 Not found", f"no notification {notification_id} in your inbox")
    await uow.commit()
    return R.notification_view(row, True)


async def my_preferences(session, principal: Principal) -> R.PreferencesOut:
    owner = notifications.user_owner(principal.user_id)
    pref = await session.get(NotificationPreference, owner)
    if pref is None:  # nothing set: the account's email, not used
        return R.PreferencesOut(owner=owner, email=principal.claims.get("email"), email_enabled=False)
    return R.PreferencesOut(owner=owner, email=pref.email, email_enabled=pref.email_enabled)


async def set_my_preferences(cmd: PreferencesIn, uow: UnitOfWork, principal: Principal) -> R.PreferencesOut:
    email = cmd.email or principal.claims.get("email")
    if cmd.email_enabled and not email:
        raise Problem(422, "email-missing", "缺少邮箱 Email missing", "no email given and none on the account",
                      errors=[{"field": "email", "message": "required to enable email"}])
    return await _save_preferences(uow, notifications.user_owner(principal.user_id), email=email,
                                   email_enabled=cmd.email_enabled)


async def unit_preferences(session, code: str) -> R.PreferencesOut:
    owner = notifications.unit_owner(code)
    pref = await session.get(NotificationPreference, owner)
    if pref is None:
        return R.PreferencesOut(owner=owner, email=None, email_enabled=False)
    return R.PreferencesOut(owner=owner, email=pref.email, email_enabled=pref.email_enabled,
                            webhook_url=pref.webhook_url, webhook_kind=pref.webhook_kind)


async def set_unit_preferences(cmd: UnitPreferencesIn, uow: UnitOfWork, code: str) -> R.PreferencesOut:
    if cmd.email_enabled and not cmd.email:
        raise Problem(422, "email-missing", "缺少邮箱 Email missing", "email_enabled needs an email",
                      errors=[{"field": "email", "message": "required to enable email"}])
    return await _save_preferences(uow, notifications.unit_owner(code), email=cmd.email,
                                   email_enabled=cmd.email_enabled,
                                   webhook_url=str(cmd.webhook_url) if cmd.webhook_url else None,
                                   webhook_kind=cmd.webhook_kind if cmd.webhook_url else None)


async def _save_preferences(uow: UnitOfWork, owner: str, **values) -> R.PreferencesOut:
    await uow.session.execute(insert(NotificationPreference).values(owner=owner, **values)
                              .on_conflict_do_update(index_elements=["owner"], set_=values))
    await uow.commit()
    return R.PreferencesOut(owner=owner, **{"webhook_url": None, "webhook_kind": None, **values})


async def notification_statistics(session, unit: str) -> R.NotificationStatistics:
    return R.NotificationStatistics(unit=unit, **await notifications.statistics(session, unit))


# ---------------------------------------------------------------------------------------
# The to-do list (GET /tasks): the caller's plans, demands and accountability alerts, a few queries
# whatever their number; domain/tasks.py says which are still open.
# ---------------------------------------------------------------------------------------
from supervision.domain import tasks as task_rules  # noqa: E402
from zhengdun.access import POLICY  # noqa: E402
from zhengdun.divisions import city_of, parent_code  # noqa: E402
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
                within(EvaluationRow.subject_code, unit)))).all())
            found += task_rules.evaluation_steps(cases, evaluated)
    if POLICY["supervision.hold_accountable"].allows(roles, level):
        alerts = (await session.execute(select(AlertRow).where(
            AlertRow.status == "open", AlertRow.rule.in_(task_rules.ACCOUNTABILITY_RULES),
            within(AlertRow.subject_code, unit), AlertRow.subject_code != unit))).scalars().all()
        if alerts:
            cited: set[str] = set()
            for grounds in (await session.execute(select(AccountabilityRow.grounds).where(
                    within(AccountabilityRow.subject_code, unit)))).scalars():
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
SPECIAL_ACTION_FILES = "special_action"          # unit: the township keeping the action
_WHERE = {INSPECTION_FILES: "对该单位的督导检查", ACCOUNTABILITY_FILES: "对该单位的问责",
          SPECIAL_ACTION_FILES: "该乡镇的专项行动"}


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


async def readable_attachment(session, principal: Principal, kind: str, file_id: str) -> SupervisionAttachment:
    """A file of ``kind``, if the caller may read the records of its unit."""
    row = await find_attachment(session, kind, file_id)
    if row is None:
        raise not_found(f"佐证材料 {file_id}")
    authorize_target(principal, "supervision.read", row.unit_code)
    return row
