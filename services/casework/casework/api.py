"""HTTP routes of the casework service: thin — parse, authorize, call one use case (``service.py``), answer."""
from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import Response

from casework import ledger, pairings, pairings_api, service
from casework.dependencies import allowed, case_to_read, case_to_write
from casework import responses as R
from casework.commands import (
    AnswerIn, CommentIn, ContactLeaderIn, FirstSecretaryIn, MeasureIn, PairingIn, PlanPublicationIn, ProblemIn,
    ProgressIn, ProgressReportIn, SecondReviewIn, StudyIn, SupervisionIn, TaskIn, TeamIn, VisitIn,
)
from casework.models import Case
from zhengdun import attachments
from zhengdun.access import authorized
from zhengdun.attachments import AttachmentOut
from zhengdun.auth import Principal
from zhengdun.dependencies import OneStatementReader, Reader, Snapshots, UoW
from zhengdun.events.casework import CasePhase
from zhengdun.pagination import Page, PageParams, page_params
from zhengdun.params import DivisionCode, Identifier, Uuid
from zhengdun.responses import file_response, files

router = APIRouter()
cases = APIRouter(prefix="/cases", tags=["cases 整顿台账"])

# Routes with a second id in the path name ``case_id`` too (the case comes from the dependency), so that the
# OpenAPI lists the path's parameters in their order.


# ---------------------------------------------------------------------------------------- reading


@cases.get("", response_model=Page[R.CaseSummary], summary="整顿村列表（辖区内，可按县、乡镇、阶段筛选）")
async def list_cases(session: OneStatementReader, county: DivisionCode | None = Query(None),
                     township: DivisionCode | None = Query(None), phase: CasePhase | None = None,
                     campaign_id: Identifier | None = None, paging: PageParams = Depends(page_params),
                     principal: Principal = Depends(authorized("case.read", target="county", also=("township",)))):
    return await service.list_cases(session, principal, paging, county=county, township=township, phase=phase,
                                    campaign_id=campaign_id)


@cases.get("/{case_id}", response_model=R.CaseDetail, summary="一村一册：案件详情（工作队、联系领导、三张清单、进展、走访、持续整顿）")
async def case_detail(case_id: Uuid, session: OneStatementReader, snapshot: Snapshots,
                      principal: Principal = Depends(allowed("case.read"))):
    # Already validated against CaseDetail and serialized (the service keeps unchanged books folded); the case is
    # found and checked against the caller's reach there, in the statement that finds whether its book changed.
    return Response(await service.case_detail(session, snapshot, case_id, principal), media_type="application/json")


@cases.get("/{case_id}/ledger", response_model=R.LedgerOut, summary="台账：全部记录按序，可查看任一过去日期的状态 (as_of)")
async def case_ledger(session: Reader, as_of: date | None = Query(None, description="截至日期，默认今天"),
                      case: Case = case_to_read):
    return await service.case_ledger(session, case, as_of)


@cases.get("/{case_id}/ledger/export", summary="导出台账（json 或 xlsx）", response_class=Response,
           responses={200: {"model": R.LedgerOut, **files(ledger.XLSX, description="台账 (json or xlsx, as attachment)")[200]}})
async def export_ledger(session: Reader, format: str = Query("xlsx", pattern="^(json|xlsx)$"),
                        as_of: date | None = None, case: Case = case_to_read):
    return file_response(*await service.ledger_file(session, case, as_of, format))


# ---------------------------------------------------------------------------------------- staffing


@cases.put("/{case_id}/team", response_model=R.WriteOut, summary="选派工作队（调整须说明理由，并依据县委的决定）")
async def station_team(body: TeamIn, uow: UoW, case: Case = case_to_write("case.staff"),
                       principal: Principal = Depends(allowed("case.staff"))):
    return await service.station_team(body, uow, case, principal)


@cases.put("/{case_id}/contact-leader", response_model=R.WriteOut, summary="明确联系分包县级领导（不转化不脱钩：调整须说明理由，并依据县委的决定）")
async def assign_contact_leader(body: ContactLeaderIn, uow: UoW, case: Case = case_to_write("case.staff"),
                                principal: Principal = Depends(allowed("case.staff"))):
    return await service.assign_contact_leader(body, uow, case, principal)


@cases.put("/{case_id}/first-secretary", response_model=R.WriteOut, summary="选派第一书记")
async def appoint_first_secretary(body: FirstSecretaryIn, uow: UoW, case: Case = case_to_write("case.staff"),
                                  principal: Principal = Depends(allowed("case.staff"))):
    return await service.appoint_first_secretary(body, uow, case, principal)


# Pairing is the county organization department's (seed 002), as on POST /pairings: township staff cannot pair here.
@cases.post("/{case_id}/pairings", response_model=R.WriteOut, status_code=201, summary="与优秀村党组织书记结对（县委组织部安排；一人至多结对政策规定数量的村）")
async def pair_secretary(body: PairingIn, uow: UoW, case: Case = case_to_write("pairing.keep"),
                         principal: Principal = Depends(allowed("pairing.keep"))):
    return await pairings.pair_with_case(body, uow, case, principal)


# ---------------------------------------------------------------------------------------- the three lists


@cases.post("/{case_id}/problems", response_model=R.WriteOut, status_code=201, summary="问题清单：增加问题（关联认定标准或现场新发现）")
async def add_problem(body: ProblemIn, uow: UoW, case: Case = case_to_write("case.plan"),
                      principal: Principal = Depends(allowed("case.plan"))):
    return await service.add_problem(body, uow, case, principal)


