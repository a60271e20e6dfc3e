"""A county's review of a round: check samples and site visits, returns and adjustments, the standing
committee's confirmation (designations); what the county sees of its list."""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from screening.commands import AdjustIn, ConfirmIn, DrawIn, ReturnIn, SiteVisitsIn
from screening.domain import consistency, spot_check
from screening.domain.campaign import require_decided_by
from screening.domain.shares import share_status
from screening.service.files import COUNTY_FILES, attachment_refs, file_refs, upload
from screening.service.state import (active_list, campaign_townships, campaign_villages, county_list, facts,
                                     freeze_for_sampling, load_campaign, record, sample_secret)
from screening.service.township import check_township
from screening.service.views import lagging_codes, share_view
from zhengdun import clock
from zhengdun.divisions import ancestor_at, is_within, level_of, township_of
from zhengdun.events import screening as ev
from zhengdun.events.base import Actor
from zhengdun.messaging.outbox import UnitOfWork
from zhengdun.problems import Problem
from zhengdun.roles import Level


def check_county(code: str) -> None:
    if level_of(code) is not Level.COUNTY:
        raise Problem(422, "not-a-county", "不是县级区划 Not a county", f"{code} 不是县级区划代码")


def check_township_in(county: str, township: str) -> None:
    check_county(county)
    check_township(township)
    if not is_within(township, county):
        raise Problem(422, "township-not-in-county", "乡镇不属于该县 Township not in county",
                      f"乡镇 {township} 不属于县 {county}；请使用本县乡镇的区划代码")


async def county_list_view(session: AsyncSession, campaign_id: str, round_id: str, county: str) -> dict:
    """The list as the townships submitted it and the county adjusted it, its samples and checks, the minimum
    share (the county's and the city's, live) and the consistency flags."""
    check_county(county)
    campaign = await load_campaign(session, campaign_id)
    state = await county_list(session, campaign_id, round_id, county)
    villages = await campaign_villages(session, campaign, county)
    townships = await campaign_townships(session, campaign, county)
    flags = await _flags(session, campaign, round_id, county, state, villages)
    # The city's spot-check sample (not part of the county's own list state), for the city's findings form.
    city_samples = spot_check.current_samples(
        s for s in await facts(session, campaign_id, ev.SampleDrawn, scope_prefix=county, round_id=round_id)
        if s.purpose is ev.SamplePurpose.CITY_SPOT_CHECK)
    city_checks = [c for c in await facts(session, campaign_id, ev.SpotCheckRecorded, scope_prefix=county, round_id=round_id)
                   if c.stage is ev.CheckStage.CITY_SPOT_CHECK]
    # The city's share beside the county's: confirmed targets of the whole city, live.
    city = ancestor_at(county, Level.CITY)
    city_targets = (await active_list(session, campaign_id, under=city)).targets
    city_share = share_status(city, list(city_targets), await campaign_villages(session, campaign, city), campaign.policy,
                              lagging_codes=lagging_codes(city_targets))
    refs = await file_refs(session, COUNTY_FILES, campaign_id, round_id, county,
                                 [f for c in state.checks for finding in c.findings for f in finding.attachments])
    share = state.share(villages, campaign)
    return {"county_code": county, "status": state.status.value, "status_label": state.status.label,
            "townships": {t: ("submitted" if t in state.submissions else "missing") for t in townships},
            "entries": [{"village_code": e.village_code, "category": e.category.value, "criteria_met": list(e.criteria_met),
                         "added_by_county": e.added_by_county} for e in state.entries().values()],
            "share": share_view(share), "below_minimum": not share.meets_minimum, "city_share": share_view(city_share),
            "samples": [s.model_dump(mode="json") for s in state.samples],
            "city_samples": [s.model_dump(mode="json") for s in city_samples],
            "city_checks": [c.model_dump(mode="json") for c in city_checks],
            "checks": [c.model_dump(mode="json") for c in state.checks],
            "confirmation": state.confirmation.model_dump(mode="json") if state.confirmation else None,
            "consistency_flags": flags, "files": refs}


