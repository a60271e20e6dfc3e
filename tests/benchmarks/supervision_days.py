"""Supervision's own CPU per event and per clock day on a province of 50,000 villages (ZD_BENCH_COUNTIES × 20
townships × 50 villages), driven straight through its projection in one process: no Kafka, no HTTP, no other
service, so the process's CPU time is supervision's Python alone (PostgreSQL's is not in it). A scratch database
with supervision's migrations; a province campaign in which 20 townships submit their lists and the other 980
miss theirs (a whole area's alerts raised on one clock day, escalated on the next ones, then withdrawn by a policy
revision), one county's 70 cases, and with ZD_BENCH_EVENTS=1 their teams, contact leaders, measures, visits and
progress, and most of them ready, accepted and delisted.

    ZD_BENCH_EVENTS=1 uv run --frozen python -m tests.benchmarks.supervision_days

It prints each step's CPU and digests of the alerts and notices written, to compare two versions of the code.
"""
import asyncio
import os
import time
import uuid
from datetime import date
from pathlib import Path
from types import SimpleNamespace as NS

from sqlalchemy import event as sa_event, text
from tests.support.platform import scratch_database
from zhengdun.db import make_engine, make_session_factory
from zhengdun.migrations import upgrade
from zhengdun.events.base import Envelope
from zhengdun.events.screening import CampaignPhase, ListCategory, Policy
from zhengdun.messaging.outbox import InboxWork

from supervision import journal, projection
from zhengdun.events import acceptance as acc, screening as sc, casework as cw

COUNTIES, TOWNSHIPS, VILLAGES = int(os.environ.get("ZD_BENCH_COUNTIES", 50)), 20, 50
PROV = "990000000000"
CID = "C-bench"


def codes():
    rows = [(PROV, "province", None)]
    for c in range(COUNTIES):
        city = f"99{1 + c // 10:02d}00000000"
        if c % 10 == 0:
            rows.append((city, "city", PROV))
        county = f"99{1 + c // 10:02d}{1 + c % 10:02d}000000"
        rows.append((county, "county", city))
        for t in range(TOWNSHIPS):
            township = county[:6] + f"{101 + t:03d}000"
            rows.append((township, "township", county))
            for v in range(VILLAGES):
                rows.append((township[:9] + f"{201 + v:03d}", "village", township))
    return rows


