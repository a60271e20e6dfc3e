"""Each service's /openapi.json, completed centrally so that it says the truth:

- where to log in (the realm's OAuth2 flow — authorization code + PKCE through the public client
  zhengdun-web — or a bearer token), on every route that needs a caller;
- every error a route can answer, as problem+json (zhengdun.problems.ProblemDetails): 401 and
  403 where a caller is needed, 404 where something is named in the path or the body, 409 on
  writes, 422 where there is input, 413 on uploads, and whatever a route declares itself
  (``responses=problems(503)``).
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI, Security
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import get_parameterless_sub_dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from zhengdun.auth import BEARER, LOGIN
from zhengdun.problems import PROBLEM_JSON, FieldError, ProblemDetails

WRITES = {"post", "put", "patch", "delete"}
MEANINGS = {
    401: "未认证：缺少或无效的令牌 (no valid bearer token)",
    403: "无权操作：角色、层级或辖区不允许 (refused by the access policy)",
    404: "未找到 (not found)",
    405: "不支持的请求方法 (method not allowed; see Allow)",
    409: "与当前状态冲突 (conflicts with the current state)",
    413: "文件过大 (file too large)",
    422: "输入不合法或不符合业务规则；errors 逐字段说明 (invalid input or a rule refused it)",
    503: "依赖的服务暂不可用 (a part it depends on is unavailable)",
}


def security_schemes(issuer: str) -> dict[str, Any]:
    endpoints = f"{issuer.rstrip('/')}/protocol/openid-connect"
    return {
        "zhengdun": {
            "type": "oauth2",
            "description": "登录：整顿平台统一认证 (Keycloak realm zhengdun, public client zhengdun-web, "
                           "authorization code + PKCE)",
            "flows": {"authorizationCode": {"authorizationUrl": f"{endpoints}/auth", "tokenUrl": f"{endpoints}/token",
                                            "refreshUrl": f"{endpoints}/token",
                                            "scopes": {"openid": "OpenID Connect"}}},
        },
        "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                   "description": "同一认证服务签发的访问令牌 (an access token of the zhengdun realm)"},
    }


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """A route's own error answers (beyond the ones added centrally), for ``responses=``."""
    return {status: {"description": MEANINGS.get(status, "错误 (error)")} for status in statuses}


def _problem_content() -> dict[str, Any]:
    return {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}


def error_statuses(method: str, operation: dict[str, Any]) -> set[int]:
    parameters = operation.get("parameters", [])
    body = operation.get("requestBody", {}).get("content", {})
    statuses: set[int] = set()
    if operation.get("security"):
        statuses |= {401, 403}
    if any(p["in"] == "path" for p in parameters) or (method in WRITES and body):
        statuses.add(404)
    if method in WRITES:
        statuses.add(409)
    if parameters or body:
        statuses.add(422)
    if "multipart/form-data" in body:
        statuses.add(413)
    return statuses


def numbers_as_numbers(node: Any) -> Any:
    """Pydantic documents a decimal input as ``number or any string``; the services take numbers
    (decimal strings also parse, as events carry them), so the contract says number, with its bounds."""
    if isinstance(node, list):
        return [numbers_as_numbers(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: numbers_as_numbers(value) for key, value in node.items()}
    options = node.get("anyOf")
    if isinstance(options, list) and any(o.get("type") == "number" for o in options) and {"type": "string"} in options:
        kept = [o for o in options if o != {"type": "string"}]
        node.pop("anyOf")
        if len(kept) == 1:
            node.update(kept[0])
        else:
            node["anyOf"] = kept
    return node


def complete(schema: dict[str, Any]) -> dict[str, Any]:
    schema["components"] = numbers_as_numbers(schema.setdefault("components", {}))
    schema["paths"] = numbers_as_numbers(schema.get("paths", {}))
    schemas = schema["components"].setdefault("schemas", {})
    schemas.update(ProblemDetails.model_json_schema(ref_template="#/components/schemas/{model}").pop("$defs", {}))
    schemas["Problem"] = ProblemDetails.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas["Problem"].pop("$defs", None)
    schemas["FieldError"] = FieldError.model_json_schema()
    for gone in ("HTTPValidationError", "ValidationError"):
        schemas.pop(gone, None)
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in error_statuses(method, operation) | {int(s) for s in responses if s[0] in "45"}:
                answer = responses.setdefault(str(status), {})
                if status == 422 or not answer.get("description"):
                    answer["description"] = MEANINGS.get(status, "错误 (error)")
                if status == 422 or not answer.get("content"):
                    answer["content"] = _problem_content()
    return schema


def _callers(dependant: Dependant) -> list[Dependant]:
    """The dependants under ``dependant`` (itself included) whose call reads the caller (zhengdun.access)."""
    own = [dependant] if getattr(dependant.call, "reads_caller", False) else []
    return own + [found for sub in dependant.dependencies for found in _callers(sub)]


@contextmanager
def _login_declared(routes):
    """While the document is written, each guard that reads the caller depends on the ways of logging in
    (zhengdun.auth.LOGIN, BEARER), so FastAPI names them on its route's operations as it always did; at request
    time it does not resolve them (each one cost FastAPI a dependency and the scopes' bookkeeping)."""
    added: dict[int, tuple[Dependant, list[Dependant]]] = {}
    for route in iter_route_contexts(routes):   # as get_openapi reads them (routes of included routers too)
        if isinstance(route.original_route, APIRoute):
            for guard in _callers(route.dependant):
                if id(guard) not in added:
                    schemes = [get_parameterless_sub_dependant(depends=depends, path=route.path_format)
                               for depends in (Security(LOGIN, scopes=["openid"]), Security(BEARER))]
                    guard.dependencies.extend(schemes)
                    added[id(guard)] = (guard, schemes)
    try:
        yield
    finally:
        for guard, schemes in added.values():
            for scheme in schemes:
                guard.dependencies.remove(scheme)


def install_openapi(app: FastAPI, *, issuer: str) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        with _login_declared(app.routes):
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        schema.setdefault("components", {})["securitySchemes"] = security_schemes(issuer)
        app.openapi_schema = complete(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
