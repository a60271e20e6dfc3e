"""Each SQL statement a client span of its own (zhengdun.telemetry.trace_sql), inside the request's or the
consumer's span, as OpenTelemetry's SQLAlchemy instrumentation made them: real PostgreSQL."""
from __future__ import annotations

import asyncio

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from sqlalchemy import text

from tests.support.platform import ensure_infrastructure, postgres_url
from zhengdun.db import make_engine
from zhengdun.telemetry import trace_sql


def test_each_sql_statement_is_a_client_span_inside_the_current_one():
    """Against the real PostgreSQL that `make up` runs (the suite's ``postgres`` database, read only)."""
    ensure_infrastructure()
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))

    async def statements():
        engine = make_engine(postgres_url("postgres"))
        trace_sql(engine, provider)
        try:
            with provider.get_tracer("test").start_as_current_span("request") as request:
                async with engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
                    try:
                        await connection.execute(text("SELECT * FROM no_such_table"))
                    except Exception:
                        pass
            return request
        finally:
            await engine.dispose()

    request = asyncio.run(statements())
    ok, failed = [s for s in exporter.get_finished_spans() if s.kind is SpanKind.CLIENT]
    assert ok.name == "SELECT" and ok.parent.span_id == request.context.span_id
    attributes = dict(ok.attributes)
    assert attributes["db.statement"] == "SELECT 1" and attributes["db.system"] == "postgresql"
    assert attributes["db.name"] == "postgres" and attributes["db.operation"] == "SELECT"
    assert failed.status.status_code is StatusCode.ERROR and "no_such_table" in failed.status.description
    assert trace.get_current_span() is trace.INVALID_SPAN
