"""Async SQLAlchemy: the declarative base every service's tables use, engines and sessions.

Each service owns its own database; the tables defined here (outbox, inbox, the division
copy) exist in every one of them, created by each service's first Alembic migration.
"""
from __future__ import annotations

from pydantic_core import from_json
from sqlalchemy import JSON, MetaData, TextClause, bindparam, event, text
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def make_engine(url: str, *, pool_size: int = 30, max_overflow: int = 0) -> AsyncEngine:
    # Up to 30 connections, all kept once opened (5 services × 30 stay well inside the local server's 300), and
    # none opened beyond them: a request past the 30th waits for one. An overflow connection is closed when it
    # comes back to a pool whose kept connections are all idle, which under 64 clients happened on nearly every
    # request: a tenth of a read's CPU went to opening and closing connections (TLS attempt, authentication, type
    # codecs), and each new connection prepared its statements again (seen with py-spy). Opened lazily: a process
    # that serves little holds few.
    # JSON columns decoded by pydantic's parser (Rust) instead of json.loads: the same values, and a case
    # book or a campaign's facts decode a JSON document per row (seen: a fifth of a case book's time).
    # Without JIT compilation, on every connection: the platform's statements are short, and those over a whole
    # province (reporting's figures and series, supervision's judgement of an area) pass jit_above_cost and spent
    # longer compiling than running (a province's series: 9 s of compiling for 0.4 s of work).
    engine = create_async_engine(url, pool_size=pool_size, max_overflow=max_overflow, json_deserializer=from_json,
                                 connect_args={"server_settings": {"jit": "off"}})
    event.listen(engine.sync_engine, "checkout", _refuse_closed_connection)
    return engine


def _refuse_closed_connection(dbapi_connection, _record, _proxy) -> None:
    """A pooled connection the server has closed (a restart, a terminated backend) is replaced before use.

    Instead of SQLAlchemy's ``pool_pre_ping``, which asks the server (BEGIN; ping; ROLLBACK: three round trips
    of a list read's seven): asyncpg sees the server close the socket while the connection lies in the pool.
    """
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("the database closed this pooled connection")


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def insert_or_skip(model: type[Base], *columns: str, returning: str | None = None) -> TextClause:
    """``INSERT … ON CONFLICT DO NOTHING`` into ``model``'s table, its values bound by column name (a column with a
    scalar default and not named gets it, as the ORM would give it), written once as text: SQLAlchemy 2.0 gives
    PostgreSQL's ON CONFLICT construct no cache key and compiles it again at every execution, which on the
    consumers' most frequent events cost more than the insert. A JSON column's value is bound as JSON, as the ORM
    binds it."""
    table = model.__table__
    defaults = {c.name: c.default.arg for c in table.columns
                if c.name not in columns and c.default is not None and c.default.is_scalar}
    names = [*columns, *defaults]
    sql = (f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join(f':{n}' for n in names)}) "
           "ON CONFLICT DO NOTHING" + (f" RETURNING {returning}" if returning else ""))
    return text(sql).bindparams(*(bindparam(name, value) for name, value in defaults.items()),
                                *(bindparam(name, type_=table.c[name].type) for name in columns
                                  if isinstance(table.c[name].type, JSON)))


# asyncpg's BEGIN for each isolation level SQLAlchemy's adapter names (asyncpg.transaction.Transaction.start).
_BEGIN = {None: "BEGIN", "read_committed": "BEGIN ISOLATION LEVEL READ COMMITTED", "repeatable_read": "BEGIN ISOLATION LEVEL REPEATABLE READ",
          "serializable": "BEGIN ISOLATION LEVEL SERIALIZABLE", "read_uncommitted": "BEGIN ISOLATION LEVEL READ UNCOMMITTED"}


async def begin_with(session: AsyncSession, statement: str) -> bool:
    """Begin the session's transaction with ``statement`` (SQL without parameters; its rows are not returned) in the
    same message as the BEGIN: one round trip where asyncpg makes two (it sends BEGIN by itself before the first
    statement, and cannot pipeline it; seen: a twentieth of a write's CPU, and as much of PostgreSQL's). For a write
    whose first statement only takes a lock. Returns False, having sent nothing, when the transaction has begun
    already or the connection is not a plain asyncpg one in a transaction-using mode: the caller sends its
    statements the ordinary way then."""
    from asyncpg.transaction import TransactionState

    connection = await session.connection()   # SQLAlchemy begins lazily: nothing has been sent yet
    adapted = (await connection.get_raw_connection()).dbapi_connection
    begin = _BEGIN.get(getattr(adapted, "isolation_level", "autocommit"))
    if begin is None or getattr(adapted, "_started", True) or adapted.readonly or adapted.deferrable:
        return False
    driver = adapted._connection
    if driver._top_xact is not None or driver.is_in_transaction():
        return False
    # What asyncpg's Transaction.start and SQLAlchemy's adapter do when they begin, with the statement added to the
    # BEGIN's message; the transaction is theirs from here on (commit, rollback, the pool's reset).
    transaction = driver.transaction(isolation=adapted.isolation_level)
    driver._top_xact = transaction
    try:
        await driver.execute(f"{begin}; {statement}")
    except BaseException as error:
        if driver.is_in_transaction():   # begun, and the statement failed: a rollback ends it, as after any error
            transaction._state = TransactionState.STARTED
            adapted._transaction, adapted._started = transaction, True
        else:
            driver._top_xact = None
        if isinstance(error, Exception):
            adapted._handle_exception(error)
        raise
    transaction._state = TransactionState.STARTED
    adapted._transaction, adapted._started = transaction, True
    return True
