"""A small client of the platform for the demo, the scenario and the tests: tokens of demo
users (development client ``zhengdun-dev``, password grant) and calls to the public HTTP APIs."""
from __future__ import annotations

import os
import time

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


_cache: dict[str, tuple[str, float]] = {}


def password_token(username: str, password: str = DEMO_PASSWORD, *, fresh: bool = False) -> str:
    cached = _cache.get(username)
    if cached and not fresh and cached[1] > time.time() + 30:
        return cached[0]
    response = _token_request({"grant_type": "password", "client_id": DEV_CLIENT, "username": username,
                               "password": password, "scope": "openid"})
    if response.status_code != 200:
        raise TokenError(f"token for {username}: {response.status_code} {response.text[:300]}")
    body = response.json()
    _cache[username] = (body["access_token"], time.time() + body.get("expires_in", 60))
    return body["access_token"]


def _token_request(data: dict, wait: float = TOKEN_WAIT_SECONDS) -> httpx.Response:
    """Keycloak unreachable or restarting (5xx) is waited out — tokens already held go on working
    meanwhile; any answer of Keycloak's own (a refusal included) is returned."""
    deadline = time.time() + wait
    while True:
        try:
            response = httpx.post(token_url(), data=data, timeout=15)
            if response.status_code < 500:
                return response
            problem = f"{response.status_code} {response.text[:200]}"
        except httpx.TransportError as exc:
            problem = f"{type(exc).__name__}: {exc}"
        if time.time() > deadline:
            raise TokenError(f"Keycloak did not answer for {wait:.0f} s: {problem}")
        time.sleep(2)


def client_token(client_id: str, secret: str) -> str:
    response = httpx.post(token_url(), data={"grant_type": "client_credentials", "client_id": client_id,
                                             "client_secret": secret}, timeout=15)
    if response.status_code != 200:
        raise TokenError(f"token for client {client_id}: {response.status_code} {response.text[:300]}")
    return response.json()["access_token"]


def auth(username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {password_token(username)}"}
