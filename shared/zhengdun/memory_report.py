"""What holds a service's memory at its peak (diagnosis, not production): with ``ZD_MEMORY_REPORT_MB=N`` the process
traces its allocations (tracemalloc, which slows it and costs memory of its own) and, each time its resident memory
has grown N MB past the last report, logs the allocation sites holding the most, with their callers."""
from __future__ import annotations

import asyncio
import logging
import os
import tracemalloc

log = logging.getLogger("zhengdun.memory")
FRAMES = 12
SITES = 12


def resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def start_if_asked() -> bool:
    """Tracing started when ``ZD_MEMORY_REPORT_MB`` asks for the reports (then ``report_growth`` is to run)."""
    if not os.environ.get("ZD_MEMORY_REPORT_MB"):
        return False
    if not tracemalloc.is_tracing():
        tracemalloc.start(FRAMES)
    return True


async def report_growth() -> None:
    """The background task: a report at each step of ``ZD_MEMORY_REPORT_MB``."""
    step, reported = float(os.environ["ZD_MEMORY_REPORT_MB"]), resident_mb()
    while True:
        await asyncio.sleep(0.25)
        if (now := resident_mb()) >= reported + step:
            reported = now
            snapshot = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
            traced = tracemalloc.get_traced_memory()[0] / 2**20
            for n, stat in enumerate(snapshot.statistics("traceback")[:SITES]):
                # Innermost first; the frames of the standard library's and the libraries' internals are kept too.
                where = " < ".join(f"{'/'.join(f.filename.rsplit('/', 2)[-2:])}:{f.lineno}" for f in reversed(stat.traceback))
                log.warning("memory at %.0f MB (traced %.0f MB): site %d holds %.1f MB in %d blocks", now, traced, n,
                            stat.size / 2**20, stat.count, extra={"where": where[:2000]})
