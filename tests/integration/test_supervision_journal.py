"""The documentary record (纪实): every event and record chained per village; a row altered with SQL
fails verification at exactly that row."""
from __future__ import annotations

import asyncio
from datetime import date

import asyncpg
import httpx

from tests.integration.helpers import wait_for
from tests.integration.test_supervision_support import envelope, open_campaign, publish, set_clock
from zhengdun_demo.client import auth
from zhengdun.events.casework import CaseOpened, ContactLeaderAssigned, MeasurePlanned, Person, VisitRecorded
from zhengdun.events.screening import ListCategory

VILLAGE = "990104105210"


def journal(platform, code: str, user: str = "city_org", **params):
    return httpx.get(f"{platform.url('supervision')}/journal/{code}", params=params, headers=auth(user), timeout=10)


def verify(platform, code: str, user: str = "city_org") -> dict:
    response = httpx.get(f"{platform.url('supervision')}/journal/{code}/verify", headers=auth(user), timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def test_journal_chains_every_event_and_detects_an_altered_row(platform, demo):
    set_clock(platform, "2020-09-01")
    campaign_id, _ = open_campaign(platform)
    ref = dict(case_id="case-j1", campaign_id=campaign_id, village_code=VILLAGE, township_code="990104105000",
               county_code="990104000000")
    events = [
        CaseOpened(**ref, category=ListCategory.LAGGING, designated_on=date(2020, 9, 1), opened_on=date(2020, 9, 1),
                   policy_version=1),
        ContactLeaderAssigned(**ref, leader=Person(name="赵副县长", post="副县长"), assigned_on=date(2020, 9, 1)),
        MeasurePlanned(**ref, measure_id="m-j1", problem_id="p1", task_id="t1", title="配强村党组织书记",
                       responsible="乡党委副书记", deadline=date(2020, 10, 31), planned_on=date(2020, 9, 2)),
        VisitRecorded(**ref, visit_id="visit-j1", leader_name="赵副县长", visited_on=date(2020, 9, 3),
                      talked_with_team=True, talked_with_village_cadres=True, talked_with_key_persons=True,
                      problems_pushed=()),
    ]
    envelopes = [envelope("casework", e, VILLAGE, campaign_id) for e in events]
    publish(platform, *(("casework", e) for e in envelopes))

    # 4 events + the alert the visit without a pushed problem raised (journaled on the village too).
    body = wait_for(lambda: (j := journal(platform, VILLAGE).json())["total"] >= 5 and j, what="journal entries")
    kinds = [e["kind"] for e in body["items"]]
    assert kinds[:4] == [e.type for e in envelopes]
    assert "zhengdun.supervision.alert.raised.v1" in kinds
    assert [e["reference"] for e in body["items"][:4]] == [e.id for e in envelopes]
    assert body["items"][0]["prev_hash"] == "0" * 64
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(body["items"], body["items"][1:]))
    assert [e["position"] for e in journal(platform, VILLAGE, page=2, size=2).json()["items"]] == [3, 4]

    result = verify(platform, VILLAGE)
    assert result == {"code": VILLAGE, "valid": True, "entries": body["total"], "broken_at": None, "reason": None,
                      "algorithm": "sha256-canonical-json-v1"}

    # Scoped: another county may not read it; a village-level user may not read journals.
    assert journal(platform, VILLAGE, user="county2_org").status_code == 403
    assert journal(platform, VILLAGE, user="team_leader").status_code == 403

    # A plain UPDATE is refused by the database (append-only trigger) …
    refused = asyncio.run(_tamper(platform, VILLAGE, 3, bypass_trigger=False))
    assert "append-only" in refused
    assert verify(platform, VILLAGE)["valid"] is True
    # … so someone with the rights to switch the trigger off changes the measure's deadline in row 3.
    assert asyncio.run(_tamper(platform, VILLAGE, 3, bypass_trigger=True)) == "UPDATE 1"
    broken = verify(platform, VILLAGE)
    assert broken["valid"] is False and broken["broken_at"] == 3
    assert "hash" in broken["reason"]


async def _tamper(platform, chain: str, position: int, *, bypass_trigger: bool) -> str:
    conn = await asyncpg.connect(platform.database_url("supervision").replace("+asyncpg", ""))
    update = ("UPDATE sv_journal SET body = jsonb_set(body, '{data,deadline}', '\"2021-12-31\"') "
              "WHERE chain_code = $1 AND position = $2")
    try:
        if not bypass_trigger:
            try:
                await conn.execute(update, chain, position)
            except asyncpg.PostgresError as exc:
                return str(exc)
            return "not refused"
        async with conn.transaction():
            await conn.execute("ALTER TABLE sv_journal DISABLE TRIGGER sv_journal_append_only")
            status = await conn.execute(update, chain, position)
            await conn.execute("ALTER TABLE sv_journal ENABLE TRIGGER sv_journal_append_only")
        return status
    finally:
        await conn.close()


