"""Answers folded from append-only records, kept under the version of the records they were folded from.

Where a state is folded from rows that are never updated nor deleted (a case's entries, a campaign's
facts: their triggers refuse it), the rows one snapshot sees are a superset of those an earlier one saw,
so the number of rows seen names exactly which rows they are. A read counts them (cheap, in the same
snapshot as the fold would be read in), and with the count in the key an unchanged state is answered
without loading, parsing and folding its rows again; any write gives the next read a new key.

::

    key = (case_id, await count_entries(session, case_id))
    if (book := BOOKS.get(key)) is None:
        BOOKS.put(key, book := fold(await load_entries(session, case_id)))
"""
from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class Folded(Generic[T]):
    """Per process and bounded, the oldest out first; correct with any number of replicas, as nothing is shared.
    The values are shared by every reader of the key: callers must not change them."""

    def __init__(self, kept: int):
        self.kept = kept
        self._values: dict[tuple, T] = {}

    def get(self, key: tuple) -> T | None:
        return self._values.get(key)

    def put(self, key: tuple, value: T) -> None:
        if key not in self._values and len(self._values) >= self.kept:
            del self._values[next(iter(self._values))]
        self._values[key] = value
