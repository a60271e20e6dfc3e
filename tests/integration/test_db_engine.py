"""How every service's connections to PostgreSQL are set up (zhengdun.db.make_engine): real PostgreSQL."""
from __future__ import annotations

import asyncio

from sqlalchemy import text

from tests.support.platform import ensure_infrastructure, postgres_url
from zhengdun.db import make_engine


def test_connections_run_without_jit_compilation_whatever_the_server_default():
    """The server's own default is on (PostgreSQL's); a province's statements would pass its threshold."""
    ensure_infrastructure()

    async def settings():
        engine = make_engine(postgres_url("postgres"))
        try:
            async with engine.connect() as connection:
                jit = (await connection.execute(text("SHOW jit"))).scalar_one()
                default = (await connection.execute(text("SELECT boot_val FROM pg_settings WHERE name = 'jit'"))).scalar_one()
                # a transaction that ends does not take the setting along: it is the session's
                await connection.commit()
                again = (await connection.execute(text("SHOW jit"))).scalar_one()
            return jit, default, again
        finally:
            await engine.dispose()

    jit, default, again = asyncio.run(settings())
    assert (jit, again) == ("off", "off")
    assert default == "on"
