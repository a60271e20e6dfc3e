"""Alerts: load the rules' facts for a scope, evaluate, and reconcile with the stored alerts.

A scope is a division subtree (a township, county or campaign area). Every rule that runs on a
scope evaluates all the units inside it, and every alert stores the division it is about
(``scope_code``), so reconciling the alerts under the scope is exact: a breach that is gone
resolves its alert, a new breach raises one, an existing key is never raised again.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from sqlalchemy import ARRAY, String, any_, bindparam, func, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from supervision import journal, notifications
from supervision.domain import notices, rules
from supervision.domain.rules import Breach, Fact, Rule
from supervision.models import (AcceptanceRow, AlertRow, CampaignRow, CaseRow, CountyFilingRow, CountyListRow,
                                DelistingRow, FalsificationRow, MeasureRow, PolicyVersionRow, ProgressReportRow, ProgressRow,
                                SampleRow, ScreeningSampleRow, TownshipListRow, VisitRow)
from supervision.progress import completed_on
from zhengdun.divisions import is_within, level_of
from zhengdun.policies import is_parsed, parsed_policy
from zhengdun.reading import within, within_params
from zhengdun.events.casework import CasePhase
from zhengdun.events.screening import ListCategory
from zhengdun.events.supervision import AlertRaised, AlertResolved
from zhengdun.messaging.outbox import InboxWork, UnitOfWork
from zhengdun.registry import Division
from zhengdun.roles import Level

ALERT_NAMESPACE = uuid.UUID("6d1f3a52-5e0b-4d57-9c7e-3a1b2c4d5e60")


ALL_FACTS = frozenset(Fact)


def alert_id_for(key: str) -> str:
    return str(uuid.uuid5(ALERT_NAMESPACE, key))


def to_campaign(row: CampaignRow, in_force: PolicyVersionRow | None = None) -> rules.Campaign:
    if in_force is not None:
        return campaign_of(row, in_force.version, in_force.policy)
    return campaign_of(row, row.policy_version, row.policy)


def campaign_of(row: CampaignRow, version: int, policy: dict | None) -> rules.Campaign:
    """The campaign under its policy of ``version`` (``policy``: the stored one, needed the first time only)."""
    return rules.Campaign(row.campaign_id, row.area_code, parsed_policy(row.campaign_id, version, policy),
                          row.concentrated_ends_on, version, _kinds(row))


def _kinds(row: CampaignRow) -> tuple[str, ...] | None:
    return tuple(row.organization_kinds) if row.organization_kinds is not None else None


async def policy_in_force(session: AsyncSession, campaign_id: str, day: date) -> PolicyVersionRow | None:
    """The newest version in force on ``day`` (version 1 from the start), as casework and acceptance judge it:
    every decision records the version it applied."""
    versions = {v.version: v for v in (await session.execute(
        select(PolicyVersionRow).where(PolicyVersionRow.campaign_id == campaign_id))).scalars()}
    found = rules.version_in_force([(v.version, v.effective_on) for v in versions.values()], day)
    return versions.get(found) if found is not None else None


# The campaign's policy versions (without their policies: zhengdun.policies knows them once seen).
_VERSIONS = select(PolicyVersionRow.version, PolicyVersionRow.effective_on).where(
    PolicyVersionRow.campaign_id == bindparam("cid"))
_POLICY_OF = select(PolicyVersionRow.policy).where(PolicyVersionRow.campaign_id == bindparam("cid"),
                                                   PolicyVersionRow.version == bindparam("version"))


async def campaign_as_of(session: AsyncSession, row: CampaignRow, day: date,
                         versions: list[tuple[int, date]] | None = None) -> rules.Campaign:
    """The campaign as the rules see it on ``day``: under the policy version in force then (``policy_in_force``).
    ``versions`` (version, effective_on): the campaign's versions when the caller has read them already."""
    if versions is None:
        versions = [tuple(v) for v in await session.execute(_VERSIONS, {"cid": row.campaign_id})]
    found = rules.version_in_force(versions, day)
    if found is None:
        return to_campaign(row)
    if found == row.policy_version:
        return campaign_of(row, found, row.policy)
    stored = None if is_parsed(row.campaign_id, found) else (await session.execute(
        _POLICY_OF, {"cid": row.campaign_id, "version": found})).scalar_one()
    return campaign_of(row, found, stored)


