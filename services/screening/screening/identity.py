"""Keycloak's admin API (python-keycloak), with the screening service's own service account:
the group tree that mirrors the division tree, and the users of each unit.

Every write here can be repeated with the same effect, so that an operation cut short by a crash
can be carried to its end later (screening.users_service). When Keycloak cannot be reached (or
answers 5xx) the methods raise ``IdentityUnavailable``: the API answers 503 instead of 500.
"""
from __future__ import annotations

import asyncio
import functools
import logging

from keycloak import KeycloakAdmin, KeycloakOpenIDConnection
from keycloak.exceptions import KeycloakConnectionError, KeycloakError, KeycloakGetError

from zhengdun.divisions import SIGNIFICANT_DIGITS, level_of
from zhengdun.settings import ServiceSettings

log = logging.getLogger("screening.identity")


class DuplicateUsername(Exception):
    pass


class IdentityUnavailable(Exception):
    """Keycloak did not answer (down, restarting, overloaded): try again later."""


def _unavailable_if_down(method):
    @functools.wraps(method)
    async def wrapper(*args, **kwargs):
        try:
            return await method(*args, **kwargs)
        except KeycloakConnectionError as exc:
            raise IdentityUnavailable(str(exc)[:300]) from exc
        except KeycloakError as exc:
            if (exc.response_code or 0) >= 500 or "Can't connect" in str(exc):
                raise IdentityUnavailable(str(exc)[:300]) from exc
            raise
    return wrapper


def _missing(exc: KeycloakGetError) -> bool:
    return exc.response_code == 404


