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
    """One page of ``query`` and the total, both counted and sliced by the database."""
    total = (await session.execute(select(func.count()).select_from(query.order_by(None).subquery()))).scalar_one()
    result = await session.execute(query.order_by(*order_by).offset(paging.offset).limit(paging.size))
    rows = result.scalars() if scalars else result.all()
    return Page(items=[out(row) for row in rows], total=total, page=paging.page, size=paging.size)
