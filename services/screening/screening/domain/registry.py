"""Rules of the division registry import (plain Python, no I/O).

A file is accepted whole or not at all: every row is checked, and any error — a malformed
row, an unknown parent, a code whose prefix contradicts its parent, a duplicate — rejects
the file with the row numbers, changing nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from zhengdun.divisions import InvalidDivisionCode, parent_at, parent_code, prefix_of, validated_level
from zhengdun.refusals import RuleViolation
from zhengdun.roles import Level

from screening.domain.tables import MAX_ERRORS_SHOWN, RowError

# Accepted column headers (Chinese as in the statistical tables, or English).
HEADER_ALIASES = {
    "code": {"code", "区划代码", "统计用区划代码", "代码"},
    "name": {"name", "名称", "区划名称"},
    "parent_code": {"parent_code", "parent", "上级代码", "上级区划代码"},
    "kind": {"kind", "城乡分类", "类型"},
}
VILLAGE_KINDS = {"行政村", "社区"}
# The village part of the codes the platform gives 非公企业 and 社会组织 (screening.domain.organizations) starts here.
ORGANIZATION_CODES_FROM = 600
MAX_NAME = 100


@dataclass(frozen=True)
class ImportRow:
    row: int
    code: str
    name: str
    parent_code: str | None
    kind: str | None


class DivisionChange(NamedTuple):
    """A division an import makes or changes: the fields of its ``DivisionUpserted``, which is built when the change is
    stored, a slice at a time (screening.service.divisions): a province's 51,000 events built at once held ~55 MB."""
    code: str
    name: str
    level: Level
    parent_code: str | None
    kind: str | None
    revision: int


@dataclass(frozen=True)
class Existing:
    name: str
    parent_code: str | None
    kind: str | None
    revision: int


class RegistryImportRejected(RuleViolation):
    """The whole file is refused, nothing imported: every row's error, so they can all be fixed at once."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("division-import-rejected", f"导入被拒绝，共 {len(errors)} 处错误；文件未导入，修正后重新上传",
                         f"file rejected: {len(errors)} errors; nothing was imported", error_count=len(errors),
                         errors=[{"row": e.row, "field": e.field, "message": e.message} for e in errors[:MAX_ERRORS_SHOWN]])


def map_header(header: list[str], aliases_of: dict[str, set[str]] = HEADER_ALIASES,
               required: tuple[str, ...] = ("code", "name")) -> dict[str, int]:
    """Column index of each field; raises when a required column is missing."""
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        title = (title or "").strip().lower()
        for field, aliases in aliases_of.items():
            if title in {a.lower() for a in aliases}:
                columns[field] = index
    missing = [f for f in required if f not in columns]
    if missing:
        raise RegistryImportRejected([RowError(1, f, f"缺少列 {f}（可用列名：{'/'.join(sorted(aliases_of[f]))}）") for f in missing])
    return columns


def parse_rows(header: list[str], rows: list[list[str]]) -> list[ImportRow]:
    """Rows as text, numbered as in the file; every check is left to ``plan_import`` so that
    one answer lists all the errors of the file."""
    columns = map_header(header)
    parsed = []
    for offset, cells in enumerate(rows):
        if not "".join(filter(None, cells)).strip():
            continue  # blank lines are not rows

        def cell(field: str) -> str | None:
            index = columns.get(field)
            if index is None or index >= len(cells):
                return None
            return (cells[index] or "").strip() or None

        parsed.append(ImportRow(offset + 2, cell("code") or "", cell("name") or "", cell("parent_code"), cell("kind")))
    return parsed


def plan_import(rows: list[ImportRow], existing: dict[str, Existing], *, importer_unit: str) -> list[DivisionChange]:
    """Validate every row and return the changes to apply (new or changed divisions only).

    ``existing`` holds the stored divisions for every code of the file and for every parent
    the file refers to that it does not itself define.
    """
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    in_file = {r.code for r in rows}
    placed: dict[str, tuple[Level, str | None]] = {}   # code → level, parent: worked out once per row
    within = prefix_of(importer_unit)
    for row in rows:
        try:
            level = validated_level(row.code)
            placed[row.code] = (level, parent_at(row.code, level))
        except InvalidDivisionCode as exc:
            errors.append(RowError(row.row, "code", str(exc)))
            continue
        if row.code in seen:
            errors.append(RowError(row.row, "code", f"区划代码重复，与第 {seen[row.code]} 行相同"))
            continue
        seen[row.code] = row.row
        if not row.name:
            errors.append(RowError(row.row, "name", "名称为空"))
        elif len(row.name) > MAX_NAME:
            errors.append(RowError(row.row, "name", f"名称超过 {MAX_NAME} 个字符"))
        if not row.code.startswith(within):   # is_within, its prefix worked out once
            errors.append(RowError(row.row, "code", f"{row.code} 不在您的辖区 {importer_unit} 内"))
        level, expected_parent = placed[row.code]
        if row.parent_code is not None and row.parent_code != expected_parent:
            errors.append(RowError(row.row, "parent_code",
                                   f"上级代码 {row.parent_code} 与区划代码前缀矛盾，应为 {expected_parent}"))
        elif expected_parent is not None and expected_parent not in in_file and expected_parent not in existing:
            errors.append(RowError(row.row, "parent_code", f"上级区划 {expected_parent} 不存在（请先导入上级）"))
        if level is Level.VILLAGE:
            if int(row.code[9:]) >= ORGANIZATION_CODES_FROM:
                errors.append(RowError(row.row, "code", f"村级代码 {ORGANIZATION_CODES_FROM}–999 留作非公企业和社会组织的组织代码"
                                                        "（见组织登记导入），行政区划不能使用"))
            if row.kind is not None and row.kind not in VILLAGE_KINDS:
                errors.append(RowError(row.row, "kind", f"城乡分类应为 {'/'.join(sorted(VILLAGE_KINDS))}"))
        elif row.kind is not None:
            errors.append(RowError(row.row, "kind", "只有村级区划有城乡分类"))
    if errors:
        raise RegistryImportRejected(errors)

    changes = []
    for row in rows:
        level, parent = placed[row.code]
        kind = (row.kind or "行政村") if level is Level.VILLAGE else None
        stored = existing.get(row.code)
        if stored and (stored.name, stored.parent_code, stored.kind) == (row.name, parent, kind):
            continue  # unchanged: no new revision, no event
        changes.append(DivisionChange(row.code, row.name, level, parent, kind, (stored.revision + 1) if stored else 1))
    return changes


def referenced_codes(rows: list[ImportRow]) -> set[str]:
    """Codes whose stored state the plan needs: the file's own and their parents."""
    codes = set()
    for row in rows:
        codes.add(row.code)
        try:
            parent = parent_code(row.code)
        except InvalidDivisionCode:
            continue
        if parent:
            codes.add(parent)
    return codes
