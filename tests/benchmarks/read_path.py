"""The read path alone: the bare FastAPI anchor and the authenticated reads of ``make bench``
(tests/benchmarks/reads.py) at 16 and 64 clients, over a small province, without the rest of the
bench (minutes instead of an hour), for measuring before and after a change on the same machine.

    ZD_BENCH_VILLAGES=1000 uv run --frozen python -m tests.benchmarks.read_path

What the reads need is set up the way ``make bench`` does it: the province imported through the API,
screened by its townships with one county's list confirmed (screening's targets), casework's 300
cases of county 990102 with one village's history (casework's ledger benchmark), reporting's read
model filled. ``ZD_BENCH_READS=cases,figures`` keeps only the reads whose figure holds one of the
words; ``ZD_BENCH_PROFILE=1`` samples casework, screening and reporting with py-spy (``uvx py-spy``)
during the reads and writes their collapsed stacks to the run's log folder. ``ZD_BENCH_CLIENTS=16`` measures at 16
clients only. Each read prints the CPU per request of the server, of the run's PostgreSQL backends, of Zipkin (shared
with whatever else runs) and of the generator. ``ZD_BENCH_AGAIN`` (see ``_another_round``) measures again after a
restart of the services, with other settings if asked (``again ZD_TRACE_READS=1``): before and after on one platform.
"""
from __future__ import annotations

import asyncio
import os
import time

from tests.benchmarks import BENCH_ENV, province_rows
from tests.benchmarks.anchors import bare_fastapi
from tests.benchmarks.casework import fill_ledgers
from tests.benchmarks.cpu import CpuMeter
from tests.benchmarks.figures import TABLE, _group_members, print_table, record, resident_mb
from tests.benchmarks.load import load
from tests.benchmarks.profiling import profiled
from tests.benchmarks.reads import _reads, _record
from tests.benchmarks.reporting import fill_read_model
from tests.benchmarks.screening import _screen
from tests.integration.helpers import all_copies_agree, import_csv, wait_for
from tests.support.platform import Platform, ensure_infrastructure
from zhengdun_demo.client import auth
from zhengdun_demo.synthetic import to_csv

PROFILED = ("casework", "screening", "reporting")
# ZD_BENCH_CLIENTS=16 measures at 16 clients only.
CLIENTS = tuple(int(n) for n in os.environ.get("ZD_BENCH_CLIENTS", "16,64").split(","))
_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and those of its group (a service, the bare anchor)."""
    total = 0
    for member in _group_members(pid):
        try:
            with open(f"/proc/{member}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])   # utime, stime (after the name: state is field 0)
        except (OSError, IndexError, ValueError):
            continue
    return total / _TICKS


def _server_pid(url: str) -> int:
    """The pid of the process listening on the URL's port (the bare anchor has no handle here)."""
    port = int(url.split(":")[2].split("/")[0])
    with open("/proc/net/tcp") as table:
        inodes = {line.split()[9] for line in table.readlines()[1:]
                  if int(line.split()[1].split(":")[1], 16) == port and line.split()[3] == "0A"}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                for fd in os.listdir(f"/proc/{entry}/fd"):
                    link = os.readlink(f"/proc/{entry}/fd/{fd}")
                    if link.startswith("socket:[") and link[8:-1] in inodes:
                        return int(entry)
            except OSError:
                continue
    raise LookupError(f"nothing listens on {url}")


def _measured(figure: str, url: str, headers: dict, clients: int, params: dict | None = None, meter: CpuMeter | None = None):
    """The load's result, and the CPU per answered request (ms) of the server, of the run's PostgreSQL backends, of
    Zipkin (the spans it is sent) and of the generator (this process): figures the other work on a shared machine
    disturbs far less than req/s and latencies."""
    pid = _server_pid(url)
    before, server_before = (meter.snapshot() if meter else {}), _cpu_seconds(pid)
    result = load(figure, url, headers, clients=clients, params=params)
    # The warm-up's and the window's requests both cost CPU: divide by all answered (rate × (window + warm-up)).
    answered = result.requests * (1 + max(1.0, result.seconds / 5) / result.seconds)
    parts = {"server": _cpu_seconds(pid) - server_before}
    if meter:
        after = meter.snapshot()
        parts |= {name: after[name] - before[name] for name in ("postgres", "zipkin", "client")}
    print("    CPU ms per request: " + ", ".join(f"{name} {seconds / answered * 1000:.2f}" for name, seconds in parts.items())
          + f" (load average {os.getloadavg()[0]:.1f})")
    return result


