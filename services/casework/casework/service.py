"""Service layer of the casework service: use cases over a unit of work, calling the domain rules.

Every write locks the case row, folds the case's book, asks the domain for the entry, appends
it and publishes the events it causes, all in one transaction (the outbox commits with it).
The same functions serve HTTP requests (through a ``UnitOfWork``) and event handlers (inside
the inbox transaction): both hand in a session and a ``Publish`` callable.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from casework.domain.campaign import CampaignTerms, PolicyVersion
from casework.domain.case import CaseBook, CaseHeader, Entry, EntryKind, new_id, person_key
from zhengdun.refusals import OutOfOrder
from casework.models import Campaign, CampaignPolicy, Case, CaseEntry, EvidenceFile, Pairing
from zhengdun import attachments, clock
from zhengdun.events.base import Actor
from zhengdun.events.casework import (
    CaseOpened, CasePhase, CasePhaseChanged, CaseReadyForAcceptance, ContactLeaderAssigned, MeasurePlanned, Person,
    ContinuedStudied, ProgressRecorded, ProgressReportFiled, SupervisionAssigned, TeamStationed, VisitRecorded,
)
from zhengdun.events.screening import CampaignOpened, PhaseWindow, Policy, PolicyRevised, TargetDesignated
from zhengdun.messaging.outbox import UnitOfWork, record_event
from zhengdun.messaging.topics import Topics
from zhengdun.settings import settings_for

SERVICE = "casework"
SYSTEM = Actor.system(SERVICE)

# (payload, division code, actor, campaign id) → the event is in the outbox of this transaction.
Publish = Callable[[BaseModel, str, Actor | None, str | None], None]


def uow_publisher(uow: UnitOfWork) -> Publish:
    return lambda payload, code, actor, campaign_id: uow.publish(payload, division_code=code, actor=actor,
                                                                 campaign_id=campaign_id)


@lru_cache(maxsize=1)
def _topic_and_source() -> tuple[str, str]:
    return Topics(settings_for(SERVICE).topic_prefix).of(SERVICE), f"/zhengdun/{SERVICE}"


def session_publisher(session: AsyncSession) -> Publish:
    """For event handlers: publish through the outbox of the inbox transaction."""
    topic, source = _topic_and_source()
    return lambda payload, code, actor, campaign_id: record_event(
        session, topic=topic, source=source, payload=payload, division_code=code, actor=actor, campaign_id=campaign_id)


# ---------------------------------------------------------------------------------------
# Campaigns (copied from screening's events)
# ---------------------------------------------------------------------------------------


async def keep_campaign(session: AsyncSession, opened: CampaignOpened) -> None:
    await session.execute(insert(Campaign).values(
        campaign_id=opened.campaign_id, name=opened.name, area_code=opened.area_code,
        phases=[w.model_dump(mode="json") for w in opened.phases], opened_on=opened.opened_on,
    ).on_conflict_do_nothing())
    await session.execute(insert(CampaignPolicy).values(
        campaign_id=opened.campaign_id, version=opened.policy_version, policy=opened.policy.model_dump(mode="json"),
        effective_on=opened.opened_on, reason="启动整顿工作",
    ).on_conflict_do_nothing())


async def keep_policy_revision(session: AsyncSession, revised: PolicyRevised) -> None:
    await session.execute(insert(CampaignPolicy).values(
        campaign_id=revised.campaign_id, version=revised.policy_version, policy=revised.policy.model_dump(mode="json"),
        effective_on=revised.effective_on, reason=revised.reason,
    ).on_conflict_do_nothing())
    if revised.phases is not None:
        # The newest revision's phases hold (an older revision redelivered late does not win).
        newest = (await session.execute(select(func.max(CampaignPolicy.version)).where(
            CampaignPolicy.campaign_id == revised.campaign_id))).scalar_one()
        campaign = await session.get(Campaign, revised.campaign_id)
        if campaign is not None and newest == revised.policy_version:
            campaign.phases = [w.model_dump(mode="json") for w in revised.phases]


async def load_campaign(session: AsyncSession, campaign_id: str) -> CampaignTerms | None:
    campaign = await session.get(Campaign, campaign_id)
    if campaign is None:
        return None
    policies = (await session.execute(select(CampaignPolicy).where(CampaignPolicy.campaign_id == campaign_id))).scalars()
    return CampaignTerms(
        campaign_id, tuple(PhaseWindow.model_validate(w) for w in campaign.phases),
        [PolicyVersion(p.version, Policy.model_validate(p.policy), p.effective_on) for p in policies],
    )


async def require_campaign(session: AsyncSession, campaign_id: str) -> CampaignTerms:
    terms = await load_campaign(session, campaign_id)
    if terms is None or not terms.policies:
        raise OutOfOrder("campaign-unknown", f"尚未收到整顿工作 {campaign_id} 的启动信息及政策，请稍后重试",
                         f"campaign {campaign_id} and its policy are not known here yet; retry shortly")
    return terms


# ---------------------------------------------------------------------------------------
# The book
# ---------------------------------------------------------------------------------------


def header_of(case: Case) -> CaseHeader:
    return CaseHeader(case.case_id, case.campaign_id, case.village_code, case.township_code, case.county_code,
                      case.category, tuple(case.criteria_met), case.designated_on)


def entry_of(row: CaseEntry) -> Entry:
    return Entry(row.entry_id, EntryKind(row.kind), row.occurred_on, row.recorded_on, row.data, row.actor, row.corrects, row.seq)


async def entries_of(session: AsyncSession, case_id: str, as_of: date | None = None) -> list[Entry]:
    query = select(CaseEntry).where(CaseEntry.case_id == case_id)
    if as_of is not None:
        query = query.where(CaseEntry.recorded_on <= as_of)
    return [entry_of(r) for r in (await session.execute(query.order_by(CaseEntry.seq))).scalars()]


async def find_case(session: AsyncSession, case_id: str, *, lock: bool = False) -> Case | None:
    query = select(Case).where(Case.case_id == case_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def store_evidence(session: AsyncSession, case: Case, filename: str, content: bytes, actor: Actor) -> EvidenceFile:
    """An evidence file of the case, checked and hashed (zhengdun.attachments), kept in the case's files."""
    row = attachments.stored(EvidenceFile, filename, content, today=await clock.today(session),
                             actor=actor.model_dump(mode="json"), case_id=case.case_id)
    session.add(row)
    return row


