"""Crash points for the exactly-once tests: nothing happens unless ``ZD_FAULT`` names one.

``ZD_FAULT=relay.after_publish@2`` makes the process die (as by SIGKILL: no cleanup, no
flush) the second time it passes ``crash_point("relay.after_publish")``. Tests use it to stop
a process exactly between two steps that must not be separated by a loss or a duplicate.
"""
from __future__ import annotations

import os
import sys

_spec = os.environ.get("ZD_FAULT", "")
_name, _, _nth = _spec.partition("@")
_remaining = int(_nth or 1) if _name else 0


def crash_point(name: str) -> None:
    global _remaining
    if not _name or name != _name:
        return
    _remaining -= 1
    if _remaining == 0:
        sys.stderr.write(f"ZD_FAULT: crashing at {name}\n")
        sys.stderr.flush()
        os._exit(137)