async def main(url):
    engine = make_engine(url)
    factory = make_session_factory(engine)
    statements = [0]

    @sa_event.listens_for(engine.sync_engine, "before_cursor_execute")
    def count(*_):   # the round trips of each step (BEGIN and COMMIT not included)
        statements[0] += 1
    rows = codes()
    async with engine.begin() as conn:
        await conn.execute(text(
            "INSERT INTO divisions (code, name, level, parent_code, kind, revision) SELECT c, c, l, p, NULL, 1 "
            "FROM unnest(CAST(:c AS varchar[]), CAST(:l AS varchar[]), CAST(:p AS varchar[])) AS t(c, l, p)"),
            {"c": [r[0] for r in rows], "l": [r[1] for r in rows], "p": [r[2] for r in rows]})
        await conn.execute(text("ANALYZE"))
    townships = [r[0] for r in rows if r[1] == "township"]
    first_county = [r[0] for r in rows if r[1] == "county"][0]

    def case_ref(village):
        return dict(campaign_id=CID, village_code=village, case_id=f"case-{village}",
                    township_code=village[:9] + "000", county_code=first_county)
    times, trips = {}, {}

    async def event(label, project, payload, etype, code):
        # Ids of their own, the same in every run: the alerts' facts and the journal name them.
        env = Envelope(id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench:{sum(map(len, times.values()))}")), source="bench",
                       type=etype, divisioncode=code, data={"x": 1})
        started, before = time.process_time(), statements[0]
        async with factory() as session:
            async with session.begin():
                work = InboxWork(session, "bench.supervision", "supervision", held=True)
                await projection.apply(work, project, payload, env)
                await work.write_published()   # as the batch consumer does before leaving the savepoint
        times.setdefault(label, []).append(time.process_time() - started)
        trips.setdefault(label, []).append(statements[0] - before)

    async def day(label, today):
        started, before = time.process_time(), statements[0]
        async with factory() as session:
            async with session.begin():
                work = InboxWork(session, "bench.supervision", "supervision", held=True)
                await projection.day_began(work, NS(today=today))
                await work.write_published()   # as the batch consumer does before leaving the savepoint
                events = len(work.events)
        times.setdefault(label, []).append(time.process_time() - started)
        trips.setdefault(label, []).append(statements[0] - before)
        print(f"{label}: {times[label][-1]*1000:.0f} ms CPU, {trips[label][-1]} statements, {events} events published",
              flush=True)

    phases = [NS(phase=CampaignPhase.CONCENTRATED, ends_on=date(2021, 5, 31))]
    await day("day 07-01", date(2020, 7, 1))
    await event("opened", projection.campaign_opened, NS(
        campaign_id=CID, area_code=PROV, policy=Policy(), policy_version=1, phases=phases, organization_kinds=None,
        opened_on=date(2020, 7, 1)), sc.CampaignOpened.event_type, PROV)
    print(f"opened: {times['opened'][-1]*1000:.0f} ms")
    await day("day 08-10", date(2020, 8, 10))
    await day("day 08-14", date(2020, 8, 14))
    for township in townships[:TOWNSHIPS]:
        await event("submitted", projection.township_list_submitted, NS(
            campaign_id=CID, township_code=township, submitted_on=date(2020, 8, 14), due_on=date(2020, 8, 15),
            villages_assessed=VILLAGES), sc.TownshipListSubmitted.event_type, township)
    await day("day 08-20", date(2020, 8, 20))
    listed = [t[:9] + f"{201 + v:03d}" for t in townships[:TOWNSHIPS] for v in range(5)][:70]
    await event("confirmed", projection.county_list_confirmed, NS(
        campaign_id=CID, county_code=first_county, decided_on=date(2020, 8, 20), weak_and_lax=listed[:42],
        lagging=listed[42:]), sc.CountyListConfirmed.event_type, first_county)
    for village in listed:
        await event("case opened", projection.case_opened, NS(
            campaign_id=CID, village_code=village, case_id=f"case-{village}", township_code=village[:9] + "000",
            county_code=first_county, designated_on=date(2020, 8, 20), category=ListCategory.WEAK_AND_LAX),
            cw.CaseOpened.event_type, village[:9] + "000")
    await day("day 08-22", date(2020, 8, 22))
    if os.environ.get("ZD_BENCH_EVENTS"):
        for village in listed:
            ref = case_ref(village)
            await event("stationed", projection.team_stationed, NS(
                **ref, leader=NS(name="王五", user_id=None), stationed_on=date(2020, 8, 22)),
                cw.TeamStationed.event_type, ref["township_code"])
            await event("assigned", projection.contact_leader_assigned, NS(
                **ref, leader=NS(name="李四", user_id=None), assigned_on=date(2020, 8, 22)),
                cw.ContactLeaderAssigned.event_type, ref["township_code"])
    await day("day 09-02", date(2020, 9, 2))
    if os.environ.get("ZD_BENCH_EVENTS"):
        from zhengdun.events.casework import MeasureStatus
        for village in listed:
            tw = village[:9] + "000"
            for m in range(3):
                await event("planned", projection.measure_planned, NS(
                    campaign_id=CID, village_code=village, title=f"措施{m}", responsible="张三", responsible_user_id=None,
                    responsible_username=None, deadline=date(2020, 12, 31), planned_on=date(2020, 9, 2),
                    measure_id=f"m-{village}-{m}", township_code=tw), cw.MeasurePlanned.event_type, tw)
    # As the campaign does: the clock on the month's 15th, then the month's visits and progress dated that day (the
    # first village's second visit pushes no problem; in October each village's first measure is completed).
    for month in (9, 10):
        on = date(2020, month, 15)
        await day(f"day {on:%m-%d}", on)
        if not os.environ.get("ZD_BENCH_EVENTS"):
            continue
        for number, village in enumerate(listed):
            tw = village[:9] + "000"
            for n in range(2):
                await event("visit", projection.visit_recorded, NS(
                    visit_id=f"v-{village}-{month}-{n}", campaign_id=CID, village_code=village,
                    county_code=first_county, visited_on=on, problems_pushed=[] if number == n == 1 else ["p"],
                    leader_name="李四", leader_user_id=None, counts_toward_minimum=True, township_code=tw),
                    cw.VisitRecorded.event_type, tw)
            for m in range(3):
                status = MeasureStatus.COMPLETED if month == 10 and m == 0 else MeasureStatus.IN_PROGRESS
                await event("progress", projection.progress_recorded, NS(
                    campaign_id=CID, village_code=village, county_code=first_county, record_id=f"r-{village}-{month}-{m}",
                    measure_id=f"m-{village}-{m}", status=status, recorded_on=on, corrects=None, measure_status=status,
                    measure_status_since=on, township_code=tw), cw.ProgressRecorded.event_type, tw)
    if os.environ.get("ZD_BENCH_EVENTS"):
        # As the campaign's last stages do: most cases ready for acceptance on the 15th (phase changed, then ready),
        # then accepted and delisted.
        finishing = listed[:60]
        for village in finishing:
            ref = case_ref(village)
            await event("phase changed", projection.case_phase_changed, NS(
                **ref, phase=cw.CasePhase.READY, changed_on=date(2020, 10, 15)), cw.CasePhaseChanged.event_type,
                village)
            await event("ready", projection.case_ready, NS(
                **ref, ready_on=date(2020, 10, 15), team_leader=NS(name="王五", user_id=None)),
                cw.CaseReadyForAcceptance.event_type, village)
        await day("day 10-20", date(2020, 10, 20))
        for village in finishing:
            ref = case_ref(village)
            await event("accepted", projection.village_accepted, NS(
                **ref, accepted_on=date(2020, 10, 20)), acc.VillageAccepted.event_type, village)
            await event("phase changed", projection.case_phase_changed, NS(
                **ref, phase=cw.CasePhase.ACCEPTED, changed_on=date(2020, 10, 20)), cw.CasePhaseChanged.event_type,
                village)
        for village in finishing:
            ref = case_ref(village)
            await event("delisted", projection.village_delisted, NS(
                **ref, delisted_on=date(2020, 10, 20), post_evaluation_due=date(2021, 4, 20)),
                acc.VillageDelisted.event_type, village)
            await event("phase changed", projection.case_phase_changed, NS(
                **ref, phase=cw.CasePhase.DELISTED, changed_on=date(2020, 10, 20)), cw.CasePhaseChanged.event_type,
                village)
    await event("policy revised", projection.policy_revised, NS(
        campaign_id=CID, policy_version=2, policy=Policy(township_list_due=date(2020, 10, 31), county_review_due=date(2020, 10, 31), city_spot_check_due=date(2020, 10, 31)), phases=None,
        effective_on=date(2020, 10, 15)), sc.PolicyRevised.event_type, PROV)
    await day("day 10-21", date(2020, 10, 21))
    async with engine.connect() as conn:
        counts = (await conn.execute(text(
            "SELECT (SELECT count(*) FROM sv_alerts), (SELECT count(*) FROM sv_alerts WHERE status='open'), "
            "(SELECT count(*) FROM sv_notifications), (SELECT count(*) FROM sv_deliveries), "
            "(SELECT count(*) FROM sv_journal), (SELECT count(*) FROM outbox)"))).one()
        digest = (await conn.execute(text(
            "SELECT md5(string_agg(key || status || coalesce(resolution,'') || raised_on || coalesce(resolved_on::text,''), ',' ORDER BY key)) FROM sv_alerts"))).scalar()
        ndigest = (await conn.execute(text(
            "SELECT md5(string_agg(key || title || body || created_on, ',' ORDER BY key)) FROM sv_notifications"))).scalar()
        # The journal's entries without their time, hashes and the driver's random event ids, in any order (the alerts
        # a judgement resolves come in the order the database reads them), and every chain verified.
        jdigest = (await conn.execute(text(
            "SELECT md5(string_agg(e, ',' ORDER BY e)) FROM (SELECT chain_code || kind || CASE WHEN kind LIKE "
            "'zhengdun.supervision.%' THEN reference ELSE '' END || (body - 'event_id')::text AS e FROM sv_journal) AS j"
            ))).scalar()
    async with factory() as session:
        chains = (await session.execute(text("SELECT DISTINCT chain_code FROM sv_journal"))).scalars().all()
        broken = [code for code in chains if not (await journal.verify_chain(session, code)).valid]
    print("alerts, open, notifications, deliveries, journal, outbox:", tuple(counts), "alerts md5", digest, "notices md5", ndigest)
    print(f"journal md5 {jdigest}, {len(chains)} chains, broken: {broken or 'none'}")
    for label, values in times.items():
        print(f"  {label:15s} n={len(values):3d} mean {1000*sum(values)/len(values):8.1f} ms  total {sum(values):6.2f} s"
              f"  statements {sum(trips[label])/len(values):5.1f} each")
    await engine.dispose()


if __name__ == "__main__":
    with scratch_database("svdays") as url:
        upgrade(Path(__file__).resolve().parents[2] / "services" / "supervision" / "migrations", url)
        asyncio.run(main(url))
