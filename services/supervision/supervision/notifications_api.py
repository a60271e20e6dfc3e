"""HTTP routes of the inbox (the console's bell) and of notification preferences: thin."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from supervision import notifications
from supervision.domain.notices import Kind
from supervision.models import NotificationPreference
from zhengdun.params import DivisionCode, Uuid
from zhengdun.access import authorized
from zhengdun.auth import Principal
from zhengdun.pagination import Page, PageParams, page_params
from zhengdun.problems import Problem

router = APIRouter(tags=["notifications 通知"])
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class NotificationOut(BaseModel):
    notification_id: str
    kind: Kind
    kind_label: str
    title: str
    body: str
    unit_code: str
    user_id: str | None = Field(description="the person told; none: told to the members of unit_code")
    campaign_id: str | None
    reference: str | None
    created_on: date
    created_at: datetime
    read: bool


class UnreadCount(BaseModel):
    unread: int


class PreferencesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str | None = Field(None, pattern=EMAIL, max_length=200, description="默认取登录账号的邮箱")
    email_enabled: bool = False


class UnitPreferencesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str | None = Field(None, pattern=EMAIL, max_length=200)
    email_enabled: bool = False
    webhook_url: HttpUrl | None = Field(None, description="单位工作群机器人 Webhook 地址（企业微信/钉钉）")
    webhook_kind: Literal["wecom", "dingtalk"] = "wecom"


class PreferencesOut(BaseModel):
    owner: str
    email: str | None
    email_enabled: bool
    webhook_url: str | None = None
    webhook_kind: str | None = None


def _out(row, read: bool) -> NotificationOut:
    return NotificationOut(notification_id=row.notification_id, kind=Kind(row.kind), kind_label=Kind(row.kind).label,
                           title=row.title, body=row.body, unit_code=row.unit_code, user_id=row.user_id,
                           campaign_id=row.campaign_id, reference=row.reference, created_on=row.created_on,
                           created_at=row.created_at, read=read)


def _session(request: Request):
    return request.app.state.runtime.session_factory()


@router.get("/notifications", response_model=Page[NotificationOut], summary="我的通知（站内信，分页，新的在前）")
async def list_notifications(request: Request, unread: bool = Query(False, description="只看未读"),
                             paging: PageParams = Depends(page_params),
                             principal: Principal = Depends(authorized("notification.read"))):
    async with _session(request) as session:
        rows, total = await notifications.inbox(session, principal.user_id, principal.division_code, unread_only=unread,
                                                offset=paging.offset, limit=paging.size)
    return Page[NotificationOut](items=[_out(r, read) for r, read in rows], total=total, page=paging.page, size=paging.size)


@router.get("/notifications/unread-count", response_model=UnreadCount, summary="未读通知数（铃铛角标）")
async def unread_count(request: Request, principal: Principal = Depends(authorized("notification.read"))):
    async with _session(request) as session:
        return UnreadCount(unread=await notifications.unread_count(session, principal.user_id, principal.division_code))


@router.post("/notifications/{notification_id}/read", response_model=NotificationOut, summary="标记为已读")
async def mark_read(notification_id: Uuid, request: Request,
                    principal: Principal = Depends(authorized("notification.read"))):
    async with _session(request) as session, session.begin():
        row = await notifications.mark_read(session, principal.user_id, principal.division_code, notification_id)
    if row is None:
        raise Problem(404, "not-found", "通知不存在 Not found", f"no notification {notification_id} in your inbox")
    return _out(row, True)


@router.get("/notifications/preferences", response_model=PreferencesOut, summary="我的通知方式")
async def my_preferences(request: Request, principal: Principal = Depends(authorized("notification.read"))):
    owner = notifications.user_owner(principal.user_id)
    async with _session(request) as session:
        pref = await session.get(NotificationPreference, owner)
    if pref is None:
        return PreferencesOut(owner=owner, email=principal.claims.get("email"), email_enabled=False)
    return PreferencesOut(owner=owner, email=pref.email, email_enabled=pref.email_enabled)


@router.put("/notifications/preferences", response_model=PreferencesOut, summary="设置我的通知方式（邮件）")
async def set_my_preferences(body: PreferencesIn, request: Request,
                             principal: Principal = Depends(authorized("notification.read"))):
    email = body.email or principal.claims.get("email")
    if body.email_enabled and not email:
        raise Problem(422, "email-missing", "缺少邮箱 Email missing", "no email given and none on the account",
                      errors=[{"field": "email", "message": "required to enable email"}])
    return await _save(request, notifications.user_owner(principal.user_id), email=email,
                       email_enabled=body.email_enabled)


@router.get("/units/{code}/notification-preferences", response_model=PreferencesOut, summary="单位的通知方式")
async def unit_preferences(code: DivisionCode, request: Request,
                           _: Principal = Depends(authorized("notification.configure_unit", target="code"))):
    owner = notifications.unit_owner(code)
    async with _session(request) as session:
        pref = await session.get(NotificationPreference, owner)
    if pref is None:
        return PreferencesOut(owner=owner, email=None, email_enabled=False)
    return PreferencesOut(owner=owner, email=pref.email, email_enabled=pref.email_enabled, webhook_url=pref.webhook_url,
                          webhook_kind=pref.webhook_kind)


@router.put("/units/{code}/notification-preferences", response_model=PreferencesOut,
            summary="设置单位的通知方式（单位邮箱、工作群机器人）")
async def set_unit_preferences(code: DivisionCode, body: UnitPreferencesIn, request: Request,
                               _: Principal = Depends(authorized("notification.configure_unit", target="code"))):
    if body.email_enabled and not body.email:
        raise Problem(422, "email-missing", "缺少邮箱 Email missing", "email_enabled needs an email",
                      errors=[{"field": "email", "message": "required to enable email"}])
    return await _save(request, notifications.unit_owner(code), email=body.email, email_enabled=body.email_enabled,
                       webhook_url=str(body.webhook_url) if body.webhook_url else None,
                       webhook_kind=body.webhook_kind if body.webhook_url else None)


async def _save(request: Request, owner: str, **values) -> PreferencesOut:
    from sqlalchemy.dialects.postgresql import insert

    async with _session(request) as session, session.begin():
        await session.execute(insert(NotificationPreference).values(owner=owner, **values)
                              .on_conflict_do_update(index_elements=["owner"], set_=values))
    return PreferencesOut(owner=owner, **{"webhook_url": None, "webhook_kind": None, **values})


class NotificationStatistics(BaseModel):
    unit: str
    notifications: int = Field(description="notifications created for units and people of the subtree (inbox)")
    deliveries_sent: int = Field(description="emails and robot messages sent for them")
    deliveries_pending: int = Field(description="still to send (retried with backoff)")


@router.get("/notifications/statistics", response_model=NotificationStatistics, summary="辖区通知发送情况")
async def statistics(request: Request, unit: Annotated[DivisionCode, Query(description="单位代码")],
                     _: Principal = Depends(authorized("supervision.read", target="unit"))):
    async with _session(request) as session:
        counts = await notifications.statistics(session, unit)
    return NotificationStatistics(unit=unit, **counts)