async def _flags(session, campaign, round_id: str, county: str, state, villages) -> list[dict]:
    """The "four musts" checks the county sees (每轮对照: 未变仍除名, 轮流坐庄, 比例明显偏低)."""
    all_assessments = await facts(session, campaign.campaign_id, ev.AssessmentRecorded, scope_prefix=county)
    confirmed = await facts(session, campaign.campaign_id, ev.CountyListConfirmed, scope_prefix=county)
    flags = []
    rounds = sorted({a.round_id for a in all_assessments})
    if round_id in rounds and rounds.index(round_id) > 0:
        previous_round = rounds[rounds.index(round_id) - 1]
        before = {a.village_code: a for a in all_assessments if a.round_id == previous_round}
        now = {a.village_code: a for a in all_assessments if a.round_id == round_id}
        flags += consistency.unlisted_unchanged(before, now)
    listed_by_round = [set(c.weak_and_lax + c.lagging) for c in confirmed if c.round_id != round_id]
    current = set(state.entries())
    delisted = set((await active_list(session, campaign.campaign_id, under=county)).delisted_on)
    if listed_by_round:
        for township in sorted({township_of(v.code) for v in villages}):
            rounds_here = [{c for c in listed if is_within(c, township)} for listed in listed_by_round + [current]]
            flags += consistency.taking_turns(township, rounds_here, delisted)
    counts = []
    for township in {township_of(v.code) for v in villages}:
        in_t = [v for v in villages if is_within(v.code, township) and v.administrative]
        counts.append(consistency.TownshipCount(township, sum(1 for c in current if is_within(c, township)), len(in_t)))
    flags += consistency.share_far_below_county(counts, campaign.policy)
    return [{"kind": f.kind.value, "label": f.kind.label, "division_code": f.division_code,
             "village_codes": list(f.village_codes), "detail": f.detail} for f in flags]


async def draw_check_samples(command: DrawIn, uow: UnitOfWork, actor: Actor, campaign_id: str, round_id: str,
                             county: str, township: str) -> dict:
    """The county's random check of a township's listed and unlisted villages (reproducible from the committed secret)."""
    check_township_in(county, township)
    campaign = await load_campaign(uow.session, campaign_id)
    clock.not_in_future(command.drawn_on, await clock.today(uow.session), "drawn_on")
    state = await county_list(uow.session, campaign_id, round_id, county)
    secret = await sample_secret(uow.session, campaign_id, round_id, township)
    state, drawn = state.draw_check_samples(campaign, township, await campaign_villages(uow.session, campaign, township),
                                            secret, command.drawn_on, command.redraw_reason)
    for sample in drawn:
        record(uow, sample, actor=actor, scope=township, key=township, round_id=round_id)
    await uow.commit()
    return {"samples": [s.model_dump(mode="json") for s in drawn]}


async def record_site_visits(command: SiteVisitsIn, uow: UnitOfWork, actor: Actor, campaign_id: str, round_id: str,
                             county: str, township: str) -> dict:
    check_township_in(county, township)
    campaign = await load_campaign(uow.session, campaign_id)
    clock.not_in_future(command.checked_on, await clock.today(uow.session), "checked_on")
    for i, f in enumerate(command.findings):
        await attachment_refs(uow.session, COUNTY_FILES, campaign_id, round_id, county, f.attachments,
                                    f"body.findings.{i}.attachments")
    state = await county_list(uow.session, campaign_id, round_id, county)
    state, recorded, falsified = state.record_site_visits(
        campaign, township, [spot_check.FindingInput(f.village_code, f.outcome, f.note,
                                                     attachments=tuple(dict.fromkeys(f.attachments)))
                             for f in command.findings],
        command.checked_on)
    record(uow, recorded, actor=actor, scope=township, key=township, round_id=round_id)
    for found in falsified:
        record(uow, found, actor=actor, scope=county, key=found.village_code, 
               village=found.village_code, round_id=round_id)
    await uow.commit()
    return {"check": recorded.model_dump(mode="json"), "falsifications": [f.model_dump(mode="json") for f in falsified]}


async def upload_attachment(uow: UnitOfWork, actor: Actor, campaign_id: str, round_id: str, county: str,
                            filename: str, content: bytes) -> dict:
    check_county(county)
    return await upload(uow, actor, COUNTY_FILES, campaign_id, round_id, county, filename, content)


