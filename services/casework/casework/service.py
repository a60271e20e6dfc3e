"""Service layer of the casework service: use cases over a unit of work, calling the domain rules.

Every write locks the case row, folds the case's book, asks the domain for the entry, appends
it and publishes the events it causes, all in one transaction (the outbox commits with it).
HTTP use cases take the command (``commands.py``), the unit of work, the case (locked and in the
caller's reach, see ``dependencies.case_to_write``) and the caller, and commit once. Event handlers run inside
the inbox transaction, which the consumer commits: the consumer hands them its ``InboxWork``, the same shape.
"""
from __future__ import annotations

import dataclasses
import re
from datetime import date
from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic_core import to_json
from sqlalchemy import JSON, String, and_, bindparam, func, literal_column, or_, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from casework.commands import (
    AnswerIn, ChangeDecisionIn, CommentIn, ContactLeaderIn, FirstSecretaryIn, MeasureIn, PlanPublicationIn,
    ProblemIn, ProgressIn, ProgressReportIn, SecondReviewIn, StudyIn, SupervisionIn, TaskIn, TeamIn, VisitIn,
)
from casework.domain.campaign import CampaignTerms, PolicyVersion
from casework.domain import tasks as task_rules
from casework.domain.case import WORK_PHASES, CaseBook, CaseHeader, Entry, EntryKind, new_id
from casework.ledger import case_view, entry_view, ledger_document, ledger_export
from casework.models import Campaign, CampaignPolicy, Case, CaseEntry, EvidenceFile
from casework.responses import CaseDetail, CaseSummary
from zhengdun import attachments, clock
from zhengdun.db import begin_with
from zhengdun.policies import parsed_policy
from zhengdun.access import authorize_target
from zhengdun.auth import Principal
from zhengdun.dependencies import Snapshot
from zhengdun.folded import Folded
from zhengdun.events.base import Actor
from zhengdun.events.casework import (
    CASE_PHASE_LABELS, CaseOpened, CasePhase, CasePhaseChanged, CaseReadyForAcceptance, ContactLeaderAssigned, MeasurePlanned, Person,
    ContinuedStudied, ProgressRecorded, ProgressReportFiled, SupervisionAssigned, TeamStationed, VisitRecorded,
)
from zhengdun.events.acceptance import AcceptanceFailed, PostEvaluated, VillageAccepted, VillageDelisted
from zhengdun.events.screening import CadreRank, CampaignOpened, PhaseWindow, PolicyRevised, TargetDesignated
from zhengdun.messaging.consumer import RejectedEvent
from zhengdun.messaging.outbox import OUTBOX_ROWS_SQL, InboxWork, UnitOfWork, outbox_arrays
from zhengdun.pagination import Page, PageParams
from zhengdun.problems import not_found
from zhengdun.reading import paginate, within, within_bound, within_params
from zhengdun.refusals import NotPermitted, OutOfOrder
from zhengdun.registry import Division
from zhengdun.roles import Level, Role

SERVICE = "casework"
SYSTEM = Actor.system(SERVICE)

Work = UnitOfWork | InboxWork


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


async def campaign_opened(uow: Work, opened: CampaignOpened) -> None:
    """Keep the campaign; designations may arrive before it (other partition): catch up on its phase now."""
    await keep_campaign(uow.session, opened)
    await move_to_continued(uow, await clock.today(uow.session))


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


_CAMPAIGNS, _POLICIES = Campaign.__table__, CampaignPolicy.__table__


def _policy_version(row) -> PolicyVersion:
    """A ``campaign_policies`` row as the domain's PolicyVersion (its policy parsed once per process)."""
    return PolicyVersion(row.version, parsed_policy(row.campaign_id, row.version, row.policy), row.effective_on)


async def settled(session: AsyncSession) -> None:
    """Flush what the session holds before a table-level read: statements on tables, not entities, do not autoflush,
    and an inbox batch applies its events in one session (an earlier event's entries or phases must be seen)."""
    await session.flush()


def _terms(campaign, policies: list[PolicyVersion]) -> CampaignTerms:
    return CampaignTerms(campaign.campaign_id, tuple(PhaseWindow.model_validate(w) for w in campaign.phases), policies)


# The campaign and its policy versions in one statement (a row per version; one row with no version when none is
# kept yet): a visit, a measure or a team read them on every write, two round trips before.
_TERMS = select(_CAMPAIGNS.c.campaign_id, _CAMPAIGNS.c.phases, _POLICIES.c.version, _POLICIES.c.policy,
                _POLICIES.c.effective_on) \
    .select_from(_CAMPAIGNS.outerjoin(_POLICIES, _POLICIES.c.campaign_id == _CAMPAIGNS.c.campaign_id)) \
    .where(_CAMPAIGNS.c.campaign_id == bindparam("campaign_id"))


async def load_campaign(session: AsyncSession, campaign_id: str) -> CampaignTerms | None:
    await settled(session)
    rows = (await session.execute(_TERMS, {"campaign_id": campaign_id})).all()
    if not rows:
        return None
    return _terms(rows[0], [_policy_version(row) for row in rows if row.version is not None])


# A campaign's terms as last read, by (campaign, how many policy versions it has): versions are only ever added,
# and its phases change only in the transaction that adds one (keep_policy_revision), so the count names the terms.
# A write's locking read counts them (``lock_case``); a write that finds them here reads no campaign (a round trip,
# its span and the policies' JSON on every visit, measure and team before).
_KNOWN_TERMS: dict[tuple[str, int], CampaignTerms] = {}
_POLICY_VERSIONS = "casework.policy_versions"   # (campaign, count) read with the lock, in the session's ``info``