async def evidence_of(session: AsyncSession, case: Case, file_ids: list[str], field: str) -> list[dict]:
    """The references of the case's files ``file_ids`` (422 naming ``field`` for one that is not the case's)."""
    return await attachments.resolve(session, EvidenceFile, file_ids, field, "本案件", case_id=case.case_id)


async def load_book(session: AsyncSession, case: Case, as_of: date | None = None) -> CaseBook:
    return CaseBook.from_entries(header_of(case), await entries_of(session, case.case_id, as_of))


def case_ref(case: Case) -> dict[str, str]:
    return {"case_id": case.case_id, "campaign_id": case.campaign_id, "village_code": case.village_code,
            "township_code": case.township_code, "county_code": case.county_code}


class Writer:
    """One write to one case: appends entries to its book and publishes their events."""

    def __init__(self, session: AsyncSession, case: Case, book: CaseBook, today: date, actor: Actor | None, publish: Publish):
        self.session, self.case, self.book, self.today, self.actor, self.publish = session, case, book, today, actor, publish
        self.appended: list[Entry] = []
        self.rows: dict[str, CaseEntry] = {}

    def append(self, kind: EntryKind, occurred_on: date, data: dict[str, Any], corrects: str | None = None,
               entry_id: str | None = None) -> Entry:
        entry = Entry(entry_id or new_id(), kind, occurred_on, self.today, data,
                      self.actor.model_dump(mode="json") if self.actor else {}, corrects)
        row = CaseEntry(entry_id=entry.entry_id, case_id=self.case.case_id, kind=kind.value, occurred_on=occurred_on,
                        recorded_on=self.today, actor=entry.actor, data=data, corrects=corrects)
        self.session.add(row)
        self.rows[entry.entry_id] = row
        self.book.apply(entry)
        self.case.updated_on = self.today
        self.appended.append(entry)
        return entry

    def emit(self, payload: BaseModel) -> None:
        self.publish(payload, self.case.village_code, self.actor, self.case.campaign_id)

    def change_phase(self, to: CasePhase, changed_on: date, reason: str, *, reopened: bool = False) -> None:
        previous = self.book.phase
        if previous is to:
            return
        self.append(EntryKind.PHASE_CHANGED, changed_on, self.book.phase_change(to, reason, reopened=reopened))
        self.case.phase = to.value
        self.emit(CasePhaseChanged(**case_ref(self.case), phase=to, previous_phase=previous, changed_on=changed_on,
                                   reason=reason))
        if to is CasePhase.READY:
            book = self.book
            self.emit(CaseReadyForAcceptance(**case_ref(self.case), ready_on=changed_on, team_leader=book.team_leader,
                                             team_members=book.team_members, contact_leader=book.contact_leader,
                                             measures=len(book.measures)))

    def settle_readiness(self) -> None:
        """Every measure complete → ready for acceptance; a measure reopened or added → back to work."""
        target = self.book.readiness_change()
        if target is CasePhase.READY:
            self.change_phase(target, self.today, "全部整改措施已完成 (every measure is complete)")
        elif target is not None:
            self.change_phase(target, self.today, "有整改措施未完成 (a measure is not complete)")


