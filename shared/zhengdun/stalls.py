"""How long a service's event loop is held up, and by what.

One event loop serves a service's requests, its consumers, its relay and its background jobs: whatever holds it
(a long callback, the garbage collector, another thread holding the GIL) delays every request in flight, and that
is the tail of the latencies. Measured always, cheaply, into /metrics:

- ``zhengdun_event_loop_lag_seconds``: how late a timer set every 50 ms ran (how long the loop was held);
- ``zhengdun_gc_pause_seconds{generation}``: each collection's pause, in whichever thread it ran, and
  ``zhengdun_gc_cpu_seconds_total{generation}`` the CPU they took (on a loaded machine a pause also waits for a CPU).

With ``ZD_STALL_REPORT_MS=N`` (diagnosis, not production) the timer runs every 5 ms and a watchdog thread logs each
stall longer than N ms: how long, how much CPU the loop's thread and the process had meanwhile (on a loaded machine a
stall is mostly the process waiting for a CPU), the collections inside it, where the loop's thread was (sampled every
2 ms while it lasted) and which other threads were running Python code meanwhile (they take the GIL from the loop).
"""
from __future__ import annotations

import asyncio
import collections
import gc
import logging
import os
import sys
import threading
import time

from prometheus_client import Counter, Histogram

log = logging.getLogger("zhengdun.stalls")

LOOP_LAG = Histogram("zhengdun_event_loop_lag_seconds", "How late the event loop ran a timer (how long it was held up)",
                     buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5))
GC_PAUSES = Histogram("zhengdun_gc_pause_seconds", "Pauses of the garbage collector, by generation", ["generation"],
                      buckets=(0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25))
GC_CPU = Counter("zhengdun_gc_cpu_seconds_total", "CPU time of the garbage collector's pauses, by generation",
                 ["generation"])
INTERVAL = 0.05
REPORT_INTERVAL = 0.005
SAMPLE_SECONDS = 0.002

# Collections as (ended, seconds, CPU seconds, generation), appended by the collector's callback and drained by the
# loop's timer: the callback may run inside any allocation of any thread, even one holding a metric's lock, so it
# takes none.
_collections: collections.deque = collections.deque(maxlen=10_000)
_gc_started = (0.0, 0.0)


def _on_gc(phase: str, info: dict) -> None:
    global _gc_started
    if phase == "start":
        _gc_started = (time.perf_counter(), time.thread_time())
    else:
        ended, cpu = time.perf_counter(), time.thread_time()
        _collections.append((ended, ended - _gc_started[0], cpu - _gc_started[1], info["generation"]))


def watch_gc() -> None:
    if _on_gc not in gc.callbacks:
        gc.callbacks.append(_on_gc)


