"""HTTP routes of the campaign's screening: thin — parse, authorize, rebuild state from the facts,
call the domain rules, record the facts and their events in one unit of work, answer.

Order of use: open a campaign → townships assess every village, record their committee meeting
and public notice, submit → the county draws its check samples, records site visits, returns or
adjusts, and its standing committee confirms (designations) → the city spot-checks → counties
file their lists. See services/screening/README.md.
"""
from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from decimal import Decimal

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from screening import responses as R
from screening import service
from screening.domain import campaign as campaign_rules
from screening.domain import consistency, spot_check
from screening.domain.assessment import AssessmentInput
from zhengdun.refusals import UnknownItem
from screening.domain.filing import Filing, FilingEntry, file_county_list
from screening.domain.shares import four_places, share_status
from screening.domain.township import CarryOver, CarryOverReason, Objection, PublicNotice, propose_carry_over
from screening.models import FilingSnapshot, TownshipPreparation
from zhengdun import attachments, clock
from zhengdun.attachments import AttachmentOut
from zhengdun.access import authorize_target, authorized
from zhengdun.auth import Principal
from zhengdun.divisions import ancestor_at, county_of, is_within, level_of, township_of
from zhengdun.events import screening as ev
from zhengdun.params import DIVISION_CODE, DivisionCode, Identifier, RoundId, Uuid
from zhengdun.pagination import Page, PageParams, page_params
from zhengdun.problems import Problem, not_found
from zhengdun.roles import Level

router = APIRouter(tags=["screening 排查认定"])


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field is a mistake the caller should hear about
CODE = DIVISION_CODE  # exactly the codes zhengdun.divisions accepts


async def _today(session) -> date:
    return await clock.today(session)


# ------------------------------------------------------------------------------- campaigns


class OpenCampaign(_In):
    name: str = Field(min_length=1, description="整顿工作名称")
    area_code: str = Field(pattern=CODE, description="开展整顿工作的市或省的区划代码")
    opened_on: date
    phases: list[ev.PhaseWindow] | None = Field(None, description="阶段及起止日期；默认按种子文件")
    criteria: list[ev.Criterion] | None = Field(None, description="认定标准目录；默认十条")
    lagging_rule: ev.LaggingRule | str | None = Field(
        None, description="后进村倒排规则：结构化规则（排名依据、方向、后 N 名或后一定比例、乡镇或县范围），平台据此计算倒排建议；"
                          "也可只写文字说明（不自动计算）；默认为种子文件的文字说明")
    policy: ev.Policy | None = Field(None, description="政策参数；默认种子文件规定")
    carries_over_from: Identifier | None = Field(
        None, description="上一轮整顿工作（同一区域此前开展的）：其名单中未通过验收的村在本次首轮排查中提示继续整顿")


class ReviseCampaignPolicy(_In):
    policy: ev.Policy | None = Field(None, description="新政策参数；不填则沿用现行版本")
    reason: str
    effective_on: date
    phases: list[ev.PhaseWindow] | None = Field(None, description="新的阶段安排；不填则不变")
    criteria: list[ev.Criterion] | None = Field(
        None, description="新的认定标准目录（新目录版本）；不填则不变。此前的排查研判保留其所用的目录版本")


def campaign_view(c) -> dict:
    return {"campaign_id": c.campaign_id, "name": c.name, "area_code": c.area_code, "opened_on": c.opened_on,
            "phases": [p.model_dump(mode="json") for p in c.phases],
            "criteria": [k.model_dump(mode="json") for k in c.criteria], "lagging_rule": c.lagging_rule, "lagging_rule_text": c.lagging_rule_text,
            "criteria_version": c.criteria_version,
            "carries_over_from": c.carries_over_from,
            "policy_version": c.policy_version, "policy": c.policy.model_dump(mode="json"),
            "policy_history": [{"version": p.version, "effective_on": p.effective_on, "reason": p.reason} for p in c.policies]}


@router.post("/campaigns", response_model=R.CampaignOut, status_code=201, summary="启动整顿工作（阶段、认定标准、政策参数；未填按种子文件默认）")
async def open_campaign(body: OpenCampaign, request: Request, principal: Principal = Depends(authorized("campaign.open"))):
    authorize_target(principal, "campaign.open", body.area_code)
    async with request.app.state.runtime.unit_of_work() as uow:
        clock.not_in_future(body.opened_on, await _today(uow.session), "opened_on")
        try:
            earlier = await service.load_campaign(uow.session, body.carries_over_from) if body.carries_over_from else None
        except UnknownItem:
            raise Problem(422, "carry-over-unknown", "上一轮整顿工作不存在", f"没有整顿工作 {body.carries_over_from}",
                          errors=[{"field": "body.carries_over_from", "message": "没有这项整顿工作"}]) from None
        campaign, opened = campaign_rules.open_campaign(
            f"C{uuid.uuid4().hex[:10]}", body.name, body.area_code, body.opened_on,
            phases=tuple(body.phases) if body.phases else None, criteria=tuple(body.criteria) if body.criteria else None,
            lagging_rule=body.lagging_rule, policy=body.policy, carries_over=earlier)
        service.recorder_for(uow, principal.actor).record(opened, scope=body.area_code, key=body.area_code)
        await uow.commit()
    return campaign_view(campaign)


@router.get("/campaigns", response_model=Page[R.CampaignOut], summary="整顿工作列表")
async def list_campaigns(request: Request, principal: Principal = Depends(authorized("campaign.read")),
                         paging: PageParams = Depends(page_params)):
    async with request.app.state.runtime.session_factory() as session:
        # A user sees the campaigns that cover their unit, or lie inside it (filtered in SQL).
        visible = await service.campaign_ids(session, visible_to=principal.division_code)
        campaigns = [await service.load_campaign(session, i) for i in visible[paging.offset:paging.offset + paging.size]]
    return Page[dict](items=[campaign_view(c) for c in campaigns], total=len(visible), page=paging.page, size=paging.size)


@router.get("/campaigns/{campaign_id}", response_model=R.CampaignOut, summary="整顿工作详情（含政策版本）")
async def get_campaign(campaign_id: Identifier, request: Request, principal: Principal = Depends(authorized("campaign.read"))):
    async with request.app.state.runtime.session_factory() as session:
        return campaign_view(await service.load_campaign(session, campaign_id))


