"""The five services' OpenAPI documents say the truth, checked on the apps themselves (no server):
typed answers, every error as problem+json, constrained parameters, login through zhengdun-web."""
from __future__ import annotations

import asyncio
import fnmatch
import importlib
import json
import logging
from pathlib import Path

import httpx
import pytest

SERVICES = ("screening", "casework", "supervision", "acceptance", "reporting")
ROOT = Path(__file__).resolve().parents[3]
FILES = {"application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@pytest.fixture(scope="module")
def apps():
    logging.disable(logging.WARNING)  # five apps in one process re-instrument OpenTelemetry: noise only
    try:
        return {name: importlib.import_module(f"{name}.app").app for name in SERVICES}
    finally:
        logging.disable(logging.NOTSET)


def operations(app):
    for path, methods in app.openapi()["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_answer_is_typed(apps):
    untyped = []
    for name, app in apps.items():
        for path, method, operation in operations(app):
            ok = next(v for k, v in operation["responses"].items() if k.startswith("2"))
            for media, content in ok.get("content", {}).items():
                schema = content.get("schema", {})
                if media == "application/json" and not ("$ref" in json.dumps(schema) or schema.get("type") == "array"):
                    untyped.append(f"{name} {method.upper()} {path}: {schema}")
    assert not untyped, "\n".join(untyped)


def test_every_error_a_route_can_answer_is_a_documented_problem(apps):
    for name, app in apps.items():
        document = app.openapi()
        assert "HTTPValidationError" not in document["components"]["schemas"]
        for path, method, operation in operations(app):
            responses = operation["responses"]
            expected = set()
            if operation.get("security"):
                expected |= {"401", "403"}
            if operation.get("parameters") or operation.get("requestBody"):
                expected.add("422")
            if method in ("post", "put"):
                expected.add("409")
            if "{" in path:
                expected.add("404")
            missing = expected - set(responses)
            assert not missing, f"{name} {method.upper()} {path} does not document {missing}"
            for status, response in responses.items():
                if status[0] in "45":
                    assert response["content"] == {"application/problem+json": {"schema": {
                        "$ref": "#/components/schemas/Problem"}}}, (name, path, status)


def test_every_path_and_query_parameter_is_constrained(apps):
    loose = []
    for name, app in apps.items():
        for path, method, operation in operations(app):
            for parameter in operation.get("parameters", []):
                schema = parameter["schema"]
                options = schema.get("anyOf", [schema])
                for option in options:
                    if option.get("type") == "string" and not ({"pattern", "enum", "format", "const"} & set(option)):
                        loose.append(f"{name} {method.upper()} {path} {parameter['name']}")
                    if option.get("type") == "integer" and "maximum" not in option:
                        loose.append(f"{name} {method.upper()} {path} {parameter['name']} (unbounded)")
    assert not loose, "\n".join(loose)


def test_docs_log_in_through_the_public_client(apps):
    realm = json.loads((ROOT / "deploy/keycloak/zhengdun-realm.json").read_text())
    web = next(c for c in realm["clients"] if c["clientId"] == "zhengdun-web")
    assert web["publicClient"] and web["standardFlowEnabled"] and web["attributes"]["pkce.code.challenge.method"] == "S256"
    for port, (name, app) in zip(range(8101, 8106), apps.items()):
        assert app.swagger_ui_init_oauth == {"clientId": "zhengdun-web", "usePkceWithAuthorizationCodeGrant": True,
                                             "scopes": "openid"}
        flow = app.openapi()["components"]["securitySchemes"]["zhengdun"]["flows"]["authorizationCode"]
        assert flow["authorizationUrl"].endswith("/realms/zhengdun/protocol/openid-connect/auth")
        redirect = f"http://127.0.0.1:{port}{app.swagger_ui_oauth2_redirect_url}"
        assert any(fnmatch.fnmatch(redirect, pattern) for pattern in web["redirectUris"]), redirect
        secured = [op for _, _, op in operations(app) if op.get("security")]
        assert secured and all(op["security"] == [{"zhengdun": ["openid"]}, {"bearer": []}] for op in secured)


def test_an_unsupported_method_is_405_with_allow(apps):
    async def call(app, method, path):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.request(method, path)

    cases = [("screening", "DELETE", "/users", {"GET", "HEAD", "POST"}),
             ("casework", "PATCH", "/cases/x", {"GET", "HEAD"}),
             ("reporting", "POST", "/figures/990100000000", {"GET", "HEAD"}),
             # a literal path is not the template beside it (/operations/dead-letters/{letter_id})
             ("supervision", "OPTIONS", "/operations/dead-letters/replay", {"POST"}),
             ("screening", "GET", "/divisions/import", {"POST"})]     # not GET /divisions/{code}
    for name, method, path, allowed in cases:
        response = asyncio.run(call(apps[name], method, path))
        assert response.status_code == 405
        assert response.headers["content-type"] == "application/problem+json"
        assert set(response.headers["allow"].split(", ")) == allowed


def test_a_body_that_cannot_be_decoded_is_a_422_problem(apps):
    async def call():
        transport = httpx.ASGITransport(app=apps["acceptance"])
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.post("/acceptances/00c31403-ebe5-839b-bf4e-4569100048a2/post-evaluation",
                                     content=b"\xff", headers={"content-type": "application/json"})

    response = asyncio.run(call())   # not UTF-8: FastAPI's own answer would be an undocumented 400
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "body"
