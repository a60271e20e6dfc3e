"""HTTP routes for managing the users of one's subtree (through Keycloak's admin API); the use cases are in
screening.service.users."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile

from screening.commands import CreateUser, CreateUsers, MoveUser, SetRoles
from screening.domain import user_import
from screening.identity import IdentityDirectory, IdentityUnavailable
from screening.responses import BulkUsersOut, UserOut
from screening.service import users
from screening.users_service import UserOperations
from zhengdun import attachments
from zhengdun.access import authorized
from zhengdun.auth import Principal
from zhengdun.dependencies import Reader
from zhengdun.params import DivisionCode, Uuid
from zhengdun.pagination import Page, PageParams, page_params
from zhengdun.problems import Problem, problem_response

router = APIRouter(prefix="/users", tags=["users 用户管理"])
MANAGE = authorized("user.manage")  # one guard object, so this_user reuses the principal it resolved


def identity_unavailable(request: Request, exc: IdentityUnavailable):
    """Keycloak unreachable: 503 problem+json. A change already journalled is finished (or given up)
    by the reconciler once Keycloak is back, so nothing stays half-done (screening.users_service)."""
    return problem_response(Problem(503, "identity-provider-unavailable", "认证服务暂不可用 Identity provider unavailable",
                                    "用户管理暂时无法使用，请稍后重试；已登录的用户不受影响 (retry later)"), request)


def _directory(request: Request) -> IdentityDirectory:
    return request.app.state.identity


def _operations(request: Request) -> UserOperations:
    return request.app.state.users


Directory = Annotated[IdentityDirectory, Depends(_directory)]
Operations = Annotated[UserOperations, Depends(_operations)]


async def this_user(user_id: Uuid, directory: Directory, principal: Principal = Depends(MANAGE)) -> dict:
    """The user of the path, who must belong to the manager's subtree."""
    return await users.managed_user(directory, user_id, principal)


ThisUser = Annotated[dict, Depends(this_user)]


@router.post("", status_code=201, response_model=UserOut, summary="在下级单位创建用户",
             responses={503: {"description": "认证服务暂不可用，未做任何更改 (Keycloak unreachable; nothing changed)"}})
async def create_user(body: CreateUser, session: Reader, directory: Directory, operations: Operations,
                      principal: Principal = Depends(MANAGE)):
    return await users.create_user(body, session, directory, operations, principal)


@router.post("/bulk", response_model=BulkUsersOut, summary="批量创建下级单位的用户（如县为各乡镇开设账号）",
             responses={422: {"description": "名单有误：逐行列出（errors[].row），一个也未创建"},
                        503: {"description": "认证服务暂不可用；已创建的用户在重新提交同一名单时视为已存在"}})
async def create_users(body: CreateUsers, session: Reader, directory: Directory, operations: Operations,
                       principal: Principal = Depends(MANAGE)):
    return await users.create_users(body, session, directory, operations, principal)


@router.post("/import", response_model=BulkUsersOut,
             summary="从文件批量创建下级单位的用户（CSV 或 XLSX，每人一行，列：登录名、姓、名、所属单位、角色、初始密码、电子邮箱）",
             responses={422: {"description": "文件有误：逐行列出（errors[].row 为文件中的行号，column 为列名），一个也未创建"},
                        503: {"description": "认证服务暂不可用；已创建的用户在重新上传同一文件时视为已存在"}})
async def import_users(session: Reader, directory: Directory, operations: Operations, file: UploadFile = File(...),
                       principal: Principal = Depends(MANAGE)):
    filename, content = await attachments.read_upload(file, user_import.MAX_IMPORT_BYTES)
    return await users.import_users_file(filename, content, session, directory, operations, principal)


@router.get("", response_model=Page[UserOut], summary="辖区内的用户")
async def list_users(session: Reader, directory: Directory, operations: Operations, under: DivisionCode | None = Query(None, description="只列出此单位及其下级的用户"),
                     username: str | None = Query(None, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]*$",
                                                  description="只找这个登录名的用户（在辖区内时）"),
                     principal: Principal = Depends(authorized("user.read", target="under")),
                     paging: PageParams = Depends(page_params)):
    return await users.list_users(session, directory, operations, under or principal.division_code, username,
                                  paging)


@router.get("/{user_id}", response_model=UserOut, summary="查看下级单位的用户")
async def get_user(user_id: Uuid, user: ThisUser, principal: Principal = Depends(MANAGE)):
    return users.view(user)


@router.post("/{user_id}/disable", response_model=UserOut, summary="停用用户（不能再取得令牌）")
async def disable_user(user_id: Uuid, user: ThisUser, operations: Operations, principal: Principal = Depends(MANAGE)):
    return await users.set_enabled(user, False, operations, principal.actor)


@router.post("/{user_id}/enable", response_model=UserOut, summary="恢复用户")
async def enable_user(user_id: Uuid, user: ThisUser, operations: Operations, principal: Principal = Depends(MANAGE)):
    return await users.set_enabled(user, True, operations, principal.actor)


@router.put("/{user_id}/unit", response_model=UserOut, summary="调整用户所属单位")
async def move_user(user_id: Uuid, body: MoveUser, user: ThisUser, session: Reader, directory: Directory,
                    operations: Operations, principal: Principal = Depends(MANAGE)):
    return await users.move_user(body, user, session, directory, operations, principal)


@router.put("/{user_id}/roles", response_model=UserOut, summary="调整用户的职能角色")
async def set_roles(user_id: Uuid, body: SetRoles, user: ThisUser, directory: Directory, operations: Operations,
                    principal: Principal = Depends(MANAGE)):
    return await users.set_roles(body, user, directory, operations, principal.actor)
