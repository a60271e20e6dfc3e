"""The rows of an uploaded table (the cadre register, a list of accounts) by named column (plain Python).

Each import names its columns as people write them: ``{field: (the column's name, {names accepted})}``.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from zhengdun.refusals import RuleViolation

Columns = Mapping[str, tuple[str, set[str]]]
MAX_ERRORS_SHOWN = 200      # the answer lists this many of a file's errors (all are counted)


@dataclass(frozen=True)
class RowError:
    row: int          # 1-based row number in the file, header = row 1
    field: str
    message: str


class TableRejected(RuleViolation):
    """The whole file is refused, nothing stored: every row's error, its column by name, so that all can be
    fixed at once."""

    def __init__(self, code: str, message_zh: str, message_en: str, errors: list[RowError], columns: Columns):
        self.errors = errors
        super().__init__(code, message_zh, message_en, error_count=len(errors), errors=[
            {"row": e.row, "field": e.field, "column": column_name(e.field, columns),
             "message": e.message} for e in errors[:MAX_ERRORS_SHOWN]])


def column_name(field: str, columns: Columns) -> str:
    """The column's name as people read it (the field itself when it names no column)."""
    return columns[field][0] if field in columns else field


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
