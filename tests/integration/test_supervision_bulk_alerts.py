"""Supervision's alerts raised and resolved by the thousand (a whole area's judgement on a clock day) write their
journal entries and notices together: against the real PostgreSQL, with supervision's own migrations, no service
started. The notices written together are the rows written one by one (``notify``), and a reconciliation's
alerts, events, journal entries and notices come out in the order of the alerts."""
from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text

from supervision import alerts, journal, notifications
from supervision.domain import notices, rules
from supervision.domain.rules import Breach, Rule
from supervision.models import AlertRow, NotificationPreference
from tests.support.platform import scratch_database
from zhengdun.db import make_engine, make_session_factory
from zhengdun.events.supervision import Severity
from zhengdun.messaging.outbox import InboxWork
from zhengdun.migrations import upgrade

MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "supervision" / "migrations"
TODAY = date(2020, 9, 2)
T1, T2, T3 = "990102101000", "990102102000", "990102103000"
PREFERENCES = [
    NotificationPreference(owner=notifications.unit_owner(T1), email="t1@example.org", email_enabled=True,
                           webhook_url="https://robot.example.org/t1", webhook_kind="dingtalk"),
    NotificationPreference(owner=notifications.unit_owner(T2), email="t2@example.org", email_enabled=True),
    NotificationPreference(owner=notifications.user_owner("u-1"), email="u1@example.org", email_enabled=True),
    NotificationPreference(owner=notifications.user_owner("u-2"), email="u2@example.org", email_enabled=False),
]


def the_notices() -> list[notices.Notice]:
    """To units and people with every kind of preference, one key twice (its first notice counts), one key that
    exists already."""
    told = [notices.Notice(f"reminder:m-{n}", notices.Kind.REMINDER, (T1, T2, T3)[n % 3], f"提醒 {n}", f"正文 {n}",
                           user_id=(None, "u-1", "u-2", "u-3")[n % 4], campaign_id="C1", reference=f"m-{n}")
            for n in range(40)]
    again = notices.Notice("reminder:m-5", notices.Kind.REMINDER, T3, "重复", "重复的正文", campaign_id="C1")
    return told[:20] + [again] + told[20:]


@pytest.fixture(scope="module")
def databases():
    with scratch_database("svbulk_one") as one_by_one, scratch_database("svbulk_all") as together:
        for url in (one_by_one, together):
            upgrade(MIGRATIONS, url)
        yield one_by_one, together


async def _notified(url: str, together: bool) -> tuple[int, list, list]:
    engine = make_engine(url)
    factory = make_session_factory(engine)
    try:
        async with factory() as session, session.begin():
            session.add_all([NotificationPreference(**{c: getattr(p, c) for c in (
                "owner", "email", "email_enabled", "webhook_url", "webhook_kind")}) for p in PREFERENCES])
            await session.flush()
            # A notice of the list created before (a redelivered event, an earlier day): skipped.
            await notifications.notify(session, the_notices()[7], TODAY)
        async with factory() as session, session.begin():
            told = the_notices()
            if together:
                created = await notifications.notify_many(session, told, TODAY)
            else:
                created = sum([await notifications.notify(session, notice, TODAY) for notice in told])
        async with engine.connect() as conn:
            rows = [tuple(r) for r in await conn.execute(text(
                "SELECT notification_id, key, kind, user_id, unit_code, campaign_id, reference, title, body, created_on "
                "FROM sv_notifications ORDER BY key"))]
            deliveries = [tuple(r) for r in await conn.execute(text(
                "SELECT notification_id, channel, target, webhook_kind, status FROM sv_deliveries ORDER BY delivery_id"))]
        return created, rows, deliveries
    finally:
        await engine.dispose()


def test_notices_written_together_are_the_rows_written_one_by_one(databases):
    one_by_one, together = databases
    expected = asyncio.run(_notified(one_by_one, together=False))
    assert asyncio.run(_notified(together, together=True)) == expected
    created, rows, deliveries = expected
    assert created == 39 and len(rows) == 40   # the repeated key and the one made before: skipped
    assert [r for r in rows if r[1] == "reminder:m-5"][0][7] == "提醒 5"
    assert {d[1] for d in deliveries} == {"email", "webhook"} and len(deliveries) > 20


