"""A unit's seal key under concurrent first seals (found by the province campaign benchmark: two counties'
villages sealed at once gave a unit two current keys, and every later seal of that unit failed with 500)."""
from __future__ import annotations

import asyncio
import secrets


def test_two_first_seals_of_a_unit_at_once_share_one_key(platform):
    """The first writer makes the unit's key and holds its transaction open; the second, starting meanwhile, waits
    and then uses that key: one current key for the unit, the same for both."""
    from sqlalchemy.ext.asyncio import create_async_engine

    from acceptance.service.documents import current_key
    from zhengdun.db import make_session_factory

    unit = f"990199{100 + secrets.randbelow(900)}000"   # a township of no real county: no key yet

    async def run() -> tuple[str, str]:
        engine = create_async_engine(platform.database_url("acceptance"))
        factory = make_session_factory(engine)
        first_has_key = asyncio.Event()

        async def first() -> str:
            async with factory() as session, session.begin():
                key = await current_key(session, unit)
                first_has_key.set()
                await asyncio.sleep(1)            # the second writer's lookup runs while this one is uncommitted
                return key.key_id

        async def second() -> str:
            await first_has_key.wait()
            async with factory() as session, session.begin():
                return (await current_key(session, unit)).key_id

        try:
            return tuple(await asyncio.wait_for(asyncio.gather(first(), second()), 60))
        finally:
            await engine.dispose()

    first_key, second_key = asyncio.run(run())
    assert first_key == second_key
    current = asyncio.run(platform.fetch("acceptance", "SELECT key_id FROM seal_keys WHERE unit_code = $1 "
                                                        "AND retired_at IS NULL", unit))
    assert [row["key_id"] for row in current] == [first_key]
