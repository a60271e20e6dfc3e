"""The statements of one write in casework and acceptance (issue 20): the case (the acceptance) is locked in the
statement that also reads the platform's date — and, for acceptance, the village's name, the campaign's area and its
policy versions — so a step makes no round trip of its own for them; the book is still read after the lock, so a
write that waited for it sees what the write before it committed. Real PostgreSQL (each service's own migrations),
no services started: the use cases run on a unit of work of this test."""
from __future__ import annotations

import asyncio
import secrets
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import event, insert, text
from sqlalchemy.dialects.postgresql import insert as upsert

from tests.support.platform import scratch_database
from zhengdun.auth import Principal
from zhengdun.clock import ClockState
from zhengdun.db import make_engine, make_session_factory
from zhengdun.events.screening import Policy
from zhengdun.messaging.outbox import UnitOfWork
from zhengdun.migrations import alembic_config
from zhengdun.registry import Division

SERVICES = Path(__file__).resolve().parents[2] / "services"
TODAY = date(2020, 10, 8)
VILLAGE, TOWNSHIP, COUNTY = "990102001001", "990102001000", "990102000000"
LEADER = Principal(user_id="u-leader", username="leader", name="李联系", roles=frozenset({"county_leader"}),
                   division_code=COUNTY)


@pytest.fixture(scope="module")
def casework_db():
    with scratch_database("cwwrites") as url:
        command.upgrade(alembic_config(SERVICES / "casework" / "migrations", url), "head")
        yield url


@pytest.fixture(scope="module")
def acceptance_db():
    with scratch_database("accwrites") as url:
        command.upgrade(alembic_config(SERVICES / "acceptance" / "migrations", url), "head")
        yield url


class Statements:
    """The SQL statements an engine sends while counted (BEGIN and COMMIT are the driver's, not counted)."""

    def __init__(self, engine):
        self.sent: list[str] = []
        event.listen(engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany):
        self.sent.append(" ".join(statement.split()))

    def naming(self, table: str) -> list[str]:
        return [s for s in self.sent if f" {table}" in s]


# ------------------------------------------------------------------ casework


async def _casework_case(factory, campaign_id: str) -> str:
    from casework.models import Campaign, CampaignPolicy, Case, CaseEntry

    case_id = secrets.token_hex(8)
    leader = {"name": LEADER.name, "post": "县委副书记", "rank": "county", "unit": COUNTY, "user_id": LEADER.user_id}
    async with factory() as session, session.begin():
        await session.execute(_clock(TODAY))
        await session.execute(insert(Campaign).values(
            campaign_id=campaign_id, name="基准", area_code="990000000000", opened_on=date(2020, 7, 1),
            phases=[{"phase": "concentrated", "starts_on": "2020-08-20", "ends_on": "2021-06-30"}]))
        await session.execute(insert(CampaignPolicy).values(campaign_id=campaign_id, version=1,
                                                            policy=Policy().model_dump(mode="json"),
                                                            effective_on=date(2020, 7, 1), reason="启动"))
        await session.execute(insert(Case).values(
            case_id=case_id, campaign_id=campaign_id, village_code=VILLAGE, township_code=TOWNSHIP, county_code=COUNTY,
            category="weak_and_lax", criteria_met=["c1"], basis="criteria", decision_number="〔2020〕1号",
            designated_on=date(2020, 8, 20), opened_on=date(2020, 8, 20), policy_version=1,
            designation_event_id=secrets.token_hex(8), phase="concentrated", updated_on=date(2020, 8, 22)))
        for n, (kind, data) in enumerate((
                ("opened", {"category": "weak_and_lax"}),
                ("contact_leader_assigned", {"leader": leader, "change_reason": None}),
                ("problem_found", {"problem_id": "p1", "title": "组织生活不规范", "detail": "", "criterion_code": None}))):
            await session.execute(insert(CaseEntry).values(
                entry_id=f"{case_id}-{n}", case_id=case_id, kind=kind, occurred_on=date(2020, 8, 22),
                recorded_on=date(2020, 8, 22), actor={}, data=data))
    return case_id


def _clock(today: date):
    return upsert(ClockState).values(id=1, today=today).on_conflict_do_update(index_elements=[ClockState.id],
                                                                            set_={"today": today})


