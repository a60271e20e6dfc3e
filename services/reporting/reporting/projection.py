"""The read model's writes: each event another service published becomes a dated fact here.

``subscribers`` decodes each event and calls its projection with the inbox transaction's unit of work,
so a projection only writes through its session and publishes through it. Inserts are ``ON CONFLICT DO
NOTHING`` on the event's own id, so a replay (rebuild) is harmless.
Events registered public are also republished, stripped, on the public topic (reporting.public).
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any

from sqlalchemy import TextClause
from sqlalchemy.dialects.postgresql import insert

from reporting import models as m
from reporting.domain.figures import case_counted_from
from reporting.public import publish_monthly_figures, republish, republishing
from zhengdun import clock
from zhengdun.db import insert_or_skip
from zhengdun.divisions import CODE_PATTERN, level_of, prefix_of
from zhengdun.events import acceptance as acc
from zhengdun.events import casework as cw
from zhengdun.events import identity as ident
from zhengdun.events import screening as scr
from zhengdun.events import supervision as sup
from zhengdun.events.base import Envelope
from zhengdun.events.clock import ClockAdvanced
from zhengdun.messaging.outbox import InboxWork
from zhengdun.roles import Level, Role

# event model → its projection (inbox unit of work, payload, envelope): the subscribers register each one.
PROJECTIONS: dict[type, Callable[[InboxWork, Any, Envelope], Awaitable[None]]] = {}


def projects(event_model):
    def register(project):
        PROJECTIONS[event_model] = project
        return project
    return register


@projects(ClockAdvanced)
async def clock_advanced(work: InboxWork, e: ClockAdvanced, envelope: Envelope) -> None:
    """Keep the clock's copy; when a month has ended, publish each county's figures for it (public stream)."""
    await clock.record(work.session, e.today)
    if e.previous is not None and republishing.get():
        await work.write_published()   # the figures read the facts held so far
        await publish_monthly_figures(work, e.previous, e.today)


async def _add(work: InboxWork, table, **values) -> None:
    """The fact inserted unless kept already: held by the consumer's unit of work and written with the batch's other
    facts of its table (``InboxWork.write_later``; no projection reads what another wrote in the same batch)."""
    await work.write_later(_insert_or_skip(table, tuple(values)), values)


@cache
def _insert_or_skip(table, columns: tuple[str, ...]) -> TextClause:
    """``INSERT … ON CONFLICT DO NOTHING`` of these columns, written once per table and columns (SQLAlchemy compiles
    its ON CONFLICT construct again at every execution, which cost more than the insert itself on every event this
    service projects)."""
    return insert_or_skip(table, *columns)


# ---- screening ------------------------------------------------------------------------------

@projects(scr.CampaignOpened)
async def campaign_opened(work: InboxWork, e: scr.CampaignOpened, envelope: Envelope) -> None:
    await _add(work, m.Campaign, campaign_id=e.campaign_id, name=e.name, area_code=e.area_code,
               area_prefix=prefix_of(e.area_code), opened_on=e.opened_on,
               criteria=[{"code": c.code, "label": c.label} for c in e.criteria], lagging_rule=e.lagging_rule if isinstance(e.lagging_rule, str) else e.lagging_rule.describe(),
               phases=[p.model_dump(mode="json") for p in e.phases],
               organization_kinds=list(e.organization_kinds) if e.organization_kinds is not None else None)
    await _add(work, m.PolicyVersion, campaign_id=e.campaign_id, version=e.policy_version, effective_on=e.opened_on,
               policy=e.policy.model_dump(mode="json"))


@projects(scr.PolicyRevised)
async def policy_revised(work: InboxWork, e: scr.PolicyRevised, envelope: Envelope) -> None:
    await _add(work, m.PolicyVersion, campaign_id=e.campaign_id, version=e.policy_version,
               effective_on=e.effective_on, policy=e.policy.model_dump(mode="json"))


@projects(scr.AssessmentRecorded)
async def assessment_recorded(work: InboxWork, e: scr.AssessmentRecorded, envelope: Envelope) -> None:
    await _add(work, m.Assessment, event_id=envelope.id, campaign_id=e.campaign_id, village_code=e.village_code,
               result=e.result.value, assessed_on=e.assessed_on)


@projects(scr.CountyListConfirmed)
async def county_list_confirmed(work: InboxWork, e: scr.CountyListConfirmed, envelope: Envelope) -> None:
    await _add(work, m.CountyList, event_id=envelope.id, campaign_id=e.campaign_id, county_code=e.county_code,
               decision_number=e.decision_number, decided_on=e.decided_on, weak_and_lax=len(e.weak_and_lax),
               lagging=len(e.lagging), administrative_villages=e.administrative_villages)
    republish(work, envelope, e)


@projects(scr.TargetDesignated)
async def target_designated(work: InboxWork, e: scr.TargetDesignated, envelope: Envelope) -> None:
    await _add(work, m.Designation, event_id=envelope.id, campaign_id=e.campaign_id, village_code=e.village_code,
               category=e.category.value, criteria=list(e.criteria_met), basis=e.basis.value,
               decision_number=e.decision_number, designated_on=e.designated_on, policy_version=e.policy_version)
    republish(work, envelope, e)


@projects(scr.TargetRemoved)
async def target_removed(work: InboxWork, e: scr.TargetRemoved, envelope: Envelope) -> None:
    await _add(work, m.Removal, event_id=envelope.id, campaign_id=e.campaign_id, village_code=e.village_code,
               reason=e.reason.value, removed_on=e.removed_on)
    republish(work, envelope, e)


@projects(scr.CountyListFiled)
async def county_list_filed(work: InboxWork, e: scr.CountyListFiled, envelope: Envelope) -> None:
    await _add(work, m.Filing, event_id=envelope.id, campaign_id=e.campaign_id, county_code=e.county_code,
               filing_date=e.filing_date, filed_on=e.filed_on, late=e.late, entries=e.entries,
               content_hash=e.content_hash)


@projects(scr.SpotCheckRecorded)
async def spot_check_recorded(work: InboxWork, e: scr.SpotCheckRecorded, envelope: Envelope) -> None:
    await _add(work, m.SpotCheck, event_id=envelope.id, campaign_id=e.campaign_id, round_id=e.round_id,
               stage=e.stage.value, checked_by_code=e.checked_by_code, checked_code=e.checked_code,
               findings=[f.model_dump(mode="json") for f in e.findings], checked_on=e.checked_on, late=e.late)


@projects(scr.FalsificationFound)
async def falsification_found(work: InboxWork, e: scr.FalsificationFound, envelope: Envelope) -> None:
    await _add(work, m.Falsification, event_id=envelope.id, campaign_id=e.campaign_id, round_id=e.round_id,
               village_code=e.village_code, township_code=e.township_code, county_code=e.county_code,
               found_by_code=e.found_by_code, note=e.note, found_on=e.found_on)


@projects(scr.CadreSecretaryRecorded)
async def cadre_secretary_recorded(work: InboxWork, e: scr.CadreSecretaryRecorded, envelope: Envelope) -> None:
    # Internal only (a phone number): not republished — reporting.public maps no such type.
    await _add(work, m.CadreSecretary, village_code=e.village_code, revision=e.revision, name=e.secretary_name,
               phone=e.secretary_phone, recorded_on=e.recorded_on)


@projects(ident.UserCreated)
async def user_created(work: InboxWork, e: ident.UserCreated, envelope: Envelope) -> None:
    # Only the village Party secretary matters here: the summary table names them (internal documents only).
    if str(Role.VILLAGE_SECRETARY) in e.roles and CODE_PATTERN.match(e.unit or "") and level_of(e.unit) is Level.VILLAGE:
        stmt = insert(m.Secretary).values(village_code=e.unit, user_id=e.user_id, name=e.name)
        await work.session.execute(stmt.on_conflict_do_update(index_elements=[m.Secretary.village_code],
                                                         set_={"user_id": e.user_id, "name": e.name}))


# ---- casework -------------------------------------------------------------------------------

@projects(cw.CaseOpened)
async def case_opened(work: InboxWork, e: cw.CaseOpened, envelope: Envelope) -> None:
    counted_from = case_counted_from(e.designated_on, e.opened_on)
    await _add(work, m.Case, case_id=e.case_id, campaign_id=e.campaign_id, village_code=e.village_code,
               category=e.category.value, opened_on=counted_from)
    await _add(work, m.CasePhase, event_id=envelope.id, case_id=e.case_id, village_code=e.village_code,
               phase=cw.CasePhase.CONCENTRATED.value, changed_on=counted_from)


@projects(cw.CasePhaseChanged)
async def case_phase_changed(work: InboxWork, e: cw.CasePhaseChanged, envelope: Envelope) -> None:
    await _add(work, m.CasePhase, event_id=envelope.id, case_id=e.case_id, village_code=e.village_code,
               phase=e.phase.value, changed_on=e.changed_on)
    republish(work, envelope, e)


@projects(cw.ContactLeaderAssigned)
async def contact_leader_assigned(work: InboxWork, e: cw.ContactLeaderAssigned, envelope: Envelope) -> None:
    await _add(work, m.ContactLeader, event_id=envelope.id, case_id=e.case_id, village_code=e.village_code,
               name=e.leader.name, post=e.leader.post, assigned_on=e.assigned_on)


@projects(cw.MeasurePlanned)
async def measure_planned(work: InboxWork, e: cw.MeasurePlanned, envelope: Envelope) -> None:
    await _add(work, m.Measure, measure_id=e.measure_id, case_id=e.case_id, village_code=e.village_code,
               title=e.title[:500], deadline=e.deadline, planned_on=e.planned_on)


@projects(cw.ProgressRecorded)
async def progress_recorded(work: InboxWork, e: cw.ProgressRecorded, envelope: Envelope) -> None:
    await _add(work, m.Progress, record_id=e.record_id, measure_id=e.measure_id, village_code=e.village_code,
               status=e.status.value, recorded_on=e.recorded_on,
               measure_status=e.measure_status.value if e.measure_status else None,
               measure_status_since=e.measure_status_since)


@projects(cw.VisitRecorded)
async def visit_recorded(work: InboxWork, e: cw.VisitRecorded, envelope: Envelope) -> None:
    await _add(work, m.Visit, visit_id=e.visit_id, case_id=e.case_id, village_code=e.village_code,
               visited_on=e.visited_on,
               talked_with_all=e.talked_with_team and e.talked_with_village_cadres and e.talked_with_key_persons,
               problems_pushed=len(e.problems_pushed), counts_toward_minimum=e.counts_toward_minimum)


# ---- supervision ----------------------------------------------------------------------------

@projects(sup.AlertRaised)
async def alert_raised(work: InboxWork, e: sup.AlertRaised, envelope: Envelope) -> None:
    await _add(work, m.Alert, alert_id=e.alert_id, unit_code=e.village_code or e.subject_code, rule=e.rule,
               severity=e.severity.value, raised_on=e.raised_on)


@projects(sup.AlertResolved)
async def alert_resolved(work: InboxWork, e: sup.AlertResolved, envelope: Envelope) -> None:
    await _add(work, m.AlertResolution, alert_id=e.alert_id, resolved_on=e.resolved_on)


# ---- acceptance -----------------------------------------------------------------------------

async def _acceptance(work: InboxWork, envelope, village_code, outcome, on_date, step=None) -> None:
    await _add(work, m.AcceptanceFact, event_id=envelope.id, village_code=village_code, outcome=outcome, step=step,
               on_date=on_date)


@projects(acc.VillageAccepted)
async def village_accepted(work: InboxWork, e: acc.VillageAccepted, envelope: Envelope) -> None:
    await _acceptance(work, envelope, e.village_code, "passed", e.accepted_on, acc.AcceptanceStep.COUNTY.value)
    republish(work, envelope, e)


@projects(acc.AcceptanceFailed)
async def acceptance_failed(work: InboxWork, e: acc.AcceptanceFailed, envelope: Envelope) -> None:
    await _acceptance(work, envelope, e.village_code, "failed", e.failed_on, e.step.value)
    republish(work, envelope, e)


@projects(acc.VillageDelisted)
async def village_delisted(work: InboxWork, e: acc.VillageDelisted, envelope: Envelope) -> None:
    await _acceptance(work, envelope, e.village_code, "delisted", e.delisted_on)
    republish(work, envelope, e)


@projects(acc.PostEvaluated)
async def post_evaluated(work: InboxWork, e: acc.PostEvaluated, envelope: Envelope) -> None:
    await _acceptance(work, envelope, e.village_code, "relapsed" if e.relapsed else "consolidated", e.evaluated_on,
                      acc.AcceptanceStep.POST_EVALUATION.value)
    republish(work, envelope, e)


# ---- a township's special actions (seed 004) --------------------------------------------------

@projects(sup.SpecialActionOpened)
async def special_action_opened(work: InboxWork, e: sup.SpecialActionOpened, envelope: Envelope) -> None:
    await _add(work, m.SpecialAction, action_id=e.action_id, township_code=e.township_code, name=e.name,
               starts_on=e.starts_on, ends_on=e.ends_on, items=len(e.items), pilots=len(e.pilot_villages))
    for village_code in e.pilot_villages:
        await _add(work, m.SpecialActionPilot, action_id=e.action_id, village_code=village_code)
    for item in e.items:
        await _add(work, m.SpecialActionItem, item_id=item.item_id, action_id=e.action_id, position=item.position,
                   project=item.project, requirement=item.requirement, time_node=item.time_node, due_on=item.due_on,
                   responsible_name=item.responsible_name)


@projects(sup.SpecialActionProgressRecorded)
async def special_action_progress(work: InboxWork, e: sup.SpecialActionProgressRecorded, envelope: Envelope) -> None:
    if e.done:
        await _add(work, m.SpecialActionItemDone, item_id=e.item_id, action_id=e.action_id, done_on=e.recorded_on)


@projects(sup.OrgLifeMeetingRecorded)
async def org_life_meeting(work: InboxWork, e: sup.OrgLifeMeetingRecorded, envelope: Envelope) -> None:
    await _add(work, m.OrgLifeMeeting, meeting_id=e.meeting_id, branch_code=e.branch_code, kind=e.kind,
               held_on=e.held_on)


@projects(sup.SpecialActionSupervised)
async def special_action_supervised(work: InboxWork, e: sup.SpecialActionSupervised, envelope: Envelope) -> None:
    for branch_code, rating in e.ratings.items():
        await _add(work, m.SpecialActionRating, supervision_id=e.supervision_id, branch_code=branch_code,
                   mode=e.mode, held_on=e.held_on, rating=rating)
