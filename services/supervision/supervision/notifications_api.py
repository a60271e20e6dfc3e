"""HTTP routes of the inbox (the console's bell) and of notification preferences: thin."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from supervision import service
from supervision.commands import PreferencesIn, UnitPreferencesIn
from supervision.responses import NotificationOut, NotificationStatistics, PreferencesOut, UnreadCount
from zhengdun.access import authorized
from zhengdun.auth import Principal
from zhengdun.dependencies import Reader, UoW
from zhengdun.pagination import Page, PageParams, page_params
from zhengdun.params import DivisionCode, Uuid

router = APIRouter(tags=["notifications 通知"])


@router.get("/notifications", response_model=Page[NotificationOut], summary="我的通知（站内信，分页，新的在前）")
async def list_notifications(session: Reader, unread: bool = Query(False, description="只看未读"),
                             paging: PageParams = Depends(page_params),
                             principal: Principal = Depends(authorized("notification.read"))):
    return await service.inbox(session, principal, paging, unread_only=unread)


@router.get("/notifications/unread-count", response_model=UnreadCount, summary="未读通知数（铃铛角标）")
async def unread_count(session: Reader, principal: Principal = Depends(authorized("notification.read"))):
    return await service.unread_count(session, principal)


@router.post("/notifications/{notification_id}/read", response_model=NotificationOut, summary="标记为已读")
async def mark_read(notification_id: Uuid, uow: UoW, principal: Principal = Depends(authorized("notification.read"))):
    return await service.mark_read(uow, principal, notification_id)


@router.get("/notifications/preferences", response_model=PreferencesOut, summary="我的通知方式")
async def my_preferences(session: Reader, principal: Principal = Depends(authorized("notification.read"))):
    return await service.my_preferences(session, principal)


@router.put("/notifications/preferences", response_model=PreferencesOut, summary="设置我的通知方式（邮件）")
async def set_my_preferences(body: PreferencesIn, uow: UoW,
                             principal: Principal = Depends(authorized("notification.read"))):
    return await service.set_my_preferences(body, uow, principal)


@router.get("/units/{code}/notification-preferences", response_model=PreferencesOut, summary="单位的通知方式")
async def unit_preferences(code: DivisionCode, session: Reader,
                           _: Principal = Depends(authorized("notification.configure_unit", target="code"))):
    return await service.unit_preferences(session, code)


@router.put("/units/{code}/notification-preferences", response_model=PreferencesOut,
            summary="设置单位的通知方式（单位邮箱、工作群机器人）")
async def set_unit_preferences(code: DivisionCode, body: UnitPreferencesIn, uow: UoW,
                               _: Principal = Depends(authorized("notification.configure_unit", target="code"))):
    return await service.set_unit_preferences(body, uow, code)


@router.get("/notifications/statistics", response_model=NotificationStatistics, summary="辖区通知发送情况")
async def statistics(session: Reader, unit: Annotated[DivisionCode, Query(description="单位代码")],
                     _: Principal = Depends(authorized("supervision.read", target="unit"))):
    return await service.notification_statistics(session, unit)
