"""HTTP routes of the supervision service: thin — parse, authorize, call the service layer, answer."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, or_, select

from supervision import appraisal, journal, service
from supervision import responses as R
from supervision.domain.campaign_records import CampaignRecordKind
from supervision.domain.records import AccountabilityKind, EvaluatedRole, Grade, InspectionKind
from supervision.domain.rules import RULE_LABELS, Rule
from supervision.models import (AccountabilityRow, AlertRow, CampaignRecordRow, EvaluationRow, InspectionPlanRow,
                                InspectionRow)
from zhengdun import attachments
from zhengdun.access import authorize_target, authorized
from zhengdun.attachments import AttachmentOut
from zhengdun.auth import Principal
from zhengdun.clock import clock_router
from zhengdun.divisions import prefix_of

from zhengdun.params import DIVISION_CODE, DivisionCode, Identifier, Uuid
from zhengdun.pagination import Page, PageParams, page_params
from zhengdun.registry_api import division_router
from zhengdun.responses import files

router = APIRouter()
router.include_router(division_router())
router.include_router(clock_router())
TAGS = ["supervision 督导问责"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _within(column, code: str):
    return column.like(prefix_of(code) + "%")


async def _page(request: Request, query, order, paging: PageParams, out) -> Page:
    async with request.app.state.runtime.session_factory() as session:
        total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
        rows = (await session.execute(query.order_by(*order).offset(paging.offset).limit(paging.size))).scalars()
        return Page[dict[str, Any]](items=[out(r) for r in rows], total=total, page=paging.page, size=paging.size)


# --- alerts -----------------------------------------------------------------------------

def _alert_out(a: AlertRow):
    return {"alert_id": a.alert_id, "key": a.key, "rule": a.rule, "label": RULE_LABELS.get(Rule(a.rule), a.rule),
            "campaign_id": a.campaign_id, "subject_code": a.subject_code, "subject_role": a.subject_role,
            "subject_person": a.subject_person, "subject_user_id": a.subject_user_id, "scope_code": a.scope_code,
            "village_code": a.village_code, "severity": a.severity, "facts": a.facts,
            "due_on": a.due_on, "proposal": a.proposal, "status": a.status, "raised_on": a.raised_on,
            "resolved_on": a.resolved_on, "resolution": a.resolution, "policy_version": a.policy_version}


@router.get("/alerts", tags=TAGS, response_model=Page[R.AlertOut], summary="预警列表（本辖区，分页）")
async def list_alerts(request: Request,
                      rule: Rule | None = Query(None),
                      status: Literal["open", "resolved", "all", "withdrawn"] = Query(
                          "open", description="all = open + resolved; withdrawn = false alarms (撤销的误报)"),
                      unit: DivisionCode | None = Query(None, description="只看此单位及其下级"),
                      village: DivisionCode | None = Query(None),
                      campaign: Identifier | None = Query(None, description="只看此次整顿 (one campaign)"),
                      principal: Principal = Depends(authorized("supervision.read", target="unit")),
                      paging: PageParams = Depends(page_params)):
    mine = principal.division_code
    query = select(AlertRow).where(or_(_within(AlertRow.scope_code, mine), _within(AlertRow.subject_code, mine)))
    if rule:
        query = query.where(AlertRow.rule == rule.value)
    if status == "all":
        query = query.where(AlertRow.status != "withdrawn")
    else:
        query = query.where(AlertRow.status == status)
    if unit:
        query = query.where(or_(_within(AlertRow.scope_code, unit), AlertRow.subject_code == unit))
    if village:
        query = query.where(AlertRow.village_code == village)
    if campaign:
        query = query.where(AlertRow.campaign_id == campaign)
    return await _page(request, query, [AlertRow.raised_on, AlertRow.key], paging, _alert_out)


@router.get("/alerts/{alert_id}", response_model=R.AlertOut, tags=TAGS, summary="预警详情")
async def get_alert(request: Request, alert_id: Identifier,
                    principal: Principal = Depends(authorized("supervision.read"))):
    async with request.app.state.runtime.session_factory() as session:
        alert = await session.get(AlertRow, alert_id)
    if alert is None:
        raise service.not_found(f"预警 {alert_id}")
    if not (principal.can_see(alert.scope_code) or principal.can_see(alert.subject_code)):
        raise service.not_found(f"预警 {alert_id}")
    return _alert_out(alert)


# --- inspections ------------------------------------------------------------------------

class PlanIn(_In):
    unit_code: str = Field(pattern=DIVISION_CODE, description="the supervising unit that runs the plan")
    title: str = Field(min_length=1)
    kind: InspectionKind = InspectionKind.SCHEDULED
    recurrence: Literal["monthly"] = "monthly"
    day_from: int = Field(25, ge=1, le=31)
    day_to: int | None = Field(None, ge=1, le=31, description="None: to the month's end")
    starts_on: date
    ends_on: date | None = None


class FindingIn(_In):
    text: str = Field(min_length=1)
    village_code: str | None = Field(None, pattern=DIVISION_CODE)
    alert_id: Identifier | None = None


class DemandIn(_In):
    text: str = Field(min_length=1)
    deadline: date
    responsible_code: str | None = Field(None, pattern=DIVISION_CODE)


class InspectionIn(_In):
    kind: InspectionKind
    plan_id: Identifier | None = None
    unit_code: str = Field(pattern=DIVISION_CODE, description="the unit inspected")
    inspected_on: date
    inspectors: list[str] = Field(min_length=1)
    findings: list[FindingIn] = []
    demands: list[DemandIn] = []
    attachments: list[str] = Field(default_factory=list, max_length=50,
                                   description="佐证材料：先上传（POST /inspections/attachments?unit=被检查单位），此处填其编号")


class FollowUpIn(_In):
    demand_id: Identifier
    checked_on: date
    met: bool
    note: str = ""


def _plan_out(p: InspectionPlanRow):
    return {"plan_id": p.plan_id, "unit_code": p.unit_code, "title": p.title, "kind": p.kind,
            "kind_label": InspectionKind(p.kind).label, "recurrence": p.recurrence, "day_from": p.day_from,
            "day_to": p.day_to, "starts_on": p.starts_on, "ends_on": p.ends_on, "actor": p.actor}


def _inspection_out(i: InspectionRow):
    return {"inspection_id": i.inspection_id, "plan_id": i.plan_id, "kind": i.kind,
            "kind_label": InspectionKind(i.kind).label, "unit_code": i.unit_code,
            "inspected_by_code": i.inspected_by_code, "inspected_on": i.inspected_on, "inspectors": i.inspectors,
            "findings": i.findings, "demands": i.demands, "follow_ups": i.follow_ups,
            "attachments": i.attachments or [], "actor": i.actor}


@router.post("/inspection-plans", response_model=R.PlanOut, tags=TAGS, status_code=201, summary="制定督导计划（如每月25日至月底）")
async def create_plan(request: Request, body: PlanIn,
                      principal: Principal = Depends(authorized("supervision.inspect"))):
    authorize_target(principal, "supervision.inspect", body.unit_code)
    async with request.app.state.runtime.unit_of_work() as uow:
        return _plan_out(await service.create_plan(uow, principal, body.model_dump()))


@router.get("/inspection-plans", tags=TAGS, response_model=Page[R.PlanOut], summary="督导计划（分页）")
async def list_plans(request: Request, principal: Principal = Depends(authorized("supervision.read")),
                     paging: PageParams = Depends(page_params)):
    query = select(InspectionPlanRow).where(or_(_within(InspectionPlanRow.unit_code, principal.division_code),
                                                InspectionPlanRow.unit_code.in_(_ancestors(principal.division_code))))
    return await _page(request, query, [InspectionPlanRow.starts_on, InspectionPlanRow.plan_id], paging, _plan_out)


def _ancestors(code: str) -> list[str]:
    return [code[:n].ljust(12, "0") for n in (2, 4, 6, 9)]


@router.post("/inspections", response_model=R.InspectionOut, tags=TAGS, status_code=201, summary="记录督导检查（定期、暗访、专项调研、电话抽查）")
async def record_inspection(request: Request, body: InspectionIn,
                            principal: Principal = Depends(authorized("supervision.inspect"))):
    authorize_target(principal, "supervision.inspect", body.unit_code)
    async with request.app.state.runtime.unit_of_work() as uow:
        return _inspection_out(await service.record_inspection(uow, principal, body.model_dump()))


@router.post("/inspections/{inspection_id}/follow-ups", response_model=R.InspectionOut, tags=TAGS, summary="整改要求跟踪落实")
async def follow_up(request: Request, inspection_id: Identifier, body: FollowUpIn,
                    principal: Principal = Depends(authorized("supervision.inspect"))):
    async with request.app.state.runtime.session_factory() as session:
        row = await session.get(InspectionRow, inspection_id)
    if row is None:
        raise service.not_found(f"督导检查 {inspection_id}")
    authorize_target(principal, "supervision.inspect", row.unit_code)
    async with request.app.state.runtime.unit_of_work() as uow:
        return _inspection_out(await service.follow_up(uow, principal, inspection_id, body.model_dump()))


@router.get("/inspections", tags=TAGS, response_model=Page[R.InspectionOut], summary="督导检查记录（本辖区，分页）")
async def list_inspections(request: Request, kind: InspectionKind | None = Query(None),
                           unit: DivisionCode | None = Query(None),
                           principal: Principal = Depends(authorized("supervision.read", target="unit")),
                           paging: PageParams = Depends(page_params)):
    query = select(InspectionRow).where(_within(InspectionRow.unit_code, principal.division_code))
    if kind:
        query = query.where(InspectionRow.kind == kind.value)
    if unit:
        query = query.where(_within(InspectionRow.unit_code, unit))
    return await _page(request, query, [InspectionRow.inspected_on, InspectionRow.inspection_id], paging, _inspection_out)


# --- accountability ---------------------------------------------------------------------

class AccountabilityIn(_In):
    kind: AccountabilityKind
    subject_code: str = Field(pattern=DIVISION_CODE, description="the unit of the person held accountable")
    person: str = Field(min_length=1, max_length=100)
    post: str = Field("", max_length=100)
    grounds: list[Identifier] = Field(description="alert ids, inspection finding ids or FalsificationFound event ids")
    reason: str = Field(min_length=1)
    decided_by: str = Field(min_length=1, max_length=200, description="e.g. 县委常委会")
    decided_on: date
    filed_with: str | None = Field(None, pattern=DIVISION_CODE, description="e.g. the city 诫勉谈话 is filed with")
    attachments: list[str] = Field(default_factory=list, max_length=50,
                                   description="决定文书等佐证材料：先上传（POST /accountability/attachments?unit=被问责单位），此处填其编号")


def _action_out(a: AccountabilityRow):
    return {"action_id": a.action_id, "kind": a.kind, "kind_label": AccountabilityKind(a.kind).label,
            "subject_code": a.subject_code, "person": a.person, "post": a.post, "grounds": a.grounds,
            "reason": a.reason, "decided_by": a.decided_by, "decided_on": a.decided_on, "filed_with": a.filed_with,
            "campaign_id": a.campaign_id, "policy_version": a.policy_version, "attachments": a.attachments or [],
            "actor": a.actor}


@router.post("/accountability", response_model=R.AccountabilityOut, tags=TAGS, status_code=201, summary="决定约谈、诫勉谈话、组织处理（须有依据）")
async def decide_accountability(request: Request, body: AccountabilityIn,
                                principal: Principal = Depends(authorized("supervision.hold_accountable"))):
    authorize_target(principal, "supervision.hold_accountable", body.subject_code)
    async with request.app.state.runtime.unit_of_work() as uow:
        return _action_out(await service.decide_accountability(uow, principal, body.model_dump()))


@router.get("/accountability", tags=TAGS, response_model=Page[R.AccountabilityOut], summary="问责记录（本辖区，分页）")
async def list_accountability(request: Request, unit: DivisionCode | None = Query(None),
                              principal: Principal = Depends(authorized("supervision.read", target="unit")),
                              paging: PageParams = Depends(page_params)):
    query = select(AccountabilityRow).where(_within(AccountabilityRow.subject_code, principal.division_code))
    if unit:
        query = query.where(_within(AccountabilityRow.subject_code, unit))
    return await _page(request, query, [AccountabilityRow.decided_on, AccountabilityRow.action_id], paging, _action_out)


# --- evidence files ---------------------------------------------------------------------

_UNIT = "被检查（被问责）单位的区划代码"


@router.post("/inspections/attachments", response_model=AttachmentOut, tags=TAGS, status_code=201,
             responses=attachments.upload_responses(), summary=f"上传督导检查佐证材料{attachments.UPLOAD_SUMMARY}")
async def upload_inspection_attachment(request: Request, unit: Annotated[DivisionCode, Query(description=_UNIT)],
                                       file: UploadFile = File(...),
                                       principal: Principal = Depends(authorized("supervision.inspect", target="unit"))):
    filename, content = await attachments.read_upload(file)
    async with request.app.state.runtime.unit_of_work() as uow:
        return attachments.out(await service.store_attachment(uow, principal, service.INSPECTION_FILES, unit, filename, content))


@router.post("/accountability/attachments", response_model=AttachmentOut, tags=TAGS, status_code=201,
             responses=attachments.upload_responses(), summary=f"上传问责决定佐证材料{attachments.UPLOAD_SUMMARY}")
async def upload_accountability_attachment(request: Request, unit: Annotated[DivisionCode, Query(description=_UNIT)],
                                           file: UploadFile = File(...),
                                           principal: Principal = Depends(authorized("supervision.hold_accountable",
                                                                                     target="unit"))):
    filename, content = await attachments.read_upload(file)
    async with request.app.state.runtime.unit_of_work() as uow:
        return attachments.out(await service.store_attachment(uow, principal, service.ACCOUNTABILITY_FILES, unit,
                                                              filename, content))


async def _download(request: Request, principal: Principal, kind: str, file_id: str):
    async with request.app.state.runtime.session_factory() as session:
        row = await service.find_attachment(session, kind, file_id)
    if row is None:
        raise service.not_found(f"佐证材料 {file_id}")
    authorize_target(principal, "supervision.read", row.unit_code)  # who may read the unit's records
    return attachments.download(row)


@router.get("/inspections/attachments/{file_id}", tags=TAGS, response_class=Response,
            responses=attachments.download_responses(), summary="下载督导检查佐证材料（响应头带 SHA-256）")
async def download_inspection_attachment(request: Request, file_id: Uuid,
                                         principal: Principal = Depends(authorized("supervision.read"))):
    return await _download(request, principal, service.INSPECTION_FILES, file_id)


@router.get("/accountability/attachments/{file_id}", tags=TAGS, response_class=Response,
            responses=attachments.download_responses(), summary="下载问责决定佐证材料（响应头带 SHA-256）")
async def download_accountability_attachment(request: Request, file_id: Uuid,
                                             principal: Principal = Depends(authorized("supervision.read"))):
    return await _download(request, principal, service.ACCOUNTABILITY_FILES, file_id)


# --- evaluations ------------------------------------------------------------------------

class EvaluationIn(_In):
    study_id: Identifier = Field(description="作出评价的县委研究（持续整顿阶段逐村研究，见整顿台账 continued.study.study_id）")
    role: EvaluatedRole
    person: str = Field(min_length=1, max_length=100)
    user_id: str | None = Field(None, max_length=64)
    subject_code: str = Field(pattern=DIVISION_CODE, description="the village (contact leader, team member) or township")
    grade: Grade
    comment: str = ""
    evaluated_on: date
    occasion: str = Field("持续整顿阶段县级研判", description="the study at which it was evaluated")
    reported_to: str | None = Field(None, pattern=DIVISION_CODE, description="报送的市委组织部；不填为本市")


def _evaluation_out(e: EvaluationRow):
    return {"evaluation_id": e.evaluation_id, "role": e.role, "role_label": EvaluatedRole(e.role).label,
            "person": e.person, "user_id": e.user_id, "subject_code": e.subject_code, "grade": e.grade,
            "grade_label": Grade(e.grade).label, "comment": e.comment, "evaluated_on": e.evaluated_on,
            "occasion": e.occasion, "reported_to": e.reported_to, "study_id": e.study_id, "campaign_id": e.campaign_id,
            "policy_version": e.policy_version, "actor": e.actor}


@router.post("/evaluations", response_model=R.EvaluationOut, tags=TAGS, status_code=201, summary="评价联系领导、乡镇书记、工作队员")
async def record_evaluation(request: Request, body: EvaluationIn,
                            principal: Principal = Depends(authorized("supervision.evaluate"))):
    authorize_target(principal, "supervision.evaluate", body.subject_code)
    async with request.app.state.runtime.unit_of_work() as uow:
        return _evaluation_out(await service.record_evaluation(uow, principal, body.model_dump()))


@router.get("/evaluations", tags=TAGS, response_model=Page[R.EvaluationOut], summary="评价记录（本辖区，分页）")
async def list_evaluations(request: Request, role: EvaluatedRole | None = Query(None),
                           unit: DivisionCode | None = Query(None),
                           principal: Principal = Depends(authorized("supervision.read", target="unit")),
                           paging: PageParams = Depends(page_params)):
    query = select(EvaluationRow).where(_within(EvaluationRow.subject_code, principal.division_code))
    if role:
        query = query.where(EvaluationRow.role == role.value)
    if unit:
        query = query.where(_within(EvaluationRow.subject_code, unit))
    return await _page(request, query, [EvaluationRow.evaluated_on, EvaluationRow.evaluation_id], paging, _evaluation_out)


# --- 四统一, 五统一, 五到位 -----------------------------------------------------------------

class CampaignRecordIn(_In):
    kind: CampaignRecordKind
    unit_code: str = Field(pattern=DIVISION_CODE, description="the recording body's unit (county or township)")
    campaign_id: Identifier | None = None
    held_on: date
    attendees: list[str] = Field(min_length=1, description="参加人员（会议出席人员、培训参训人员等）")
    content: str = Field(min_length=1, max_length=10000, description="研究、部署或落实的内容（如逐村剖析意见）")
    village_codes: list[Annotated[str, Field(pattern=DIVISION_CODE)]] = Field(
        [], max_length=500, description="涉及的村（逐村剖析时必填）")


def _campaign_record_out(r: CampaignRecordRow):
    kind = CampaignRecordKind(r.kind)
    return {"record_id": r.record_id, "kind": r.kind, "kind_label": kind.label, "group": r.group,
            "group_label": kind.spec.group.label, "unit_code": r.unit_code, "campaign_id": r.campaign_id,
            "held_on": r.held_on, "attendees": r.attendees, "content": r.content, "village_codes": r.village_codes,
            "actor": r.actor}


@router.post("/campaign-records", response_model=R.CampaignRecordOut, tags=TAGS, status_code=201,
             summary="记录四统一（县委常委会）、五统一（县委组织部）、五到位（乡镇党委）：日期、参加人员、内容")
async def record_campaign_record(request: Request, body: CampaignRecordIn,
                                 principal: Principal = Depends(authorized("supervision.campaign_record"))):
    authorize_target(principal, "supervision.campaign_record", body.unit_code)
    async with request.app.state.runtime.unit_of_work() as uow:
        return _campaign_record_out(await service.record_campaign_record(uow, principal, body.model_dump()))


@router.get("/campaign-records", tags=TAGS, response_model=Page[R.CampaignRecordOut], summary="四统一、五统一、五到位记录（本辖区，分页）")
async def list_campaign_records(request: Request, kind: CampaignRecordKind | None = Query(None),
                                unit: DivisionCode | None = Query(None),
                                principal: Principal = Depends(authorized("supervision.read", target="unit")),
                                paging: PageParams = Depends(page_params)):
    query = select(CampaignRecordRow).where(_within(CampaignRecordRow.unit_code, principal.division_code))
    if kind:
        query = query.where(CampaignRecordRow.kind == kind.value)
    if unit:
        query = query.where(_within(CampaignRecordRow.unit_code, unit))
    return await _page(request, query, [CampaignRecordRow.held_on, CampaignRecordRow.record_id], paging,
                       _campaign_record_out)


# --- annual appraisal -------------------------------------------------------------------

@router.get("/annual-appraisal", tags=TAGS, summary="述职评议考核：年度问责与评价结果（按人，json 或 xlsx）",
            response_class=Response, response_model=None,
            responses={200: {"model": R.AppraisalOut, **files(appraisal.XLSX, description="年度问责与评价结果")[200]}})
async def annual_appraisal(request: Request, year: int = Query(ge=2000, le=2100),
                           person: str | None = Query(None, min_length=1, max_length=100, pattern=r"^[^\x00-\x1f]+$",
                                                      description="只看此人（姓名）"),
                           unit: DivisionCode | None = Query(None, description="只看此单位及其下级"),
                           format: Literal["json", "xlsx"] = Query("json"),
                           principal: Principal = Depends(authorized("supervision.appraisal", target="unit"))):
    async with request.app.state.runtime.session_factory() as session:
        document = await service.appraisal(session, unit or principal.division_code, year, person)
    name = f"appraisal-{document['unit_code']}-{year}.{format}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format == "json":
        return Response(appraisal.appraisal_json(document), media_type="application/json", headers=headers)
    return Response(appraisal.appraisal_xlsx(document), media_type=appraisal.XLSX, headers=headers)


# --- documentary record -----------------------------------------------------------------

def _entry_out(e):
    return {"position": e.position, "kind": e.kind, "reference": e.reference, "body": e.body,
            "recorded_at": e.recorded_at, "prev_hash": e.prev_hash, "hash": e.hash}


@router.get("/journal/{code}", tags=TAGS, response_model=Page[R.JournalEntryOut], summary="纪实记录（按村或单位，分页）")
async def read_journal(request: Request, code: DivisionCode,
                       principal: Principal = Depends(authorized("journal.read", target="code")),
                       paging: PageParams = Depends(page_params)):
    async with request.app.state.runtime.session_factory() as session:
        entries, total = await journal.read_chain(session, code, paging.offset, paging.size)
    return Page[dict[str, Any]](items=[_entry_out(e) for e in entries], total=total, page=paging.page, size=paging.size)


@router.get("/journal/{code}/verify", response_model=R.VerificationOut, tags=TAGS, summary="核验纪实记录的哈希链")
async def verify_journal(request: Request, code: DivisionCode,
                         principal: Principal = Depends(authorized("journal.read", target="code"))):
    async with request.app.state.runtime.session_factory() as session:
        result = await journal.verify_chain(session, code)
    return {"code": code, "valid": result.valid, "entries": result.entries, "broken_at": result.broken_at,
            "reason": result.reason, "algorithm": "sha256-canonical-json-v1"}


from supervision.domain.tasks import LABELS as TASK_LABELS  # noqa: E402
from zhengdun.tasks import tasks_router  # noqa: E402

router.include_router(tasks_router("supervision", TASK_LABELS, service.pending_tasks))
