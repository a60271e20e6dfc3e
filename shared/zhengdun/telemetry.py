"""OpenTelemetry: one tracer provider per process, exporting to where the environment says:
OTLP/HTTP when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set (production: the OpenTelemetry Collector),
Zipkin when ``OTEL_EXPORTER_ZIPKIN_ENDPOINT`` is set (locally: the Zipkin that `make up` starts;
Zipkin's own OTLP receiver is not published on Maven Central, so the Zipkin exporter it is), both
when both are, nothing when neither is.

Outgoing HTTP (Keycloak's admin API, the realm's JWKS) is traced by the maintained httpx
instrumentation, SQL by the SQLAlchemy one (wired in zhengdun.runtime), incoming HTTP by FastAPI's.

Kafka spans are made by zhengdun.messaging: the trace context of the request that wrote an
event is stored with the event in the outbox, sent in the Kafka headers (W3C traceparent),
and continued by every consumer, so a request and all it triggers share one trace id.
"""
from __future__ import annotations

import os

from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

_configured = False


def setup_tracing(service: str) -> None:
    global _configured
    otlp = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    if _configured or not (otlp or os.environ.get("OTEL_EXPORTER_ZIPKIN_ENDPOINT")):
        # Nowhere to send spans (a test process that builds the apps in-process): no provider and no
        # httpx instrumentation, which would give each outgoing request a new trace and overwrite the
        # traceparent the caller set (the tests' own requests to the services).
        return
    provider = TracerProvider(resource=Resource.create({"service.name": f"zhengdun-{service}", "service.namespace": "zhengdun"}))
    if otlp:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    if os.environ.get("OTEL_EXPORTER_ZIPKIN_ENDPOINT"):
        from opentelemetry.exporter.zipkin.json import ZipkinExporter

        provider.add_span_processor(BatchSpanProcessor(ZipkinExporter()))  # reads the endpoint from the environment
    trace.set_tracer_provider(provider)
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    HTTPXClientInstrumentor().instrument()  # every httpx client made from now on: JWKS, Keycloak admin
    _configured = True


def trace_sql(engine) -> None:
    """A span per SQL statement of ``engine`` (an AsyncEngine). Not the instrumentation's "connect" span as
    well: it wraps every ``Engine.connect``, which on each request only takes a pooled connection and opens
    nothing, and cost a sixth of a list read's CPU with its export (seen with py-spy)."""
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
    from opentelemetry.instrumentation.utils import unwrap
    from sqlalchemy.engine import Engine

    SQLAlchemyInstrumentor().instrument(engine=engine.sync_engine)
    unwrap(Engine, "connect")


def trace_requests(app) -> None:
    """A server span per request (none for health and metrics), without a span per ASGI message.

    The instrumentation names each span by matching the request against every route of the app before the
    app's router matches it again (seen: a tenth of a list read's CPU in casework, more in screening with its
    hundred paths). Here the span starts named by its method alone, and ``name_server_span`` names it after
    the path template that zhengdun.problems finds anyway for the 405 check (a few templates tried)."""
    import opentelemetry.instrumentation.fastapi as instrumentation

    instrumentation._get_default_span_details = _method_only   # looked up when the middleware stack is built
    instrumentation.FastAPIInstrumentor.instrument_app(app, excluded_urls="health/.*,metrics",
                                                       exclude_spans=["receive", "send"])


def _method_only(scope) -> tuple[str, dict[str, str]]:
    return scope.get("method", "HTTP"), {}


def name_server_span(method: str, path: str | None) -> None:
    """Name the request's server span ``METHOD /path/{template}`` and give it its ``http.route`` (a request
    on no documented path keeps its method as its name)."""
    span = trace.get_current_span()
    if path and span.is_recording():
        span.update_name(f"{method} {path}")
        span.set_attribute("http.route", path)


def tracer():
    return trace.get_tracer("zhengdun")


def current_trace_headers() -> dict[str, str]:
    """The W3C trace context of the current span, to store with an outgoing event."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def context_from_headers(headers: dict[str, str]):
    return propagate.extract(headers)


def current_ids() -> tuple[str, str] | None:
    """(trace id, span id) of the current span, hex, or None outside any span."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return format(context.trace_id, "032x"), format(context.span_id, "016x")


def trace_id_hex(span=None) -> str:
    span = span or trace.get_current_span()
    return format(span.get_span_context().trace_id, "032x")