def _bound(statement, column):
    """``statement`` of one campaign (``:cid``) within a scope (``:lo``–``:hi``, ``within_params``), built once."""
    return statement.where(column.between(bindparam("lo"), bindparam("hi")))


def _plain(model):
    """The model's columns as plain rows (read by name like the model): the rules read facts, and an ORM object
    per row, with its identity and state kept, cost more than the rest of a village's judgement. A select of the
    mapped attributes still flushes the session first, so the event's own changes are seen."""
    return select(*(getattr(model, attribute.key) for attribute in inspect(model).column_attrs))


# Each kind of fact in a scope, built once: a statement built per event cost more than running it.
_CASES = _bound(_plain(CaseRow).where(CaseRow.campaign_id == bindparam("cid")), CaseRow.village_code)
_VISITS = _bound(_plain(VisitRow).where(VisitRow.campaign_id == bindparam("cid")), VisitRow.village_code)
_MEASURES = _bound(_plain(MeasureRow).where(MeasureRow.campaign_id == bindparam("cid")), MeasureRow.village_code)
_PROGRESS = _bound(_plain(ProgressRow).join(MeasureRow, MeasureRow.measure_id == ProgressRow.measure_id)
                   .where(MeasureRow.campaign_id == bindparam("cid")), MeasureRow.village_code)
_PROGRESS_REPORTS = _bound(_plain(ProgressReportRow).where(ProgressReportRow.campaign_id == bindparam("cid")),
                           ProgressReportRow.village_code)
_TOWNSHIP_LISTS = _bound(_plain(TownshipListRow).where(TownshipListRow.campaign_id == bindparam("cid")),
                         TownshipListRow.township_code)
_ACCEPTING_COUNTIES = _bound(select(AcceptanceRow.county_code).distinct().where(
    AcceptanceRow.campaign_id == bindparam("cid")), AcceptanceRow.county_code)
_ACCEPTANCES = _bound(_plain(AcceptanceRow).where(AcceptanceRow.campaign_id == bindparam("cid")),
                      AcceptanceRow.county_code)
_SAMPLES = _bound(_plain(SampleRow).where(SampleRow.campaign_id == bindparam("cid")), SampleRow.county_code)
_COUNTY_LISTS = _bound(_plain(CountyListRow).where(CountyListRow.campaign_id == bindparam("cid")),
                       CountyListRow.county_code)
_COUNTY_FILINGS = _bound(_plain(CountyFilingRow).where(CountyFilingRow.campaign_id == bindparam("cid")),
                         CountyFilingRow.county_code)
_SCREENING_SAMPLES = _bound(_plain(ScreeningSampleRow).where(ScreeningSampleRow.campaign_id == bindparam("cid")),
                            ScreeningSampleRow.division_code)
_DELISTINGS = _bound(_plain(DelistingRow).where(DelistingRow.campaign_id == bindparam("cid")),
                     DelistingRow.village_code)
_FALSIFICATIONS = _bound(_plain(FalsificationRow).where(FalsificationRow.campaign_id == bindparam("cid")),
                         FalsificationRow.village_code)


async def _rows(session: AsyncSession, needed: bool, statement, params: dict) -> list:
    """The statement's rows; none, without asking, when its kind of fact is not needed."""
    return list(await session.execute(statement, params)) if needed else []


def case_fact(row) -> rules.Case:
    """The case as the rules see it, from its row (a ``CaseRow`` or a plain row of its columns)."""
    return rules.Case(
        row.campaign_id, row.village_code, row.township_code, row.county_code, row.designated_on, row.designated_by,
        CasePhase(row.phase), row.finished_on, row.stationed_on, row.leader_name, row.leader_user_id,
        row.leader_assigned_on, row.leader_event,
        tuple((date.fromisoformat(a), date.fromisoformat(b) if b else None) for a, b in row.finished_periods or ()),
        category=ListCategory(row.category) if row.category else None,
        supervision_deadline=row.supervision_deadline, supervisor_name=row.supervisor_name,
        supervision_event=row.supervision_event)