@router.get("/campaigns/{campaign_id}/rounds", response_model=list[R.RoundOut], summary="整顿工作的排查轮次（辖区内）")
async def list_rounds(campaign_id: Identifier, request: Request, principal: Principal = Depends(authorized("campaign.read"))):
    async with request.app.state.runtime.session_factory() as session:
        await service.load_campaign(session, campaign_id)
        return await service.rounds_of(session, campaign_id, principal.division_code)


@router.post("/campaigns/{campaign_id}/policy", response_model=R.CampaignOut,
             summary="修订政策（可同时修订阶段、认定标准目录；产生新版本，此后决定记录所用版本，此前决定不变）")
async def revise_policy(campaign_id: Identifier, body: ReviseCampaignPolicy, request: Request,
                        principal: Principal = Depends(authorized("campaign.open"))):
    async with request.app.state.runtime.unit_of_work() as uow:
        campaign = await service.load_campaign(uow.session, campaign_id)
        authorize_target(principal, "campaign.open", campaign.area_code)
        clock.not_in_future(body.effective_on, await _today(uow.session), "effective_on")
        campaign, revised = campaign_rules.revise_policy(
            campaign, body.policy, body.reason, body.effective_on,
            phases=tuple(body.phases) if body.phases is not None else None,
            criteria=tuple(body.criteria) if body.criteria is not None else None)
        service.recorder_for(uow, principal.actor).record(revised, scope=campaign.area_code, key=campaign.area_code)
        await uow.commit()
    return campaign_view(campaign)


# ------------------------------------------------------------------------------- township screening


class AssessmentIn(_In):
    village_code: str = Field(pattern=CODE)
    findings: list[ev.CriterionFinding] = Field(description="逐条对照认定标准：每条 met 是否符合，符合的须填 evidence")
    result: ev.AssessmentResult
    ranking: ev.RankingInput | None = None


class AssessmentsIn(_In):
    assessed_on: date
    assessments: list[AssessmentIn] = Field(min_length=1, max_length=2000, description="一个乡镇的全部村可一次提交")


def _round_path(campaign_id: str, round_id: str, township: str) -> str:
    return f"/campaigns/{campaign_id}/rounds/{round_id}/townships/{township}"


def _township(code: str) -> None:
    if level_of(code) is not Level.TOWNSHIP:
        raise Problem(422, "not-a-township", "不是乡镇级区划 Not a township", f"{code} 不是乡镇级区划代码")


@router.post("/campaigns/{campaign_id}/rounds/{round_id}/townships/{township}/assessments", response_model=R.AssessmentsRecordedOut, status_code=201,
             summary="逐村排查研判（可一次提交整个乡镇；全部通过或全部不保存）")
async def record_assessments(campaign_id: Identifier, round_id: RoundId, township: DivisionCode, body: AssessmentsIn, request: Request,
                             principal: Principal = Depends(authorized("screening.assess", target="township"))):
    _township(township)
    async with request.app.state.runtime.unit_of_work() as uow:
        campaign = await service.load_campaign(uow.session, campaign_id)
        clock.not_in_future(body.assessed_on, await _today(uow.session), "assessed_on")
        for i, a in enumerate(body.assessments):
            for j, finding in enumerate(a.findings):
                await service.attachment_refs(uow.session, service.TOWNSHIP_FILES, campaign_id, round_id, township,
                                              finding.attachments, f"body.assessments.{i}.findings.{j}.attachments")
        state = await service.township_round(uow.session, campaign_id, round_id, township)
        entries = [AssessmentInput(a.village_code, tuple(a.findings), a.result, a.ranking) for a in body.assessments]
        state, recorded = state.record_assessments(campaign, entries, body.assessed_on)
        recorder = service.recorder_for(uow, principal.actor)
        for assessment in recorded:
            recorder.record(assessment, scope=township, key=assessment.village_code, village=assessment.village_code,
                            round_id=round_id)
        await uow.commit()
    counts = {r.value: sum(1 for a in state.assessments.values() if a.result is r) for r in ev.AssessmentResult}
    return {"recorded": len(recorded), "assessed_in_round": len(state.assessments), "by_result": counts}


_FILES = "先上传到本乡镇本轮的佐证材料（POST …/townships/{township}/attachments），此处填其编号"


class MeetingIn(_In):
    held_on: date
    attendees: list[str] = Field(min_length=1)
    minutes: str = Field(min_length=1)
    attachments: list[str] = Field(default_factory=list, max_length=50, description=f"会议纪要原件、照片：{_FILES}")


class NoticeIn(_In):
    starts_on: date
    ends_on: date
    photos: list[str] = Field(default_factory=list, max_length=50, description=f"公示照片：{_FILES}")


class ObjectionIn(_In):
    raised_on: date
    content: str = Field(min_length=1)


class AnswerIn(_In):
    answer: str = Field(min_length=1)
    answered_on: date


async def _preparation(session, campaign_id: str, round_id: str, township: str) -> TownshipPreparation:
    prep = await session.get(TownshipPreparation, (campaign_id, round_id, township), with_for_update=True)
    if prep is None:
        prep = TownshipPreparation(campaign_id=campaign_id, round_id=round_id, township_code=township, objections=[])
        session.add(prep)
    return prep


@router.put("/campaigns/{campaign_id}/rounds/{round_id}/townships/{township}/meeting", response_model=R.MeetingRecordedOut,
            summary="记录乡镇党委会集体研究（日期、参会人员、纪要）")
async def record_meeting(campaign_id: Identifier, round_id: RoundId, township: DivisionCode, body: MeetingIn, request: Request,
                         principal: Principal = Depends(authorized("screening.township_list", target="township"))):
    async with request.app.state.runtime.unit_of_work() as uow:
        await service.load_campaign(uow.session, campaign_id)
        clock.not_in_future(body.held_on, await _today(uow.session), "held_on")
        await service.attachment_refs(uow.session, service.TOWNSHIP_FILES, campaign_id, round_id, township,
                                      body.attachments, "body.attachments")
        prep = await _preparation(uow.session, campaign_id, round_id, township)
        prep.meeting, prep.actor = body.model_dump(mode="json"), principal.actor.model_dump(mode="json")
        await uow.commit()
    return {"meeting": body.model_dump(mode="json")}


