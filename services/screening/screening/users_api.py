"""HTTP routes for managing the users of one's subtree (through Keycloak's admin API)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from screening.domain.users import (USERNAME, NewUser, check_new_user, check_roles, check_unit,
                                    roles_after_move)
from screening.identity import DuplicateUsername, IdentityUnavailable
from screening.users_service import UserOperationFailed
from zhengdun.access import authorized
from zhengdun.auth import Principal
from zhengdun.divisions import InvalidDivisionCode, is_within, validate_code
from zhengdun.params import DivisionCode, Uuid
from zhengdun.pagination import Page, PageParams, page_params
from zhengdun.problems import Problem, conflict, not_found, problem_response
from zhengdun.registry import Division

router = APIRouter(prefix="/users", tags=["users 用户管理"])
RoleName = Annotated[str, StringConstraints(pattern="^[a-z][a-z_]*$", max_length=64)]


def identity_unavailable(request: Request, exc: IdentityUnavailable):
    """Keycloak unreachable: 503 problem+json. A change already journalled is finished (or given up)
    by the reconciler once Keycloak is back, so nothing stays half-done (screening.users_service)."""
    return problem_response(Problem(503, "identity-provider-unavailable", "认证服务暂不可用 Identity provider unavailable",
                                    "用户管理暂时无法使用，请稍后重试；已登录的用户不受影响 (retry later)"), request)


class CreateUser(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(pattern=USERNAME.pattern, description="登录名：3-64位小写字母、数字、. _ -，以字母或数字开头")
    family_name: str = Field(min_length=1, max_length=20, description="姓")
    given_name: str = Field(min_length=1, max_length=40, description="名")
    email: str | None = Field(None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    unit: DivisionCode = Field(description="所属单位的12位区划代码（每个用户只属于一个单位）")
    roles: list[RoleName] = Field(min_length=1, max_length=20, description="职能角色，如 township_committee、work_team_member")
    initial_password: str = Field(min_length=8, max_length=128)


class MoveUser(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit: DivisionCode


class SetRoles(BaseModel):
    model_config = ConfigDict(extra="forbid")

    roles: list[RoleName] = Field(max_length=20, description="职能角色（按所属单位的层级授予）；层级角色随单位自动设定")


class UserOut(BaseModel):
    id: str
    username: str
    family_name: str
    given_name: str
    enabled: bool
    unit: str | None
    roles: list[str] | None = Field(None, description="角色：职能角色及随单位的层级角色")


async def _unit_names(request: Request, unit: str) -> dict[str, str]:
    """The unit and its ancestors as the registry names them; the unit must exist there."""
    try:
        validate_code(unit)
    except InvalidDivisionCode as exc:
        raise Problem(422, "invalid-division-code", "区划代码不合法 Invalid division code", str(exc)) from None
    directory = request.app.state.identity
    codes = directory.group_path(unit).strip("/").split("/")
    async with request.app.state.runtime.session_factory() as session:
        found = {d.code: d.name for d in (await session.execute(
            Division.__table__.select().where(Division.code.in_(codes)))).all()}
    if unit not in found:
        raise Problem(422, "unknown-unit", "单位不存在 Unknown unit", f"区划 {unit} 不在行政区划库中")
    return found


async def _managed_user(request: Request, user_id: str, principal: Principal) -> dict:
    user = await request.app.state.identity.user(user_id)
    if user is None:
        raise not_found(f"用户 {user_id}")
    if not user["unit"]:
        raise Problem(409, "user-without-unit", "用户没有所属单位", "该用户不属于任何单位，请由管理员处理")
    check_unit(user["unit"], manager_unit=principal.division_code)
    return user


@router.post("", status_code=201, response_model=UserOut, summary="在下级单位创建用户",
             responses={503: {"description": "认证服务暂不可用，未做任何更改 (Keycloak unreachable; nothing changed)"}})
async def create_user(body: CreateUser, request: Request, principal: Principal = Depends(authorized("user.manage"))):
    new = NewUser(body.username, body.family_name, body.given_name, body.unit, tuple(body.roles), body.email)
    roles = check_new_user(new, manager_unit=principal.division_code)
    names = await _unit_names(request, body.unit)
    directory = request.app.state.identity
    try:
        group_id = await directory.ensure_group(body.unit, names)
        user_id = await request.app.state.users.create(
            username=body.username, family_name=body.family_name, given_name=body.given_name, email=body.email,
            unit=body.unit, group_id=group_id, roles=roles, initial_password=body.initial_password, actor=principal.actor)
    except DuplicateUsername:
        raise conflict("duplicate-username", f"用户名 {body.username} 已存在", field="username") from None
    except UserOperationFailed as exc:
        raise Problem(422, "identity-provider-refused", "认证服务拒绝了该用户", str(exc)) from None
    return UserOut(id=user_id, username=body.username, family_name=body.family_name, given_name=body.given_name,
                   enabled=True, unit=body.unit, roles=roles)


@router.get("", response_model=Page[UserOut], summary="辖区内的用户")
async def list_users(request: Request, under: DivisionCode | None = Query(None, description="只列出此单位及其下级的用户"),
                     username: str | None = Query(None, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]*$",
                                                  description="只找这个登录名的用户（在辖区内时）"),
                     principal: Principal = Depends(authorized("user.read", target="under")),
                     paging: PageParams = Depends(page_params)):
    directory = request.app.state.identity
    scope = under or principal.division_code
    if username is not None:   # one account, looked up directly rather than by walking the tree
        found = await directory.find_user(username)
        user = await directory.user(found["id"]) if found else None
        members = [user] if user and user["unit"] and is_within(user["unit"], scope) else []
    else:
        members = await directory.members_under(scope)
    shown = members[paging.offset:paging.offset + paging.size]
    # The tree walk reads accounts without their roles: fetch them for this page only.
    roles = await directory.realm_roles([m["id"] for m in shown if m.get("roles") is None])
    items = [UserOut(**{k: v for k, v in m.items() if k != "group_ids"} | ({"roles": roles[m["id"]]} if m["id"] in roles else {}))
             for m in shown]
    return Page[UserOut](items=items, total=len(members), page=paging.page, size=paging.size)


@router.get("/{user_id}", response_model=UserOut, summary="查看下级单位的用户")
async def get_user(user_id: Uuid, request: Request, principal: Principal = Depends(authorized("user.manage"))):
    user = await _managed_user(request, user_id, principal)
    return UserOut(**{k: v for k, v in user.items() if k != "group_ids"})


async def _set_enabled(request: Request, user_id: str, principal: Principal, enabled: bool) -> UserOut:
    user = await _managed_user(request, user_id, principal)
    await request.app.state.users.set_enabled(user=user, enabled=enabled, actor=principal.actor)
    user["enabled"] = enabled
    return UserOut(**{k: v for k, v in user.items() if k != "group_ids"})


@router.post("/{user_id}/disable", response_model=UserOut, summary="停用用户（不能再取得令牌）")
async def disable_user(user_id: Uuid, request: Request, principal: Principal = Depends(authorized("user.manage"))):
    return await _set_enabled(request, user_id, principal, False)


@router.post("/{user_id}/enable", response_model=UserOut, summary="恢复用户")
async def enable_user(user_id: Uuid, request: Request, principal: Principal = Depends(authorized("user.manage"))):
    return await _set_enabled(request, user_id, principal, True)


@router.put("/{user_id}/unit", response_model=UserOut, summary="调整用户所属单位")
async def move_user(user_id: Uuid, body: MoveUser, request: Request,
                    principal: Principal = Depends(authorized("user.manage"))):
    user = await _managed_user(request, user_id, principal)
    check_unit(body.unit, manager_unit=principal.division_code)
    add, remove = roles_after_move(set(user["roles"]), body.unit)
    names = await _unit_names(request, body.unit)
    directory = request.app.state.identity
    group_id = await directory.ensure_group(body.unit, names)
    await request.app.state.users.move(user=user, to_unit=body.unit, group_id=group_id, add_roles=add,
                                       remove_roles=remove, actor=principal.actor)
    moved = await directory.user(user_id)
    return UserOut(**{k: v for k, v in moved.items() if k != "group_ids"})


@router.put("/{user_id}/roles", response_model=UserOut, summary="调整用户的职能角色")
async def set_roles(user_id: Uuid, body: SetRoles, request: Request,
                    principal: Principal = Depends(authorized("user.manage"))):
    user = await _managed_user(request, user_id, principal)
    roles = check_roles(tuple(body.roles), user["unit"])
    await request.app.state.users.set_roles(user=user, roles=roles, actor=principal.actor)
    changed = await request.app.state.identity.user(user_id)
    return UserOut(**{k: v for k, v in changed.items() if k != "group_ids"})
