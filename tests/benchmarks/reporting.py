"""Reporting at national scale: all figures for a province of 50,000 villages, read through the API.

The read model is filled directly (COPY into reporting's own tables, the rows its handlers
would write for a year of a campaign: every village screened, ~10% listed with cases,
measures, progress, visits, alerts, acceptances), since the point is the read, not the
consumer (whose throughput the foundation's benchmarks measure).

Run alone (imports a smaller province first; the read model is filled for it):
ZD_BENCH_VILLAGES=5000 uv run python -m tests.benchmarks.reporting
"""
from __future__ import annotations

import asyncio
import json
import random
import statistics
import time
from datetime import date, timedelta

import asyncpg
import httpx

from tests.benchmarks.figures import record
from zhengdun_demo.client import auth

PROVINCE = "990000000000"
CRITERIA = [f"c{i:02d}" for i in range(1, 11)]


async def fill_read_model(dsn: str, seed: int = 50_000) -> dict[str, int]:
    rng = random.Random(seed)
    conn = await asyncpg.connect(dsn)
    try:
        villages = [r["code"] for r in await conn.fetch("SELECT code FROM divisions WHERE level = 'village' ORDER BY code")]
        rows: dict[str, list[tuple]] = {t: [] for t in (
            "rm_assessment", "rm_designation", "rm_removal", "rm_case", "rm_case_phase", "rm_contact_leader",
            "rm_measure", "rm_progress", "rm_visit", "rm_alert", "rm_alert_resolution", "rm_acceptance")}
        await conn.execute(
            "INSERT INTO rm_campaign VALUES ('bench', '全省整顿', $1, '99', '2020-07-01', $2::jsonb, '星级倒排', '[]'::jsonb) "
            "ON CONFLICT DO NOTHING", PROVINCE, json.dumps([{"code": c, "label": f"标准{c}"} for c in CRITERIA]))
        await conn.execute("INSERT INTO rm_policy VALUES ('bench', 1, '2020-07-01', '{}'::jsonb) ON CONFLICT DO NOTHING")
        for n, v in enumerate(villages):
            rows["rm_assessment"].append((f"a-{v}", "bench", v, "neither", date(2020, 8, 1 + n % 14)))
            if rng.random() >= 0.10:
                continue
            designated = date(2020, 8, 20)
            rows["rm_designation"].append((f"d-{v}", n, "bench", v, rng.choice(["weak_and_lax", "lagging"]),
                                           rng.sample(CRITERIA, rng.randint(1, 3)), "screening", "常委〔2020〕8号",
                                           designated, 1))
            case = f"case-{v}"
            rows["rm_case"].append((case, n, "bench", v, "weak_and_lax", designated + timedelta(days=2)))
            rows["rm_case_phase"].append((f"p0-{v}", n, case, v, "concentrated", designated + timedelta(days=2)))
            rows["rm_contact_leader"].append((f"l-{v}", n, case, v, "联系领导", "副县长", designated + timedelta(days=3)))
            for k in range(3):
                measure = f"m-{v}-{k}"
                rows["rm_measure"].append((measure, case, v, f"措施{k}", date(2020, 10, 1) + timedelta(days=rng.randint(0, 240)),
                                           designated + timedelta(days=5)))
                for r in range(2):
                    status = "completed" if r and rng.random() < 0.5 else "in_progress"
                    on = date(2020, 10, 1) + timedelta(days=60 * r + rng.randint(0, 50))
                    # measure_status and its date (migration 0006): the measure's status after this record
                    rows["rm_progress"].append((f"{measure}-{r}", n * 10 + k * 2 + r, measure, v, status, on, status, on))
            for month in range(9, 13):
                for i in range(rng.randint(1, 3)):
                    rows["rm_visit"].append((f"vi-{v}-{month}-{i}", case, v, date(2020, month, rng.randint(1, 28)),
                                             rng.random() < 0.9, 1, True))   # counts_toward_minimum (0004)
            if rng.random() < 0.3:
                rows["rm_alert"].append((f"al-{v}", v, "measure_overdue", "high", date(2020, 11, 1)))
                if rng.random() < 0.5:
                    rows["rm_alert_resolution"].append((f"al-{v}", date(2021, 1, 5)))
            if rng.random() < 0.4:
                rows["rm_case_phase"].append((f"p1-{v}", n + 100_000, case, v, "ready_for_acceptance", date(2020, 12, 20)))
                rows["rm_acceptance"].append((f"ok-{v}", n, v, "passed", "county", date(2021, 2, 1)))
                rows["rm_acceptance"].append((f"dl-{v}", n + 100_000, v, "delisted", None, date(2021, 3, 5)))
                rows["rm_removal"].append((f"r-{v}", n, "bench", v, "delisted", date(2021, 3, 5)))
                rows["rm_case_phase"].append((f"p2-{v}", n + 200_000, case, v, "delisted", date(2021, 3, 5)))
            elif rng.random() < 0.2:
                rows["rm_acceptance"].append((f"no-{v}", n, v, "failed", "preliminary", date(2021, 1, 10)))
        for table, records in rows.items():
            if records:
                await conn.copy_records_to_table(table, records=records)
        await conn.execute("ANALYZE")
        return {"villages": len(villages)} | {t: len(r) for t, r in rows.items()}
    finally:
        await conn.close()


