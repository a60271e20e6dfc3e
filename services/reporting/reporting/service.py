"""Service layer of the reporting service: reads over the read model that the API and documents share."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reporting import figures
from reporting import models as m
from reporting import responses as R
from reporting.domain.figures import FIGURES, month_end, months_between, parse_month
from reporting.versions import COMPUTED, ByVersion, snapshot_version, version_and_today
from zhengdun import clock
from zhengdun.messaging import InboxMessage
from zhengdun.pagination import Page, PageParams
from zhengdun.reading import paginate, within
from zhengdun.refusals import RuleViolation
from zhengdun.registry import Division

if TYPE_CHECKING:
    from zhengdun.runtime import ServiceRuntime



# The figures' answers as JSON, validated and serialized, under the read model's version (reporting.versions):
# an answer already computed costs one statement (the version and today) and no transaction. A division's
# figures ~3 KB, a page of 50 children's ~150 KB.
ANSWERS: ByVersion[bytes] = ByVersion(kept=5000, max_size=32 * 2**20, size=len)
CHILDREN_PAGE = Page[R.ChildFigures]   # held here: pydantic keeps a parametrized class only weakly
MONTHS_PAGE = Page[R.MonthFigures]


async def _answer(runtime: ServiceRuntime, key: tuple, day: date | None, compute) -> bytes:
    """The answer of ``key`` on ``day`` (default the platform's today) from the cache of the version, else
    ``compute(reading, as_of)`` (a model) in a snapshot of its own, serialized and kept under that snapshot's version."""
    # The version's connection is back in the pool before anything is computed: with every connection held by a
    # read waiting for the computation, the computation would wait for a connection.
    version, today = await version_and_today(runtime.engine)
    as_of = day or today
    if (body := ANSWERS.get(version, (*key, as_of))) is not None:
        return body

    async def computed() -> tuple[int | None, bytes]:
        async with runtime.reader_sessions["REPEATABLE READ"]() as reading:
            seen = await snapshot_version(reading)   # the first statement: the snapshot the answer is computed in
            COMPUTED.labels(key[0]).inc()
            return seen, (await compute(reading, as_of)).model_dump_json(by_alias=True).encode()
    return await ANSWERS.answer(version, (*key, as_of), computed)


async def division_figures(runtime: ServiceRuntime, code: str, day: date | None) -> bytes:
    """``GET /figures/{code}`` as JSON (``DivisionFigures``)."""
    async def compute(reading: AsyncSession, as_of: date) -> R.DivisionFigures:
        return R.DivisionFigures.model_validate({
            "code": code, "name": await division_name(reading, code), "date": as_of,
            "figures": await figures.figures_for(reading, code, as_of)})
    return await _answer(runtime, ("division", code), day, compute)


async def children_figures(runtime: ServiceRuntime, code: str, day: date | None, paging: PageParams) -> bytes:
    """``GET /figures/{code}/children`` as JSON (a page of ``ChildFigures``)."""
    async def compute(reading: AsyncSession, as_of: date) -> Page:
        total, items = await figures.figures_of_children(reading, code, as_of, offset=paging.offset, limit=paging.size)
        return CHILDREN_PAGE.model_validate({"items": [i | {"date": as_of} for i in items], "total": total,
                                             "page": paging.page, "size": paging.size})
    return await _answer(runtime, ("children", code, paging.page, paging.size), day, compute)


async def monthly_figures_answer(runtime: ServiceRuntime, code: str, first: str | None, last: str | None,
                                 paging: PageParams) -> bytes:
    """``GET /figures/{code}/monthly`` as JSON (a page of ``MonthFigures``); up to the platform's today, which is
    in the key."""
    async def compute(reading: AsyncSession, today: date) -> Page:
        page = await monthly_figures(reading, code, first, last, paging, today=today)
        return MONTHS_PAGE.model_validate(page.model_dump())
    return await _answer(runtime, ("monthly", code, first, last, paging.page, paging.size), None, compute)


async def as_of(session: AsyncSession, day: date | None) -> date:
    """The day a figure is asked for: the platform's today unless the caller names one."""
    return day if day is not None else await clock.today(session)


async def division_name(session: AsyncSession, code: str) -> str | None:
    return (await session.execute(select(Division.name).where(Division.code == code))).scalar_one_or_none()


async def names(session: AsyncSession, codes: list[str]) -> dict[str, str]:
    if not codes:
        return {}
    rows = await session.execute(select(Division.code, Division.name).where(Division.code.in_(codes)))
    return dict(rows.all())


async def filings(session: AsyncSession, code: str, paging: PageParams) -> Page:
    """The county lists filed with the city (备案) inside ``code``, newest first."""
    query = (select(m.Filing, Division.name).outerjoin(Division, Division.code == m.Filing.county_code)
             .where(within(m.Filing.county_code, code)))
    return await paginate(session, query, paging, order_by=[m.Filing.filing_date.desc(), m.Filing.county_code],
                          scalars=False, out=lambda row: {
                              "county_code": row[0].county_code, "county": row[1], "campaign_id": row[0].campaign_id,
                              "filing_date": row[0].filing_date, "filed_on": row[0].filed_on, "late": row[0].late,
                              "entries": row[0].entries, "content_hash": row[0].content_hash})


def month_of(value: str | None, field: str) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        return parse_month(value)
    except ValueError:
        raise RuleViolation("bad-month", f"{field} 须为 YYYY-MM 格式，如 2020-11", f"{field} must look like 2020-11",
                            field=f"query.{field}") from None


async def monthly_figures(session: AsyncSession, code: str, first: str | None, last: str | None,
                          paging: PageParams, today: date | None = None) -> Page:
    """One page of the month-by-month series, from the campaign's first month (or ``first``) to the platform's
    today (or the end of ``last``)."""
    first_month, last_month = month_of(first, "from"), month_of(last, "to")
    today = today or await clock.today(session)
    end = min(month_end(*last_month), today) if last_month else today
    start = date(*first_month, 1) if first_month else (await figures.campaign_start(session, code) or end)
    if start > end:
        raise RuleViolation("bad-period", f"起始月 {start:%Y-%m} 晚于截止日 {end}", "from is after to", field="query.from")
    months = months_between(start, end)
    chosen = months[paging.offset:paging.offset + paging.size]  # months are computed, not rows: slicing is the page
    items = []
    if chosen:
        items = await figures.monthly_series(session, code, date(*chosen[0], 1), min(month_end(*chosen[-1]), end))
    return Page(items=items, total=len(months), page=paging.page, size=paging.size)


def catalog(paging: PageParams) -> Page:
    items = [{"figure": k, "label": f.label, "english": f.english, "definition": f.definition} for k, f in FIGURES.items()]
    return Page(items=items[paging.offset:paging.offset + paging.size], total=len(items), page=paging.page,
                size=paging.size)


async def sync_state(session: AsyncSession, events: list[tuple[str, str]], consumed_types: set[str]) -> dict[str, int]:
    """How far reporting has come with events another service just wrote: each is applied (in the
    inbox; a dead-lettered one counts, operations take it from there), pending, or of a type
    reporting does not consume (nothing to wait for)."""
    wanted = [event_id for event_type, event_id in events if event_type in consumed_types]
    seen = set((await session.execute(
        select(InboxMessage.event_id).where(InboxMessage.event_id.in_(wanted)))).scalars()) if wanted else set()
    return {"applied": len(seen), "pending": len(set(wanted) - seen), "not_consumed": len(events) - len(wanted)}


async def pending_tasks(session: AsyncSession, principal, today) -> list:
    """The to-do list: reporting has no step a person takes (domain/tasks.py says why)."""
    from reporting.domain import tasks as task_rules

    return task_rules.steps()
