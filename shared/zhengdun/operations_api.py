"""The operations API of every service (运维): its dead letters, listed and replayed.

The console's operations page reads these, with each service's ``/health/ready``.
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends, Query
from pydantic import Field

from zhengdun import metrics
from zhengdun.access import authorized
from zhengdun.auth import Principal
from zhengdun.messaging.deadletters import REPLAYED, WAITING, DeadLetterRecord
from zhengdun.pagination import Page, PageParams, page_params
from zhengdun.params import RowId
from zhengdun.problems import not_found
from zhengdun.responses import Out

STATUS_LABELS = {WAITING: "待处理", REPLAYED: "已重放"}
OUTCOME_LABELS = {"applied": "已重新处理", "already-replayed": "此前已重放，未重复处理", "failed": "仍然失败"}


class DeadLetterOut(Out):
    id: int = Field(description="死信编号（本服务内）")
    service: str
    event_id: str = Field(description="原事件编号")
    event_type: str
    division_code: str
    reason: str = Field(description="失败原因")
    original_topic: str
    original_partition: int
    original_offset: int
    consumer: str = Field(description="未能处理该事件的消费者")
    dead_lettered_at: datetime
    status: Literal["waiting", "replayed"]
    status_label: str
    replayed_at: datetime | None
    last_replay_error: str | None = Field(description="最近一次重放仍失败的原因")
    trace_id: str | None = Field(description="原请求的追踪编号 (Zipkin)")


class ReplayOutcome(Out):
    id: int
    event_id: str
    outcome: Literal["applied", "already-replayed", "failed"]
    outcome_label: str
    reason: str | None = None


class ReplayReport(Out):
    service: str
    results: list[ReplayOutcome]
    applied: int
    failed: int


def _out(service: str, r: DeadLetterRecord) -> DeadLetterOut:
    return DeadLetterOut(service=service, status_label=STATUS_LABELS[r.status], **r.__dict__)


def operations_router(runtime) -> APIRouter:
    router = APIRouter(prefix="/operations", tags=["operations 运维"])
    book = runtime.dead_letters

    async def replay_one(letter_id: int, event_id: str) -> ReplayOutcome:
        outcome, reason = await book.replay(letter_id)
        metrics.DEAD_LETTERS_REPLAYED.labels(runtime.service, outcome).inc()
        return ReplayOutcome(id=letter_id, event_id=event_id, outcome=outcome, outcome_label=OUTCOME_LABELS[outcome],
                             reason=reason)

    @router.get("/dead-letters", response_model=Page[DeadLetterOut], summary="列出本服务的死信")
    async def list_dead_letters(
        status: Literal["waiting", "replayed"] | None = Query(None, description="waiting 待处理 / replayed 已重放"),
        paging: PageParams = Depends(page_params),
        principal: Principal = Depends(authorized("operations.dead_letters.read")),
    ):
        letters = await book.list(status)
        items = letters[paging.offset:paging.offset + paging.size]
        return Page(items=[_out(runtime.service, r) for r in items], total=len(letters), page=paging.page, size=paging.size)

    # Before /dead-letters/{letter_id}: the literal path is matched first.
    @router.post("/dead-letters/replay", response_model=ReplayReport, summary="修复后重放全部待处理死信")
    async def replay_all(principal: Principal = Depends(authorized("operations.dead_letters.replay"))):
        results = [await replay_one(r.id, r.event_id) for r in await book.list(WAITING)]
        return ReplayReport(service=runtime.service, results=results,
                            applied=sum(r.outcome == "applied" for r in results),
                            failed=sum(r.outcome == "failed" for r in results))

    @router.get("/dead-letters/{letter_id}", response_model=DeadLetterOut, summary="查看一条死信")
    async def get_dead_letter(letter_id: RowId, principal: Principal = Depends(authorized("operations.dead_letters.read"))):
        record = await book.get(letter_id)
        if record is None:
            raise not_found(f"死信 {letter_id} (dead letter {letter_id} of {runtime.service})")
        return _out(runtime.service, record)

    @router.post("/dead-letters/{letter_id}/replay", response_model=ReplayOutcome,
                 summary="修复后重放一条死信（恰好处理一次）")
    async def replay_dead_letter(letter_id: RowId,
                                 principal: Principal = Depends(authorized("operations.dead_letters.replay"))):
        record = await book.get(letter_id)
        if record is None:
            raise not_found(f"死信 {letter_id} (dead letter {letter_id} of {runtime.service})")
        return await replay_one(letter_id, record.event_id)

    return router
