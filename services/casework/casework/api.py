"""HTTP routes of the casework service: thin — parse, authorize, call the service layer, answer."""
from __future__ import annotations

import dataclasses
from datetime import date

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select

from casework import ledger, service
from casework import responses as R
from casework.ledger import case_view, entry_view
from casework.models import Case, EvidenceFile
from casework.service import Writer, uow_publisher
from zhengdun import attachments, clock
from zhengdun.attachments import AttachmentOut
from zhengdun.access import authorize_target, authorized
from zhengdun.auth import Principal
from zhengdun.clock import clock_router
from zhengdun.divisions import prefix_of
from zhengdun.events.casework import CASE_PHASE_LABELS, CasePhase, MeasureStatus, Person
from zhengdun.events.screening import CadreRank
from zhengdun.params import DIVISION_CODE, DivisionCode, Identifier, Uuid
from zhengdun.pagination import Page, PageParams, page_params
from zhengdun.problems import forbidden, not_found
from zhengdun.registry import Division
from zhengdun.registry_api import division_router
from zhengdun.responses import files
from zhengdun.roles import Role

router = APIRouter()
cases = APIRouter(prefix="/cases", tags=["cases 整顿台账"])
CODE = DIVISION_CODE  # exactly the codes zhengdun.divisions accepts


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChangeDecisionIn(_In):
    """The county's decision a change of team or contact leader rests on (不转化不脱钩)."""
    reference: str = Field(min_length=1, max_length=200, description="县委常委会或县委组织部决定的文号或标题")
    decided_on: date


_DECISION = "调整时必填：县委常委会或县委组织部的决定（文号或标题、日期）；首次选派不填"


_EXCEPTION = "持续整顿阶段调整时必填：原工作队和联系分包领导原则上保持不变，说明作为例外调整的理由"


class TeamIn(_In):
    leader: Person
    members: list[Person]
    stationed_on: date
    change_reason: str | None = None
    decision: ChangeDecisionIn | None = Field(None, description=_DECISION)
    exception_reason: str | None = Field(None, max_length=500, description=_EXCEPTION)


class ContactLeaderIn(_In):
    leader: Person
    assigned_on: date
    change_reason: str | None = None
    decision: ChangeDecisionIn | None = Field(None, description=_DECISION)
    exception_reason: str | None = Field(None, max_length=500, description=_EXCEPTION)


class FirstSecretaryIn(_In):
    secretary: Person
    appointed_on: date
    change_reason: str | None = None


class PairingIn(_In):
    secretary: Person
    secretary_village_code: str = Field(pattern=CODE)
    paired_on: date


class ProblemIn(_In):
    title: str
    detail: str = ""
    criterion_code: str | None = Field(None, description="列入本村的认定标准；现场新发现的问题不填")
    found_on: date


class TaskIn(_In):
    problem_id: str
    title: str


class MeasureIn(_In):
    task_id: str
    title: str
    responsible: Person | str | None = Field(
        None, description="责任人：有平台账号的填 {name, user_id, username}；没有账号的可填姓名（自由文本）")
    deadline: date | None = None


class PlanPublicationIn(_In):
    published_on: date
    notice: str = ""


class CommentIn(_In):
    commenter: str = ""
    text: str
    received_on: date


class AnswerIn(_In):
    answer: str
    answered_on: date


class ProgressIn(_In):
    status: MeasureStatus
    narrative: str
    evidence_ids: list[str] = []
    progress_on: date
    corrects: str | None = Field(None, description="更正的进展记录编号（新记录指向被更正的记录，原记录不改）")


class VisitIn(_In):
    visited_on: date
    team_members: list[str] = []
    village_cadres: list[str] = []
    key_persons: list[str] = []
    problems_pushed: list[str] = []
    notes: str = ""


class ProgressReportIn(_In):
    filed_on: date
    period_start: date | None = Field(None, description="报送周期的起始日；不填为报送日所在的周期（补报以往周期时填写）")
    summary: str = Field(min_length=1, max_length=5000, description="本期整顿进展情况")


class StudyIn(_In):
    studied_on: date
    meeting: str
    conclusion: str


class SupervisionIn(_In):
    supervisor: Person
    deadline: date
    decided_on: date


class SecondReviewIn(_In):
    reviewed_on: date
    county_secretary: Person
    conclusion: str


