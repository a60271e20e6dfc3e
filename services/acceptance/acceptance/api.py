"""HTTP routes of the acceptance service: thin — parse, authorize, call the service layer, answer."""
from __future__ import annotations

import json
import uuid
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select

from acceptance import responses as R
from acceptance import service
from acceptance.domain import signing
from zhengdun.refusals import OutOfOrder, RuleViolation
from acceptance.responses import AcceptanceSummary
from acceptance.domain.process import STAGE_LABELS, Person, Stage
from acceptance.domain.standard import HEADINGS
from acceptance.models import AcceptanceRecord, AcceptanceRow, Campaign, Document, SealKey, SpotCheckSample
from acceptance.service import StepContext
from zhengdun import attachments, clock, printing
from zhengdun.attachments import AttachmentOut
from zhengdun.access import authorize_target, authorized
from zhengdun.auth import Principal
from zhengdun.clock import clock_router
from zhengdun.divisions import city_of, prefix_of
from zhengdun.events.screening import CadreRank
from zhengdun.params import DIVISION_CODE, DivisionCode, Identifier, Uuid
from zhengdun.pagination import Page, PageParams, page_params
from zhengdun.problems import forbidden, not_found
from zhengdun.registry import Division
from zhengdun.registry_api import division_router
from zhengdun.responses import files
from zhengdun.roles import REVIEW_DEPARTMENT_LABELS, ReviewDepartment, Role

router = APIRouter()
router.include_router(division_router())
router.include_router(clock_router())
api = APIRouter(tags=["acceptance 评估验收"])
CODE = DIVISION_CODE  # exactly the codes zhengdun.divisions accepts


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


_FILES = "先上传到本次验收的佐证材料（POST /acceptances/{acceptance_id}/attachments），此处填其编号"


class ApplicationIn(_In):
    statement: str | None = Field(None, description="申请书正文；第一位签字人填写，第二位可省略或填写相同内容")
    attachments: list[str] = Field(default_factory=list, max_length=20, description=f"签字的纸质申请书（扫描件、照片）：{_FILES}")


class StandardItemIn(_In):
    code: str
    heading: Literal[tuple(HEADINGS)] = Field(  # type: ignore[valid-type]
        description="team 班子坚强有力 / institutions 制度运行规范 / social_management 社会管理有序 / satisfaction 党员群众满意")
    title: str = Field(min_length=1, max_length=200)
    max_score: Decimal = Field(gt=0, le=1000)


class StandardIn(_In):
    items: list[StandardItemIn]
    pass_mark: Decimal = Field(gt=0, le=100000)


class SelfCheckIn(_In):
    scores: dict[str, Annotated[Decimal, Field(ge=0, le=1000)]]


class MeetingIn(_In):
    held_on: date
    attendees: list[str] = Field(min_length=1)
    minutes: str = Field(min_length=1)


class PreliminaryIn(_In):
    inspection_group: list[str]
    meeting: MeetingIn
    passed: bool
    report: str = Field(min_length=1)
    attachments: list[str] = Field(default_factory=list, max_length=20, description=f"乡镇初验报告原件及材料：{_FILES}")


class Empty(_In):
    pass


class LeaderIn(_In):
    name: str = Field(min_length=1)
    post: str = ""
    rank: CadreRank
    user_id: str | None = None


class CountyGroupIn(_In):
    leader: LeaderIn
    members: list[str] = []
    departments: list[ReviewDepartment] | None = Field(None, description="默认：全部八个联审部门")


class OpinionIn(_In):
    agrees: bool
    opinion: str = Field(min_length=1)


class CountyReportIn(_In):
    passed: bool
    report: str = Field(min_length=1)
    score: Decimal | None = Field(None, ge=0, le=100000)
    attachments: list[str] = Field(default_factory=list, max_length=20, description=f"县级验收报告原件及材料：{_FILES}")


class ApprovalIn(_In):
    approved: bool
    meeting_on: date
    minutes: str = Field(min_length=1)


class SurveyIn(_In):
    respondents: int = Field(ge=1, le=100_000_000)
    satisfied: int = Field(ge=0, le=100_000_000)


class DrawIn(_In):
    campaign_id: str
    county_code: str = Field(pattern=CODE)
    seed: str = Field(min_length=1, max_length=200)
    ratio: Decimal | None = Field(None, gt=0, le=1, description="默认：政策规定的最低比例")


class SpotCheckIn(_In):
    passed: bool
    findings: str = Field(min_length=1)


class NoticeIn(_In):
    place: str = Field(min_length=1)


class ObjectionIn(_In):
    raised_on: date
    content: str = Field(min_length=1)