def test_a_visit_reads_the_date_with_the_lock_and_the_campaign_in_one_statement(casework_db):
    from casework import service
    from casework.commands import VisitIn
    from casework.models import CampaignPolicy

    async def run():
        engine = make_engine(casework_db)
        factory = make_session_factory(engine)
        try:
            campaign_id = secrets.token_hex(6)
            case_id = await _casework_case(factory, campaign_id)
            counted = Statements(engine)

            async def visit():
                counted.sent.clear()
                async with UnitOfWork(factory, "t.casework", "/casework") as uow:
                    case = await service.lock_case(uow.session, case_id)
                    answer = await service.record_visit(VisitIn(
                        visited_on=TODAY, team_members=["队长"], village_cadres=["书记"], key_persons=["老党员"],
                        problems_pushed=["p1"]), uow, case, LEADER)
                return answer, list(counted.sent)

            answer, sent = await visit()
            again = (await visit())[1]
            async with factory() as session, session.begin():   # a policy revision: its campaign's terms change
                await session.execute(insert(CampaignPolicy).values(
                    campaign_id=campaign_id, version=2, policy=Policy(problems_pushed_per_visit=2).model_dump(mode="json"),
                    effective_on=date(2020, 10, 1), reason="修订"))
            revised = await visit()
            async with factory() as session:
                written = (await session.execute(text(
                    "SELECT e.seq, e.kind, e.data->>'counts_toward_minimum', e.actor->>'name', c.updated_on, "
                    "o.type, o.key, o.headers->>'content-type', p.seq IS NOT NULL "
                    "FROM case_entries e JOIN cases c USING (case_id) JOIN outbox o ON o.body::jsonb->'data'->>'visit_id' "
                    "= e.entry_id LEFT JOIN outbox_pending p ON p.seq = o.seq WHERE e.entry_id = :entry_id"),
                    {"entry_id": answer["entry"]["entry_id"]})).all()
            return sent, answer, written, again, revised
        finally:
            await engine.dispose()

    sent, answer, written, again, (revised, after_revision) = asyncio.run(run())
    assert answer["entry"]["kind"] == "visit" and answer["entry"]["recorded_on"] == TODAY.isoformat()
    # The lock went with the BEGIN (zhengdun.db.begin_with, not a statement of SQLAlchemy's); then the case, the date
    # and the book in one statement.
    assert "platform_clock" in sent[0] and "FROM case_entries" in sent[0] and "FOR UPDATE" not in sent[0]
    assert [s for s in sent if "platform_clock" in s] == sent[:1]            # the date: only with the case
    assert len([s for s in sent[1:] if "campaign_policies" in s]) == 1       # the campaign and its policies: one
    # The entry, the case's new date and the event: one statement, after the two reads.
    assert [s.split()[0] for s in sent] == ["SELECT", "SELECT", "WITH"]
    assert "INSERT INTO case_entries" in sent[2] and "INSERT INTO outbox" in sent[2]
    # Each written as the ORM wrote it, the event pending for the relay (the outbox's trigger fired in the CTE).
    assert written == [(answer["entry"]["seq"], "visit", "true", LEADER.name, TODAY, "zhengdun.casework.visit.recorded.v1",
                        VILLAGE, "application/cloudevents+json", True)]
    # The next write on the campaign's same terms reads no campaign (their policy versions are counted with the lock);
    # after a revision it reads them again, and the new version holds.
    assert [s.split()[0] for s in again] == ["SELECT", "WITH"]
    assert [s.split()[0] for s in after_revision] == ["SELECT", "SELECT", "WITH"]
    assert answer["entry"]["data"]["counts_toward_minimum"] and not revised["entry"]["data"]["counts_toward_minimum"]


def test_a_write_that_waited_for_the_lock_folds_the_entry_the_one_before_it_committed(casework_db):
    from casework import service
    from casework.models import CaseEntry

    async def run():
        engine = make_engine(casework_db)
        factory = make_session_factory(engine)
        try:
            case_id = await _casework_case(factory, secrets.token_hex(6))
            async with UnitOfWork(factory, "t.casework", "/casework") as first:
                await service.lock_case(first.session, case_id)
                first.session.add(CaseEntry(entry_id=f"{case_id}-late", case_id=case_id, kind="problem_found",
                                            occurred_on=TODAY, recorded_on=TODAY, actor={},
                                            data={"problem_id": "p2", "title": "后来的问题", "detail": "",
                                                  "criterion_code": None}))
                await first.session.flush()

                async def second_write():
                    async with UnitOfWork(factory, "t.casework", "/casework") as second:
                        case = await service.lock_case(second.session, case_id)
                        return await service.load_book(second.session, case), await service.today_of(second.session)

                waiting = asyncio.create_task(second_write())
                await asyncio.sleep(0.5)
                assert not waiting.done()   # held by the first write's lock
                await first.commit()
            return await waiting
        finally:
            await engine.dispose()

    book, today = asyncio.run(run())
    assert set(book.problems) == {"p1", "p2"}
    assert today == TODAY


# ------------------------------------------------------------------ acceptance


