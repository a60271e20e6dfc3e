"""zhengdun.stalls on a real event loop: a callback that holds the loop shows in the lag histogram, each collection in
the collector's pauses and CPU, and with a report threshold a stall is logged with the loop's own CPU in it."""
from __future__ import annotations

import asyncio
import gc
import logging
import time

from prometheus_client import REGISTRY

from zhengdun.stalls import LoopWatch


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def busy(seconds: float) -> None:
    """Holds the loop on the CPU for ``seconds`` of its own CPU time (not asleep: the stall report tells the two
    apart; CPU time, so that a loaded machine only makes the stall longer)."""
    until = time.thread_time() + seconds
    while time.thread_time() < until:
        pass


async def watched(work, report_ms: float | None = None) -> None:
    watch = LoopWatch(report_ms=report_ms)
    watch.start()
    try:
        await asyncio.sleep(watch.interval * 2)
        work()
        await asyncio.sleep(watch.interval * 3)
    finally:
        watch.stop()


def test_a_held_loop_shows_as_lag():
    late = sample("zhengdun_event_loop_lag_seconds_count") - sample("zhengdun_event_loop_lag_seconds_bucket", le="0.05")
    asyncio.run(watched(lambda: busy(0.12)))
    now_late = sample("zhengdun_event_loop_lag_seconds_count") - sample("zhengdun_event_loop_lag_seconds_bucket", le="0.05")
    assert now_late >= late + 1   # a tick came more than 50 ms late (on a loaded machine maybe more than one)


def test_each_collection_is_timed_by_generation():
    before = sample("zhengdun_gc_pause_seconds_count", generation="2"), sample("zhengdun_gc_cpu_seconds_total", generation="2")
    asyncio.run(watched(gc.collect))
    assert sample("zhengdun_gc_pause_seconds_count", generation="2") >= before[0] + 1
    assert sample("zhengdun_gc_cpu_seconds_total", generation="2") > before[1]


def test_a_stall_is_reported_with_the_loops_own_cpu(caplog):
    with caplog.at_level(logging.WARNING, logger="zhengdun.stalls"):
        asyncio.run(watched(lambda: busy(0.1), report_ms=30))
    # On a loaded machine the process may also wait for a CPU long enough to be reported: the stall of busy() is the
    # one with the loop's own CPU in it.
    held = [r for r in caplog.records if r.getMessage().startswith("event loop held") and r.loop_cpu_ms >= 90]
    assert len(held) == 1 and held[0].stall_ms >= 90
    assert "test_stalls.py" in held[0].where   # the watchdog saw where the loop was held
