"""What ``make bench`` prints at the end: one table, figure | anchor | Zhengdun | ratio | target,
filled by the benchmarks as they measure (``record``), and the services' resident memory."""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass


@dataclass
class Figure:
    figure: str
    anchor: str
    value: str
    ratio: float | None
    target: str
    met: bool | None


TABLE: list[Figure] = []


def record(figure: str, value: str, target: str, *, anchor: str = "", ratio: float | None = None,
           met: bool | None = None) -> None:
    TABLE.append(Figure(figure, anchor, value, ratio, target, met))


def _ratio(ratio: float | None) -> str:
    if ratio is None:
        return "—"
    return f"{ratio:.2f}" if ratio >= 0.1 else f"{ratio:.4f}"   # far-off ratios keep their digits


def print_table() -> None:
    rows = [("figure", "anchor", "Zhengdun", "ratio", "target", "met")]
    for f in TABLE:
        rows.append((f.figure, f.anchor or "—", f.value, _ratio(f.ratio), f.target,
                     "" if f.met is None else ("yes" if f.met else "NO")))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    print()
    for n, row in enumerate(rows):
        print("| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths)) + " |")
        if n == 0:
            print("|" + "|".join("-" * (width + 2) for width in widths) + "|")


# ------------------------------------------------------------------------------ memory

def _group_members(pgid: int) -> list[int]:
    """The processes of a service's process group (Platform spawns each service as a group leader)."""
    members = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                if int(fields[2]) == pgid:   # fields after the name: state, ppid, pgrp, ...
                    members.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return members


def _status_kb(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def resident_mb(pid: int) -> float:
    """Resident memory (VmRSS) of a service: its process and any it started, in MB."""
    return sum(_status_kb(p, "VmRSS") for p in _group_members(pid)) / 1024


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a service's processes have used so far, in seconds."""
    ticks = 0
    for member in _group_members(pid):
        try:
            with open(f"/proc/{member}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])   # utime, stime
        except (OSError, IndexError, ValueError):
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


def high_water_mb(pid: int) -> float:
    """The kernel's peak resident memory (VmHWM) of the service's processes, in MB."""
    return sum(_status_kb(p, "VmHWM") for p in _group_members(pid)) / 1024


class MemoryWatch:
    """Samples every service's resident memory each second in a thread, for the peak over the run."""

    def __init__(self, platform, interval: float = 1.0):
        self.pids = {name: service.process.pid for name, service in platform.services.items()}
        self.at_rest = {name: resident_mb(pid) for name, pid in self.pids.items()}
        self.peak = dict(self.at_rest)
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            for name, pid in self.pids.items():
                self.peak[name] = max(self.peak[name], resident_mb(pid))

    def finish(self) -> None:
        self._stop.set()
        self._thread.join()
        for name, pid in self.pids.items():
            end, high = resident_mb(pid), high_water_mb(pid)
            self.peak[name] = max(self.peak[name], high)
            print(f"  {name}: resident {self.at_rest[name]:.0f} MB at rest after start, {end:.0f} MB at the end, "
                  f"peak {self.peak[name]:.0f} MB")
            record(f"memory of {name}: at rest / peak", f"{self.at_rest[name]:.0f} / {self.peak[name]:.0f} MB",
                   "≤ 300 MB each", met=self.peak[name] <= 300)
