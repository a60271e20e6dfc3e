"""Managing the users of one's subtree: the use cases over Keycloak (screening.identity) and the journalled
operations that keep it and the database in step (screening.users_service)."""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from screening.commands import CreateUser, MoveUser, SetRoles
from screening.domain.users import NewUser, check_new_user, check_roles, check_unit, roles_after_move
from screening.identity import DuplicateUsername, IdentityDirectory
from screening.users_service import UserOperationFailed, UserOperations
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
        user_id = await operations.create(
            username=command.username, family_name=command.family_name, given_name=command.given_name,
            email=command.email, unit=command.unit, group_id=group_id, roles=roles,
            initial_password=command.initial_password, actor=principal.actor)
    except DuplicateUsername:
        raise conflict("duplicate-username", f"用户名 {command.username} 已存在", field="username") from None
    except UserOperationFailed as exc:
        raise Problem(422, "identity-provider-refused", "认证服务拒绝了该用户", str(exc)) from None
    return {"id": user_id, "username": command.username, "family_name": command.family_name,
            "given_name": command.given_name, "enabled": True, "unit": command.unit, "roles": roles}


async def list_users(directory: IdentityDirectory, scope: str, username: str | None, paging: PageParams) -> Page:
    """The users under ``scope`` (Keycloak's tree, paged here), or the one account named ``username`` if it is there."""
    if username is not None:   # one account, looked up directly rather than by walking the tree
        found = await directory.find_user(username)
        user = await directory.user(found["id"]) if found else None
        members = [user] if user and user["unit"] and is_within(user["unit"], scope) else []
    else:
        members = await directory.members_under(scope)
    shown = members[paging.offset:paging.offset + paging.size]
    # The tree walk reads accounts without their roles: fetch them for this page only.
    roles = await directory.realm_roles([m["id"] for m in shown if m.get("roles") is None])
    items = [view(m) | ({"roles": roles[m["id"]]} if m["id"] in roles else {}) for m in shown]
    return Page(items=items, total=len(members), page=paging.page, size=paging.size)


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
