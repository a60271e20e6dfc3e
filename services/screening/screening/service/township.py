"""A township's screening of a round: assess every village, record the committee meeting and the public
notice (and its objections), submit the list; its own lagging rule; what it sees of its round."""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from screening.commands import AnswerIn, AssessmentsIn, MeetingIn, NoticeIn, ObjectionIn, SetLaggingRule, SubmitIn
from screening.domain.assessment import AssessmentInput
from screening.domain.ranking import check_own_rule
from screening.domain.township import Objection, PublicNotice, propose_carry_over
from screening.models import TownshipPreparation
from screening.service.cadres import suggested_findings
from screening.service.files import TOWNSHIP_FILES, attachment_refs, file_refs, upload
from screening.service.state import (carry_over_basis, freeze_for_sampling, lagging_ranking, lagging_rule_for,
                                     campaign_villages, load_campaign, record, township_round,
                                     villages_under)
from screening.service.views import lagging_rule_view
from zhengdun import clock
from zhengdun.divisions import level_of
from zhengdun.events import screening as ev
from zhengdun.events.base import Actor
from zhengdun.messaging.outbox import UnitOfWork
from zhengdun.problems import Problem
from zhengdun.roles import Level


def check_township(code: str) -> None:
    if level_of(code) is not Level.TOWNSHIP:
        raise Problem(422, "not-a-township", "不是乡镇级区划 Not a township", f"{code} 不是乡镇级区划代码")


async def record_assessments(command: AssessmentsIn, uow: UnitOfWork, actor: Actor, campaign_id: str, round_id: str,
                             township: str) -> dict:
    """Assessments of a township's villages, all recorded or none."""
    check_township(township)
    campaign = await load_campaign(uow.session, campaign_id)
    clock.not_in_future(command.assessed_on, await clock.today(uow.session), "assessed_on")
    for i, a in enumerate(command.assessments):
        for j, finding in enumerate(a.findings):
            await attachment_refs(uow.session, TOWNSHIP_FILES, campaign_id, round_id, township,
                                        finding.attachments, f"body.assessments.{i}.findings.{j}.attachments")
    state = await township_round(uow.session, campaign_id, round_id, township)
    entries = [AssessmentInput(a.village_code, tuple(a.findings), a.result, a.ranking) for a in command.assessments]
    not_screened = {v.code: v.kind for v in await villages_under(uow.session, township) if not campaign.covers(v)}
    state, recorded = state.record_assessments(campaign, entries, command.assessed_on, not_screened=not_screened)
    for assessment in recorded:
        record(uow, assessment, actor=actor, scope=township, key=assessment.village_code,
               village=assessment.village_code, round_id=round_id)
    await uow.commit()
    counts = {r.value: sum(1 for a in state.assessments.values() if a.result is r) for r in ev.AssessmentResult}
    return {"recorded": len(recorded), "assessed_in_round": len(state.assessments), "by_result": counts}


async def _preparation(session: AsyncSession, campaign_id: str, round_id: str, township: str) -> TownshipPreparation:
    prep = await session.get(TownshipPreparation, (campaign_id, round_id, township), with_for_update=True)
    if prep is None:
        prep = TownshipPreparation(campaign_id=campaign_id, round_id=round_id, township_code=township, objections=[])
        session.add(prep)
    return prep


async def record_meeting(command: MeetingIn, uow: UnitOfWork, actor: Actor, campaign_id: str, round_id: str,
                         township: str) -> dict:
    await load_campaign(uow.session, campaign_id)
    clock.not_in_future(command.held_on, await clock.today(uow.session), "held_on")
    await attachment_refs(uow.session, TOWNSHIP_FILES, campaign_id, round_id, township,
                                command.attachments, "body.attachments")
    prep = await _preparation(uow.session, campaign_id, round_id, township)
    prep.meeting, prep.actor = command.model_dump(mode="json"), actor.model_dump(mode="json")
    await uow.commit()
    return {"meeting": command.model_dump(mode="json")}


