"""RFC 9457 problem details for every error a service returns.

Raise ``Problem`` (or a subclass) anywhere in a request; handlers installed by
``install_problem_handlers`` turn it, FastAPI's validation errors and unexpected exceptions
into ``application/problem+json`` with a stable ``type``.
"""
from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("zhengdun.problems")


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


def problem_response(problem: Problem, request: Request | None = None) -> JSONResponse:
    headers = {"WWW-Authenticate": 'Bearer realm="zhengdun"'} if problem.status == 401 else None
    return JSONResponse(
        problem.body(str(request.url.path) if request else None),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem):
        return problem_response(exc, request)

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

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        slug = {404: "not-found", 405: "method-not-allowed", 401: "unauthorized", 403: "forbidden"}.get(exc.status_code, "http-error")
        return problem_response(Problem(exc.status_code, slug, str(exc.detail), None), request)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem_response(Problem(500, "internal", "服务内部错误 Internal error", "请稍后重试；已记录日志 (logged)"), request)
