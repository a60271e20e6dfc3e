"""Supervision's copies of other services' facts: ``subscribers`` decodes each event and calls
``apply`` with its projection and the inbox transaction's unit of work: a projection only writes through its
session, and the alerts the rules raise or resolve are published through it.

Every handled event is (1) projected into the small read model, (2) written into the journal
(纪实) of its village or unit, and (3) followed by an evaluation of the rules over the smallest
scope it can affect; the clock evaluates every campaign's whole area.
"""
from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam, delete, func, select, text, update
from sqlalchemy.dialects.postgresql import aggregate_order_by, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.util import identity_key
from sqlalchemy.orm.attributes import set_committed_value

from supervision import alerts, journal, notifications, special_actions
from supervision.domain import notices, rules
from supervision.domain.rules import ACTIVE_PHASES, FINISHED_PHASES
from supervision.models import (AcceptanceRow, CampaignRow, CaseRow, CountyFilingRow, CountyListRow, DelistingRow,
                                FalsificationRow, MeasureRow, PolicyVersionRow, ProgressReportRow, ProgressRow, SampleRow,
                                ScreeningSampleRow, StudyRow, TownshipListRow, VisitRow)
from zhengdun import clock
from zhengdun.db import insert_or_skip
from zhengdun.events import acceptance as acc
from zhengdun.events import casework as cw
from zhengdun.events import screening as sc
from zhengdun.events.base import Envelope
from zhengdun.events.casework import MeasureStatus
from zhengdun.events.clock import ClockAdvanced
from zhengdun.divisions import is_within, township_of
from zhengdun.messaging.outbox import InboxWork

# Tests set it: after each event, every rule is judged again over the scope (read only) and any alert the full
# judgement would raise or resolve fails the event: the event → rules map left a verdict out.
VERIFY_RULE_MAP = os.environ.get("ZD_SUPERVISION_VERIFY_RULE_MAP") == "1"



@dataclass(frozen=True)
class Scope:
    """What a projection returns instead of a bare scope code when it can tell, once the day and the policy in force
    are known, whether the event changed no verdict of the rules it affects (domain/rules.py, "Events that change no
    verdict"): then, while the day's verdicts stand, nothing is judged (``judge``)."""

    code: str
    changes_nothing: Callable[[rules.Campaign, date], bool]


# event model → ``project(session, payload, envelope) -> Scope | scope code | None``
PROJECTIONS: dict[type, Callable[[AsyncSession, Any, Envelope], Awaitable[Scope | str | None]]] = {}


def projection(event_model):
    def register(project):
        PROJECTIONS[event_model] = project
        return project
    return register


async def apply(work: InboxWork, project, payload, envelope: Envelope) -> None:
    """Project the event, journal it, and re-evaluate the rules over the scope the projection returns."""
    session = work.session
    scope = await project(session, payload, envelope)
    changes_nothing = None
    if isinstance(scope, Scope):
        scope, changes_nothing = scope.code, scope.changes_nothing
    entry = journal.entry(envelope.divisioncode, envelope.type, envelope.id,
                          {"event_id": envelope.id, "source": envelope.source, "data": envelope.data,
                           "actor": envelope.actor.model_dump() if envelope.actor else None})
    campaign_id = getattr(payload, "campaign_id", None)
    if not (scope and campaign_id):
        await journal.append(session, **entry)
    else:
        found = (await session.execute(_QUEUE_AND_CAMPAIGN_TODAY, {"cid": campaign_id, **entry})).first()
        journal.queued(session)
        if found is not None:
            campaign, today, versions, effective = found
            today = today or clock.wall_clock_today()
            as_of = await alerts.campaign_as_of(session, campaign, today, list(zip(versions or (), effective or ())))
            await judge(work, campaign, scope, envelope.type, getattr(payload, "village_code", None), today, as_of,
                        changes_nothing)


