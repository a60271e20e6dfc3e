"""What every request passes through before its route, as one plain ASGI middleware: it is counted and
timed, the events it published are named in its answer, and a JSON body holding a NUL is refused.

One pure ASGI layer instead of three ``@app.middleware("http")`` functions: each of those runs the rest
of the request in a task of its own and streams the answer through a queue, which cost more than a list
route's own work (seen: a third of its time under load).
"""
from __future__ import annotations

import contextlib
import json
import time

from fastapi import Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zhengdun import metrics
from zhengdun.auth import current_principal
from zhengdun.messaging.outbox import EVENTS_HEADER, PUBLISHED_IN_REQUEST, events_header
from zhengdun.params import nul_fields
from zhengdun.problems import Problem, problem_response

_WRITES = (b"POST", b"PUT", b"PATCH")
# The sessions the request's readers opened (zhengdun.dependencies), closed here when it ends.
REQUEST_SESSIONS = "zhengdun.sessions"


class RequestEdges:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        # The list is filled by the route's unit of work (same task, so the same context).
        published: list[tuple[str, str]] = []
        token = PUBLISHED_IN_REQUEST.set(published)
        sessions = scope[REQUEST_SESSIONS] = []

        async def send_naming_events(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if published and status < 400:
                    MutableHeaders(scope=message)[EVENTS_HEADER] = events_header(published)
            await send(message)

        try:
            if scope["method"].encode() in _WRITES and _is_json(scope):
                receive, refusal = await _refuse_nul(scope, receive)
                if refusal is not None:
                    await refusal(scope, receive, send_naming_events)
                    return
            await self.app(scope, receive, send_naming_events)
        finally:
            for session in sessions:
                with contextlib.suppress(Exception):   # a broken connection: the pool has dropped it already
                    await session.close()
            PUBLISHED_IN_REQUEST.reset(token)
            counted, timed = _series(scope["method"], getattr(scope.get("route"), "path", "unmatched"), status)
            counted.inc()
            timed.observe(time.perf_counter() - started)


# The request counter's and latency histogram's series of each (method, route, status) seen, looked up once:
# ``labels()`` checks and joins its values under a lock on every call.
_SERIES: dict[tuple[str, str, int], tuple] = {}


def _series(method: str, route: str, status: int):
    key = (method, route, status)
    series = _SERIES.get(key)
    if series is None:
        series = _SERIES[key] = (metrics.HTTP_REQUESTS.labels(method, route, str(status)),
                                 metrics.HTTP_LATENCY.labels(method, route))
    return series


def _is_json(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return b"json" in value.lower()
    return False


async def _refuse_nul(scope: Scope, receive: Receive):
    """JSON may carry \\u0000, PostgreSQL text may not: refuse it here, naming the field, not as a 500.
    Returns the receive the route reads the (already read) body from, and the refusal if any."""
    chunks, more = [], True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break   # the client went away: the route sees the same
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"".join(chunks)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()   # after the body: wait for the disconnect, as the server would
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    if b"\\u0000" not in body:
        return replay, None
    fields = []
    with contextlib.suppress(ValueError):
        fields = nul_fields(json.loads(body))
    if not fields:
        return replay, None
    request = Request(scope, replay)
    try:
        await current_principal(request)   # who asks comes first (401), as on every route
    except Problem as problem:
        return replay, problem_response(problem, request)
    return replay, problem_response(Problem(
        422, "validation", "输入不合法 Invalid input", "文本中不能含有 NUL 字符 (no NUL characters in text)",
        errors=[{"field": f, "message": "contains a NUL character", "type": "string_nul"} for f in fields]), request)
