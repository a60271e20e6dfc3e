"""Where a benchmark's CPU goes, process by process: the CPU seconds (user + system, from /proc/<pid>/stat) of
the run's five services, of the real parts (Kafka, Keycloak, the run's PostgreSQL backends, Zipkin) and of the
benchmark process itself, read before and after a piece of work. The real parts are shared with whatever else
runs on the machine: their share is only the run's own when nothing else is running."""
from __future__ import annotations

import os
import re
import time
import urllib.request
from pathlib import Path

from tests.benchmarks.figures import cpu_seconds

TICK = os.sysconf("SC_CLK_TCK")
# A real part's process, known by a piece of its command line.
PARTS = {"kafka": "kafka.Kafka", "keycloak": "keycloak", "zipkin": "zipkin.jar"}


def _stat(pid: int | str) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()   # the fields after "(comm)", from field 3 (state) on


def _seconds(fields: list[str]) -> float:
    # utime, stime and the children it has waited for (cutime, cstime): fields 14–17 of proc(5)
    return sum(int(f) for f in fields[11:15]) / TICK


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class CpuMeter:
    """``snapshot()`` → {process: CPU seconds so far}; ``per_call(before, after, calls)`` → the difference per call."""

    def __init__(self, platform):
        self.services = {name: service.process.pid for name, service in platform.services.items()
                         if service.process}
        self.urls = {name: platform.url(name) for name in self.services}
        self.database_prefix = f"zdtest_{platform.run_id}_"

    def snapshot(self) -> dict[str, float]:
        seconds = {name: cpu_seconds(pid) for name, pid in self.services.items()}   # a service and what it started
        stats = {pid: fields for pid in os.listdir("/proc") if pid.isdigit() and (fields := _stat(pid))}
        totals = dict.fromkeys(PARTS, 0.0) | {"postgres": 0.0}
        for pid, fields in stats.items():
            command = _cmdline(pid)
            if command.startswith("postgres:") and self.database_prefix in command:
                totals["postgres"] += _seconds(fields)   # the run's own backends (a closed one takes its CPU along)
            elif "java" in command:
                for part, mark in PARTS.items():
                    if mark in command:
                        totals[part] += _seconds(fields)
        seconds.update(totals)
        seconds["client"] = sum(os.times()[:2])
        return seconds

    @staticmethod
    def machine() -> tuple[float, float]:
        """(busy, all) CPU seconds of the whole machine so far, every core (the first line of /proc/stat)."""
        ticks = [int(t) for t in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = ticks[3] + ticks[4]   # idle, iowait
        return (sum(ticks) - idle) / TICK, sum(ticks) / TICK

    @staticmethod
    def busy_line(before: dict[str, float], after: dict[str, float], machine_before: tuple[float, float],
                  machine_after: tuple[float, float], seconds: float) -> str:
        """How busy the cores were over ``seconds``: the run's processes' share and the whole machine's. Well under
        100% means the work waited on something else than the CPU (a barrier, too few clients)."""
        cores = os.cpu_count() or 1
        own = sum(after[name] - before.get(name, 0.0) for name in after) / (seconds * cores)
        busy, total = (a - b for a, b in zip(machine_after, machine_before))
        return (f"cores busy over the stage: {own:.0%} with the run's processes, {busy / max(total, 1e-9):.0%} "
                f"the whole machine ({cores} cores)")

    def idle(self, seconds: float = 10) -> str:
        """What each process spends per second with no calls coming (polling, telemetry): the floor under the
        per-call figures of a slow stage."""
        before = self.snapshot()
        time.sleep(seconds)
        rates = self.per_call(before, self.snapshot(), 1)
        return "idle CPU ms per second: " + ", ".join(f"{name} {s * 1000 / seconds:.0f}" for name, s in rates.items())

    @staticmethod
    def per_call(before: dict[str, float], after: dict[str, float], calls: int) -> dict[str, float]:
        return {name: (after[name] - before.get(name, 0.0)) / max(calls, 1) for name in after}

    @staticmethod
    def line(per_call: dict[str, float]) -> str:
        total = sum(per_call.values())
        parts = ", ".join(f"{name} {seconds * 1000:.0f}" for name, seconds in per_call.items() if seconds >= 0.0005)
        return f"CPU ms per call: {total * 1000:.0f} in all = {parts}"

    def events_applied(self) -> dict[str, dict[str, float]]:
        """{service: {event type: events its consumer applied so far}} from each service's /metrics."""
        applied = {}
        for name, url in self.urls.items():
            try:
                text = urllib.request.urlopen(f"{url}/metrics", timeout=10).read().decode()
            except OSError:
                continue
            applied[name] = {m[1]: float(m[2]) for m in APPLIED.finditer(text)}
        return applied

    def per_event(self, cpu_before: dict[str, float], cpu_after: dict[str, float],
                  applied_before: dict[str, dict[str, float]], applied_after: dict[str, dict[str, float]]) -> str:
        """Each consuming service's CPU per event it applied over the piece of work (all its CPU, HTTP calls
        included), and the events of the types it applied most."""
        parts = []
        for name, counts in applied_after.items():
            before = applied_before.get(name, {})
            events = {t: n - before.get(t, 0.0) for t, n in counts.items() if n > before.get(t, 0.0)}
            total = sum(events.values())
            if not total:
                continue
            top = sorted(events.items(), key=lambda item: -item[1])[:4]
            seconds = cpu_after[name] - cpu_before.get(name, 0.0)
            parts.append(f"{name} {total:.0f} events, {seconds * 1000 / total:.1f} ms per event ("
                         + ", ".join(f"{t.rsplit('.', 2)[-2]} {n:.0f}" for t, n in top) + ")")
        # All of a service's CPU over the stage, its HTTP calls too: where it answers many calls and applies few
        # events (casework's clock days in the six months), the figure is its calls' cost, not the events'.
        return "events applied (the service's whole CPU over the stage, its calls included, per event): " + "; ".join(parts)


APPLIED = re.compile(r'^zhengdun_events_applied_total\{type="([^"]+)"\} ([0-9.e+]+)$', re.M)
