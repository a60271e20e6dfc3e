"""Use cases of pairing (结对帮带, seed 002; rules: domain/pairing.py): the county pairs an excellent village
secretary with 2–3 villages on the list, each pairing written into the village's book (一村一册) and published
(``PairingRecorded``, casework's internal topic, through the outbox); a village that leaves the list (销账) ends
its pairing (``PairingEnded``). The register's secretaries (screening, ``CadreSecretaryRecorded``) are copied
here so that a pairing can name a secretary by their village alone.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from casework import service
from casework.commands import PairingIn, SecretaryPairingIn
from casework.domain.case import EntryKind, person_key
from casework.domain.pairing import (END_REASON_LABELS, TARGET_MIN_VILLAGES, PairedVillage, below_target, check_pairing,
                                     secretary_named)
from casework.models import Case, Pairing, RegisterSecretary
from zhengdun import clock
from zhengdun.auth import Principal
from zhengdun.events.acceptance import VillageDelisted
from zhengdun.events.base import Actor
from zhengdun.events.casework import CasePhase, PairingEnded, PairingRecorded, Person
from zhengdun.events.screening import CadreSecretaryRecorded, Policy, TargetRemoved
from zhengdun.pagination import Page, PageParams
from zhengdun.reading import within
from zhengdun.tasks import unit_names

SECRETARY_POST = "村党组织书记"


# ---------------------------------------------------------------------------------------- writing


async def _lock_secretary(session: AsyncSession, key: str) -> None:
    # One secretary's pairings are written by one request at a time, so two requests cannot both pass the limit.
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"pairing:{key}"})


async def _active_villages(session: AsyncSession, key: str) -> set[str]:
    rows = await session.execute(select(Pairing.village_code).where(Pairing.secretary_key == key,
                                                                     Pairing.ended_on.is_(None)))
    return set(rows.scalars())


async def _open_cases(session: AsyncSession, codes: list[str]) -> dict[str, Case]:
    """Each village's newest case (its current place on the list), locked for the write."""
    rows = (await session.execute(select(Case).where(Case.village_code.in_(codes))
                                  .order_by(Case.village_code, Case.opened_on.desc()).with_for_update())).scalars()
    newest: dict[str, Case] = {}
    for case in rows:
        newest.setdefault(case.village_code, case)
    return newest


async def _policy(session: AsyncSession, case: Case, today: date) -> Policy:
    return (await service.require_campaign(session, case.campaign_id)).policy_on(today).policy


async def _pair(uow, cases: list[Case], secretary: Person, secretary_village_code: str, paired_on: date,
                paired_already: set[str], actor: Actor | None, today: date) -> list[service.Writer]:
    """Each case's book gets its entry, the pairing its row, the topic its event (in the caller's transaction)."""
    key = person_key(secretary)
    total = len(paired_already) + len(cases)
    policy = await _policy(uow.session, cases[0], today)
    writers = []
    for index, case in enumerate(cases):
        writer = service.Writer(uow, case, await service.load_book(uow.session, case), today, actor)
        data = writer.book.pair(policy, secretary, secretary_village_code, len(paired_already) + index)
        writer.append(EntryKind.PAIRED, paired_on, data)
        writers.append(writer)
        uow.session.add(Pairing(campaign_id=case.campaign_id, secretary_key=key, case_id=case.case_id, paired_on=paired_on,
                                village_code=case.village_code, county_code=case.county_code,
                                secretary=secretary.model_dump(mode="json"), secretary_village_code=secretary_village_code))
        writer.emit(PairingRecorded(**service.case_ref(case), secretary=secretary,
                                    secretary_village_code=secretary_village_code, paired_on=paired_on,
                                    villages_of_secretary=total, below_target=below_target(total)))
    return writers


async def pair_villages(cmd: SecretaryPairingIn, uow, principal: Principal) -> dict[str, Any]:
    """The county pairs one secretary (of the register, or named) with villages of its list."""
    session = uow.session
    today = await clock.today(session)
    clock.not_in_future(cmd.paired_on, today, "paired_on")
    register = await _register_names(session, [cmd.secretary_village_code])
    name = secretary_named(cmd.secretary_name, cmd.secretary_village_code, register)
    secretary = Person(name=name, post=SECRETARY_POST, unit=cmd.secretary_village_code)
    key = person_key(secretary)
    await _lock_secretary(session, key)
    already = await _active_villages(session, key)
    cases = await _open_cases(session, cmd.village_codes)
    asked = [PairedVillage(code, cases[code].case_id if code in cases else None,
                           CasePhase(cases[code].phase) if code in cases else None) for code in cmd.village_codes]
    max_villages = (await _policy(session, cases[cmd.village_codes[0]], today)).pairing_max_villages \
        if cmd.village_codes and cmd.village_codes[0] in cases else Policy().pairing_max_villages
    check_pairing(secretary_village_code=cmd.secretary_village_code, villages=asked, paired_already=already,
                  max_villages=max_villages, unit=principal.division_code)
    await _pair(uow, [cases[v.village_code] for v in asked], secretary, cmd.secretary_village_code, cmd.paired_on,
                already, principal.actor, today)
    await session.flush()
    await uow.commit()
    return (await _lists(session, {key}))[0]