@router.put("/campaigns/{campaign_id}/rounds/{round_id}/townships/{township}/notice", response_model=R.NoticeRecordedOut, summary="记录公示期")
async def record_notice(campaign_id: Identifier, round_id: RoundId, township: DivisionCode, body: NoticeIn, request: Request,
                        principal: Principal = Depends(authorized("screening.township_list", target="township"))):
    if body.ends_on < body.starts_on:
        raise Problem(422, "notice-dates", "公示期不合法", "公示结束日期不能早于开始日期 (ends_on before starts_on)")
    async with request.app.state.runtime.unit_of_work() as uow:
        await service.load_campaign(uow.session, campaign_id)
        clock.not_in_future(body.starts_on, await _today(uow.session), "starts_on")
        await service.attachment_refs(uow.session, service.TOWNSHIP_FILES, campaign_id, round_id, township,
                                      body.photos, "body.photos")
        prep = await _preparation(uow.session, campaign_id, round_id, township)
        prep.notice = body.model_dump(mode="json")
        await uow.commit()
    return {"notice": body.model_dump(mode="json")}


@router.post("/campaigns/{campaign_id}/rounds/{round_id}/townships/{township}/objections", response_model=R.ObjectionOut, status_code=201,
             summary="记录公示期间的异议")
async def record_objection(campaign_id: Identifier, round_id: RoundId, township: DivisionCode, body: ObjectionIn, request: Request,
                           principal: Principal = Depends(authorized("screening.township_list", target="township"))):
    async with request.app.state.runtime.unit_of_work() as uow:
        await service.load_campaign(uow.session, campaign_id)
        clock.not_in_future(body.raised_on, await _today(uow.session), "raised_on")
        prep = await _preparation(uow.session, campaign_id, round_id, township)
        objection = {"objection_id": uuid.uuid4().hex[:12], **body.model_dump(mode="json"), "answer": "", "answered_on": None}
        prep.objections = [*prep.objections, objection]
        await uow.commit()
    return objection


@router.post("/campaigns/{campaign_id}/rounds/{round_id}/townships/{township}/objections/{objection_id}/answer", response_model=R.ObjectionAnswerOut,
             summary="答复异议")
async def answer_objection(campaign_id: Identifier, round_id: RoundId, township: DivisionCode, objection_id: Identifier, body: AnswerIn,
                           request: Request,
                           principal: Principal = Depends(authorized("screening.township_list", target="township"))):
    async with request.app.state.runtime.unit_of_work() as uow:
        clock.not_in_future(body.answered_on, await _today(uow.session), "answered_on")
        prep = await _preparation(uow.session, campaign_id, round_id, township)
        found = [o for o in prep.objections if o["objection_id"] == objection_id]
        if not found:
            raise Problem(404, "not-found", "未找到 Not found", f"异议 {objection_id} 不存在")
        if found[0]["answer"]:
            raise Problem(409, "objection-answered", "该异议已答复", "an answer is recorded already; answers are not edited")
        prep.objections = [{**o, "answer": body.answer, "answered_on": body.answered_on.isoformat()}
                           if o["objection_id"] == objection_id else o for o in prep.objections]
        await uow.commit()
    return {"objection_id": objection_id, **body.model_dump(mode="json")}


@router.post("/campaigns/{campaign_id}/rounds/{round_id}/townships/{township}/attachments", response_model=AttachmentOut,
             status_code=201, responses=attachments.upload_responses(),
             summary=f"上传乡镇排查佐证材料（研判依据、党委会纪要、公示照片）{attachments.UPLOAD_SUMMARY}")
async def upload_township_attachment(campaign_id: Identifier, round_id: RoundId, township: DivisionCode, request: Request,
                                     file: UploadFile = File(...),
                                     principal: Principal = Depends(authorized("screening.assess", target="township"))):
    _township(township)
    filename, content = await attachments.read_upload(file)
    async with request.app.state.runtime.unit_of_work() as uow:
        await service.load_campaign(uow.session, campaign_id)
        row = await service.store_attachment(uow.session, service.TOWNSHIP_FILES, campaign_id, round_id, township,
                                             filename, content, principal.actor)
        await uow.commit()
    return attachments.out(row)


@router.get("/campaigns/{campaign_id}/rounds/{round_id}/townships/{township}/attachments/{file_id}", response_class=Response,
            responses=attachments.download_responses(), summary="下载乡镇排查佐证材料（响应头带 SHA-256）")
async def download_township_attachment(campaign_id: Identifier, round_id: RoundId, township: DivisionCode, file_id: Uuid,
                                       request: Request,
                                       principal: Principal = Depends(authorized("screening.read", target="township"))):
    async with request.app.state.runtime.session_factory() as session:
        row = await service.find_attachment(session, service.TOWNSHIP_FILES, campaign_id, round_id, township, file_id)
    if row is None:
        raise not_found(f"佐证材料 {file_id}")
    return attachments.download(row)


class SubmitIn(_In):
    submitted_on: date
    carry_over_reasons: dict[str, str] = Field(default_factory=dict, description="上一轮列入本轮不再列入的村：逐村说明理由")
    lagging_reasons: dict[str, str] = Field(
        default_factory=dict, description="后进村与倒排建议不一致的（列入未在倒排范围内的村，或未列入倒排靠后的村）：逐村说明理由")


@router.post("/campaigns/{campaign_id}/rounds/{round_id}/townships/{township}/submit", response_model=ev.TownshipListSubmitted, status_code=201,
             summary="分两类报送名单（须全覆盖、党委会研究、公示期满且异议均已答复；逾期照收并标注）")