# The event's campaign, the clock's day and the campaign's policy versions (as two arrays ordered by version) in one
# round trip, which also queues the event's journal entry: an event's judgement needs all three, and four statements
# cost more than its rules.
_CAMPAIGN_TODAY = select(
    CampaignRow,
    clock.today_column(),
    select(func.array_agg(aggregate_order_by(PolicyVersionRow.version, PolicyVersionRow.version)))
    .where(PolicyVersionRow.campaign_id == CampaignRow.campaign_id).scalar_subquery(),
    select(func.array_agg(aggregate_order_by(PolicyVersionRow.effective_on, PolicyVersionRow.version)))
    .where(PolicyVersionRow.campaign_id == CampaignRow.campaign_id).scalar_subquery(),
).where(CampaignRow.campaign_id == bindparam("cid"))
_QUEUE_AND_CAMPAIGN_TODAY = journal.queued_with(_CAMPAIGN_TODAY)


async def judge(work: InboxWork, campaign: CampaignRow, scope: str, event_type: str, village: str | None,
                today: date, as_of: rules.Campaign | None = None,
                changes_nothing: Callable[[rules.Campaign, date], bool] | None = None) -> None:
    """Judge the rules an event can affect over its scope. While every rule stands judged over the whole area on
    this day (``rules_settled_on``), the verdicts of the rules whose facts the event did not change stand as they
    were, so only the affected rules that can breach today are judged, and over the event's village alone when all
    of them are about one village, and none when the projection tells the event changed none of their verdicts
    (``Scope``); otherwise every rule is judged over the scope, as always."""
    affected = rules.rules_affected_by(event_type)
    if campaign.rules_settled_on != today or affected == rules.CAMPAIGN_RULES:
        await alerts.evaluate_scope(work, campaign, scope, today, as_of=as_of)
        if scope == campaign.area_code:
            campaign.rules_settled_on = today   # a campaign opened or its policy revised: judged whole
    elif changes_nothing is not None and changes_nothing(as_of or alerts.to_campaign(campaign), today):
        pass   # every verdict of the day stands
    elif affected := frozenset(r for r in affected if rules.can_breach(r, campaign.concentrated_ends_on, today)):
        # (a rule that can breach nothing today has no open alert either: the whole evaluation of the day resolved it)
        narrowest = village if affected <= rules.VILLAGE_RULES and village and is_within(village, scope) else scope
        await alerts.evaluate_scope(work, campaign, narrowest, today, only=affected, as_of=as_of)
    if VERIFY_RULE_MAP:
        await alerts.verify_settled(work.session, campaign, scope, today, event_type)


async def unsettle(session: AsyncSession) -> None:
    """Every campaign's events judge every rule again until the clock's next whole evaluation (see ``judge``)."""
    await session.execute(update(CampaignRow).where(CampaignRow.rules_settled_on.is_not(None))
                          .values(rules_settled_on=None))


async def day_began(work: InboxWork, payload: ClockAdvanced) -> None:
    """The clock's copy moves, and every campaign's whole area is evaluated for the new day."""
    session = work.session
    previous = (await session.execute(select(clock.ClockState.today))).scalar_one_or_none()
    await clock.record(session, payload.today)
    if previous is not None and payload.today < previous:
        return  # a clock set back (tests, demo rewinds) is no fact: it resolves nothing
    for campaign in (await session.execute(select(CampaignRow))).scalars().all():
        await alerts.evaluate_scope(work, campaign, campaign.area_code, payload.today)
        campaign.rules_settled_on = payload.today
        await notifications.on_day(session, campaign, payload.today)
    await special_actions.day_began(work, payload.today)   # a township's special actions and organization life


# --- screening --------------------------------------------------------------------------

def _concentrated_end(phases) -> date | None:
    return next((p.ends_on for p in phases if p.phase == sc.CampaignPhase.CONCENTRATED), None)


