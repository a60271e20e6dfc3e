"""Every service: health, metrics, docs, and 401 problem+json without a token."""
from __future__ import annotations

import importlib

import httpx
import pytest

from tests.support.platform import SERVICES
from zhengdun.events import all_specs

PUBLIC_PATHS = {"/health/live", "/health/ready", "/metrics", "/openapi.json", "/asyncapi.json", "/docs",
                "/docs/oauth2-redirect", "/redoc"}


@pytest.mark.parametrize("service", SERVICES)
def test_health_metrics_and_docs(platform, service):
    base = platform.url(service)
    assert httpx.get(f"{base}/health/live").json() == {"status": "up", "service": service}
    ready = httpx.get(f"{base}/health/ready").json()
    assert ready["status"] == "up"
    assert {name: check["status"] for name, check in ready["checks"].items()} == {
        "database": "up", "broker": "up", "relay": "up", "consumers": "up", "identity_provider": "up"}
    metrics = httpx.get(f"{base}/metrics")
    assert metrics.status_code == 200 and "zhengdun_http_requests_total" in metrics.text
    assert httpx.get(f"{base}/openapi.json").json()["paths"]
    # The event contract: one message per event type it sends, and per type it applies, on the right topics.
    asyncapi = httpx.get(f"{base}/asyncapi.json").json()
    assert asyncapi["asyncapi"] == "3.0.0"

    def types(action: str) -> set[str]:
        return {m["$ref"].rsplit("/", 1)[1] for op in asyncapi["operations"].values() if op["action"] == action
                for m in op["messages"]}
    assert types("send") == {s.type for s in all_specs() if s.service == service}
    assert types("receive") == set(importlib.import_module(f"{service}.subscribers").handlers.types)
    own = {c["address"] for name, c in asyncapi["channels"].items() if name in (service, "public")}
    assert own <= {f"{platform.topic_prefix}zhengdun.{service}", f"{platform.topic_prefix}zhengdun.public.v1"} and own
    for message in asyncapi["components"]["messages"].values():
        assert message["contentType"] == "application/cloudevents+json"
        assert message["payload"]["properties"]["data"]["$ref"].rsplit("/", 1)[1] in asyncapi["components"]["schemas"]


@pytest.mark.parametrize("service", SERVICES)
def test_every_business_endpoint_needs_a_token(platform, service):
    base = platform.url(service)
    paths = httpx.get(f"{base}/openapi.json").json()["paths"]
    checked = 0
    for path, operations in paths.items():
        if path in PUBLIC_PATHS:
            continue
        concrete = path.replace("{code}", "990100000000")
        for method in operations:
            response = httpx.request(method.upper(), f"{base}{concrete}")
            assert response.status_code == 401, (method, path, response.status_code, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")
            body = response.json()
            assert body["type"] == "/problems/unauthorized" and body["status"] == 401
            checked += 1
    assert checked > 0


def test_forged_and_malformed_tokens_are_refused(platform):
    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode({"sub": "x", "iss": "http://127.0.0.1:8180/realms/zhengdun", "aud": "zhengdun-screening",
                         "exp": 4102444800, "iat": 1700000000, "division_code": "990000000000",
                         "realm_access": {"roles": ["org_staff", "level_province"]}},
                        key, algorithm="RS256", headers={"kid": "forged"})
    for token in (forged, "not-a-jwt", forged[:-10] + "AAAAAAAAAA"):
        response = httpx.get(f"{platform.url('screening')}/divisions", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, response.text
        assert response.headers["content-type"].startswith("application/problem+json")


def test_every_demo_user_gets_a_token_naming_exactly_their_unit(platform):
    import importlib.util

    import jwt

    from zhengdun_demo.client import password_token

    spec = importlib.util.spec_from_file_location("build_realm", platform.root / "deploy/keycloak/build_realm.py")
    realm = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(realm)
    for username, (family, given, unit, roles) in realm.DEMO_USERS.items():
        claims = jwt.decode(password_token(username, fresh=True), options={"verify_signature": False})
        assert claims["division_code"] == unit, username
        assert {str(r) for r in roles} <= set(claims["realm_access"]["roles"]), username
        assert {f"zhengdun-{s}" for s in SERVICES} <= set(claims["aud"]), username


def test_a_read_after_the_database_closed_every_connection_is_answered(platform):
    """The database closes the service's pooled connections (as a restart does): the next requests are
    answered on fresh connections, not with an error from a dead one (the pool checks at checkout)."""
    import asyncio

    from zhengdun_demo.client import auth

    url, headers = f"{platform.url('casework')}/cases", auth("county_org")
    for _ in range(5):   # several connections into the pool
        assert httpx.get(url, headers=headers, params={"size": 1}).status_code == 200
    terminated = asyncio.run(platform.fetch(
        "casework", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
        platform.database_name("casework")))
    assert terminated, "the service held no connection"
    for _ in range(5):
        response = httpx.get(url, headers=headers, params={"size": 1})
        assert response.status_code == 200, response.text