class ObjectionAnswerIn(_In):
    answer: str = Field(min_length=1)
    answered_on: date


class DelistIn(_In):
    objection_upheld: bool = False
    objections: str = ""


class PostEvaluationIn(_In):
    relapsed: bool
    reason: str = ""


class SampleOut(BaseModel):
    sample_id: str
    campaign_id: str
    county_code: str
    level: str
    drawn_by_code: str
    algorithm: str
    seed: str
    ratio: str
    population: list[str]
    chosen: list[str]
    drawn_on: date


class KeyOut(BaseModel):
    key_id: str
    unit_code: str
    algorithm: str = "Ed25519"
    public_pem: str
    created_at: str
    retired_at: str | None


def _role(principal: Principal, *roles: str) -> str:
    for role in roles:
        if principal.has(role):
            return role
    raise forbidden(f"须以 {roles} 身份办理 (needs one of the roles {roles})")


async def _view(session, row: AcceptanceRow) -> dict:
    docs = (await session.execute(select(Document).where(Document.acceptance_id == row.acceptance_id)
                                  .order_by(Document.created_on, Document.kind))).scalars().all()
    return {**_summary(row, await service.division_name(session, row.village_code)).model_dump(mode="json"),
            "state": row.state,
            "documents": [{"document_id": d.document_id, "kind": d.kind, "created_on": d.created_on.isoformat()}
                          for d in docs]}


def _summary(row: AcceptanceRow, name: str | None) -> AcceptanceSummary:
    return AcceptanceSummary(acceptance_id=row.acceptance_id, case_id=row.case_id, campaign_id=row.campaign_id,
                             village_code=row.village_code, village_name=name, township_code=row.township_code,
                             county_code=row.county_code, round=row.round, stage=row.stage,
                             stage_label=STAGE_LABELS[Stage(row.stage)], ready_on=row.ready_on, updated_on=row.updated_on)


async def _step(request: Request, principal: Principal, action: str, acceptance_id: str, name: str,
                body: BaseModel | dict, step, *, dates: dict[str, date] | None = None) -> dict:
    """Lock the acceptance, check the caller's reach and dates, run one step, commit with its events."""
    async with request.app.state.runtime.unit_of_work() as uow:
        today = await clock.today(uow.session)
        row = await service.load_for_update(uow.session, acceptance_id)
        if row is None:
            raise not_found(f"验收 {acceptance_id}")
        authorize_target(principal, action, row.village_code)
        for field, value in (dates or {}).items():
            clock.not_in_future(value, today, field)
        publish = lambda payload, code, actor, campaign_id: uow.publish(  # noqa: E731
            payload, division_code=code, actor=actor, campaign_id=campaign_id)
        await service.run_step(uow.session, row, principal.actor, today, publish, name,
                               body.model_dump(mode="json") if isinstance(body, BaseModel) else body, step)
        await uow.commit()
        return await _view(uow.session, row)


def _docs(ctx: StepContext) -> dict:
    ctx.acc.state["documents"] = dict(ctx.acc.state.get("documents", {}))
    return ctx.acc.state["documents"]


# ------------------------------------------------------------------ reading


@api.get("/acceptances", response_model=Page[AcceptanceSummary], summary="验收列表（辖区内，可按村、县、乡镇、阶段筛选）")
async def list_acceptances(request: Request, village: DivisionCode | None = Query(None),
                           county: DivisionCode | None = Query(None), township: DivisionCode | None = Query(None),
                           stage: Stage | None = None, campaign_id: Identifier | None = None,
                           paging: PageParams = Depends(page_params),
                           principal: Principal = Depends(authorized("acceptance.read", target="village"))):
    for code in (county, township):
        if code:
            authorize_target(principal, "acceptance.read", code)
    query = select(AcceptanceRow, Division.name).outerjoin(Division, Division.code == AcceptanceRow.village_code) \
        .where(AcceptanceRow.village_code.startswith(prefix_of(principal.division_code)))
    for code in (village, county, township):
        if code:
            query = query.where(AcceptanceRow.village_code.startswith(prefix_of(code)))
    if stage:
        query = query.where(AcceptanceRow.stage == stage.value)
    if campaign_id:
        query = query.where(AcceptanceRow.campaign_id == campaign_id)
    async with request.app.state.runtime.session_factory() as session:
        total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
        rows = (await session.execute(query.order_by(AcceptanceRow.village_code, AcceptanceRow.round)
                                      .offset(paging.offset).limit(paging.size))).all()
        items = [_summary(row, name) for row, name in rows]
    return Page(items=items, total=total, page=paging.page, size=paging.size)


