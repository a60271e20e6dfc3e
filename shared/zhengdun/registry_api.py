"""Read API over a service's division table, the same in every service (scoped to the caller)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from pydantic import Field
from sqlalchemy import func, select

from zhengdun.access import authorized
from zhengdun.auth import Principal
from zhengdun.dependencies import Reader
from zhengdun.params import DivisionCode
from zhengdun.pagination import Page, PageParams, page_params
from zhengdun.problems import not_found
from zhengdun.reading import paginate, within
from zhengdun.registry import Division
from zhengdun.responses import Out
from zhengdun.roles import LEVEL_LABELS, Level


class DivisionOut(Out):
    code: str
    name: str
    level: Level
    level_label: str
    parent_code: str | None
    kind: str | None
    revision: int


class DivisionSummary(Out):
    under: str = Field(description="调用者所在单位 (the caller's unit)")
    counts: dict[Level, int] = Field(description="各级区划数量 (divisions per level)")
    total: int
    revisions: int = Field(description="修订次数之和 (sum of revisions; changes when any division changes)")


def _out(d: Division) -> DivisionOut:
    return DivisionOut(code=d.code, name=d.name, level=Level(d.level), level_label=LEVEL_LABELS[Level(d.level)],
                       parent_code=d.parent_code, kind=d.kind, revision=d.revision)


def division_router() -> APIRouter:
    router = APIRouter(prefix="/divisions", tags=["divisions 行政区划"])

    @router.get("", response_model=Page[DivisionOut], summary="列出辖区内的行政区划")
    async def list_divisions(
        session: Reader,
        parent: DivisionCode | None = Query(None, description="只列出此区划的直接下级"),
        level: Level | None = Query(None),
        q: str | None = Query(None, max_length=50, pattern=r"^[^\x00-\x1f\x7f]+$", description="按名称（包含）或代码（前缀）查找 (search by name or code prefix)"),
        principal: Principal = Depends(authorized("division.read", target="parent")),
        paging: PageParams = Depends(page_params),
    ):
        query = select(Division).where(within(Division.code, principal.division_code))
        if parent:
            query = query.where(Division.parent_code == parent)
        if level:
            query = query.where(Division.level == level.value)
        if q and q.strip():
            term = q.strip()
            query = query.where(Division.name.contains(term, autoescape=True) | Division.code.startswith(term, autoescape=True))
        return await paginate(session, query, paging, order_by=[Division.code], out=_out)

    @router.get("/summary", response_model=DivisionSummary, summary="辖区内各级区划数量")
    async def summary(session: Reader, principal: Principal = Depends(authorized("division.read"))):
        rows = (await session.execute(
            select(Division.level, func.count(), func.coalesce(func.sum(Division.revision), 0))
            .where(within(Division.code, principal.division_code)).group_by(Division.level)
        )).all()
        counts = {level: count for level, count, _ in rows}
        return {"under": principal.division_code, "counts": counts, "total": sum(counts.values()),
                "revisions": sum(int(r) for _, _, r in rows)}

    @router.get("/{code}", response_model=DivisionOut, summary="查看一个行政区划")
    async def get_division(code: DivisionCode, session: Reader,
                           principal: Principal = Depends(authorized("division.read", target="code"))):
        division = await session.get(Division, code)
        if division is None:
            raise not_found(f"行政区划 {code}")
        return _out(division)

    return router