class CaseSummary(BaseModel):
    case_id: str
    campaign_id: str
    village_code: str
    village_name: str | None
    township_code: str
    county_code: str
    category: str
    phase: CasePhase
    phase_label: str
    designated_on: date
    opened_on: date
    updated_on: date


async def _write(request: Request, principal: Principal, action: str, case_id: str, step, *, dates: dict[str, date]):
    """Lock the case, check the caller's reach and the dates, run one step, commit with its events."""
    async with request.app.state.runtime.unit_of_work() as uow:
        today = await clock.today(uow.session)
        writer = await service.writer_for(uow.session, case_id, today, principal.actor, uow_publisher(uow))
        if writer is None:
            raise not_found(f"案件 {case_id}")
        authorize_target(principal, action, writer.case.village_code)
        for field, value in dates.items():
            clock.not_in_future(value, today, field)
        entry = await step(writer)
        await uow.session.flush()  # the entry's place in the book (seq)
        await uow.commit()
    # The step's own entry (the first it appended when it returns none, e.g. the team stationed).
    entry = entry or writer.appended[0]
    entry = dataclasses.replace(entry, seq=writer.rows[entry.entry_id].seq)
    return {"case_id": case_id, "phase": writer.book.phase.value, "entry": entry_view(entry)}


async def _village_name(session, code: str) -> str | None:
    return (await session.execute(select(Division.name).where(Division.code == code))).scalar_one_or_none()


# ---------------------------------------------------------------------------------------- reading


@cases.get("", response_model=Page[CaseSummary], summary="整顿村列表（辖区内，可按县、乡镇、阶段筛选）")
async def list_cases(request: Request, county: DivisionCode | None = Query(None),
                     township: DivisionCode | None = Query(None), phase: CasePhase | None = None,
                     campaign_id: Identifier | None = None, paging: PageParams = Depends(page_params),
                     principal: Principal = Depends(authorized("case.read", target="county"))):
    if township:
        authorize_target(principal, "case.read", township)
    query = select(Case, Division.name).outerjoin(Division, Division.code == Case.village_code) \
        .where(Case.village_code.startswith(prefix_of(principal.division_code)))
    if county:
        query = query.where(Case.village_code.startswith(prefix_of(county)))
    if township:
        query = query.where(Case.village_code.startswith(prefix_of(township)))
    if phase:
        query = query.where(Case.phase == phase.value)
    if campaign_id:
        query = query.where(Case.campaign_id == campaign_id)
    async with request.app.state.runtime.session_factory() as session:
        total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
        rows = (await session.execute(query.order_by(Case.village_code, Case.campaign_id)
                                      .offset(paging.offset).limit(paging.size))).all()
    items = [CaseSummary(case_id=c.case_id, campaign_id=c.campaign_id, village_code=c.village_code, village_name=name,
                         township_code=c.township_code, county_code=c.county_code, category=c.category,
                         phase=CasePhase(c.phase), phase_label=CASE_PHASE_LABELS[CasePhase(c.phase)],
                         designated_on=c.designated_on, opened_on=c.opened_on, updated_on=c.updated_on) for c, name in rows]
    return Page[CaseSummary](items=items, total=total, page=paging.page, size=paging.size)


async def _readable_case(session, principal: Principal, case_id: str) -> Case:
    case = await service.find_case(session, case_id)
    if case is None:
        raise not_found(f"案件 {case_id}")
    authorize_target(principal, "case.read", case.village_code)
    return case


@cases.get("/{case_id}", response_model=R.CaseDetail, summary="一村一册：案件详情（工作队、联系领导、三张清单、进展、走访、持续整顿）")
async def case_detail(case_id: Uuid, request: Request, principal: Principal = Depends(authorized("case.read"))):
    async with request.app.state.runtime.session_factory() as session:
        case = await _readable_case(session, principal, case_id)
        return case_view(case, await service.load_book(session, case), await _village_name(session, case.village_code))


async def _ledger(request: Request, principal: Principal, case_id: str, as_of: date | None):
    async with request.app.state.runtime.session_factory() as session:
        case = await _readable_case(session, principal, case_id)
        today = await clock.today(session)
        as_of = as_of or today
        clock.not_in_future(as_of, today, "as_of")
        entries = await service.entries_of(session, case.case_id, as_of)
        book = service.CaseBook.from_entries(service.header_of(case), entries)
        return ledger.ledger_document(case, book, entries, as_of, await _village_name(session, case.village_code))