async def _readable(session, principal: Principal, acceptance_id: str) -> AcceptanceRow:
    row = await session.get(AcceptanceRow, acceptance_id)
    if row is None:
        raise not_found(f"验收 {acceptance_id}")
    authorize_target(principal, "acceptance.read", row.village_code)
    return row


@api.get("/acceptances/{acceptance_id}", response_model=R.AcceptanceDetail, summary="一个村的验收：阶段、各步记录、文书")
async def get_acceptance(acceptance_id: Uuid, request: Request,
                         principal: Principal = Depends(authorized("acceptance.read"))):
    async with request.app.state.runtime.session_factory() as session:
        row = await _readable(session, principal, acceptance_id)
        view = await _view(session, row)
        records = (await session.execute(select(AcceptanceRecord).where(AcceptanceRecord.acceptance_id == acceptance_id)
                                         .order_by(AcceptanceRecord.seq))).scalars().all()
        view["records"] = [{"step": r.step, "outcome": r.outcome, "body": r.body, "actor": r.actor,
                            "recorded_on": r.recorded_on.isoformat(), "policy_version": r.policy_version} for r in records]
    return view


@api.get("/acceptances/{acceptance_id}/documents", response_model=Page[R.DocumentOut], summary="验收文书（规范化内容）")
async def list_documents(acceptance_id: Uuid, request: Request, paging: PageParams = Depends(page_params),
                         principal: Principal = Depends(authorized("acceptance.read"))):
    async with request.app.state.runtime.session_factory() as session:
        await _readable(session, principal, acceptance_id)
        query = select(Document).where(Document.acceptance_id == acceptance_id)
        total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
        docs = (await session.execute(query.order_by(Document.created_on, Document.kind)
                                      .offset(paging.offset).limit(paging.size))).scalars().all()
    items = [{"document_id": d.document_id, "kind": d.kind, "created_on": d.created_on.isoformat(),
              "content": json.loads(d.content)} for d in docs]
    return Page(items=items, total=total, page=paging.page, size=paging.size)


@api.get("/documents/{document_id}/verify", response_model=R.DocumentVerification, summary="核验文书的签字与印章：谁、何时、以何身份、是否仍有效")
async def verify_document(document_id: Uuid, request: Request,
                          principal: Principal = Depends(authorized("acceptance.read"))):
    async with request.app.state.runtime.session_factory() as session:
        doc = await session.get(Document, document_id)
        if doc is None:
            raise not_found(f"文书 {document_id}")
        await _readable(session, principal, doc.acceptance_id)
        return await service.verify(session, doc)


@api.get("/documents/{document_id}/pdf", summary="下载文书的打印版（PDF：内容、签字、印章与核验码）",
         response_class=Response, responses=files(printing.PDF, description="文书 PDF (as attachment)"))