async def writer_for(session: AsyncSession, case_id: str, today: date, actor: Actor | None, publish: Publish) -> Writer | None:
    case = await find_case(session, case_id, lock=True)
    if case is None:
        return None
    return Writer(session, case, await load_book(session, case), today, actor, publish)


# ---------------------------------------------------------------------------------------
# Opening a case (TargetDesignated)
# ---------------------------------------------------------------------------------------


async def open_case(session: AsyncSession, designated: TargetDesignated, *, event_id: str, today: date,
                    actor: Actor | None, publish: Publish) -> Case | None:
    """Open the village's case in the campaign; a second designation of the same village opens nothing."""
    case_id = new_id()
    inserted = (await session.execute(insert(Case).values(
        case_id=case_id, campaign_id=designated.campaign_id, village_code=designated.village_code,
        township_code=designated.township_code, county_code=designated.county_code, category=designated.category.value,
        criteria_met=list(designated.criteria_met), basis=designated.basis.value, decision_number=designated.decision_number,
        designated_on=designated.designated_on, opened_on=today, policy_version=designated.policy_version,
        designation_event_id=event_id, phase=CasePhase.CONCENTRATED.value, updated_on=today,
    ).on_conflict_do_nothing(constraint="uq_cases_campaign_village").returning(Case.case_id))).scalar_one_or_none()
    if inserted is None:
        return None
    case = await find_case(session, case_id)
    writer = Writer(session, case, await load_book(session, case), today, actor, publish)
    writer.append(EntryKind.OPENED, designated.designated_on, {
        "category": designated.category.value, "criteria_met": list(designated.criteria_met),
        "basis": designated.basis.value, "decision_number": designated.decision_number,
        "round_id": designated.round_id, "policy_version": designated.policy_version, "designation_event_id": event_id,
    })
    writer.emit(CaseOpened(**case_ref(case), category=designated.category, criteria_met=designated.criteria_met,
                           decision_number=designated.decision_number, designated_on=designated.designated_on,
                           opened_on=today, policy_version=designated.policy_version))
    # A village designated after its campaign's concentrated phase starts straight in continued rectification.
    terms = await load_campaign(session, designated.campaign_id)
    if terms and terms.concentrated_over(today):
        writer.change_phase(CasePhase.CONTINUED, today, "集中整顿阶段已结束，直接进入持续整顿")
    return case


# ---------------------------------------------------------------------------------------
# Staffing
# ---------------------------------------------------------------------------------------


async def station_team(w: Writer, leader: Person, members: list[Person], stationed_on: date, change_reason: str | None,
                       decision: dict | None = None, exception_reason: str | None = None):
    terms = await require_campaign(w.session, w.case.campaign_id)
    in_force = terms.policy_on(w.today)
    data = w.book.station_team(in_force.policy, in_force.version, leader, members, stationed_on, change_reason, decision,
                               exception_reason)
    w.append(EntryKind.TEAM_STATIONED, stationed_on, data)
    w.emit(TeamStationed(**case_ref(w.case), leader=leader, members=tuple(members), stationed_on=stationed_on,
                         change_reason=data["change_reason"]))
    w.settle_readiness()


async def assign_contact_leader(w: Writer, leader: Person, assigned_on: date, change_reason: str | None,
                                decision: dict | None = None, exception_reason: str | None = None):
    data = w.book.assign_contact_leader(leader, assigned_on, change_reason, decision, exception_reason)
    w.append(EntryKind.CONTACT_LEADER_ASSIGNED, assigned_on, data)
    w.emit(ContactLeaderAssigned(**case_ref(w.case), leader=leader, assigned_on=assigned_on,
                                 change_reason=data["change_reason"]))


async def appoint_first_secretary(w: Writer, secretary: Person, appointed_on: date, change_reason: str | None):
    w.append(EntryKind.FIRST_SECRETARY_APPOINTED, appointed_on,
             w.book.appoint_first_secretary(secretary, appointed_on, change_reason))