def _timed(call, repeat: int = 3) -> tuple[float, httpx.Response]:
    times, response = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        response = call()
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text[:300]
    return statistics.median(times), response


def bench_national_read(platform) -> None:
    dsn = platform.database_url("reporting").replace("+asyncpg", "")
    started = time.perf_counter()
    counts = asyncio.run(fill_read_model(dsn))
    print(f"read model filled in {time.perf_counter() - started:.1f} s: "
          + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    base = platform.url("reporting")
    headers = auth("province_org")

    def get(path: str, **params):
        return lambda: httpx.get(f"{base}{path}", params=params, headers=headers, timeout=300)

    seconds, response = _timed(get(f"/figures/{PROVINCE}", date="2021-03-31"))
    f = response.json()["figures"]
    print(f"  all figures, province of {f['villages_in_campaign']:,} villages, one date: {seconds * 1000:.0f} ms "
          f"(listed {f['listed']:,}, overdue {f['measures_overdue']:,}, transformed {f['transformed']:,})")
    seconds, response = _timed(get(f"/figures/{PROVINCE}/children", date="2021-03-31"))
    print(f"  figures of each city (children, {response.json()['total']}): {seconds * 1000:.0f} ms")
    seconds, response = _timed(get("/figures/990100000000/children", date="2021-03-31"))
    print(f"  figures of each county of a city ({response.json()['total']}): {seconds * 1000:.0f} ms")
    seconds, response = _timed(get(f"/figures/{PROVINCE}/villages", figure="listed", date="2021-03-31", size=50))
    print(f"  drill-down, first page of {response.json()['total']:,} listed villages: {seconds * 1000:.0f} ms")
    seconds, response = _timed(get(f"/figures/{PROVINCE}/monthly", **{"from": "2020-07", "to": "2021-06"}), repeat=1)
    print(f"  monthly series, 12 months for the province: {seconds * 1000:.0f} ms")
    record("the province's 12-month series", f"{seconds * 1000:.0f} ms", "≤ 500 ms", met=seconds <= 0.5)
    seconds, response = _timed(get("/documents/990100000000/ranking", format="pdf", date="2021-03-31"), repeat=1)
    print(f"  ranking circular of a city (PDF, {len(response.content) / 1024:.0f} KB): {seconds * 1000:.0f} ms")
    seconds, response = _timed(get(f"/documents/{PROVINCE}/circular", format="xlsx", quarter="2021Q1"), repeat=1)
    print(f"  quarterly circular of the province (xlsx): {seconds * 1000:.0f} ms")


if __name__ == "__main__":
    from tests.benchmarks import province_platform

    with province_platform() as alone:
        bench_national_read(alone)
