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


def _app(provider: TracerProvider, reads: float | None = None) -> FastAPI:
    app = FastAPI(telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False})
    install_problem_handlers(app)
    router = APIRouter()

    @router.get("/things/{thing_id}")
    async def thing(thing_id: str):
        return {"id": thing_id, "ids": current_ids()}   # what the request's log lines and outbox rows carry

    @router.post("/things")
    async def add_thing():
        return {"ids": current_ids()}

    @router.get("/broken")
    async def broken():
        raise RuntimeError("boom")

    @router.get("/health/live")
    async def live():
        return {"status": "up"}

    app.include_router(router)
    trace_requests(app, provider, reads)
    return app


def _traced(reads: float | None = None):
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return TestClient(_app(provider, reads), raise_server_exceptions=False), exporter


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



def test_every_read_is_traced_unless_told_otherwise(monkeypatch):
    monkeypatch.delenv("ZD_TRACE_READS", raising=False)
    client, exporter = _traced()
    for n in range(20):
        client.get(f"/things/{n}")
    assert len([s for s in exporter.get_finished_spans() if s.kind is SpanKind.SERVER]) == 20


def test_untraced_reads_keep_writes_failures_and_the_callers_traces():
    client, exporter = _traced(reads=0)
    answer = client.get("/things/quiet")
    assert answer.status_code == 200 and answer.json()["ids"] is None   # no span: its log lines name no trace
    assert exporter.get_finished_spans() == ()
    # A write is traced: the events it publishes carry its trace to the consumers.
    assert client.post("/things").json()["ids"] is not None
    (write,) = exporter.get_finished_spans()
    assert write.name == "POST /things"
    exporter.clear()
    # The caller's sampled trace is continued.
    trace_id = secrets.token_hex(16)
    client.get("/things/asked", headers={"traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"})
    (asked,) = exporter.get_finished_spans()
    assert format(asked.context.trace_id, "032x") == trace_id
    exporter.clear()
    # A read that fails gets its server span when its answer is known, from when it started.
    assert client.get("/broken").status_code == 500
    assert client.get("/nowhere").status_code == 404
    broken, nowhere = exporter.get_finished_spans()
    assert broken.name == "GET /broken" and broken.status.status_code is StatusCode.ERROR
    assert dict(broken.attributes)["http.status_code"] == 500 and dict(broken.attributes)["http.route"] == "/broken"
    assert any(event.name == "exception" for event in broken.events) and broken.start_time < broken.end_time
    assert nowhere.name == "GET" and dict(nowhere.attributes)["http.status_code"] == 404


def test_a_read_is_traced_when_its_draw_falls_under_the_share(monkeypatch):
    client, exporter = _traced(reads=0.5)
    monkeypatch.setattr("zhengdun.telemetry.random.random", iter([0.1, 0.7, 0.49, 0.5]).__next__)
    for n in range(4):
        client.get(f"/things/{n}")
    assert sorted(dict(s.attributes)["http.target"] for s in exporter.get_finished_spans()) == ["/things/0", "/things/2"]
