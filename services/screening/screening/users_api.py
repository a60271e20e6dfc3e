"""HTTP routes for managing the users of one's subtree (through Keycloak's admin API)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from keycloak.exceptions import KeycloakError
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from screening.domain.users import USERNAME, NewUser, UserRuleViolation, check_new_user, check_unit, roles_after_move
from screening.identity import DuplicateUsername
from zhengdun.access import authorized
from zhengdun.auth import Principal
from zhengdun.divisions import InvalidDivisionCode, validate_code
from zhengdun.events.identity import UserCreated, UserDisabled, UserMoved
from zhengdun.params import DivisionCode, Uuid
from zhengdun.pagination import Page, PageParams, page_params
from zhengdun.problems import Problem, conflict, not_found
from zhengdun.registry import Division

router = APIRouter(prefix="/users", tags=["users 用户管理"])
RoleName = Annotated[str, StringConstraints(pattern="^[a-z][a-z_]*$", max_length=64)]


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


class UserOut(BaseModel):
    id: str
    username: str
    family_name: str
    given_name: str
    enabled: bool
    unit: str | None
    roles: list[str] | None = None


def _rule_problem(exc: UserRuleViolation) -> Problem:
    title = {403: "无权操作 Forbidden", 422: "用户信息不符合规则 Invalid user"}[exc.status]
    return Problem(exc.status, exc.code, title, str(exc))


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
    try:
        check_unit(user["unit"], manager_unit=principal.division_code)
    except UserRuleViolation as exc:
        raise _rule_problem(exc) from None
    return user


@router.post("", status_code=201, response_model=UserOut, summary="在下级单位创建用户")
async def create_user(body: CreateUser, request: Request, principal: Principal = Depends(authorized("user.manage"))):
    new = NewUser(body.username, body.family_name, body.given_name, body.unit, tuple(body.roles), body.email)
    try:
        roles = check_new_user(new, manager_unit=principal.division_code)
    except UserRuleViolation as exc:
        raise _rule_problem(exc) from None
    names = await _unit_names(request, body.unit)
    directory = request.app.state.identity
    group_id = await directory.ensure_group(body.unit, names)
    try:
        user_id = await directory.create_user(username=body.username, family_name=body.family_name,
                                              given_name=body.given_name, email=body.email, group_id=group_id,
                                              roles=roles, initial_password=body.initial_password)
    except DuplicateUsername:
        raise conflict("duplicate-username", f"用户名 {body.username} 已存在") from None
    except KeycloakError as exc:
        raise Problem(422, "identity-provider-refused", "认证服务拒绝了该用户", str(exc)[:300]) from None
    async with request.app.state.runtime.unit_of_work() as uow:
        uow.publish(UserCreated(user_id=user_id, username=body.username, name=body.family_name + body.given_name,
                                unit=body.unit, roles=roles), division_code=body.unit, actor=principal.actor)
        await uow.commit()
    return UserOut(id=user_id, username=body.username, family_name=body.family_name, given_name=body.given_name,
                   enabled=True, unit=body.unit, roles=roles)


@router.get("", response_model=Page[UserOut], summary="辖区内的用户")
async def list_users(request: Request, under: DivisionCode | None = Query(None, description="只列出此单位及其下级的用户"),
                     principal: Principal = Depends(authorized("user.read", target="under")),
                     paging: PageParams = Depends(page_params)):
    members = await request.app.state.identity.members_under(under or principal.division_code)
    items = [UserOut(**m) for m in members[paging.offset:paging.offset + paging.size]]
    return Page[UserOut](items=items, total=len(members), page=paging.page, size=paging.size)


@router.get("/{user_id}", response_model=UserOut, summary="查看下级单位的用户")
async def get_user(user_id: Uuid, request: Request, principal: Principal = Depends(authorized("user.manage"))):
    user = await _managed_user(request, user_id, principal)
    return UserOut(**{k: v for k, v in user.items() if k != "group_ids"})


async def _set_enabled(request: Request, user_id: str, principal: Principal, enabled: bool) -> UserOut:
    user = await _managed_user(request, user_id, principal)
    await request.app.state.identity.set_enabled(user_id, enabled)
    async with request.app.state.runtime.unit_of_work() as uow:
        uow.publish(UserDisabled(user_id=user_id, username=user["username"], unit=user["unit"], enabled=enabled),
                    division_code=user["unit"], actor=principal.actor)
        await uow.commit()
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
    try:
        check_unit(body.unit, manager_unit=principal.division_code)
        add, remove = roles_after_move(set(user["roles"]), body.unit)
    except UserRuleViolation as exc:
        raise _rule_problem(exc) from None
    names = await _unit_names(request, body.unit)
    directory = request.app.state.identity
    group_id = await directory.ensure_group(body.unit, names)
    await directory.move(user_id, old_group_ids=user["group_ids"], new_group_id=group_id, add_roles=add, remove_roles=remove)
    async with request.app.state.runtime.unit_of_work() as uow:
        uow.publish(UserMoved(user_id=user_id, username=user["username"], from_unit=user["unit"], to_unit=body.unit),
                    division_code=body.unit, actor=principal.actor)
        await uow.commit()
    moved = await directory.user(user_id)
    return UserOut(**{k: v for k, v in moved.items() if k != "group_ids"})
