"""Managing the users of one's subtree: the use cases over Keycloak (screening.identity) and the journalled
operations that keep it and the database in step (screening.users_service)."""
from __future__ import annotations

import asyncio

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from screening import user_directory
from screening.commands import CreateUser, CreateUsers, MoveUser, SetRoles
from screening.domain import user_import
from screening.domain.users import (NewUser, RowProblem, check_new_user, check_new_users, check_roles, check_unit,
                                    password_problem, policy_checked_here, policy_rules, roles_after_move,
                                    same_account)
from screening.domain.tables import column_name
from screening.identity import DuplicateUsername, IdentityDirectory, account_email
from screening.registry_files import uploaded_table
from screening.users_service import NewAccount, UserOperationFailed, UserOperations
from zhengdun.auth import Principal
from zhengdun.events.base import Actor
from zhengdun.divisions import InvalidDivisionCode, is_within, validate_code
from zhengdun.pagination import Page, PageParams
from zhengdun.problems import Problem, conflict, not_found
from zhengdun.registry import Division


def view(user: dict) -> dict:
    return {k: v for k, v in user.items() if k != "group_ids"}


async def _unit_names(session: AsyncSession, directory: IdentityDirectory, unit: str) -> dict[str, str]:
    """The unit and its ancestors as the registry names them; the unit must exist there."""
    try:
        validate_code(unit)
    except InvalidDivisionCode as exc:
        raise Problem(422, "invalid-division-code", "区划代码不合法 Invalid division code", str(exc)) from None
    codes = directory.group_path(unit).strip("/").split("/")
    found = {d.code: d.name for d in (await session.execute(
        Division.__table__.select().where(Division.code.in_(codes)))).all()}
    if unit not in found:
        raise Problem(422, "unknown-unit", "单位不存在 Unknown unit", f"区划 {unit} 不在行政区划库中")
    return found


async def managed_user(directory: IdentityDirectory, user_id: str, principal: Principal) -> dict:
    """The user, who must belong to a unit of the manager's subtree."""
    user = await directory.user(user_id)
    if user is None:
        raise not_found(f"用户 {user_id}")
    if not user["unit"]:
        raise Problem(409, "user-without-unit", "用户没有所属单位", "该用户不属于任何单位，请由管理员处理")
    check_unit(user["unit"], manager_unit=principal.division_code)
    return user


async def create_user(command: CreateUser, session: AsyncSession, directory: IdentityDirectory,
                      operations: UserOperations, principal: Principal) -> dict:
    new = NewUser(command.username, command.family_name, command.given_name, command.unit, tuple(command.roles),
                  command.email)
    roles = check_new_user(new, manager_unit=principal.division_code)
    names = await _unit_names(session, directory, command.unit)
    try:
        group_id = await directory.ensure_group(command.unit, names)
        user_id = await operations.create(NewAccount(
            command.username, command.family_name, command.given_name, command.email, command.unit, group_id, roles,
            command.initial_password), actor=principal.actor)
    except DuplicateUsername:
        raise conflict("duplicate-username", f"用户名 {command.username} 已存在", field="username") from None
    except UserOperationFailed as exc:
        raise Problem(422, "identity-provider-refused", "认证服务拒绝了该用户", str(exc)) from None
    return {"id": user_id, "username": command.username, "family_name": command.family_name,
            "given_name": command.given_name, "enabled": True, "unit": command.unit, "roles": roles}


async def list_users(session: AsyncSession, directory: IdentityDirectory, operations: UserOperations, scope: str,
                     username: str | None, paging: PageParams) -> Page:
    """The users under ``scope``, a page of screening's copy of the directory (one indexed query, whatever the
    number of units and users below: screening.user_directory); or the one account named ``username`` if it is
    there, asked of Keycloak itself (a few requests) and written into the copy."""
    if username is not None:
        found = await directory.find_user(username)
        user = await directory.user(found["id"]) if found else None
        if user is not None:
            await operations.remember(view(user))
        members = [view(user)] if user and user["unit"] and is_within(user["unit"], scope) else []
        return Page(items=members[paging.offset:paging.offset + paging.size], total=len(members), page=paging.page,
                    size=paging.size)
    items, total = await user_directory.page(session, scope, paging.offset, paging.size)
    return Page(items=items, total=total, page=paging.page, size=paging.size)


async def set_enabled(user: dict, enabled: bool, operations: UserOperations, actor: Actor) -> dict:
    await operations.set_enabled(user=user, enabled=enabled, actor=actor)
    return view(user | {"enabled": enabled})


