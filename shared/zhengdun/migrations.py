"""Alembic, the same way in every service: ``env.py`` calls ``run_env``; ``upgrade`` runs it
programmatically (``zhengdun-<service> migrate``, ``make up``, the tests)."""
from __future__ import annotations

import asyncio
from pathlib import Path

import sqlalchemy as sa
from alembic import command, context, op
from alembic.config import Config
from sqlalchemy.dialects import postgresql


def alembic_config(migrations_dir: Path, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(migrations_dir: Path, database_url: str) -> None:
    command.upgrade(alembic_config(migrations_dir, database_url), "head")


def run_env(target_metadata) -> None:
    """The body of every service's migrations/env.py (online mode, async engine)."""
    from sqlalchemy.ext.asyncio import create_async_engine

    url = context.config.get_main_option("sqlalchemy.url")

    def do_run(connection):
        context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()

    async def run():
        engine = create_async_engine(url)
        async with engine.connect() as connection:
            await connection.run_sync(do_run)
            await connection.commit()
        await engine.dispose()

    asyncio.run(run())


def create_common_tables() -> None:
    """Revision 0001 of every service: outbox, inbox and the division copy (frozen at v1)."""
    op.create_table(
        "outbox",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(80), nullable=False, unique=True),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("type", sa.String(120), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("headers", postgresql.JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_outbox_unsent", "outbox", ["seq"], postgresql_where=sa.text("sent_at IS NULL"))
    op.create_table(
        "inbox",
        sa.Column("event_id", sa.String(80), primary_key=True),
        sa.Column("type", sa.String(120), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("trace_id", sa.String(32)),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_table(
        "divisions",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("level", sa.String(10), nullable=False, index=True),
        sa.Column("parent_code", sa.String(12), index=True),
        sa.Column("kind", sa.String(10)),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )


def drop_common_tables() -> None:
    for table in ("divisions", "inbox", "outbox"):
        op.drop_table(table)


def create_outbox_pending() -> None:
    """The outbox's pending rows in a table of their own (zhengdun.messaging.outbox): the relay deletes a narrow row
    where it rewrote the whole outbox row and its indexes (``sent_at`` was in the unsent index's predicate).

    The trigger adds every new outbox row, however it is written (ORM, a bulk ``INSERT ... SELECT``), in its own
    transaction: one statement per insert statement, not per row. Created before the unsent rows are copied: it
    waits for the transactions writing to the outbox and holds back new ones until this one commits, so no row
    is missed in between. No foreign key to ``outbox``: its check would cost every insert, and only the trigger
    and the relay write here."""
    op.create_table("outbox_pending", sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False))
    op.execute("CREATE FUNCTION outbox_pending_add() RETURNS trigger LANGUAGE plpgsql AS $$ "
               "BEGIN INSERT INTO outbox_pending (seq) SELECT seq FROM added; RETURN NULL; END $$")
    op.execute("CREATE TRIGGER outbox_pending_add AFTER INSERT ON outbox REFERENCING NEW TABLE AS added "
               "FOR EACH STATEMENT EXECUTE FUNCTION outbox_pending_add()")
    op.execute("INSERT INTO outbox_pending (seq) SELECT seq FROM outbox WHERE sent_at IS NULL")
    op.drop_index("ix_outbox_unsent", table_name="outbox")
    op.drop_column("outbox", "sent_at")


def drop_outbox_pending() -> None:
    """Back to ``sent_at``: what is not pending was sent (when is no longer known: the time of the downgrade)."""
    op.add_column("outbox", sa.Column("sent_at", sa.DateTime(timezone=True)))
    op.execute("UPDATE outbox SET sent_at = now() WHERE seq NOT IN (SELECT seq FROM outbox_pending)")
    op.create_index("ix_outbox_unsent", "outbox", ["seq"], postgresql_where=sa.text("sent_at IS NULL"))
    op.execute("DROP TRIGGER outbox_pending_add ON outbox")
    op.execute("DROP FUNCTION outbox_pending_add()")
    op.drop_table("outbox_pending")


def create_clock_table() -> None:
    """Revision 0002 of every service: its copy of the platform clock (zhengdun.clock)."""
    op.create_table(
        "platform_clock",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("today", sa.Date, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
