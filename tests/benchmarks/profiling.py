"""py-spy on the services while a benchmark runs, when ``ZD_BENCH_PROFILE=1`` asks for it: each service's
collapsed stacks land in the run's log folder as ``<service>.<label>.pyspy.txt``. ``ZD_BENCH_PROFILE_RATE`` sets the
samples per second (50: a short run at a higher rate gives enough samples to tell the parts of an event apart)."""
from __future__ import annotations

import os
import subprocess
import time
from contextlib import contextmanager


@contextmanager
def profiled(platform, services, label: str, rate: int | None = None):
    """Sampled ``rate`` times a second (default ``ZD_BENCH_PROFILE_RATE``, else 50)."""
    if not os.environ.get("ZD_BENCH_PROFILE"):
        yield
        return
    rate = rate or int(os.environ.get("ZD_BENCH_PROFILE_RATE", "50"))
    profilers = [subprocess.Popen(
        ["uvx", "py-spy", "record", "--pid", str(platform.services[service].process.pid), "--format", "raw",
         "--rate", str(rate), "--nonblocking", "--output", str(platform.log_dir / f"{service}.{label}.pyspy.txt")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for service in services]
    time.sleep(3)  # attached before the measured work starts
    try:
        yield
    finally:
        for profiler in profilers:
            profiler.send_signal(2)  # SIGINT: py-spy writes what it sampled
        for profiler in profilers:
            profiler.wait(60)
        print(f"profiles: {platform.log_dir}/*.{label}.pyspy.txt")
