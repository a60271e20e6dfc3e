"""What a route is handed instead of opening anything itself: a unit of work for a use case that
writes (the use case commits; anything uncommitted is rolled back when the request ends), or a
session for one that only reads.

::

    @router.post("/things")
    async def add_thing(body: AddThing, uow: UoW, principal: Principal = Depends(authorized("thing.add"))):
        return await service.add_thing(body, uow, principal.actor)
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from zhengdun.messaging.outbox import UnitOfWork
from zhengdun.request_edges import REQUEST_SESSIONS


async def unit_of_work(request: Request) -> UnitOfWork:
    # A plain dependency, like the readers below: the request edge closes its session when the request ends, which
    # rolls back whatever the use case left uncommitted (a refusal, an error), as leaving the unit of work would.
    uow = await request.app.state.runtime.unit_of_work().open()
    request.scope[REQUEST_SESSIONS].append(uow.session)
    return uow


async def snapshot_session(request: Request) -> AsyncIterator[AsyncSession]:
    # One snapshot for the whole answer: a page and its total (two statements) agree even while the
    # consumers write, e.g. an alert withdrawn between the count and the page.
    async with request.app.state.runtime.reader_sessions["REPEATABLE READ"]() as session:
        yield session


# The readers below are plain dependencies whose sessions the request edge closes when the request ends
# (zhengdun.request_edges): a dependency that yields costs FastAPI an exit stack and an anyio cancel scope on
# every request (seen: a fifteenth of a list read's CPU). Their connection is taken at their first statement.
async def read_session(request: Request) -> AsyncSession:
    return request_session(request, "REPEATABLE READ")


async def one_statement_session(request: Request) -> AsyncSession:
    # For a read answered by one statement (a page and its total are one: zhengdun.reading.paginate), or by
    # statements that need no common snapshot: a statement sees one snapshot by itself, so no transaction is
    # opened around it, which saves the BEGIN and ROLLBACK round trips (seen: twice the cost of the page
    # statement itself under load).
    return request_session(request, "AUTOCOMMIT")


def request_session(request: Request, isolation: str) -> AsyncSession:
    """A session at ``isolation`` closed (its transaction rolled back, its connection back in the pool) when the
    request ends."""
    session = request.app.state.runtime.reader_sessions[isolation]()
    request.scope[REQUEST_SESSIONS].append(session)
    return session


# Opens a session whose statements all read one snapshot (REPEATABLE READ): for a read answered from a cache
# by one statement, where only a miss computes the answer.
Snapshot = Callable[[], AbstractAsyncContextManager[AsyncSession]]


async def snapshots(request: Request) -> Snapshot:
    return lambda: asynccontextmanager(snapshot_session)(request)


UoW = Annotated[UnitOfWork, Depends(unit_of_work)]
Reader = Annotated[AsyncSession, Depends(read_session)]
OneStatementReader = Annotated[AsyncSession, Depends(one_statement_session)]
Snapshots = Annotated[Snapshot, Depends(snapshots)]