async def record_notice(command: NoticeIn, uow: UnitOfWork, campaign_id: str, round_id: str, township: str) -> dict:
    if command.ends_on < command.starts_on:
        raise Problem(422, "notice-dates", "公示期不合法", "公示结束日期不能早于开始日期 (ends_on before starts_on)")
    await load_campaign(uow.session, campaign_id)
    clock.not_in_future(command.starts_on, await clock.today(uow.session), "starts_on")
    await attachment_refs(uow.session, TOWNSHIP_FILES, campaign_id, round_id, township,
                                command.photos, "body.photos")
    prep = await _preparation(uow.session, campaign_id, round_id, township)
    prep.notice = command.model_dump(mode="json")
    await uow.commit()
    return {"notice": command.model_dump(mode="json")}


async def record_objection(command: ObjectionIn, uow: UnitOfWork, campaign_id: str, round_id: str,
                           township: str) -> dict:
    await load_campaign(uow.session, campaign_id)
    clock.not_in_future(command.raised_on, await clock.today(uow.session), "raised_on")
    prep = await _preparation(uow.session, campaign_id, round_id, township)
    objection = {"objection_id": uuid.uuid4().hex[:12], **command.model_dump(mode="json"), "answer": "", "answered_on": None}
    prep.objections = [*prep.objections, objection]
    await uow.commit()
    return objection


async def answer_objection(command: AnswerIn, uow: UnitOfWork, campaign_id: str, round_id: str, township: str,
                           objection_id: str) -> dict:
    """An objection is answered once; answers are not edited."""
    clock.not_in_future(command.answered_on, await clock.today(uow.session), "answered_on")
    prep = await _preparation(uow.session, campaign_id, round_id, township)
    found = [o for o in prep.objections if o["objection_id"] == objection_id]
    if not found:
        raise Problem(404, "not-found", "未找到 Not found", f"异议 {objection_id} 不存在")
    if found[0]["answer"]:
        raise Problem(409, "objection-answered", "该异议已答复", "an answer is recorded already; answers are not edited")
    prep.objections = [{**o, "answer": command.answer, "answered_on": command.answered_on.isoformat()}
                       if o["objection_id"] == objection_id else o for o in prep.objections]
    await uow.commit()
    return {"objection_id": objection_id, **command.model_dump(mode="json")}


async def upload_attachment(uow: UnitOfWork, actor: Actor, campaign_id: str, round_id: str, township: str,
                            filename: str, content: bytes) -> dict:
    check_township(township)
    return await upload(uow, actor, TOWNSHIP_FILES, campaign_id, round_id, township, filename, content)


async def submit_list(command: SubmitIn, uow: UnitOfWork, actor: Actor, campaign_id: str, round_id: str,
                      township: str) -> dict:
    """The township's list, checked against full coverage, the committee meeting, the notice and its answered
    objections, carry-over and the lagging ranking; the population it freezes gets a sampling commitment."""
    check_township(township)
    session = uow.session
    campaign = await load_campaign(session, campaign_id)
    clock.not_in_future(command.submitted_on, await clock.today(session), "submitted_on")
    state = await township_round(session, campaign_id, round_id, township)
    prep = await session.get(TownshipPreparation, (campaign_id, round_id, township))
    meeting = ev.CommitteeMeetingRecord(**prep.meeting) if prep and prep.meeting else None
    notice = None
    if prep and prep.notice:
        notice = PublicNotice(date.fromisoformat(prep.notice["starts_on"]), date.fromisoformat(prep.notice["ends_on"]),
                              tuple(Objection(date.fromisoformat(o["raised_on"]), o["content"], o["answer"],
                                              date.fromisoformat(o["answered_on"]) if o["answered_on"] else None)
                                    for o in prep.objections))
    earlier, accepted = await carry_over_basis(session, campaign, round_id, township)
    carry = propose_carry_over(earlier, accepted, state.assessments)
    villages = await campaign_villages(session, campaign, township)
    ranking = await lagging_ranking(session, campaign, round_id, township)
    state, submitted = state.submit(campaign, villages, meeting, notice, command.submitted_on, carry_over=carry,
                                    carry_over_reasons=command.carry_over_reasons, lagging_ranking=ranking,
                                    lagging_reasons=command.lagging_reasons)
    commitment = await freeze_for_sampling(session, campaign_id, round_id, township)
    submitted = submitted.model_copy(update={"sample_commitment": commitment})
    record(uow, submitted, actor=actor, scope=township, key=township, round_id=round_id)
    await uow.commit()
    return submitted.model_dump(mode="json")