@cases.post("/{case_id}/tasks", response_model=R.WriteOut, status_code=201, summary="任务清单：针对问题的整改任务")
async def add_task(body: TaskIn, uow: UoW, case: Case = case_to_write("case.plan"),
                   principal: Principal = Depends(allowed("case.plan"))):
    return await service.add_task(body, uow, case, principal)


@cases.post("/{case_id}/measures", response_model=R.WriteOut, status_code=201, summary="整改措施：每项须有责任人和完成时限（责任清单由此生成）")
async def plan_measure(body: MeasureIn, uow: UoW, case: Case = case_to_write("case.plan"),
                       principal: Principal = Depends(allowed("case.plan"))):
    return await service.plan_measure(body, uow, case, principal)


@cases.post("/{case_id}/plan/publication", response_model=R.WriteOut, status_code=201, summary="整顿方案公开征求群众意见")
async def publish_plan(body: PlanPublicationIn, uow: UoW, case: Case = case_to_write("case.plan"),
                       principal: Principal = Depends(allowed("case.plan"))):
    return await service.publish_plan(body, uow, case, principal)


@cases.post("/{case_id}/plan/comments", response_model=R.WriteOut, status_code=201, summary="记录群众意见")
async def add_comment(body: CommentIn, uow: UoW, case: Case = case_to_write("case.plan"),
                      principal: Principal = Depends(allowed("case.plan"))):
    return await service.add_comment(body, uow, case, principal)


@cases.post("/{case_id}/plan/comments/{comment_id}/answer", response_model=R.WriteOut, status_code=201, summary="答复群众意见")
async def answer_comment(case_id: Uuid, comment_id: Uuid, body: AnswerIn, uow: UoW,
                         case: Case = case_to_write("case.plan"), principal: Principal = Depends(allowed("case.plan"))):
    return await service.answer_comment(body, uow, case, principal, comment_id)


# ---------------------------------------------------------------------------------------- progress and evidence


@cases.post("/{case_id}/evidence", status_code=201, response_model=AttachmentOut, responses=attachments.upload_responses(),
            summary=f"上传佐证材料{attachments.UPLOAD_SUMMARY}")
async def upload_evidence(uow: UoW, file: UploadFile = File(...), case: Case = case_to_write("case.progress"),
                          principal: Principal = Depends(allowed("case.progress"))):
    filename, content = await attachments.read_upload(file)
    return attachments.out(await service.upload_evidence(uow, case, principal, filename, content))


@cases.get("/{case_id}/evidence/{file_id}", summary="下载佐证材料（响应头带 SHA-256）", response_class=Response,
           responses=attachments.download_responses())
async def download_evidence(case_id: Uuid, file_id: Uuid, session: Reader, case: Case = case_to_read):
    return attachments.download(await service.evidence_file(session, case, file_id))


@cases.post("/{case_id}/measures/{measure_id}/progress", response_model=R.WriteOut, status_code=201,
            summary="填报整改进展（完成须有佐证；更正为新记录，指向被更正的记录）")
async def record_progress(case_id: Uuid, measure_id: Uuid, body: ProgressIn, uow: UoW,
                          case: Case = case_to_write("case.progress"), principal: Principal = Depends(allowed("case.progress"))):
    return await service.record_measure_progress(body, uow, case, principal, measure_id)


# ---------------------------------------------------------------------------------------- visits


@cases.post("/{case_id}/visits", response_model=R.WriteOut, status_code=201, summary="联系领导走访记录（谈话对象、推动解决的问题）")
async def record_visit(body: VisitIn, uow: UoW, case: Case = case_to_write("case.visit"),
                       principal: Principal = Depends(allowed("case.visit"))):
    return await service.record_visit(body, uow, case, principal)


# ---------------------------------------------------------------------------------------- progress reports


@cases.post("/{case_id}/progress-reports", response_model=R.WriteOut, status_code=201,
            summary="向县委组织部报送整顿进展（每两个月一次，按政策规定的周期）")
async def file_progress_report(body: ProgressReportIn, uow: UoW, case: Case = case_to_write("case.report"),
                               principal: Principal = Depends(allowed("case.report"))):
    return await service.file_progress_report(body, uow, case, principal)


# ---------------------------------------------------------------------------------------- continued rectification


@cases.post("/{case_id}/continued/study", response_model=R.WriteOut, status_code=201, summary="持续整顿：县委常委会逐村研究")
async def record_study(body: StudyIn, uow: UoW, case: Case = case_to_write("case.continued"),
                       principal: Principal = Depends(allowed("case.continued"))):
    return await service.record_study(body, uow, case, principal)


@cases.post("/{case_id}/continued/supervision", response_model=R.WriteOut, status_code=201, summary="持续整顿：县委书记挂牌督办（具名、限期）")
async def assign_supervision(body: SupervisionIn, uow: UoW, case: Case = case_to_write("case.continued"),
                             principal: Principal = Depends(allowed("case.continued"))):
    return await service.assign_supervision(body, uow, case, principal)


@cases.post("/{case_id}/continued/second-review", response_model=R.WriteOut, status_code=201, summary="持续整顿：二次研判，未完成的由县委书记直接联系")
async def second_review(body: SecondReviewIn, uow: UoW, case: Case = case_to_write("case.continued"),
                        principal: Principal = Depends(allowed("case.continued"))):
    return await service.record_second_review(body, uow, case, principal)


router.include_router(cases)
router.include_router(pairings_api.router)
