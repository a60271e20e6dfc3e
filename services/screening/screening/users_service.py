"""User management across Keycloak and screening's database: never half-done.

Keycloak and PostgreSQL share no transaction. So each change of a user is an operation:
  1. journalled first (``user_operations``, pending), under a PostgreSQL advisory lock held by
     the request for as long as it works on it;
  2. carried out in Keycloak, every step repeatable (screening.identity);
  3. finished in ONE transaction with its event (done), so the event is published iff the
     operation is done.
A process that dies in between leaves the operation pending and its lock free (PostgreSQL
releases it with the dead connection). The reconciler — a background task of every screening
replica, every few seconds and at start — takes such operations over and drives them to their
end: a disable, enable or move is repeated and finished; a creation is finished when Keycloak has
the account (its unit and roles completed), and given up when Keycloak never saw it. While
Keycloak is unreachable nothing is lost: the operation waits, and the request answers 503.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from prometheus_client import Counter
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from screening import user_directory
from screening.identity import DuplicateUsername, IdentityDirectory, IdentityUnavailable, asking_for
from screening.models import UserOperation
from zhengdun.events.base import Actor
from screening.domain.users import managed_roles
from zhengdun.events.identity import UserCreated, UserDisabled, UserMoved, UserRolesChanged
from zhengdun.faults import crash_point

log = logging.getLogger("screening.users")
LOCK_CLASS = 7_204_114          # advisory lock namespace of user operations (the relay uses 7_204_113)
RECONCILE_SECONDS = 5.0
CHUNK = 25                      # accounts of a bulk creation journalled and finished together
CLOCK_SKEW_MS = 5_000           # a Keycloak account created this long before its journal entry is not its
# Accounts being made in Keycloak at once by all requests of the process together.
_in_keycloak = asyncio.Semaphore(6)
USER_OPERATIONS = Counter("zhengdun_user_operations_total",
                          "User changes across Keycloak and the database, by how they ended", ["kind", "outcome"])


@dataclass(frozen=True)
class NewAccount:
    username: str
    family_name: str
    given_name: str
    email: str | None
    unit: str
    group_id: str
    roles: list[str]
    initial_password: str


def _account(*, family_name: str, given_name: str, enabled: bool, unit: str | None, roles) -> dict:
    """An account as screening's directory keeps it (screening.user_directory), without its id and username."""
    return {"family_name": family_name, "given_name": given_name, "enabled": enabled, "unit": unit,
            "roles": sorted(roles)}


def _account_after(user: dict, **changes) -> dict:
    """The account ``user`` (as Keycloak showed it) once changed."""
    return _account(**{k: user[k] for k in ("family_name", "given_name", "enabled", "unit", "roles")} | changes)


class UserOperationFailed(Exception):
    """Keycloak refused the change (e.g. the password policy): nothing was done."""


REFUSED = (DuplicateUsername, UserOperationFailed)   # nothing of the account was made: its operation is abandoned


@contextlib.asynccontextmanager
async def _locked(engine: AsyncEngine, operation_ids: list[str], *, wait: bool):
    """Hold the operations' advisory locks on a connection of their own; yields whether they were taken
    (without waiting, all or none)."""
    async with engine.connect() as conn:
        function = "pg_advisory_lock" if wait else "pg_try_advisory_lock"
        got = (await conn.execute(text(f"SELECT {function}(:c, hashtext(id)) FROM unnest(CAST(:ids AS text[])) AS id"),
                                  {"c": LOCK_CLASS, "ids": operation_ids})).scalars().all()
        await conn.commit()
        taken = [i for i, g in zip(operation_ids, got) if wait or g]
        try:
            yield len(taken) == len(operation_ids)
        finally:
            if taken:
                with contextlib.suppress(Exception):   # a dead connection has released them already
                    await conn.execute(text("SELECT pg_advisory_unlock(:c, hashtext(id)) FROM unnest(CAST(:ids AS text[])) AS id"),
                                       {"c": LOCK_CLASS, "ids": taken})
                    await conn.commit()


