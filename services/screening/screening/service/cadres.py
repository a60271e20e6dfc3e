"""The register of organizations and cadres, owned by screening beside the division registry (rules:
domain/cadres.py). Township staff import a file or edit one entry; each change is a new revision, the earlier
ones kept. Readers see phones and members' names only when the access policy entitles them (``cadres.personal``).

Only the current secretary's name and phone leave the service, as ``CadreSecretaryRecorded`` on screening's own
(internal) topic, written to the outbox with the revision: reporting fills seed 001's phone column from it, casework
names a register's secretary in a pairing. The event is not public: reporting's public stream maps only the types it
lists (reporting/public.py), and this one is not among them. Members' names and phones are never published.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from screening.commands import CadreEntryIn
from screening.domain.cadres import (ELECTION_CRITERION, RegisterEntry, build_entry, changed_entries, election_overdue,
                                     election_suggestions, entries_from_rows, overdue_reason, read_rows,
                                     secretary_changed, star_label)
from screening.domain.campaign import Campaign
from screening.models import CadreRegisterRevision as Revision
from screening.registry_files import uploaded_table
from zhengdun import clock
from zhengdun.divisions import CODE_PATTERN, county_of, township_of
from zhengdun.events.base import Actor
from zhengdun.events.screening import CadreSecretaryRecorded
from zhengdun.messaging.outbox import UnitOfWork
from zhengdun.pagination import Page, PageParams
from zhengdun.problems import not_found, unprocessable
from zhengdun.reading import paginate, within
from zhengdun.registry import Division
from zhengdun.roles import Level

MAX_IMPORT_BYTES = 5 * 1024 * 1024  # a county's register as CSV is well under 1 MB
SOURCE_LABELS = {"import": "文件导入", "edit": "单条修改"}


async def import_register_file(uow: UnitOfWork, filename: str, content: bytes, *, actor: Actor, unit: str) -> dict:
    """A CSV or XLSX file, one row per person: the whole file passes, or nothing is stored."""
    rows = read_rows(*uploaded_table(filename, content, MAX_IMPORT_BYTES))
    if not rows:
        raise unprocessable("empty-import", "文件中没有名册数据行 (no data rows)")
    session = uow.session
    # Only well-formed codes are looked up (a cell may hold anything, even a NUL the database refuses to read).
    registered = await _registered_villages(session, {r["code"] for r in rows if CODE_PATTERN.match(r["code"])})
    today = await clock.today(session)
    entries = entries_from_rows(rows, registered=registered, unit=unit, today=today)
    changes = await _store(uow, entries, actor=actor, source="import", reason=None, today=today)
    await uow.commit()
    return {"rows": len(rows), "villages": len(entries), "revised": len(changes), "unchanged": len(entries) - len(changes)}


async def save_entry(uow: UnitOfWork, code: str, command: CadreEntryIn, *, actor: Actor, unit: str) -> dict:
    """One village's entry as a whole (PUT): a new revision when it differs from the current one."""
    session = uow.session
    today = await clock.today(session)
    entry = build_entry(code, organization_name=command.organization_name, secretary_name=command.secretary.name,
                        secretary_phone=command.secretary.phone,
                        members=[(m.name, m.post, m.phone) for m in command.members],
                        last_election_on=command.last_election_on, star_rating=command.star_rating,
                        registered=await _registered_villages(session, {code}), unit=unit,
                        today=today)
    changes = await _store(uow, [entry], actor=actor, source="edit", reason=(command.reason or "").strip() or None,
                           today=today)
    await uow.commit()
    return {"entry": await get_entry(session, code, personal=True), "changed": bool(changes)}


async def _store(uow: UnitOfWork, entries: list[RegisterEntry], *, actor: Actor, source: str,
                 reason: str | None, today: date) -> list:
    session = uow.session
    # One township's register is written by one request at a time, so two writers never take the same revision.
    for township in sorted({township_of(e.village_code) for e in entries}):
        await session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"cadres:{township}"})
    current = await _current_contents(session, [e.village_code for e in entries])
    changes = changed_entries(entries, current)
    for entry, revision in changes:
        session.add(Revision(village_code=entry.village_code, revision=revision, organization_name=entry.organization_name,
                             last_election_on=entry.last_election_on, election_due_on=entry.election_due_on,
                             star_rating=entry.star_rating, content=entry.content(), source=source, reason=reason,
                             recorded_on=today, actor=actor.model_dump(mode="json")))
    secretaries = [(CadreSecretaryRecorded(
        village_code=entry.village_code, township_code=township_of(entry.village_code),
        county_code=county_of(entry.village_code), revision=revision, secretary_name=entry.secretary.name,
        secretary_phone=entry.secretary.phone, recorded_on=today), entry.village_code)
        for entry, revision in changes if secretary_changed(entry, current.get(entry.village_code, (0, None))[1])]
    if secretaries:
        await uow.publish_many(secretaries, actor=actor)
    await session.flush()
    return changes


