"""Rules of the registry of organizations that are not villages (seed 003 篇三: 非公企业 and 社会组织), plain Python.

Such an organization is known outside by its 统一社会信用代码 (USCC, GB 32100-2015) and belongs under the Party
committee of a township (乡镇（街道）). The platform gives it a 12-digit organization code under that township, so
that every service, which keys its records by a village-level code, handles it as it handles a village, with no
change to any schema downstream. The code is assigned once and kept: the same USCC always has the same code,
whatever its name becomes.

The code range: in the statistical division codes (统计用区划代码) the village part (the last three digits) is
001–199 for 居民委员会 and 200–399 for 村民委员会. The platform takes 600–999 for these organizations, far from both,
and leaves 400–599 free as a margin, so that no code the statistics bureau may give a village or community can
meet one given here. 400 organizations per township is well above seed 003's 165 in a whole city.
"""
from __future__ import annotations

from dataclasses import dataclass

from zhengdun.divisions import InvalidDivisionCode, is_within, level_of, parent_code
from zhengdun.refusals import RuleViolation
from zhengdun.roles import Level

from screening.domain.registry import (MAX_NAME, ORGANIZATION_CODES_FROM, DivisionChange, Existing, RegistryImportRejected,
                                       RowError, map_header)

ENTERPRISE = "非公企业"
SOCIAL_ORGANIZATION = "社会组织"
ORGANIZATION_KINDS = (ENTERPRISE, SOCIAL_ORGANIZATION)
FIRST_NUMBER, LAST_NUMBER = ORGANIZATION_CODES_FROM, 999    # the village part of their codes (see the module's note)

HEADER_ALIASES = {
    "uscc": {"uscc", "统一社会信用代码", "信用代码"},
    "name": {"name", "名称", "组织名称"},
    "kind": {"kind", "类型"},
    "attached_to": {"township_code", "attached_to", "所属乡镇（街道）代码", "所属乡镇(街道)代码", "所属乡镇代码"},
}

# GB 32100-2015: the 31 characters of a USCC (digits and capitals without I, O, Z, S, V), each worth its
# position here, and the weights of the first 17 (3^(i-1) mod 31).
USCC_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_character(first_17: str) -> str:
    """The 18th character of a USCC whose first 17 are ``first_17``: 31 − (Σ value×weight mod 31), 31 written 0."""
    total = sum(USCC_CHARACTERS.index(c) * w for c, w in zip(first_17, USCC_WEIGHTS, strict=True))
    return USCC_CHARACTERS[(31 - total % 31) % 31]


def uscc_problem(uscc: str) -> str | None:
    """Why ``uscc`` is not a well-formed 统一社会信用代码, in Chinese; None when it is."""
    if len(uscc) != 18:
        return f"统一社会信用代码应为18位，{uscc!r} 为{len(uscc)}位"
    wrong = sorted({c for c in uscc if c not in USCC_CHARACTERS})
    if wrong:
        return f"统一社会信用代码只能由数字和大写字母（不含I、O、Z、S、V）组成，{uscc} 含有 {''.join(wrong)}"
    expected = uscc_check_character(uscc[:17])
    if uscc[17] != expected:
        return f"统一社会信用代码 {uscc} 的校验码错误：第18位应为 {expected}"
    return None


class CodesExhausted(RuleViolation):
    def __init__(self, township: str):
        super().__init__("organization-codes-exhausted",
                         f"乡镇（街道）{township} 下可分配的组织代码（{FIRST_NUMBER}–{LAST_NUMBER}）已用完",
                         f"no organization code left under township {township}", township_code=township)


def next_code(township: str, taken: set[str]) -> str:
    """The lowest free code of the reserved range under ``township``; refused when none is left."""
    for number in range(FIRST_NUMBER, LAST_NUMBER + 1):
        code = township[:9] + f"{number:03d}"
        if code not in taken:
            return code
    raise CodesExhausted(township)


@dataclass(frozen=True)
class OrganizationRow:
    row: int          # 1-based row number in the file, header = row 1
    uscc: str
    name: str
    kind: str
    attached_to: str  # the township's code, or a community's (then its township)


@dataclass(frozen=True)
class AttachPoint:
    """A stored division a row may name as where the organization belongs."""

    level: Level
    kind: str | None


