"""RFC 9457 problem details for every error a service returns.

Raise ``Problem`` (or a subclass) anywhere in a request; handlers installed by
``install_problem_handlers`` turn it, a rule's ``Refusal`` (``zhengdun.refusals``), FastAPI's validation
errors and unexpected exceptions into ``application/problem+json`` with a stable ``type``.
"""
from __future__ import annotations

import logging
import re
from functools import cache
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from zhengdun.refusals import Kind, Refusal
from zhengdun.telemetry import name_server_span

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("zhengdun.problems")


class FieldError(BaseModel):
    """One field that is wrong: where (``body.findings.0.village_code``, ``query.page``) and why."""
    model_config = ConfigDict(extra="allow")

    field: str
    message: str
    type: str | None = None


class ProblemDetails(BaseModel):
    """RFC 9457 problem details: every error of every service has this shape; the stable
    ``type`` says which rule refused the request, extensions (e.g. ``errors``) say more."""
    model_config = ConfigDict(extra="allow", title="Problem")

    type: str = Field(description="稳定的错误类型，如 /problems/validation (stable error type)")
    title: str
    status: int = Field(ge=400, le=599)
    detail: str | None = None
    instance: str | None = Field(None, description="请求路径 (the request path)")
    errors: list[FieldError] | None = Field(None, description="逐字段的错误 (the fields that are wrong)")


class Problem(Exception):
    """An error answered as problem+json. ``slug`` becomes the stable type ``/problems/<slug>``."""

    def __init__(self, status: int, slug: str, title: str, detail: str | None = None, **extensions: Any):
        super().__init__(detail or title)
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.extensions = extensions

    def body(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"type": f"/problems/{self.slug}", "title": self.title, "status": self.status}
        if self.detail:
            body["detail"] = self.detail
        if instance:
            body["instance"] = instance
        body.update(self.extensions)
        return body


def unauthorized(detail: str) -> Problem:
    return Problem(401, "unauthorized", "未认证 Unauthorized", detail)


def forbidden(detail: str) -> Problem:
    return Problem(403, "forbidden", "无权操作 Forbidden", detail)


def not_found(what: str) -> Problem:
    return Problem(404, "not-found", "未找到 Not found", f"{what} 不存在 (not found)")


def conflict(slug: str, detail: str, **extensions: Any) -> Problem:
    return Problem(409, slug, "与当前状态冲突 Conflict", detail, **extensions)


def unprocessable(slug: str, detail: str, **extensions: Any) -> Problem:
    return Problem(422, slug, "无法处理的内容 Unprocessable content", detail, **extensions)


# Each kind of refusal answers with one status and title, whichever service refuses.
REFUSAL_STATUS = {Kind.INVALID: (422, "不符合规则 Rule violated"), Kind.CONFLICT: (409, "与当前状态冲突 Conflict"),
                  Kind.NOT_FOUND: (404, "未找到 Not found"), Kind.FORBIDDEN: (403, "无权办理 Forbidden"),
                  Kind.TOO_LARGE: (413, "文件过大 File too large"),
                  Kind.UNSUPPORTED_TYPE: (415, "文件类型不符 Unsupported file type")}


def refusal_problem(refusal: Refusal) -> Problem:
    status, title = REFUSAL_STATUS[refusal.kind]
    named = {"field": refusal.field} if refusal.field else {}
    return Problem(status, refusal.code, title, refusal.message, **named, **refusal.details)


def problem_response(problem: Problem, request: Request | None = None,
                     headers: dict[str, str] | None = None) -> JSONResponse:
    headers = dict(headers or {})
    if problem.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="zhengdun"'
    return JSONResponse(
        problem.body(str(request.url.path) if request else None),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=headers or None,
    )


