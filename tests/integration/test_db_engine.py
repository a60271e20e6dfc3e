"""How every service's connections to PostgreSQL are set up (zhengdun.db.make_engine): real PostgreSQL."""
from __future__ import annotations

import asyncio

from sqlalchemy import text

from tests.support.platform import PG_PORT, ensure_infrastructure, postgres_url
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


def test_the_local_platform_connects_through_the_clusters_unix_socket():
    """The tests' services (and make up's, deploy/local/services.sh) reach the local cluster through its socket in
    .local/postgres: no client address, as a TCP connection would have."""
    ensure_infrastructure()
    url = postgres_url("postgres")
    assert url.startswith("postgresql+asyncpg://zhengdun:zhengdun@/postgres?host=") and url.endswith(f"/postgres&port={PG_PORT}")

    async def client_address():
        engine = make_engine(url)
        try:
            async with engine.connect() as connection:
                return (await connection.execute(text("SELECT inet_client_addr()"))).scalar_one()
        finally:
            await engine.dispose()

    assert asyncio.run(client_address()) is None
