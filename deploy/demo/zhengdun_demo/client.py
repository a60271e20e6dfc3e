"""A small client of the platform for the demo, the scenario and the tests: tokens of demo
users (development client ``zhengdun-dev``, password grant) and calls to the public HTTP APIs."""
from __future__ import annotations

import collections
import os
import threading
import time
from dataclasses import dataclass

import httpx

KEYCLOAK_URL = os.environ.get("ZD_KEYCLOAK_URL", "http://127.0.0.1:8180")
REALM = os.environ.get("ZD_KEYCLOAK_REALM", "zhengdun")
DEV_CLIENT = "zhengdun-dev"
DEMO_PASSWORD = "demo"
TOKEN_WAIT_SECONDS = float(os.environ.get("ZD_TOKEN_WAIT_SECONDS", "300"))


class TokenError(RuntimeError):
    pass


def token_url() -> str:
    return f"{KEYCLOAK_URL}/realms/{REALM}/protocol/openid-connect/token"


@dataclass
class _Held:
    access: str
    expires: float
    refresh: str
    refresh_expires: float


_cache: dict[str, _Held] = {}
_locks: dict[str, threading.Lock] = {}
# Token requests made so far, by grant: a password grant makes Keycloak hash the password (its most expensive
# request, tens of milliseconds of CPU), a refresh grant does not. The benchmarks print them.
GRANTS: collections.Counter[str] = collections.Counter()


def password_token(username: str, password: str = DEMO_PASSWORD, *, fresh: bool = False) -> str:
    """The user's access token: held until 30 s before it expires, then renewed with the refresh token (no
    password hash) while the session lasts, else by logging in again. ``fresh``: log in again now (an account
    just changed, a key rotated)."""
    with _locks.setdefault(username, threading.Lock()):   # one login per user, however many threads ask
        held, now = _cache.get(username), time.time()
        if held and not fresh:
            if held.expires > now + 30:
                return held.access
            if held.refresh and held.refresh_expires > now + 30:
                response = _token_request({"grant_type": "refresh_token", "client_id": DEV_CLIENT,
                                           "refresh_token": held.refresh})
                GRANTS["refresh_token"] += 1
                if response.status_code == 200:
                    return _keep(username, response.json())
                # refused (the session ended, the account was disabled): log in again below
        response = _token_request({"grant_type": "password", "client_id": DEV_CLIENT, "username": username,
                                   "password": password, "scope": "openid"})
        GRANTS["password"] += 1
        if response.status_code != 200:
            raise TokenError(f"token for {username}: {response.status_code} {response.text[:300]}")
        return _keep(username, response.json())


def _keep(username: str, body: dict) -> str:
    now = time.time()
    refresh_expires = body.get("refresh_expires_in") or 0   # 0: the refresh token does not expire by itself
    _cache[username] = _Held(body["access_token"], now + body.get("expires_in", 60), body.get("refresh_token", ""),
                             now + refresh_expires if refresh_expires else float("inf"))
    return body["access_token"]


_http: httpx.Client | None = None
_http_lock = threading.Lock()


def _keycloak() -> httpx.Client:
    """One client for every token request of the process (httpx's clients are safe to share between threads):
    ``httpx.post`` makes a client per call, and making one loads the certificate store for TLS, ~30 ms of CPU, more
    than the request itself (seen: most of the benchmark client's CPU in the stages where people first log in)."""
    global _http
    with _http_lock:
        if _http is None:
            # Idle connections dropped before the server's keep-alive closes them (as zhengdun_demo.api does).
            _http = httpx.Client(timeout=15, limits=httpx.Limits(keepalive_expiry=2))
        return _http


def _token_request(data: dict, wait: float = TOKEN_WAIT_SECONDS) -> httpx.Response:
    """Keycloak unreachable or restarting (5xx) is waited out — tokens already held go on working
    meanwhile; any answer of Keycloak's own (a refusal included) is returned."""
    deadline = time.time() + wait
    while True:
        try:
            response = _keycloak().post(token_url(), data=data)
            if response.status_code < 500:
                return response
            problem = f"{response.status_code} {response.text[:200]}"
        except httpx.TransportError as exc:
            problem = f"{type(exc).__name__}: {exc}"
        if time.time() > deadline:
            raise TokenError(f"Keycloak did not answer for {wait:.0f} s: {problem}")
        time.sleep(2)


def client_token(client_id: str, secret: str) -> str:
    response = _keycloak().post(token_url(), data={"grant_type": "client_credentials", "client_id": client_id,
                                                   "client_secret": secret})
    if response.status_code != 200:
        raise TokenError(f"token for client {client_id}: {response.status_code} {response.text[:300]}")
    return response.json()["access_token"]


def auth(username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {password_token(username)}"}