@cases.get("/{case_id}/ledger", response_model=R.LedgerOut, summary="台账：全部记录按序，可查看任一过去日期的状态 (as_of)")
async def case_ledger(case_id: Uuid, request: Request, as_of: date | None = Query(None, description="截至日期，默认今天"),
                      principal: Principal = Depends(authorized("case.read"))):
    return await _ledger(request, principal, case_id, as_of)


@cases.get("/{case_id}/ledger/export", summary="导出台账（json 或 xlsx）", response_class=Response,
           responses={200: {"model": R.LedgerOut, **files(ledger.XLSX, description="台账 (json or xlsx, as attachment)")[200]}})
async def export_ledger(case_id: Uuid, request: Request, format: str = Query("xlsx", pattern="^(json|xlsx)$"),
                        as_of: date | None = None, principal: Principal = Depends(authorized("case.read"))):
    document = await _ledger(request, principal, case_id, as_of)
    name = f"ledger-{document['case']['village_code']}-{document['as_of']}.{format}"
    if format == "json":
        return Response(ledger.ledger_json(document), media_type="application/json",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return Response(ledger.ledger_xlsx(document),
                    media_type=ledger.XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# ---------------------------------------------------------------------------------------- staffing


@cases.put("/{case_id}/team", response_model=R.WriteOut, summary="选派工作队（调整须说明理由，并依据县委的决定）")
async def station_team(case_id: Uuid, body: TeamIn, request: Request,
                       principal: Principal = Depends(authorized("case.staff"))):
    async def step(w: Writer):
        await service.station_team(w, body.leader, body.members, body.stationed_on, body.change_reason,
                                   body.decision.model_dump() if body.decision else None, body.exception_reason)
    return await _write(request, principal, "case.staff", case_id, step, dates={
        "stationed_on": body.stationed_on, **({"decision.decided_on": body.decision.decided_on} if body.decision else {})})


@cases.put("/{case_id}/contact-leader", response_model=R.WriteOut, summary="明确联系分包县级领导（不转化不脱钩：调整须说明理由，并依据县委的决定）")
async def assign_contact_leader(case_id: Uuid, body: ContactLeaderIn, request: Request,
                                principal: Principal = Depends(authorized("case.staff"))):
    async def step(w: Writer):
        await service.assign_contact_leader(w, body.leader, body.assigned_on, body.change_reason,
                                            body.decision.model_dump() if body.decision else None, body.exception_reason)
    return await _write(request, principal, "case.staff", case_id, step, dates={
        "assigned_on": body.assigned_on, **({"decision.decided_on": body.decision.decided_on} if body.decision else {})})


@cases.put("/{case_id}/first-secretary", response_model=R.WriteOut, summary="选派第一书记")
async def appoint_first_secretary(case_id: Uuid, body: FirstSecretaryIn, request: Request,
                                  principal: Principal = Depends(authorized("case.staff"))):
    async def step(w: Writer):
        await service.appoint_first_secretary(w, body.secretary, body.appointed_on, body.change_reason)
    return await _write(request, principal, "case.staff", case_id, step, dates={"appointed_on": body.appointed_on})


@cases.post("/{case_id}/pairings", response_model=R.WriteOut, status_code=201, summary="与优秀村党组织书记结对（一人至多结对政策规定数量的村）")
async def pair_secretary(case_id: Uuid, body: PairingIn, request: Request,
                         principal: Principal = Depends(authorized("case.staff"))):
    async def step(w: Writer):
        await service.pair_secretary(w, body.secretary, body.secretary_village_code, body.paired_on)
    return await _write(request, principal, "case.staff", case_id, step, dates={"paired_on": body.paired_on})


# ---------------------------------------------------------------------------------------- the three lists


@cases.post("/{case_id}/problems", response_model=R.WriteOut, status_code=201, summary="问题清单：增加问题（关联认定标准或现场新发现）")
async def add_problem(case_id: Uuid, body: ProblemIn, request: Request,
                      principal: Principal = Depends(authorized("case.plan"))):
    return await _write(request, principal, "case.plan", case_id,
                        lambda w: service.add_problem(w, body.title, body.detail, body.criterion_code, body.found_on),
                        dates={"found_on": body.found_on})


@cases.post("/{case_id}/tasks", response_model=R.WriteOut, status_code=201, summary="任务清单：针对问题的整改任务")
async def add_task(case_id: Uuid, body: TaskIn, request: Request,
                   principal: Principal = Depends(authorized("case.plan"))):
    return await _write(request, principal, "case.plan", case_id, lambda w: service.add_task(w, body.problem_id, body.title),
                        dates={})


@cases.post("/{case_id}/measures", response_model=R.WriteOut, status_code=201, summary="整改措施：每项须有责任人和完成时限（责任清单由此生成）")
async def plan_measure(case_id: Uuid, body: MeasureIn, request: Request,
                       principal: Principal = Depends(authorized("case.plan"))):
    return await _write(request, principal, "case.plan", case_id,
                        lambda w: service.plan_measure(w, body.task_id, body.title, body.responsible, body.deadline),
                        dates={})


@cases.post("/{case_id}/plan/publication", response_model=R.WriteOut, status_code=201, summary="整顿方案公开征求群众意见")
async def publish_plan(case_id: Uuid, body: PlanPublicationIn, request: Request,
                       principal: Principal = Depends(authorized("case.plan"))):
    return await _write(request, principal, "case.plan", case_id,
                        lambda w: service.publish_plan(w, body.published_on, body.notice),
                        dates={"published_on": body.published_on})


@cases.post("/{case_id}/plan/comments", response_model=R.WriteOut, status_code=201, summary="记录群众意见")
async def add_comment(case_id: Uuid, body: CommentIn, request: Request,
                      principal: Principal = Depends(authorized("case.plan"))):
    return await _write(request, principal, "case.plan", case_id,
                        lambda w: service.add_comment(w, body.commenter, body.text, body.received_on),
                        dates={"received_on": body.received_on})


@cases.post("/{case_id}/plan/comments/{comment_id}/answer", response_model=R.WriteOut, status_code=201, summary="答复群众意见")
async def answer_comment(case_id: Uuid, comment_id: Uuid, body: AnswerIn, request: Request,
                         principal: Principal = Depends(authorized("case.plan"))):
    return await _write(request, principal, "case.plan", case_id,
                        lambda w: service.answer_comment(w, comment_id, body.answer, body.answered_on),
                        dates={"answered_on": body.answered_on})


# ---------------------------------------------------------------------------------------- progress and evidence


@cases.post("/{case_id}/evidence", status_code=201, response_model=AttachmentOut, responses=attachments.upload_responses(),
            summary=f"上传佐证材料{attachments.UPLOAD_SUMMARY}")
async def upload_evidence(case_id: Uuid, request: Request, file: UploadFile = File(...),
                          principal: Principal = Depends(authorized("case.progress"))):
    filename, content = await attachments.read_upload(file)
    async with request.app.state.runtime.unit_of_work() as uow:
        case = await service.find_case(uow.session, case_id)
        if case is None:
            raise not_found(f"案件 {case_id}")
        authorize_target(principal, "case.progress", case.village_code)
        row = await service.store_evidence(uow.session, case, filename, content, principal.actor)
        await uow.commit()
    return attachments.out(row)


@cases.get("/{case_id}/evidence/{file_id}", summary="下载佐证材料（响应头带 SHA-256）", response_class=Response,
           responses=attachments.download_responses())
async def download_evidence(case_id: Uuid, file_id: Uuid, request: Request,
                            principal: Principal = Depends(authorized("case.read"))):
    async with request.app.state.runtime.session_factory() as session:
        case = await _readable_case(session, principal, case_id)
        row = await attachments.find(session, EvidenceFile, file_id, case_id=case.case_id)
        if row is None:
            raise not_found(f"佐证材料 {file_id}")
        return attachments.download(row)


@cases.post("/{case_id}/measures/{measure_id}/progress", response_model=R.WriteOut, status_code=201,
            summary="填报整改进展（完成须有佐证；更正为新记录，指向被更正的记录）")
async def record_progress(case_id: Uuid, measure_id: Uuid, body: ProgressIn, request: Request,
                          principal: Principal = Depends(authorized("case.progress"))):
    async def step(w: Writer):
        evidence = await service.evidence_of(w.session, w.case, body.evidence_ids, "body.evidence_ids")
        return await service.record_progress(w, measure_id, body.status, body.narrative, evidence, body.progress_on,
                                             body.corrects)
    return await _write(request, principal, "case.progress", case_id, step, dates={"progress_on": body.progress_on})


# ---------------------------------------------------------------------------------------- visits


@cases.post("/{case_id}/visits", response_model=R.WriteOut, status_code=201, summary="联系领导走访记录（谈话对象、推动解决的问题）")
async def record_visit(case_id: Uuid, body: VisitIn, request: Request,
                       principal: Principal = Depends(authorized("case.visit"))):
    async def step(w: Writer):
        assigned = w.book.contact_leader
        # The village's own contact leader logs the visit; the county secretary may visit any village.
        if assigned and assigned.user_id and assigned.user_id != principal.user_id \
                and Role.COUNTY_SECRETARY.value not in principal.roles:
            raise forbidden(f"{principal.name} 不是本村的联系领导 (only the village's contact leader records its visits)")
        leader = Person(name=principal.name, post="联系领导", rank=CadreRank.COUNTY, unit=principal.division_code or "",
                        user_id=principal.user_id)
        return await service.record_visit(w, leader, body.visited_on, body.team_members, body.village_cadres,
                                          body.key_persons, body.problems_pushed, body.notes)
    return await _write(request, principal, "case.visit", case_id, step, dates={"visited_on": body.visited_on})


# ---------------------------------------------------------------------------------------- progress reports


@cases.post("/{case_id}/progress-reports", response_model=R.WriteOut, status_code=201,
            summary="向县委组织部报送整顿进展（每两个月一次，按政策规定的周期）")
async def file_progress_report(case_id: Uuid, body: ProgressReportIn, request: Request,
                               principal: Principal = Depends(authorized("case.report"))):
    return await _write(request, principal, "case.report", case_id,
                        lambda w: service.file_progress_report(w, body.filed_on, body.period_start, body.summary),
                        dates={"filed_on": body.filed_on})


# ---------------------------------------------------------------------------------------- continued rectification


@cases.post("/{case_id}/continued/study", response_model=R.WriteOut, status_code=201, summary="持续整顿：县委常委会逐村研究")
async def record_study(case_id: Uuid, body: StudyIn, request: Request,
                       principal: Principal = Depends(authorized("case.continued"))):
    return await _write(request, principal, "case.continued", case_id,
                        lambda w: service.record_study(w, body.studied_on, body.meeting, body.conclusion),
                        dates={"studied_on": body.studied_on})


@cases.post("/{case_id}/continued/supervision", response_model=R.WriteOut, status_code=201, summary="持续整顿：县委书记挂牌督办（具名、限期）")
async def assign_supervision(case_id: Uuid, body: SupervisionIn, request: Request,
                             principal: Principal = Depends(authorized("case.continued"))):
    # The service knows a named user's roles and unit only when the caller names themself.
    named_self = body.supervisor.user_id is not None and body.supervisor.user_id == principal.user_id
    return await _write(request, principal, "case.continued", case_id,
                        lambda w: service.assign_supervision(
                            w, body.supervisor, body.deadline, body.decided_on,
                            known_roles=frozenset(principal.roles) if named_self else None,
                            known_unit=principal.division_code if named_self else None),
                        dates={"decided_on": body.decided_on})


@cases.post("/{case_id}/continued/second-review", response_model=R.WriteOut, status_code=201, summary="持续整顿：二次研判，未完成的由县委书记直接联系")
async def second_review(case_id: Uuid, body: SecondReviewIn, request: Request,
                        principal: Principal = Depends(authorized("case.continued"))):
    return await _write(request, principal, "case.continued", case_id,
                        lambda w: service.record_second_review(w, body.county_secretary, body.conclusion, body.reviewed_on),
                        dates={"reviewed_on": body.reviewed_on})


router.include_router(cases)
router.include_router(division_router())
router.include_router(clock_router())


from casework.domain.tasks import LABELS as TASK_LABELS  # noqa: E402
from zhengdun.tasks import tasks_router  # noqa: E402

router.include_router(tasks_router("casework", TASK_LABELS, service.pending_tasks))