class UserOperations:
    def __init__(self, runtime, directory: IdentityDirectory):
        self.runtime = runtime
        self.directory = directory

    # ---- the requests ------------------------------------------------------------------------
    async def remember(self, account: dict) -> None:
        """An account just read from Keycloak, written into screening's copy of the directory."""
        await user_directory.remember_now(self.runtime.session_factory, [account])

    async def create(self, account: NewAccount, *, actor: Actor, prehashed: bool = False) -> str:
        [made] = await self.create_many([account], actor=actor, prehashed=prehashed)
        if isinstance(made, Exception):
            raise made
        return made

    async def create_many(self, accounts: list[NewAccount], *, actor: Actor,
                          prehashed: bool = False) -> list[str | DuplicateUsername | UserOperationFailed]:
        """Each account as its own operation (journalled, made in Keycloak, finished with its event), CHUNK of
        them at a time: a chunk's operations are journalled in one transaction under locks held on one
        connection, made in Keycloak a few at once, and finished in one transaction — the database's share
        of a bulk creation is then a few statements per chunk, not several per account. Per account: its id,
        or why Keycloak refused it (nothing of it was kept). Keycloak unreachable: what was made is finished,
        the rest left pending for the reconciler, and IdentityUnavailable raised."""
        outcomes: list[str | Exception] = []
        default_roles = await self.directory.default_roles()   # Keycloak gives them to a new account itself
        for start in range(0, len(accounts), CHUNK):
            chunk = accounts[start:start + CHUNK]
            entries = [(a.username, None, {"name": a.family_name + a.given_name, "unit": a.unit, "roles": a.roles,
                                           "group_id": a.group_id,
                                           "account": _account(family_name=a.family_name, given_name=a.given_name, enabled=True,
                                                               unit=a.unit, roles=set(a.roles) | set(default_roles))})
                       for a in chunk]
            async with self._operations("create", entries, actor) as operations:
                made = await asyncio.gather(*(self._make_account(a, prehashed) for a in chunk))
                await self._finish_all([(o.id, m) for o, m in zip(operations, made) if isinstance(m, str)], by="request")
                await self._abandon_all([o.id for o, m in zip(operations, made) if isinstance(m, REFUSED)])
            outcomes.extend(made)
            unsettled = [m for m in made if isinstance(m, Exception) and not isinstance(m, REFUSED)]
            if unsettled:   # maybe made, maybe not: left pending, the reconciler will know
                raise unsettled[0]
        return outcomes

    async def _make_account(self, account: NewAccount, prehashed: bool) -> str | Exception:
        """The account in Keycloak, in its group and with its roles; an exception is returned, not raised, so
        that the rest of its chunk is still finished."""
        async with _in_keycloak:
            try:
                user_id = await self.directory.create_user(
                    username=account.username, family_name=account.family_name, given_name=account.given_name,
                    email=account.email, initial_password=account.initial_password, unit=account.unit,
                    prehashed=prehashed)
            except (IdentityUnavailable, DuplicateUsername) as exc:   # unavailable: pending; taken: someone else's
                return exc
            except Exception as exc:
                return UserOperationFailed(str(exc)[:300])
            crash_point("users.account_created")
            try:
                await self.directory.assign_roles(user_id, account.roles)   # made in its group just now: only the roles are missing
            except Exception as exc:   # the account exists: the reconciler completes it
                return exc
            crash_point("users.identity_done")
            return user_id

    async def set_enabled(self, *, user: dict, enabled: bool, actor: Actor) -> None:
        data = {"unit": user["unit"], "enabled": enabled, "account": _account_after(user, enabled=enabled)}
        async with self._operation("enable" if enabled else "disable", user["username"], user["id"], data, actor) as operation:
            await self.directory.set_enabled(user["id"], enabled)
            crash_point("users.identity_done")
            await self._finish(operation.id, user["id"], by="request")

    async def move(self, *, user: dict, to_unit: str, group_id: str, add_roles: set[str], remove_roles: set[str],
                   actor: Actor) -> None:
        data = {"from_unit": user["unit"], "to_unit": to_unit, "group_id": group_id,
                "add_roles": sorted(add_roles), "remove_roles": sorted(remove_roles),
                "account": _account_after(user, unit=to_unit, roles=(set(user["roles"]) - remove_roles) | add_roles)}
        async with self._operation("move", user["username"], user["id"], data, actor) as operation:
            await self._move(user["id"], data)
            crash_point("users.identity_done")
            await self._finish(operation.id, user["id"], by="request")

    async def set_roles(self, *, user: dict, roles: list[str], actor: Actor) -> None:
        data = {"unit": user["unit"], "roles": roles,
                "account": _account_after(user, roles=(set(user["roles"]) - managed_roles()) | set(roles))}
        async with self._operation("roles", user["username"], user["id"], data, actor) as operation:
            await self.directory.set_roles(user["id"], roles=set(roles), managed=managed_roles())
            crash_point("users.identity_done")
            await self._finish(operation.id, user["id"], by="request")

    async def _move(self, user_id: str, data: dict) -> None:
        await self.directory.move(user_id, new_group_id=data["group_id"], add_roles=set(data["add_roles"]),
                                  remove_roles=set(data["remove_roles"]))

    @contextlib.asynccontextmanager
    async def _operation(self, kind: str, username: str, user_id: str | None, data: dict, actor: Actor):
        async with self._operations(kind, [(username, user_id, data)], actor) as [operation]:
            yield operation

    @contextlib.asynccontextmanager
    async def _operations(self, kind: str, entries: list[tuple[str, str | None, dict]], actor: Actor):
        """Journalled (pending) in one transaction, and locked for as long as the caller works on them."""
        operations = [UserOperation(id=str(uuid.uuid4()), kind=kind, username=username, user_id=user_id, data=data,
                                    actor=actor.model_dump(mode="json"), status="pending")
                      for username, user_id, data in entries]
        async with _locked(self.runtime.engine, [o.id for o in operations], wait=True):
            async with self.runtime.session_factory() as session:
                async with session.begin():
                    session.add_all(operations)
            crash_point("users.journalled")
            yield operations

    # ---- finishing -----------------------------------------------------------------------------
    async def _finish(self, operation_id: str, user_id: str, *, by: str) -> bool:
        """Done, and its event in the outbox, in one transaction; False when it was finished already."""
        return await self._finish_all([(operation_id, user_id)], by=by) == 1

    async def _finish_all(self, finished: list[tuple[str, str]], *, by: str) -> int:
        """Each operation (id, its user's id) done and its event in the outbox, all in one transaction, in the
        given order; those finished already are left alone. Returns how many were finished now."""
        if not finished:
            return 0
        user_ids = dict(finished)
        async with self.runtime.unit_of_work() as uow:
            rows = (await uow.session.execute(select(UserOperation).where(UserOperation.id.in_(user_ids))
                                              .order_by(UserOperation.id).with_for_update())).scalars().all()
            by_id = {o.id: o for o in rows}
            now = datetime.now(timezone.utc)
            operations = [by_id[i] for i in user_ids if by_id[i].status != "done"]
            for operation in operations:
                event, unit = self._event(operation, user_ids[operation.id])
                uow.publish(event, division_code=unit,
                            actor=Actor.model_validate(operation.actor) if operation.actor else None)
                operation.status, operation.user_id = "done", user_ids[operation.id]
                operation.finished_by, operation.finished_at = by, now
            # The account as the change left it, in screening's copy of the directory (journalled before 0011: the
            # sync brings it).
            await user_directory.remember(uow.session, [
                {"id": user_ids[o.id], "username": o.username, **o.data["account"]}
                for o in operations if "account" in o.data])
            await uow.commit()
        for operation in operations:
            USER_OPERATIONS.labels(operation.kind, f"done-by-{by}").inc()
        return len(operations)

    @staticmethod
    def _event(operation: UserOperation, user_id: str):
        data = operation.data
        if operation.kind == "create":
            return UserCreated(user_id=user_id, username=operation.username, name=data["name"], unit=data["unit"],
                               roles=data["roles"]), data["unit"]
        if operation.kind in ("enable", "disable"):
            return UserDisabled(user_id=user_id, username=operation.username, unit=data["unit"],
                                enabled=data["enabled"]), data["unit"] or "000000000000"
        if operation.kind == "roles":
            return UserRolesChanged(user_id=user_id, username=operation.username, unit=data["unit"],
                                    roles=data["roles"]), data["unit"]
        return UserMoved(user_id=user_id, username=operation.username, from_unit=data["from_unit"],
                         to_unit=data["to_unit"]), data["to_unit"]

    async def _abandon(self, operation_id: str) -> None:
        await self._abandon_all([operation_id])

    async def _abandon_all(self, operation_ids: list[str]) -> None:
        if not operation_ids:
            return
        async with self.runtime.session_factory() as session:
            async with session.begin():
                await session.execute(update(UserOperation).where(UserOperation.id.in_(operation_ids),
                                                                  UserOperation.status == "pending")
                                      .values(status="abandoned", finished_at=datetime.now(timezone.utc)))

    # ---- the reconciler --------------------------------------------------------------------------
    async def reconcile_once(self) -> int:
        """Carry every pending operation nobody works on to its end; returns how many were settled."""
        async with self.runtime.session_factory() as session:
            pending = (await session.execute(select(UserOperation.id).where(UserOperation.status == "pending")
                                             .order_by(UserOperation.created_at))).scalars().all()
        settled = 0
        for operation_id in pending:
            async with _locked(self.runtime.engine, [operation_id], wait=False) as taken:
                if not taken:
                    continue   # a live request (or another replica) is on it
                async with self.runtime.session_factory() as session:
                    operation = await session.get(UserOperation, operation_id)
                if operation is None or operation.status != "pending":
                    continue
                settled += await self._reconcile(operation)
        return settled

    async def _reconcile(self, operation: UserOperation) -> bool:
        data = operation.data
        if operation.kind == "create":
            account = await self.directory.find_user(operation.username)
            journalled_ms = operation.created_at.timestamp() * 1000
            if account is None or account.get("createdTimestamp", 0) < journalled_ms - CLOCK_SKEW_MS:
                await self._abandon(operation.id)    # Keycloak never saw it: nothing to undo, nothing to tell
                USER_OPERATIONS.labels(operation.kind, "abandoned").inc()
                log.warning("user operation %s (create %s) abandoned: no account was made", operation.id, operation.username)
                return True
            await self.directory.complete_user(account["id"], group_id=data["group_id"], roles=data["roles"])
            user_id = account["id"]
        elif operation.kind in ("enable", "disable"):
            await self.directory.set_enabled(operation.user_id, data["enabled"])
            user_id = operation.user_id
        elif operation.kind == "roles":
            await self.directory.set_roles(operation.user_id, roles=set(data["roles"]), managed=managed_roles())
            user_id = operation.user_id
        else:
            await self._move(operation.user_id, data)
            user_id = operation.user_id
        await self._finish(operation.id, user_id, by="reconciler")
        log.warning("user operation %s (%s %s) completed by the reconciler", operation.id, operation.kind, operation.username)
        return True

    async def run_reconciler(self, interval: float = RECONCILE_SECONDS) -> None:
        asking_for("reconciler")
        while True:
            try:
                await self.reconcile_once()
            except IdentityUnavailable as exc:
                log.info("reconciliation waits for Keycloak: %s", exc)
            except Exception:
                log.exception("reconciliation of user operations failed; it runs again in %.0f s", interval)
            await asyncio.sleep(interval)