def test_writers_appending_to_the_same_chains_in_opposite_orders_both_commit(platform):
    """A consumer's batch appends to chains in event order, an API write in its own order: neither may hold one
    chain while waiting for the other (seen in CI: a deadlock, answered 500), nor when it appended inside a
    savepoint. Both commit, and both chains verify with one entry from each writer."""
    import secrets

    from sqlalchemy.ext.asyncio import create_async_engine

    from supervision import journal as journal_store
    from zhengdun.db import make_session_factory

    # chains of no real village; a village code's township part is never 000 (the code would skip a level)
    first, second = (f"990199{100 + secrets.randbelow(900)}{100 + secrets.randbelow(900)}" for _ in range(2))

    async def run() -> None:
        engine = create_async_engine(platform.database_url("supervision"))
        factory = make_session_factory(engine)
        appended = {name: asyncio.Event() for name in ("a", "b")}

        async def writer(me: str, other: str, chains: tuple[str, str]) -> None:
            async with factory() as session, session.begin():
                async with session.begin_nested():   # as the consumer applies each event of a batch
                    await journal_store.append(session, chains[0], "test.order", me, {"writer": me})
                appended[me].set()
                await asyncio.wait_for(appended[other].wait(), 10)   # both hold their first chain's entry now
                await journal_store.append(session, chains[1], "test.order", me, {"writer": me})

        try:
            await asyncio.wait_for(asyncio.gather(writer("a", "b", (first, second)), writer("b", "a", (second, first))), 60)
        finally:
            await engine.dispose()

    asyncio.run(run())
    for chain in (first, second):
        result = verify(platform, chain)
        assert result["valid"] is True and result["entries"] == 2, result
        assert sorted(e["reference"] for e in journal(platform, chain).json()["items"]) == ["a", "b"]


def test_four_and_five_unified_and_five_in_place_are_dated_records_in_the_journal(platform, demo):
    """四统一 by the county standing committee, 五统一 by the county organization department, 五到位 by the township
    Party committee (seed 000 §三(二)1–3): each a dated record of its body, with attendees and content, in the
    journal of its unit (and of the villages it names)."""
    set_clock(platform, "2020-09-01")
    county, township, village = "990102000000", "990102101000", "990102101203"

    def record(user: str, body: dict) -> httpx.Response:
        return httpx.post(f"{platform.url('supervision')}/campaign-records", json=body, headers=auth(user), timeout=10)

    analysis = {"kind": "county_analysis", "unit_code": county, "held_on": "2020-08-20",
                "attendees": ["县委书记", "县委副书记", "组织部长"], "village_codes": [village],
                "content": "逐村剖析：班子软弱，制定整顿工作意见"}
    made = record("county_committee", analysis)
    assert made.status_code == 201, made.text
    assert made.json()["group_label"] == "四统一" and made.json()["kind_label"] == "逐村剖析、制定整顿工作意见"
    # The organization department cannot record the committee's analysis; the committee not the training.
    assert record("county_org", analysis).status_code == 403
    training = {"kind": "unified_training", "unit_code": county, "held_on": "2020-08-28",
                "attendees": ["各工作队队长", "第一书记"], "content": "整顿工作队集中培训"}
    assert record("county_committee", training).status_code == 403
    assert record("county_org", training).status_code == 201
    future = record("county_org", {**training, "held_on": "2020-09-02"})
    assert future.status_code == 422
    assert record("county_org", {**training, "kind": "whole_course_tracking"}).json()["type"] == "/problems/wrong-level"
    assert record("county_org", {**training, "attendees": []}).status_code == 422
    # The township records its 五到位 for its own unit only.
    tracking = {"kind": "whole_course_tracking", "unit_code": township, "held_on": "2020-08-31",
                "attendees": ["乡镇党委书记", "包村干部"], "content": "逐村跟踪工作队进展", "village_codes": [village]}
    assert record("township_org", tracking).status_code == 201
    assert record("township2_org", tracking).status_code == 403
    assert record("township_org", {**tracking, "village_codes": ["990102102201"]}).json()["type"] == \
        "/problems/village-outside-unit"

    listed = httpx.get(f"{platform.url('supervision')}/campaign-records", params={"unit": county}, headers=auth("city_org"),
                       timeout=10).json()
    assert {r["kind"] for r in listed["items"]} >= {"county_analysis", "unified_training", "whole_course_tracking"}
    county_chain = journal(platform, county, size=500).json()["items"]
    kinds = [e["kind"] for e in county_chain]
    assert "supervision.campaign_record.county_analysis" in kinds and "supervision.campaign_record.unified_training" in kinds
    entry = next(e for e in county_chain if e["kind"] == "supervision.campaign_record.county_analysis")
    assert entry["body"]["attendees"] == ["县委书记", "县委副书记", "组织部长"] and entry["body"]["held_on"] == "2020-08-20"
    village_kinds = [e["kind"] for e in journal(platform, village, size=500).json()["items"]]
    assert {"supervision.campaign_record.county_analysis", "supervision.campaign_record.whole_course_tracking"} <= \
        set(village_kinds)
    assert verify(platform, county)["valid"] and verify(platform, village)["valid"]
