"""The documentary record (纪实): every event and record chained per village; a row altered with SQL
fails verification at exactly that row."""
from __future__ import annotations

import asyncio
from datetime import date

import asyncpg
import httpx

from tests.integration.helpers import wait_for
from tests.integration.test_supervision_support import envelope, open_campaign, publish, set_clock
from zhengdun.demo.client import auth
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
