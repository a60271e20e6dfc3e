"""The documentary record (纪实): an append-only journal, hash-chained per village or unit.

Each entry's hash covers its chain, position, kind, reference, body, time and the previous
entry's hash, so changing, removing or reordering any stored entry breaks verification at
exactly that entry.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
HASH_ALGORITHM = "sha256-canonical-json-v1"


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def entry_hash(chain_code: str, position: int, kind: str, reference: str, body: dict, recorded_at: str,
               prev_hash: str) -> str:
    content = canonical({"chain": chain_code, "position": position, "kind": kind, "reference": reference,
                         "body": body, "recorded_at": recorded_at, "prev": prev_hash})
    return hashlib.sha256(content.encode()).hexdigest()


@dataclass(frozen=True)
class StoredEntry:
    chain_code: str
    position: int
    kind: str
    reference: str
    body: dict
    recorded_at: str
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Verification:
    valid: bool
    entries: int
    broken_at: int | None = None          # the position of the first entry that fails
    reason: str | None = None


def verify(entries: list[StoredEntry]) -> Verification:
    """Walk the chain from its first entry; report the first entry that does not hold."""
    previous = GENESIS
    for expected_position, entry in enumerate(entries, start=1):
        if entry.position != expected_position:
            return Verification(False, len(entries), entry.position, f"序号不连续 position gap: expected {expected_position}")
        if entry.prev_hash != previous:
            return Verification(False, len(entries), entry.position, "前一条哈希不符 prev_hash does not match the previous entry")
        recomputed = entry_hash(entry.chain_code, entry.position, entry.kind, entry.reference, entry.body,
                                entry.recorded_at, entry.prev_hash)
        if recomputed != entry.hash:
            return Verification(False, len(entries), entry.position, "内容已被改动 content does not match its hash")
        previous = entry.hash
    return Verification(True, len(entries))
