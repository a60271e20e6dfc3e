"""HTTP routes of the acceptance service: thin — parse, authorize, call one use case, answer."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import Response

from acceptance import responses as R
from acceptance.commands import (ApplicationIn, ApprovalIn, CountyGroupIn, CountyReportIn, DelistIn, DrawIn, Empty,
                                 NoticeIn, ObjectionAnswerIn, ObjectionIn, OpinionIn, PostEvaluationIn, PreliminaryIn,
                                 SelfCheckIn, SpotCheckIn, SpotCheckLevel, StandardIn, SurveyIn)
from acceptance.dependencies import Acting, acceptance_to_change, acceptance_to_read, document_to_read
from acceptance.domain.process import Stage
from acceptance.models import Document
from acceptance.responses import AcceptanceSummary, KeyOut, SampleOut, SignContentOut
from acceptance.service import documents, files, reading, spot_checks, standard, steps
from zhengdun import attachments, printing
from zhengdun.access import authorize_target, authorized
from zhengdun.attachments import AttachmentOut
from zhengdun.auth import Principal
from zhengdun.dependencies import Reader, UoW
from zhengdun.pagination import Page, PageParams, page_params
from zhengdun.params import DivisionCode, Identifier, Uuid
from zhengdun.responses import file_response, files as file_responses

router = APIRouter()
api = APIRouter(tags=["acceptance 评估验收"])

Readable = Annotated[Acting, Depends(acceptance_to_read())]
ReadableDocument = Annotated[Document, Depends(document_to_read())]


# A route with a second path parameter names acceptance_id itself too, so that /openapi.json keeps
# the path's order (a dependency's parameters come after the route's own).


# ------------------------------------------------------------------ reading


@api.get("/acceptances", response_model=Page[AcceptanceSummary], summary="验收列表（辖区内，可按村、县、乡镇、阶段筛选）")
async def list_acceptances(session: Reader, village: DivisionCode | None = Query(None),
                           county: DivisionCode | None = Query(None), township: DivisionCode | None = Query(None),
                           stage: Stage | None = None, campaign_id: Identifier | None = None,
                           paging: PageParams = Depends(page_params),
                           principal: Principal = Depends(authorized("acceptance.read", target="village",
                                                                     also=("county", "township")))):
    return await reading.list_acceptances(session, principal.division_code, paging, stage=stage,
                                          campaign_id=campaign_id, within_codes=[c for c in (village, county, township) if c])


@api.get("/acceptances/{acceptance_id}", response_model=R.AcceptanceDetail, summary="一个村的验收：阶段、各步记录、文书")
async def get_acceptance(this: Readable, session: Reader):
    return await reading.acceptance_detail(session, this.row)


@api.get("/acceptances/{acceptance_id}/documents", response_model=Page[R.DocumentOut], summary="验收文书（规范化内容）")
async def list_documents(this: Readable, session: Reader, paging: PageParams = Depends(page_params)):
    return await documents.list_documents(session, this.row.acceptance_id, paging)


@api.get("/documents/{document_id}/verify", response_model=R.DocumentVerification, summary="核验文书的签字与印章：谁、何时、以何身份、是否仍有效")
async def verify_document(doc: ReadableDocument, session: Reader):
    return await documents.verify(session, doc)


@api.get("/documents/{document_id}/pdf", summary="下载文书的打印版（PDF：内容、签字、印章与核验码）",
         response_class=Response, responses=file_responses(printing.PDF, description="文书 PDF (as attachment)"))
async def document_pdf(doc: ReadableDocument, session: Reader, request: Request):
    verify_path = request.scope.get("root_path", "") + request.app.url_path_for("verify_document",
                                                                                document_id=doc.document_id)
    body, filename = await documents.document_pdf(session, doc, verify_path)
    return file_response(body, printing.PDF, filename)


# ------------------------------------------------------------------ evidence files


@api.post("/acceptances/{acceptance_id}/attachments", response_model=AttachmentOut, status_code=201,
          responses=attachments.upload_responses(),
          summary=f"上传验收佐证材料（签字的申请书原件、初验和验收报告）{attachments.UPLOAD_SUMMARY}")
async def upload_attachment(uow: UoW, file: UploadFile = File(...),
                            this: Acting = Depends(acceptance_to_change("acceptance.attach", lock=False))):
    filename, content = await attachments.read_upload(file)
    return await files.upload(uow, this.row, filename, content, this.principal.actor)


@api.get("/acceptances/{acceptance_id}/attachments/{file_id}", response_class=Response,
         responses=attachments.download_responses(), summary="下载验收佐证材料（响应头带 SHA-256）")
async def download_attachment(acceptance_id: Uuid, file_id: Uuid, this: Readable, session: Reader):
    return attachments.download(await files.find(session, this.row, file_id))


# ------------------------------------------------------------------ 1. application


@api.post("/acceptances/{acceptance_id}/application/sign", response_model=R.AcceptanceOut, summary="1. 工作队队长、村党组织书记联名签署验收申请")
async def sign_application(body: ApplicationIn, uow: UoW,
                           this: Acting = Depends(acceptance_to_change("acceptance.apply"))):
    return await steps.sign_application(body, uow, this.row, this.principal)


# ------------------------------------------------------------------ 2. standard and self-check


@api.put("/campaigns/{campaign_id}/standard", response_model=R.StandardOut,
         summary="2. 市里制定或修订验收标准（四个方面的评分项与合格分；每次修订为新版本，已按旧版本自查的不变）")
async def set_standard(campaign_id: Identifier, body: StandardIn, uow: UoW,
                       principal: Principal = Depends(authorized("acceptance.standard"))):
    return await standard.set_standard(body, uow, campaign_id, principal)


@api.get("/campaigns/{campaign_id}/standard", response_model=R.StandardOut, summary="查看验收标准（默认现行版本，可指定历史版本）")
async def get_standard(campaign_id: Identifier, session: Reader,
                       version: int | None = Query(None, ge=1, le=1_000_000, description="版本号；默认现行版本"),
                       principal: Principal = Depends(authorized("acceptance.read"))):
    return await standard.get_standard(session, campaign_id, version)


@api.post("/acceptances/{acceptance_id}/self-check", response_model=R.AcceptanceOut,
          summary="2. 村级自查：按现行验收标准逐项打分（记录所依据的标准版本）")
async def self_check(body: SelfCheckIn, uow: UoW, this: Acting = Depends(acceptance_to_change("acceptance.apply"))):
    return await steps.self_check(body, uow, this.row, this.principal)


# ------------------------------------------------------------------ 3. township preliminary


@api.post("/acceptances/{acceptance_id}/preliminary", response_model=R.AcceptanceOut, summary="3. 乡镇初验：初验组、党委集体研究、是否摘帽的报告")
async def record_preliminary(body: PreliminaryIn, uow: UoW,
                             this: Acting = Depends(acceptance_to_change("acceptance.preliminary"))):
    return await steps.record_preliminary(body, uow, this.row, this.principal)


@api.post("/acceptances/{acceptance_id}/preliminary/sign", response_model=R.AcceptanceOut, summary="3. 乡镇党委主要负责同志签字，加盖乡镇印章")
async def sign_preliminary(body: Empty, uow: UoW,
                           this: Acting = Depends(acceptance_to_change("acceptance.preliminary.sign"))):
    return await steps.sign_preliminary(body, uow, this.row, this.principal)


# ------------------------------------------------------------------ 4. county acceptance


@api.post("/acceptances/{acceptance_id}/county/group", response_model=R.AcceptanceOut, summary="4. 组成县级验收组（县级领导干部带队，联审部门参加）")
async def county_group(body: CountyGroupIn, uow: UoW,
                       this: Acting = Depends(acceptance_to_change("acceptance.county"))):
    return await steps.form_county_group(body, uow, this.row, this.principal)


@api.post("/acceptances/{acceptance_id}/county/opinions", response_model=R.AcceptanceOut, summary="4. 联审部门各自出具意见（以本部门账号）")
async def county_opinion(body: OpinionIn, uow: UoW,
                         this: Acting = Depends(acceptance_to_change("acceptance.review_opinion"))):
    return await steps.county_opinion(body, uow, this.row, this.principal)


@api.post("/acceptances/{acceptance_id}/county/report", response_model=R.AcceptanceOut, summary="4. 县级验收报告（须各联审部门均已出具意见）")
async def county_report(body: CountyReportIn, uow: UoW,
                        this: Acting = Depends(acceptance_to_change("acceptance.county"))):
    return await steps.county_report(body, uow, this.row, this.principal)


@api.post("/acceptances/{acceptance_id}/county/approve", response_model=R.AcceptanceOut, summary="4. 县委常委会审定")
async def county_approve(body: ApprovalIn, uow: UoW,
                         this: Acting = Depends(acceptance_to_change("acceptance.county.approve"))):
    return await steps.county_approve(body, uow, this.row, this.principal)


@api.post("/acceptances/{acceptance_id}/county/sign", response_model=R.AcceptanceOut, summary="4. 县委书记签字、加盖县委印章，报市备案")
async def county_sign(body: Empty, uow: UoW, this: Acting = Depends(acceptance_to_change("acceptance.county.sign"))):
    return await steps.county_sign(body, uow, this.row, this.principal)


@api.get("/acceptances/{acceptance_id}/county/sign/content", response_model=SignContentOut,
         summary="4. 县委书记签字前查看将要签字盖章的县级验收报告（与签署内容逐字一致）")
async def county_sign_content(this: Readable, session: Reader) -> SignContentOut:
    return await reading.county_sign_content(session, this.row)


# ------------------------------------------------------------------ 5. survey


@api.post("/acceptances/{acceptance_id}/survey", response_model=R.AcceptanceOut, summary="5. 群众满意度测评（低于政策阈值退回整改）")
async def survey(body: SurveyIn, uow: UoW, this: Acting = Depends(acceptance_to_change("acceptance.county"))):
    return await steps.survey(body, uow, this.row, this.principal)


# ------------------------------------------------------------------ 6. spot checks


@api.post("/spot-checks", response_model=SampleOut, summary="6. 按比例随机抽取县里已通过验收的村（市、省级；县、乡镇开展的整顿由县委组织部抽取；可复现）")
async def draw(body: DrawIn, uow: UoW, principal: Principal = Depends(authorized("acceptance.spot_check"))):
    authorize_target(principal, "acceptance.spot_check", body.county_code)
    return await spot_checks.draw(body, uow, principal)


@api.get("/spot-checks", response_model=Page[SampleOut], summary="抽查记录（种子、算法、总体、抽中）")
async def list_draws(session: Reader, county: DivisionCode | None = Query(None),
                     paging: PageParams = Depends(page_params),
                     principal: Principal = Depends(authorized("acceptance.read", target="county"))):
    return await spot_checks.list_draws(session, principal.division_code, county, paging)


@api.post("/acceptances/{acceptance_id}/spot-checks/{level}", response_model=R.AcceptanceOut, summary="6. 抽中村的抽查结论（city、province，或县开展的整顿 county；不通过则撤销验收）")
async def spot_check(acceptance_id: Uuid, level: SpotCheckLevel, body: SpotCheckIn, uow: UoW,
                     this: Acting = Depends(acceptance_to_change("acceptance.spot_check"))):
    return await steps.spot_check(body, uow, this.row, this.principal, level)


# ------------------------------------------------------------------ 7. notice and delisting


@api.post("/acceptances/{acceptance_id}/notice", response_model=R.AcceptanceOut, summary="7. 乡镇公示验收结果（公示天数按政策）")
async def notice(body: NoticeIn, uow: UoW, this: Acting = Depends(acceptance_to_change("acceptance.notice"))):
    return await steps.notice(body, uow, this.row, this.principal)


@api.post("/acceptances/{acceptance_id}/notice/objections", response_model=R.AcceptanceOut,
          summary="7. 记录公示期间的异议（未答复的异议阻止销号）")
async def record_objection(body: ObjectionIn, uow: UoW,
                           this: Acting = Depends(acceptance_to_change("acceptance.notice"))):
    return await steps.record_objection(body, uow, this.row, this.principal)


@api.post("/acceptances/{acceptance_id}/notice/objections/{objection_id}/answer", response_model=R.AcceptanceOut,
          summary="7. 答复公示期间的异议")
async def answer_objection(acceptance_id: Uuid, objection_id: Identifier, body: ObjectionAnswerIn, uow: UoW,
                           this: Acting = Depends(acceptance_to_change("acceptance.notice"))):
    return await steps.answer_objection(body, uow, this.row, this.principal, objection_id)


@api.post("/acceptances/{acceptance_id}/delist", response_model=R.AcceptanceOut, summary="7. 公示期满无异议，销号")
async def delist(body: DelistIn, uow: UoW, this: Acting = Depends(acceptance_to_change("acceptance.county"))):
    return await steps.delist(body, uow, this.row, this.principal)


# ------------------------------------------------------------------ 8. post-evaluation


@api.post("/acceptances/{acceptance_id}/post-evaluation", response_model=R.AcceptanceOut,
          summary="8. 乡镇党委组织后评估：巩固或反弹（反弹则重新列入）")
async def post_evaluation(body: PostEvaluationIn, uow: UoW,
                          this: Acting = Depends(acceptance_to_change("acceptance.post_evaluation"))):
    return await steps.post_evaluate(body, uow, this.row, this.principal)


# ------------------------------------------------------------------ seal keys


@api.get("/seal-keys", response_model=Page[KeyOut], summary="单位电子印章公钥（含已轮换的旧密钥）")
async def list_keys(session: Reader, unit: DivisionCode | None = Query(None), paging: PageParams = Depends(page_params),
                    principal: Principal = Depends(authorized("acceptance.read", target="unit"))):
    return await documents.list_keys(session, principal.division_code, unit, paging)


@api.post("/seal-keys/{unit_code}/rotate", response_model=KeyOut, summary="轮换单位印章密钥（旧印章仍可核验）")
async def rotate(unit_code: DivisionCode, body: Empty, uow: UoW,
                 principal: Principal = Depends(authorized("acceptance.seal.manage", target="unit_code"))):
    return await documents.rotate_key(uow, unit_code)


router.include_router(api)