class LoopWatch:
    """The timer in the loop (``start`` from inside it) and, when asked for, the watchdog thread."""

    def __init__(self, report_ms: float | None = None) -> None:
        if report_ms is None and os.environ.get("ZD_STALL_REPORT_MS"):
            report_ms = float(os.environ["ZD_STALL_REPORT_MS"])
        self.report = report_ms / 1000 if report_ms else None
        self.interval = REPORT_INTERVAL if self.report else INTERVAL
        self._handle: asyncio.TimerHandle | None = None
        self._beat = time.perf_counter()
        self._stopped = threading.Event()
        self._gc_series = {g: (GC_PAUSES.labels(str(g)), GC_CPU.labels(str(g))) for g in range(3)}
        self._recent: collections.deque = collections.deque(maxlen=1_000)   # collections kept for the stall reports
        self._where: collections.Counter = collections.Counter()    # the watchdog's samples of the stall in progress
        self._others: collections.Counter = collections.Counter()

    def start(self) -> None:
        watch_gc()
        loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._cpu = (time.thread_time(), time.process_time())
        self._schedule(loop)
        if self.report:
            threading.Thread(target=self._watch, name="zhengdun-stall-watch", daemon=True).start()

    def stop(self) -> None:
        self._stopped.set()
        if self._handle is not None:
            self._handle.cancel()

    def _schedule(self, loop: asyncio.AbstractEventLoop) -> None:
        self._due = loop.time() + self.interval
        self._handle = loop.call_at(self._due, self._tick, loop)

    def _tick(self, loop: asyncio.AbstractEventLoop) -> None:
        LOOP_LAG.observe(max(0.0, loop.time() - self._due))
        while _collections:
            ended, seconds, cpu, generation = _collections.popleft()
            pauses, cpu_time = self._gc_series[generation]
            pauses.observe(seconds)
            cpu_time.inc(cpu)
            if self.report:
                self._recent.append((ended, seconds, cpu, generation))
        if self.report:
            self._report_stall()
        self._beat = time.perf_counter()
        self._schedule(loop)

    # ---- the stall reports (ZD_STALL_REPORT_MS) ------------------------------------------------
    def _report_stall(self) -> None:
        """From the loop's thread, at the first tick after a stall: how long it lasted, how much of it the loop's
        own thread and the whole process ran on a CPU (the rest the machine's other processes had it: a loaded
        machine, not this code), the collections inside it, where the watchdog saw the loop's thread."""
        now, loop_cpu, process_cpu = time.perf_counter(), time.thread_time(), time.process_time()
        began, cpu_before = self._beat, self._cpu
        self._cpu = (loop_cpu, process_cpu)
        held = now - began - self.interval
        if held <= self.report:
            return
        where, self._where = self._where, collections.Counter()
        others, self._others = self._others, collections.Counter()
        pauses = [(s, c, g) for e, s, c, g in list(self._recent) if began <= e <= now]
        log.warning("event loop held %.0f ms", held * 1000, extra={
            "stall_ms": round(held * 1000, 1),
            "loop_cpu_ms": round((loop_cpu - cpu_before[0]) * 1000, 1),
            "process_cpu_ms": round((process_cpu - cpu_before[1]) * 1000, 1),
            "gc_ms": round(sum(s for s, _, _ in pauses) * 1000, 1),
            "gc_cpu_ms": round(sum(c for _, c, _ in pauses) * 1000, 1),
            "gc": " ".join(f"g{g}:{s * 1000:.1f}" for s, _, g in pauses),
            "where": " || ".join(f"{n}× {s}" for s, n in where.most_common(3)),
            "others": " || ".join(f"{n}× {s}" for s, n in others.most_common(3))})

    def _watch(self) -> None:
        """The watchdog thread: while the loop is held past the threshold, where its thread is, every 2 ms."""
        while not self._stopped.wait(SAMPLE_SECONDS):
            if time.perf_counter() - self._beat - self.interval <= self.report:
                continue
            frames = sys._current_frames()
            if self._loop_thread in frames:
                self._where[_stack(frames[self._loop_thread])] += 1
            for thread in threading.enumerate():
                frame = frames.get(thread.ident)
                if thread.ident not in (self._loop_thread, threading.get_ident()) and frame is not None \
                        and not _waiting(frame):
                    self._others[f"{thread.name}: {_stack(frame, 3)}"] += 1


_IDLE = {"wait", "_wait_for_tstate_lock", "select", "poll", "_worker", "sleep", "get", "acquire", "accept", "readinto",
         "recv", "recv_into"}


def _waiting(frame) -> bool:
    """A thread blocked in a wait (it holds no GIL meanwhile): its innermost Python frame is one of the waits."""
    return frame.f_code.co_name in _IDLE


def _stack(frame, depth: int = 8) -> str:
    """The innermost ``depth`` frames, innermost first, as file:line function."""
    parts = []
    while frame is not None and len(parts) < depth:
        code = frame.f_code
        parts.append(f"{'/'.join(code.co_filename.rsplit('/', 2)[-2:])}:{frame.f_lineno} {code.co_name}")
        frame = frame.f_back
    return " < ".join(parts)
