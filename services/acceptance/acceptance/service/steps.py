"""The steps of a village's acceptance, in the order of domain.md §6.

Each step is one use case: the route has loaded the acceptance FOR UPDATE and checked the caller's
reach; the use case rebuilds the domain aggregate, runs the step (which raises before changing
anything when refused), then writes the new state, the step's record and any signed document in one
statement (rows.write_step), the events through the unit of work, and commits once.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import date

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from acceptance.commands import (ApplicationIn, ApprovalIn, CountyGroupIn, CountyReportIn, DelistIn, Empty, NoticeIn,
                                 ObjectionAnswerIn, ObjectionIn, OpinionIn, PostEvaluationIn, PreliminaryIn, SelfCheckIn,
                                 SpotCheckIn, SpotCheckLevel, SurveyIn)
from acceptance.domain.process import Acceptance, Outcome, Person, joint_statement, spot_check_levels
from acceptance.models import AcceptanceAttachment, AcceptanceRow, Document, Seal, Signature
from acceptance.service import documents
from acceptance.service.files import owner
from acceptance.service.read_model import policy_version_of
from acceptance.service.reading import acceptance_view, step_view
from acceptance.service.rows import StepRecord, aggregate, division_name, person_of, surroundings_of, write_step
from acceptance.service.spot_checks import level_name, require_level, spot_check_levels_of
from acceptance.service.standard import current_standard
from zhengdun import attachments, clock
from zhengdun.auth import Principal
from zhengdun.divisions import city_of, level_of
from zhengdun.events.acceptance import (AcceptanceFailed, AcceptanceStep, AcceptanceStepPassed, PostEvaluated,
                                        VillageAccepted, VillageDelisted)
from zhengdun.events.base import Actor
from zhengdun.events.screening import Policy
from zhengdun.messaging.outbox import UnitOfWork
from zhengdun.problems import forbidden
from zhengdun.roles import REVIEW_DEPARTMENT_LABELS, ReviewDepartment, Role


@dataclass
class StepContext:
    """One step in progress on one acceptance, inside its unit of work."""
    uow: UnitOfWork
    row: AcceptanceRow
    acc: Acceptance
    actor: Actor
    today: date
    policy: Policy
    policy_version: int | None = None      # the version the step applied, kept on its record
    document_id: str | None = None         # the document the step signed, named by its event
    new_documents: list[Document] = field(default_factory=list)   # made, signed and sealed by the step: written
    signatures: list[Signature] = field(default_factory=list)     # with its state by _finish
    seals: list[Seal] = field(default_factory=list)

    @property
    def session(self) -> AsyncSession:
        return self.uow.session

    def person(self, role: str) -> Person:
        return person_of(self.actor, role)

    async def village_name(self) -> str:
        around = surroundings_of(self.session)
        return around.village_name or self.row.village_code if around else \
            await division_name(self.session, self.row.village_code)

    def new_document(self, kind: str, content: dict) -> Document:
        doc = documents.new_document(self.row.acceptance_id, kind, content, self.today)
        self.new_documents.append(doc)
        return doc

    def sign(self, doc: Document, person: Person) -> None:
        self.signatures.append(documents.signature(doc, person, self.today))

    async def seal(self, doc: Document, unit_code: str) -> None:
        self.seals.append(await documents.seal(self.session, doc, unit_code, self.today))

    def base_content(self, kind: str, title: str) -> dict:
        return {"kind": kind, "title": title, "acceptance_id": self.row.acceptance_id, "case_id": self.row.case_id,
                "campaign_id": self.row.campaign_id, "village_code": self.row.village_code, "round": self.row.round}

    def documents(self) -> dict:
        """The acceptance's documents by kind, to note a new one in."""
        self.acc.state["documents"] = dict(self.acc.state.get("documents", {}))
        return self.acc.state["documents"]

    async def files(self, file_ids: list[str], field: str) -> list[dict]:
        """The references of ``file_ids``, each a file of this acceptance (else 422 naming ``field``)."""
        return await attachments.resolve(self.session, AcceptanceAttachment, file_ids, field, "本次验收", **owner(self.row))

    def keep_files(self, step: str, refs: list[dict]) -> None:
        """Keep the references in the acceptance's state under the step's name."""
        if not refs:
            return
        kept = dict(self.acc.state.get("attachments", {}))
        known = {r["file_id"] for r in kept.get(step, [])}
        kept[step] = [*kept.get(step, []), *(r for r in refs if r["file_id"] not in known)]
        self.acc.state["attachments"] = kept