@projection(sc.CampaignOpened)
async def campaign_opened(session, p: sc.CampaignOpened, envelope):
    policy = p.policy.model_dump(mode="json")
    await session.execute(insert(CampaignRow).values(
        campaign_id=p.campaign_id, area_code=p.area_code, policy=policy, policy_version=p.policy_version,
        concentrated_ends_on=_concentrated_end(p.phases), event_id=envelope.id,
        organization_kinds=list(p.organization_kinds) if p.organization_kinds is not None else None).on_conflict_do_nothing())
    await session.execute(insert(PolicyVersionRow).values(
        campaign_id=p.campaign_id, version=p.policy_version, policy=policy, effective_on=p.opened_on,
        event_id=envelope.id).on_conflict_do_nothing())
    return p.area_code


@projection(sc.PolicyRevised)
async def policy_revised(session, p: sc.PolicyRevised, envelope):
    policy = p.policy.model_dump(mode="json")
    await session.execute(insert(PolicyVersionRow).values(
        campaign_id=p.campaign_id, version=p.policy_version, policy=policy, effective_on=p.effective_on,
        event_id=envelope.id).on_conflict_do_nothing())
    campaign = await session.get(CampaignRow, p.campaign_id)
    if campaign is None:
        return None
    if p.policy_version > campaign.policy_version:
        campaign.policy, campaign.policy_version = policy, p.policy_version
        if p.phases is not None:   # revised phases: the concentrated phase may end on another day
            campaign.concentrated_ends_on = _concentrated_end(p.phases)
    return campaign.area_code


@projection(sc.TownshipListSubmitted)
async def township_list_submitted(session, p: sc.TownshipListSubmitted, envelope):
    values = dict(submitted_on=p.submitted_on, due_on=p.due_on, villages_assessed=p.villages_assessed, event_id=envelope.id)
    await session.execute(insert(TownshipListRow).values(campaign_id=p.campaign_id, township_code=p.township_code, **values)
                          .on_conflict_do_update(index_elements=["campaign_id", "township_code"], set_=values))
    return p.township_code


@projection(sc.CountyListConfirmed)
async def county_list_confirmed(session, p: sc.CountyListConfirmed, envelope):
    cases = [dict(campaign_id=p.campaign_id, village_code=village, township_code=township_of(village),
                  county_code=p.county_code, category=category.value, designated_on=p.decided_on,
                  designated_by=envelope.id, phase=cw.CasePhase.CONCENTRATED.value)
             for category, villages in ((sc.ListCategory.WEAK_AND_LAX, p.weak_and_lax), (sc.ListCategory.LAGGING, p.lagging))
             for village in villages]
    if cases:   # the county's whole list in one statement, not one per village
        await session.execute(insert(CaseRow).on_conflict_do_nothing(), cases)
    # The first confirmation makes the county owe its filings; a later round's decision changes nothing of that.
    await session.execute(insert(CountyListRow).values(
        campaign_id=p.campaign_id, county_code=p.county_code, confirmed_on=p.decided_on, event_id=envelope.id)
        .on_conflict_do_nothing())
    return p.county_code


@projection(sc.CountyListFiled)
async def county_list_filed(session, p: sc.CountyListFiled, envelope):
    await session.execute(insert(CountyFilingRow).values(
        campaign_id=p.campaign_id, county_code=p.county_code, filing_date=p.filing_date, filed_on=p.filed_on,
        event_id=envelope.id).on_conflict_do_nothing())
    return p.county_code


@projection(sc.SampleDrawn)
async def screening_sample_drawn(session, p: sc.SampleDrawn, envelope):
    await session.execute(insert(ScreeningSampleRow).values(
        event_id=envelope.id, campaign_id=p.campaign_id, round_id=p.round_id, purpose=p.purpose.value,
        division_code=p.division_code, population=list(p.population), chosen=list(p.chosen)).on_conflict_do_nothing())
    return p.division_code