async def submit_list(campaign_id: Identifier, round_id: RoundId, township: DivisionCode, body: SubmitIn, request: Request,
                      principal: Principal = Depends(authorized("screening.township_list", target="township"))):
    _township(township)
    async with request.app.state.runtime.unit_of_work() as uow:
        campaign = await service.load_campaign(uow.session, campaign_id)
        clock.not_in_future(body.submitted_on, await _today(uow.session), "submitted_on")
        state = await service.township_round(uow.session, campaign_id, round_id, township)
        prep = await uow.session.get(TownshipPreparation, (campaign_id, round_id, township))
        meeting = ev.CommitteeMeetingRecord(**prep.meeting) if prep and prep.meeting else None
        notice = None
        if prep and prep.notice:
            notice = PublicNotice(date.fromisoformat(prep.notice["starts_on"]), date.fromisoformat(prep.notice["ends_on"]),
                                  tuple(Objection(date.fromisoformat(o["raised_on"]), o["content"], o["answer"],
                                                  date.fromisoformat(o["answered_on"]) if o["answered_on"] else None)
                                        for o in prep.objections))
        earlier, accepted = await service.carry_over_basis(uow.session, campaign, round_id, township)
        carry = propose_carry_over(earlier, accepted, state.assessments)
        villages = await service.villages_under(uow.session, township)
        ranking = await service.lagging_ranking(uow.session, campaign, round_id, township)
        state, submitted = state.submit(campaign, villages, meeting, notice, body.submitted_on, carry_over=carry,
                                        carry_over_reasons=body.carry_over_reasons, lagging_ranking=ranking,
                                        lagging_reasons=body.lagging_reasons)
        commitment = await service.freeze_for_sampling(uow.session, campaign_id, round_id, township)
        submitted = submitted.model_copy(update={"sample_commitment": commitment})
        service.recorder_for(uow, principal.actor).record(submitted, scope=township, key=township, round_id=round_id)
        await uow.commit()
    return submitted.model_dump(mode="json")


@router.get("/campaigns/{campaign_id}/rounds/{round_id}/townships/{township}/lagging-proposal",
            response_model=ev.LaggingRanking, summary="后进村倒排建议（按整顿工作的倒排规则，由已录入的排名得分计算）")
async def lagging_proposal(campaign_id: Identifier, round_id: RoundId, township: DivisionCode, request: Request,
                           principal: Principal = Depends(authorized("screening.read", target="township"))):
    _township(township)
    async with request.app.state.runtime.session_factory() as session:
        campaign = await service.load_campaign(session, campaign_id)
        ranking = await service.lagging_ranking(session, campaign, round_id, township)
    if ranking is None:
        raise Problem(422, "lagging-rule-not-structured", "倒排规则为文字说明，无法计算 Lagging rule is text only",
                      f"本整顿工作的后进认定规则为文字说明（{campaign.lagging_rule_text}），平台不自动计算倒排建议")
    return ranking.model_dump(mode="json")


class SetLaggingRule(_In):
    rule: ev.LaggingRule = Field(description="本县（乡镇）的倒排规则：依据、方向、后 N 名或后一定比例、排名范围")
    reason: str = Field("", max_length=2000, description="确定或调整规则的说明（如县委组织部研究意见）")


@router.put("/campaigns/{campaign_id}/lagging-rules/{code}", response_model=R.LaggingRuleOut,
            summary="县或乡镇确定本级后进村倒排规则（取代整顿工作的统一规则；已报送的名单不受影响）")
async def set_lagging_rule(campaign_id: Identifier, code: DivisionCode, body: SetLaggingRule, request: Request,
                           principal: Principal = Depends(authorized("screening.lagging_rule", target="code"))):
    async with request.app.state.runtime.unit_of_work() as uow:
        campaign = await service.load_campaign(uow.session, campaign_id)
        await service.set_lagging_rule(uow, campaign, code, body.rule, body.reason, principal.actor,
                                       await _today(uow.session))
        await uow.commit()
    return _lagging_rule_out(campaign, body.rule, code)


@router.get("/campaigns/{campaign_id}/lagging-rules/{code}", response_model=R.LaggingRuleOut,
            summary="某县或乡镇适用的后进村倒排规则（本乡镇的、所在县的，或整顿工作的统一规则）")
async def lagging_rule_in_force(campaign_id: Identifier, code: DivisionCode, request: Request,
                                principal: Principal = Depends(authorized("screening.read", target="code"))):
    if level_of(code) not in (Level.COUNTY, Level.TOWNSHIP):
        raise Problem(422, "lagging-rule-level", "不符合排查认定规则 Screening rule",
                      f"倒排规则按县或乡镇确定，{code} 不是县或乡镇 (a county or a township only)", field="code")
    async with request.app.state.runtime.session_factory() as session:
        campaign = await service.load_campaign(session, campaign_id)
        rule, source = await service.lagging_rule_for(session, campaign, code)
    return _lagging_rule_out(campaign, rule, source)


def _lagging_rule_out(campaign, rule: ev.LaggingRule | None, source: str | None) -> dict:
    return {"rule": rule.model_dump(mode="json") if rule else None,
            "rule_text": rule.describe() if rule else campaign.lagging_rule_text,
            "set_by_code": source, "source_label": "整顿工作统一规则" if source is None
            else ("乡镇确定" if level_of(source) is Level.TOWNSHIP else "县确定")}


@router.get("/campaigns/{campaign_id}/rounds/{round_id}/townships/{township}", response_model=R.TownshipRoundOut,
            summary="乡镇本轮排查情况（覆盖、未排查的村、名单、结转建议）")
async def township_status(campaign_id: Identifier, round_id: RoundId, township: DivisionCode, request: Request,
                          principal: Principal = Depends(authorized("screening.read", target="township"))):
    async with request.app.state.runtime.session_factory() as session:
        campaign = await service.load_campaign(session, campaign_id)
        state = await service.township_round(session, campaign_id, round_id, township)
        villages = await service.villages_under(session, township)
        earlier, accepted = await service.carry_over_basis(session, campaign, round_id, township)
        # Nothing recorded yet reads as no meeting, no notice, no objections.
        prep = await session.get(TownshipPreparation, (campaign_id, round_id, township)) \
            or TownshipPreparation(meeting=None, notice=None, objections=[])
        evidence = {code: list(dict.fromkeys(f for finding in a.findings for f in finding.attachments))
                    for code, a in state.assessments.items() if any(finding.attachments for finding in a.findings)}
        named = [f for ids in evidence.values() for f in ids] + list((prep.meeting or {}).get("attachments", [])) \
            + list((prep.notice or {}).get("photos", []))
        files = await service.file_refs(session, service.TOWNSHIP_FILES, campaign_id, round_id, township, named)
    missing = [v.code for v in villages if v.code not in state.assessments]
    return {"township_code": township, "status": state.status.value, "status_label": state.status.label,
            "villages": len(villages), "assessed": len(state.assessments), "missing_village_codes": missing,
            "weak_and_lax": [v.model_dump(mode="json") for v in state.listed(ev.AssessmentResult.WEAK_AND_LAX)],
            "lagging": [v.model_dump(mode="json") for v in state.listed(ev.AssessmentResult.LAGGING)],
            "carry_over": [{"village_code": c.village_code, "reason": c.reason.value, "label": c.reason.label}
                           for c in propose_carry_over(earlier, accepted, state.assessments)],
            "meeting": prep.meeting, "notice": prep.notice, "objections": prep.objections,
            "evidence": evidence, "files": files}