async def move_user(command: MoveUser, user: dict, session: AsyncSession, directory: IdentityDirectory,
                    operations: UserOperations, principal: Principal) -> dict:
    """To another unit of the manager's subtree; the level roles follow the unit."""
    check_unit(command.unit, manager_unit=principal.division_code)
    add, remove = roles_after_move(set(user["roles"]), command.unit)
    names = await _unit_names(session, directory, command.unit)
    group_id = await directory.ensure_group(command.unit, names)
    await operations.move(user=user, to_unit=command.unit, group_id=group_id, add_roles=add, remove_roles=remove,
                          actor=principal.actor)
    return view(await directory.user(user["id"]))


async def set_roles(command: SetRoles, user: dict, directory: IdentityDirectory, operations: UserOperations,
                    actor: Actor) -> dict:
    roles = check_roles(tuple(command.roles), user["unit"])
    await operations.set_roles(user=user, roles=roles, actor=actor)
    return view(await directory.user(user["id"]))


BULK_CONCURRENCY = 6   # accounts of a bulk request looked up in Keycloak at once


async def _units_known(session: AsyncSession, directory: IdentityDirectory, units: set[str]) -> dict[str, dict[str, str]]:
    """For each unit that exists in the registry, the names of it and its ancestors (one query for all units)."""
    paths = {unit: directory.group_path(unit).strip("/").split("/") for unit in units}
    codes = {code for chain in paths.values() for code in chain}
    found = {d.code: d.name for d in (await session.execute(
        Division.__table__.select().where(Division.code.in_(codes)))).all()}
    return {unit: {c: found[c] for c in chain if c in found} for unit, chain in paths.items() if unit in found}


async def create_users(command: CreateUsers, session: AsyncSession, directory: IdentityDirectory,
                       operations: UserOperations, principal: Principal, *, lines: list[int] | None = None) -> dict:
    """Many users of the manager's subtree in one request. The whole list is checked first (each row as
    POST /users checks it, its unit in the registry, its username not taken by another account): any bad
    row and nothing is created, the answer names every one. Then the accounts are made a chunk at a time,
    each as one journalled operation like POST /users; groups and roles are looked up once. A username
    whose account already exists with the same names, unit and roles is reported as existing, not refused:
    the same list can be sent again after a failure.

    The passwords go to Keycloak already hashed at a low cost, which Keycloak upgrades to the realm policy's
    hash at each account's first login (screening.identity.create_user): its full-strength hash, some hundred
    milliseconds of CPU per account, would otherwise bound a county's setup to a few accounts a second. The
    realm's password policy is therefore checked here, row by row; under a policy with rules only Keycloak
    knows, the passwords go as they are and Keycloak hashes and judges them, as for POST /users.

    ``lines``: each user's row in the file it came from (import_users_file), for the answer and its errors."""
    new = [NewUser(u.username, u.family_name, u.given_name, u.unit, tuple(u.roles), u.email) for u in command.users]
    roles, problems = check_new_users(new, manager_unit=principal.division_code)
    units = await _units_known(session, directory, {u.unit for u, r in zip(new, roles) if r})
    for row, (user, granted) in enumerate(zip(new, roles), start=1):
        if granted and user.unit not in units:
            problems.append(RowProblem(row, user.username, "unknown-unit", f"区划 {user.unit} 不在行政区划库中", "unit"))
            roles[row - 1] = []
    limit = asyncio.Semaphore(BULK_CONCURRENCY)

    async def account_of(user: NewUser) -> dict | None:
        async with limit:
            found = await directory.find_user(user.username)
            return await directory.user(found["id"]) if found else None
    candidates = [(row, user, granted) for row, (user, granted) in enumerate(zip(new, roles), start=1) if granted]
    accounts = await asyncio.gather(*(account_of(user) for _, user, _ in candidates))
    existing: dict[int, dict] = {}   # row -> the account already made for it
    for (row, user, granted), account in zip(candidates, accounts):
        if account is None:
            continue
        if same_account(account, user, granted):
            existing[row] = account
        else:
            problems.append(RowProblem(row, user.username, "duplicate-username",
                                       f"用户名 {user.username} 已被另一个账号使用", "username"))
    rules = policy_rules(await directory.password_policy())
    prehashed = policy_checked_here(rules)
    for row, (user, asked) in enumerate(zip(new, command.users), start=1):   # of the accounts still to make
        weak = prehashed and roles[row - 1] and row not in existing and password_problem(
            asked.initial_password, rules, username=user.username, email=account_email(user.username, user.email))
        if weak:
            problems.append(RowProblem(row, user.username, "password-policy", weak, "initial_password"))
    if problems:
        raise _refused_rows(problems, lines=lines)

    groups = {unit: await directory.ensure_group(unit, names) for unit, names in units.items()}
    to_make = [row for row in range(1, len(new) + 1) if row not in existing]
    made = dict(zip(to_make, await operations.create_many([
        NewAccount(new[row - 1].username, new[row - 1].family_name, new[row - 1].given_name, new[row - 1].email,
                   new[row - 1].unit, groups[new[row - 1].unit], roles[row - 1], command.users[row - 1].initial_password)
        for row in to_make], actor=principal.actor, prehashed=prehashed)))
    refused = [RowProblem(row, new[row - 1].username, "duplicate-username", f"用户名 {new[row - 1].username} 已存在",
                          "username")   # taken since the check: a retry with the same list tells which
               if isinstance(outcome, DuplicateUsername) else
               RowProblem(row, new[row - 1].username, "identity-provider-refused", f"认证服务拒绝了该用户：{outcome}", None)
               for row, outcome in made.items() if isinstance(outcome, Exception)]
    if refused:   # the others are made; sending the corrected list again finds them as existing
        raise _refused_rows(refused, created=sum(1 for outcome in made.values() if isinstance(outcome, str)), lines=lines)
    items = []
    for row, (user, granted) in enumerate(zip(new, roles), start=1):
        account = existing.get(row, {"id": made.get(row), "enabled": True})
        items.append({"row": lines[row - 1] if lines else row, "outcome": "existing" if row in existing else "created", "id": account["id"],
                      "username": user.username, "family_name": user.family_name, "given_name": user.given_name, "enabled": account["enabled"],
                      "unit": user.unit, "roles": granted})
    return {"created": sum(1 for i in items if i["outcome"] == "created"),
            "existing": sum(1 for i in items if i["outcome"] == "existing"), "items": items}


