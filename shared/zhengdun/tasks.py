"""The to-do list (我的待办): the one shape in which every service answers ``GET /tasks``.

Each service decides *what* is pending in its own ``domain/tasks.py`` (plain rules over its state) and
reads that state in ``service.py``; this module holds only what the five share: the ``Pending`` step the
rules return, the answer's model, urgency, ordering and the route. Nothing is stored: the list is
computed from the service's state on every call, so a step disappears the moment it is done.

Console routes (see services/README.md): a task's ``route`` is ``/<service>`` followed by the API path of
the write that takes the step, ids filled in, e.g. ``/screening/campaigns/C1/rounds/R1/townships/
990102101000/submit``; ``action`` names the same call (service, method, path) for the console to send.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from zhengdun.dependencies import Reader
from zhengdun.divisions import level_of
from zhengdun.pagination import PageParams, page_params
from zhengdun.params import Identifier

DUE_SOON_DAYS = 7


class Urgency(StrEnum):
    OVERDUE = "overdue"
    DUE_TODAY = "due_today"
    DUE_SOON = "due_soon"
    UPCOMING = "upcoming"
    NO_DEADLINE = "no_deadline"

    @property
    def label(self) -> str:
        return URGENCY_LABELS[self]

    @property
    def rank(self) -> int:
        """0 = most urgent (the console sorts merged lists by it, then by ``days_overdue``)."""
        return list(Urgency).index(self)


URGENCY_LABELS = {Urgency.OVERDUE: "已逾期", Urgency.DUE_TODAY: "今日到期", Urgency.DUE_SOON: "即将到期",
                  Urgency.UPCOMING: "待办", Urgency.NO_DEADLINE: "无时限"}


def days_overdue(due_on: date | None, today: date) -> int | None:
    """Days past the due date: positive = late, 0 = due today, negative = days left."""
    return None if due_on is None else (today - due_on).days


def urgency_of(due_on: date | None, today: date) -> Urgency:
    late = days_overdue(due_on, today)
    if late is None:
        return Urgency.NO_DEADLINE
    if late > 0:
        return Urgency.OVERDUE
    if late == 0:
        return Urgency.DUE_TODAY
    return Urgency.DUE_SOON if -late <= DUE_SOON_DAYS else Urgency.UPCOMING


@dataclass(frozen=True)
class Pending:
    """One step waiting on the caller, as a service's rules state it (plain data, no framework).

    ``key`` makes the id stable across calls (the same step keeps its id until it is done); ``path`` is
    the API path of the write that takes the step, relative to the service."""

    kind: str
    key: str
    title: str
    unit_code: str
    path: str
    method: str = "POST"
    due_on: date | None = None
    detail: str = ""
    campaign_id: str | None = None
    done: int | None = None          # progress, e.g. visits this month: 1 of 2
    required: int | None = None
    count: int | None = None         # how many things the step covers (villages unassessed…)


class UnitRef(BaseModel):
    code: str = Field(description="区划代码")
    name: str = Field(description="名称")
    level: str = Field(description="层级 province/city/county/township/village")


class TaskAction(BaseModel):
    service: str
    method: str
    path: str = Field(description="服务的 API 路径（不含 /api/<service> 前缀）")


class TaskProgress(BaseModel):
    done: int
    required: int


class Task(BaseModel):
    task_id: str = Field(description="稳定编号：同一待办在完成前每次相同")
    service: str
    kind: str = Field(description="待办类型，如 screening.township.submit")
    kind_label: str = Field(description="待办类型中文名")
    title: str = Field(description="要做什么（中文）")
    detail: str = ""
    campaign_id: str | None = None
    unit: UnitRef = Field(description="涉及的村或单位")
    due_on: date | None = Field(None, description="政策规定的时限")
    days_overdue: int | None = Field(None, description="逾期天数；负数为剩余天数；无时限为空")
    urgency: Urgency
    urgency_label: str
    urgency_rank: int = Field(description="0 最紧急")
    route: str = Field(description="控制台中办理此事的页面路径")
    action: TaskAction
    progress: TaskProgress | None = None
    count: int | None = None


class TaskPage(BaseModel):
    items: list[Task]
    total: int
    page: int
    size: int
    today: date = Field(description="计算所用的平台业务日期")
    by_urgency: dict[str, int] = Field(description="各紧急程度的待办数（菜单角标）")


def build(service: str, labels: dict[str, str], pending: Iterable[Pending], names: dict[str, str], today: date) -> list[Task]:
    """Tasks from the rules' pending steps, most urgent first (latest overdue first, then nearest due date)."""
    tasks = []
    for p in pending:
        urgency = urgency_of(p.due_on, today)
        tasks.append(Task(
            task_id=f"{service}:{p.kind}:{p.key}", service=service, kind=p.kind, kind_label=labels.get(p.kind, p.kind),
            title=p.title, detail=p.detail, campaign_id=p.campaign_id,
            unit=UnitRef(code=p.unit_code, name=names.get(p.unit_code, p.unit_code), level=level_of(p.unit_code).value),
            due_on=p.due_on, days_overdue=days_overdue(p.due_on, today), urgency=urgency, urgency_label=urgency.label,
            urgency_rank=urgency.rank, route=f"/{service}{p.path}", action=TaskAction(service=service, method=p.method, path=p.path),
            progress=TaskProgress(done=p.done, required=p.required) if p.required is not None else None, count=p.count))
    tasks.sort(key=lambda t: (t.urgency_rank, -(t.days_overdue or 0), t.task_id))
    return tasks


async def unit_names(session: AsyncSession, codes: Iterable[str]) -> dict[str, str]:
    """Names of the units the tasks name, from the service's copy of the division tree, in one query."""
    from zhengdun.registry import Division

    wanted = sorted(set(codes))
    if not wanted:
        return {}
    rows = await session.execute(select(Division.code, Division.name).where(Division.code.in_(wanted)))
    return dict(rows.all())


# (session, caller, today) → the steps waiting on the caller; the service reads its state in one go.
PendingFor = Callable[[AsyncSession, "object", date], Awaitable[list[Pending]]]


def tasks_router(service: str, labels: dict[str, str], pending_for: PendingFor) -> APIRouter:
    """``GET /tasks`` of a service: the same thin route in all five."""
    from zhengdun import clock
    from zhengdun.access import authorized
    from zhengdun.auth import Principal

    router = APIRouter(tags=["tasks 待办"])

    @router.get("/tasks", response_model=TaskPage,
                summary="我的待办：等待本人或本单位办理的步骤（按紧急程度排序，分页；由当前状态计算）")
    async def my_tasks(session: Reader, principal: Principal = Depends(authorized("tasks.read")),
                       paging: PageParams = Depends(page_params),
                       campaign_id: Identifier | None = Query(None, description="只看此次整顿 (one campaign)"),
                       ) -> TaskPage:
        today = await clock.today(session)
        pending = await pending_for(session, principal, today)
        names = await unit_names(session, (p.unit_code for p in pending))
        tasks = [t for t in build(service, labels, pending, names, today) if campaign_id in (None, t.campaign_id)]
        counts: dict[str, int] = {}
        for t in tasks:
            counts[t.urgency.value] = counts.get(t.urgency.value, 0) + 1
        return TaskPage(items=tasks[paging.offset:paging.offset + paging.size], total=len(tasks), page=paging.page,
                        size=paging.size, today=today, by_urgency=counts)

    return router