# ------------------------------------------------------------------------------- county review


def _county(code: str) -> None:
    if level_of(code) is not Level.COUNTY:
        raise Problem(422, "not-a-county", "不是县级区划 Not a county", f"{code} 不是县级区划代码")


def _township_in(county: str, township: str) -> None:
    _county(county)
    _township(township)
    if not is_within(township, county):
        raise Problem(422, "township-not-in-county", "乡镇不属于该县 Township not in county",
                      f"乡镇 {township} 不属于县 {county}；请使用本县乡镇的区划代码")


def _share_view(share) -> dict:
    return {"division_code": share.division_code, "listed": share.listed,
            "administrative_villages": share.administrative_villages, "minimum_share": str(share.minimum_share),
            "required": share.required, "share": four_places(share.share), "meets_minimum": share.meets_minimum,
            "lagging": share.lagging, "lagging_share": four_places(share.lagging_share),
            "lagging_reference_share": str(share.lagging_reference_share)}


@router.get("/campaigns/{campaign_id}/rounds/{round_id}/counties/{county}/list", response_model=R.CountyListOut,
            summary="县级名单（乡镇报送、调整、抽查、最低比例实时计算、一致性提示）")
async def county_list_view(campaign_id: Identifier, round_id: RoundId, county: DivisionCode, request: Request,
                           principal: Principal = Depends(authorized("screening.read", target="county"))):
    _county(county)
    async with request.app.state.runtime.session_factory() as session:
        campaign = await service.load_campaign(session, campaign_id)
        state = await service.county_list(session, campaign_id, round_id, county)
        villages = await service.villages_under(session, county)
        townships = await service.townships_under(session, county)
        flags = await _flags(session, campaign, round_id, county, state, villages)
        # The city's spot-check sample (not part of the county's own list state), for the city's findings form.
        city_samples = spot_check.current_samples(
            s for s in await service.facts(session, campaign_id, ev.SampleDrawn, scope_prefix=county, round_id=round_id)
            if s.purpose is ev.SamplePurpose.CITY_SPOT_CHECK)
        city_checks = [c for c in await service.facts(session, campaign_id, ev.SpotCheckRecorded, scope_prefix=county, round_id=round_id)
                       if c.stage is ev.CheckStage.CITY_SPOT_CHECK]
        # The city's share beside the county's: confirmed targets of the whole city, live.
        city = ancestor_at(county, Level.CITY)
        city_targets = (await service.active_list(session, campaign_id, under=city)).targets
        city_share = share_status(city, list(city_targets), await service.villages_under(session, city), campaign.policy,
                                  lagging_codes=_lagging(city_targets))
        files = await service.file_refs(session, service.COUNTY_FILES, campaign_id, round_id, county,
                                        [f for c in state.checks for finding in c.findings for f in finding.attachments])
    share = state.share(villages, campaign)
    return {"county_code": county, "status": state.status.value, "status_label": state.status.label,
            "townships": {t: ("submitted" if t in state.submissions else "missing") for t in townships},
            "entries": [{"village_code": e.village_code, "category": e.category.value, "criteria_met": list(e.criteria_met),
                         "added_by_county": e.added_by_county} for e in state.entries().values()],
            "share": _share_view(share), "below_minimum": not share.meets_minimum, "city_share": _share_view(city_share),
            "samples": [s.model_dump(mode="json") for s in state.samples],
            "city_samples": [s.model_dump(mode="json") for s in city_samples],
            "city_checks": [c.model_dump(mode="json") for c in city_checks],
            "checks": [c.model_dump(mode="json") for c in state.checks],
            "confirmation": state.confirmation.model_dump(mode="json") if state.confirmation else None,
            "consistency_flags": flags, "files": files}


async def _flags(session, campaign, round_id: str, county: str, state, villages) -> list[dict]:
    """The "four musts" checks the county sees (每轮对照: 未变仍除名, 轮流坐庄, 比例明显偏低)."""
    all_assessments = await service.facts(session, campaign.campaign_id, ev.AssessmentRecorded, scope_prefix=county)
    confirmed = await service.facts(session, campaign.campaign_id, ev.CountyListConfirmed, scope_prefix=county)
    flags = []
    rounds = sorted({a.round_id for a in all_assessments})
    if round_id in rounds and rounds.index(round_id) > 0:
        previous_round = rounds[rounds.index(round_id) - 1]
        before = {a.village_code: a for a in all_assessments if a.round_id == previous_round}
        now = {a.village_code: a for a in all_assessments if a.round_id == round_id}
        flags += consistency.unlisted_unchanged(before, now)
    listed_by_round = [set(c.weak_and_lax + c.lagging) for c in confirmed if c.round_id != round_id]
    current = set(state.entries())
    delisted = set((await service.active_list(session, campaign.campaign_id, under=county)).delisted_on)
    if listed_by_round:
        for township in sorted({township_of(v.code) for v in villages}):
            rounds_here = [{c for c in listed if c.startswith(township[:9])} for listed in listed_by_round + [current]]
            flags += consistency.taking_turns(township, rounds_here, delisted)
    counts = []
    for township in {township_of(v.code) for v in villages}:
        in_t = [v for v in villages if v.code.startswith(township[:9]) and v.administrative]
        counts.append(consistency.TownshipCount(township, sum(1 for c in current if c.startswith(township[:9])), len(in_t)))
    flags += consistency.share_far_below_county(counts, campaign.policy)
    return [{"kind": f.kind.value, "label": f.kind.label, "division_code": f.division_code,
             "village_codes": list(f.village_codes), "detail": f.detail} for f in flags]


class DrawIn(_In):
    """No seed: it is derived from the secret committed when the list was frozen (nobody chooses it)."""

    drawn_on: date
    redraw_reason: str | None = Field(None, max_length=500,
                                      description="重新抽样的理由（同一名单已抽过样时必填，原样本保留在案）")


