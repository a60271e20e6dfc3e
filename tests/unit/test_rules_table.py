"""tests/rules.md stays true: every row names code and a test that exist.

Each table row of tests/rules.md is `| # | rule | seed | code | test | status |`, where code is
`path/to/file.py::symbol` (a top-level def/class, or `Class.method`) and test is
`tests/…/test_file.py::test_name` (a top-level test function, or one inside a class).
A `—` cell is allowed only when the row's status is not `holds`.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "tests" / "rules.md"
COLUMNS = ["#", "rule", "seed", "code", "test", "status"]
STATUSES = {"holds", "partial", "missing"}
NONE = "—"


@dataclass(frozen=True)
class Row:
    line: int
    number: str
    rule: str
    code: str
    test: str
    status: str

    def __str__(self) -> str:
        return f"rules.md line {self.line}, row {self.number} ({self.rule})"


def parse_table(text: str) -> list[Row]:
    rows = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] == "#" or set("".join(cells)) <= set("-: "):
            continue  # header or separator
        assert len(cells) == len(COLUMNS), f"rules.md line {line_no}: {len(cells)} cells, expected {COLUMNS}"
        values = dict(zip(COLUMNS, cells))
        rows.append(Row(line_no, values["#"], values["rule"], values["code"].strip("`"),
                        values["test"].strip("`"), values["status"]))
    return rows


@cache
def definitions(path: Path) -> frozenset[str]:
    """Top-level function and class names, and `Class.method` for methods of top-level classes."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names.add(node.name)
            names.update(f"{node.name}.{item.name}" for item in node.body
                         if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)))
    return frozenset(names)


def defined_tests(path: Path) -> frozenset[str]:
    """Test names: top-level `test_…` functions and `test_…` methods of top-level classes."""
    return frozenset(name.split(".")[-1] for name in definitions(path) if name.split(".")[-1].startswith("test_"))


def location_problem(location: str, *, is_test: bool) -> str | None:
    """Why `path::symbol` does not point at a definition, or None when it does."""
    path_text, sep, symbol = location.partition("::")
    if not sep or not path_text.endswith(".py") or not symbol:
        return f"{location!r} is not written as path/to/file.py::symbol"
    path = ROOT / path_text
    if not path.is_file():
        return f"{path_text} does not exist"
    if is_test:
        if not path_text.startswith("tests/"):
            return f"{path_text} is not under tests/"
        if symbol not in defined_tests(path):
            return f"{path_text} defines no test function {symbol}"
    elif symbol not in definitions(path):
        return f"{path_text} defines no top-level function/class or method {symbol}"
    return None


ROWS = parse_table(TABLE.read_text(encoding="utf-8"))


def test_the_table_has_a_row_for_each_rule():
    assert ROWS, "tests/rules.md has no table rows"
    assert len(ROWS) >= 40, f"tests/rules.md has only {len(ROWS)} rows; expected at least 40"
    numbers = [r.number for r in ROWS]
    assert len(set(numbers)) == len(numbers), "row numbers in tests/rules.md repeat"


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"row{r.number}")
def test_row_points_at_code_and_test_that_exist(row: Row):
    status = row.status.split(":")[0].strip()
    assert status in STATUSES, f"{row}: status {row.status!r} should start with one of {sorted(STATUSES)}"
    for column, value, is_test in (("code", row.code, False), ("test", row.test, True)):
        if value == NONE:
            assert status != "holds", f"{row}: `{column}` is — but the status is holds"
            continue
        problem = location_problem(value, is_test=is_test)
        assert problem is None, f"{row}: stale `{column}` location: {problem}"