async def import_users_file(filename: str, content: bytes, session: AsyncSession, directory: IdentityDirectory,
                            operations: UserOperations, principal: Principal) -> dict:
    """A file of accounts (CSV or XLSX, one per row, columns named in Chinese): every row's cells checked first,
    any error and none is made; then the accounts are made as POST /users/bulk makes them, the rows of the
    answer and of its errors being the file's."""
    accounts = user_import.accounts_from_table(*uploaded_table(filename, content, user_import.MAX_IMPORT_BYTES))
    users, errors = [], []
    for account in accounts:
        try:
            users.append(CreateUser(username=account.username, family_name=account.family_name,
                                    given_name=account.given_name, unit=account.unit, roles=list(account.roles),
                                    initial_password=account.initial_password, email=account.email))
        except ValidationError as invalid:   # what the row checks let through and the command still refuses
            errors += [user_import.RowError(account.row, str(e["loc"][0]), "格式不正确") for e in invalid.errors()]
    if errors:
        raise user_import.UserImportRejected(errors)
    return await create_users(CreateUsers(users=users), session, directory, operations, principal,
                              lines=[a.row for a in accounts])


def _refused_rows(problems: list[RowProblem], created: int = 0, lines: list[int] | None = None) -> Problem:
    problems = sorted(problems, key=lambda p: p.row)
    rows = "、".join(str(lines[p.row - 1] if lines else p.row) for p in problems)
    if any(p.forbidden for p in problems):   # as POST /users: what the manager may not do is a 403
        return Problem(403, "user-rows-not-permitted", "无权创建名单中的部分用户 Forbidden rows",
                       f"第 {rows} 行有误（其中有不在您下级单位或不能授予的角色），未创建任何用户",
                       errors=_row_errors(problems, lines))
    detail = (f"第 {rows} 行有误，未创建任何用户；改正后重新提交整份名单" if not created else
              f"已创建 {created} 个用户；第 {rows} 行被拒绝，改正后重新提交整份名单（已创建的用户视为已存在）")
    return Problem(422, "invalid-user-rows", "用户名单有误 Invalid rows", detail,
                   errors=_row_errors(problems, lines))


def _row_errors(problems: list[RowProblem], lines: list[int] | None = None) -> list[dict]:
    if lines:   # a file's rows: the row in the file, the column by its name
        return [{"field": p.field or "", "column": column_name(p.field or "", user_import.COLUMNS),
                 "message": p.message, "type": p.code, "row": lines[p.row - 1], "username": p.username} for p in problems]
    return [{"field": f"body.users.{p.row - 1}" + (f".{p.field}" if p.field else ""), "message": p.message,
             "type": p.code, "row": p.row, "username": p.username} for p in problems]