@router.post("/campaigns/{campaign_id}/rounds/{round_id}/counties/{county}/townships/{township}/samples", response_model=R.SamplesOut, status_code=201,
             summary="县级随机抽查：抽取乡镇已列入、未列入的村（可复算）")
async def draw_county_samples(campaign_id: Identifier, round_id: RoundId, county: DivisionCode, township: DivisionCode, body: DrawIn, request: Request,
                              principal: Principal = Depends(authorized("screening.county_review", target="county"))):
    _township_in(county, township)
    async with request.app.state.runtime.unit_of_work() as uow:
        campaign = await service.load_campaign(uow.session, campaign_id)
        clock.not_in_future(body.drawn_on, await _today(uow.session), "drawn_on")
        state = await service.county_list(uow.session, campaign_id, round_id, county)
        secret = await service.sample_secret(uow.session, campaign_id, round_id, township)
        state, drawn = state.draw_check_samples(campaign, township, await service.villages_under(uow.session, township),
                                                secret, body.drawn_on, body.redraw_reason)
        recorder = service.recorder_for(uow, principal.actor)
        for sample in drawn:
            recorder.record(sample, scope=township, key=township, round_id=round_id)
        await uow.commit()
    return {"samples": [s.model_dump(mode="json") for s in drawn]}


class FindingIn(_In):
    village_code: str = Field(pattern=CODE)
    outcome: ev.CheckOutcome
    note: str = ""
    criteria_met: list[str] = Field(default_factory=list,
                                    description="市级抽查：未列入的村经核查符合的认定标准（据此认定为整顿对象）")


class FindingsIn(_In):
    checked_on: date
    findings: list[FindingIn] = Field(min_length=1)


class SiteVisitFindingIn(FindingIn):
    attachments: list[str] = Field(default_factory=list, max_length=50,
                                   description="走访核查的佐证材料：先上传到本县本轮（POST …/counties/{county}/attachments），此处填其编号")


class SiteVisitsIn(FindingsIn):
    findings: list[SiteVisitFindingIn] = Field(min_length=1)


@router.post("/campaigns/{campaign_id}/rounds/{round_id}/counties/{county}/townships/{township}/site-visits", response_model=R.SiteVisitsOut,
             status_code=201, summary="记录实地走访核查结果（弄虚作假的，通报追责）")
async def record_site_visits(campaign_id: Identifier, round_id: RoundId, county: DivisionCode, township: DivisionCode, body: SiteVisitsIn,
                             request: Request,
                             principal: Principal = Depends(authorized("screening.county_review", target="county"))):
    _township_in(county, township)
    async with request.app.state.runtime.unit_of_work() as uow:
        campaign = await service.load_campaign(uow.session, campaign_id)
        clock.not_in_future(body.checked_on, await _today(uow.session), "checked_on")
        for i, f in enumerate(body.findings):
            await service.attachment_refs(uow.session, service.COUNTY_FILES, campaign_id, round_id, county, f.attachments,
                                          f"body.findings.{i}.attachments")
        state = await service.county_list(uow.session, campaign_id, round_id, county)
        state, recorded, falsified = state.record_site_visits(
            campaign, township, [spot_check.FindingInput(f.village_code, f.outcome, f.note,
                                                         attachments=tuple(dict.fromkeys(f.attachments)))
                                 for f in body.findings],
            body.checked_on)
        recorder = service.recorder_for(uow, principal.actor)
        recorder.record(recorded, scope=township, key=township, round_id=round_id)
        for found in falsified:
            recorder.record(found, scope=county, key=found.village_code, village=found.village_code, round_id=round_id)
        await uow.commit()
    return {"check": recorded.model_dump(mode="json"), "falsifications": [f.model_dump(mode="json") for f in falsified]}


@router.post("/campaigns/{campaign_id}/rounds/{round_id}/counties/{county}/attachments", response_model=AttachmentOut,
             status_code=201, responses=attachments.upload_responses(),
             summary=f"上传县级实地走访核查佐证材料{attachments.UPLOAD_SUMMARY}")
async def upload_county_attachment(campaign_id: Identifier, round_id: RoundId, county: DivisionCode, request: Request,
                                   file: UploadFile = File(...),
                                   principal: Principal = Depends(authorized("screening.county_review", target="county"))):
    _county(county)
    filename, content = await attachments.read_upload(file)
    async with request.app.state.runtime.unit_of_work() as uow:
        await service.load_campaign(uow.session, campaign_id)
        row = await service.store_attachment(uow.session, service.COUNTY_FILES, campaign_id, round_id, county,
                                             filename, content, principal.actor)
        await uow.commit()
    return attachments.out(row)


@router.get("/campaigns/{campaign_id}/rounds/{round_id}/counties/{county}/attachments/{file_id}", response_class=Response,
            responses=attachments.download_responses(), summary="下载县级实地走访核查佐证材料（响应头带 SHA-256）")
async def download_county_attachment(campaign_id: Identifier, round_id: RoundId, county: DivisionCode, file_id: Uuid,
                                     request: Request,
                                     principal: Principal = Depends(authorized("screening.read", target="county"))):
    async with request.app.state.runtime.session_factory() as session:
        row = await service.find_attachment(session, service.COUNTY_FILES, campaign_id, round_id, county, file_id)
    if row is None:
        raise not_found(f"佐证材料 {file_id}")
    return attachments.download(row)


class ReturnIn(_In):
    reasons: list[str] = Field(min_length=1)
    returned_on: date


@router.post("/campaigns/{campaign_id}/rounds/{round_id}/counties/{county}/townships/{township}/return", response_model=ev.TownshipListReturned,
             status_code=201, summary="退回乡镇名单（须说明理由）")
async def return_list(campaign_id: Identifier, round_id: RoundId, county: DivisionCode, township: DivisionCode, body: ReturnIn, request: Request,
                      principal: Principal = Depends(authorized("screening.county_review", target="county"))):
    _township_in(county, township)
    async with request.app.state.runtime.unit_of_work() as uow:
        await service.load_campaign(uow.session, campaign_id)
        clock.not_in_future(body.returned_on, await _today(uow.session), "returned_on")
        state = await service.county_list(uow.session, campaign_id, round_id, county)
        state, returned = state.return_to_township(township, body.reasons, body.returned_on)
        service.recorder_for(uow, principal.actor).record(returned, scope=township, key=township, round_id=round_id)
        await uow.commit()
    return returned.model_dump(mode="json")


