"""The server span of each request (zhengdun.telemetry.TracedRequests), as the services' apps are layered: the
caller's trace continued, the span named after its path template, a 5xx or an exception marked as an error,
probes untraced, and a request never inside the previous one's span."""
from __future__ import annotations

import secrets

from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from zhengdun.problems import install_problem_handlers
from zhengdun.telemetry import current_ids, trace_requests


def _app(provider: TracerProvider) -> FastAPI:
    app = FastAPI(telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False})
    install_problem_handlers(app)
    router = APIRouter()

    @router.get("/things/{thing_id}")
    async def thing(thing_id: str):
        return {"id": thing_id, "ids": current_ids()}   # what the request's log lines and outbox rows carry

    @router.get("/broken")
    async def broken():
        raise RuntimeError("boom")

    @router.get("/health/live")
    async def live():
        return {"status": "up"}

    app.include_router(router)
    trace_requests(app, provider)
    return app


def _traced():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return TestClient(_app(provider), raise_server_exceptions=False), exporter


def test_a_request_continues_the_callers_trace_in_a_server_span_named_after_its_route():
    client, exporter = _traced()
    trace_id, parent_id = secrets.token_hex(16), secrets.token_hex(8)
    response = client.get("/things/t-1?size=20", headers={"traceparent": f"00-{trace_id}-{parent_id}-01"})
    assert response.status_code == 200
    server = next(s for s in exporter.get_finished_spans() if s.kind is SpanKind.SERVER)
    assert format(server.context.trace_id, "032x") == trace_id
    assert format(server.parent.span_id, "016x") == parent_id and server.parent.is_remote
    assert server.name == "GET /things/{thing_id}"
    attributes = dict(server.attributes)
    assert attributes["http.route"] == "/things/{thing_id}" and attributes["http.method"] == "GET"
    assert attributes["http.status_code"] == 200 and attributes["http.target"] == "/things/t-1?size=20"
    assert response.json()["ids"] == [trace_id, format(server.context.span_id, "016x")]


def test_without_a_traceparent_each_request_is_the_root_of_its_own_trace():
    client, exporter = _traced()
    client.get("/things/a")
    client.get("/things/b")
    servers = [s for s in exporter.get_finished_spans() if s.kind is SpanKind.SERVER]
    assert len(servers) == 2 and all(s.parent is None for s in servers)
    assert servers[0].context.trace_id != servers[1].context.trace_id


def test_an_unexpected_error_answers_problem_json_and_marks_the_span():
    client, exporter = _traced()
    response = client.get("/broken")
    assert response.status_code == 500 and response.headers["content-type"] == "application/problem+json"
    server = next(s for s in exporter.get_finished_spans() if s.kind is SpanKind.SERVER)
    assert server.name == "GET /broken" and server.status.status_code is StatusCode.ERROR
    assert dict(server.attributes)["http.status_code"] == 500
    assert any(event.name == "exception" for event in server.events)


def test_probes_and_unknown_paths():
    client, exporter = _traced()
    assert client.get("/health/live").status_code == 200
    assert exporter.get_finished_spans() == ()
    assert client.get("/nowhere").status_code == 404
    (server,) = exporter.get_finished_spans()
    assert server.name == "GET" and dict(server.attributes)["http.status_code"] == 404

