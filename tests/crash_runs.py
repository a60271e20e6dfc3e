"""Crash runs: the end-to-end scenario, several times, each with one service SIGKILLed at a random
call of the scenario and restarted; every check of the end-to-end test must still hold.

    uv run python -m tests.crash_runs [runs]        (or: make crash-test)

Each run kills a different service (in a shuffled order) before a random call number. The trace
check is left out here on purpose: spans a process held in memory die with it, by design of the
batch exporter; the data checks (cases, alerts, figures, journals, ratios) are what must survive.
Set ZD_CRASH_SEED to repeat a series.
"""
from __future__ import annotations

import os
import random
import subprocess
import sys
import time

from tests.support.platform import ROOT, SERVICES

SCENARIO_CALLS = 2_700   # the test's small scenario makes a little more calls than this


def run_once(service: str, at: int) -> tuple[bool, str]:
    command = [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider",
               "tests/integration/test_campaign_end_to_end.py", "-k", "not trace"]
    done = subprocess.run(command, cwd=ROOT, env={**os.environ, "ZD_KILL_AT": f"{at}:{service}"},
                          capture_output=True, text=True)
    lines = done.stdout.strip().splitlines()
    crashed = any(line.startswith(f"crash: {service} SIGKILLed") for line in lines)
    outcome = lines[-1] if lines else done.stderr.strip()[-300:]
    if not crashed:
        return False, f"the kill did not happen (scenario shorter than {at} calls?): {outcome}"
    if done.returncode != 0:
        failures = [line for line in lines if line.startswith(("FAILED", "ERROR", "E "))][:8]
        return False, outcome + "\n    " + "\n    ".join(failures)
    return True, outcome


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    seed = int(os.environ.get("ZD_CRASH_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed)
    order = list(SERVICES)
    rng.shuffle(order)
    print(f"crash runs: {runs}, seed {seed}", flush=True)
    failed = 0
    for run in range(runs):
        service, at = order[run % len(order)], rng.randrange(30, SCENARIO_CALLS)
        started = time.monotonic()
        ok, outcome = run_once(service, at)
        failed += not ok
        print(f"crash run {run + 1}: {service} SIGKILLed before call {at}, restarted → "
              f"{'all checks hold' if ok else 'FAILED'}: {outcome} ({time.monotonic() - started:.0f} s)", flush=True)
    print(f"crash runs: {runs - failed} of {runs} kept every figure")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
