"""Crash points for the exactly-once tests: nothing happens unless the service's ``fault`` setting
(``ZD_FAULT``, zhengdun.settings) names one; the runtime arms it when the service starts.

``ZD_FAULT=relay.after_publish@2`` makes the process die (as by SIGKILL: no cleanup, no
flush) the second time it passes ``crash_point("relay.after_publish")``. Tests use it to stop
a process exactly between two steps that must not be separated by a loss or a duplicate.
"""
from __future__ import annotations

import os
import sys

_name = ""
_remaining = 0


def arm(spec: str) -> None:
    """``name@n`` (n defaults to 1): die the n-th time ``crash_point(name)`` is passed; "" disarms."""
    global _name, _remaining
    _name, _, nth = spec.partition("@")
    _remaining = int(nth or 1) if _name else 0


def crash_point(name: str) -> None:
    global _remaining
    if not _name or name != _name:
        return
    _remaining -= 1
    if _remaining == 0:
        sys.stderr.write(f"ZD_FAULT: crashing at {name}\n")
        sys.stderr.flush()
        os._exit(137)
