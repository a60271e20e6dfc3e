"""HTTP routes of the campaign's screening: thin — parse, authorize, call one use case (screening.service), answer.

Order of use: open a campaign → townships assess every village, record their committee meeting
and public notice, submit → the county draws its check samples, records site visits, returns or
adjusts, and its standing committee confirms (designations) → the city spot-checks → counties
file their lists. See services/screening/README.md.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import Response

from screening import responses as R
from screening.commands import (AdjustIn, AnswerIn, AssessmentsIn, CityDrawIn, ConfirmIn, DrawIn, FileIn, FindingsIn,
                                MeetingIn, NoticeIn, ObjectionIn, OpenCampaign, ReturnIn, ReviseCampaignPolicy,
                                SetLaggingRule, SiteVisitsIn, SubmitIn)
from screening.service import campaigns, city, county as county_review, filing, files, township as township_round
from zhengdun import attachments
from zhengdun.access import authorize_target, authorized
from zhengdun.attachments import AttachmentOut
from zhengdun.auth import Principal
from zhengdun.dependencies import OneStatementReader, Reader, Snapshots, UoW
from zhengdun.events import screening as ev
from zhengdun.pagination import Page, PageParams, page_params
from zhengdun.params import DivisionCode, Identifier, RoundId, Uuid

router = APIRouter(tags=["screening 排查认定"])
ROUND = "/campaigns/{campaign_id}/rounds/{round_id}"
TOWNSHIP = ROUND + "/townships/{township}"
COUNTY = ROUND + "/counties/{county}"

# ------------------------------------------------------------------------------- campaigns


@router.post("/campaigns", response_model=R.CampaignOut, status_code=201, summary="启动整顿工作（阶段、认定标准、政策参数；未填按种子文件默认）")
async def open_campaign(body: OpenCampaign, uow: UoW, principal: Principal = Depends(authorized("campaign.open"))):
    authorize_target(principal, "campaign.open", body.area_code)
    return await campaigns.open_campaign(body, uow, principal.actor)


@router.get("/campaigns", response_model=Page[R.CampaignOut], summary="整顿工作列表")
async def list_campaigns(session: Reader, principal: Principal = Depends(authorized("campaign.read")),
                         paging: PageParams = Depends(page_params)):
    # A user sees the campaigns that cover their unit, or lie inside it.
    return await campaigns.list_campaigns(session, principal.division_code, paging)


@router.get("/campaigns/{campaign_id}", response_model=R.CampaignOut, summary="整顿工作详情（含政策版本）")
async def get_campaign(campaign_id: Identifier, session: Reader, principal: Principal = Depends(authorized("campaign.read"))):
    return await campaigns.get_campaign(session, campaign_id, principal.division_code)


@router.get("/campaigns/{campaign_id}/rounds", response_model=list[R.RoundOut], summary="整顿工作的排查轮次（辖区内）")
async def list_rounds(campaign_id: Identifier, session: Reader, principal: Principal = Depends(authorized("campaign.read"))):
    return await campaigns.list_rounds(session, campaign_id, principal.division_code)


@router.post("/campaigns/{campaign_id}/policy", response_model=R.CampaignOut,
             summary="修订政策（可同时修订阶段、认定标准目录；产生新版本，此后决定记录所用版本，此前决定不变）")
async def revise_policy(campaign_id: Identifier, body: ReviseCampaignPolicy, uow: UoW,
                        principal: Principal = Depends(authorized("campaign.open"))):
    return await campaigns.revise_policy(body, uow, principal, campaign_id)


# ------------------------------------------------------------------------------- township screening


@router.post(TOWNSHIP + "/assessments", response_model=R.AssessmentsRecordedOut, status_code=201,
             summary="逐村排查研判（可一次提交整个乡镇；全部通过或全部不保存）")
async def record_assessments(campaign_id: Identifier, round_id: RoundId, township: DivisionCode, body: AssessmentsIn, uow: UoW,
                             principal: Principal = Depends(authorized("screening.assess", target="township"))):
    return await township_round.record_assessments(body, uow, principal.actor, campaign_id, round_id, township)


@router.put(TOWNSHIP + "/meeting", response_model=R.MeetingRecordedOut, summary="记录乡镇党委会集体研究（日期、参会人员、纪要）")
async def record_meeting(campaign_id: Identifier, round_id: RoundId, township: DivisionCode, body: MeetingIn, uow: UoW,
                         principal: Principal = Depends(authorized("screening.township_list", target="township"))):
    return await township_round.record_meeting(body, uow, principal.actor, campaign_id, round_id, township)


@router.put(TOWNSHIP + "/notice", response_model=R.NoticeRecordedOut, summary="记录公示期")
async def record_notice(campaign_id: Identifier, round_id: RoundId, township: DivisionCode, body: NoticeIn, uow: UoW,
                        principal: Principal = Depends(authorized("screening.township_list", target="township"))):
    return await township_round.record_notice(body, uow, campaign_id, round_id, township)


@router.post(TOWNSHIP + "/objections", response_model=R.ObjectionOut, status_code=201, summary="记录公示期间的异议")
async def record_objection(campaign_id: Identifier, round_id: RoundId, township: DivisionCode, body: ObjectionIn, uow: UoW,
                           principal: Principal = Depends(authorized("screening.township_list", target="township"))):
    return await township_round.record_objection(body, uow, campaign_id, round_id, township)


@router.post(TOWNSHIP + "/objections/{objection_id}/answer", response_model=R.ObjectionAnswerOut, summary="答复异议")
async def answer_objection(campaign_id: Identifier, round_id: RoundId, township: DivisionCode, objection_id: Identifier,
                           body: AnswerIn, uow: UoW,
                           principal: Principal = Depends(authorized("screening.township_list", target="township"))):
    return await township_round.answer_objection(body, uow, campaign_id, round_id, township, objection_id)


@router.post(TOWNSHIP + "/attachments", response_model=AttachmentOut, status_code=201, responses=attachments.upload_responses(),
             summary=f"上传乡镇排查佐证材料（研判依据、党委会纪要、公示照片）{attachments.UPLOAD_SUMMARY}")
async def upload_township_attachment(campaign_id: Identifier, round_id: RoundId, township: DivisionCode, uow: UoW,
                                     file: UploadFile = File(...),
                                     principal: Principal = Depends(authorized("screening.assess", target="township"))):
    filename, content = await attachments.read_upload(file)
    return await township_round.upload_attachment(uow, principal.actor, campaign_id, round_id, township, filename, content)


@router.get(TOWNSHIP + "/attachments/{file_id}", response_class=Response, responses=attachments.download_responses(),
            summary="下载乡镇排查佐证材料（响应头带 SHA-256）")
async def download_township_attachment(campaign_id: Identifier, round_id: RoundId, township: DivisionCode, file_id: Uuid,
                                       session: Reader,
                                       principal: Principal = Depends(authorized("screening.read", target="township"))):
    return await files.download(session, files.TOWNSHIP_FILES, campaign_id, round_id, township, file_id)


@router.post(TOWNSHIP + "/submit", response_model=ev.TownshipListSubmitted, status_code=201,
             summary="分两类报送名单（须全覆盖、党委会研究、公示期满且异议均已答复；逾期照收并标注）")
async def submit_list(campaign_id: Identifier, round_id: RoundId, township: DivisionCode, body: SubmitIn, uow: UoW,
                      principal: Principal = Depends(authorized("screening.township_list", target="township"))):
    return await township_round.submit_list(body, uow, principal.actor, campaign_id, round_id, township)


@router.get(TOWNSHIP + "/lagging-proposal", response_model=ev.LaggingRanking,
            summary="后进村倒排建议（按整顿工作的倒排规则，由已录入的排名得分计算）")
async def lagging_proposal(campaign_id: Identifier, round_id: RoundId, township: DivisionCode, session: Reader,
                           principal: Principal = Depends(authorized("screening.read", target="township"))):
    return await township_round.lagging_proposal(session, campaign_id, round_id, township)


@router.put("/campaigns/{campaign_id}/lagging-rules/{code}", response_model=R.LaggingRuleOut,
            summary="县或乡镇确定本级后进村倒排规则（取代整顿工作的统一规则；已报送的名单不受影响）")
async def set_lagging_rule(campaign_id: Identifier, code: DivisionCode, body: SetLaggingRule, uow: UoW,
                           principal: Principal = Depends(authorized("screening.lagging_rule", target="code"))):
    return await township_round.set_lagging_rule(body, uow, principal.actor, campaign_id, code)


@router.get("/campaigns/{campaign_id}/lagging-rules/{code}", response_model=R.LaggingRuleOut,
            summary="某县或乡镇适用的后进村倒排规则（本乡镇的、所在县的，或整顿工作的统一规则）")
async def lagging_rule_in_force(campaign_id: Identifier, code: DivisionCode, session: Reader,
                                principal: Principal = Depends(authorized("screening.read", target="code"))):
    return await township_round.lagging_rule_in_force(session, campaign_id, code)


@router.get(TOWNSHIP, response_model=R.TownshipRoundOut, summary="乡镇本轮排查情况（覆盖、未排查的村、名单、结转建议）")
async def township_status(campaign_id: Identifier, round_id: RoundId, township: DivisionCode, session: Reader,
                          principal: Principal = Depends(authorized("screening.read", target="township"))):
    return await township_round.township_status(session, campaign_id, round_id, township)


# ------------------------------------------------------------------------------- county review


@router.get(COUNTY + "/list", response_model=R.CountyListOut,
            summary="县级名单（乡镇报送、调整、抽查、最低比例实时计算、一致性提示）")
async def county_list_view(campaign_id: Identifier, round_id: RoundId, county: DivisionCode, session: Reader,
                           principal: Principal = Depends(authorized("screening.read", target="county"))):
    return await county_review.county_list_view(session, campaign_id, round_id, county)


@router.post(COUNTY + "/townships/{township}/samples", response_model=R.SamplesOut, status_code=201,
             summary="县级随机抽查：抽取乡镇已列入、未列入的村（可复算）")
async def draw_county_samples(campaign_id: Identifier, round_id: RoundId, county: DivisionCode, township: DivisionCode,
                              body: DrawIn, uow: UoW,
                              principal: Principal = Depends(authorized("screening.county_review", target="county"))):
    return await county_review.draw_check_samples(body, uow, principal.actor, campaign_id, round_id, county, township)


@router.post(COUNTY + "/townships/{township}/site-visits", response_model=R.SiteVisitsOut, status_code=201,
             summary="记录实地走访核查结果（弄虚作假的，通报追责）")
async def record_site_visits(campaign_id: Identifier, round_id: RoundId, county: DivisionCode, township: DivisionCode,
                             body: SiteVisitsIn, uow: UoW,
                             principal: Principal = Depends(authorized("screening.county_review", target="county"))):
    return await county_review.record_site_visits(body, uow, principal.actor, campaign_id, round_id, county, township)


@router.post(COUNTY + "/attachments", response_model=AttachmentOut, status_code=201, responses=attachments.upload_responses(),
             summary=f"上传县级实地走访核查佐证材料{attachments.UPLOAD_SUMMARY}")
async def upload_county_attachment(campaign_id: Identifier, round_id: RoundId, county: DivisionCode, uow: UoW,
                                   file: UploadFile = File(...),
                                   principal: Principal = Depends(authorized("screening.county_review", target="county"))):
    filename, content = await attachments.read_upload(file)
    return await county_review.upload_attachment(uow, principal.actor, campaign_id, round_id, county, filename, content)


@router.get(COUNTY + "/attachments/{file_id}", response_class=Response, responses=attachments.download_responses(),
            summary="下载县级实地走访核查佐证材料（响应头带 SHA-256）")
async def download_county_attachment(campaign_id: Identifier, round_id: RoundId, county: DivisionCode, file_id: Uuid,
                                     session: Reader,
                                     principal: Principal = Depends(authorized("screening.read", target="county"))):
    return await files.download(session, files.COUNTY_FILES, campaign_id, round_id, county, file_id)


@router.post(COUNTY + "/townships/{township}/return", response_model=ev.TownshipListReturned, status_code=201,
             summary="退回乡镇名单（须说明理由）")
async def return_list(campaign_id: Identifier, round_id: RoundId, county: DivisionCode, township: DivisionCode,
                      body: ReturnIn, uow: UoW,
                      principal: Principal = Depends(authorized("screening.county_review", target="county"))):
    return await county_review.return_list(body, uow, principal.actor, campaign_id, round_id, county, township)


@router.post(COUNTY + "/adjustments", response_model=ev.CountyListAdjusted, status_code=201,
             summary="调整名单：增列或移出（逐村说明理由）")
async def adjust_list(campaign_id: Identifier, round_id: RoundId, county: DivisionCode, body: AdjustIn, uow: UoW,
                      principal: Principal = Depends(authorized("screening.county_review", target="county"))):
    return await county_review.adjust_list(body, uow, principal.actor, campaign_id, round_id, county)


@router.post(COUNTY + "/confirm", response_model=R.ConfirmationOut, status_code=201,
             summary="县委常委会研究确定名单：逐村认定整顿对象（低于最低比例可确定但标注）")
async def confirm_list(campaign_id: Identifier, round_id: RoundId, county: DivisionCode, body: ConfirmIn, uow: UoW,
                       principal: Principal = Depends(authorized("screening.county_decide", target="county"))):
    return await county_review.confirm_list(body, uow, principal.actor, campaign_id, round_id, county)


@router.post(TOWNSHIP + "/decide", response_model=R.ConfirmationOut, status_code=201,
             summary="乡镇开展的整顿工作：乡镇党委研究确定本乡镇名单（效果同县委常委会确定：逐村认定整顿对象）")
async def decide_township_list(campaign_id: Identifier, round_id: RoundId, township: DivisionCode, body: ConfirmIn,
                               uow: UoW,
                               principal: Principal = Depends(authorized("screening.township_decide", target="township"))):
    return await county_review.decide_township_list(body, uow, principal.actor, campaign_id, round_id, township)


# ------------------------------------------------------------------------------- city spot check, the dynamic list


@router.post(COUNTY + "/city-samples", response_model=R.CitySampleOut, status_code=201,
             summary="市级抽查：按比例随机抽取县级确定的名单及未列入的村（同一种子，可复算）")
async def draw_city_sample(campaign_id: Identifier, round_id: RoundId, county: DivisionCode, body: CityDrawIn, uow: UoW,
                           principal: Principal = Depends(authorized("screening.city_spot_check", target="county"))):
    return await city.draw_city_sample(body, uow, principal, campaign_id, round_id, county)


@router.post(COUNTY + "/city-findings", response_model=R.CityFindingsOut, status_code=201,
             summary="记录市级抽查结果（弄虚作假的通报并追责）")
async def record_city_findings(campaign_id: Identifier, round_id: RoundId, county: DivisionCode, body: FindingsIn, uow: UoW,
                               principal: Principal = Depends(authorized("screening.city_spot_check", target="county"))):
    return await city.record_city_findings(body, uow, principal, campaign_id, round_id, county)


@router.get("/campaigns/{campaign_id}/shares/{code}", response_model=R.SharesOut, summary="最低比例实时计算（市及各县）")
async def shares(campaign_id: Identifier, code: DivisionCode, session: Reader,
                 principal: Principal = Depends(authorized("screening.read", target="code"))):
    return await city.shares(session, campaign_id, code)


@router.get("/campaigns/{campaign_id}/targets", response_model=Page[R.TargetOut], summary="当前整顿对象（动态名单，辖区内）")
async def targets(campaign_id: Identifier, session: OneStatementReader, snapshot: Snapshots,
                  under: DivisionCode | None = Query(None),
                  principal: Principal = Depends(authorized("screening.read", target="under")),
                  paging: PageParams = Depends(page_params)):
    return await city.targets(session, snapshot, campaign_id, under or principal.division_code, paging)


# ------------------------------------------------------------------------------- filings


@router.post("/campaigns/{campaign_id}/counties/{county}/filings", response_model=R.FiledOut, status_code=201,
             summary="县级名单向市委组织部备案（不可更改的快照，附内容哈希）")
async def file_list(campaign_id: Identifier, county: DivisionCode, body: FileIn, uow: UoW,
                    principal: Principal = Depends(authorized("screening.file", target="county"))):
    return await filing.file_list(body, uow, principal.actor, campaign_id, county)


@router.get("/campaigns/{campaign_id}/counties/{county}/filings", response_model=Page[R.FilingOut],
            summary="备案记录：与备案时完全一致，并验证内容哈希")
async def list_filings(campaign_id: Identifier, county: DivisionCode, session: Reader,
                       principal: Principal = Depends(authorized("screening.filings.read", target="county")),
                       paging: PageParams = Depends(page_params)):
    return await filing.list_filings(session, campaign_id, county, paging)