@projection(sc.FalsificationFound)
async def falsification_found(session, p: sc.FalsificationFound, envelope):
    await session.execute(insert(FalsificationRow).values(
        event_id=envelope.id, campaign_id=p.campaign_id, village_code=p.village_code, township_code=p.township_code,
        county_code=p.county_code, found_on=p.found_on, note=p.note, answered=False).on_conflict_do_nothing())
    return p.township_code


# --- casework ---------------------------------------------------------------------------

async def _case(session, ref: cw.CaseRef, envelope: Envelope, designated_on: date) -> CaseRow:
    row = await session.get(CaseRow, (ref.campaign_id, ref.village_code))
    if row is None:
        row = CaseRow(campaign_id=ref.campaign_id, village_code=ref.village_code, township_code=ref.township_code,
                      county_code=ref.county_code, designated_on=designated_on, designated_by=envelope.id,
                      phase=cw.CasePhase.CONCENTRATED.value)
        session.add(row)
    row.case_id = ref.case_id
    return row


async def _changing_case(session, ref: cw.CaseRef, envelope: Envelope, designated_on: date,
                         change: Callable[[CaseRow], None]) -> Scope:
    """The case changed by ``change``, and whether that changed no verdict of the rules reading cases
    (``rules.case_change_changes_nothing``, from the case as the rules see it before and after; a case not known
    before is judged)."""
    known = await session.get(CaseRow, (ref.campaign_id, ref.village_code))
    before = alerts.case_fact(known) if known is not None else None
    row = await _case(session, ref, envelope, designated_on)
    change(row)
    after = alerts.case_fact(row)
    return Scope(ref.township_code, lambda campaign, today: rules.case_change_changes_nothing(before, after, campaign,
                                                                                              today))


@projection(cw.CaseOpened)
async def case_opened(session, p: cw.CaseOpened, envelope):
    existing = await session.get(CaseRow, (p.campaign_id, p.village_code))
    if existing is not None and existing.case_id not in (None, p.case_id):
        # A new case for the same village (relapse): new team, new leader, deadlines from its designation.
        _set_phase(existing, cw.CasePhase.CONCENTRATED, p.designated_on)
        existing.stationed_on = existing.leader_name = existing.leader_user_id = None
        existing.leader_assigned_on = existing.leader_event = None
        existing.supervision_deadline = existing.supervisor_name = existing.supervisor_user_id = None
        existing.supervision_event = None
    row = await _case(session, p, envelope, p.designated_on)
    row.designated_on, row.designated_by, row.category = p.designated_on, envelope.id, p.category.value
    return p.township_code


@projection(cw.TeamStationed)
async def team_stationed(session, p: cw.TeamStationed, envelope):
    def station(row: CaseRow) -> None:
        if row.stationed_on is None or p.stationed_on < row.stationed_on:
            row.stationed_on = p.stationed_on  # a later change of team does not move the first stationing
    return await _changing_case(session, p, envelope, p.stationed_on, station)


@projection(cw.ContactLeaderAssigned)
async def contact_leader_assigned(session, p: cw.ContactLeaderAssigned, envelope):
    def assign(row: CaseRow) -> None:
        row.leader_name, row.leader_user_id, row.leader_event = p.leader.name, p.leader.user_id, envelope.id
        if row.leader_assigned_on is None:
            row.leader_assigned_on = p.assigned_on
    return await _changing_case(session, p, envelope, p.assigned_on, assign)


@projection(cw.SupervisionAssigned)
async def supervision_assigned(session, p: cw.SupervisionAssigned, envelope):
    def assign(row: CaseRow) -> None:
        row.supervision_deadline, row.supervision_event = p.deadline, envelope.id
        row.supervisor_name, row.supervisor_user_id = p.supervisor.name, p.supervisor.user_id
    return await _changing_case(session, p, envelope, p.decided_on, assign)