class IdentityDirectory:
    def __init__(self, settings: ServiceSettings):
        self._admin = KeycloakAdmin(connection=KeycloakOpenIDConnection(
            server_url=settings.keycloak_url, realm_name=settings.keycloak_realm, user_realm_name=settings.keycloak_realm,
            client_id=settings.client_id, client_secret_key=settings.client_secret, grant_type="client_credentials",
            timeout=15))
        self._role_reps: dict[str, dict] = {}

    # ---- groups ------------------------------------------------------------------------------
    @staticmethod
    def group_path(code: str) -> str:
        """/990000000000/990100000000/… down to ``code``: one group per ancestor unit."""
        level = level_of(code)
        chain = []
        for candidate, digits in SIGNIFICANT_DIGITS.items():
            chain.append(code[:digits].ljust(12, "0"))
            if candidate is level:
                break
        return "/" + "/".join(chain)

    @_unavailable_if_down
    async def ensure_group(self, code: str, names: dict[str, str]) -> str:
        """Create any missing group on the path to ``code`` (idempotent); keep names current."""
        parent_id = None
        path = ""
        group_id = ""
        for part in self.group_path(code).strip("/").split("/"):
            path += "/" + part
            attributes = {"division_code": [part], "division_name": [names.get(part, part)]}
            try:
                group = await self._admin.a_get_group_by_path(path)
            except KeycloakGetError as exc:
                if not _missing(exc):
                    raise
                group = None
            if not group or "id" not in group:
                await self._admin.a_create_group({"name": part, "attributes": attributes}, parent=parent_id, skip_exists=True)
                group = await self._admin.a_get_group_by_path(path)
            elif part in names and group.get("attributes", {}).get("division_name") != [names[part]]:
                await self._admin.a_update_group(group["id"], {"name": part, "attributes": attributes})
            parent_id = group_id = group["id"]
        return group_id

    # ---- users -------------------------------------------------------------------------------
    async def _roles(self, names: list[str]) -> list[dict]:
        if not self._role_reps:
            self._role_reps = {r["name"]: r for r in await self._admin.a_get_realm_roles()}
        return [self._role_reps[n] for n in names]

    @_unavailable_if_down
    async def check_username_free(self, username: str) -> None:
        if await self._admin.a_get_user_id(username):
            raise DuplicateUsername(username)

    @_unavailable_if_down
    async def create_user(self, *, username: str, family_name: str, given_name: str, email: str | None,
                          initial_password: str) -> str:
        """The account alone; its unit and roles follow (``complete_user``): each step repeatable."""
        return await self._admin.a_create_user({
            "username": username, "enabled": True, "firstName": given_name, "lastName": family_name,
            "email": email or f"{username}@users.zhengdun.local", "emailVerified": bool(email) or True,
            "credentials": [{"type": "password", "value": initial_password, "temporary": False}],
        }, exist_ok=False)

    @_unavailable_if_down
    async def find_user(self, username: str) -> dict | None:
        """The account of exactly this username (id, createdTimestamp), or None."""
        for user in await self._admin.a_get_users({"username": username, "exact": True}):
            if user["username"] == username.lower():
                return user
        return None

    @_unavailable_if_down
    async def complete_user(self, user_id: str, *, group_id: str, roles: list[str]) -> None:
        """In exactly the group ``group_id``, with at least ``roles`` (idempotent)."""
        current = await self._admin.a_get_user_groups(user_id)
        if group_id not in {g["id"] for g in current}:
            await self._admin.a_group_user_add(user_id, group_id)
        for group in current:
            if group["id"] != group_id:
                await self._admin.a_group_user_remove(user_id, group["id"])
        await self._admin.a_assign_realm_roles(user_id, await self._roles(roles))

    @_unavailable_if_down
    async def user(self, user_id: str) -> dict | None:
        try:
            user = await self._admin.a_get_user(user_id)
        except KeycloakGetError as exc:
            if _missing(exc):
                return None
            raise
        groups = await self._admin.a_get_user_groups(user_id)
        roles = {r["name"] for r in await self._admin.a_get_realm_roles_of_user(user_id)}
        unit = groups[0]["name"] if groups else None
        return {"id": user["id"], "username": user["username"], "family_name": user.get("lastName", ""),
                "given_name": user.get("firstName", ""), "enabled": user["enabled"], "unit": unit,
                "group_ids": [g["id"] for g in groups], "roles": sorted(roles)}

    @_unavailable_if_down
    async def realm_roles(self, user_ids: list[str]) -> dict[str, list[str]]:
        """Each user's realm roles (a few requests at a time: one page of a list, not the whole tree)."""
        limit = asyncio.Semaphore(8)

        async def of(user_id: str) -> list[str]:
            async with limit:
                try:
                    return sorted(r["name"] for r in await self._admin.a_get_realm_roles_of_user(user_id))
                except KeycloakGetError as exc:
                    if _missing(exc):   # removed since the list was read
                        return []
                    raise
        return dict(zip(user_ids, await asyncio.gather(*(of(u) for u in user_ids))))

    @_unavailable_if_down
    async def set_enabled(self, user_id: str, enabled: bool) -> None:
        await self._admin.a_update_user(user_id, {"enabled": enabled})

    @_unavailable_if_down
    async def move(self, user_id: str, *, new_group_id: str, add_roles: set[str], remove_roles: set[str]) -> None:
        """Into the group ``new_group_id`` and out of every other one; roles adjusted (idempotent)."""
        current = await self._admin.a_get_user_groups(user_id)
        if new_group_id not in {g["id"] for g in current}:
            await self._admin.a_group_user_add(user_id, new_group_id)
        for group in current:
            if group["id"] != new_group_id:
                await self._admin.a_group_user_remove(user_id, group["id"])
        if add_roles:
            await self._admin.a_assign_realm_roles(user_id, await self._roles(sorted(add_roles)))
        if remove_roles:
            await self._admin.a_delete_realm_roles_of_user(user_id, await self._roles(sorted(remove_roles)))

    @_unavailable_if_down
    async def set_roles(self, user_id: str, *, roles: set[str], managed: set[str]) -> None:
        """Exactly ``roles`` among the ``managed`` ones (idempotent); other roles are left alone."""
        current = {r["name"] for r in await self._admin.a_get_realm_roles_of_user(user_id)}
        if roles - current:
            await self._admin.a_assign_realm_roles(user_id, await self._roles(sorted(roles - current)))
        if (current & managed) - roles:
            await self._admin.a_delete_realm_roles_of_user(user_id, await self._roles(sorted((current & managed) - roles)))

    @_unavailable_if_down
    async def members_under(self, code: str) -> list[dict]:
        """Every user of the unit ``code`` and of the units below it that have groups."""
        try:
            root = await self._admin.a_get_group_by_path(self.group_path(code))
        except KeycloakGetError as exc:
            if _missing(exc):
                return []
            raise
        members, queue = [], [root]
        while queue:
            group = queue.pop()
            for user in await self._admin.a_get_group_members(group["id"], {"briefRepresentation": True, "max": 10000}):
                members.append({"id": user["id"], "username": user["username"], "family_name": user.get("lastName", ""),
                                "given_name": user.get("firstName", ""), "enabled": user.get("enabled", True),
                                "unit": group["name"]})
            queue.extend(await self._admin.a_get_group_children(group["id"], {"max": 10000}))
        return sorted(members, key=lambda m: (m["unit"], m["username"]))