async def return_list(command: ReturnIn, uow: UnitOfWork, actor: Actor, campaign_id: str, round_id: str, county: str,
                      township: str) -> dict:
    check_township_in(county, township)
    await load_campaign(uow.session, campaign_id)
    clock.not_in_future(command.returned_on, await clock.today(uow.session), "returned_on")
    state = await county_list(uow.session, campaign_id, round_id, county)
    state, returned = state.return_to_township(township, command.reasons, command.returned_on)
    record(uow, returned, actor=actor, scope=township, key=township, round_id=round_id)
    await uow.commit()
    return returned.model_dump(mode="json")


async def adjust_list(command: AdjustIn, uow: UnitOfWork, actor: Actor, campaign_id: str, round_id: str,
                      county: str) -> dict:
    campaign = await load_campaign(uow.session, campaign_id)
    clock.not_in_future(command.adjusted_on, await clock.today(uow.session), "adjusted_on")
    state = await county_list(uow.session, campaign_id, round_id, county)
    state, adjusted = state.adjust(campaign, command.village_code, command.change, command.reason, command.adjusted_on,
                                   category=command.category, criteria_met=command.criteria_met)
    record(uow, adjusted, actor=actor, scope=county, key=command.village_code, village=command.village_code,
                                    round_id=round_id)
    await uow.commit()
    return adjusted.model_dump(mode="json")


async def confirm_list(command: ConfirmIn, uow: UnitOfWork, actor: Actor, campaign_id: str, round_id: str,
                       county: str) -> dict:
    """The standing committee decides the list: each village designated (a share below the minimum is marked);
    the decided population gets a sampling commitment for the city's spot check."""
    check_county(county)
    campaign = await load_campaign(uow.session, campaign_id)
    require_decided_by(campaign, Level.COUNTY)
    return await _decide(command, uow, actor, campaign, round_id, county, scope=county)


async def decide_township_list(command: ConfirmIn, uow: UnitOfWork, actor: Actor, campaign_id: str, round_id: str,
                               township: str) -> dict:
    """A township's own campaign (seed 004 shape): its Party committee decides the list it submitted, with the same
    effect as a county's decision (designations, share, sampling commitment); recorded at the township."""
    check_township(township)
    campaign = await load_campaign(uow.session, campaign_id)
    require_decided_by(campaign, Level.TOWNSHIP)
    if township != campaign.area_code:
        raise Problem(422, "township-outside-campaign", "乡镇不属于该整顿工作 Township not in campaign",
                      f"整顿工作 {campaign_id} 由乡镇 {campaign.area_code} 开展，{township} 不能研究确定其名单")
    return await _decide(command, uow, actor, campaign, round_id, ancestor_at(township, Level.COUNTY), scope=township)


async def _decide(command: ConfirmIn, uow: UnitOfWork, actor: Actor, campaign, round_id: str, county: str,
                  scope: str) -> dict:
    session = uow.session
    campaign_id = campaign.campaign_id
    clock.not_in_future(command.decided_on, await clock.today(session), "decided_on")
    state = await county_list(session, campaign_id, round_id, county)
    active = (await active_list(session, campaign_id, under=county)).in_division(county)
    state, confirmation = state.confirm(campaign, command.decision_number, command.decided_on,
                                        await campaign_townships(session, campaign, county),
                                        await campaign_villages(session, campaign, county), active_targets=active)
    commitment = await freeze_for_sampling(session, campaign_id, round_id, county)
    confirmed = confirmation.confirmed.model_copy(update={"sample_commitment": commitment})
    record(uow, confirmed, actor=actor, scope=scope, key=county, round_id=round_id)
    for designated in confirmation.designated:
        record(uow, designated, actor=actor, scope=scope, key=designated.village_code, village=designated.village_code,
                        round_id=round_id)
    for removed in confirmation.removed:
        record(uow, removed, actor=actor, scope=scope, key=removed.village_code, 
               village=removed.village_code, round_id=round_id)
    await uow.commit()
    return {"confirmed": confirmed.model_dump(mode="json"), "designated": len(confirmation.designated),
            "removed": len(confirmation.removed), "share": share_view(confirmation.share)}