async def _registered_villages(session: AsyncSession, codes: set[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    codes_list = sorted(codes)
    for start in range(0, len(codes_list), 5000):
        rows = await session.execute(select(Division.code, Division.name).where(
            Division.code.in_(codes_list[start:start + 5000]), Division.level == Level.VILLAGE.value))
        found.update(dict(rows.all()))
    return found


def _latest(under: str | None = None, codes: list[str] | None = None):
    """The newest revision number of each village (under a division, or of the codes given)."""
    query = select(Revision.village_code, func.max(Revision.revision).label("revision")).group_by(Revision.village_code)
    if under is not None:
        query = query.where(within(Revision.village_code, under))
    if codes is not None:
        query = query.where(Revision.village_code.in_(codes))
    return query.subquery()


def _current(latest):
    return (select(Revision, Division.name)
            .join(latest, and_(Revision.village_code == latest.c.village_code, Revision.revision == latest.c.revision))
            .outerjoin(Division, Division.code == Revision.village_code))


async def _current_contents(session: AsyncSession, codes: list[str]) -> dict[str, tuple[int, dict]]:
    rows = await session.execute(_current(_latest(codes=codes)))
    return {r.village_code: (r.revision, r.content) for r, _ in rows.all()}


# ------------------------------------------------------------------------------- reading


def _entry_out(row: Revision, village_name: str | None, today: date, personal: bool) -> dict:
    content = row.content

    def person(c: dict, *, named: bool) -> dict:
        return {"name": c["name"] if personal or named else None, "post": c["post"],
                "phone": c["phone"] if personal else None}

    return {"village_code": row.village_code, "village_name": village_name, "organization_name": row.organization_name,
            "revision": row.revision,
            # The secretary holds a public office (the name is announced when elected, and on seed 001's table).
            "secretary": person(content["secretary"], named=True),
            "members": [person(m, named=False) for m in content["members"]],
            "last_election_on": row.last_election_on, "election_due_on": row.election_due_on,
            "election_overdue": election_overdue(row.last_election_on, today),
            "election_overdue_reason": overdue_reason(row.last_election_on, today),
            "star_rating": row.star_rating, "star_label": star_label(row.star_rating),
            "personal_data_shown": personal, "source": row.source, "source_label": SOURCE_LABELS[row.source],
            "reason": row.reason, "recorded_on": row.recorded_on, "recorded_by": (row.actor or {}).get("name", "")}


async def list_entries(session: AsyncSession, under: str, paging: PageParams, *, personal: bool,
                       overdue: bool | None = None) -> Page:
    """The current entry of every village under ``under`` that has one, by code; ``overdue`` filters on the election."""
    today = await clock.today(session)
    query = _current(_latest(under=under))
    if overdue is not None:
        query = query.where(Revision.election_due_on < today if overdue else Revision.election_due_on >= today)
    return await paginate(session, query, paging, order_by=[Revision.village_code], scalars=False,
                          out=lambda row: _entry_out(row[0], row[1], today, personal))


async def get_entry(session: AsyncSession, code: str, *, personal: bool) -> dict:
    found = (await session.execute(_current(_latest(codes=[code])))).first()
    if found is None:
        raise not_found(f"村（社区）{code} 的名册条目")
    return _entry_out(found[0], found[1], await clock.today(session), personal)


async def revisions(session: AsyncSession, code: str, paging: PageParams, *, personal: bool) -> Page:
    """Every revision of a village's entry, the newest first."""
    today = await clock.today(session)
    query = (select(Revision, Division.name).outerjoin(Division, Division.code == Revision.village_code)
             .where(Revision.village_code == code))
    page = await paginate(session, query, paging, order_by=[Revision.revision.desc()], scalars=False,
                          out=lambda row: _entry_out(row[0], row[1], today, personal))
    if page.total == 0:
        raise not_found(f"村（社区）{code} 的名册条目")
    return page


async def suggested_findings(session: AsyncSession, campaign: Campaign, township: str) -> list[dict]:
    """Criterion 1 suggested for the township's villages whose election is overdue (the register's current entries)."""
    criterion = campaign.criterion(ELECTION_CRITERION)
    if criterion is None:   # a catalog without it (seed 001's): nothing to suggest, nothing to read
        return []
    rows = await session.execute(_current(_latest(under=township)))
    suggestions = election_suggestions({r.village_code: r.last_election_on for r, _ in rows.all()},
                                       await clock.today(session), criterion.label)
    return [{"village_code": s.village_code, "criterion_code": s.criterion_code, "criterion_label": s.criterion_label,
             "reason": s.reason} for s in suggestions]