class AdjustIn(_In):
    village_code: str = Field(pattern=CODE)
    change: ev.ListChange
    reason: str
    adjusted_on: date
    category: ev.ListCategory | None = None
    criteria_met: list[str] = Field(default_factory=list)


@router.post("/campaigns/{campaign_id}/rounds/{round_id}/counties/{county}/adjustments", response_model=ev.CountyListAdjusted, status_code=201,
             summary="调整名单：增列或移出（逐村说明理由）")
async def adjust_list(campaign_id: Identifier, round_id: RoundId, county: DivisionCode, body: AdjustIn, request: Request,
                      principal: Principal = Depends(authorized("screening.county_review", target="county"))):
    async with request.app.state.runtime.unit_of_work() as uow:
        campaign = await service.load_campaign(uow.session, campaign_id)
        clock.not_in_future(body.adjusted_on, await _today(uow.session), "adjusted_on")
        state = await service.county_list(uow.session, campaign_id, round_id, county)
        state, adjusted = state.adjust(campaign, body.village_code, body.change, body.reason, body.adjusted_on,
                                       category=body.category, criteria_met=body.criteria_met)
        service.recorder_for(uow, principal.actor).record(adjusted, scope=county, key=body.village_code,
                                                          village=body.village_code, round_id=round_id)
        await uow.commit()
    return adjusted.model_dump(mode="json")


class ConfirmIn(_In):
    decision_number: str = Field(min_length=1, description="县委常委会决定文号")
    decided_on: date


@router.post("/campaigns/{campaign_id}/rounds/{round_id}/counties/{county}/confirm", response_model=R.ConfirmationOut, status_code=201,
             summary="县委常委会研究确定名单：逐村认定整顿对象（低于最低比例可确定但标注）")
async def confirm_list(campaign_id: Identifier, round_id: RoundId, county: DivisionCode, body: ConfirmIn, request: Request,
                       principal: Principal = Depends(authorized("screening.county_decide", target="county"))):
    _county(county)
    async with request.app.state.runtime.unit_of_work() as uow:
        campaign = await service.load_campaign(uow.session, campaign_id)
        clock.not_in_future(body.decided_on, await _today(uow.session), "decided_on")
        state = await service.county_list(uow.session, campaign_id, round_id, county)
        active = (await service.active_list(uow.session, campaign_id, under=county)).in_division(county)
        state, confirmation = state.confirm(campaign, body.decision_number, body.decided_on,
                                            await service.townships_under(uow.session, county),
                                            await service.villages_under(uow.session, county), active_targets=active)
        commitment = await service.freeze_for_sampling(uow.session, campaign_id, round_id, county)
        confirmed = confirmation.confirmed.model_copy(update={"sample_commitment": commitment})
        recorder = service.recorder_for(uow, principal.actor)
        recorder.record(confirmed, scope=county, key=county, round_id=round_id)
        for designated in confirmation.designated:
            recorder.record(designated, scope=county, key=designated.village_code, village=designated.village_code,
                            round_id=round_id)
        for removed in confirmation.removed:
            recorder.record(removed, scope=county, key=removed.village_code, village=removed.village_code, round_id=round_id)
        await uow.commit()
    return {"confirmed": confirmed.model_dump(mode="json"), "designated": len(confirmation.designated),
            "removed": len(confirmation.removed), "share": _share_view(confirmation.share)}


# ------------------------------------------------------------------------------- city spot check


class CityDrawIn(DrawIn):
    pass


@router.post("/campaigns/{campaign_id}/rounds/{round_id}/counties/{county}/city-samples", response_model=R.CitySampleOut, status_code=201,
             summary="市级抽查：按比例随机抽取县级确定的名单及未列入的村（同一种子，可复算）")
async def draw_city_sample(campaign_id: Identifier, round_id: RoundId, county: DivisionCode, body: CityDrawIn, request: Request,
                           principal: Principal = Depends(authorized("screening.city_spot_check", target="county"))):
    async with request.app.state.runtime.unit_of_work() as uow:
        campaign = await service.load_campaign(uow.session, campaign_id)
        clock.not_in_future(body.drawn_on, await _today(uow.session), "drawn_on")
        state = await service.county_list(uow.session, campaign_id, round_id, county)
        if state.confirmation is None:
            raise Problem(409, "list-not-confirmed", "名单尚未确定", f"县 {county} 本轮名单尚未经县委常委会确定，无法抽查")
        unlisted = [v.code for v in await service.villages_under(uow.session, county) if v.administrative]
        secret = await service.sample_secret(uow.session, campaign_id, round_id, county)
        drawn = spot_check.draw_city_samples(campaign, principal.division_code, state.confirmation, unlisted,
                                             secret, body.drawn_on, state.samples, body.redraw_reason)
        recorder = service.recorder_for(uow, principal.actor)
        for sample in drawn:
            recorder.record(sample, scope=county, key=county, round_id=round_id)
        await uow.commit()
    listed, unlisted_sample = drawn
    # The listed sample's fields stay at the top (its first shape); the unlisted one comes beside it.
    return {**listed.model_dump(mode="json"), "listed": listed.model_dump(mode="json"),
            "unlisted": unlisted_sample.model_dump(mode="json"),
            "samples": [listed.model_dump(mode="json"), unlisted_sample.model_dump(mode="json")]}


@router.post("/campaigns/{campaign_id}/rounds/{round_id}/counties/{county}/city-findings", response_model=R.CityFindingsOut, status_code=201,
             summary="记录市级抽查结果（弄虚作假的通报并追责）")
