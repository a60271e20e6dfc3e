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
from datetime import datetime, timezone

from prometheus_client import Counter
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from screening.identity import DuplicateUsername, IdentityDirectory, IdentityUnavailable
from screening.models import UserOperation
from zhengdun.events.base import Actor
from screening.domain.users import managed_roles
from zhengdun.events.identity import UserCreated, UserDisabled, UserMoved, UserRolesChanged
from zhengdun.faults import crash_point

log = logging.getLogger("screening.users")
LOCK_CLASS = 7_204_114          # advisory lock namespace of user operations (the relay uses 7_204_113)
RECONCILE_SECONDS = 5.0
CLOCK_SKEW_MS = 5_000           # a Keycloak account created this long before its journal entry is not its
USER_OPERATIONS = Counter("zhengdun_user_operations_total",
                          "User changes across Keycloak and the database, by how they ended", ["kind", "outcome"])


class UserOperationFailed(Exception):
    """Keycloak refused the change (e.g. the password policy): nothing was done."""


@contextlib.asynccontextmanager
async def _locked(engine: AsyncEngine, operation_id: str, *, wait: bool):
    """Hold the operation's advisory lock on a connection of its own; yields whether it was taken."""
    async with engine.connect() as conn:
        function = "pg_advisory_lock" if wait else "pg_try_advisory_lock"
        got = (await conn.execute(text(f"SELECT {function}(:c, hashtext(:id))"), {"c": LOCK_CLASS, "id": operation_id})).scalar()
        await conn.commit()
        taken = wait or bool(got)
        try:
            yield taken
        finally:
            if taken:
                with contextlib.suppress(Exception):   # a dead connection has released it already
                    await conn.execute(text("SELECT pg_advisory_unlock(:c, hashtext(:id))"), {"c": LOCK_CLASS, "id": operation_id})
                    await conn.commit()


class UserOperations:
    def __init__(self, runtime, directory: IdentityDirectory):
        self.runtime = runtime
        self.directory = directory

    # ---- the requests ------------------------------------------------------------------------
    async def create(self, *, username: str, family_name: str, given_name: str, email: str | None, unit: str,
                     group_id: str, roles: list[str], initial_password: str, actor: Actor,
                     prehashed: bool = False) -> str:
        data = {"name": family_name + given_name, "unit": unit, "roles": roles, "group_id": group_id}
        async with self._operation("create", username, None, data, actor) as operation:
            try:
                user_id = await self.directory.create_user(username=username, family_name=family_name,
                                                           given_name=given_name, email=email,
                                                           initial_password=initial_password, unit=unit,
                                                           prehashed=prehashed)
            except IdentityUnavailable:
                raise   # maybe created, maybe not: the reconciler will know
            except DuplicateUsername:
                await self._abandon(operation.id)   # someone else's account: nothing of ours was made
                raise
            except Exception as exc:
                await self._abandon(operation.id)
                raise UserOperationFailed(str(exc)[:300]) from exc
            crash_point("users.account_created")
            await self.directory.assign_roles(user_id, roles)   # made in its group just now: only the roles are missing
            crash_point("users.identity_done")
            await self._finish(operation.id, user_id, by="request")
        return user_id

    async def set_enabled(self, *, user: dict, enabled: bool, actor: Actor) -> None:
        data = {"unit": user["unit"], "enabled": enabled}
        async with self._operation("enable" if enabled else "disable", user["username"], user["id"], data, actor) as operation:
            await self.directory.set_enabled(user["id"], enabled)
            crash_point("users.identity_done")
            await self._finish(operation.id, user["id"], by="request")

    async def move(self, *, user: dict, to_unit: str, group_id: str, add_roles: set[str], remove_roles: set[str],
                   actor: Actor) -> None:
        data = {"from_unit": user["unit"], "to_unit": to_unit, "group_id": group_id,
                "add_roles": sorted(add_roles), "remove_roles": sorted(remove_roles)}
        async with self._operation("move", user["username"], user["id"], data, actor) as operation:
            await self._move(user["id"], data)
            crash_point("users.identity_done")
            await self._finish(operation.id, user["id"], by="request")

    async def set_roles(self, *, user: dict, roles: list[str], actor: Actor) -> None:
        data = {"unit": user["unit"], "roles": roles}
        async with self._operation("roles", user["username"], user["id"], data, actor) as operation:
            await self.directory.set_roles(user["id"], roles=set(roles), managed=managed_roles())
            crash_point("users.identity_done")
            await self._finish(operation.id, user["id"], by="request")

    async def _move(self, user_id: str, data: dict) -> None:
        await self.directory.move(user_id, new_group_id=data["group_id"], add_roles=set(data["add_roles"]),
                                  remove_roles=set(data["remove_roles"]))

    @contextlib.asynccontextmanager
    async def _operation(self, kind: str, username: str, user_id: str | None, data: dict, actor: Actor):
        operation = UserOperation(id=str(uuid.uuid4()), kind=kind, username=username, user_id=user_id, data=data,
                                  actor=actor.model_dump(mode="json"), status="pending")
        async with _locked(self.runtime.engine, operation.id, wait=True):
            async with self.runtime.session_factory() as session:
                async with session.begin():
                    session.add(operation)
            crash_point("users.journalled")
            yield operation

    # ---- finishing -----------------------------------------------------------------------------
    async def _finish(self, operation_id: str, user_id: str, *, by: str) -> bool:
        """Done, and its event in the outbox, in one transaction; False when it was finished already."""
        async with self.runtime.unit_of_work() as uow:
            operation = (await uow.session.execute(
                select(UserOperation).where(UserOperation.id == operation_id).with_for_update())).scalar_one()
            if operation.status == "done":
                return False
            event, unit = self._event(operation, user_id)
            uow.publish(event, division_code=unit, actor=Actor.model_validate(operation.actor) if operation.actor else None)
            operation.status, operation.user_id = "done", user_id
            operation.finished_by, operation.finished_at = by, datetime.now(timezone.utc)
            await uow.commit()
        USER_OPERATIONS.labels(operation.kind, f"done-by-{by}").inc()
        return True

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
        async with self.runtime.session_factory() as session:
            async with session.begin():
                await session.execute(update(UserOperation).where(UserOperation.id == operation_id,
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
            async with _locked(self.runtime.engine, operation_id, wait=False) as taken:
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
        while True:
            try:
                await self.reconcile_once()
            except IdentityUnavailable as exc:
                log.info("reconciliation waits for Keycloak: %s", exc)
            except Exception:
                log.exception("reconciliation of user operations failed; it runs again in %.0f s", interval)
            await asyncio.sleep(interval)