async def load_facts(session: AsyncSession, campaign: CampaignRow, scope: str, today: date | None = None,
                     needs: frozenset[Fact] = ALL_FACTS, as_of: rules.Campaign | None = None) -> rules.Facts:
    """The facts of the campaign within ``scope`` of the kinds ``needs`` names (the others left empty).
    ``as_of``: the campaign as of ``today`` (``campaign_as_of``) when the caller has it already."""
    cid = campaign.campaign_id
    if as_of is None:
        as_of = await campaign_as_of(session, campaign, today) if today is not None else to_campaign(campaign)
    facts = rules.Facts(campaign=as_of)
    params = {"cid": cid, **within_params(scope)}

    for row in await _rows(session, Fact.CASES in needs, _CASES, params):
        facts.cases.append(case_fact(row))
    for row in await _rows(session, Fact.VISITS in needs, _VISITS, params):
        facts.visits.append(rules.Visit(row.visit_id, row.village_code, row.county_code, row.visited_on,
                                        row.problems_pushed, row.leader_name, row.leader_user_id, row.event_id,
                                        row.counts_toward_minimum))

    measures = await _rows(session, Fact.MEASURES in needs, _MEASURES, params)
    progress: dict[str, list[ProgressRow]] = {}
    if measures:
        for row in await session.execute(_PROGRESS, params):
            progress.setdefault(row.measure_id, []).append(row)
    for row in measures:
        records = progress.get(row.measure_id, [])
        facts.measures.append(rules.Measure(row.measure_id, row.village_code, row.title, row.responsible, row.deadline,
                                            row.planned_on, row.event_id, completed_on(row, records),
                                            tuple(r.recorded_on for r in records), row.responsible_user_id))

    for row in await _rows(session, Fact.PROGRESS_REPORTS in needs, _PROGRESS_REPORTS, params):
        facts.progress_reports.append(rules.ProgressReport(row.village_code, row.period_start, row.filed_on, row.event_id))

    # Townships of the scope (inside the campaign area), with their number of villages.
    township_level = [Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP]
    if level_of(scope) in township_level and Fact.TOWNSHIPS in needs:
        # Only the organizations of the campaign's kinds are its to screen (villages and communities when it names
        # none: never the enterprises and social organizations of screening's organization import).
        of_kinds = [func.coalesce(Division.kind, "行政村").in_(campaign.organization_kinds or ("行政村", "社区"))]
        villages = (select(Division.parent_code, func.count().label("n")).where(Division.level == Level.VILLAGE,
                    within(Division.code, scope), *of_kinds).group_by(Division.parent_code).subquery())
        rows = await session.execute(
            select(Division.code, func.coalesce(villages.c.n, 0))
            .outerjoin(villages, villages.c.parent_code == Division.code)
            .where(Division.level == Level.TOWNSHIP, within(Division.code, scope), within(Division.code, campaign.area_code)))
        facts.townships = [rules.Township(code, n) for code, n in rows]
        for row in await _rows(session, Fact.TOWNSHIP_LISTS in needs, _TOWNSHIP_LISTS, params):
            facts.township_lists.append(rules.TownshipList(row.township_code, row.submitted_on, row.due_on,
                                                           row.villages_assessed, row.event_id))
    if level_of(scope) in (Level.PROVINCE, Level.CITY, Level.COUNTY):
        facts.counties = [county for county, in await _rows(session, Fact.ACCEPTANCES in needs, _ACCEPTING_COUNTIES,
                                                             params)]
        for row in await _rows(session, Fact.ACCEPTANCES in needs, _ACCEPTANCES, params):
            facts.acceptances.append(rules.Acceptance(row.village_code, row.county_code, row.accepted_on, row.event_id))
        for row in await _rows(session, Fact.SAMPLES in needs, _SAMPLES, params):
            facts.samples.append(rules.Sample(row.county_code, row.level, tuple(row.chosen), row.event_id))
        for row in await _rows(session, Fact.COUNTY_LISTS in needs, _COUNTY_LISTS, params):
            facts.county_lists.append(rules.CountyList(row.county_code, row.confirmed_on, row.event_id))
        for row in await _rows(session, Fact.COUNTY_FILINGS in needs, _COUNTY_FILINGS, params):
            facts.county_filings.append(rules.CountyFiling(row.county_code, row.filing_date, row.filed_on, row.event_id))

    for row in await _rows(session, Fact.SCREENING_SAMPLES in needs, _SCREENING_SAMPLES, params):
        facts.screening_samples.append(rules.ScreeningSample(row.round_id, row.purpose, row.division_code,
                                                             tuple(row.population), tuple(row.chosen), row.event_id))
    for row in await _rows(session, Fact.DELISTINGS in needs, _DELISTINGS, params):
        facts.delistings.append(rules.Delisting(row.village_code, row.county_code, row.delisted_on,
                                                row.post_evaluation_due, row.event_id, row.evaluated_on))
    for row in await _rows(session, Fact.FALSIFICATIONS in needs, _FALSIFICATIONS, params):
        facts.falsifications.append(rules.Falsification(row.event_id, row.village_code, row.township_code,
                                                        row.county_code, row.found_on, row.note, row.answered))
    return facts


