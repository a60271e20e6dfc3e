"""The demo client's tokens against the real Keycloak: a person logs in once (a password grant makes Keycloak
hash the password), however many threads ask at once, and an expiring token is renewed with the refresh token."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import jwt

from tests.support.platform import ensure_infrastructure
from zhengdun_demo import client
from zhengdun_demo.client import GRANTS, password_token

USER = "county_org"


def setup_module() -> None:
    ensure_infrastructure()


def granted(action) -> dict[str, int]:
    before = dict(GRANTS)
    action()
    return {kind: GRANTS[kind] - before.get(kind, 0) for kind in ("password", "refresh_token")}


def test_many_threads_asking_at_once_log_in_once():
    client._cache.pop(USER, None)
    with ThreadPoolExecutor(8) as pool:
        counts = granted(lambda: set(pool.map(lambda _: password_token(USER), range(16))))
    assert counts == {"password": 1, "refresh_token": 0}
    assert granted(lambda: password_token(USER)) == {"password": 0, "refresh_token": 0}   # held until it expires


def test_an_expiring_token_is_renewed_without_the_password():
    first = password_token(USER)
    client._cache[USER].expires = time.time() + 10   # within the 30 s margin: renewed now
    renewed = []
    assert granted(lambda: renewed.append(password_token(USER))) == {"password": 0, "refresh_token": 1}
    claims = jwt.decode(renewed[0], options={"verify_signature": False})
    assert renewed[0] != first and claims["preferred_username"] == USER and claims["exp"] > time.time() + 60


def test_a_refused_refresh_logs_in_again():
    password_token(USER)
    held = client._cache[USER]
    held.expires, held.refresh = time.time(), "not-a-refresh-token"
    assert granted(lambda: password_token(USER)) == {"password": 1, "refresh_token": 1}
    assert client._cache[USER].expires > time.time() + 60
