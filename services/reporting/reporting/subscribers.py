"""Kafka subscribers of the reporting service: each event becomes a dated fact of the read model.

TOPICS names the services whose topics this one consumes; every handler runs inside the
inbox transaction (see zhengdun.messaging.consumer), so it only writes through the session.
Inserts are ``ON CONFLICT DO NOTHING`` on the event's own id, so a replay (rebuild) is harmless.
Events registered public are also republished, stripped, on the public topic (reporting.public).
"""
from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from reporting import models as m
from reporting.domain.figures import case_counted_from
from reporting.public import publish_monthly_figures, republish, republishing
from zhengdun import clock
from zhengdun.divisions import CODE_PATTERN, level_of, prefix_of
from zhengdun.events import acceptance as acc
from zhengdun.events import casework as cw
from zhengdun.events import identity as ident
from zhengdun.events import screening as scr
from zhengdun.events import supervision as sup
from zhengdun.events.base import Envelope
from zhengdun.events.clock import ClockAdvanced
from zhengdun.messaging.consumer import EventHandlers
from zhengdun.registry import division_handlers
from zhengdun.roles import Level, Role

TOPICS: list[str] = ["screening", "casework", "supervision", "acceptance"]
handlers = EventHandlers()
handlers.include(division_handlers)  # every service keeps its own copy of the division tree


@handlers.on(ClockAdvanced.event_type)
async def clock_advanced(session: AsyncSession, envelope: Envelope) -> None:
    """Keep the clock's copy; when a month has ended, publish each county's figures for it (public stream)."""
    e: ClockAdvanced = envelope.payload()
    await clock.record(session, e.today)
    if e.previous is not None and republishing.get():
        await publish_monthly_figures(session, e.previous, e.today)


async def _add(session: AsyncSession, table, **values) -> None:
    await session.execute(insert(table).values(**values).on_conflict_do_nothing())


# ---- screening ------------------------------------------------------------------------------

@handlers.on(scr.CampaignOpened.event_type)
async def campaign_opened(session: AsyncSession, envelope: Envelope) -> None:
    e: scr.CampaignOpened = envelope.payload()
    await _add(session, m.Campaign, campaign_id=e.campaign_id, name=e.name, area_code=e.area_code,
               area_prefix=prefix_of(e.area_code), opened_on=e.opened_on,
               criteria=[{"code": c.code, "label": c.label} for c in e.criteria], lagging_rule=e.lagging_rule if isinstance(e.lagging_rule, str) else e.lagging_rule.describe(),
               phases=[p.model_dump(mode="json") for p in e.phases])
    await _add(session, m.PolicyVersion, campaign_id=e.campaign_id, version=e.policy_version, effective_on=e.opened_on,
               policy=e.policy.model_dump(mode="json"))


@handlers.on(scr.PolicyRevised.event_type)
async def policy_revised(session: AsyncSession, envelope: Envelope) -> None:
    e: scr.PolicyRevised = envelope.payload()
    await _add(session, m.PolicyVersion, campaign_id=e.campaign_id, version=e.policy_version,
               effective_on=e.effective_on, policy=e.policy.model_dump(mode="json"))


@handlers.on(scr.AssessmentRecorded.event_type)
async def assessment_recorded(session: AsyncSession, envelope: Envelope) -> None:
    e: scr.AssessmentRecorded = envelope.payload()
    await _add(session, m.Assessment, event_id=envelope.id, campaign_id=e.campaign_id, village_code=e.village_code,
               result=e.result.value, assessed_on=e.assessed_on)


@handlers.on(scr.CountyListConfirmed.event_type)
async def county_list_confirmed(session: AsyncSession, envelope: Envelope) -> None:
    e: scr.CountyListConfirmed = envelope.payload()
    await _add(session, m.CountyList, event_id=envelope.id, campaign_id=e.campaign_id, county_code=e.county_code,
               decision_number=e.decision_number, decided_on=e.decided_on, weak_and_lax=len(e.weak_and_lax),
               lagging=len(e.lagging), administrative_villages=e.administrative_villages)
    republish(session, envelope, e)


