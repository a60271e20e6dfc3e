"""`make bench`: figures for the platform's speed targets, printed (not asserted).

Runs against the real parts with the services started as in the tests (own databases and
topics). Measures: importing a synthetic province of 50,000 villages through the API, and
the time until every service's copy of the registry agrees.
"""
from __future__ import annotations

import importlib
import inspect
import resource
import time
import traceback

import httpx

from tests.integration.helpers import all_copies_agree, summary, wait_for
from tests.support.platform import Platform, ensure_infrastructure
from zhengdun_demo.client import auth
from zhengdun_demo.synthetic import generate_province, to_csv


def bench_registry_import(platform: Platform) -> None:
    rows = generate_province(cities=5, counties_per_city=10, townships_per_county=20, villages_per_township=50)
    villages = sum(1 for r in rows if r.kind)
    csv = to_csv(rows).encode()
    started = time.perf_counter()
    response = httpx.post(f"{platform.url('screening')}/divisions/import", headers=auth("province_org"),
                          files={"file": ("province.csv", csv, "text/csv")}, timeout=600)
    imported = time.perf_counter() - started
    assert response.status_code == 200, response.text[:500]
    wait_for(lambda: all_copies_agree(platform), timeout=900, interval=1, what="all copies to agree")
    agreed = time.perf_counter() - started
    print(f"registry import: {len(rows)} divisions ({villages} villages), {len(csv) / 1e6:.1f} MB CSV")
    print(f"  import request (validate + store + outbox): {imported:.1f} s")
    print(f"  until all five services' copies agree:      {agreed:.1f} s  ({summary(platform, 'casework')['total']} rows each)")
    started = time.perf_counter()
    again = httpx.post(f"{platform.url('screening')}/divisions/import", headers=auth("province_org"),
                       files={"file": ("province.csv", csv, "text/csv")}, timeout=600).json()
    print(f"  re-import of the same file (no changes):     {time.perf_counter() - started:.1f} s  {again}")


SERVICES = ("screening", "casework", "supervision", "acceptance", "reporting")


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
    platform = Platform()
    platform.start()
    try:
        bench_registry_import(platform)
        for name, function in service_benchmarks():
            print(f"\n== {name}")
            started = time.perf_counter()
            try:
                function(platform)
            except Exception:  # one failing benchmark should not hide the others' figures
                traceback.print_exc()
                print(f"  {name} FAILED")
            print(f"  ({time.perf_counter() - started:.1f} s in all)")
        print(f"bench process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    finally:
        platform.stop()


if __name__ == "__main__":
    main()
