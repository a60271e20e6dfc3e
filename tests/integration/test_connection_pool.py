"""The services' connection pool (zhengdun.db.make_engine) against the real PostgreSQL: under more concurrent
requests than it holds connections, it opens no more than its size, closes none, and every request is served."""
from __future__ import annotations

import asyncio

from sqlalchemy import event, text

from tests.support.platform import ensure_infrastructure, postgres_url
from zhengdun.db import make_engine, make_session_factory

URL = postgres_url("postgres")


async def _burst(clients: int, rounds: int) -> tuple[int, int, int, int]:
    engine = make_engine(URL, pool_size=4)
    opened, closed = [], []
    event.listen(engine.sync_engine.pool, "connect", lambda *_: opened.append(1))
    event.listen(engine.sync_engine.pool, "close", lambda *_: closed.append(1))
    factory = make_session_factory(engine)

    async def request() -> int:
        async with factory() as session:
            return (await session.execute(text("SELECT 1 FROM pg_sleep(0.002)"))).scalar_one()

    try:
        answered = 0
        for _ in range(rounds):
            answered += sum(await asyncio.gather(*(request() for _ in range(clients))))
        return answered, len(opened), len(closed), engine.sync_engine.pool.checkedin()
    finally:
        await engine.dispose()


def test_more_clients_than_connections_wait_for_one_and_nothing_is_reopened():
    ensure_infrastructure()
    answered, opened, closed, idle = asyncio.run(_burst(clients=16, rounds=5))
    assert answered == 80
    assert opened == 4 and closed == 0 and idle == 4
