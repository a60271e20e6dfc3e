"""Keycloak's admin API (python-keycloak), with the screening service's own service account:
the group tree that mirrors the division tree, and the users of each unit.

Every write here can be repeated with the same effect, so that an operation cut short by a crash
can be carried to its end later (screening.users_service). When Keycloak cannot be reached (or
answers 5xx) the methods raise ``IdentityUnavailable``: the API answers 503 instead of 500.
"""
from __future__ import annotations

import asyncio
import base64
import contextvars
import functools
import hashlib
import json
import logging
import os
import time

from keycloak import KeycloakAdmin, KeycloakOpenIDConnection
from keycloak.exceptions import (KeycloakConnectionError, KeycloakError, KeycloakGetError, KeycloakPostError,
                                 raise_error_from_response)

from prometheus_client import Counter

from zhengdun.divisions import SIGNIFICANT_DIGITS, level_of
from zhengdun.settings import ServiceSettings

log = logging.getLogger("screening.identity")
# Groups are never deleted by the platform; the bound only limits how long an id removed by hand is believed.
GROUP_CACHE_SECONDS = 300.0
# The realm's password policy, read back at most this often (changed by administrators, rarely).
POLICY_CACHE_SECONDS = 60.0
# A password handed to Keycloak already hashed (bulk creation): PBKDF2-SHA512, which Keycloak verifies, at a
# cost Keycloak itself would never choose. Keycloak re-hashes a password whose stored algorithm or iterations
# differ from the realm policy's the first time it verifies it (PasswordCredentialProvider.isValid), so the weak
# hash lives only until the account's first login; from then on the realm policy decides the strength.
PREHASH_ALGORITHM, PREHASH_ITERATIONS, PREHASH_KEY_BYTES = "pbkdf2-sha512", 1_000, 64
KEYCLOAK_PBKDF2_MIN_LENGTH = 14
# Accounts, role holders or group members per request of the directory's sync.
SYNC_PAGE = 500
ADMIN_REQUESTS = Counter("zhengdun_identity_requests_total",
                         "Requests to Keycloak's admin API, by method and by what asked (an API request or a background job)",
                         ["method", "by"])
# What the requests to Keycloak are made for: an API request unless the task is one of the background jobs, each of
# which names itself first (``asking_for``), so that a figure of one kind of work does not count the others'.
_ASKER: contextvars.ContextVar[str] = contextvars.ContextVar("zhengdun_identity_asker", default="request")


def asking_for(job: str) -> None:
    """The current task's requests to Keycloak are counted as ``job``'s (a task's context is its own)."""
    _ASKER.set(job)


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


def account_email(username: str, email: str | None) -> str:
    """The account's email in Keycloak: the one given, else one made from the username (Keycloak wants one)."""
    return email or f"{username}@users.zhengdun.local"


def _prehashed_password(password: str) -> dict:
    """A password credential in Keycloak's stored form (PBKDF2 with a random salt), for Keycloak to keep as is.
    Keycloak pads a password shorter than 14 UTF-16 units with NULs before PBKDF2 (for FIPS), so this does too."""
    units = len(password.encode("utf-16-le")) // 2
    padded = password + "\0" * max(0, KEYCLOAK_PBKDF2_MIN_LENGTH - units)
    salt = os.urandom(16)
    key = hashlib.pbkdf2_hmac("sha512", padded.encode(), salt, PREHASH_ITERATIONS, PREHASH_KEY_BYTES)
    return {"type": "password", "temporary": False,
            "secretData": json.dumps({"value": base64.b64encode(key).decode(), "salt": base64.b64encode(salt).decode(),
                                      "additionalParameters": {}}),
            "credentialData": json.dumps({"hashIterations": PREHASH_ITERATIONS, "algorithm": PREHASH_ALGORITHM,
                                          "additionalParameters": {}})}


def _division_name(group: dict) -> str | None:
    return (group.get("attributes", {}).get("division_name") or [None])[0]