async def lagging_proposal(session: AsyncSession, campaign_id: str, round_id: str, township: str) -> dict:
    check_township(township)
    campaign = await load_campaign(session, campaign_id)
    ranking = await lagging_ranking(session, campaign, round_id, township)
    if ranking is None:
        raise Problem(422, "lagging-rule-not-structured", "倒排规则为文字说明，无法计算 Lagging rule is text only",
                      f"本整顿工作的后进认定规则为文字说明（{campaign.lagging_rule_text}），平台不自动计算倒排建议")
    return ranking.model_dump(mode="json")


async def set_lagging_rule(command: SetLaggingRule, uow: UnitOfWork, actor: Actor, campaign_id: str, code: str) -> dict:
    """A county or township sets its own ranking rule; lists submitted before keep the rule they were checked against."""
    campaign = await load_campaign(uow.session, campaign_id)
    check_own_rule(command.rule, code, campaign.area_code)
    set_rule = ev.LaggingRuleSet(campaign_id=campaign.campaign_id, scope_code=code, rule=command.rule,
                                 set_on=await clock.today(uow.session), reason=command.reason.strip())
    record(uow, set_rule, actor=actor, scope=code, key=code)
    await uow.commit()
    return lagging_rule_view(campaign, command.rule, code)


async def lagging_rule_in_force(session: AsyncSession, campaign_id: str, code: str) -> dict:
    if level_of(code) not in (Level.COUNTY, Level.TOWNSHIP):
        raise Problem(422, "lagging-rule-level", "不符合排查认定规则 Screening rule",
                      f"倒排规则按县或乡镇确定，{code} 不是县或乡镇 (a county or a township only)", field="code")
    campaign = await load_campaign(session, campaign_id)
    rule, source = await lagging_rule_for(session, campaign, code)
    return lagging_rule_view(campaign, rule, source)


async def township_status(session: AsyncSession, campaign_id: str, round_id: str, township: str) -> dict:
    """Coverage, the villages not yet assessed, the lists, the carry-over proposal, the preparation and its files,
    and criterion 1 suggested where the register shows an overdue election."""
    campaign = await load_campaign(session, campaign_id)
    state = await township_round(session, campaign_id, round_id, township)
    villages = await campaign_villages(session, campaign, township)
    earlier, accepted = await carry_over_basis(session, campaign, round_id, township)
    # Nothing recorded yet reads as no meeting, no notice, no objections.
    prep = await session.get(TownshipPreparation, (campaign_id, round_id, township)) \
        or TownshipPreparation(meeting=None, notice=None, objections=[])
    evidence = {code: list(dict.fromkeys(f for finding in a.findings for f in finding.attachments))
                for code, a in state.assessments.items() if any(finding.attachments for finding in a.findings)}
    named = [f for ids in evidence.values() for f in ids] + list((prep.meeting or {}).get("attachments", [])) \
        + list((prep.notice or {}).get("photos", []))
    refs = await file_refs(session, TOWNSHIP_FILES, campaign_id, round_id, township, named)
    missing = [v.code for v in villages if v.code not in state.assessments]
    return {"township_code": township, "status": state.status.value, "status_label": state.status.label,
            "villages": len(villages), "assessed": len(state.assessments), "missing_village_codes": missing,
            "weak_and_lax": [v.model_dump(mode="json") for v in state.listed(ev.AssessmentResult.WEAK_AND_LAX)],
            "lagging": [v.model_dump(mode="json") for v in state.listed(ev.AssessmentResult.LAGGING)],
            "carry_over": [{"village_code": c.village_code, "reason": c.reason.value, "label": c.reason.label}
                           for c in propose_carry_over(earlier, accepted, state.assessments)],
            "meeting": prep.meeting, "notice": prep.notice, "objections": prep.objections,
            "evidence": evidence, "files": refs,
            "suggested_findings": await suggested_findings(session, campaign, township)}