def test_an_acceptance_step_reads_its_surroundings_with_the_lock_and_a_policy_once(acceptance_db):
    from acceptance.models import AcceptanceRow, Campaign, PolicyVersionRow
    from acceptance.service.read_model import policy_version_of
    from acceptance.service.rows import load_for_update, surroundings_of

    campaign_id, acceptance_id = secrets.token_hex(6), secrets.token_hex(8)
    revised = Policy.model_validate({**Policy().model_dump(mode="json"), "satisfaction_threshold": "0.9"})

    async def run():
        engine = make_engine(acceptance_db)
        factory = make_session_factory(engine)
        try:
            async with factory() as session, session.begin():
                await session.execute(_clock(TODAY))
                await session.execute(insert(Division).values(code=VILLAGE, name="示范村", level="village",
                                                              parent_code=TOWNSHIP, kind="village", revision=1))
                await session.execute(insert(Campaign).values(campaign_id=campaign_id, area_code="990102000000"))
                await session.execute(insert(PolicyVersionRow).values([
                    {"campaign_id": campaign_id, "version": 1, "effective_on": date(2020, 7, 1),
                     "policy": Policy().model_dump(mode="json")},
                    {"campaign_id": campaign_id, "version": 2, "effective_on": date(2020, 10, 1),
                     "policy": revised.model_dump(mode="json")}]))
                await session.execute(insert(AcceptanceRow).values(
                    acceptance_id=acceptance_id, case_id=secrets.token_hex(8), campaign_id=campaign_id,
                    village_code=VILLAGE, township_code=TOWNSHIP, county_code=COUNTY, round=1, stage="ready",
                    rectifiers={}, state={}, ready_on=TODAY, updated_on=TODAY))
            counted = Statements(engine)
            async with factory() as session, session.begin():
                row = await load_for_update(session, acceptance_id)
                around = surroundings_of(session)
                locked = list(counted.sent)
                first = await policy_version_of(session, campaign_id, TODAY, around.policy_versions)
                again = await policy_version_of(session, campaign_id, TODAY, around.policy_versions)
                before = await policy_version_of(session, campaign_id, date(2020, 9, 30), around.policy_versions)
            return row, around, locked, counted.sent, first, again, before
        finally:
            await engine.dispose()

    row, around, locked, sent, first, again, before = asyncio.run(run())
    assert row.acceptance_id == acceptance_id
    assert len(locked) == 1 and "FOR UPDATE OF acceptances" in locked[0]
    assert around.today == TODAY and around.village_name == "示范村" and around.campaign_area == "990102000000"
    assert sorted(around.policy_versions) == [(1, date(2020, 7, 1)), (2, date(2020, 10, 1))]
    assert first == (revised, 2) and again == (revised, 2) and before == (Policy(), 1)
    # Version 2's policy read once, version 1's once: each kept version is parsed once per process.
    assert len(sent) == 3


def test_seals_of_one_unit_share_its_key_and_a_rotation_waits_for_them(acceptance_db):
    """Two seals of one unit at once: the second does not wait for the first to commit. A rotation meanwhile waits
    for the seal in flight, and the seal after it takes the new key."""
    from acceptance.service.documents import _rotate, current_key

    unit = f"990199{100 + secrets.randbelow(900)}000"

    async def run():
        engine = make_engine(acceptance_db)
        factory = make_session_factory(engine)
        try:
            async with factory() as session, session.begin():
                first_key = (await current_key(session, unit)).key_id      # the unit's first key, made
            async with factory() as sealing, sealing.begin():
                assert (await current_key(sealing, unit)).key_id == first_key

                async def another_seal():
                    async with factory() as session, session.begin():
                        return (await current_key(session, unit)).key_id

                assert await asyncio.wait_for(another_seal(), 30) == first_key   # side by side, not after

                async def rotation():
                    async with factory() as session, session.begin():
                        return (await _rotate(session, unit)).key_id

                rotating = asyncio.create_task(rotation())
                await asyncio.sleep(0.5)
                assert not rotating.done()   # waits for the seal in flight
            new_key = await asyncio.wait_for(rotating, 30)
            async with factory() as session, session.begin():
                after = (await current_key(session, unit)).key_id
            return first_key, new_key, after
        finally:
            await engine.dispose()

    first_key, new_key, after = asyncio.run(run())
    assert new_key != first_key and after == new_key


def test_a_transaction_begun_with_a_statement_is_sqlalchemys_to_end(casework_db):
    """zhengdun.db.begin_with: the BEGIN and a lock in one message; the transaction then commits, rolls back (also
    after its statement failed) and hands its connection back to the pool as one SQLAlchemy began."""
    from zhengdun.db import begin_with

    async def run():
        engine = make_engine(casework_db, pool_size=1)
        factory = make_session_factory(engine)
        try:
            async with factory() as session:
                assert await begin_with(session, "CREATE TEMP TABLE begun (n int) ON COMMIT DROP")
                assert not await begin_with(session, "SELECT 1")          # begun already: nothing sent
                await session.execute(text("INSERT INTO begun VALUES (1)"))
                inside = (await session.execute(text("SELECT count(*) FROM begun"))).scalar()
                await session.commit()
            async with factory() as session:
                with pytest.raises(Exception, match="no_such_table"):
                    await begin_with(session, "SELECT 1 FROM no_such_table FOR UPDATE")
                await session.rollback()
                after_failure = (await session.execute(text("SELECT 2"))).scalar()
                await session.rollback()
            async with factory() as session:   # the pool's one connection, not left in a transaction
                idle = (await session.execute(text("SELECT 3"))).scalar()
                await session.commit()
                gone = (await session.execute(text("SELECT to_regclass('pg_temp.begun') IS NULL"))).scalar()
            return inside, after_failure, idle, gone
        finally:
            await engine.dispose()

    assert asyncio.run(run()) == (1, 2, 3, True)