async def pair_secretary(w: Writer, secretary: Person, secretary_village_code: str, paired_on: date):
    terms = await require_campaign(w.session, w.case.campaign_id)
    key = person_key(secretary)
    # Count (and lock) the secretary's pairings in the campaign, so two pairings at once cannot both pass.
    elsewhere = (await w.session.execute(
        select(func.count()).select_from(
            select(Pairing.id).where(Pairing.campaign_id == w.case.campaign_id, Pairing.secretary_key == key,
                                     Pairing.case_id != w.case.case_id).with_for_update().subquery()))).scalar_one()
    data = w.book.pair(terms.policy_on(w.today).policy, secretary, secretary_village_code, elsewhere)
    w.append(EntryKind.PAIRED, paired_on, data)
    w.session.add(Pairing(campaign_id=w.case.campaign_id, secretary_key=key, case_id=w.case.case_id, paired_on=paired_on))


# ---------------------------------------------------------------------------------------
# The three lists and the plan
# ---------------------------------------------------------------------------------------


async def add_problem(w: Writer, title: str, detail: str, criterion_code: str | None, found_on: date) -> Entry:
    return w.append(EntryKind.PROBLEM_FOUND, found_on, w.book.add_problem(title, detail, criterion_code))


async def add_task(w: Writer, problem_id: str, title: str) -> Entry:
    return w.append(EntryKind.TASK_SET, w.today, w.book.add_task(problem_id, title))


async def plan_measure(w: Writer, task_id: str, title: str, responsible: str | Person | None, deadline: date) -> Entry:
    terms = await require_campaign(w.session, w.case.campaign_id)
    data = w.book.plan_measure(task_id, title, responsible, deadline, w.today, terms.ends_on)
    entry = w.append(EntryKind.MEASURE_PLANNED, w.today, data)
    w.emit(MeasurePlanned(**case_ref(w.case), measure_id=data["measure_id"], problem_id=data["problem_id"],
                          task_id=data["task_id"], title=data["title"], responsible=data["responsible"],
                          responsible_user_id=data["responsible_user_id"],
                          responsible_username=data["responsible_username"], deadline=deadline, planned_on=w.today))
    w.settle_readiness()
    return entry


async def publish_plan(w: Writer, published_on: date, notice: str) -> Entry:
    return w.append(EntryKind.PLAN_PUBLISHED, published_on, w.book.publish_plan(published_on, notice))


async def add_comment(w: Writer, commenter: str, text: str, received_on: date) -> Entry:
    return w.append(EntryKind.PLAN_COMMENT, received_on, w.book.add_comment(commenter, text))


async def answer_comment(w: Writer, comment_id: str, answer: str, answered_on: date) -> Entry:
    return w.append(EntryKind.PLAN_ANSWER, answered_on, w.book.answer_comment(comment_id, answer))


# ---------------------------------------------------------------------------------------
# Progress and visits
# ---------------------------------------------------------------------------------------


async def record_progress(w: Writer, measure_id: str, status, narrative: str, evidence: list[dict], progress_on: date,
                          corrects: str | None) -> Entry:
    data = w.book.record_progress(measure_id, status, narrative, evidence, corrects)
    entry = w.append(EntryKind.PROGRESS, progress_on, data, corrects=corrects)
    standing, since = w.book.measure_standing(measure_id)
    w.emit(ProgressRecorded(**case_ref(w.case), record_id=entry.entry_id, measure_id=measure_id, status=status,
                            recorded_on=progress_on, evidence_count=len(evidence), corrects=corrects,
                            measure_status=standing, measure_status_since=since))
    w.settle_readiness()
    return entry


async def record_visit(w: Writer, leader: Person, visited_on: date, team_members: list[str], village_cadres: list[str],
                       key_persons: list[str], problems_pushed: list[str], notes: str) -> Entry:
    terms = await require_campaign(w.session, w.case.campaign_id)
    data = w.book.record_visit(leader, team_members, village_cadres, key_persons, problems_pushed, notes,
                               problems_required=terms.policy_on(visited_on).policy.problems_pushed_per_visit)
    entry = w.append(EntryKind.VISIT, visited_on, data)
    missing = {m["code"] for m in data["missing_musts"]}
    # Casework judges the 三必须 once; supervision and reporting copy its verdict (counts_toward_minimum).
    w.emit(VisitRecorded(**case_ref(w.case), visit_id=entry.entry_id, leader_user_id=leader.user_id, leader_name=leader.name,
                         visited_on=visited_on, talked_with_team="team_members" not in missing,
                         talked_with_village_cadres="village_cadres" not in missing,
                         talked_with_key_persons="key_persons" not in missing,
                         problems_pushed=tuple(problems_pushed), counts_toward_minimum=data["counts_toward_minimum"]))
    return entry


