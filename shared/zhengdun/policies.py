"""A campaign's policy of one version, parsed once per process.

A kept policy version is written once and never changed, and ``Policy`` is frozen: the services that read
versions on their hot paths (casework's writes, supervision's events) validate the stored JSON the first time
only. Bounded: past ``MAX_KEPT`` versions the cache starts again.
"""
from __future__ import annotations

from typing import Any

from zhengdun.events.screening import Policy

MAX_KEPT = 1024
_PARSED: dict[tuple[str, int], Policy] = {}


def is_parsed(campaign_id: str, version: int) -> bool:
    """Whether ``parsed_policy`` can answer without the stored policy (the caller may skip reading it)."""
    return (campaign_id, version) in _PARSED


def parsed_policy(campaign_id: str, version: int, stored: dict[str, Any] | None) -> Policy:
    """The campaign's policy of ``version`` (``stored``: its JSON, needed only the first time)."""
    key = (campaign_id, version)
    policy = _PARSED.get(key)
    if policy is None:
        if len(_PARSED) >= MAX_KEPT:
            _PARSED.clear()
        policy = _PARSED[key] = Policy.model_validate(stored)
    return policy
