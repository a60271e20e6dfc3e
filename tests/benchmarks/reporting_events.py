"""Reporting's own CPU per projected event, driven straight through its projections in one process (no Kafka, no
HTTP, no other service): a scratch database with reporting's migrations, then a campaign's most frequent events
(measures planned, visits, progress records, alerts raised, phase changes, acceptances, delistings), each in a transaction of its own as a small batch would
be. The process's CPU time is reporting's Python alone; the statements it sends are counted.

    uv run --frozen python -m tests.benchmarks.reporting_events

It prints each kind's CPU and statements per event and a digest of the rows written, to compare two versions.
"""
import asyncio
import time
from datetime import date
from pathlib import Path

from sqlalchemy import event as sa_event, text
from tests.support.platform import scratch_database
from zhengdun.db import make_engine, make_session_factory
from zhengdun.events import acceptance as acc, casework as cw, supervision as sup
from zhengdun.events.base import Envelope
from zhengdun.messaging.outbox import InboxWork
from zhengdun.migrations import upgrade

from reporting.projection import PROJECTIONS

CID, COUNTY = "C-bench", "990101000000"
VILLAGES = [f"990101{101 + t:03d}{201 + v:03d}" for t in range(4) for v in range(25)]


async def main(url):
    engine = make_engine(url)
    factory = make_session_factory(engine)
    statements = [0]

    @sa_event.listens_for(engine.sync_engine, "before_cursor_execute")
    def count(*_):
        statements[0] += 1

    times: dict[str, list[float]] = {}
    trips: dict[str, list[int]] = {}

    async def project(label, payload, division_code):
        envelope = Envelope(source="bench", type=type(payload).event_type, divisioncode=division_code,
                            campaignid=CID, data=payload.model_dump(mode="json"))
        started, before = time.process_time(), statements[0]
        async with factory() as session:
            async with session.begin():
                work = InboxWork(session, "bench.reporting", "reporting", held=True)
                await PROJECTIONS[type(payload)](work, payload, envelope)
                await work.write_published()   # as the batch consumer does before leaving the savepoint
        times.setdefault(label, []).append(time.process_time() - started)
        trips.setdefault(label, []).append(statements[0] - before)

    def ref(village):
        return dict(case_id=f"case-{village}", campaign_id=CID, village_code=village, township_code=village[:9] + "000",
                    county_code=COUNTY)

    for village in VILLAGES:
        for m in range(3):
            await project("planned", cw.MeasurePlanned(
                **ref(village), measure_id=f"m-{village}-{m}", problem_id=f"p-{village}", task_id=f"t-{village}",
                title=f"措施{m}", responsible="张三", deadline=date(2020, 12, 31), planned_on=date(2020, 9, 2)), village)
    for month in (9, 10, 11):
        on = date(2020, month, 15)
        for village in VILLAGES:
            for n in range(2):
                await project("visit", cw.VisitRecorded(
                    **ref(village), visit_id=f"v-{village}-{month}-{n}", leader_name="李四", visited_on=on,
                    talked_with_team=True, talked_with_village_cadres=True, talked_with_key_persons=True,
                    problems_pushed=("p",), counts_toward_minimum=True), village)
            for m in range(3):
                await project("progress", cw.ProgressRecorded(
                    **ref(village), record_id=f"r-{village}-{month}-{m}", measure_id=f"m-{village}-{m}",
                    status=cw.MeasureStatus.IN_PROGRESS, recorded_on=on, measure_status=cw.MeasureStatus.IN_PROGRESS,
                    measure_status_since=on), village)
            await project("alert raised", sup.AlertRaised(
                alert_id=f"a-{village}-{month}", key=f"k:{village}:{month}", rule="visits_below_minimum",
                campaign_id=CID, subject_code=COUNTY, subject_role="contact_leader", village_code=village,
                severity=sup.Severity.MEDIUM, facts=("x",), raised_on=on, label="x"), village)
    for village in VILLAGES:
        await project("phase changed", cw.CasePhaseChanged(
            **ref(village), phase=cw.CasePhase.READY, previous_phase=cw.CasePhase.CONCENTRATED,
            changed_on=date(2021, 1, 15)), village)
    # The last stages' events, each republished on the public topic (reporting.public).
    for village in VILLAGES:
        await project("accepted", acc.VillageAccepted(
            **ref(village), acceptance_id=f"acc-{village}",
            accepted_on=date(2021, 2, 1)), village)
        await project("phase changed", cw.CasePhaseChanged(
            **ref(village), phase=cw.CasePhase.ACCEPTED, previous_phase=cw.CasePhase.READY,
            changed_on=date(2021, 2, 1)), village)
        await project("delisted", acc.VillageDelisted(
            **ref(village), acceptance_id=f"acc-{village}",
            delisted_on=date(2021, 3, 1), post_evaluation_due=date(2021, 9, 1)), village)
    async with engine.connect() as conn:
        digest = (await conn.execute(text(
            "SELECT md5(concat((SELECT string_agg(concat_ws('|', v.*), ',' ORDER BY visit_id) FROM rm_visit v), "
            "(SELECT string_agg(concat_ws('|', p.*), ',' ORDER BY record_id) FROM rm_progress p), "
            "(SELECT string_agg(concat_ws('|', a.*), ',' ORDER BY alert_id) FROM rm_alert a), "
            "(SELECT string_agg(concat_ws('|', c.case_id, c.village_code, c.phase, c.changed_on), ',' ORDER BY c.case_id) "
            "FROM rm_case_phase c), (SELECT string_agg(concat_ws('|', f.village_code, f.outcome, f.on_date), ',' "
            "ORDER BY f.village_code, f.outcome) FROM rm_acceptance f), "
            "(SELECT string_agg(concat_ws('|', o.topic, o.key, o.type, o.headers->>'content-type', "
            "CAST(o.body AS jsonb)->'data', CAST(o.body AS jsonb)->>'subject'), ',' ORDER BY o.seq) FROM outbox o)))"
            ))).scalar()
    print("rows md5", digest)
    for label, values in times.items():
        print(f"  {label:15s} n={len(values):4d} mean {1000 * sum(values) / len(values):6.2f} ms"
              f"  statements {sum(trips[label]) / len(values):4.1f} each")
    await engine.dispose()


if __name__ == "__main__":
    with scratch_database("rpevents") as url:
        upgrade(Path(__file__).resolve().parents[2] / "services" / "reporting" / "migrations", url)
        asyncio.run(main(url))