def _rule_scope_ok(breach: Breach, scope: str) -> bool:
    return is_within(breach.scope_code, scope)


# The stored alerts of a campaign in a scope (``within_params``), of every rule or of the rules ``:rules``.
_ALERTS = _bound(select(AlertRow).where(AlertRow.campaign_id == bindparam("cid")), AlertRow.scope_code)
_ALERTS_OF_RULES = _ALERTS.where(AlertRow.rule == any_(bindparam("rules", type_=ARRAY(String))))


async def evaluate_scope(uow: UnitOfWork | InboxWork, campaign: CampaignRow, scope: str, today: date,
                         only: frozenset[Rule] | None = None, as_of: rules.Campaign | None = None) -> tuple[int, int]:
    """Evaluate every rule (or the rules ``only`` names) over ``scope``; raise new alerts, resolve vanished ones
    (publishing each in the caller's unit of work). Returns (raised, resolved). ``as_of``: see ``load_facts``."""
    session = uow.session
    judged = rules.CAMPAIGN_RULES if only is None else only
    facts = await load_facts(session, campaign, scope, today, rules.facts_read_by(judged), as_of)
    breaches = {b.key: b for b in rules.evaluate(facts, today, judged) if _rule_scope_ok(b, scope)}
    params = {"cid": campaign.campaign_id, **within_params(scope)}
    if only is None:
        found = await session.execute(_ALERTS, params)
    else:
        found = await session.execute(_ALERTS_OF_RULES, {**params, "rules": sorted(r.value for r in only)})
    stored = {a.key: a for a in found.scalars()}
    in_error = rules.false_alarms(facts)
    return await reconcile(
        uow, campaign.campaign_id, breaches, stored, today, policy_version=facts.campaign.policy_version,
        raised_in_error=lambda alert: in_error(rules.Rule(alert.rule), alert.key, alert.due_on))


async def verify_settled(session: AsyncSession, campaign: CampaignRow, scope: str, today: date, cause: str) -> None:
    """Every rule judged again over ``scope`` without writing anything: an alert the full judgement would raise or
    resolve means a verdict was left out (tests set ZD_SUPERVISION_VERIFY_RULE_MAP; see projection.judge)."""
    facts = await load_facts(session, campaign, scope, today)
    breaches = {b.key for b in rules.evaluate(facts, today) if _rule_scope_ok(b, scope)}
    stored = {a.key: a.status for a in (await session.execute(select(AlertRow).where(
        AlertRow.campaign_id == campaign.campaign_id, within(AlertRow.scope_code, scope)))).scalars()}
    to_raise = sorted(breaches - stored.keys())
    to_resolve = sorted(key for key, status in stored.items() if status == "open" and key not in breaches)
    if to_raise or to_resolve:
        raise AssertionError(f"after {cause} over {scope} the full judgement would raise {to_raise} and resolve "
                             f"{to_resolve}: the event → rules map (domain/rules.py EVENT_CHANGES) left them out")