async def pair_with_case(cmd: PairingIn, uow, case: Case, principal: Principal) -> dict[str, Any]:
    """The per-case form (POST /cases/{case_id}/pairings): the same rules, for this one village."""
    session = uow.session
    today = await service.today_of(session)
    clock.not_in_future(cmd.paired_on, today, "paired_on")
    key = person_key(cmd.secretary)
    await _lock_secretary(session, key)
    already = await _active_villages(session, key)
    check_pairing(secretary_village_code=cmd.secretary_village_code,
                  villages=[PairedVillage(case.village_code, case.case_id, CasePhase(case.phase))],
                  paired_already=already, max_villages=(await _policy(session, case, today)).pairing_max_villages,
                  unit=principal.division_code)
    writers = await _pair(uow, [case], cmd.secretary, cmd.secretary_village_code, cmd.paired_on, already,
                          principal.actor, today)
    return await service.commit_step(writers[0])


# ---------------------------------------------------------------------------------------- events


async def register_secretary_recorded(session: AsyncSession, recorded: CadreSecretaryRecorded) -> None:
    """Keep the register's current secretary of the village (a late, older revision does not win)."""
    stmt = insert(RegisterSecretary).values(village_code=recorded.village_code, revision=recorded.revision,
                                            name=recorded.secretary_name)
    await session.execute(stmt.on_conflict_do_update(
        index_elements=[RegisterSecretary.village_code], set_={"revision": stmt.excluded.revision, "name": stmt.excluded.name},
        where=RegisterSecretary.revision < stmt.excluded.revision))


async def _end(uow, village_code: str, ended_on: date, reason: str, actor: Actor | None,
               case_id: str | None = None) -> int:
    """End the village's active pairings (销账): each ended pairing is published."""
    query = update(Pairing).where(Pairing.village_code == village_code, Pairing.ended_on.is_(None))
    if case_id is not None:
        query = query.where(Pairing.case_id == case_id)
    ended = (await uow.session.execute(query.values(ended_on=ended_on, end_reason=reason)
                                       .returning(Pairing.case_id, Pairing.secretary, Pairing.secretary_village_code))).all()
    for ended_case_id, secretary, secretary_village_code in ended:
        case = await service.find_case(uow.session, ended_case_id)
        uow.publish(PairingEnded(**service.case_ref(case), secretary=Person.model_validate(secretary),
                                 secretary_village_code=secretary_village_code, ended_on=ended_on, reason=reason),
                    division_code=village_code, actor=actor, campaign_id=case.campaign_id)
    return len(ended)


async def village_delisted(uow, delisted: VillageDelisted, actor: Actor | None) -> None:
    """Acceptance delisted the village: its case closes (service) and its pairings end."""
    await service.village_delisted(uow, delisted, actor)
    await _end(uow, delisted.village_code, delisted.delisted_on, "delisted", actor or service.SYSTEM, delisted.case_id)


async def village_left_list(uow, removed: TargetRemoved, actor: Actor | None) -> None:
    """The village left screening's dynamic list (销账, or not relisted at re-screening): its pairings end."""
    await _end(uow, removed.village_code, removed.removed_on, removed.reason.value, actor or service.SYSTEM)


# ---------------------------------------------------------------------------------------- reading


async def _register_names(session: AsyncSession, codes: list[str]) -> dict[str, str]:
    rows = await session.execute(select(RegisterSecretary.village_code, RegisterSecretary.name)
                                 .where(RegisterSecretary.village_code.in_(codes)))
    return dict(rows.all())


async def _lists(session: AsyncSession, keys: set[str]) -> list[dict[str, Any]]:
    """The pairing list of each secretary ``keys`` names, by county and secretary's village."""
    if not keys:
        return []
    rows = (await session.execute(select(Pairing).where(Pairing.secretary_key.in_(sorted(keys)))
                                  .order_by(Pairing.paired_on, Pairing.id))).scalars().all()
    names = await unit_names(session, {r.village_code for r in rows} | {r.secretary_village_code for r in rows})
    today = await clock.today(session)
    by_key: dict[str, list[Pairing]] = defaultdict(list)
    for row in rows:
        by_key[row.secretary_key].append(row)
    lists = []
    for key, pairings in by_key.items():
        first = pairings[0]
        active = [p for p in pairings if p.ended_on is None]
        case = await service.find_case(session, first.case_id)
        lists.append({
            "secretary": first.secretary, "secretary_village_code": first.secretary_village_code,
            "secretary_village_name": names.get(first.secretary_village_code), "county_code": first.county_code,
            "villages": [{"village_code": p.village_code, "village_name": names.get(p.village_code), "case_id": p.case_id,
                          "paired_on": p.paired_on} for p in active],
            "active_villages": len(active), "target_min_villages": TARGET_MIN_VILLAGES,
            "max_villages": (await _policy(session, case, today)).pairing_max_villages,
            "below_target": below_target(len(active)),
            "ended": [{"village_code": p.village_code, "village_name": names.get(p.village_code), "paired_on": p.paired_on,
                       "ended_on": p.ended_on, "reason": p.end_reason, "reason_label": END_REASON_LABELS[p.end_reason]}
                      for p in pairings if p.ended_on is not None]})
    return sorted(lists, key=lambda s: (s["county_code"], s["secretary_village_code"], s["secretary"]["name"]))


async def list_pairings(session: AsyncSession, under: str, paging: PageParams, *,
                        below_target_only: bool | None = None) -> Page:
    """The secretaries with a village under ``under``: a paired village still on the list, or their own;
    ``below_target_only`` true lists those below the target (the county's view of who needs more villages), false
    those who meet it."""
    keys = set((await session.execute(select(Pairing.secretary_key).where(or_(
        and_(within(Pairing.village_code, under), Pairing.ended_on.is_(None)),
        within(Pairing.secretary_village_code, under))))).scalars())
    lists = await _lists(session, keys)
    if below_target_only is not None:
        lists = [s for s in lists if s["below_target"] is below_target_only]
    return Page(items=lists[paging.offset:paging.offset + paging.size], total=len(lists), page=paging.page,
                size=paging.size)