async def _begin(uow: UnitOfWork, row: AcceptanceRow, actor: Actor, *, dates: dict[str, date] | None = None) -> StepContext:
    around = surroundings_of(uow.session)
    today = around.today if around else await clock.today(uow.session)
    for name, value in (dates or {}).items():
        clock.not_in_future(value, today, name)
    policy, version = await policy_version_of(uow.session, row.campaign_id, today,
                                              around.policy_versions if around else None)
    return StepContext(uow, row, aggregate(row), actor, today, policy, version)


async def _finish(ctx: StepContext, step_name: str, body: BaseModel | dict, outcome: Outcome) -> dict:
    """Store the step's state, record, documents and events (one statement), commit; answer the
    acceptance as it is now: as the step left it, with the documents the lock read and the step's own (the ORM row
    stays as locked: nothing is flushed from it)."""
    record = StepRecord(step_name, outcome.kind, body.model_dump(mode="json") if isinstance(body, BaseModel) else body,
                        ctx.actor.model_dump(mode="json"), ctx.policy_version)
    _publish(ctx, outcome)
    await write_step(ctx.session, ctx.acc, ctx.today, record, ctx.new_documents, ctx.signatures, ctx.seals,
                     ctx.uow.take_pending())
    around = surroundings_of(ctx.session)
    view = step_view(ctx.row, ctx.acc, ctx.today, around, ctx.new_documents) if around else \
        await _view_after_write(ctx)
    await ctx.uow.commit()
    return view


async def _view_after_write(ctx: StepContext) -> dict:
    """The answer of a step on an acceptance not loaded by rows.load_for_update: read back."""
    await ctx.session.refresh(ctx.row)
    return await acceptance_view(ctx.session, ctx.row)


def _publish(ctx: StepContext, outcome: Outcome) -> None:
    row, today = ctx.row, ctx.today
    ref = dict(acceptance_id=row.acceptance_id, case_id=row.case_id, campaign_id=row.campaign_id,
               village_code=row.village_code, township_code=row.township_code, county_code=row.county_code)

    def out(payload):
        ctx.uow.publish(payload, division_code=row.village_code, actor=ctx.actor, campaign_id=row.campaign_id)

    if outcome.kind == "failed":
        out(AcceptanceFailed(**ref, step=AcceptanceStep(_event_step(outcome.step)), failed_on=today,
                             reason=outcome.reason, revokes_acceptance=outcome.revokes_acceptance))
        return
    if outcome.kind == "recorded":
        return
    if outcome.kind == "delisted":
        out(VillageDelisted(**ref, delisted_on=today, post_evaluation_due=date.fromisoformat(ctx.acc.state["post_evaluation_due"])))
        return
    out(AcceptanceStepPassed(**ref, step=AcceptanceStep(outcome.step), passed_on=today, document_id=ctx.document_id,
                             score=outcome.score))
    if outcome.kind == "accepted":
        out(VillageAccepted(**ref, accepted_on=today, satisfaction=outcome.score))
    elif outcome.kind == "post_evaluated":
        evaluation = ctx.acc.state["post_evaluation"]
        out(PostEvaluated(**ref, evaluated_on=today, relapsed=evaluation["relapsed"], reason=evaluation["reason"]))


async def _spot_check_levels(ctx: StepContext) -> tuple[str, ...]:
    """Who spot-checks the acceptance's campaign: by the campaign's area as the step's lock read it."""
    around = surroundings_of(ctx.session)
    if around is None:
        return (await spot_check_levels_of(ctx.session, [ctx.row.campaign_id]))[ctx.row.campaign_id]
    return spot_check_levels(level_of(around.campaign_area) if around.campaign_area else None)


