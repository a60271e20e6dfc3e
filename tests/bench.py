"""`make bench`: figures for the platform's speed targets (issue 20), printed (not asserted).

Runs against the real parts with the services started as in the tests (own databases and
topics). First the anchors, on the same machine in the same run: Kafka's own producer and a
bare FastAPI endpoint under the same load generator as the services. Then: importing a
synthetic province of 50,000 villages (ZD_BENCH_VILLAGES for fewer) through the API until every
service's copy of the registry agrees, each service's benchmarks, authenticated reads under
load, a province's whole campaign (tests/benchmarks/campaign.py: on whole counties up to
ZD_BENCH_CAMPAIGN_VILLAGES villages, default 1,000, projected to the province), the services' resident memory;
at the end one table: figure | anchor | Zhengdun | ratio | target. The services trace as deployed (BENCH_ENV).
"""
from __future__ import annotations

import importlib
import inspect
import os
import resource
import time
import traceback

import httpx

from tests.benchmarks import BENCH_ENV, province_rows
from tests.benchmarks.anchors import bare_fastapi, kafka_producer_rate
from tests.benchmarks.campaign import bench_campaign
from tests.benchmarks.figures import MemoryWatch, print_table, record
from tests.benchmarks.load import load
from tests.benchmarks.reads import CLIENTS, bench_reads
from tests.integration.helpers import summary
from tests.support.platform import Platform, ensure_infrastructure
from zhengdun_demo.client import auth
from zhengdun_demo.synthetic import to_csv


def bench_registry_import(platform: Platform, producer_rate: float, on_agreed=None) -> None:
    """``on_agreed`` is called once every copy agrees, before the re-import (events.py reads the CPU there)."""
    rows = province_rows()
    villages = sum(1 for r in rows if r.kind)
    csv = to_csv(rows).encode()
    started = time.perf_counter()
    response = httpx.post(f"{platform.url('screening')}/divisions/import", headers=auth("province_org"),
                          files={"file": ("province.csv", csv, "text/csv")}, timeout=600)
    imported = time.perf_counter() - started
    assert response.status_code == 200, response.text[:500]
    # Each consuming service's copy polled on its own, so each gets its own time (and rate).
    expected, agreed_at = summary(platform, "screening"), {}
    deadline = started + 900
    while len(agreed_at) < len(CONSUMERS):
        for service in CONSUMERS:
            if service not in agreed_at and summary(platform, service) == expected:
                agreed_at[service] = time.perf_counter() - started
        if time.perf_counter() > deadline:
            raise TimeoutError(f"copies still differ after 900 s: only {sorted(agreed_at)} agree")
        time.sleep(0.5)
    agreed = max(agreed_at.values())
    if on_agreed:
        on_agreed()
    print(f"registry import: {len(rows)} divisions ({villages} villages), {len(csv) / 1e6:.1f} MB CSV")
    print(f"  import request (validate + store + outbox): {imported:.1f} s")
    print(f"  until all five services' copies agree:      {agreed:.1f} s  ({expected['total']} rows each)")
    # One event per division; each consuming service consumes and projects all of them, all four at once.
    for service, seconds in agreed_at.items():
        rate = len(rows) / seconds
        print(f"  {service}: its copy agrees after {seconds:.1f} s = {rate:,.0f} events/s end to end "
              f"({rate / producer_rate:.3f} of the raw producer)")
        record(f"events into {service} (registry import: outbox → Kafka → projected)", f"{rate:,.0f} events/s",
               "≥ 10,000 events/s, ≥ 0.20 of raw", anchor=f"{producer_rate:,.0f} records/s",
               ratio=rate / producer_rate, met=rate >= 10_000 and rate / producer_rate >= 0.2)
    record(f"registry import of {villages:,} villages ({len(rows):,} events) until all copies agree",
           f"{agreed:.1f} s", "≤ 15 s", met=agreed <= 15)
    started = time.perf_counter()
    again = httpx.post(f"{platform.url('screening')}/divisions/import", headers=auth("province_org"),
                       files={"file": ("province.csv", csv, "text/csv")}, timeout=600).json()
    print(f"  re-import of the same file (no changes):     {time.perf_counter() - started:.1f} s  {again}")


SERVICES = ("screening", "casework", "supervision", "acceptance", "reporting")
CONSUMERS = SERVICES[1:]   # every service but screening keeps a copy of screening's registry


def service_benchmarks():
    """Every ``bench_*`` function of tests/benchmarks/<service>.py, in service order."""
    for service in SERVICES:
        try:
            module = importlib.import_module(f"tests.benchmarks.{service}")
        except ModuleNotFoundError:
            continue
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("bench_") and function.__module__ == module.__name__:
                yield f"{service}.{name}", function


def main() -> None:
    ensure_infrastructure()
    platform = Platform(env=BENCH_ENV)
    platform.start()
    try:
        memory = MemoryWatch(platform)
        # Other work on the machine lowers anchors and services alike, but not at the same moments.
        busy = os.getloadavg()[0]
        print(f"== anchors (same machine, same run; {os.cpu_count()} cores, load average {busy:.1f})")
        producer_rate = kafka_producer_rate(platform)
        record("raw Kafka producer (ProducerPerformance, 700 B, acks=all)", "—", "anchor",
               anchor=f"{producer_rate:,.0f} records/s")
        with bare_fastapi(platform) as url:
            bare = {clients: load("bare FastAPI, 20 small objects", url, clients=clients) for clients in CLIENTS}
        for clients, result in bare.items():
            record(f"bare FastAPI, 20 small objects, {clients} clients", "—", "anchor",
                   anchor=f"{result.rate:,.0f} req/s, p99 {result.p99 * 1000:.0f} ms")
        print("\n== registry import")
        bench_registry_import(platform, producer_rate)
        for name, function in service_benchmarks():
            print(f"\n== {name}")
            started = time.perf_counter()
            try:
                function(platform)
            except Exception:  # one failing benchmark should not hide the others' figures
                traceback.print_exc()
                print(f"  {name} FAILED")
            print(f"  ({time.perf_counter() - started:.1f} s in all)")
        print("\n== reads under load (the same generator as the bare anchor)")
        try:
            bench_reads(platform, bare)
        except Exception:
            traceback.print_exc()
            print("  reads FAILED")
        # After the reads: their read model stays what the service benchmarks left; the memory peak includes it.
        print("\n== a province's whole campaign (tests/benchmarks/campaign.py)")
        started = time.perf_counter()
        try:
            if os.environ.get("ZD_BENCH_CAMPAIGN", "1") == "0":
                print("  not measured (ZD_BENCH_CAMPAIGN=0)")
            else:
                bench_campaign(platform)
        except Exception:
            traceback.print_exc()
            print("  campaign FAILED")
        print(f"  ({time.perf_counter() - started:.1f} s in all)")
        print("\n== memory (resident, each service's processes)")
        memory.finish()
        print(f"bench process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        print_table()
        print(f"({os.cpu_count()} cores; load average {busy:.1f} at the anchors, {os.getloadavg()[0]:.1f} at the end; "
              f"villages: {os.environ.get('ZD_BENCH_VILLAGES', '50000')})")
    finally:
        platform.stop()


if __name__ == "__main__":
    main()