def parse_organization_rows(header: list[str], rows: list[list[str]]) -> list[OrganizationRow]:
    """Rows as text, numbered as in the file; every check is left to ``plan_organization_import``."""
    columns = map_header(header, HEADER_ALIASES, required=("uscc", "name", "kind", "attached_to"))
    parsed = []
    for offset, cells in enumerate(rows):
        if not any((c or "").strip() for c in cells):
            continue

        def cell(field: str) -> str:
            index = columns[field]
            return (cells[index] or "").strip() if index < len(cells) else ""

        parsed.append(OrganizationRow(offset + 2, cell("uscc").upper(), cell("name"), cell("kind"), cell("attached_to")))
    return parsed


@dataclass(frozen=True)
class OrganizationPlan:
    assigned: dict[str, str]             # USCC → code, new assignments only
    changes: list[DivisionChange]      # new or changed organizations only


def plan_organization_import(rows: list[OrganizationRow], *, codes: dict[str, str], stored: dict[str, Existing],
                             attach_points: dict[str, AttachPoint], taken: dict[str, set[str]],
                             importer_unit: str) -> OrganizationPlan:
    """Validate every row, then give each new organization its code and return the changes to apply.

    ``codes``: the stored code of each USCC of the file that has one; ``stored``: the registry's entry of each
    such code; ``attach_points``: the stored divisions the rows name; ``taken``: every village-level code already
    used under each township the rows lead to (divisions and assigned codes).
    """
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    townships: dict[int, str] = {}
    for row in rows:
        problem = uscc_problem(row.uscc)
        if problem:
            errors.append(RowError(row.row, "uscc", problem))
        elif row.uscc in seen:
            errors.append(RowError(row.row, "uscc", f"统一社会信用代码重复，与第 {seen[row.uscc]} 行相同"))
        else:
            seen[row.uscc] = row.row
        if not row.name:
            errors.append(RowError(row.row, "name", "名称为空"))
        elif len(row.name) > MAX_NAME:
            errors.append(RowError(row.row, "name", f"名称超过 {MAX_NAME} 个字符"))
        if row.kind not in ORGANIZATION_KINDS:
            errors.append(RowError(row.row, "kind", f"类型应为 {'或'.join(ORGANIZATION_KINDS)}"))
        township = _township_of(row, attach_points, importer_unit, errors)
        if township is None:
            continue
        townships[row.row] = township
        code = codes.get(row.uscc)
        if code is not None and not is_within(code, township):
            errors.append(RowError(row.row, "attached_to", f"{row.uscc} 已登记在乡镇（街道）{parent_code(code)} 之下"
                                                           f"（组织代码 {code}），不能改挂到 {township}"))
    if errors:
        raise RegistryImportRejected(errors)

    assigned: dict[str, str] = {}
    changes: list[DivisionChange] = []
    for row in rows:
        township = townships[row.row]
        code = codes.get(row.uscc)
        if code is None:
            used = taken.setdefault(township, set())
            code = next_code(township, used)
            used.add(code)
            assigned[row.uscc] = code
        entry = stored.get(code)
        if entry and (entry.name, entry.parent_code, entry.kind) == (row.name, township, row.kind):
            continue  # unchanged: no new revision, no event
        changes.append(DivisionChange(code, row.name, Level.VILLAGE, township, row.kind,
                                      (entry.revision + 1) if entry else 1))
    return OrganizationPlan(assigned, changes)


def _township_of(row: OrganizationRow, attach_points: dict[str, AttachPoint], importer_unit: str,
                 errors: list[RowError]) -> str | None:
    """The township the row's organization belongs under, or None with the row's error noted."""
    def refuse(message: str) -> None:
        errors.append(RowError(row.row, "attached_to", message))

    try:
        level = level_of(row.attached_to)
    except InvalidDivisionCode:
        refuse(f"所属乡镇（街道）代码应为12位区划代码：{row.attached_to!r}")
        return None
    point = attach_points.get(row.attached_to)
    if point is None:
        refuse(f"区划 {row.attached_to} 不存在（请先导入行政区划）")
        return None
    if level is Level.VILLAGE and point.kind == "社区":
        township = parent_code(row.attached_to)
    elif level is Level.TOWNSHIP:
        township = row.attached_to
    else:
        refuse(f"{row.attached_to} 不是乡镇（街道）或社区的代码")
        return None
    if not is_within(township, importer_unit):
        refuse(f"{row.attached_to} 不在您的辖区 {importer_unit} 内")
        return None
    return township