def _event_step(step: str | None) -> str:
    return step if step in {s.value for s in AcceptanceStep} else AcceptanceStep.NOTICE.value


def _role(principal: Principal, *roles: str) -> str:
    """The first of ``roles`` the caller holds: the capacity in which they sign."""
    for role in roles:
        if principal.has(role):
            return role
    raise forbidden(f"须以 {roles} 身份办理 (needs one of the roles {roles})")


# ------------------------------------------------------------------ 1. application


async def sign_application(command: ApplicationIn, uow: UnitOfWork, row: AcceptanceRow, principal: Principal) -> dict:
    """The team leader and the village secretary sign one application; the first one writes it."""
    ctx = await _begin(uow, row, principal.actor)
    person = ctx.person(_role(principal, Role.WORK_TEAM_LEADER, Role.VILLAGE_SECRETARY))
    files = await ctx.files(command.attachments, "body.attachments")
    outcome = ctx.acc.sign_application(person, ctx.today)
    ctx.keep_files("application", files)
    docs = ctx.documents()
    if "application" not in docs:
        content = ctx.base_content("application", "整顿验收联名申请书") | {
            "village_name": await ctx.village_name(),
            "statement": joint_statement(command.statement, signed=None), "attachments": files}
        doc = ctx.new_document("application", content)
        docs["application"] = doc.document_id
    else:
        doc = await ctx.session.get(Document, docs["application"])
        joint_statement(command.statement, signed=json.loads(doc.content)["statement"])
    ctx.sign(doc, person)
    ctx.document_id = doc.document_id
    return await _finish(ctx, "application", command, outcome)


# ------------------------------------------------------------------ 2. self-check


async def self_check(command: SelfCheckIn, uow: UnitOfWork, row: AcceptanceRow, principal: Principal) -> dict:
    ctx = await _begin(uow, row, principal.actor)
    outcome = ctx.acc.self_check(await current_standard(ctx.session, row.campaign_id), command.scores, ctx.today)
    return await _finish(ctx, "self_check", command, outcome)


# ------------------------------------------------------------------ 3. township preliminary


async def record_preliminary(command: PreliminaryIn, uow: UnitOfWork, row: AcceptanceRow, principal: Principal) -> dict:
    ctx = await _begin(uow, row, principal.actor, dates={"meeting.held_on": command.meeting.held_on})
    person = ctx.person(_role(principal, Role.TOWNSHIP_COMMITTEE, Role.ORG_STAFF))
    files = await ctx.files(command.attachments, "body.attachments")
    outcome = ctx.acc.record_preliminary(person, passed=command.passed, inspection_group=command.inspection_group,
                                         today=ctx.today)
    content = ctx.base_content("preliminary_report", "乡镇初验报告") | {
        "village_name": await ctx.village_name(),
        "township_code": row.township_code, "inspection_group": command.inspection_group,
        "meeting": command.meeting.model_dump(mode="json"), "passed": command.passed, "report": command.report,
        "self_check_total": ctx.acc.state["self_check"]["total"],
        "conclusion": "同意摘帽" if command.passed else "不同意摘帽", "attachments": files}
    ctx.keep_files("preliminary", files)
    doc = ctx.new_document("preliminary_report", content)
    ctx.documents()["preliminary_report"] = doc.document_id
    return await _finish(ctx, "preliminary", command, outcome)


async def sign_preliminary(command: Empty, uow: UnitOfWork, row: AcceptanceRow, principal: Principal) -> dict:
    ctx = await _begin(uow, row, principal.actor)
    person = ctx.person(Role.TOWNSHIP_PRINCIPAL)
    outcome = ctx.acc.sign_preliminary(person, ctx.today)
    doc = await ctx.session.get(Document, ctx.documents()["preliminary_report"])
    ctx.sign(doc, person)
    await ctx.seal(doc, row.township_code)
    ctx.document_id = doc.document_id
    return await _finish(ctx, "preliminary_sign", command, outcome)