@handlers.on(scr.TargetDesignated.event_type)
async def target_designated(session: AsyncSession, envelope: Envelope) -> None:
    e: scr.TargetDesignated = envelope.payload()
    await _add(session, m.Designation, event_id=envelope.id, campaign_id=e.campaign_id, village_code=e.village_code,
               category=e.category.value, criteria=list(e.criteria_met), basis=e.basis.value,
               decision_number=e.decision_number, designated_on=e.designated_on, policy_version=e.policy_version)
    republish(session, envelope, e)


@handlers.on(scr.TargetRemoved.event_type)
async def target_removed(session: AsyncSession, envelope: Envelope) -> None:
    e: scr.TargetRemoved = envelope.payload()
    await _add(session, m.Removal, event_id=envelope.id, campaign_id=e.campaign_id, village_code=e.village_code,
               reason=e.reason.value, removed_on=e.removed_on)
    republish(session, envelope, e)


@handlers.on(scr.CountyListFiled.event_type)
async def county_list_filed(session: AsyncSession, envelope: Envelope) -> None:
    e: scr.CountyListFiled = envelope.payload()
    await _add(session, m.Filing, event_id=envelope.id, campaign_id=e.campaign_id, county_code=e.county_code,
               filing_date=e.filing_date, filed_on=e.filed_on, late=e.late, entries=e.entries,
               content_hash=e.content_hash)


@handlers.on(scr.SpotCheckRecorded.event_type)
async def spot_check_recorded(session: AsyncSession, envelope: Envelope) -> None:
    e: scr.SpotCheckRecorded = envelope.payload()
    await _add(session, m.SpotCheck, event_id=envelope.id, campaign_id=e.campaign_id, round_id=e.round_id,
               stage=e.stage.value, checked_by_code=e.checked_by_code, checked_code=e.checked_code,
               findings=[f.model_dump(mode="json") for f in e.findings], checked_on=e.checked_on, late=e.late)


@handlers.on(scr.FalsificationFound.event_type)
async def falsification_found(session: AsyncSession, envelope: Envelope) -> None:
    e: scr.FalsificationFound = envelope.payload()
    await _add(session, m.Falsification, event_id=envelope.id, campaign_id=e.campaign_id, round_id=e.round_id,
               village_code=e.village_code, township_code=e.township_code, county_code=e.county_code,
               found_by_code=e.found_by_code, note=e.note, found_on=e.found_on)


@handlers.on(ident.UserCreated.event_type)
async def user_created(session: AsyncSession, envelope: Envelope) -> None:
    e: ident.UserCreated = envelope.payload()
    # Only the village Party secretary matters here: the summary table names them (internal documents only).
    if str(Role.VILLAGE_SECRETARY) in e.roles and CODE_PATTERN.match(e.unit or "") and level_of(e.unit) is Level.VILLAGE:
        stmt = insert(m.Secretary).values(village_code=e.unit, user_id=e.user_id, name=e.name)
        await session.execute(stmt.on_conflict_do_update(index_elements=[m.Secretary.village_code],
                                                         set_={"user_id": e.user_id, "name": e.name}))


# ---- casework -------------------------------------------------------------------------------

@handlers.on(cw.CaseOpened.event_type)
async def case_opened(session: AsyncSession, envelope: Envelope) -> None:
    e: cw.CaseOpened = envelope.payload()
    counted_from = case_counted_from(e.designated_on, e.opened_on)
    await _add(session, m.Case, case_id=e.case_id, campaign_id=e.campaign_id, village_code=e.village_code,
               category=e.category.value, opened_on=counted_from)
    await _add(session, m.CasePhase, event_id=envelope.id, case_id=e.case_id, village_code=e.village_code,
               phase=cw.CasePhase.CONCENTRATED.value, changed_on=counted_from)


@handlers.on(cw.CasePhaseChanged.event_type)
async def case_phase_changed(session: AsyncSession, envelope: Envelope) -> None:
    e: cw.CasePhaseChanged = envelope.payload()
    await _add(session, m.CasePhase, event_id=envelope.id, case_id=e.case_id, village_code=e.village_code,
               phase=e.phase.value, changed_on=e.changed_on)
    republish(session, envelope, e)


