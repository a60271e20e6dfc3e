"""OpenTelemetry: one tracer provider per process; OTLP export only when an endpoint is configured.

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
    if _configured:
        return
    provider = TracerProvider(resource=Resource.create({"service.name": f"zhengdun-{service}", "service.namespace": "zhengdun"}))
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    _configured = True


def tracer():
    return trace.get_tracer("zhengdun")


def current_trace_headers() -> dict[str, str]:
    """The W3C trace context of the current span, to store with an outgoing event."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def context_from_headers(headers: dict[str, str]):
    return propagate.extract(headers)


def trace_id_hex(span=None) -> str:
    span = span or trace.get_current_span()
    return format(span.get_span_context().trace_id, "032x")