# ------------------------------------------------------------------ 4. county acceptance


async def form_county_group(command: CountyGroupIn, uow: UnitOfWork, row: AcceptanceRow, principal: Principal) -> dict:
    ctx = await _begin(uow, row, principal.actor)
    leader = command.leader
    leader_person = Person(leader.user_id, leader.name, "group_leader", "") if leader.user_id else None
    departments = [d.value for d in (command.departments or list(ReviewDepartment))]
    outcome = ctx.acc.form_county_group(ctx.person(Role.ORG_STAFF), leader=leader_person, leader_rank=leader.rank.value,
                                        departments=departments, today=ctx.today)
    ctx.acc.state["county"]["group"] = {"leader": leader.model_dump(mode="json"), "members": command.members}
    return await _finish(ctx, "county_group", command, outcome)


async def county_opinion(command: OpinionIn, uow: UnitOfWork, row: AcceptanceRow, principal: Principal) -> dict:
    """A joint-review department gives its opinion, signed by its own account."""
    ctx = await _begin(uow, row, principal.actor)
    department = next((d for d in ReviewDepartment if principal.has(d.role)), None)
    if department is None:
        raise forbidden("须以联审部门账号出具意见 (a joint-review department account is required)")
    person = ctx.person(department.role)
    outcome = ctx.acc.record_opinion(person, department.value, agrees=command.agrees, today=ctx.today)
    content = ctx.base_content("review_opinion", f"{REVIEW_DEPARTMENT_LABELS[department]}联审意见") | {
        "department": department.value, "department_label": REVIEW_DEPARTMENT_LABELS[department],
        "agrees": command.agrees, "opinion": command.opinion}
    doc = ctx.new_document("review_opinion", content)
    ctx.sign(doc, person)
    ctx.acc.state["county"]["opinions"][department.value].update(opinion=command.opinion, document_id=doc.document_id)
    return await _finish(ctx, "county_opinion", command, outcome)


async def county_report(command: CountyReportIn, uow: UnitOfWork, row: AcceptanceRow, principal: Principal) -> dict:
    ctx = await _begin(uow, row, principal.actor)
    files = await ctx.files(command.attachments, "body.attachments")
    outcome = ctx.acc.report_county(ctx.person(Role.ORG_STAFF), passed=command.passed, today=ctx.today)
    ctx.acc.state["county"]["report"] = {"text": command.report,
                                         "score": str(command.score) if command.score is not None else None,
                                         "attachments": files}
    ctx.keep_files("county_report", files)
    return await _finish(ctx, "county_report", command, outcome)


async def county_approve(command: ApprovalIn, uow: UnitOfWork, row: AcceptanceRow, principal: Principal) -> dict:
    ctx = await _begin(uow, row, principal.actor, dates={"meeting_on": command.meeting_on})
    outcome = ctx.acc.approve_county(ctx.person(Role.STANDING_COMMITTEE), approved=command.approved, today=ctx.today)
    ctx.acc.state["county"]["approval"] = {"meeting_on": command.meeting_on.isoformat(), "minutes": command.minutes}
    return await _finish(ctx, "county_approve", command, outcome)


async def county_sign(command: Empty, uow: UnitOfWork, row: AcceptanceRow, principal: Principal) -> dict:
    """The county secretary signs the county report and the county committee's seal goes on it."""
    ctx = await _begin(uow, row, principal.actor)
    person = ctx.person(Role.COUNTY_SECRETARY)
    outcome = ctx.acc.sign_county(person, ctx.today, filed_with=city_of(row.county_code))
    content = await documents.county_report_content(ctx.session, row, ctx.acc, await ctx.village_name())
    doc = ctx.new_document("county_acceptance_report", content)
    ctx.documents()["county_acceptance_report"] = doc.document_id
    ctx.sign(doc, person)
    await ctx.seal(doc, row.county_code)
    ctx.document_id = doc.document_id
    return await _finish(ctx, "county_sign", command, outcome)