async def reconcile(uow: UnitOfWork | InboxWork, owner_id: str, breaches: dict[str, Breach], stored: dict[str, AlertRow],
                    today: date, *, policy_version: int | None = None,
                    resolved_reason: str = "事实已变化，预警自动解除 (facts changed)",
                    raised_in_error: Callable[[AlertRow], bool] = lambda alert: False) -> tuple[int, int]:
    """Raise an alert for each new breach (by key) of ``owner_id`` (a campaign, a special action, a schedule);
    resolve its open alerts whose breach is gone, or withdraw those ``raised_in_error``. A key is never raised
    twice: a resolved key that breaches again stays in history. Returns (raised, resolved).
    Their journal entries and notices are written together, in the order of the alerts (a whole area's judgement
    raises or resolves them by the thousand: one round trip each per alert was most of its cost)."""
    entries: list[tuple[str, str, str, dict]] = []
    told: list[notices.Notice] = []
    new = [breach for key, breach in breaches.items() if key not in stored]
    for breach in new:
        _raise(uow, owner_id, breach, today, policy_version, entries, told)
    gone = [alert for key, alert in stored.items() if alert.status == "open" and key not in breaches]
    for alert in gone:
        if raised_in_error(alert):
            _resolve(uow, alert, today, "误报撤销：按事实日期当时并未违规 (withdrawn: facts dated before the alert show "
                     "no breach)", "withdrawn", entries)
        else:
            _resolve(uow, alert, today, resolved_reason, "resolved", entries)
    await journal.append_many(uow.session, entries)
    await notifications.notify_many(uow.session, told, today)
    return len(new), len(gone)


def _raise(uow: UnitOfWork | InboxWork, campaign_id: str, breach: Breach, today: date, policy_version: int | None,
           entries: list[tuple[str, str, str, dict]], told: list[notices.Notice]) -> AlertRow:
    """The alert's row and event; its journal entry and notice added to ``entries`` and ``told``."""
    row = AlertRow(alert_id=alert_id_for(breach.key), key=breach.key, rule=breach.rule.value, campaign_id=campaign_id,
                   subject_code=breach.subject_code, subject_role=breach.subject_role,
                   subject_person=breach.subject_person, subject_user_id=breach.subject_user_id,
                   scope_code=breach.scope_code, village_code=breach.village_code, severity=breach.severity.value,
                   facts=list(breach.facts), due_on=breach.due_on, proposal=breach.proposal, status="open",
                   raised_on=today, policy_version=policy_version)
    uow.session.add(row)
    payload = AlertRaised(alert_id=row.alert_id, key=row.key, rule=row.rule, campaign_id=campaign_id,
                          subject_code=row.subject_code, subject_role=row.subject_role, village_code=row.village_code,
                          severity=breach.severity, facts=breach.facts, raised_on=today, due_on=breach.due_on,
                          label=breach.rule.label, subject_person=breach.subject_person,
                          subject_user_id=breach.subject_user_id, proposal=breach.proposal,
                          policy_version=policy_version)
    envelope = uow.publish(payload, division_code=breach.scope_code, actor=None, campaign_id=campaign_id)
    entries.append((breach.scope_code, envelope.type, row.alert_id, envelope.data))
    told.append(notifications.alert_notice_of(row))
    return row


def _resolve(uow: UnitOfWork | InboxWork, alert: AlertRow, today: date, reason: str, status: str,
             entries: list[tuple[str, str, str, dict]]) -> None:
    alert.status = status
    alert.resolved_on = today
    alert.resolution = reason
    payload = AlertResolved(alert_id=alert.alert_id, key=alert.key, rule=alert.rule, subject_code=alert.subject_code,
                            village_code=alert.village_code, resolved_on=today, reason=reason)
    envelope = uow.publish(payload, division_code=alert.scope_code, actor=None, campaign_id=alert.campaign_id)
    entries.append((alert.scope_code, envelope.type, alert.alert_id, envelope.data))
