"""What holds up the read path, measured inside the services rather than by wall-clock latency (which the other
work on a shared machine decides): each read of ``make bench`` that needs no screening campaign, under 16 clients,
and from the service's own /metrics around it (zhengdun.stalls) its CPU per request, the garbage collector's
collections and CPU per request, and how often its event loop was held.

    ZD_BENCH_VILLAGES=1000 uv run --frozen python -m tests.benchmarks.read_stalls

Only two people log in (county_org, province_org): the province is imported through the API, casework's 300 cases
of county 990102 are opened from their events, reporting's read model is filled in its database. With
``ZD_BENCH_VARIANTS='[{"NAME": "value"}, …]'`` the measured services are restarted with each environment in turn
and measured again (same data), the first round as they start. ``ZD_STALL_REPORT_MS`` (zhengdun.stalls) is passed on.
"""
from __future__ import annotations

import asyncio
import json
import os
import time

import httpx

from tests.benchmarks import BENCH_ENV, province_rows
from tests.benchmarks.casework import COUNTY, VILLAGES
from tests.benchmarks.figures import cpu_seconds
from tests.benchmarks.load import load
from tests.benchmarks.reporting import PROVINCE, fill_read_model
from tests.integration.helpers import all_copies_agree, import_csv, wait_for
from tests.integration.test_casework_case import campaign, designation, envelope, send, set_clock
from tests.support.platform import Platform, ensure_infrastructure
from zhengdun_demo.client import auth
from zhengdun_demo.synthetic import to_csv

MEASURED = ("casework", "screening", "reporting")
CLIENTS = 16
LAG_BUCKETS = ("0.01", "0.025", "0.05")


def _metrics(url: str) -> dict[str, float]:
    """The service's counters and histograms that tell stalls: name{labels} -> value."""
    text = httpx.get(f"{url}/metrics", timeout=60).text
    wanted = ("zhengdun_gc_", "zhengdun_event_loop_lag_seconds", "zhengdun_http_requests_total")
    return {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
            if line.startswith(wanted)}


def _delta(after: dict, before: dict, prefix: str, *parts: str) -> float:
    return sum(v - before.get(k, 0.0) for k, v in after.items() if k.startswith(prefix) and all(p in k for p in parts))


def _reads(platform) -> list[tuple[str, str, str, str, dict]]:
    casework, screening, reporting = (platform.url(s) for s in MEASURED)
    return [("GET /cases?size=20 (county user)", "casework", f"{casework}/cases", "county_org", {"size": 20}),
            ("screening GET /divisions?size=20", "screening", f"{screening}/divisions", "county_org", {"size": 20}),
            (f"GET /figures/{COUNTY} (county)", "reporting", f"{reporting}/figures/{COUNTY}", "county_org",
             {"date": "2021-03-31"}),
            (f"GET /figures/{PROVINCE} (province)", "reporting", f"{reporting}/figures/{PROVINCE}", "province_org",
             {"date": "2021-03-31"})]


def _measure(platform, figure: str, service: str, url: str, user: str, params: dict) -> None:
    base, pid = platform.url(service), platform.services[service].process.pid
    before, cpu = _metrics(base), cpu_seconds(pid)
    load(figure, url, auth(user), clients=CLIENTS, params=params)   # prints its own line
    after, cpu = _metrics(base), cpu_seconds(pid) - cpu
    answered = _delta(after, before, "zhengdun_http_requests_total", 'status="200"')
    ticks = _delta(after, before, "zhengdun_event_loop_lag_seconds_count")
    late = {b: ticks - _delta(after, before, "zhengdun_event_loop_lag_seconds_bucket", f'le="{b}"') for b in LAG_BUCKETS}
    gc = {g: (_delta(after, before, "zhengdun_gc_pause_seconds_count", f'generation="{g}"'),
              _delta(after, before, "zhengdun_gc_cpu_seconds_total", f'generation="{g}"')) for g in "012"}
    print(f"    {service}: CPU {cpu / answered * 1000:.2f} ms per request; collections per 1,000 requests "
          + ", ".join(f"gen {g} {n / answered * 1000:.0f} ({c / n * 1000 if n else 0:.2f} ms CPU each)"
                      for g, (n, c) in gc.items())
          + f"; collector CPU {sum(c for _, c in gc.values()) / answered * 1000:.3f} ms per request; event loop late "
          + ", ".join(f"> {float(b) * 1000:.0f} ms in {n / ticks:.1%}" for b, n in late.items())
          + f" of {ticks:.0f} ticks (load average {os.getloadavg()[0]:.1f})", flush=True)


def _set_up(platform) -> None:
    started = time.perf_counter()
    assert import_csv(platform, to_csv(province_rows())).status_code == 200
    wait_for(lambda: all_copies_agree(platform), timeout=900, what="copies to agree")
    print(f"  province imported: {time.perf_counter() - started:.1f} s", flush=True)
    set_clock(platform, "2020-09-10")
    campaign_id = "bench-stalls"
    send(platform, "screening", envelope(campaign(campaign_id), "990100000000", campaign_id=campaign_id),
         *[envelope(designation(campaign_id, v), v, campaign_id=campaign_id) for v in VILLAGES])
    cases = f"{platform.url('casework')}/cases"
    wait_for(lambda: httpx.get(cases, params={"county": COUNTY, "size": 1}, headers=auth("county_org"),
                               timeout=60).json().get("total") == len(VILLAGES), timeout=600, what="300 cases opened")
    asyncio.run(fill_read_model(platform.database_url("reporting").replace("+asyncpg", "")))
    print(f"  cases opened, read model filled: {time.perf_counter() - started:.1f} s", flush=True)


def main() -> None:
    ensure_infrastructure()
    platform = Platform(env=BENCH_ENV)
    platform.start()
    try:
        print(f"== read stalls ({os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; run {platform.run_id})")
        _set_up(platform)
        for variant in [{}, *json.loads(os.environ.get("ZD_BENCH_VARIANTS", "[]"))]:
            if variant:
                for service in MEASURED:
                    platform.services[service].stop()
                    platform.services[service].start(extra_env=variant)
            print(f"-- services' extra environment: {variant or 'none'}", flush=True)
            for read in _reads(platform):
                _measure(platform, *read)
    finally:
        platform.stop()


if __name__ == "__main__":
    main()