async def document_pdf(document_id: Uuid, request: Request,
                       principal: Principal = Depends(authorized("acceptance.read"))):
    async with request.app.state.runtime.session_factory() as session:
        doc = await session.get(Document, document_id)
        if doc is None:
            raise not_found(f"文书 {document_id}")
        await _readable(session, principal, doc.acceptance_id)
        verify_path = request.scope.get("root_path", "") + request.app.url_path_for("verify_document",
                                                                                    document_id=document_id)
        body, filename = await service.document_pdf(session, doc, verify_path)
    return Response(body, media_type=printing.PDF,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


# ------------------------------------------------------------------ evidence files


@api.post("/acceptances/{acceptance_id}/attachments", response_model=AttachmentOut, status_code=201,
          responses=attachments.upload_responses(),
          summary=f"上传验收佐证材料（签字的申请书原件、初验和验收报告）{attachments.UPLOAD_SUMMARY}")
async def upload_attachment(acceptance_id: Uuid, request: Request, file: UploadFile = File(...),
                            principal: Principal = Depends(authorized("acceptance.attach"))):
    filename, content = await attachments.read_upload(file)
    async with request.app.state.runtime.unit_of_work() as uow:
        row = await uow.session.get(AcceptanceRow, acceptance_id)
        if row is None:
            raise not_found(f"验收 {acceptance_id}")
        authorize_target(principal, "acceptance.attach", row.village_code)
        stored = await service.store_attachment(uow.session, row, filename, content, principal.actor)
        await uow.commit()
    return attachments.out(stored)


@api.get("/acceptances/{acceptance_id}/attachments/{file_id}", response_class=Response,
         responses=attachments.download_responses(), summary="下载验收佐证材料（响应头带 SHA-256）")
async def download_attachment(acceptance_id: Uuid, file_id: Uuid, request: Request,
                              principal: Principal = Depends(authorized("acceptance.read"))):
    async with request.app.state.runtime.session_factory() as session:
        row = await _readable(session, principal, acceptance_id)
        stored = await service.find_attachment(session, row, file_id)
    if stored is None:
        raise not_found(f"佐证材料 {file_id}")
    return attachments.download(stored)


# ------------------------------------------------------------------ 1. application


@api.post("/acceptances/{acceptance_id}/application/sign", response_model=R.AcceptanceOut, summary="1. 工作队队长、村党组织书记联名签署验收申请")
async def sign_application(acceptance_id: Uuid, body: ApplicationIn, request: Request,
                           principal: Principal = Depends(authorized("acceptance.apply"))):
    async def step(ctx: StepContext):
        person = ctx.person(_role(principal, Role.WORK_TEAM_LEADER, Role.VILLAGE_SECRETARY))
        files = await service.attachment_refs(ctx, body.attachments, "body.attachments")
        outcome = ctx.acc.sign_application(person, ctx.today)
        service.keep_attachments(ctx, "application", files)
        docs = _docs(ctx)
        if "application" not in docs:
            if not (body.statement or "").strip():
                raise RuleViolation("statement-missing", "请填写申请书正文", "the first signer writes the statement")
            content = ctx.base_content("application", "整顿验收联名申请书") | {
                "village_name": await service.division_name(ctx.session, ctx.row.village_code),
                "statement": body.statement.strip(), "attachments": files}
            doc = await service.new_document(ctx.session, ctx.row.acceptance_id, "application", content, ctx.today)
            docs["application"] = doc.document_id
        else:
            doc = await ctx.session.get(Document, docs["application"])
            if body.statement and body.statement.strip() != json.loads(doc.content)["statement"]:
                raise RuleViolation("statement-differs", "联名申请须签署同一份申请书，正文与已签内容不一致",
                                    "both sign the same application: the statement differs")
        service.sign(ctx.session, doc, person, ctx.today)
        ctx.document_id = doc.document_id
        return outcome

    return await _step(request, principal, "acceptance.apply", acceptance_id, "application", body, step)


# ------------------------------------------------------------------ 2. standard and self-check


async def _campaign(session, campaign_id: str, *, lock: bool = False) -> Campaign:
    query = select(Campaign).where(Campaign.campaign_id == campaign_id)
    row = (await session.execute(query.with_for_update() if lock else query)).scalar_one_or_none()
    if row is None:
        raise not_found(f"整顿工作 {campaign_id}")
    return row


def _standard_out(campaign_id: str, row) -> dict:
    return {"campaign_id": campaign_id, **row.standard, "version": row.version, "set_on": row.set_on}


@api.put("/campaigns/{campaign_id}/standard", response_model=R.StandardOut,
         summary="2. 市里制定或修订验收标准（四个方面的评分项与合格分；每次修订为新版本，已按旧版本自查的不变）")
async def set_standard(campaign_id: Identifier, body: StandardIn, request: Request,
                       principal: Principal = Depends(authorized("acceptance.standard"))):
    async with request.app.state.runtime.unit_of_work() as uow:
        campaign = await _campaign(uow.session, campaign_id, lock=True)   # one revision at a time: versions in order
        if campaign.area_code:
            authorize_target(principal, "acceptance.standard", campaign.area_code)
        row = await service.set_standard(uow.session, campaign_id, [i.model_dump() for i in body.items],
                                         body.pass_mark, principal.actor, await clock.today(uow.session))
        await uow.commit()
        return _standard_out(campaign_id, row)


@api.get("/campaigns/{campaign_id}/standard", response_model=R.StandardOut, summary="查看验收标准（默认现行版本，可指定历史版本）")
async def get_standard(campaign_id: Identifier, request: Request,
                       version: int | None = Query(None, ge=1, le=1_000_000, description="版本号；默认现行版本"),
                       principal: Principal = Depends(authorized("acceptance.read"))):
    async with request.app.state.runtime.session_factory() as session:
        await _campaign(session, campaign_id)
        row = await service.standard_version(session, campaign_id, version)
        if row is None:
            raise not_found(f"整顿工作 {campaign_id} 的验收标准" + (f"第 {version} 版" if version else ""))
        return _standard_out(campaign_id, row)


@api.post("/acceptances/{acceptance_id}/self-check", response_model=R.AcceptanceOut,
          summary="2. 村级自查：按现行验收标准逐项打分（记录所依据的标准版本）")
async def self_check(acceptance_id: Uuid, body: SelfCheckIn, request: Request,
                     principal: Principal = Depends(authorized("acceptance.apply"))):
    async def step(ctx: StepContext):
        return ctx.acc.self_check(await service.current_standard(ctx.session, ctx.row.campaign_id), body.scores, ctx.today)

    return await _step(request, principal, "acceptance.apply", acceptance_id, "self_check", body, step)


# ------------------------------------------------------------------ 3. township preliminary


@api.post("/acceptances/{acceptance_id}/preliminary", response_model=R.AcceptanceOut, summary="3. 乡镇初验：初验组、党委集体研究、是否摘帽的报告")
async def record_preliminary(acceptance_id: Uuid, body: PreliminaryIn, request: Request,
                             principal: Principal = Depends(authorized("acceptance.preliminary"))):
    async def step(ctx: StepContext):
        person = ctx.person(_role(principal, Role.TOWNSHIP_COMMITTEE, Role.ORG_STAFF))
        files = await service.attachment_refs(ctx, body.attachments, "body.attachments")
        outcome = ctx.acc.record_preliminary(person, passed=body.passed, inspection_group=body.inspection_group,
                                             today=ctx.today)
        content = ctx.base_content("preliminary_report", "乡镇初验报告") | {
            "village_name": await service.division_name(ctx.session, ctx.row.village_code),
            "township_code": ctx.row.township_code, "inspection_group": body.inspection_group,
            "meeting": body.meeting.model_dump(mode="json"), "passed": body.passed, "report": body.report,
            "self_check_total": ctx.acc.state["self_check"]["total"], "conclusion": "同意摘帽" if body.passed else "不同意摘帽",
            "attachments": files}
        service.keep_attachments(ctx, "preliminary", files)
        doc = await service.new_document(ctx.session, ctx.row.acceptance_id, "preliminary_report", content, ctx.today)
        _docs(ctx)["preliminary_report"] = doc.document_id
        return outcome

    return await _step(request, principal, "acceptance.preliminary", acceptance_id, "preliminary", body, step,
                       dates={"meeting.held_on": body.meeting.held_on})


@api.post("/acceptances/{acceptance_id}/preliminary/sign", response_model=R.AcceptanceOut, summary="3. 乡镇党委主要负责同志签字，加盖乡镇印章")
async def sign_preliminary(acceptance_id: Uuid, body: Empty, request: Request,
                           principal: Principal = Depends(authorized("acceptance.preliminary.sign"))):
    async def step(ctx: StepContext):
        person = ctx.person(Role.TOWNSHIP_PRINCIPAL)
        outcome = ctx.acc.sign_preliminary(person, ctx.today)
        doc = await ctx.session.get(Document, _docs(ctx)["preliminary_report"])
        service.sign(ctx.session, doc, person, ctx.today)
        await service.apply_seal(ctx.session, doc, ctx.row.township_code, ctx.today)
        ctx.document_id = doc.document_id
        return outcome

    return await _step(request, principal, "acceptance.preliminary.sign", acceptance_id, "preliminary_sign", body, step)


# ------------------------------------------------------------------ 4. county acceptance


@api.post("/acceptances/{acceptance_id}/county/group", response_model=R.AcceptanceOut, summary="4. 组成县级验收组（县级领导干部带队，联审部门参加）")
async def county_group(acceptance_id: Uuid, body: CountyGroupIn, request: Request,
                       principal: Principal = Depends(authorized("acceptance.county"))):
    async def step(ctx: StepContext):
        leader = body.leader
        leader_person = Person(leader.user_id, leader.name, "group_leader", "") if leader.user_id else None
        departments = [d.value for d in (body.departments or list(ReviewDepartment))]
        outcome = ctx.acc.form_county_group(ctx.person(Role.ORG_STAFF), leader=leader_person, leader_rank=leader.rank.value,
                                            departments=departments, today=ctx.today)
        ctx.acc.state["county"]["group"] = {"leader": leader.model_dump(mode="json"), "members": body.members}
        return outcome

    return await _step(request, principal, "acceptance.county", acceptance_id, "county_group", body, step)


@api.post("/acceptances/{acceptance_id}/county/opinions", response_model=R.AcceptanceOut, summary="4. 联审部门各自出具意见（以本部门账号）")
async def county_opinion(acceptance_id: Uuid, body: OpinionIn, request: Request,
                         principal: Principal = Depends(authorized("acceptance.review_opinion"))):
    async def step(ctx: StepContext):
        department = next((d for d in ReviewDepartment if principal.has(d.role)), None)
        if department is None:
            raise forbidden("须以联审部门账号出具意见 (a joint-review department account is required)")
        person = ctx.person(department.role)
        outcome = ctx.acc.record_opinion(person, department.value, agrees=body.agrees, today=ctx.today)
        content = ctx.base_content("review_opinion", f"{REVIEW_DEPARTMENT_LABELS[department]}联审意见") | {
            "department": department.value, "department_label": REVIEW_DEPARTMENT_LABELS[department],
            "agrees": body.agrees, "opinion": body.opinion}
        doc = await service.new_document(ctx.session, ctx.row.acceptance_id, "review_opinion", content, ctx.today)
        service.sign(ctx.session, doc, person, ctx.today)
        ctx.acc.state["county"]["opinions"][department.value].update(opinion=body.opinion, document_id=doc.document_id)
        return outcome

    return await _step(request, principal, "acceptance.review_opinion", acceptance_id, "county_opinion", body, step)


@api.post("/acceptances/{acceptance_id}/county/report", response_model=R.AcceptanceOut, summary="4. 县级验收报告（须各联审部门均已出具意见）")
async def county_report(acceptance_id: Uuid, body: CountyReportIn, request: Request,
                        principal: Principal = Depends(authorized("acceptance.county"))):
    async def step(ctx: StepContext):
        files = await service.attachment_refs(ctx, body.attachments, "body.attachments")
        outcome = ctx.acc.report_county(ctx.person(Role.ORG_STAFF), passed=body.passed, today=ctx.today)
        ctx.acc.state["county"]["report"] = {"text": body.report, "score": str(body.score) if body.score is not None else None,
                                             "attachments": files}
        service.keep_attachments(ctx, "county_report", files)
        return outcome

    return await _step(request, principal, "acceptance.county", acceptance_id, "county_report", body, step)


@api.post("/acceptances/{acceptance_id}/county/approve", response_model=R.AcceptanceOut, summary="4. 县委常委会审定")
async def county_approve(acceptance_id: Uuid, body: ApprovalIn, request: Request,
                         principal: Principal = Depends(authorized("acceptance.county.approve"))):
    async def step(ctx: StepContext):
        outcome = ctx.acc.approve_county(ctx.person(Role.STANDING_COMMITTEE), approved=body.approved, today=ctx.today)
        ctx.acc.state["county"]["approval"] = {"meeting_on": body.meeting_on.isoformat(), "minutes": body.minutes}
        return outcome

    return await _step(request, principal, "acceptance.county.approve", acceptance_id, "county_approve", body, step,
                       dates={"meeting_on": body.meeting_on})


@api.post("/acceptances/{acceptance_id}/county/sign", response_model=R.AcceptanceOut, summary="4. 县委书记签字、加盖县委印章，报市备案")
async def county_sign(acceptance_id: Uuid, body: Empty, request: Request,
                      principal: Principal = Depends(authorized("acceptance.county.sign"))):
    async def step(ctx: StepContext):
        person = ctx.person(Role.COUNTY_SECRETARY)
        city = city_of(ctx.row.county_code)
        outcome = ctx.acc.sign_county(person, ctx.today, filed_with=city)
        content = await service.county_report_content(ctx.session, ctx.row, ctx.acc)
        doc = await service.new_document(ctx.session, ctx.row.acceptance_id, "county_acceptance_report", content, ctx.today)
        _docs(ctx)["county_acceptance_report"] = doc.document_id
        service.sign(ctx.session, doc, person, ctx.today)
        await service.apply_seal(ctx.session, doc, ctx.row.county_code, ctx.today)
        ctx.document_id = doc.document_id
        return outcome

    return await _step(request, principal, "acceptance.county.sign", acceptance_id, "county_sign", body, step)


class SignContentOut(BaseModel):
    content: dict = Field(description="将要签字盖章的文书内容")
    canonical_text: str = Field(description="签名所覆盖的规范化文本（逐字）")
    content_sha256: str


@api.get("/acceptances/{acceptance_id}/county/sign/content", response_model=SignContentOut,
         summary="4. 县委书记签字前查看将要签字盖章的县级验收报告（与签署内容逐字一致）")
async def county_sign_content(acceptance_id: Uuid, request: Request,
                              principal: Principal = Depends(authorized("acceptance.read"))) -> SignContentOut:
    async with request.app.state.runtime.session_factory() as session:
        row = await _readable(session, principal, acceptance_id)
        if row.stage != Stage.COUNTY_APPROVED.value:
            raise OutOfOrder("not-awaiting-signature", "县级验收报告尚未到县委书记签字环节",
                             "the county report awaits no signature now", stage=row.stage)
        content = await service.county_report_content(session, row, service.aggregate(row))
    text = signing.canonical_text(content)
    return SignContentOut(content=content, canonical_text=text, content_sha256=signing.digest(text))


# ------------------------------------------------------------------ 5. survey


@api.post("/acceptances/{acceptance_id}/survey", response_model=R.AcceptanceOut, summary="5. 群众满意度测评（低于政策阈值退回整改）")
async def survey(acceptance_id: Uuid, body: SurveyIn, request: Request,
                 principal: Principal = Depends(authorized("acceptance.county"))):
    async def step(ctx: StepContext):
        return ctx.acc.survey(ctx.person(Role.ORG_STAFF), respondents=body.respondents, satisfied=body.satisfied,
                              threshold=ctx.policy.satisfaction_threshold, today=ctx.today)

    return await _step(request, principal, "acceptance.county", acceptance_id, "survey", body, step)


# ------------------------------------------------------------------ 6. spot checks


@api.post("/spot-checks", response_model=SampleOut, summary="6. 市、省级按比例随机抽取县里已通过验收的村（可复现）")
async def draw(body: DrawIn, request: Request, principal: Principal = Depends(authorized("acceptance.spot_check"))):
    authorize_target(principal, "acceptance.spot_check", body.county_code)
    level = service.level_name(principal.division_code)
    async with request.app.state.runtime.unit_of_work() as uow:
        today = await clock.today(uow.session)
        publish = lambda payload, code, actor, campaign_id: uow.publish(  # noqa: E731
            payload, division_code=code, actor=actor, campaign_id=campaign_id)
        sample = await service.draw_spot_check(uow.session, campaign_id=body.campaign_id, county_code=body.county_code,
                                               level=level, drawn_by=principal.division_code, seed=body.seed,
                                               ratio=body.ratio, actor=principal.actor, today=today, publish=publish)
        await uow.commit()
        return SampleOut.model_validate(sample, from_attributes=True)


@api.get("/spot-checks", response_model=Page[SampleOut], summary="抽查记录（种子、算法、总体、抽中）")
async def list_draws(request: Request, county: DivisionCode | None = Query(None),
                     paging: PageParams = Depends(page_params),
                     principal: Principal = Depends(authorized("acceptance.read", target="county"))):
    query = select(SpotCheckSample).where(SpotCheckSample.county_code.startswith(prefix_of(principal.division_code))
                                          | SpotCheckSample.drawn_by_code.startswith(prefix_of(principal.division_code)))
    if county:
        query = query.where(SpotCheckSample.county_code == county)
    async with request.app.state.runtime.session_factory() as session:
        total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
        rows = (await session.execute(query.order_by(SpotCheckSample.drawn_on, SpotCheckSample.sample_id)
                                      .offset(paging.offset).limit(paging.size))).scalars().all()
    return Page(items=[SampleOut.model_validate(r, from_attributes=True) for r in rows], total=total,
                page=paging.page, size=paging.size)


class SpotCheckLevel(StrEnum):
    CITY = "city"
    PROVINCE = "province"


@api.post("/acceptances/{acceptance_id}/spot-checks/{level}", response_model=R.AcceptanceOut, summary="6. 抽中村的抽查结论（不通过则撤销验收）")
async def spot_check(acceptance_id: Uuid, level: SpotCheckLevel, body: SpotCheckIn, request: Request,
                     principal: Principal = Depends(authorized("acceptance.spot_check"))):
    level = level.value
    if service.level_name(principal.division_code) != level:
        raise forbidden(f"{level} 抽查须由该级组织部门办理 (only the {level} may record its spot check)")

    async def step(ctx: StepContext):
        outcome = ctx.acc.record_spot_check(ctx.person(Role.ORG_STAFF), level, passed=body.passed, today=ctx.today)
        ctx.acc.state["spot_checks"][level]["findings"] = body.findings
        return outcome

    return await _step(request, principal, "acceptance.spot_check", acceptance_id, f"{level}_spot_check", body, step)


# ------------------------------------------------------------------ 7. notice and delisting


@api.post("/acceptances/{acceptance_id}/notice", response_model=R.AcceptanceOut, summary="7. 乡镇公示验收结果（公示天数按政策）")
async def notice(acceptance_id: Uuid, body: NoticeIn, request: Request,
                 principal: Principal = Depends(authorized("acceptance.notice"))):
    async def step(ctx: StepContext):
        outcome = ctx.acc.start_notice(ctx.person(Role.TOWNSHIP_COMMITTEE), ctx.today,
                                       notice_days=ctx.policy.acceptance_notice_days)
        ctx.acc.state["notice"]["place"] = body.place
        return outcome

    return await _step(request, principal, "acceptance.notice", acceptance_id, "notice", body, step)


@api.post("/acceptances/{acceptance_id}/notice/objections", response_model=R.AcceptanceOut,
          summary="7. 记录公示期间的异议（未答复的异议阻止销号）")
async def record_objection(acceptance_id: Uuid, body: ObjectionIn, request: Request,
                           principal: Principal = Depends(authorized("acceptance.notice"))):
    async def step(ctx: StepContext):
        return ctx.acc.record_objection(uuid.uuid4().hex[:12], raised_on=body.raised_on, content=body.content,
                                        today=ctx.today)

    return await _step(request, principal, "acceptance.notice", acceptance_id, "notice_objection", body, step,
                       dates={"raised_on": body.raised_on})


@api.post("/acceptances/{acceptance_id}/notice/objections/{objection_id}/answer", response_model=R.AcceptanceOut,
          summary="7. 答复公示期间的异议")
async def answer_objection(acceptance_id: Uuid, objection_id: Identifier, body: ObjectionAnswerIn, request: Request,
                           principal: Principal = Depends(authorized("acceptance.notice"))):
    async def step(ctx: StepContext):
        return ctx.acc.answer_objection(objection_id, answer=body.answer, answered_on=body.answered_on)

    return await _step(request, principal, "acceptance.notice", acceptance_id, "notice_objection_answer",
                       {"objection_id": objection_id, **body.model_dump(mode="json")}, step,
                       dates={"answered_on": body.answered_on})


@api.post("/acceptances/{acceptance_id}/delist", response_model=R.AcceptanceOut, summary="7. 公示期满无异议，销号")
async def delist(acceptance_id: Uuid, body: DelistIn, request: Request,
                 principal: Principal = Depends(authorized("acceptance.county"))):
    async def step(ctx: StepContext):
        return ctx.acc.delist(ctx.person(Role.ORG_STAFF), objection_upheld=body.objection_upheld, today=ctx.today,
                              post_evaluation_months=ctx.policy.post_evaluation_months)

    return await _step(request, principal, "acceptance.county", acceptance_id, "delist", body, step)


# ------------------------------------------------------------------ 8. post-evaluation


@api.post("/acceptances/{acceptance_id}/post-evaluation", response_model=R.AcceptanceOut,
          summary="8. 乡镇党委组织后评估：巩固或反弹（反弹则重新列入）")
async def post_evaluation(acceptance_id: Uuid, body: PostEvaluationIn, request: Request,
                          principal: Principal = Depends(authorized("acceptance.post_evaluation"))):
    async def step(ctx: StepContext):
        return ctx.acc.post_evaluate(ctx.person(Role.TOWNSHIP_COMMITTEE), relapsed=body.relapsed, reason=body.reason,
                                     today=ctx.today)

    return await _step(request, principal, "acceptance.post_evaluation", acceptance_id, "post_evaluation", body, step)


# ------------------------------------------------------------------ seal keys


def _key_out(k: SealKey) -> KeyOut:
    return KeyOut(key_id=k.key_id, unit_code=k.unit_code, public_pem=k.public_pem, created_at=k.created_at.isoformat(),
                  retired_at=k.retired_at.isoformat() if k.retired_at else None)


@api.get("/seal-keys", response_model=Page[KeyOut], summary="单位电子印章公钥（含已轮换的旧密钥）")
async def list_keys(request: Request, unit: DivisionCode | None = Query(None), paging: PageParams = Depends(page_params),
                    principal: Principal = Depends(authorized("acceptance.read", target="unit"))):
    query = select(SealKey).where(SealKey.unit_code.startswith(prefix_of(principal.division_code)))
    if unit:
        query = query.where(SealKey.unit_code == unit)
    async with request.app.state.runtime.session_factory() as session:
        total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
        rows = (await session.execute(query.order_by(SealKey.unit_code, SealKey.created_at)
                                      .offset(paging.offset).limit(paging.size))).scalars().all()
    return Page(items=[_key_out(k) for k in rows], total=total, page=paging.page, size=paging.size)


@api.post("/seal-keys/{unit_code}/rotate", response_model=KeyOut, summary="轮换单位印章密钥（旧印章仍可核验）")
async def rotate(unit_code: DivisionCode, body: Empty, request: Request,
                 principal: Principal = Depends(authorized("acceptance.seal.manage", target="unit_code"))):
    async with request.app.state.runtime.unit_of_work() as uow:
        key = await service.rotate_key(uow.session, unit_code)
        await uow.commit()
        await uow.session.refresh(key)
        return _key_out(key)


router.include_router(api)


from acceptance.domain.tasks import LABELS as TASK_LABELS  # noqa: E402
from zhengdun.tasks import tasks_router  # noqa: E402

router.include_router(tasks_router("acceptance", TASK_LABELS, service.pending_tasks))