async def require_campaign(session: AsyncSession, campaign_id: str) -> CampaignTerms:
    counted = session.info.get(_POLICY_VERSIONS)
    if counted is not None and counted[0] == campaign_id and (known := _KNOWN_TERMS.get(counted)) is not None:
        return known
    terms = await load_campaign(session, campaign_id)
    if terms is None or not terms.policies:
        raise OutOfOrder("campaign-unknown", f"尚未收到整顿工作 {campaign_id} 的启动信息及政策，请稍后重试",
                         f"campaign {campaign_id} and its policy are not known here yet; retry shortly")
    if counted is not None and counted == (campaign_id, len(terms.policies)):
        if len(_KNOWN_TERMS) >= 1000:
            _KNOWN_TERMS.clear()
        _KNOWN_TERMS[counted] = terms
    return terms


# ---------------------------------------------------------------------------------------
# The book
# ---------------------------------------------------------------------------------------


def header_of(case: Case) -> CaseHeader:
    return CaseHeader(case.case_id, case.campaign_id, case.village_code, case.township_code, case.county_code,
                      case.category, tuple(case.criteria_met), case.designated_on)


def entry_of(row: CaseEntry) -> Entry:
    return Entry(row.entry_id, EntryKind(row.kind), row.occurred_on, row.recorded_on, row.data, row.actor, row.corrects, row.seq)


_BOOK = select(CaseEntry.__table__).where(CaseEntry.__table__.c.case_id == bindparam("case_id")) \
    .order_by(CaseEntry.__table__.c.seq)
_BOOK_AS_OF = select(CaseEntry.__table__).where(CaseEntry.__table__.c.case_id == bindparam("case_id"),
                                               CaseEntry.__table__.c.recorded_on <= bindparam("as_of")) \
    .order_by(CaseEntry.__table__.c.seq)


async def entries_of(session: AsyncSession, case_id: str, as_of: date | None = None) -> list[Entry]:
    """The case's entries in order (those recorded by ``as_of``): table rows, not ORM entities (every write folds
    its case's whole book; entities would cost an identity map and instance state per entry)."""
    await settled(session)
    if as_of is None:
        rows = await session.execute(_BOOK, {"case_id": case_id})
    else:
        rows = await session.execute(_BOOK_AS_OF, {"case_id": case_id, "as_of": as_of})
    return [entry_of(r) for r in rows.all()]


