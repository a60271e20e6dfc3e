"""Casework benchmark: a village's ledger at a county with 300 listed villages with case histories.

The cases are opened the real way (CampaignOpened and 300 TargetDesignated on the run's screening
topic). One village's history is written through the HTTP API by the demo users (team, contact
leader, first secretary, 8 problems/tasks, 16 measures, six months of progress with evidence,
visits twice a month, the plan with comments); the other 299 get the same history copied in SQL
(so the tables hold 300 villages' worth of entries), then the measured village gets corrections.
Figures are printed, not asserted.
"""
from __future__ import annotations

import asyncio
import statistics
import time
import uuid

import asyncpg
import httpx

from tests.integration.helpers import wait_for
from tests.integration.test_casework_case import campaign, designation, envelope, send, set_clock, user_id
from zhengdun_demo.client import auth

COUNTY = "990102000000"
MEASURED = "990102101201"
VILLAGES = [f"990102{t}{v}" for t in range(101, 107) for v in range(201, 251)]   # 6 townships × 50 = 300
MONTHS = ["2020-09-30", "2020-10-31", "2020-11-30", "2020-12-31", "2021-01-31", "2021-02-28"]


def _ok(response: httpx.Response) -> dict:
    assert response.status_code in (200, 201), response.text[:500]
    return response.json()


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"p50 {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms"


def _write_history(platform, case_id: str) -> list[str]:
    base = f"{platform.url('casework')}/cases/{case_id}"
    with httpx.Client(timeout=30) as http:
        def post(path, user, body, method="POST"):
            return _ok(http.request(method, base + path, json=body, headers=auth(user)))

        post("/team", "county_org", {"leader": {"name": "卫队长", "rank": "section", "unit": "县农业局"},
                                     "members": [{"name": "蒋队员"}, {"name": "张队员"}, {"name": "李队员"}],
                                     "stationed_on": "2020-09-08"}, "PUT")
        post("/contact-leader", "county_org", {"leader": {"name": "王联系", "rank": "county", "user_id": user_id("contact_leader")},
                                               "assigned_on": "2020-09-08"}, "PUT")
        post("/first-secretary", "county_org", {"secretary": {"name": "刘第一书记"}, "appointed_on": "2020-09-09"}, "PUT")
        measures, problems = [], []
        for p in range(8):
            problem = post("/problems", "team_leader", {"title": f"问题{p + 1}", "detail": "现场核实" * 10,
                                                        "criterion_code": "weak_leadership" if p < 4 else None,
                                                        "found_on": "2020-09-09"})["entry"]["data"]["problem_id"]
            problems.append(problem)
            task = post("/tasks", "team_leader", {"problem_id": problem, "title": f"任务{p + 1}"})["entry"]["data"]["task_id"]
            for m in range(2):
                measures.append(post("/measures", "team_leader", {
                    "task_id": task, "title": f"措施{p + 1}-{m + 1}", "responsible": "乡镇党委书记",
                    "deadline": "2021-05-31"})["entry"]["data"]["measure_id"])
        post("/plan/publication", "township_org", {"published_on": "2020-09-10", "notice": "村务公开栏"})
        for c in range(5):
            comment = post("/plan/comments", "team_leader", {"commenter": f"村民{c}", "text": "意见" * 20,
                                                             "received_on": "2020-09-10"})["entry"]["data"]["comment_id"]
            post(f"/plan/comments/{comment}/answer", "team_leader", {"answer": "已采纳", "answered_on": "2020-09-10"})
        evidence = _ok(http.post(f"{base}/evidence", headers=auth("team_member"),
                                 files={"file": ("记录.pdf", b"%PDF-1.4 " + b"x" * 20000, "application/pdf")}))["file_id"]
        for month in MONTHS:
            set_clock(platform, month)
            for index, measure in enumerate(measures):
                done = month == MONTHS[-1] and index % 2 == 0
                post(f"/measures/{measure}/progress", "team_member", {
                    "status": "completed" if done else "in_progress", "narrative": f"{month} 推进情况" * 5,
                    "evidence_ids": [evidence], "progress_on": month})
            for day in ("-01", "-15"):
                post("/visits", "contact_leader", {"visited_on": month[:7] + day, "team_members": ["卫队长"],
                                                   "village_cadres": ["村书记"], "key_persons": ["老党员"],
                                                   "problems_pushed": problems[:2], "notes": "走访"})
    return measures


