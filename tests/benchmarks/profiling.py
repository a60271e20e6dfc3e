"""py-spy on the services while a benchmark runs, when ``ZD_BENCH_PROFILE=1`` asks for it: each service's
collapsed stacks land in the run's log folder as ``<service>.<label>.pyspy.txt``."""
from __future__ import annotations

import os
import subprocess
import time
from contextlib import contextmanager


@contextmanager
def profiled(platform, services, label: str, rate: int = 50):
    if not os.environ.get("ZD_BENCH_PROFILE"):
        yield
        return
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
