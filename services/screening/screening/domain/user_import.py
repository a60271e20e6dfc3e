"""Reading a list of accounts from a file (CSV or XLSX, one account per row): a county opening its townships'
and villages' accounts in one go (plain Python).

The columns are named in Chinese as people write them (登录名、姓、名、所属单位、角色、初始密码、电子邮箱); the roles
of a row are their Chinese names or their codes, separated by 、 , ； or spaces. What can be judged from the cells
alone is judged here, every row at once; the rest (units in the registry, roles at the unit's level, usernames
taken) is the bulk creation's, as for ``POST /users/bulk``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from zhengdun.roles import REVIEW_DEPARTMENT_LABELS, ROLE_LABELS

from screening.domain.tables import RowError, TableRejected, columns_found, missing_columns_message, numbered_rows
from screening.domain.users import GRANTABLE_AT, USERNAME

MAX_ROWS = 2000              # as POST /users/bulk
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_ROLES = 20               # as CreateUser

COLUMNS = {
    "username": ("登录名", {"登录名", "用户名", "账号", "username"}),
    "family_name": ("姓", {"姓", "family_name"}),
    "given_name": ("名", {"名", "given_name"}),
    "unit": ("所属单位", {"所属单位", "所属单位代码", "单位", "单位代码", "区划代码", "unit"}),
    "roles": ("角色", {"角色", "职能角色", "roles"}),
    "initial_password": ("初始密码", {"初始密码", "密码", "initial_password"}),
    "email": ("电子邮箱", {"电子邮箱", "邮箱", "email"}),
}
REQUIRED_COLUMNS = ("username", "family_name", "given_name", "unit", "roles", "initial_password")

# A role as written: its Chinese name (联合审查部门 by department: “联合审查部门（审计）” or just “审计”) or its code.
ROLE_BY_NAME: dict[str, str] = {
    **{str(role): str(role) for role in GRANTABLE_AT},
    **{label: str(role) for role, label in ROLE_LABELS.items() if role in GRANTABLE_AT},
    **{label: department.role for department, label in REVIEW_DEPARTMENT_LABELS.items()},
    **{f"联合审查部门（{label}）": department.role for department, label in REVIEW_DEPARTMENT_LABELS.items()},
    **{f"联合审查部门({label})": department.role for department, label in REVIEW_DEPARTMENT_LABELS.items()},
}
ROLE_SEPARATORS = re.compile(r"[、,，;；\s]+")
UNIT = re.compile(r"^\d{12}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


class UserImportRejected(TableRejected):
    def __init__(self, errors: list[RowError]):
        super().__init__("user-import-rejected", f"名单被拒绝，共 {len(errors)} 处错误；未创建任何用户，修正后重新上传",
                         f"file rejected: {len(errors)} errors; no account was made", errors, COLUMNS)


@dataclass(frozen=True)
class AccountRow:
    """One account as the file gives it, with its row number in the file."""
    row: int
    username: str
    family_name: str
    given_name: str
    unit: str
    roles: tuple[str, ...]
    initial_password: str
    email: str | None


def accounts_from_table(header: list[str], rows: list[list[str]]) -> list[AccountRow]:
    """The file's accounts in order (blank lines skipped), or the whole file refused with every error."""
    columns = columns_found(header, COLUMNS)
    missing = [f for f in REQUIRED_COLUMNS if f not in columns]
    if missing:
        raise UserImportRejected([RowError(1, f, missing_columns_message(f, COLUMNS)) for f in missing])
    cells_of = numbered_rows(rows, columns)
    if not cells_of:
        raise UserImportRejected([RowError(2, "username", "文件中没有用户数据行")])
    if len(cells_of) > MAX_ROWS:
        raise UserImportRejected([RowError(MAX_ROWS + 2, "username", f"一个文件最多 {MAX_ROWS} 个用户")])
    accounts, errors = [], []
    for row, cells in cells_of:
        problems = row_problems(cells)
        errors += [RowError(row, field, message) for field, message in problems]
        if not problems:
            accounts.append(AccountRow(row, cells["username"], cells["family_name"], cells["given_name"], cells["unit"],
                                       roles_named(cells["roles"]), cells["initial_password"], cells.get("email") or None))
    if errors:
        raise UserImportRejected(errors)
    return accounts


def row_problems(cells: dict[str, str]) -> list[tuple[str, str]]:
    """What is wrong with one row's cells, as (field, message in Chinese)."""
    problems = [(f, f"“{COLUMNS[f][0]}”不能为空") for f in REQUIRED_COLUMNS if not cells.get(f)]
    if cells.get("username") and not USERNAME.match(cells["username"]):
        problems.append(("username", "登录名须为3-64位小写字母、数字或 . _ -，以字母或数字开头"))
    for field, most in (("family_name", 20), ("given_name", 40)):
        if len(cells.get(field, "")) > most:
            problems.append((field, f"“{COLUMNS[field][0]}”最多 {most} 个字"))
    if cells.get("unit") and not UNIT.match(cells["unit"]):
        problems.append(("unit", "所属单位应为12位区划代码（在 Excel 中请把该列设为文本，以免变成科学计数法）"))
    if cells.get("roles"):
        unknown = [name for name in ROLE_SEPARATORS.split(cells["roles"]) if name and name not in ROLE_BY_NAME]
        if unknown:
            problems.append(("roles", f"不认识的角色：{'、'.join(unknown)}（填写角色的中文名称，多个用顿号分隔）"))
        elif len(roles_named(cells["roles"])) > MAX_ROLES:
            problems.append(("roles", f"一个用户最多 {MAX_ROLES} 个角色"))
    password = cells.get("initial_password", "")
    if password and not 8 <= len(password) <= 128:
        problems.append(("initial_password", "初始密码应为8-128位"))
    email = cells.get("email", "")
    if email and (len(email) > 254 or not EMAIL.match(email)):
        problems.append(("email", "电子邮箱格式不正确"))
    return problems


def roles_named(cell: str) -> tuple[str, ...]:
    """The role codes a cell names, each once, in the order written."""
    return tuple(dict.fromkeys(ROLE_BY_NAME[name] for name in ROLE_SEPARATORS.split(cell) if name))