@cache
def _path_methods(app: FastAPI) -> dict[tuple[int, str | None], list[tuple[re.Pattern, int, frozenset[str], str]]]:
    """Each path template of the app's OpenAPI document with its number of parameters and its methods, under
    the paths it can match: their number of segments and first segment (None: a template starting with a
    parameter). A request then tries the few templates of its own bucket, not all of them (seen: a fifth
    of a list's time in screening, which documents some hundred paths)."""
    found: dict[tuple[int, str | None], list[tuple[re.Pattern, int, frozenset[str], str]]] = {}
    for path, operations in app.openapi()["paths"].items():
        methods = {m.upper() for m in operations if m.upper() in HTTP_METHODS}
        if "GET" in methods:
            methods.add("HEAD")
        found.setdefault(_bucket(path, template=True), []).append(
            (re.compile("^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(path)) + "$"), path.count("{"),
             frozenset(methods), path))
    return found


def _bucket(path: str, template: bool = False) -> tuple[int, str | None]:
    segments = path.split("/")   # a parameter matches one whole segment ([^/]+), so the counts agree
    first = segments[1] if len(segments) > 1 else ""
    return len(segments), None if template and "{" in first else first


HTTP_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"}


def build_path_table(app: FastAPI) -> None:
    """The app's OpenAPI document and the table of its paths, built now (at start) instead of by the first request
    that needs them (``documented_path``)."""
    _path_methods(app)


def documented_path(app: FastAPI, path: str) -> tuple[str | None, list[str]]:
    """The document's path template ``path`` is and its methods (several operations may share it); None and
    none for a path it does not have. As in OpenAPI, a literal path wins over a template that also matches:
    /dead-letters/replay is not /dead-letters/{id}."""
    templates = _path_methods(app)
    count, first = _bucket(path)
    matching = [(params, methods, template)
                for pattern, params, methods, template in (*templates.get((count, first), ()),
                                                           *templates.get((count, None), ()))
                if pattern.match(path)]
    if not matching:
        return None, []
    fewest = min(params for params, _, _ in matching)
    chosen = [(methods, template) for params, methods, template in matching if params == fewest]
    return chosen[0][1], sorted(set().union(*(methods for methods, _ in chosen)))


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    return documented_path(app, path)[1]


def method_not_allowed(request: Request, allow: list[str]):
    return problem_response(
        Problem(405, "method-not-allowed", "不支持的请求方法 Method not allowed",
                f"{request.method} 不适用于此路径；可用: {', '.join(allow)} (allowed: {', '.join(allow)})"),
        request, headers={"Allow": ", ".join(allow)})


class RefuseUndocumentedMethods:
    """A path of the document answers its own methods only, even where a template beside it would
    match: GET /divisions/import is a 405, not GET /divisions/{code} with the code "import".
    (Plain ASGI: an ``@app.middleware("http")`` costs a task and a queue per request.) The template
    found names the request's trace span too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            method = scope["method"]
            template, allow = documented_path(scope["app"], scope["path"])
            name_server_span(method, template)
            if allow and method not in allow:
                await method_not_allowed(Request(scope, receive), allow)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem):
        return problem_response(exc, request)

    @app.exception_handler(Refusal)
    async def _refusal(request: Request, exc: Refusal):
        return problem_response(refusal_problem(exc), request)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        errors = [
            {"field": ".".join(str(p) for p in err.get("loc", ())), "message": err.get("msg", ""), "type": err.get("type", "")}
            for err in exc.errors()
        ]
        return problem_response(
            Problem(422, "validation", "输入不合法 Invalid input", "请求中有不合法的字段，请按 errors 修正 (see errors)", errors=errors),
            request,
        )

    @app.exception_handler(405)
    async def _method(request: Request, exc: Exception):
        allow = allowed_methods(request.app, request.url.path) or \
            [m.strip() for m in (getattr(exc, "headers", None) or {}).get("Allow", "").split(",") if m.strip()]
        return method_not_allowed(request, allow)

    app.add_middleware(RefuseUndocumentedMethods)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 400:
            # A body that cannot even be decoded (not UTF-8): malformed input like any other, one answer.
            return problem_response(Problem(
                422, "validation", "输入不合法 Invalid input", "请求体无法解析 (the body could not be parsed)",
                errors=[{"field": "body", "message": str(exc.detail), "type": "body_unparsable"}]), request)
        slug, title = {404: ("not-found", "未找到 Not found"), 401: ("unauthorized", "未认证 Unauthorized"),
                       403: ("forbidden", "无权操作 Forbidden")}.get(exc.status_code, ("http-error", str(exc.detail)))
        detail = str(exc.detail) if exc.status_code == 404 and exc.detail != "Not Found" else None
        if exc.status_code == 404 and detail is None:
            detail = f"没有此路径 {request.url.path} (no such path)"
        return problem_response(Problem(exc.status_code, slug, title, detail), request, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem_response(Problem(500, "internal", "服务内部错误 Internal error", "请稍后重试；已记录日志 (logged)"), request)