async def find_case(session: AsyncSession, case_id: str, *, lock: bool = False) -> Case | None:
    query = select(Case).where(Case.case_id == case_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


# A write's first statement: the case locked, and the platform's date beside it (the writer's next read, a round trip
# of its own before). The date is the one the statement's snapshot saw, from before any wait for the lock: the same
# as a request that read the date first and then waited.
# The count of its campaign's policy versions too (``require_campaign``): read before any wait for the lock, as a
# write that read its campaign first and then waited would have read it.
_POLICY_COUNT = select(func.count()).where(_POLICIES.c.campaign_id == Case.campaign_id).scalar_subquery() \
    .label("policy_versions")
_LOCKED_CASE = select(Case, clock.today_column(), _POLICY_COUNT) \
    .where(Case.case_id == bindparam("case_id")).with_for_update(of=Case)
_TODAY = "casework.today"   # the key of the date read with the lock, in the request session's ``info``


# Or the case locked by a statement sent with the transaction's BEGIN (zhengdun.db.begin_with: no rows come back),
# then read with the date, the count and its whole book, as one JSON array of the columns a fold reads: one round trip
# fewer than BEGIN, the locking read and the book's read, and one JSON document to decode instead of a row per entry.
# Read after the lock, the book holds what the write before this one committed.
_BOOK_ARRAY = literal_column(
    "(SELECT json_agg(json_build_array(e.entry_id, e.kind, e.occurred_on, e.recorded_on, e.data, e.corrects) "
    "ORDER BY e.seq) FROM case_entries AS e WHERE e.case_id = cases.case_id)", JSON).label("book")
_CASE_AND_BOOK = select(Case, clock.today_column(), _POLICY_COUNT, _BOOK_ARRAY).where(Case.case_id == bindparam("case_id"))
_BOOK_READ = "casework.book"   # (case id, its entries' array) read with the case, in the session's ``info``
_PLAIN_ID = re.compile(r"[0-9A-Za-z-]{1,64}")   # a case id that may stand in the lock's SQL as a literal


async def lock_case(session: AsyncSession, case_id: str) -> Case | None:
    """The case locked for a write in this session, the platform's date read with it (see ``today_of``)."""
    if _PLAIN_ID.fullmatch(case_id) and await begin_with(
            session, f"SELECT 1 FROM cases WHERE case_id = '{case_id}' FOR UPDATE"):
        row = (await session.execute(_CASE_AND_BOOK, {"case_id": case_id})).one_or_none()
        if row is not None:
            session.info[_BOOK_READ] = (case_id, row.book or [])
    else:
        row = (await session.execute(_LOCKED_CASE, {"case_id": case_id})).one_or_none()
    if row is None:
        return None
    session.info[_TODAY] = row.today or clock.wall_clock_today()
    session.info[_POLICY_VERSIONS] = (row.Case.campaign_id, row.policy_versions)
    return row.Case


async def today_of(session: AsyncSession) -> date:
    """The platform's date for a write in ``session``: read with the case's lock when ``lock_case`` took it."""
    known = session.info.get(_TODAY)
    return known if known is not None else await clock.today(session)


async def evidence_of(session: AsyncSession, case: Case, file_ids: list[str], field: str) -> list[dict]:
    """The references of the case's files ``file_ids`` (422 naming ``field`` for one that is not the case's)."""
    return await attachments.resolve(session, EvidenceFile, file_ids, field, "本案件", case_id=case.case_id)


# What folding a book reads of its entries: not who recorded each (a JSON document per entry, which no rule reads;
# the ledger reads it, through ``entries_of``), nor the row's own bookkeeping.
_ENTRIES = CaseEntry.__table__.c
_FOLDED = select(_ENTRIES.entry_id, _ENTRIES.kind, _ENTRIES.occurred_on, _ENTRIES.recorded_on, _ENTRIES.data,
                 _ENTRIES.corrects).where(_ENTRIES.case_id == bindparam("case_id")).order_by(_ENTRIES.seq)
_FOLDED_AS_OF = _FOLDED.where(_ENTRIES.recorded_on <= bindparam("as_of"))


async def load_book(session: AsyncSession, case: Case, as_of: date | None = None) -> CaseBook:
    """The case's book folded from its entries (those recorded by ``as_of``)."""
    read = session.info.pop(_BOOK_READ, None)
    if read is not None and read[0] == case.case_id and as_of is None and not session.new:
        # Read with the lock, nothing added since (``lock_case``): the entries as the array holds them.
        return CaseBook.from_entries(header_of(case), [
            Entry(entry_id, EntryKind(kind), date.fromisoformat(occurred_on), date.fromisoformat(recorded_on), data,
                  corrects=corrects) for entry_id, kind, occurred_on, recorded_on, data, corrects in read[1]])
    await settled(session)
    if as_of is None:
        rows = await session.execute(_FOLDED, {"case_id": case.case_id})
    else:
        rows = await session.execute(_FOLDED_AS_OF, {"case_id": case.case_id, "as_of": as_of})
    return CaseBook.from_entries(header_of(case), [
        Entry(r.entry_id, EntryKind(r.kind), r.occurred_on, r.recorded_on, r.data, corrects=r.corrects) for r in rows])


def case_ref(case: Case) -> dict[str, str]:
    return {"case_id": case.case_id, "campaign_id": case.campaign_id, "village_code": case.village_code,
            "township_code": case.township_code, "county_code": case.county_code}


async def _village_name(session: AsyncSession, code: str) -> str | None:
    return (await session.execute(select(Division.name).where(Division.code == code))).scalar_one_or_none()


# ---------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------


async def list_cases(session: AsyncSession, principal: Principal, paging: PageParams, *, county: str | None = None,
                     township: str | None = None, phase: CasePhase | None = None,
                     campaign_id: str | None = None) -> Page[CaseSummary]:
    """The cases in the caller's reach, by village, narrowed to a county, a township, a phase, a campaign."""
    params = within_params(principal.division_code, "reach_")
    if county:
        params |= within_params(county, "county_")
    if township:
        params |= within_params(township, "township_")
    if phase:
        params["phase"] = phase.value
    if campaign_id:
        params["campaign_id"] = campaign_id
    return await paginate(session, _cases_query(bool(county), bool(township), bool(phase), bool(campaign_id)), paging,
                          order_by=CASE_ORDER, scalars=False, out=_summary, params=params)


# The summary's columns, not whole Case objects, and the table's columns, not the entity's: the rows need no
# identity map, instance state nor ORM compilation (seen: loading the entities was an eighth of the list's CPU).
CASES = Case.__table__.c
SUMMARY_COLUMNS = (CASES.case_id, CASES.campaign_id, CASES.village_code, CASES.township_code, CASES.county_code,
                   CASES.category, CASES.phase, CASES.designated_on, CASES.opened_on, CASES.updated_on)
CASE_ORDER = (CASES.village_code, CASES.campaign_id)


@cache
def _cases_query(county: bool, township: bool, phase: bool, campaign: bool):
    """The list's statement for the filters given, built once (their values are bind parameters)."""
    divisions = Division.__table__.c
    query = select(*SUMMARY_COLUMNS, divisions.name.label("village_name")) \
        .outerjoin(Division.__table__, divisions.code == CASES.village_code) \
        .where(within_bound(CASES.village_code, "reach_"))
    if county:
        query = query.where(within_bound(CASES.village_code, "county_"))
    if township:
        query = query.where(within_bound(CASES.village_code, "township_"))
    if phase:
        query = query.where(CASES.phase == bindparam("phase"))
    if campaign:
        query = query.where(CASES.campaign_id == bindparam("campaign_id"))
    return query


def _summary(case) -> CaseSummary:
    """A case's summary from its row of ``SUMMARY_COLUMNS`` and ``village_name``."""
    phase = CasePhase(case.phase)
    return CaseSummary(case_id=case.case_id, campaign_id=case.campaign_id, village_code=case.village_code,
                       village_name=case.village_name, township_code=case.township_code, county_code=case.county_code,
                       category=case.category, phase=phase, phase_label=CASE_PHASE_LABELS[phase],
                       designated_on=case.designated_on, opened_on=case.opened_on, updated_on=case.updated_on)


# The case book as JSON, under its case row, its village's name and how many entries it has: entries are
# append-only (a trigger refuses UPDATE and DELETE; a correction is a new entry). ~70 KB a book of six
# months' history.
FOLDED: Folded[bytes] = Folded(kept=200)
_ENTRIES = CaseEntry.__table__.c


def _book_version(case_id):
    """The case's row, its village's name and its number of entries, in one statement (``case_id``: a value or
    a bind parameter)."""
    entries = select(func.count()).where(_ENTRIES.case_id == CASES.case_id).scalar_subquery()
    name = select(Division.__table__.c.name).where(Division.__table__.c.code == CASES.village_code).scalar_subquery()
    return select(*CASES, entries.label("entries"), name.label("village_name")).where(CASES.case_id == case_id)


BOOK_VERSION = _book_version(bindparam("case_id"))   # built once


def _book_key(row) -> tuple:
    return (row.case_id, row.entries, row.village_name, repr(tuple(row)))


async def case_detail(session: AsyncSession, snapshot: Snapshot, case_id: str, principal: Principal) -> bytes:
    """The case book as JSON (``CaseDetail``): 404 for no such case, 403 outside the caller's reach. An unchanged
    book is answered from one statement (no transaction); a book not yet folded at its version is folded from
    its entries in a snapshot of its own."""
    row = (await session.execute(BOOK_VERSION, {"case_id": case_id})).first()
    if row is None:
        raise not_found(f"案件 {case_id}")
    authorize_target(principal, "case.read", row.village_code)
    if (body := FOLDED.get(_book_key(row))) is not None:
        return body
    # Its connection back to the pool first: with every connection held by a request waiting for one more to
    # fold in, none would come.
    await session.close()
    async with snapshot() as reading:   # the case, its count and its entries as one snapshot sees them
        case = await find_case(reading, case_id)
        row = (await reading.execute(BOOK_VERSION, {"case_id": case_id})).first()
        if case is None or row is None:   # removed meanwhile (cases are not removed; for completeness)
            raise not_found(f"案件 {case_id}")
        view = case_view(case, await load_book(reading, case), row.village_name)
    body = CaseDetail.model_validate(view).model_dump_json(by_alias=True).encode()
    FOLDED.put(_book_key(row), body)
    return body


async def case_ledger(session: AsyncSession, case: Case, as_of: date | None) -> dict[str, Any]:
    """The ledger as it stood on ``as_of`` (default today): entries recorded by then, folded."""
    today = await clock.today(session)
    as_of = as_of or today
    clock.not_in_future(as_of, today, "as_of")
    entries = await entries_of(session, case.case_id, as_of)
    book = CaseBook.from_entries(header_of(case), entries)
    return ledger_document(case, book, entries, as_of, await _village_name(session, case.village_code))



async def ledger_file(session: AsyncSession, case: Case, as_of: date | None, format: str) -> tuple[bytes, str, str]:
    """The ledger as it stood on ``as_of``, as a file: its content, media type and name."""
    return ledger_export(await case_ledger(session, case, as_of), format)


async def evidence_file(session: AsyncSession, case: Case, file_id: str) -> EvidenceFile:
    row = await attachments.find(session, EvidenceFile, file_id, case_id=case.case_id)
    if row is None:
        raise not_found(f"佐证材料 {file_id}")
    return row


# ---------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------


class Writer:
    """One write to one case: appends entries to its book and publishes their events.

    A writer of one HTTP step (``_writer``) keeps its entries, and the case's new date and phase, until ``_commit``
    writes them with the step's events in one statement; one in an event handler (or writing beside others, as
    pairings do) adds ORM rows to the session, which the consumer's commit flushes."""

    def __init__(self, uow: Work, case: Case, book: CaseBook, today: date, actor: Actor | None, *,
                 deferred: bool = False):
        self.uow, self.session, self.case, self.book, self.today, self.actor = uow, uow.session, case, book, today, actor
        self.appended: list[Entry] = []
        self.rows: dict[str, CaseEntry] = {}
        self.deferred = deferred
        self._actor_json = self.actor.model_dump(mode="json") if self.actor else {}

    def append(self, kind: EntryKind, occurred_on: date, data: dict[str, Any], corrects: str | None = None,
               entry_id: str | None = None) -> Entry:
        entry = Entry(entry_id or new_id(), kind, occurred_on, self.today, data, self._actor_json, corrects)
        if self.deferred:
            set_committed_value(self.case, "updated_on", self.today)   # written by _commit's statement
        else:
            row = CaseEntry(entry_id=entry.entry_id, case_id=self.case.case_id, kind=kind.value, occurred_on=occurred_on,
                            recorded_on=self.today, actor=entry.actor, data=data, corrects=corrects)
            self.session.add(row)
            self.rows[entry.entry_id] = row
            self.case.updated_on = self.today
        self.book.apply(entry)
        self.appended.append(entry)
        return entry

    def emit(self, payload: BaseModel) -> None:
        self.uow.publish(payload, division_code=self.case.village_code, actor=self.actor,
                         campaign_id=self.case.campaign_id)

    def change_phase(self, to: CasePhase, changed_on: date, reason: str, *, reopened: bool = False) -> None:
        previous = self.book.phase
        if previous is to:
            return
        self.append(EntryKind.PHASE_CHANGED, changed_on, self.book.phase_change(to, reason, reopened=reopened))
        if self.deferred:
            set_committed_value(self.case, "phase", to.value)   # written by _commit's statement
        else:
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


async def _writer(uow: Work, case: Case, actor: Actor | None, dates: dict[str, date]) -> Writer:
    """A writer on the (locked) case, once none of the business ``dates`` (field → day) is after today."""
    today = await today_of(uow.session)
    for field, value in dates.items():
        clock.not_in_future(value, today, field)
    return Writer(uow, case, await load_book(uow.session, case), today, actor, deferred=isinstance(uow, UnitOfWork))


# A step's entries, the case's date and phase, and the step's events (zhengdun.messaging.outbox.OUTBOX_ROWS_SQL), in
# one statement of data-modifying CTEs, which PostgreSQL runs to completion whether read or not: the ORM's flush
# sent an INSERT … RETURNING per table and an UPDATE, each a round trip and most of a write's CPU after the reads
# (seen: a fifth of casework's CPU in the six months). The entries keep their order (``seq`` follows the arrays'),
# and the case row is updated only when its date or phase changes, as the ORM updated it.
_APPENDED = (
    "WITH appended AS ("
    "INSERT INTO case_entries (entry_id, case_id, kind, occurred_on, recorded_on, actor, data, corrects) "
    "SELECT e.entry_id, :case_id, e.kind, e.occurred_on, :today, CAST(:actor AS jsonb), CAST(e.data AS jsonb), "
    "e.corrects FROM unnest(CAST(:entry_ids AS text[]), CAST(:kinds AS text[]), CAST(:occurred AS date[]), "
    "CAST(:data AS text[]), CAST(:corrects AS text[])) "
    "WITH ORDINALITY AS e (entry_id, kind, occurred_on, data, corrects, position) ORDER BY e.position "
    "RETURNING entry_id, seq), "
    "changed AS (UPDATE cases SET updated_on = :today, phase = :phase "
    "WHERE case_id = :case_id AND (updated_on IS DISTINCT FROM :today OR phase <> :phase)){events} "
    "SELECT entry_id, seq FROM appended")
_APPEND = text(_APPENDED.format(events=""))
_APPEND_WITH_EVENTS = text(_APPENDED.format(events=f", published AS ({OUTBOX_ROWS_SQL})"))


async def _write_step(w: Writer) -> dict[str, int]:
    """Write a deferred writer's entries, the case's date and phase, and the unit of work's events; returns each
    entry's place in the book (entry id → seq)."""
    events = w.uow.take_pending()
    params = {"case_id": w.case.case_id, "today": w.today, "phase": w.case.phase, "actor": _json_text(w._actor_json),
              "entry_ids": [e.entry_id for e in w.appended], "kinds": [e.kind.value for e in w.appended],
              "occurred": [e.occurred_on for e in w.appended], "data": [_json_text(e.data) for e in w.appended],
              "corrects": [e.corrects for e in w.appended]}
    connection = await w.session.connection()
    rows = await connection.execute(_APPEND_WITH_EVENTS if events else _APPEND,
                                    params | outbox_arrays(events) if events else params)
    return dict(rows.all())


def _json_text(document) -> str:
    return to_json(document).decode()


async def _commit(w: Writer, entry: Entry | None = None) -> dict[str, Any]:
    """Commit the step with its events; the answer shows the step's entry (the first it appended when it names none,
    e.g. the team stationed) with its place in the book."""
    if w.deferred:
        seqs = await _write_step(w)
    else:
        await w.session.flush()  # the entry's place in the book (seq)
        seqs = {entry_id: row.seq for entry_id, row in w.rows.items()}
    await w.uow.commit()
    entry = entry or w.appended[0]
    entry = dataclasses.replace(entry, seq=seqs[entry.entry_id])
    return {"case_id": w.case.case_id, "phase": w.book.phase.value, "entry": entry_view(entry)}


commit_step = _commit  # for the use cases of other modules that write through a Writer (pairings.py)


# ---------------------------------------------------------------------------------------
# Opening a case (TargetDesignated)
# ---------------------------------------------------------------------------------------


async def target_designated(uow: Work, designated: TargetDesignated, *, event_id: str, actor: Actor | None) -> None:
    """Screening designated a village: its case opens today."""
    await open_case(uow, designated, event_id=event_id, today=await clock.today(uow.session), actor=actor or SYSTEM)


async def open_case(uow: Work, designated: TargetDesignated, *, event_id: str, today: date,
                    actor: Actor | None) -> Case | None:
    """Open the village's case in the campaign; a second designation of the same village opens nothing."""
    session = uow.session
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
    writer = Writer(uow, case, await load_book(session, case), today, actor)
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


def _decision_dates(decision: ChangeDecisionIn | None) -> dict[str, date]:
    return {"decision.decided_on": decision.decided_on} if decision else {}


def _decision(decision: ChangeDecisionIn | None) -> dict | None:
    return decision.model_dump() if decision else None


async def station_team(cmd: TeamIn, uow: UnitOfWork, case: Case, principal: Principal) -> dict[str, Any]:
    w = await _writer(uow, case, principal.actor, {"stationed_on": cmd.stationed_on, **_decision_dates(cmd.decision)})
    terms = await require_campaign(w.session, case.campaign_id)
    in_force = terms.policy_on(w.today)
    data = w.book.station_team(in_force.policy, in_force.version, cmd.leader, cmd.members, cmd.stationed_on,
                               cmd.change_reason, _decision(cmd.decision), cmd.exception_reason)
    w.append(EntryKind.TEAM_STATIONED, cmd.stationed_on, data)
    w.emit(TeamStationed(**case_ref(case), leader=cmd.leader, members=tuple(cmd.members), stationed_on=cmd.stationed_on,
                         change_reason=data["change_reason"]))
    w.settle_readiness()
    return await _commit(w)


async def assign_contact_leader(cmd: ContactLeaderIn, uow: UnitOfWork, case: Case, principal: Principal) -> dict[str, Any]:
    w = await _writer(uow, case, principal.actor, {"assigned_on": cmd.assigned_on, **_decision_dates(cmd.decision)})
    data = w.book.assign_contact_leader(cmd.leader, cmd.assigned_on, cmd.change_reason, _decision(cmd.decision),
                                        cmd.exception_reason)
    w.append(EntryKind.CONTACT_LEADER_ASSIGNED, cmd.assigned_on, data)
    w.emit(ContactLeaderAssigned(**case_ref(case), leader=cmd.leader, assigned_on=cmd.assigned_on,
                                 change_reason=data["change_reason"]))
    return await _commit(w)


async def appoint_first_secretary(cmd: FirstSecretaryIn, uow: UnitOfWork, case: Case,
                                  principal: Principal) -> dict[str, Any]:
    w = await _writer(uow, case, principal.actor, {"appointed_on": cmd.appointed_on})
    w.append(EntryKind.FIRST_SECRETARY_APPOINTED, cmd.appointed_on,
             w.book.appoint_first_secretary(cmd.secretary, cmd.appointed_on, cmd.change_reason))
    return await _commit(w)


# ---------------------------------------------------------------------------------------
# The three lists and the plan
# ---------------------------------------------------------------------------------------


async def add_problem(cmd: ProblemIn, uow: UnitOfWork, case: Case, principal: Principal) -> dict[str, Any]:
    w = await _writer(uow, case, principal.actor, {"found_on": cmd.found_on})
    return await _commit(w, w.append(EntryKind.PROBLEM_FOUND, cmd.found_on,
                                     w.book.add_problem(cmd.title, cmd.detail, cmd.criterion_code)))


async def add_task(cmd: TaskIn, uow: UnitOfWork, case: Case, principal: Principal) -> dict[str, Any]:
    w = await _writer(uow, case, principal.actor, {})
    return await _commit(w, w.append(EntryKind.TASK_SET, w.today, w.book.add_task(cmd.problem_id, cmd.title)))


async def plan_measure(cmd: MeasureIn, uow: UnitOfWork, case: Case, principal: Principal) -> dict[str, Any]:
    w = await _writer(uow, case, principal.actor, {})
    terms = await require_campaign(w.session, case.campaign_id)
    data = w.book.plan_measure(cmd.task_id, cmd.title, cmd.responsible, cmd.deadline, w.today, terms.ends_on)
    entry = w.append(EntryKind.MEASURE_PLANNED, w.today, data)
    w.emit(MeasurePlanned(**case_ref(case), measure_id=data["measure_id"], problem_id=data["problem_id"],
                          task_id=data["task_id"], title=data["title"], responsible=data["responsible"],
                          responsible_user_id=data["responsible_user_id"],
                          responsible_username=data["responsible_username"], deadline=cmd.deadline, planned_on=w.today))
    w.settle_readiness()
    return await _commit(w, entry)


async def publish_plan(cmd: PlanPublicationIn, uow: UnitOfWork, case: Case, principal: Principal) -> dict[str, Any]:
    w = await _writer(uow, case, principal.actor, {"published_on": cmd.published_on})
    return await _commit(w, w.append(EntryKind.PLAN_PUBLISHED, cmd.published_on,
                                     w.book.publish_plan(cmd.published_on, cmd.notice)))


async def add_comment(cmd: CommentIn, uow: UnitOfWork, case: Case, principal: Principal) -> dict[str, Any]:
    w = await _writer(uow, case, principal.actor, {"received_on": cmd.received_on})
    return await _commit(w, w.append(EntryKind.PLAN_COMMENT, cmd.received_on, w.book.add_comment(cmd.commenter, cmd.text)))


async def answer_comment(cmd: AnswerIn, uow: UnitOfWork, case: Case, principal: Principal,
                         comment_id: str) -> dict[str, Any]:
    w = await _writer(uow, case, principal.actor, {"answered_on": cmd.answered_on})
    return await _commit(w, w.append(EntryKind.PLAN_ANSWER, cmd.answered_on,
                                     w.book.answer_comment(comment_id, cmd.answer)))


# ---------------------------------------------------------------------------------------
# Evidence, progress and visits
# ---------------------------------------------------------------------------------------


async def upload_evidence(uow: UnitOfWork, case: Case, principal: Principal, filename: str,
                          content: bytes) -> EvidenceFile:
    """An evidence file of the case, checked and hashed (zhengdun.attachments), kept in the case's files."""
    row = attachments.stored(EvidenceFile, filename, content, today=await today_of(uow.session),
                             actor=principal.actor.model_dump(mode="json"), case_id=case.case_id)
    uow.session.add(row)
    await uow.commit()
    return row


async def record_measure_progress(cmd: ProgressIn, uow: UnitOfWork, case: Case, principal: Principal,
                                  measure_id: str) -> dict[str, Any]:
    w = await _writer(uow, case, principal.actor, {"progress_on": cmd.progress_on})
    evidence = await evidence_of(w.session, case, cmd.evidence_ids, "body.evidence_ids")
    return await _commit(w, await record_progress(w, measure_id, cmd.status, cmd.narrative, evidence, cmd.progress_on,
                                                  cmd.corrects))


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


async def record_visit(cmd: VisitIn, uow: UnitOfWork, case: Case, principal: Principal) -> dict[str, Any]:
    """The caller's visit as the village's contact leader (the county secretary may visit any village)."""
    w = await _writer(uow, case, principal.actor, {"visited_on": cmd.visited_on})
    assigned = w.book.contact_leader
    if assigned and assigned.user_id and assigned.user_id != principal.user_id \
            and Role.COUNTY_SECRETARY.value not in principal.roles:
        raise NotPermitted("forbidden", f"{principal.name} 不是本村的联系领导",
                           "only the village's contact leader records its visits")
    leader = Person(name=principal.name, post="联系领导", rank=CadreRank.COUNTY, unit=principal.division_code or "",
                    user_id=principal.user_id)
    terms = await require_campaign(w.session, case.campaign_id)
    data = w.book.record_visit(leader, cmd.team_members, cmd.village_cadres, cmd.key_persons, cmd.problems_pushed,
                               cmd.notes, problems_required=terms.policy_on(cmd.visited_on).policy.problems_pushed_per_visit)
    entry = w.append(EntryKind.VISIT, cmd.visited_on, data)
    missing = {m["code"] for m in data["missing_musts"]}
    # Casework judges the 三必须 once; supervision and reporting copy its verdict (counts_toward_minimum).
    w.emit(VisitRecorded(**case_ref(case), visit_id=entry.entry_id, leader_user_id=leader.user_id, leader_name=leader.name,
                         visited_on=cmd.visited_on, talked_with_team="team_members" not in missing,
                         talked_with_village_cadres="village_cadres" not in missing,
                         talked_with_key_persons="key_persons" not in missing,
                         problems_pushed=tuple(cmd.problems_pushed), counts_toward_minimum=data["counts_toward_minimum"]))
    return await _commit(w, entry)


# ---------------------------------------------------------------------------------------
# Progress reports and continued rectification
# ---------------------------------------------------------------------------------------


async def file_progress_report(cmd: ProgressReportIn, uow: UnitOfWork, case: Case, principal: Principal) -> dict[str, Any]:
    """每两个月向县委组织部报送一次: the interval is the policy's in force on the filing day."""
    w = await _writer(uow, case, principal.actor, {"filed_on": cmd.filed_on})
    terms = await require_campaign(w.session, case.campaign_id)
    in_force = terms.policy_on(cmd.filed_on)
    data = w.book.file_progress_report(in_force.policy.progress_report_interval_months, in_force.version, cmd.filed_on,
                                       cmd.period_start, cmd.summary)
    entry = w.append(EntryKind.PROGRESS_REPORTED, cmd.filed_on, data)
    w.emit(ProgressReportFiled(**case_ref(case), report_id=entry.entry_id,
                               period_start=date.fromisoformat(data["period_start"]),
                               period_end=date.fromisoformat(data["period_end"]), filed_on=cmd.filed_on,
                               summary=data["summary"], policy_version=in_force.version))
    return await _commit(w, entry)


async def record_study(cmd: StudyIn, uow: UnitOfWork, case: Case, principal: Principal) -> dict[str, Any]:
    w = await _writer(uow, case, principal.actor, {"studied_on": cmd.studied_on})
    entry = w.append(EntryKind.CONTINUED_STUDIED, cmd.studied_on, w.book.record_study(cmd.meeting, cmd.conclusion))
    # Supervision ties the evaluations made at the study to it (seed 000 §三(三) 末段).
    w.emit(ContinuedStudied(**case_ref(case), study_id=entry.entry_id, studied_on=cmd.studied_on,
                            meeting=entry.data["meeting"], conclusion=entry.data["conclusion"]))
    return await _commit(w, entry)


async def assign_supervision(cmd: SupervisionIn, uow: UnitOfWork, case: Case, principal: Principal) -> dict[str, Any]:
    w = await _writer(uow, case, principal.actor, {"decided_on": cmd.decided_on})
    # A named user's roles and unit are known here only when the caller names themself.
    named_self = cmd.supervisor.user_id is not None and cmd.supervisor.user_id == principal.user_id
    entry = w.append(EntryKind.SUPERVISION_ASSIGNED, cmd.decided_on, w.book.assign_supervision(
        cmd.supervisor, cmd.deadline, cmd.decided_on, known_roles=frozenset(principal.roles) if named_self else None,
        known_unit=principal.division_code if named_self else None))
    w.emit(SupervisionAssigned(**case_ref(case), supervisor=cmd.supervisor, deadline=cmd.deadline,
                               decided_on=cmd.decided_on))
    return await _commit(w, entry)


async def record_second_review(cmd: SecondReviewIn, uow: UnitOfWork, case: Case, principal: Principal) -> dict[str, Any]:
    w = await _writer(uow, case, principal.actor, {"reviewed_on": cmd.reviewed_on})
    entry = w.append(EntryKind.SECOND_REVIEW, cmd.reviewed_on,
                     w.book.record_second_review(cmd.county_secretary, cmd.conclusion))
    # Still unfinished at the second review: the county secretary becomes the village's direct contact.
    reason = "二次研判仍未完成整顿，由县委书记直接联系 (second review: the county secretary takes direct contact)"
    w.append(EntryKind.CONTACT_LEADER_ASSIGNED, cmd.reviewed_on, {
        "leader": cmd.county_secretary.model_dump(mode="json"), "change_reason": reason, "direct_county_secretary": True})
    w.emit(ContactLeaderAssigned(**case_ref(case), leader=cmd.county_secretary, assigned_on=cmd.reviewed_on,
                                 direct_county_secretary=True, change_reason=reason))
    return await _commit(w, entry)


# ---------------------------------------------------------------------------------------
# The clock
# ---------------------------------------------------------------------------------------


async def day_began(uow: Work, today: date) -> None:
    """The platform's clock moved: keep its copy, and move the cases whose concentrated phase ended."""
    await clock.record(uow.session, today)
    await move_to_continued(uow, today)


async def move_to_continued(uow: Work, today: date) -> int:
    """The clock moved: cases still in concentrated rectification after their campaign's
    concentrated phase ended move to continued rectification. Returns how many moved."""
    session = uow.session
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
            writer = Writer(uow, case, await load_book(session, case), today, SYSTEM)
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


async def note_acceptance(uow: Work, case: Case, today: date, actor: Actor | None, *, outcome: str, occurred_on: date,
                          reason: str, reopen: bool = False, to: CasePhase | None = None) -> None:
    session = uow.session
    writer = Writer(uow, case, await load_book(session, case), today, actor)
    writer.append(EntryKind.ACCEPTANCE_NOTED, occurred_on, {"outcome": outcome, "reason": reason})
    if reopen and writer.book.phase not in (CasePhase.CONCENTRATED, CasePhase.CONTINUED):
        terms = await load_campaign(session, case.campaign_id)
        back = CasePhase.CONTINUED if (writer.book.continued_since or (terms and terms.concentrated_over(today))) \
            else CasePhase.CONCENTRATED
        writer.change_phase(back, occurred_on, f"重新整顿：{reason}", reopened=True)
    elif to is not None:
        writer.change_phase(to, occurred_on, reason)


async def _case_of(session: AsyncSession, verdict) -> Case:
    case = await case_for_acceptance(session, verdict.case_id, verdict.campaign_id, verdict.village_code)
    if case is None:
        raise RejectedEvent(f"no case {verdict.case_id} (village {verdict.village_code}, campaign {verdict.campaign_id})")
    return case


async def acceptance_failed(uow: Work, failed: AcceptanceFailed, actor: Actor | None) -> None:
    case = await _case_of(uow.session, failed)
    await note_acceptance(uow, case, await clock.today(uow.session), actor or SYSTEM,
                           outcome=f"failed:{failed.step.value}",
                           occurred_on=failed.failed_on, reason=failed.reason, reopen=True)


async def village_accepted(uow: Work, accepted: VillageAccepted, actor: Actor | None) -> None:
    case = await _case_of(uow.session, accepted)
    await note_acceptance(uow, case, await clock.today(uow.session), actor or SYSTEM,
                           outcome="accepted", occurred_on=accepted.accepted_on,
                           reason="县级验收通过", to=CasePhase.ACCEPTED)


async def village_delisted(uow: Work, delisted: VillageDelisted, actor: Actor | None) -> None:
    case = await _case_of(uow.session, delisted)
    await note_acceptance(uow, case, await clock.today(uow.session), actor or SYSTEM,
                           outcome="delisted", occurred_on=delisted.delisted_on,
                           reason=f"公示无异议，销号；后评估于 {delisted.post_evaluation_due}", to=CasePhase.DELISTED)


async def post_evaluated(uow: Work, evaluated: PostEvaluated, actor: Actor | None) -> None:
    case = await _case_of(uow.session, evaluated)
    await note_acceptance(uow, case, await clock.today(uow.session), actor or SYSTEM,
                           outcome="post_evaluation:" + ("relapsed" if evaluated.relapsed else "consolidated"),
                           occurred_on=evaluated.evaluated_on,
                           reason=evaluated.reason or ("后评估反弹" if evaluated.relapsed else "后评估巩固"),
                           reopen=evaluated.relapsed)


# ---------------------------------------------------------------------------------------
# The to-do list (GET /tasks): first, in one statement, the open cases in the caller's reach that may hold a
# step of theirs; then only those cases' entries, folded into books; domain/tasks.py says which steps are the
# caller's. The first statement only narrows (every case it leaves out has no step for the caller under those
# rules), so a user with nothing to do costs one indexed statement, not the fold of every book in their reach.
# ---------------------------------------------------------------------------------------
_TASK_ROLES = {Level.VILLAGE: {Role.WORK_TEAM_LEADER, Role.WORK_TEAM_MEMBER},
               Level.TOWNSHIP: {Role.ORG_STAFF},
               Level.COUNTY: {Role.ORG_STAFF, Role.CONTACT_LEADER, Role.COUNTY_SECRETARY, Role.STANDING_COMMITTEE}}
_WORKING = [p.value for p in WORK_PHASES]
# "A measure names this login", spelled as its partial index ix_case_entries_responsible is: literals, not bind
# parameters, so that the planner matches the index in whatever plan it keeps.
_MEASURE_NAMES = (text("case_entries.kind = 'measure_planned'"),)
_NAMED_LOGIN = literal_column("(case_entries.data->>'responsible_user_id')", String)


def _has_entry(kind: EntryKind, *where):
    """The case (of the outer ``cases`` row) has an entry of ``kind`` (matching ``where``)."""
    return select(_ENTRIES.seq).where(_ENTRIES.case_id == CASES.case_id, _ENTRIES.kind == kind.value, *where).exists()


def _may_concern(caller: task_rules.Caller, today: date, visits_required: int):
    """The cases of the caller's unit where a unit step or a contact leader's visit may be theirs (a superset of
    what ``task_rules.steps`` finds without the lists): the team or the contact leader not named yet (org staff),
    fewer visits this month that met the 三必须 than the most any campaign asks (whoever may be the contact leader),
    continued rectification (the standing committee, the county secretary)."""
    roles, concerns = caller.roles, []
    if Role.ORG_STAFF in roles:
        concerns.append(or_(~_has_entry(EntryKind.TEAM_STATIONED), ~_has_entry(EntryKind.CONTACT_LEADER_ASSIGNED)))
    if caller.level is Level.COUNTY:
        counted = select(func.count()).where(
            _ENTRIES.case_id == CASES.case_id, _ENTRIES.kind == EntryKind.VISIT.value,
            _ENTRIES.occurred_on.between(task_rules.month_start(today), today),
            _ENTRIES.data["counts_toward_minimum"].astext == "true").scalar_subquery()
        leader = _has_entry(EntryKind.CONTACT_LEADER_ASSIGNED)
        if not roles & {Role.CONTACT_LEADER, Role.COUNTY_SECRETARY}:   # then only where a book names them
            leader = _has_entry(EntryKind.CONTACT_LEADER_ASSIGNED,
                                _ENTRIES.data["leader"]["user_id"].astext == caller.user_id)
        concerns.append(and_(leader, counted < visits_required))
        if roles & {Role.STANDING_COMMITTEE, Role.COUNTY_SECRETARY}:
            concerns.append(CASES.phase == CasePhase.CONTINUED.value)
    return and_(within(CASES.village_code, caller.unit), or_(*concerns)) if concerns else None


async def _campaign_terms(session: AsyncSession) -> dict[str, CampaignTerms]:
    """Every campaign's terms that has a policy, in two statements (``load_campaign`` for all of them)."""
    await settled(session)
    policies: dict[str, list[PolicyVersion]] = {}
    for p in (await session.execute(select(_POLICIES))).all():
        policies.setdefault(p.campaign_id, []).append(_policy_version(p))
    return {c.campaign_id: _terms(c, policies[c.campaign_id])
            for c in (await session.execute(select(_CAMPAIGNS.c.campaign_id, _CAMPAIGNS.c.phases))).all()
            if c.campaign_id in policies}


async def pending_tasks(session: AsyncSession, principal, today: date) -> list:
    level = principal.level
    if not principal.division_code or level is None:
        return []
    caller = task_rules.Caller(principal.user_id, principal.division_code, level, frozenset(principal.roles))
    terms = await _campaign_terms(session)
    if not terms:
        return []
    visits_required = max(t.policy_on(today).policy.contact_leader_visits_per_month for t in terms.values())
    working = CASES.phase.in_(_WORKING)
    # Any case with a measure naming the caller by login: its whole book (the team's and measures' steps).
    named = CASES.case_id.in_(select(_ENTRIES.case_id).where(*_MEASURE_NAMES, _NAMED_LOGIN == caller.user_id))
    unit = bool(caller.roles & _TASK_ROLES.get(level, set()))
    if level is Level.VILLAGE:
        # The village's team: every step may be theirs, from the whole book.
        whole = or_(within(CASES.village_code, caller.unit), named) if unit else named
        unit_only = None
    else:
        whole = named
        unit_only = _may_concern(caller, today, visits_required) if unit else None
    reach = or_(whole, unit_only) if unit_only is not None else whole
    rows = (await session.execute(select(*CASES, whole.label("whole")).where(working, reach))).all()
    cases = {row.case_id: row for row in rows if row.campaign_id in terms}
    if not cases:
        return []
    with_lists = {row.case_id for row in rows if row.whole}
    # Elsewhere the few entries the unit steps need, and of the visits only this month's (the only ones they count).
    unit_entries = and_(_ENTRIES.kind.in_([k.value for k in task_rules.UNIT_KINDS]),
                        or_(_ENTRIES.kind != EntryKind.VISIT.value,
                            _ENTRIES.occurred_on >= task_rules.month_start(today)))
    entries: dict[str, list[Entry]] = {case_id: [] for case_id in cases}
    for row in (await session.execute(select(*_ENTRIES).where(
            _ENTRIES.case_id.in_(list(cases)),
            or_(unit_entries, _ENTRIES.case_id.in_(list(with_lists))) if with_lists else unit_entries)
            .order_by(_ENTRIES.seq))).all():
        entries[row.case_id].append(entry_of(row))
    found = []
    for case_id, case in sorted(cases.items(), key=lambda item: item[1].village_code):
        book = CaseBook.from_entries(header_of(case), entries[case_id])
        found += task_rules.steps(book, terms[case.campaign_id].policy_on(today).policy, caller, today,
                                  with_lists=case_id in with_lists)
    return found