# ---------------------------------------------------------------------------------------
# Continued rectification
# ---------------------------------------------------------------------------------------


async def record_study(w: Writer, studied_on: date, meeting: str, conclusion: str) -> Entry:
    entry = w.append(EntryKind.CONTINUED_STUDIED, studied_on, w.book.record_study(meeting, conclusion))
    # Supervision ties the evaluations made at the study to it (seed 000 §三(三) 末段).
    w.emit(ContinuedStudied(**case_ref(w.case), study_id=entry.entry_id, studied_on=studied_on,
                            meeting=entry.data["meeting"], conclusion=entry.data["conclusion"]))
    return entry


async def assign_supervision(w: Writer, supervisor: Person, deadline: date, decided_on: date, *,
                             known_roles: frozenset[str] | None = None, known_unit: str | None = None) -> Entry:
    entry = w.append(EntryKind.SUPERVISION_ASSIGNED, decided_on, w.book.assign_supervision(
        supervisor, deadline, decided_on, known_roles=known_roles, known_unit=known_unit))
    w.emit(SupervisionAssigned(**case_ref(w.case), supervisor=supervisor, deadline=deadline, decided_on=decided_on))
    return entry


async def record_second_review(w: Writer, county_secretary: Person, conclusion: str, reviewed_on: date) -> Entry:
    entry = w.append(EntryKind.SECOND_REVIEW, reviewed_on, w.book.record_second_review(county_secretary, conclusion))
    # Still unfinished at the second review: the county secretary becomes the village's direct contact.
    reason = "二次研判仍未完成整顿，由县委书记直接联系 (second review: the county secretary takes direct contact)"
    w.append(EntryKind.CONTACT_LEADER_ASSIGNED, reviewed_on, {
        "leader": county_secretary.model_dump(mode="json"), "change_reason": reason, "direct_county_secretary": True})
    w.emit(ContactLeaderAssigned(**case_ref(w.case), leader=county_secretary, assigned_on=reviewed_on,
                                 direct_county_secretary=True, change_reason=reason))
    return entry


async def file_progress_report(w: Writer, filed_on: date, period_start: date | None, summary: str) -> Entry:
    """每两个月向县委组织部报送一次: the interval is the policy's in force on the filing day."""
    terms = await require_campaign(w.session, w.case.campaign_id)
    in_force = terms.policy_on(filed_on)
    data = w.book.file_progress_report(in_force.policy.progress_report_interval_months, in_force.version, filed_on,
                                       period_start, summary)
    entry = w.append(EntryKind.PROGRESS_REPORTED, filed_on, data)
    w.emit(ProgressReportFiled(**case_ref(w.case), report_id=entry.entry_id,
                               period_start=date.fromisoformat(data["period_start"]),
                               period_end=date.fromisoformat(data["period_end"]), filed_on=filed_on,
                               summary=data["summary"], policy_version=in_force.version))
    return entry


async def move_to_continued(session: AsyncSession, today: date, publish: Publish) -> int:
    """The clock moved: cases still in concentrated rectification after their campaign's
    concentrated phase ended move to continued rectification. Returns how many moved."""
    moved = 0
    campaigns = (await session.execute(select(Campaign))).scalars().all()
    for campaign in campaigns:
        terms = await load_campaign(session, campaign.campaign_id)
        if not terms.concentrated_over(today):
            continue
        cases = (await session.execute(
            select(Case).where(Case.campaign_id == campaign.campaign_id, Case.phase == CasePhase.CONCENTRATED.value)
            .order_by(Case.case_id).with_for_update())).scalars().all()
        for case in cases:
            writer = Writer(session, case, await load_book(session, case), today, SYSTEM, publish)
            writer.change_phase(CasePhase.CONTINUED, terms.continued_starts_on(),
                                f"集中整顿阶段于 {terms.concentrated_ends_on} 结束，未完成整顿转入持续整顿")
            moved += 1
    return moved


# ---------------------------------------------------------------------------------------
# Acceptance's verdicts
# ---------------------------------------------------------------------------------------


