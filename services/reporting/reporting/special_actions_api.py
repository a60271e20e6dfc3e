"""HTTP routes of a township's special actions in reporting (seed 004): thin — the division in the path is checked
against the caller's subtree, the service layer reads, the answer is paged where it can grow."""
from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query

from reporting import responses as R
from reporting import service, special_actions
from zhengdun.access import authorized
from zhengdun.dependencies import Reader
from zhengdun.pagination import Page, PageParams, page_params
from zhengdun.params import DivisionCode

router = APIRouter()
TAGS = ["reporting 报送与通报"]


@router.get("/special-actions/{code}", response_model=R.SpecialActionFigures, tags=TAGS,
            summary="专项行动推进情况：各项行动的任务完成数（本辖区）")
async def action_progress(code: DivisionCode, session: Reader, day: date | None = Query(None, alias="date"),
                          _=Depends(authorized("report.read", target="code"))):
    as_of = await service.as_of(session, day)
    return {"code": code, "date": as_of, "actions": await special_actions.action_progress(session, code, as_of)}


@router.get("/special-actions/{code}/branches", response_model=Page[R.BranchOrgLife], tags=TAGS,
            summary="各村党组织组织生活落实情况：已记录会议、缺开周期（分页）")
async def branch_compliance(code: DivisionCode, session: Reader, day: date | None = Query(None, alias="date"),
                            paging: PageParams = Depends(page_params),
                            _=Depends(authorized("report.read", target="code"))):
    return await special_actions.branch_compliance(session, code, await service.as_of(session, day), paging)