@handlers.on(cw.ContactLeaderAssigned.event_type)
async def contact_leader_assigned(session: AsyncSession, envelope: Envelope) -> None:
    e: cw.ContactLeaderAssigned = envelope.payload()
    await _add(session, m.ContactLeader, event_id=envelope.id, case_id=e.case_id, village_code=e.village_code,
               name=e.leader.name, post=e.leader.post, assigned_on=e.assigned_on)


@handlers.on(cw.MeasurePlanned.event_type)
async def measure_planned(session: AsyncSession, envelope: Envelope) -> None:
    e: cw.MeasurePlanned = envelope.payload()
    await _add(session, m.Measure, measure_id=e.measure_id, case_id=e.case_id, village_code=e.village_code,
               title=e.title[:500], deadline=e.deadline, planned_on=e.planned_on)


@handlers.on(cw.ProgressRecorded.event_type)
async def progress_recorded(session: AsyncSession, envelope: Envelope) -> None:
    e: cw.ProgressRecorded = envelope.payload()
    await _add(session, m.Progress, record_id=e.record_id, measure_id=e.measure_id, village_code=e.village_code,
               status=e.status.value, recorded_on=e.recorded_on,
               measure_status=e.measure_status.value if e.measure_status else None,
               measure_status_since=e.measure_status_since)


@handlers.on(cw.VisitRecorded.event_type)
async def visit_recorded(session: AsyncSession, envelope: Envelope) -> None:
    e: cw.VisitRecorded = envelope.payload()
    await _add(session, m.Visit, visit_id=e.visit_id, case_id=e.case_id, village_code=e.village_code,
               visited_on=e.visited_on,
               talked_with_all=e.talked_with_team and e.talked_with_village_cadres and e.talked_with_key_persons,
               problems_pushed=len(e.problems_pushed), counts_toward_minimum=e.counts_toward_minimum)


# ---- supervision ----------------------------------------------------------------------------

@handlers.on(sup.AlertRaised.event_type)
async def alert_raised(session: AsyncSession, envelope: Envelope) -> None:
    e: sup.AlertRaised = envelope.payload()
    await _add(session, m.Alert, alert_id=e.alert_id, unit_code=e.village_code or e.subject_code, rule=e.rule,
               severity=e.severity.value, raised_on=e.raised_on)


@handlers.on(sup.AlertResolved.event_type)
async def alert_resolved(session: AsyncSession, envelope: Envelope) -> None:
    e: sup.AlertResolved = envelope.payload()
    await _add(session, m.AlertResolution, alert_id=e.alert_id, resolved_on=e.resolved_on)


# ---- acceptance -----------------------------------------------------------------------------

async def _acceptance(session, envelope, village_code, outcome, on_date, step=None) -> None:
    await _add(session, m.AcceptanceFact, event_id=envelope.id, village_code=village_code, outcome=outcome, step=step,
               on_date=on_date)


@handlers.on(acc.VillageAccepted.event_type)
async def village_accepted(session: AsyncSession, envelope: Envelope) -> None:
    e: acc.VillageAccepted = envelope.payload()
    await _acceptance(session, envelope, e.village_code, "passed", e.accepted_on, acc.AcceptanceStep.COUNTY.value)
    republish(session, envelope, e)


@handlers.on(acc.AcceptanceFailed.event_type)
async def acceptance_failed(session: AsyncSession, envelope: Envelope) -> None:
    e: acc.AcceptanceFailed = envelope.payload()
    await _acceptance(session, envelope, e.village_code, "failed", e.failed_on, e.step.value)
    republish(session, envelope, e)


@handlers.on(acc.VillageDelisted.event_type)
async def village_delisted(session: AsyncSession, envelope: Envelope) -> None:
    e: acc.VillageDelisted = envelope.payload()
    await _acceptance(session, envelope, e.village_code, "delisted", e.delisted_on)
    republish(session, envelope, e)


@handlers.on(acc.PostEvaluated.event_type)
async def post_evaluated(session: AsyncSession, envelope: Envelope) -> None:
    e: acc.PostEvaluated = envelope.payload()
    await _acceptance(session, envelope, e.village_code, "relapsed" if e.relapsed else "consolidated", e.evaluated_on,
                      acc.AcceptanceStep.POST_EVALUATION.value)
    republish(session, envelope, e)