def _set_up(platform: Platform) -> None:
    rows = province_rows()
    started = time.perf_counter()
    assert import_csv(platform, to_csv(rows)).status_code == 200
    wait_for(lambda: all_copies_agree(platform), timeout=600, what="copies to agree")
    print(f"  province of {sum(1 for r in rows if r.kind)} villages imported: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    asyncio.run(_screen(platform, rows))
    print(f"  screened: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    fill_ledgers(platform)
    print(f"  casework's ledger: {time.perf_counter() - started:.1f} s")
    asyncio.run(fill_read_model(platform.database_url("reporting").replace("+asyncpg", "")))


def _quiet(platform: Platform, seconds: float = 120) -> None:
    """Until the measured services are idle (a started screening reads the whole realm's accounts first), at most
    ``seconds``: their own work would count as the reads'."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        before = {s: _cpu_seconds(platform.services[s].process.pid) for s in PROFILED}
        time.sleep(2)
        if all(_cpu_seconds(platform.services[s].process.pid) - cpu < 0.2 for s, cpu in before.items()):
            return
    print("  (the services were still busy when the reads began)")


def _round(platform: Platform) -> None:
    meter = CpuMeter(platform)
    _quiet(platform)
    with bare_fastapi(platform) as url:
        bare = {clients: _measured("bare FastAPI, 20 small objects", url, {}, clients, meter=meter) for clients in CLIENTS}
    for clients, result in bare.items():
        record(f"bare FastAPI, 20 small objects, {clients} clients", "—", "anchor",
               anchor=f"{result.rate:,.0f} req/s, p99 {result.p99 * 1000:.0f} ms")
    wanted = [w for w in os.environ.get("ZD_BENCH_READS", "").split(",") if w]
    reads = [r for r in _reads(platform) if not wanted or any(w in r[0] for w in wanted)]
    with profiled(platform, PROFILED, "reads", rate=100):
        for figure, url, user, params, kind in reads:
            for clients in CLIENTS:
                _record(figure, _measured(figure, url, auth(user), clients, params, meter), bare[clients], kind)
    print("memory after the reads: " + ", ".join(
        f"{s} {resident_mb(platform.services[s].process.pid):.0f} MB" for s in PROFILED))


def _another_round(platform: Platform, rounds: int) -> bool:
    """With ``ZD_BENCH_AGAIN=<file>``: after each round, wait for that file; "again" in it restarts the
    measured services (changed code, same data) and measures again, followed by ``NAME=value`` words, with those
    settings added to their environment (``again ZD_TRACE_READS=1``); anything else ends the run."""
    signal = os.environ.get("ZD_BENCH_AGAIN")
    if not signal:
        return False
    print_table()
    print(f"round {rounds} done; waiting for {signal}", flush=True)
    while not os.path.exists(signal):
        time.sleep(1)
    with open(signal) as file:
        words = file.read().split()
    os.remove(signal)
    again = words[:1] == ["again"]
    if again:
        settings = dict(word.split("=", 1) for word in words[1:])
        print(f"== round {rounds + 1}, services restarted" + (f" with {settings}" if settings else ""), flush=True)
        TABLE.clear()
        for service in PROFILED:
            platform.services[service].stop()
            platform.services[service].start(settings)
    return again


def main() -> None:
    ensure_infrastructure()
    # As `make bench` runs them: spans go to Zipkin every few seconds, not also to the tests' receiver every 200 ms
    # (that export cost more CPU than a list read's own work).
    platform = Platform(env=BENCH_ENV)
    platform.start()
    try:
        print(f"== read path ({os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
              f"villages: {os.environ.get('ZD_BENCH_VILLAGES', '50000')})")
        _set_up(platform)
        rounds = 0
        while True:
            _round(platform)
            rounds += 1
            if not _another_round(platform, rounds):
                break
        print_table()
        print(f"(load average {os.getloadavg()[0]:.1f} at the end)")
    finally:
        platform.stop()


if __name__ == "__main__":
    main()