def breach(n: int, township: str) -> Breach:
    return Breach(f"{Rule.TOWNSHIP_LIST_MISSING}:C9:{township}:{n}", Rule.TOWNSHIP_LIST_MISSING, township,
                  rules.ROLE_TOWNSHIP_COMMITTEE, township, Severity.MEDIUM, (f"ev-{n}",), date(2020, 8, 15),
                  subject_person="某某" if n % 2 else None, subject_user_id="u-1" if n % 4 == 1 else None)


async def _reconciled(url: str) -> dict:
    engine = make_engine(url)
    factory = make_session_factory(engine)
    try:
        gone = [breach(n, T2) for n in range(100, 106)]
        async with factory() as session, session.begin():
            work = InboxWork(session, "svbulk.supervision", "supervision")
            await alerts.reconcile(work, "C9", {b.key: b for b in gone}, {}, TODAY)
        new = [breach(n, (T1, T2, T3)[n % 3]) for n in range(60)]
        async with factory() as session, session.begin():
            work = InboxWork(session, "svbulk.supervision", "supervision")
            stored = {a.key: a for a in (await session.execute(select(AlertRow).where(
                AlertRow.campaign_id == "C9"))).scalars()}
            withdrawn = {gone[0].key, gone[3].key}
            counts = await alerts.reconcile(work, "C9", {b.key: b for b in new + gone[4:]}, stored, TODAY,
                                            raised_in_error=lambda alert: alert.key in withdrawn)
            events = [(e.type, e.data["alert_id"]) for e in work.events]
        async with engine.connect() as conn:
            statuses = dict((await conn.execute(text("SELECT key, status FROM sv_alerts"))).all())
            chain = [tuple(r) for r in await conn.execute(text(
                "SELECT chain_code, position, kind, reference FROM sv_journal ORDER BY chain_code, position"))]
            told = dict((await conn.execute(text("SELECT reference, user_id FROM sv_notifications"))).all())
        verified = {}
        async with factory() as session:
            for township in (T1, T2, T3):
                verified[township] = (await journal.verify_chain(session, township)).valid
        return dict(counts=counts, events=events, statuses=statuses, chain=chain, told=told, new=new, gone=gone,
                    verified=verified)
    finally:
        await engine.dispose()


def test_a_reconciliation_writes_its_alerts_events_journal_and_notices_in_the_order_of_the_alerts(databases):
    _, together = databases
    found = asyncio.run(_reconciled(together))
    new, gone = found["new"], found["gone"]
    assert found["counts"] == (60, 4)
    raised_ids = [alerts.alert_id_for(b.key) for b in new]
    resolved_ids = [alerts.alert_id_for(b.key) for b in gone[:4]]
    assert found["events"] == ([("zhengdun.supervision.alert.raised.v1", a) for a in raised_ids]
                               + [("zhengdun.supervision.alert.resolved.v1", a) for a in resolved_ids])
    assert [found["statuses"][b.key] for b in gone] == ["withdrawn", "resolved", "resolved", "withdrawn", "open", "open"]
    assert all(found["statuses"][b.key] == "open" for b in new)
    # Each township's chain: the first reconciliation's entries, then this one's raised and resolved, in order.
    for township in (T1, T2, T3):
        entries = [(kind, reference) for chain, _, kind, reference in found["chain"] if chain == township]
        first = [alerts.alert_id_for(b.key) for b in gone if b.scope_code == township]
        expected = ([("zhengdun.supervision.alert.raised.v1", a) for a in first]
                    + [("zhengdun.supervision.alert.raised.v1", alerts.alert_id_for(b.key)) for b in new
                       if b.scope_code == township]
                    + [("zhengdun.supervision.alert.resolved.v1", a) for a in resolved_ids if a in first])
        assert entries == expected, township
        assert found["verified"][township]
    # Every raised alert told its unit, and its person where it names one.
    assert {alerts.alert_id_for(b.key): b.subject_user_id for b in new + gone}.items() <= found["told"].items()
