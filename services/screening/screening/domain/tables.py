"""The rows of an uploaded table (the cadre register, a list of accounts) by named column (plain Python).

Each import names its columns as people write them: ``{field: (the column's name, {names accepted})}``.
"""
from __future__ import annotations

from collections.abc import Mapping

Columns = Mapping[str, tuple[str, set[str]]]


def columns_found(header: list[str], columns: Columns) -> dict[str, int]:
    """Each field's place in the header (the first column whose title names it, case and spaces ignored)."""
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        title = (title or "").strip().lower()
        for field, (_, names) in columns.items():
            if field not in found and title in {n.lower() for n in names}:
                found[field] = index
    return found


def missing_columns_message(field: str, columns: Columns) -> str:
    name, names = columns[field]
    return f"缺少列“{name}”（可用列名：{'、'.join(sorted(names))}）"


def numbered_rows(rows: list[list[str]], found: Mapping[str, int]) -> list[tuple[int, dict[str, str]]]:
    """Each non-blank row with its number in the file (the header is row 1) and its cells by field, trimmed."""
    return [(offset + 2, {f: ((cells[i] if i < len(cells) else "") or "").strip() for f, i in found.items()})
            for offset, cells in enumerate(rows) if any((c or "").strip() for c in cells)]