@projection(cw.MeasurePlanned)
async def measure_planned(session, p: cw.MeasurePlanned, envelope):
    new = (await session.execute(_PLAN_MEASURE, dict(
        measure_id=p.measure_id, campaign_id=p.campaign_id, village_code=p.village_code, title=p.title,
        responsible=p.responsible, responsible_user_id=p.responsible_user_id,
        responsible_username=p.responsible_username, deadline=p.deadline, planned_on=p.planned_on,
        event_id=envelope.id))).scalar_one()
    if not new:
        return p.township_code   # a measure planned again (its deadline may move): judged
    return Scope(p.township_code, lambda campaign, today: rules.new_measure_changes_nothing(p.planned_on, p.deadline,
                                                                                            today))


# A measure planned, or planned again (its row replaced but for its status), returning whether it is new: written
# once as text (SQLAlchemy compiles its ON CONFLICT construct again at every execution).
_MEASURE_PLAN_COLUMNS = ("measure_id", "campaign_id", "village_code", "title", "responsible", "responsible_user_id",
                         "responsible_username", "deadline", "planned_on", "event_id")
_PLAN_MEASURE = text(
    f"INSERT INTO sv_measures ({', '.join(_MEASURE_PLAN_COLUMNS)}) "
    f"VALUES ({', '.join(':' + c for c in _MEASURE_PLAN_COLUMNS)}) ON CONFLICT (measure_id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in _MEASURE_PLAN_COLUMNS[1:]) + " RETURNING (xmax = 0) AS new")


@projection(cw.ProgressRecorded)
async def progress_recorded(session, p: cw.ProgressRecorded, envelope):
    added = await session.execute(_NEW_PROGRESS, dict(
        record_id=p.record_id, measure_id=p.measure_id, status=p.status.value, recorded_on=p.recorded_on,
        corrects=p.corrects, event_id=envelope.id))
    if added.first() is None:
        return Scope(p.township_code, lambda campaign, today: True)   # a record already kept changes no fact
    if p.measure_status is None:
        return p.township_code
    # Casework decided the measure's status after this record (corrections included): copied, not re-derived.
    # The status it replaces comes back with it: whether the measure's completion moved decides what is judged.
    before = (await session.execute(_SET_MEASURE_STATUS, dict(
        measure_id=p.measure_id, record_id=p.record_id, status=p.measure_status.value,
        since=p.measure_status_since))).first()
    if (kept := session.identity_map.get(identity_key(MeasureRow, p.measure_id))) is not None:
        # (a row the ORM holds from earlier in this transaction, as an ORM update would have synchronized it)
        set_committed_value(kept, "status", p.measure_status.value)
        set_committed_value(kept, "status_since", p.measure_status_since)
    if before is None or (before.status is None and before.earlier_records):
        return p.township_code   # no measure yet, or its completion so far derived from records: judged
    completed_before = before.status_since if before.status == MeasureStatus.COMPLETED.value else None
    completed_after = p.measure_status_since if p.measure_status is MeasureStatus.COMPLETED else None
    return Scope(p.township_code, lambda campaign, today: rules.measure_update_changes_nothing(
        before.deadline, p.recorded_on, completed_before, completed_after, today))


@projection(cw.VisitRecorded)
async def visit_recorded(session, p: cw.VisitRecorded, envelope):
    await session.execute(_NEW_VISIT, dict(
        visit_id=p.visit_id, campaign_id=p.campaign_id, village_code=p.village_code, county_code=p.county_code,
        visited_on=p.visited_on, problems_pushed=len(p.problems_pushed), leader_name=p.leader_name,
        leader_user_id=p.leader_user_id, event_id=envelope.id, counts_toward_minimum=p.counts_toward_minimum))
    visit = rules.Visit(p.visit_id, p.village_code, p.county_code, p.visited_on, len(p.problems_pushed), p.leader_name,
                        p.leader_user_id, envelope.id, p.counts_toward_minimum)
    return Scope(p.township_code, lambda campaign, today: rules.new_visit_changes_nothing(visit, campaign.policy, today))


# The most frequent events' statements, written once (zhengdun.db.insert_or_skip).
_NEW_PROGRESS = insert_or_skip(ProgressRow, "record_id", "measure_id", "status", "recorded_on", "corrects", "event_id",
                               returning="record_id")
# The measure's status set from a progress record, returning the status it had, its deadline, and whether it has
# records before this one (its completion derived from them while no status was carried).
_SET_MEASURE_STATUS = text(
    "UPDATE sv_measures m SET status = :status, status_since = :since "
    "FROM (SELECT measure_id, status, status_since FROM sv_measures WHERE measure_id = :measure_id FOR UPDATE) AS old "
    "WHERE m.measure_id = old.measure_id "
    "RETURNING old.status, old.status_since, m.deadline, EXISTS (SELECT 1 FROM sv_progress p "
    "WHERE p.measure_id = m.measure_id AND p.record_id <> :record_id) AS earlier_records")
_NEW_VISIT = insert_or_skip(VisitRow, "visit_id", "campaign_id", "village_code", "county_code", "visited_on",
                            "problems_pushed", "leader_name", "leader_user_id", "event_id", "counts_toward_minimum")


@projection(cw.ContinuedStudied)
async def continued_studied(session, p: cw.ContinuedStudied, envelope):
    await session.execute(insert(StudyRow).values(
        study_id=p.study_id, campaign_id=p.campaign_id, village_code=p.village_code, township_code=p.township_code,
        county_code=p.county_code, studied_on=p.studied_on, meeting=p.meeting, event_id=envelope.id).on_conflict_do_nothing())
    return None   # no rule reads it


@projection(cw.ProgressReportFiled)
async def progress_report_filed(session, p: cw.ProgressReportFiled, envelope):
    await session.execute(insert(ProgressReportRow).values(
        report_id=p.report_id, campaign_id=p.campaign_id, village_code=p.village_code, period_start=p.period_start,
        period_end=p.period_end, filed_on=p.filed_on, policy_version=p.policy_version,
        event_id=envelope.id).on_conflict_do_nothing())
    return p.township_code


def _set_phase(row: CaseRow, phase: cw.CasePhase, on: date) -> None:
    row.phase = phase.value
    periods = [list(p) for p in (row.finished_periods or [])]
    still_finished = bool(periods) and periods[-1][1] is None
    if phase in FINISHED_PHASES and not still_finished:
        periods.append([on.isoformat(), None])
        row.finished_on = on
    elif phase in ACTIVE_PHASES and still_finished:
        periods[-1][1] = on.isoformat()  # reopened (e.g. acceptance failed)
        row.finished_on = None
    row.finished_periods = periods


@projection(cw.CasePhaseChanged)
async def case_phase_changed(session, p: cw.CasePhaseChanged, envelope):
    return await _changing_case(session, p, envelope, p.changed_on, lambda row: _set_phase(row, p.phase, p.changed_on))


@projection(cw.CaseReadyForAcceptance)
async def case_ready(session, p: cw.CaseReadyForAcceptance, envelope):
    scope = await _changing_case(session, p, envelope, p.ready_on,
                                 lambda row: _set_phase(row, cw.CasePhase.READY, p.ready_on))
    await notifications.notify(session, notices.signature_awaited(
        envelope.id, p.campaign_id, p.village_code, p.township_code, p.team_leader.name, p.team_leader.user_id),
        await clock.today(session))
    return scope


async def list_returned(work: InboxWork, p: sc.TownshipListReturned, envelope: Envelope) -> None:
    session = work.session
    await notifications.notify(session, notices.list_returned(envelope.id, p.campaign_id, p.township_code, p.reasons,
                                                              p.returned_on), await clock.today(session))


# --- acceptance -------------------------------------------------------------------------

@projection(acc.VillageAccepted)
async def village_accepted(session, p: acc.VillageAccepted, envelope):
    new, first_accepted_on, sampled = (await session.execute(_ACCEPT, dict(
        campaign_id=p.campaign_id, village_code=p.village_code, county_code=p.county_code, accepted_on=p.accepted_on,
        event_id=envelope.id))).one()
    if not new:
        return p.county_code   # accepted again (another date): judged
    return Scope(p.county_code, lambda campaign, today: rules.new_acceptance_changes_nothing(
        campaign, first_accepted_on, sampled, today))


# A village accepted (or accepted again), returning whether it is new, the county's first acceptance with it, and
# whether any sample of the county was drawn (the facts ``rules.new_acceptance_changes_nothing`` reads), in one
# round trip. The subqueries see the rows as they were before the insert.
_ACCEPT = text(
    "WITH accepted AS (INSERT INTO sv_acceptances (campaign_id, village_code, county_code, accepted_on, event_id) "
    "VALUES (:campaign_id, :village_code, :county_code, :accepted_on, :event_id) "
    "ON CONFLICT (campaign_id, village_code) DO UPDATE SET county_code = EXCLUDED.county_code, "
    "accepted_on = EXCLUDED.accepted_on, event_id = EXCLUDED.event_id RETURNING (xmax = 0) AS new, accepted_on) "
    "SELECT accepted.new, LEAST(accepted.accepted_on, (SELECT min(a.accepted_on) FROM sv_acceptances a "
    "WHERE a.campaign_id = :campaign_id AND a.county_code = :county_code)), "
    "EXISTS (SELECT 1 FROM sv_samples s WHERE s.campaign_id = :campaign_id AND s.county_code = :county_code) "
    "FROM accepted")


@projection(acc.AcceptanceFailed)
async def acceptance_failed(session, p: acc.AcceptanceFailed, envelope):
    if p.revokes_acceptance:
        await session.execute(delete(AcceptanceRow).where(AcceptanceRow.campaign_id == p.campaign_id,
                                                          AcceptanceRow.village_code == p.village_code))
    await notifications.notify(session, notices.acceptance_failed(
        envelope.id, p.campaign_id, p.village_code, p.township_code, p.step.value, p.reason, p.revokes_acceptance),
        await clock.today(session))
    return p.county_code


@projection(acc.AcceptanceSampleDrawn)
async def sample_drawn(session, p: acc.AcceptanceSampleDrawn, envelope):
    await session.execute(insert(SampleRow).values(
        event_id=envelope.id, campaign_id=p.campaign_id, county_code=p.county_code, level=p.level,
        chosen=list(p.chosen)).on_conflict_do_nothing())
    return p.county_code


@projection(acc.VillageDelisted)
async def village_delisted(session, p: acc.VillageDelisted, envelope):
    await session.execute(_NEW_DELISTING, dict(
        campaign_id=p.campaign_id, village_code=p.village_code, delisted_on=p.delisted_on, county_code=p.county_code,
        post_evaluation_due=p.post_evaluation_due, event_id=envelope.id))
    # (a delisting already kept is the same fact: it changes nothing either)
    return Scope(p.township_code, lambda campaign, today: rules.new_delisting_changes_nothing(p.post_evaluation_due,
                                                                                              today))


_NEW_DELISTING = insert_or_skip(DelistingRow, "campaign_id", "village_code", "delisted_on", "county_code",
                                "post_evaluation_due", "event_id")


@projection(acc.PostEvaluated)
async def post_evaluated(session, p: acc.PostEvaluated, envelope):
    latest = (await session.execute(select(DelistingRow).where(
        DelistingRow.campaign_id == p.campaign_id, DelistingRow.village_code == p.village_code,
        DelistingRow.delisted_on <= p.evaluated_on).order_by(DelistingRow.delisted_on.desc()).limit(1))).scalar_one_or_none()
    if latest is not None and latest.evaluated_on is None:
        latest.evaluated_on = p.evaluated_on
    return p.township_code
