"""HTTP routes of the reporting service: thin — parse, authorize, call the service layer, answer.

Every route names its division in the path (``{code}``), so the access dependency checks that
it lies in the caller's subtree before anything is read; lists are paginated.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from reporting import documents, figures, service
from reporting import responses as R
from reporting.domain.figures import CATEGORY_LABELS, PHASE_LABELS, Figure
from reporting.public import asyncapi_document, public_topic
from reporting.rebuild import rebuild_read_model
from reporting.subscribers import handlers
from zhengdun.access import POLICY, authorized
from zhengdun.dependencies import Reader
from zhengdun.messaging.outbox import parse_events_header
from zhengdun.params import DivisionCode
from zhengdun.pagination import Page, PageParams, page_params
from zhengdun.problems import Problem
from zhengdun.responses import file_response, files

router = APIRouter()
TAGS = ["reporting 报送与通报"]
MONTH = "^(?:19|20)[0-9]{2}-(?:0[1-9]|1[0-2])$"
QUARTER = "^(?:19|20)[0-9]{2}Q[1-4]$"
CRITERION = "^[a-z0-9_]+$"
Category = Literal[tuple(CATEGORY_LABELS)]  # type: ignore[valid-type]
CasePhase = Literal[tuple(PHASE_LABELS)]  # type: ignore[valid-type]


# The figures' answers come serialized from the service's cache of the read model's version (already validated
# against the route's model): an unchanged answer costs one statement on a pooled connection, without a session or a
# transaction (the runtime is all the route is handed: no session dependency to solve and close); only a miss opens
# a snapshot to compute it in.
def _json(body: bytes) -> Response:
    return Response(body, media_type="application/json")


@router.get("/figures/{code}", response_model=R.DivisionFigures, tags=TAGS, summary="某区划某日的统计数据")
async def division_figures(code: DivisionCode, request: Request, day: date | None = Query(None, alias="date"),
                           _=Depends(authorized("report.read", target="code"))):
    return _json(await service.division_figures(request.app.state.runtime, code, day))


@router.get("/figures/{code}/children", tags=TAGS, response_model=Page[R.ChildFigures],
            summary="下一级各区划的统计数据（分页）")
async def children_figures(code: DivisionCode, request: Request, day: date | None = Query(None, alias="date"),
                           page: PageParams = Depends(page_params), _=Depends(authorized("report.read", target="code"))):
    return _json(await service.children_figures(request.app.state.runtime, code, day, page))


@router.get("/figures/{code}/monthly", tags=TAGS, response_model=Page[R.MonthFigures], summary="逐月统计（分页）")
async def monthly_figures(code: DivisionCode, request: Request,
                          first: str | None = Query(None, alias="from", pattern=MONTH, description="YYYY-MM; 默认整顿工作启动当月"),
                          last: str | None = Query(None, alias="to", pattern=MONTH, description="YYYY-MM; 默认平台当前月"),
                          page: PageParams = Depends(page_params),
                          _=Depends(authorized("report.read", target="code"))):
    return _json(await service.monthly_figures_answer(request.app.state.runtime, code, first, last, page))


@router.get("/figures/{code}/villages", tags=TAGS, response_model=Page[R.VillageBehind | R.EventBehind | R.AlertBehind],
            summary="下钻：统计数背后的村（分页）")
async def drill_down(code: DivisionCode, figure: Figure, session: Reader, day: date | None = Query(None, alias="date"),
                     category: Category | None = Query(None, description="类别 (figure=listed)"),
                     criterion: str | None = Query(None, pattern=CRITERION, max_length=64,
                                                   description="认定标准代码：符合该标准的在册软弱涣散村 (figure=listed; "
                                                               "weak-and-lax villages, as the criterion figures)"),
                     phase: CasePhase | None = Query(None, description="台账阶段 (figure=cases)"),
                     page: PageParams = Depends(page_params),
                     _=Depends(authorized("report.read", target="code"))):
    # category and phase are Literal choices: FastAPI refuses any other value before this runs.
    total, items = await figures.villages_behind(session, code, await service.as_of(session, day), figure,
                                                 category=category, criterion=criterion, phase=phase,
                                                 offset=page.offset, limit=page.size)
    return Page(items=items, total=total, page=page.page, size=page.size)


@router.get("/figures-catalog", tags=TAGS, response_model=Page[R.CatalogEntry], summary="统计口径说明")
async def catalog(page: PageParams = Depends(page_params), _=Depends(authorized("report.read"))):
    return service.catalog(page)


EVENT_PAIR = r"[a-z0-9_.]+ [A-Za-z0-9_.:-]+"
# Holds the 49 pairs a write names (zhengdun.messaging.outbox.MAX_EVENTS_NAMED), and keeps any value of this
# length, even one percent-encoded at 12 bytes a character, inside the 64 KiB request line uvicorn's parser
# accepts: a longer URL is refused by the parser itself, before the API can answer with a problem.
EVENTS_MAX_LENGTH = 4_800


@router.get("/sync", tags=TAGS, response_model=R.SyncState, summary="刚写入的事件是否已进入统计（数据同步中）")
async def sync_state(session: Reader,
                     events: str = Query(..., max_length=EVENTS_MAX_LENGTH, pattern=f"^{EVENT_PAIR}(, ?{EVENT_PAIR})*$",
                                         description="写操作响应头 X-Zhengdun-Events 的原值：「事件类型 事件编号」以逗号分隔"),
                     _=Depends(authorized("report.sync"))):
    state = await service.sync_state(session, parse_events_header(events), set(handlers.types))
    return {**state, "caught_up": state["pending"] == 0}


# ---- documents -------------------------------------------------------------------------------

@router.get("/documents/{code}/{kind}", tags=TAGS, summary="下载文书（xlsx 或 pdf）",
            response_class=Response, responses=files(documents.XLSX, documents.PDF, description="文书文件 (as attachment)"))
async def download(code: DivisionCode, kind: documents.Kind, session: Reader,
                   format: str = Query("xlsx", pattern="^(xlsx|pdf)$", description="xlsx | pdf"),
                   day: date | None = Query(None, alias="date", description="统计日（汇总表、排名通报）"),
                   month: str | None = Query(None, pattern=MONTH,
                                             description="YYYY-MM（月度台账；汇总通报：该月所在的汇总期间）"),
                   quarter: str | None = Query(None, pattern=QUARTER,
                                               description="如 2020Q4（汇总通报：该季度首月所在的汇总期间，"
                                                           "期间长度为整顿工作方案的汇总通报周期，默认按季度）"),
                   filing_date: date | None = Query(None, description="备案节点（备案名单）"),
                   year: int | None = Query(None, ge=2000, le=2100,
                                            description="考核年度（专项行动督导结果年终考核表），默认统计日所在年"),
                   principal=Depends(authorized("report.document", target="code"))):
    # The summary table's phone column follows the register's own rule for personal data (screening's cadres_api).
    personal = POLICY["cadres.personal"].allows(principal.roles, principal.level)
    return file_response(*await documents.document_file(session, kind, code, format, day=day, month=month, quarter=quarter,
                                                        filing_date=filing_date, prepared_by=principal, personal=personal,
                                                        year=year))


@router.get("/filings/{code}", tags=TAGS, response_model=Page[R.FilingOut], summary="备案记录（分页）")
async def filings(code: DivisionCode, session: Reader, page: PageParams = Depends(page_params),
                  _=Depends(authorized("report.document", target="code"))):
    return await service.filings(session, code, page)


# ---- operations ------------------------------------------------------------------------------

@router.post("/admin/rebuild", response_model=R.RebuildOut, tags=["operations"], summary="重建统计读模型（从主题起点重放）")
async def rebuild(request: Request, _=Depends(authorized("report.rebuild"))):

    runtime = request.app.state.runtime
    try:
        return await rebuild_read_model(runtime)
    except TimeoutError as exc:
        raise Problem(503, "rebuild-timeout", "重建超时 Rebuild timed out", str(exc)) from None


def public_contract_router() -> APIRouter:
    """The public topic's contract: outside platforms read it before they subscribe (no login, no personal data)."""
    public = APIRouter()

    @public.get("/public/asyncapi.json", include_in_schema=False)
    async def public_asyncapi(request: Request) -> dict[str, Any]:
        # Outside platforms connect through the external (SASL) listener when one is configured.
        settings = request.app.state.runtime.settings
        bootstrap = settings.public_kafka_bootstrap or settings.kafka_bootstrap
        return asyncapi_document(public_topic(), bootstrap)

    return public


router.include_router(public_contract_router())
