"""One way to read, for every service: the rows inside a division as an index range, and a list
filtered and paginated in SQL (never loaded whole and sliced in Python).

::

    query = select(Case).where(within(Case.village_code, principal.division_code))
    return await paginate(session, query, paging, order_by=[Case.village_code])
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from zhengdun.divisions import prefix_of
from zhengdun.pagination import Page, PageParams


def bounds(code: str) -> tuple[str, str]:
    """The lowest and highest codes of ``code``'s subtree: 990102000000 → 990102000000, 990102999999."""
    prefix = prefix_of(code)
    return prefix.ljust(12, "0"), prefix.ljust(12, "9")


def within(column, code: str):
    """``column`` is ``code`` or a division under it, as a range the b-tree indexes serve (a LIKE
    would need a C collation or a pattern index)."""
    return column.between(*bounds(code))


def within_params(code: str) -> dict[str, str]:
    """The same range for raw SQL, as its bind parameters: ``WHERE village_code BETWEEN :lo AND :hi``."""
    lo, hi = bounds(code)
    return {"lo": lo, "hi": hi}


async def paginate(session: AsyncSession, query, paging: PageParams, *, order_by: Sequence,
                   out: Callable[[Any], Any] = lambda row: row, scalars: bool = True) -> Page:
    """One page of ``query`` and the total, both counted and sliced by the database in one statement: the
    total rides on every row of the page as an uncorrelated scalar subquery (evaluated once, with its own
    plan), which saves the round trip of a count statement on every page (seen: a quarter of a list's time)."""
    total = select(func.count()).select_from(query.order_by(None).subquery()).scalar_subquery().label("page_total")
    result = (await session.execute(query.add_columns(total).order_by(*order_by)
                                    .offset(paging.offset).limit(paging.size))).freeze()
    width = len(result().keys()) - 1   # the query's own columns come first, the total last
    rows = result().columns(*range(width))
    items = [out(row) for row in (rows.scalars() if scalars else rows.all())]
    if items:
        count = result().scalars(width).first()
    elif paging.offset == 0:
        count = 0
    else:   # a page past the end holds no row to carry the total
        count = (await session.execute(select(func.count()).select_from(query.order_by(None).subquery()))).scalar_one()
    return Page(items=items, total=count, page=paging.page, size=paging.size)
