"""HTTP routes of the supervision service: thin — parse, authorize, call one use case (``service.py``), answer."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import Response

from supervision import appraisal, service
from supervision import responses as R
from supervision.commands import (AccountabilityIn, CampaignRecordIn, EvaluationIn, FollowUpIn, InspectionIn,
                                  PlanIn)
from supervision.domain.campaign_records import CampaignRecordKind
from supervision.domain.records import EvaluatedRole, InspectionKind
from supervision.domain.rules import Rule
from zhengdun import attachments
from zhengdun.access import authorize_target, authorized
from zhengdun.attachments import AttachmentOut
from zhengdun.auth import Principal
from zhengdun.dependencies import Reader, UoW
from zhengdun.pagination import Page, PageParams, page_params
from zhengdun.params import DivisionCode, Identifier, Uuid
from zhengdun.responses import file_response, files

router = APIRouter()
TAGS = ["supervision 督导问责"]


# --- alerts -----------------------------------------------------------------------------

@router.get("/alerts", tags=TAGS, response_model=Page[R.AlertOut], summary="预警列表（本辖区，分页）")
async def list_alerts(session: Reader,
                      rule: Rule | None = Query(None),
                      status: Literal["open", "resolved", "all", "withdrawn"] = Query(
                          "open", description="all = open + resolved; withdrawn = false alarms (撤销的误报)"),
                      unit: DivisionCode | None = Query(None, description="只看此单位及其下级"),
                      village: DivisionCode | None = Query(None),
                      campaign: Identifier | None = Query(None, description="只看此次整顿 (one campaign)"),
                      principal: Principal = Depends(authorized("supervision.read", target="unit")),
                      paging: PageParams = Depends(page_params)):
    return await service.list_alerts(session, principal, paging, rule=rule, status=status, unit=unit, village=village,
                                     campaign=campaign)


@router.get("/alerts/{alert_id}", response_model=R.AlertOut, tags=TAGS, summary="预警详情")
async def get_alert(session: Reader, alert_id: Identifier,
                    principal: Principal = Depends(authorized("supervision.read"))):
    return await service.alert(session, principal, alert_id)


# --- inspections ------------------------------------------------------------------------

@router.post("/inspection-plans", response_model=R.PlanOut, tags=TAGS, status_code=201, summary="制定督导计划（如每月25日至月底）")
async def create_plan(uow: UoW, body: PlanIn, principal: Principal = Depends(authorized("supervision.inspect"))):
    authorize_target(principal, "supervision.inspect", body.unit_code)
    return await service.create_plan(body, uow, principal)


@router.get("/inspection-plans", tags=TAGS, response_model=Page[R.PlanOut], summary="督导计划（分页）")
async def list_plans(session: Reader, principal: Principal = Depends(authorized("supervision.read")),
                     paging: PageParams = Depends(page_params)):
    return await service.list_plans(session, principal, paging)


@router.post("/inspections", response_model=R.InspectionOut, tags=TAGS, status_code=201, summary="记录督导检查（定期、暗访、专项调研、电话抽查）")
async def record_inspection(uow: UoW, body: InspectionIn,
                            principal: Principal = Depends(authorized("supervision.inspect"))):
    authorize_target(principal, "supervision.inspect", body.unit_code)
    return await service.record_inspection(body, uow, principal)


@router.post("/inspections/{inspection_id}/follow-ups", response_model=R.InspectionOut, tags=TAGS, summary="整改要求跟踪落实")
async def follow_up(uow: UoW, inspection_id: Identifier, body: FollowUpIn,
                    principal: Principal = Depends(authorized("supervision.inspect"))):
    # The caller's reach over the inspected unit is checked once the inspection is found.
    return await service.follow_up(body, uow, principal, inspection_id)


@router.get("/inspections", tags=TAGS, response_model=Page[R.InspectionOut], summary="督导检查记录（本辖区，分页）")
async def list_inspections(session: Reader, kind: InspectionKind | None = Query(None),
                           unit: DivisionCode | None = Query(None),
                           principal: Principal = Depends(authorized("supervision.read", target="unit")),
                           paging: PageParams = Depends(page_params)):
    return await service.list_inspections(session, principal, paging, kind=kind, unit=unit)


# --- accountability ---------------------------------------------------------------------

@router.post("/accountability", response_model=R.AccountabilityOut, tags=TAGS, status_code=201, summary="决定约谈、诫勉谈话、组织处理（须有依据）")
async def decide_accountability(uow: UoW, body: AccountabilityIn,
                                principal: Principal = Depends(authorized("supervision.hold_accountable"))):
    authorize_target(principal, "supervision.hold_accountable", body.subject_code)
    return await service.decide_accountability(body, uow, principal)


@router.get("/accountability", tags=TAGS, response_model=Page[R.AccountabilityOut], summary="问责记录（本辖区，分页）")
async def list_accountability(session: Reader, unit: DivisionCode | None = Query(None),
                              principal: Principal = Depends(authorized("supervision.read", target="unit")),
                              paging: PageParams = Depends(page_params)):
    return await service.list_accountability(session, principal, paging, unit=unit)


# --- evidence files ---------------------------------------------------------------------

_UNIT = "被检查（被问责）单位的区划代码"


@router.post("/inspections/attachments", response_model=AttachmentOut, tags=TAGS, status_code=201,
             responses=attachments.upload_responses(), summary=f"上传督导检查佐证材料{attachments.UPLOAD_SUMMARY}")
async def upload_inspection_attachment(uow: UoW, unit: Annotated[DivisionCode, Query(description=_UNIT)],
                                       file: UploadFile = File(...),
                                       principal: Principal = Depends(authorized("supervision.inspect", target="unit"))):
    filename, content = await attachments.read_upload(file)
    return attachments.out(await service.store_attachment(uow, principal, service.INSPECTION_FILES, unit, filename,
                                                          content))


@router.post("/accountability/attachments", response_model=AttachmentOut, tags=TAGS, status_code=201,
             responses=attachments.upload_responses(), summary=f"上传问责决定佐证材料{attachments.UPLOAD_SUMMARY}")
async def upload_accountability_attachment(uow: UoW, unit: Annotated[DivisionCode, Query(description=_UNIT)],
                                           file: UploadFile = File(...),
                                           principal: Principal = Depends(authorized("supervision.hold_accountable",
                                                                                     target="unit"))):
    filename, content = await attachments.read_upload(file)
    return attachments.out(await service.store_attachment(uow, principal, service.ACCOUNTABILITY_FILES, unit,
                                                          filename, content))


@router.get("/inspections/attachments/{file_id}", tags=TAGS, response_class=Response,
            responses=attachments.download_responses(), summary="下载督导检查佐证材料（响应头带 SHA-256）")
async def download_inspection_attachment(session: Reader, file_id: Uuid,
                                         principal: Principal = Depends(authorized("supervision.read"))):
    return attachments.download(await service.readable_attachment(session, principal, service.INSPECTION_FILES,
                                                                  file_id))


@router.get("/accountability/attachments/{file_id}", tags=TAGS, response_class=Response,
            responses=attachments.download_responses(), summary="下载问责决定佐证材料（响应头带 SHA-256）")
async def download_accountability_attachment(session: Reader, file_id: Uuid,
                                             principal: Principal = Depends(authorized("supervision.read"))):
    return attachments.download(await service.readable_attachment(session, principal, service.ACCOUNTABILITY_FILES,
                                                                  file_id))


# --- evaluations ------------------------------------------------------------------------

@router.post("/evaluations", response_model=R.EvaluationOut, tags=TAGS, status_code=201, summary="评价联系领导、乡镇书记、工作队员")
async def record_evaluation(uow: UoW, body: EvaluationIn,
                            principal: Principal = Depends(authorized("supervision.evaluate"))):
    authorize_target(principal, "supervision.evaluate", body.subject_code)
    return await service.record_evaluation(body, uow, principal)


@router.get("/evaluations", tags=TAGS, response_model=Page[R.EvaluationOut], summary="评价记录（本辖区，分页）")
async def list_evaluations(session: Reader, role: EvaluatedRole | None = Query(None),
                           unit: DivisionCode | None = Query(None),
                           principal: Principal = Depends(authorized("supervision.read", target="unit")),
                           paging: PageParams = Depends(page_params)):
    return await service.list_evaluations(session, principal, paging, role=role, unit=unit)


# --- 四统一, 五统一, 五到位 -----------------------------------------------------------------

@router.post("/campaign-records", response_model=R.CampaignRecordOut, tags=TAGS, status_code=201,
             summary="记录四统一（县委常委会）、五统一（县委组织部）、五到位（乡镇党委）：日期、参加人员、内容")
async def record_campaign_record(uow: UoW, body: CampaignRecordIn,
                                 principal: Principal = Depends(authorized("supervision.campaign_record"))):
    authorize_target(principal, "supervision.campaign_record", body.unit_code)
    return await service.record_campaign_record(body, uow, principal)


@router.get("/campaign-records", tags=TAGS, response_model=Page[R.CampaignRecordOut], summary="四统一、五统一、五到位记录（本辖区，分页）")
async def list_campaign_records(session: Reader, kind: CampaignRecordKind | None = Query(None),
                                unit: DivisionCode | None = Query(None),
                                principal: Principal = Depends(authorized("supervision.read", target="unit")),
                                paging: PageParams = Depends(page_params)):
    return await service.list_campaign_records(session, principal, paging, kind=kind, unit=unit)


# --- annual appraisal -------------------------------------------------------------------

@router.get("/annual-appraisal", tags=TAGS, summary="述职评议考核：年度问责与评价结果（按人，json 或 xlsx）",
            response_class=Response, response_model=None,
            responses={200: {"model": R.AppraisalOut, **files(appraisal.XLSX, description="年度问责与评价结果")[200]}})
async def annual_appraisal(session: Reader, year: int = Query(ge=2000, le=2100),
                           person: str | None = Query(None, min_length=1, max_length=100, pattern=r"^[^\x00-\x1f]+$",
                                                      description="只看此人（姓名）"),
                           unit: DivisionCode | None = Query(None, description="只看此单位及其下级"),
                           format: Literal["json", "xlsx"] = Query("json"),
                           principal: Principal = Depends(authorized("supervision.appraisal", target="unit"))):
    return file_response(*await service.appraisal_file(session, unit or principal.division_code, year, person, format))


# --- documentary record -----------------------------------------------------------------

@router.get("/journal/{code}", tags=TAGS, response_model=Page[R.JournalEntryOut], summary="纪实记录（按村或单位，分页）")
async def read_journal(session: Reader, code: DivisionCode,
                       principal: Principal = Depends(authorized("journal.read", target="code")),
                       paging: PageParams = Depends(page_params)):
    return await service.journal_page(session, code, paging)


@router.get("/journal/{code}/verify", response_model=R.VerificationOut, tags=TAGS, summary="核验纪实记录的哈希链")
async def verify_journal(session: Reader, code: DivisionCode,
                         principal: Principal = Depends(authorized("journal.read", target="code"))):
    return await service.journal_verification(session, code)


