"""Authenticated reads under load, beside the bare FastAPI anchor: the same load generator
(tests/benchmarks/load.py), 16 and 64 clients, real tokens of the demo users. Runs after the
services' benchmarks and reads what they left: casework's 300 cases of county 990102, screening's
province campaign and its targets, reporting's read model of the province."""
from __future__ import annotations

import httpx

from tests.benchmarks.casework import COUNTY, MEASURED
from tests.benchmarks.figures import record
from tests.benchmarks.load import Load, load
from tests.benchmarks.reporting import PROVINCE
from zhengdun_demo.client import auth

CLIENTS = (16, 64)
ONE_THIRD = 1 / 3


def _get(url: str, user: str, **params) -> dict:
    response = httpx.get(url, params=params, headers=auth(user), timeout=120)
    assert response.status_code == 200, f"{url}: {response.status_code} {response.text[:300]}"
    return response.json()


def _reads(platform) -> list[tuple[str, str, str, dict, str]]:
    """(figure, url, user, params, kind) of each read; kind picks the target."""
    casework, screening, reporting = (platform.url(s) for s in ("casework", "screening", "reporting"))
    cases = _get(f"{casework}/cases", "county_org", township=MEASURED[:9] + "000", size=100)["items"]
    # The measured village's case in casework's benchmark campaign (the one with six months of history).
    case = next((c for c in cases if c["village_code"] == MEASURED and c["campaign_id"].startswith("bench-")),
                cases[0])["case_id"]
    campaigns = _get(f"{screening}/campaigns", "province_org", size=1)["items"]
    reads = [("GET /cases?size=20 (county user)", f"{casework}/cases", "county_org", {"size": 20}, "list")]
    if campaigns:
        campaign = campaigns[0]["campaign_id"]
        targets = _get(f"{screening}/campaigns/{campaign}/targets", "county_org", size=1)["total"]
        print(f"  screening targets of county {COUNTY}: {targets}")
        reads.append((f"screening GET /campaigns/{{id}}/targets?size=20 ({targets} targets)",
                      f"{screening}/campaigns/{campaign}/targets", "county_org", {"size": 20}, "list"))
    else:   # the screening benchmark failed: the registry's list stands in as the other service's list
        reads.append(("screening GET /divisions?size=20", f"{screening}/divisions", "county_org", {"size": 20}, "list"))
    reads += [("case book GET /cases/{id} (measured village)", f"{casework}/cases/{case}", "county_org", {}, "list"),
              (f"GET /figures/{COUNTY} (county)", f"{reporting}/figures/{COUNTY}", "county_org",
               {"date": "2021-03-31"}, "county"),
              (f"GET /figures/{PROVINCE} (province)", f"{reporting}/figures/{PROVINCE}", "province_org",
               {"date": "2021-03-31"}, "province")]
    return reads


def _record(figure: str, result: Load, bare: Load, kind: str) -> None:
    ratio = result.rate / bare.rate
    value = f"{result.rate:,.0f} req/s, p99 {result.p99 * 1000:.0f} ms" + (f", {result.errors} errors" if result.errors else "")
    anchor = f"{bare.rate:,.0f} req/s, p99 {bare.p99 * 1000:.0f} ms"
    if kind == "list":
        target, met = "≥ 0.33 of bare, p99 ≤ 50 ms", ratio >= ONE_THIRD and result.p99 <= 0.05
    elif kind == "county":
        target, met = "≥ 500 req/s", result.rate >= 500
    else:
        target, met = "p99 ≤ 200 ms", result.p99 <= 0.2
    record(f"{figure}, {result.clients} clients", value, target, anchor=anchor, ratio=ratio, met=met and not result.errors)


def bench_reads(platform, bare: dict[int, Load]) -> None:
    for figure, url, user, params, kind in _reads(platform):
        for clients in CLIENTS:
            _record(figure, load(figure, url, auth(user), clients=clients, params=params), bare[clients], kind)