# ------------------------------------------------------------------ 5. survey


async def survey(command: SurveyIn, uow: UnitOfWork, row: AcceptanceRow, principal: Principal) -> dict:
    ctx = await _begin(uow, row, principal.actor)
    outcome = ctx.acc.survey(ctx.person(Role.ORG_STAFF), respondents=command.respondents, satisfied=command.satisfied,
                             threshold=ctx.policy.satisfaction_threshold, today=ctx.today)
    return await _finish(ctx, "survey", command, outcome)


# ------------------------------------------------------------------ 6. spot checks


async def spot_check(command: SpotCheckIn, uow: UnitOfWork, row: AcceptanceRow, principal: Principal,
                     level: SpotCheckLevel) -> dict:
    """The drawn village's spot check by the city or the province, or by the county in its own campaign (only that
    level records it)."""
    if level_name(principal.division_code) != level.value:
        raise forbidden(f"{level.value} 抽查须由该级组织部门办理 (only the {level.value} may record its spot check)")
    ctx = await _begin(uow, row, principal.actor)
    require_level(await _spot_check_levels(ctx), level.value, row.campaign_id)
    outcome = ctx.acc.record_spot_check(ctx.person(Role.ORG_STAFF), level.value, passed=command.passed, today=ctx.today)
    ctx.acc.state["spot_checks"][level.value]["findings"] = command.findings
    return await _finish(ctx, f"{level.value}_spot_check", command, outcome)


# ------------------------------------------------------------------ 7. notice and delisting


async def notice(command: NoticeIn, uow: UnitOfWork, row: AcceptanceRow, principal: Principal) -> dict:
    ctx = await _begin(uow, row, principal.actor)
    levels = await _spot_check_levels(ctx)
    outcome = ctx.acc.start_notice(ctx.person(Role.TOWNSHIP_COMMITTEE), ctx.today,
                                   notice_days=ctx.policy.acceptance_notice_days, spot_check_levels=levels)
    ctx.acc.state["notice"]["place"] = command.place
    return await _finish(ctx, "notice", command, outcome)


async def record_objection(command: ObjectionIn, uow: UnitOfWork, row: AcceptanceRow, principal: Principal) -> dict:
    ctx = await _begin(uow, row, principal.actor, dates={"raised_on": command.raised_on})
    outcome = ctx.acc.record_objection(uuid.uuid4().hex[:12], raised_on=command.raised_on, content=command.content,
                                       today=ctx.today)
    return await _finish(ctx, "notice_objection", command, outcome)


async def answer_objection(command: ObjectionAnswerIn, uow: UnitOfWork, row: AcceptanceRow, principal: Principal,
                           objection_id: str) -> dict:
    ctx = await _begin(uow, row, principal.actor, dates={"answered_on": command.answered_on})
    outcome = ctx.acc.answer_objection(objection_id, answer=command.answer, answered_on=command.answered_on)
    return await _finish(ctx, "notice_objection_answer",
                         {"objection_id": objection_id, **command.model_dump(mode="json")}, outcome)


async def delist(command: DelistIn, uow: UnitOfWork, row: AcceptanceRow, principal: Principal) -> dict:
    ctx = await _begin(uow, row, principal.actor)
    outcome = ctx.acc.delist(ctx.person(Role.ORG_STAFF), objection_upheld=command.objection_upheld, today=ctx.today,
                             post_evaluation_months=ctx.policy.post_evaluation_months)
    return await _finish(ctx, "delist", command, outcome)


# ------------------------------------------------------------------ 8. post-evaluation


async def post_evaluate(command: PostEvaluationIn, uow: UnitOfWork, row: AcceptanceRow, principal: Principal) -> dict:
    ctx = await _begin(uow, row, principal.actor)
    outcome = ctx.acc.post_evaluate(ctx.person(Role.TOWNSHIP_COMMITTEE), relapsed=command.relapsed,
                                    reason=command.reason, today=ctx.today)
    return await _finish(ctx, "post_evaluation", command, outcome)
