"""Pagination for every list endpoint: ``?page=1&size=50``, answered with the total."""
from __future__ import annotations

from typing import Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

from zhengdun.responses import Out

T = TypeVar("T")
MAX_PAGE_SIZE = 500
# Far beyond any list here (1,000,000 × 500 rows), and small enough that the offset fits the database's bigint.
MAX_PAGE = 1_000_000


class PageParams(BaseModel):
    page: int
    size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


# async although it awaits nothing: FastAPI runs a plain ``def`` dependency in its thread pool, a hand-off
# to a thread and back on every list request (seen under load).
async def page_params(
    page: int = Query(1, ge=1, le=MAX_PAGE, description="页码，从1开始 (1-based page number)"),
    size: int = Query(50, ge=1, le=MAX_PAGE_SIZE, description="每页条数 (page size, at most 500)"),
) -> PageParams:
    return PageParams(page=page, size=size)


class Page(Out, Generic[T]):
    """A page of a list. Built unparametrized (``Page(items=…)``): pydantic holds a parametrized class such as
    ``Page[dict]`` only weakly, so building one in a request re-creates the class every time (seen: 7% of a
    list's time); the route's ``response_model`` says the items' type."""

    items: list[T]
    total: int
    page: int
    size: int
