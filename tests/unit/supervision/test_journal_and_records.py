"""The journal's hash chain and the record checks (plain Python)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from supervision.domain.journal import GENESIS, StoredEntry, entry_hash, verify
from supervision.domain.records import RecordRefused, check_grounds, check_in_plan_window


def chain(n: int) -> list[StoredEntry]:
    entries, prev = [], GENESIS
    for position in range(1, n + 1):
        body = {"n": position, "text": "纪实"}
        h = entry_hash("990102101201", position, "k", f"r{position}", body, "2020-09-01T00:00:00", prev)
        entries.append(StoredEntry("990102101201", position, "k", f"r{position}", body, "2020-09-01T00:00:00", prev, h))
        prev = h
    return entries


def test_an_intact_chain_verifies():
    result = verify(chain(5))
    assert result.valid and result.entries == 5 and result.broken_at is None


def test_an_altered_body_breaks_at_that_entry():
    entries = chain(5)
    entries[2] = replace(entries[2], body={"n": 3, "text": "改过"})
    result = verify(entries)
    assert not result.valid and result.broken_at == 3


def test_a_removed_entry_breaks_the_chain():
    entries = chain(5)
    del entries[1]
    assert verify(entries).broken_at == 3


def test_a_rehashed_entry_breaks_at_the_next_one():
    entries = chain(4)
    e = entries[1]
    body = {"n": 2, "text": "改过"}
    entries[1] = replace(e, body=body, hash=entry_hash(e.chain_code, 2, e.kind, e.reference, body, e.recorded_at, e.prev_hash))
    assert verify(entries).broken_at == 3


def test_scheduled_inspection_window_25th_to_month_end():
    check_in_plan_window(date(2020, 9, 25), 25, None, date(2020, 9, 1), None)
    check_in_plan_window(date(2020, 9, 30), 25, None, date(2020, 9, 1), None)
    check_in_plan_window(date(2021, 2, 28), 25, None, date(2020, 9, 1), None)
    with pytest.raises(RecordRefused) as refused:
        check_in_plan_window(date(2020, 9, 24), 25, None, date(2020, 9, 1), None)
    assert refused.value.slug == "outside-plan-window"
    with pytest.raises(RecordRefused):
        check_in_plan_window(date(2020, 8, 26), 25, None, date(2020, 9, 1), None)


def test_accountability_needs_known_grounds():
    check_grounds(["a1"], {"a1"})
    with pytest.raises(RecordRefused) as none:
        check_grounds([], set())
    assert none.value.slug == "grounds-required"
    with pytest.raises(RecordRefused) as unknown:
        check_grounds(["a1", "zz"], {"a1"})
    assert unknown.value.slug == "unknown-grounds" and "zz" in str(unknown.value)
