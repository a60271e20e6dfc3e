"""Screening's copy of Keycloak's accounts (``user_directory``: id, username, names, unit, roles, enabled), so that
a page of GET /users is one indexed query on the unit's code instead of a walk of Keycloak's group tree (one or
two requests per group below the caller's unit, and one per listed user for the roles: issue 20).

Two writers keep it in step with Keycloak:
  - every change screening makes (screening.users_service) writes the account as it is after the change, in the
    transaction that finishes its operation with its event; a change cut short by a crash is written when the
    reconciler finishes it. A lookup by username (which asks Keycloak itself) writes what it found.
  - the sync (``run_sync``: a background task, at start and every ``user_directory_sync_seconds``) reads the
    whole realm from Keycloak in pages and brings the table in step with it: the realm's seed users, accounts
    made, edited or removed in Keycloak by hand. What screening wrote after a pass began is newer than what the
    pass read, and the pass leaves it alone.
"""
from __future__ import annotations

import asyncio
import logging

from prometheus_client import Counter, Gauge
from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from screening.identity import IdentityDirectory, IdentityUnavailable, asking_for
from screening.models import DirectoryAccount
from zhengdun.divisions import prefix_of

log = logging.getLogger("screening.user_directory")
SYNC_LOCK = 7_204_115        # advisory lock: one replica syncs at a time (user operations use 7_204_114)
WRITE_BATCH = 1000           # rows per statement of a sync's writes
MAX_REMOVALS_CHECKED = 1000  # accounts a pass asks Keycloak about, one by one, before removing their rows
SYNCS = Counter("zhengdun_user_directory_syncs_total", "Passes of the user directory's sync from Keycloak, by outcome",
                ["outcome"])
SYNCED_ACCOUNTS = Gauge("zhengdun_user_directory_accounts", "Accounts Keycloak held at the last pass of the sync")
COLUMNS = ("username", "family_name", "given_name", "unit", "roles", "enabled")


def _row(account: dict) -> dict:
    return {"user_id": account["id"], **{c: account[c] for c in COLUMNS}}


def _subtree(scope: str):
    """Where a unit and the units below it are: their codes share the unit's significant digits, one range of
    the index (":" follows "9" byte-wise), whatever the size of the subtree."""
    prefix = prefix_of(scope)
    return DirectoryAccount.unit >= prefix, DirectoryAccount.unit < prefix + ":"


async def page(session: AsyncSession, scope: str, offset: int, size: int) -> tuple[list[dict], int]:
    """The accounts of ``scope`` and the units below it, by unit and username, from ``offset``; and how many."""
    where = _subtree(scope)
    rows = (await session.execute(
        select(DirectoryAccount).where(*where).order_by(DirectoryAccount.unit, DirectoryAccount.username)
        .offset(offset).limit(size))).scalars().all()
    if len(rows) < size and (rows or not offset):   # the last page: its end is the total
        return [_view(r) for r in rows], offset + len(rows)
    total = (await session.execute(select(func.count()).select_from(DirectoryAccount).where(*where))).scalar_one()
    return [_view(r) for r in rows], total


def _view(r: DirectoryAccount) -> dict:
    return {"id": r.user_id, "username": r.username, "family_name": r.family_name, "given_name": r.given_name,
            "enabled": r.enabled, "unit": r.unit, "roles": r.roles}


def _written_over(accounts: list[dict], *, unless_written_since=None):
    """The accounts' rows inserted or written over what was known (rows locked in id order, as every writer does);
    with ``unless_written_since``, a row written since then, or unchanged, is left as it is."""
    statement = insert(DirectoryAccount).values([_row(a) for a in sorted(accounts, key=lambda a: a["id"])])
    where = None
    if unless_written_since is not None:
        table = DirectoryAccount.__table__
        changed = func.row(*(table.c[c] for c in COLUMNS)).is_distinct_from(
            func.row(*(statement.excluded[c] for c in COLUMNS)))
        where = (table.c.updated_at < unless_written_since) & changed
    return statement.on_conflict_do_update(
        index_elements=[DirectoryAccount.user_id],
        set_={**{c: statement.excluded[c] for c in COLUMNS}, "updated_at": func.now()}, where=where)


async def remember(session: AsyncSession, accounts: list[dict]) -> None:
    """The accounts as they are now in Keycloak (just changed, or just read): written over what was known."""
    if accounts:
        await session.execute(_written_over(accounts))


async def remember_now(session_factory: async_sessionmaker, accounts: list[dict]) -> None:
    async with session_factory() as session:
        async with session.begin():
            await remember(session, accounts)


async def sync_once(session_factory: async_sessionmaker, directory: IdentityDirectory) -> int | None:
    """One pass of the sync: the table brought in step with the whole realm. Returns the accounts Keycloak holds,
    or None when another replica is on it."""
    async with session_factory() as lock_session:
        # No transaction held open for the pass (it would hold back vacuum): the lock is the connection's own.
        await lock_session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        if not (await lock_session.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": SYNC_LOCK})).scalar_one():
            return None
        try:
            return await _sync(session_factory, directory)
        finally:
            await lock_session.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": SYNC_LOCK})


async def _sync(session_factory: async_sessionmaker, directory: IdentityDirectory) -> int:
    async with session_factory() as session:
        started = (await session.execute(select(func.now()))).scalar_one()   # the database's clock, as updated_at's
    accounts = sorted(await directory.all_accounts(), key=lambda a: a["id"])
    for start in range(0, len(accounts), WRITE_BATCH):   # a transaction per batch: no row held locked for long
        async with session_factory() as session:
            async with session.begin():
                # what screening wrote since the pass began is newer than what the pass read
                await session.execute(_written_over(accounts[start:start + WRITE_BATCH], unless_written_since=started))
    async with session_factory() as session:
        unlisted = (await session.execute(
            select(DirectoryAccount.user_id).where(DirectoryAccount.updated_at < started,
                                                   text("NOT (user_id = ANY(CAST(:listed AS text[])))"))
            .limit(MAX_REMOVALS_CHECKED), {"listed": [a["id"] for a in accounts]})).scalars().all()
    # Not listed may also mean passed over by a page that shifted while accounts were made: asked one by one.
    removed = await directory.missing(list(unlisted)) if unlisted else []
    if removed:
        async with session_factory() as session:
            async with session.begin():
                await session.execute(delete(DirectoryAccount).where(DirectoryAccount.user_id.in_(removed),
                                                                     DirectoryAccount.updated_at < started))
    SYNCED_ACCOUNTS.set(len(accounts))
    return len(accounts)


async def run_sync(session_factory: async_sessionmaker, directory: IdentityDirectory, interval: float) -> None:
    asking_for("directory-sync")
    while True:
        try:
            count = await sync_once(session_factory, directory)
            SYNCS.labels("done" if count is not None else "skipped").inc()
            if count is not None:
                log.info("user directory in step with Keycloak: %d accounts", count)
        except IdentityUnavailable as exc:
            SYNCS.labels("failed").inc()
            log.info("user directory sync waits for Keycloak: %s", exc)
        except Exception:
            SYNCS.labels("failed").inc()
            log.exception("user directory sync failed; it runs again in %.0f s", interval)
        await asyncio.sleep(interval)
