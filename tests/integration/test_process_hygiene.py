"""Service processes die with the test runner that started them, whatever ends the runner."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from tests.integration.helpers import wait_for
from tests.support.platform import ROOT

# A stand-in runner: starts a long-lived child exactly as the platform starts a service
# (tests.support.platform.spawn), prints the child's pid, then waits to be ended.
RUNNER = """
import signal, sys, time
from tests.support.platform import spawn
# Ctrl-C ends it as it ends pytest, even where the shell that started the suite in the background
# left SIGINT ignored (a non-interactive shell does so for its & jobs, and exec keeps it).
signal.signal(signal.SIGINT, signal.default_int_handler)
with open(sys.argv[1], "ab") as log:
    child = spawn([sys.executable, "-c", "import time; time.sleep(600)"], env={}, log=log)
print(child.pid, flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"   # a zombie has ended
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("ending", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_children_die_with_the_runner(ending, tmp_path):
    runner = subprocess.Popen([sys.executable, "-c", RUNNER, str(tmp_path / "child.log")], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    child = int(runner.stdout.readline())
    try:
        assert _alive(child)
        assert os.getpgid(child) == child   # its own process group: one signal reaches all it starts
        runner.send_signal(ending)
        runner.wait(30)
        wait_for(lambda: not _alive(child), timeout=30, what=f"child {child} to end with its runner")
    finally:
        if _alive(child):
            os.kill(child, signal.SIGKILL)