async def _copy_history(platform, template_case: str, campaign_id: str) -> int:
    conn = await asyncpg.connect(platform.database_url("casework").replace("+asyncpg", ""))
    try:
        await conn.execute("""
            INSERT INTO case_entries (entry_id, case_id, kind, occurred_on, recorded_on, actor, data, corrects)
            SELECT gen_random_uuid()::text, c.case_id, e.kind, e.occurred_on, e.recorded_on, e.actor, e.data, NULL
            FROM cases c CROSS JOIN (SELECT * FROM case_entries WHERE case_id = $1 AND kind <> 'opened') e
            WHERE c.campaign_id = $2 AND c.case_id <> $1 ORDER BY c.case_id, e.seq""", template_case, campaign_id)
        await conn.execute("ANALYZE case_entries")
        return await conn.fetchval("SELECT count(*) FROM case_entries")
    finally:
        await conn.close()


def fill_ledgers(platform) -> tuple[str, str]:
    """County 990102's 300 cases with one village's history, copied to the others: (campaign id, measured case id)."""
    set_clock(platform, "2020-09-10")
    campaign_id = f"bench-{uuid.uuid4().hex[:8]}"
    started = time.perf_counter()
    send(platform, "screening", envelope(campaign(campaign_id), "990100000000", campaign_id=campaign_id),
         *[envelope(designation(campaign_id, v), v, campaign_id=campaign_id) for v in VILLAGES])
    url = f"{platform.url('casework')}/cases"
    wait_for(lambda: _ok(httpx.get(url, params={"county": COUNTY, "campaign_id": campaign_id, "size": 1},
                                   headers=auth("county_org"), timeout=30))["total"] == len(VILLAGES),
             timeout=300, what="300 cases opened")
    print(f"casework ledger: 300 designations → 300 cases in {time.perf_counter() - started:.1f} s (Kafka round trip)")

    case_id = _ok(httpx.get(url, params={"campaign_id": campaign_id, "size": 1}, headers=auth("team_leader"),
                            timeout=30))["items"][0]["case_id"]
    started = time.perf_counter()
    measures = _write_history(platform, case_id)
    print(f"  one village's history through HTTP: {time.perf_counter() - started:.1f} s")
    total = asyncio.run(_copy_history(platform, case_id, campaign_id))
    # Corrections on the measured village after the copy (a correction is a new record pointing at the old one).
    ledger_url = f"{url}/{case_id}/ledger"
    history = _ok(httpx.get(ledger_url, headers=auth("county_org"), timeout=30))["history"]
    for record in [e for e in history if e["kind"] == "progress"][-3:]:
        _ok(httpx.post(f"{url}/{case_id}/measures/{record['data']['measure_id']}/progress", headers=auth("team_member"),
                       json={"status": "in_progress", "narrative": "更正", "progress_on": MONTHS[-1],
                             "corrects": record["entry_id"]}, timeout=30))
    entries = len(_ok(httpx.get(ledger_url, headers=auth("county_org"), timeout=30))["history"])
    print(f"  case_entries rows: {total} (300 villages); measured village: {entries} entries, {len(measures)} measures")
    return campaign_id, case_id


def bench_ledger(platform) -> None:
    campaign_id, case_id = fill_ledgers(platform)
    url = f"{platform.url('casework')}/cases"
    ledger_url = f"{url}/{case_id}/ledger"

    headers = auth("county_org")
    with httpx.Client(timeout=30, headers=headers) as http:
        for name, params in (("ledger (today)", {}), ("ledger as of 2020-11-15", {"as_of": "2020-11-15"})):
            samples = []
            for _ in range(200):
                t = time.perf_counter()
                response = http.get(ledger_url, params=params)
                samples.append(time.perf_counter() - t)
                assert response.status_code == 200
            print(f"  {name}, 200 reads: {_percentiles(samples)}")
        samples = []
        for _ in range(50):
            t = time.perf_counter()
            assert http.get(f"{url}/{case_id}/ledger/export", params={"format": "xlsx"}).status_code == 200
            samples.append(time.perf_counter() - t)
        print(f"  xlsx export, 50 reads: {_percentiles(samples)}")
        samples = []
        for _ in range(100):
            t = time.perf_counter()
            assert http.get(url, params={"county": COUNTY, "campaign_id": campaign_id, "size": 50}).status_code == 200
            samples.append(time.perf_counter() - t)
        print(f"  county case list (page of 50 of 300), 100 reads: {_percentiles(samples)}")
        # To-do lists over the same county (computed from the books on every call).
        for user in ("county_org", "contact_leader", "team_leader"):
            samples, count, user_headers = [], 0, auth(user)
            for _ in range(50):
                t = time.perf_counter()
                response = httpx.get(f"{platform.url('casework')}/tasks", params={"campaign_id": campaign_id, "size": 500},
                                     headers=user_headers, timeout=60)
                samples.append(time.perf_counter() - t)
                assert response.status_code == 200, response.text[:300]
                count = response.json()["total"]
            print(f"  GET /tasks as {user} ({count} tasks over 300 cases), 50 reads: {_percentiles(samples)}")