class IdentityDirectory:
    def __init__(self, settings: ServiceSettings):
        self._admin = KeycloakAdmin(connection=KeycloakOpenIDConnection(
            server_url=settings.keycloak_url, realm_name=settings.keycloak_realm, user_realm_name=settings.keycloak_realm,
            client_id=settings.client_id, client_secret_key=settings.client_secret, grant_type="client_credentials",
            timeout=15))
        self._children_read: dict[str, float] = {}   # path of a parent -> when its children were read
        self._role_reps: dict[str, dict] = {}
        self._groups: dict[str, tuple[str, str | None, float]] = {}   # path -> (id, division name, when read)
        self._realm_read: tuple[dict, float] | None = None   # (the realm: its password policy, its default role; when read)
        self._admin.connection.async_s.event_hooks["request"].append(self._counted)

    @staticmethod
    async def _counted(request) -> None:
        ADMIN_REQUESTS.labels(request.method, _ASKER.get()).inc()

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
        """Create any missing group on the path to ``code`` (idempotent); keep names current.

        Below the top, a group is looked for among its parent's children, read in one request and remembered: a
        province's import asks for ~1,000 townships' groups, and a request by path for each cost Keycloak ~10 ms of
        CPU. A group its parent's children (read lately) do not hold is created at once; one created meanwhile by
        another replica answers 409 and is then read by its path."""
        parent_id = None
        path = ""
        group_id = ""
        for part in self.group_path(code).strip("/").split("/"):
            parent_path, path = path, path + "/" + part
            if parent_id is not None and self._known_group(path, None) is None and self._children_stale(parent_path):
                await self._read_children(parent_path, parent_id)
            known = self._known_group(path, names.get(part))
            if known:   # seen lately with this name: no round trip (a bulk creation asks for the same few groups)
                parent_id = group_id = known
                continue
            attributes = {"division_code": [part], "division_name": [names.get(part, part)]}
            if parent_id is not None and not self._children_stale(parent_path):
                parent_id = group_id = await self._put_child(path, part, parent_id, attributes)
                continue
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
            self._groups[path] = (group["id"], names.get(part) or _division_name(group), time.monotonic())
            parent_id = group_id = group["id"]
        return group_id

    def _children_stale(self, parent_path: str) -> bool:
        read = self._children_read.get(parent_path)
        return read is None or time.monotonic() - read > GROUP_CACHE_SECONDS

    async def _read_children(self, parent_path: str, parent_id: str) -> None:
        """Remember every child group of a parent (its division name too): one request for its ~20 children."""
        children = await self._admin.a_get_group_children(parent_id, {"briefRepresentation": False})
        now = time.monotonic()
        for child in children:
            self._groups[f"{parent_path}/{child['name']}"] = (child["id"], _division_name(child), now)
        self._children_read[parent_path] = now

    async def _put_child(self, path: str, part: str, parent_id: str, attributes: dict) -> str:
        """The group at ``path``, under its parent's id, named as ``attributes`` say: renamed when its parent's
        children (read lately) hold it under another name, else created (or read, if another made it meanwhile)."""
        known = self._known_group(path, None)
        if known:
            await self._admin.a_update_group(known, {"name": part, "attributes": attributes})
            group_id = known
        else:
            group_id = await self._admin.a_create_group({"name": part, "attributes": attributes}, parent=parent_id,
                                                        skip_exists=True)
            if not group_id:   # 409: made meanwhile; its name is put right by the next import that names it
                group = await self._admin.a_get_group_by_path(path)
                group_id, attributes = group["id"], {"division_name": [_division_name(group)]}
        self._groups[path] = (group_id, attributes["division_name"][0], time.monotonic())
        return group_id

    def _known_group(self, path: str, name: str | None) -> str | None:
        """The id of the group at ``path`` if read within GROUP_CACHE_SECONDS and named ``name`` (when given)."""
        known = self._groups.get(path)
        if known is None or time.monotonic() - known[2] > GROUP_CACHE_SECONDS:
            return None
        group_id, known_name, _ = known
        return group_id if name is None or name == known_name else None

    # ---- users -------------------------------------------------------------------------------
    async def _roles(self, names: list[str]) -> list[dict]:
        if not self._role_reps:
            self._role_reps = {r["name"]: r for r in await self._admin.a_get_realm_roles()}
        return [self._role_reps[n] for n in names]

    @_unavailable_if_down
    async def create_user(self, *, username: str, family_name: str, given_name: str, email: str | None,
                          initial_password: str, unit: str, prehashed: bool = False) -> str:
        """The account, already in the group of ``unit`` (one request, one Keycloak transaction); its roles follow
        (``assign_roles``; after a crash ``complete_user``): each step repeatable. A taken username: DuplicateUsername.
        ``prehashed``: the password goes over already hashed at a low cost (PREHASH_ITERATIONS), so that Keycloak
        does not spend its full-strength hash on each account of a bulk creation; the caller has checked the
        password against the realm's policy (``password_policy``), which Keycloak cannot check on a hash."""
        credential = (_prehashed_password(initial_password) if prehashed else
                      {"type": "password", "value": initial_password, "temporary": False})
        try:
            return await self._admin.a_create_user({
                "username": username, "enabled": True, "firstName": given_name, "lastName": family_name,
                "email": account_email(username, email), "emailVerified": bool(email) or True,
                "credentials": [credential],
                "groups": [self.group_path(unit)],
            }, exist_ok=False)
        except KeycloakPostError as exc:
            # Keycloak may name the email (derived from the username) when the username is taken: ask which.
            if exc.response_code == 409 and await self.find_user(username):
                raise DuplicateUsername(username) from None
            raise   # a taken email alone is refused as any other 4xx

    async def _realm(self) -> dict:
        if self._realm_read is None or time.monotonic() - self._realm_read[1] > POLICY_CACHE_SECONDS:
            self._realm_read = (await self._admin.a_get_realm(self._admin.connection.realm_name), time.monotonic())
        return self._realm_read[0]

    @_unavailable_if_down
    async def password_policy(self) -> str:
        """The realm's password policy as Keycloak writes it ("length(12) and digits(1) and …"; "" for none)."""
        return (await self._realm()).get("passwordPolicy") or ""

    @_unavailable_if_down
    async def default_roles(self) -> list[str]:
        """The realm roles Keycloak gives every new account itself (its default role, "default-roles-<realm>")."""
        default = (await self._realm()).get("defaultRole") or {}
        return [default["name"]] if default.get("name") else []

    @_unavailable_if_down
    async def assign_roles(self, user_id: str, roles: list[str]) -> None:
        await self._admin.a_assign_realm_roles(user_id, await self._roles(roles))

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

    # ---- the whole realm, for screening's copy of the accounts (screening.user_directory) ------------
    @_unavailable_if_down
    async def all_accounts(self) -> list[dict]:
        """Every account of the realm with its unit (its group's name, None without one) and its realm roles, read
        in pages of SYNC_PAGE: the accounts, the holders of each realm role, the members of each group. For the
        background sync only: its cost grows with the realm (about one request per group)."""
        accounts = {user["id"]: {"id": user["id"], "username": user["username"],
                                 "family_name": user.get("lastName") or "", "given_name": user.get("firstName") or "",
                                 "enabled": user.get("enabled", True), "unit": None, "roles": []}
                    for user in await self._paged("users")}
        for role in await self._admin.a_get_realm_roles():
            for holder in await self._paged(f"roles/{role['name']}/users"):
                if holder["id"] in accounts:   # made since the accounts were read: the next pass has it
                    accounts[holder["id"]]["roles"].append(role["name"])
        for user_id, unit in (await self._group_members()).items():
            if user_id in accounts:
                accounts[user_id]["unit"] = unit
        for account in accounts.values():
            account["roles"].sort()
        return list(accounts.values())

    async def _paged(self, listing: str) -> list[dict]:
        """All the items of a listing of the realm's admin API (``listing`` below admin/realms/<realm>/) that
        Keycloak pages with first/max, SYNC_PAGE at a time."""
        url = f"admin/realms/{self._admin.connection.realm_name}/{listing}"
        items, first = [], 0
        while True:
            page = raise_error_from_response(await self._admin.connection.a_raw_get(
                url, first=first, max=SYNC_PAGE, briefRepresentation=True), KeycloakGetError)
            items.extend(page)
            if len(page) < SYNC_PAGE:
                return items
            first += SYNC_PAGE

    async def _group_members(self) -> dict[str, str]:
        """Each member of a group and the group's name (a unit's code), the tree walked level by level."""
        limit = asyncio.Semaphore(4)   # a few requests at a time: a background pass must not crowd the requests out

        async def visit(group: dict) -> tuple[list[dict], list[dict]]:
            async with limit:
                members = await self._paged(f"groups/{group['id']}/members")
            children = []
            if group.get("subGroupCount", 1):   # a leaf (most groups: villages, townships without villages) is not asked
                async with limit:
                    children = await self._admin.a_get_group_children(group["id"], {"max": 10000})
            return [{"id": m["id"], "unit": group["name"]} for m in members], children

        units: dict[str, str] = {}
        level = await self._admin.a_get_groups({"first": 0, "max": 10000, "briefRepresentation": True})
        while level:   # level by level, each level's groups at once
            visited = await asyncio.gather(*(visit(group) for group in level))
            for members, _ in visited:
                for member in members:
                    units.setdefault(member["id"], member["unit"])   # in two groups (a hand edit): the upper one
            level = [child for _, children in visited for child in children]
        return units

    @_unavailable_if_down
    async def missing(self, user_ids: list[str]) -> list[str]:
        """Those of ``user_ids`` Keycloak no longer has (removed by hand): one request each, a few at once."""
        limit = asyncio.Semaphore(4)

        async def gone(user_id: str) -> bool:
            async with limit:
                try:
                    await self._admin.a_get_user(user_id)
                except KeycloakGetError as exc:
                    if _missing(exc):
                        return True
                    raise
                return False
        return [u for u, g in zip(user_ids, await asyncio.gather(*(gone(u) for u in user_ids))) if g]