async def record_city_findings(campaign_id: Identifier, round_id: RoundId, county: DivisionCode, body: FindingsIn, request: Request,
                               principal: Principal = Depends(authorized("screening.city_spot_check", target="county"))):
    async with request.app.state.runtime.unit_of_work() as uow:
        campaign = await service.load_campaign(uow.session, campaign_id)
        clock.not_in_future(body.checked_on, await _today(uow.session), "checked_on")
        samples = spot_check.current_samples(
            s for s in await service.facts(uow.session, campaign_id, ev.SampleDrawn, scope_prefix=county, round_id=round_id)
            if s.purpose is ev.SamplePurpose.CITY_SPOT_CHECK)
        if not samples:
            raise Problem(409, "no-sample", "尚未抽样", "先抽取样本，再记录抽查结果 (draw the sample first)")
        confirmation = (await service.county_list(uow.session, campaign_id, round_id, county)).confirmation
        active = (await service.active_list(uow.session, campaign_id, under=county)).in_division(county)
        recorded, falsified = spot_check.record_city_spot_check(
            campaign, principal.division_code, samples,
            [spot_check.FindingInput(f.village_code, f.outcome, f.note, tuple(f.criteria_met)) for f in body.findings],
            body.checked_on)
        designated = spot_check.concealed_designations(campaign, confirmation, recorded, active)
        recorder = service.recorder_for(uow, principal.actor)
        recorder.record(recorded, scope=county, key=county, round_id=round_id)
        for found in falsified:
            recorder.record(found, scope=county, key=found.village_code, village=found.village_code, round_id=round_id)
        for target in designated:
            recorder.record(target, scope=county, key=target.village_code, village=target.village_code, round_id=round_id)
        await uow.commit()
    return {"check": recorded.model_dump(mode="json"), "falsifications": [f.model_dump(mode="json") for f in falsified],
            "designated": [d.model_dump(mode="json") for d in designated]}


@router.get("/campaigns/{campaign_id}/shares/{code}", response_model=R.SharesOut, summary="最低比例实时计算（市及各县）")
async def shares(campaign_id: Identifier, code: DivisionCode, request: Request,
                 principal: Principal = Depends(authorized("screening.read", target="code"))):
    async with request.app.state.runtime.session_factory() as session:
        campaign = await service.load_campaign(session, campaign_id)
        active = await service.active_list(session, campaign_id, under=code)
        villages = await service.villages_under(session, code)
        counties = sorted({county_of(v.code) for v in villages})
    listed = active.in_division(code)
    lagging = _lagging(listed)
    return {"campaign_id": campaign_id,
            "division": _share_view(share_status(code, listed, villages, campaign.policy, lagging_codes=lagging)),
            "counties": [_share_view(share_status(c, listed, villages, campaign.policy, lagging_codes=lagging))
                         for c in counties]}


def _lagging(targets) -> list[str]:
    return [code for code, target in targets.items() if target.category is ev.ListCategory.LAGGING]


@router.get("/campaigns/{campaign_id}/targets", response_model=Page[R.TargetOut], summary="当前整顿对象（动态名单，辖区内）")
async def targets(campaign_id: Identifier, request: Request, under: DivisionCode | None = Query(None),
                  principal: Principal = Depends(authorized("screening.read", target="under")),
                  paging: PageParams = Depends(page_params)):
    async with request.app.state.runtime.session_factory() as session:
        await service.load_campaign(session, campaign_id)
        active = await service.active_list(session, campaign_id, under=under or principal.division_code)
    found = list(active.in_division(under or principal.division_code).values())
    items = [{"village_code": t.village_code, "category": t.category.value, "criteria_met": list(t.criteria_met),
              "basis": t.basis.value, "designated_on": t.designated_on, "decision_number": t.decision_number}
             for t in found[paging.offset:paging.offset + paging.size]]
    return Page[dict](items=items, total=len(found), page=paging.page, size=paging.size)


# ------------------------------------------------------------------------------- filings


class FileIn(_In):
    filing_date: date
    filed_on: date


@router.post("/campaigns/{campaign_id}/counties/{county}/filings", response_model=R.FiledOut, status_code=201,
             summary="县级名单向市委组织部备案（不可更改的快照，附内容哈希）")
async def file_list(campaign_id: Identifier, county: DivisionCode, body: FileIn, request: Request,
                    principal: Principal = Depends(authorized("screening.file", target="county"))):
    async with request.app.state.runtime.unit_of_work() as uow:
        campaign = await service.load_campaign(uow.session, campaign_id)
        clock.not_in_future(body.filed_on, await _today(uow.session), "filed_on")
        earlier = [_filing_of(f) for f in (await uow.session.execute(
            FilingSnapshot.__table__.select().where(FilingSnapshot.campaign_id == campaign_id,
                                                    FilingSnapshot.county_code == county))).all()]
        filing, filed = file_county_list(campaign, county, await service.active_list(uow.session, campaign_id, under=county),
                                         body.filing_date, body.filed_on, earlier)
        uow.session.add(FilingSnapshot(campaign_id=campaign_id, county_code=county, filing_date=body.filing_date,
                                       filed_on=body.filed_on, content=filing.content(), content_hash=filing.content_hash,
                                       actor=principal.actor.model_dump(mode="json")))
        service.recorder_for(uow, principal.actor).record(filed, scope=county, key=county)
        await uow.commit()
    return {**filed.model_dump(mode="json"), "content": filing.content()}


def _filing_of(row) -> Filing:
    content = row.content
    entries = tuple(FilingEntry(e["village_code"], e["township_code"], ev.ListCategory(e["category"]),
                                tuple(e["criteria_met"]), date.fromisoformat(e["designated_on"]), e["decision_number"])
                    for e in content["entries"])
    return Filing(row.campaign_id, row.county_code, row.filing_date, row.filed_on, content["policy_version"], entries,
                  row.content_hash)


@router.get("/campaigns/{campaign_id}/counties/{county}/filings", response_model=Page[R.FilingOut],
            summary="备案记录：与备案时完全一致，并验证内容哈希")
async def list_filings(campaign_id: Identifier, county: DivisionCode, request: Request,
                       principal: Principal = Depends(authorized("screening.filings.read", target="county")),
                       paging: PageParams = Depends(page_params)):
    async with request.app.state.runtime.session_factory() as session:
        rows = (await session.execute(FilingSnapshot.__table__.select().where(
            FilingSnapshot.campaign_id == campaign_id, FilingSnapshot.county_code == county)
            .order_by(FilingSnapshot.filing_date))).all()
    items = [{"filing_date": r.filing_date, "filed_on": r.filed_on, "content_hash": r.content_hash,
              "hash_algorithm": "sha256-canonical-json-v1", "verified": _filing_of(r).verify(), "content": r.content}
             for r in rows[paging.offset:paging.offset + paging.size]]
    return Page[dict](items=items, total=len(rows), page=paging.page, size=paging.size)


_ = (replace, Decimal, CarryOver, CarryOverReason)  # re-exported names kept for readers of the domain