async def case_for_acceptance(session: AsyncSession, case_id: str, campaign_id: str, village_code: str) -> Case | None:
    case = await find_case(session, case_id, lock=True)
    if case is None:
        case = (await session.execute(select(Case).where(Case.campaign_id == campaign_id, Case.village_code == village_code)
                                      .with_for_update())).scalar_one_or_none()
    return case


async def note_acceptance(session: AsyncSession, case: Case, today: date, actor: Actor | None, publish: Publish, *,
                          outcome: str, occurred_on: date, reason: str, reopen: bool = False,
                          to: CasePhase | None = None) -> None:
    writer = Writer(session, case, await load_book(session, case), today, actor, publish)
    writer.append(EntryKind.ACCEPTANCE_NOTED, occurred_on, {"outcome": outcome, "reason": reason})
    if reopen and writer.book.phase not in (CasePhase.CONCENTRATED, CasePhase.CONTINUED):
        terms = await load_campaign(session, case.campaign_id)
        back = CasePhase.CONTINUED if (writer.book.continued_since or (terms and terms.concentrated_over(today))) \
            else CasePhase.CONCENTRATED
        writer.change_phase(back, occurred_on, f"重新整顿：{reason}", reopened=True)
    elif to is not None:
        writer.change_phase(to, occurred_on, reason)


# ---------------------------------------------------------------------------------------
# The to-do list (GET /tasks): the open cases in the caller's reach and all their entries in two
# queries, folded into books; domain/tasks.py says which steps are the caller's.
# ---------------------------------------------------------------------------------------
from casework.domain import tasks as task_rules  # noqa: E402
from zhengdun.divisions import prefix_of  # noqa: E402
from zhengdun.roles import Level, Role  # noqa: E402
from sqlalchemy import or_  # noqa: E402

_TASK_ROLES = {Level.VILLAGE: {Role.WORK_TEAM_LEADER, Role.WORK_TEAM_MEMBER},
               Level.TOWNSHIP: {Role.ORG_STAFF},
               Level.COUNTY: {Role.ORG_STAFF, Role.CONTACT_LEADER, Role.COUNTY_SECRETARY, Role.STANDING_COMMITTEE}}


async def pending_tasks(session: AsyncSession, principal, today: date) -> list:
    level = principal.level
    if not principal.division_code or level is None:
        return []
    caller = task_rules.Caller(principal.user_id, principal.division_code, level, frozenset(principal.roles))
    working = Case.phase.in_([p.value for p in (CasePhase.CONCENTRATED, CasePhase.CONTINUED)])
    # The cases of the caller's unit where their role acts, and any case with a measure naming them by login.
    named = select(CaseEntry.case_id).where(CaseEntry.kind == EntryKind.MEASURE_PLANNED.value,
                                            CaseEntry.data["responsible_user_id"].astext == caller.user_id)
    reach = Case.case_id.in_(named)
    if set(principal.roles) & _TASK_ROLES.get(level, set()):
        reach = or_(Case.village_code.startswith(prefix_of(caller.unit)), reach)
    open_cases = select(Case.case_id).where(working, reach)
    cases = {c.case_id: c for c in (await session.execute(select(Case).where(Case.case_id.in_(open_cases)))).scalars()}
    if not cases:
        return []
    # Whole books only where the team's or a measure's steps may be the caller's (their village, or a measure
    # naming them); elsewhere the few entries the unit steps need (a county's books are mostly lists and progress).
    whole = select(Case.case_id).where(working, Case.case_id.in_(named)) if level is not Level.VILLAGE else open_cases
    with_lists = set((await session.execute(whole)).scalars())
    entries: dict[str, list[Entry]] = {case_id: [] for case_id in cases}
    for row in (await session.execute(select(CaseEntry).where(
            CaseEntry.case_id.in_(open_cases),
            or_(CaseEntry.kind.in_([k.value for k in task_rules.UNIT_KINDS]), CaseEntry.case_id.in_(whole)))
            .order_by(CaseEntry.seq))).scalars():
        entries[row.case_id].append(entry_of(row))
    terms = {campaign_id: await load_campaign(session, campaign_id) for campaign_id in {c.campaign_id for c in cases.values()}}
    found = []
    for case_id, case in sorted(cases.items(), key=lambda item: item[1].village_code):
        campaign = terms[case.campaign_id]
        if campaign is None or not campaign.policies:
            continue
        book = CaseBook.from_entries(header_of(case), entries[case_id])
        found += task_rules.steps(book, campaign.policy_on(today).policy, caller, today, with_lists=case_id in with_lists)
    return found
