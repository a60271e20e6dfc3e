"""OpenTelemetry: one tracer provider per process, exporting to where the environment says:
OTLP/HTTP when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set (production: the OpenTelemetry Collector),
Zipkin when ``OTEL_EXPORTER_ZIPKIN_ENDPOINT`` is set (locally: the Zipkin that `make up` starts;
Zipkin's own OTLP receiver is not published on Maven Central, so the Zipkin exporter it is), both
when both are, nothing when neither is.

Outgoing HTTP (Keycloak's admin API, the realm's JWKS) is traced by the maintained httpx
instrumentation; incoming HTTP and SQL here (``TracedRequests``, ``trace_sql``), lighter than the
instrumentations of FastAPI and SQLAlchemy, with the same spans.

Kafka spans are made by zhengdun.messaging: the trace context of the request that wrote an
event is stored with the event in the outbox, sent in the Kafka headers (W3C traceparent),
and continued by every consumer, so a request and all it triggers share one trace id.
"""
from __future__ import annotations

import os
import random
import time

from opentelemetry import context, propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from sqlalchemy import event

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


def trace_sql(engine, tracer_provider=None) -> None:
    """A span per SQL statement of ``engine`` (an AsyncEngine), a child of the request's or the consumer's span
    (none for a statement made outside any span), named by the statement's first word, with the attributes of
    OpenTelemetry's SQLAlchemy instrumentation that say what ran where: db.system, db.name, db.operation,
    db.statement. Not the connection's user, host and port (db.user, net.peer.name, net.peer.port): the same on
    every statement of a service, and each attribute is copied, exported and stored once per span (seen: three
    more attributes made a statement's span and its Zipkin export cost 60 instead of 35 µs).

    Instead of that instrumentation: per statement it read the engine's URL again and set each attribute by a
    call of its own, it counted the pool's connections into a meter that exports nowhere at every checkout and
    checkin, and it wrapped every ``Engine.connect`` in a span (that one cost a sixth of a list read's CPU with
    its export; the rest a twentieth, seen with py-spy). ``tracer_provider``: the global one unless given."""
    url = engine.url
    fixed = {key: value for key, value in (("db.system", "postgresql"), ("db.name", url.database)) if value is not None}
    sql = trace.get_tracer("zhengdun.sql", tracer_provider=tracer_provider)

    def start(conn, cursor, statement: str, parameters, context, executemany):
        if not trace.get_current_span().get_span_context().is_valid:
            # Outside any request or event (the outbox relay's polls, the monitor's gauges): a statement would be
            # a trace of its own, one span long, that nobody follows (seen: the relay's 2–4 reads per commit sent
            # to the trace backend as as many traces).
            return statement, parameters
        operation = statement.split(None, 1)[0] if statement.strip() else "postgresql"
        context._zhengdun_span = sql.start_span(operation, kind=trace.SpanKind.CLIENT, attributes={
            **fixed, "db.operation": operation, "db.statement": statement})
        return statement, parameters

    def end(conn, cursor, statement, parameters, context, executemany):
        span = getattr(context, "_zhengdun_span", None)
        if span is not None:
            context._zhengdun_span = None
            span.end()

    def failed(exception_context):
        span = getattr(exception_context.execution_context, "_zhengdun_span", None)
        if span is not None:   # the statement failed: after_cursor_execute was not called
            exception_context.execution_context._zhengdun_span = None
            span.set_status(trace.Status(trace.StatusCode.ERROR, str(exception_context.original_exception)))
            span.end()

    event.listen(engine.sync_engine, "before_cursor_execute", start, retval=True)
    event.listen(engine.sync_engine, "after_cursor_execute", end)
    event.listen(engine.sync_engine, "handle_error", failed)


def trace_requests(app, tracer_provider=None, reads: float | None = None) -> None:
    """A server span per request (none for health and metrics), made by ``TracedRequests`` around the whole
    middleware stack, so that the error handlers (a 500's log line) run inside it and its status is the one sent.
    ``tracer_provider``: the global one unless given (a test's); ``reads``: the share of reads traced (default
    ``reads_ratio()``)."""
    build = app.build_middleware_stack
    ratio = reads_ratio() if reads is None else reads
    app.build_middleware_stack = lambda: TracedRequests(build(), tracer_provider, ratio)


# Not traced: probes and scrapes (their paths start with these).
UNTRACED = ("/health/", "/metrics")
READS = ("GET", "HEAD")


def reads_ratio() -> float:
    """``ZD_TRACE_READS``: the share of reads (GET, HEAD) that start a trace of their own; 1 (every read) unless set.
    Writes, reads that fail (4xx, 5xx) and reads whose caller sends a sampled trace are traced whatever it says."""
    return min(1.0, max(0.0, float(os.environ.get("ZD_TRACE_READS") or 1)))


class TracedRequests:
    """The server span of a request: continued from the caller's W3C ``traceparent``, named by its method until
    ``name_server_span`` names it after its path template, with the attributes OpenTelemetry's ASGI
    instrumentation gives by default (http.method, http.target, http.route, http.status_code…),
    and an error status for a 5xx or an exception.

    Instead of that instrumentation (FastAPIInstrumentor): per request it collected its attributes twice, wrapped
    every ``receive`` and ``send``, recorded four histograms into a meter that exports nowhere, and added two
    error layers and one exception layer around the app (seen: a sixth of a list read's CPU).

    Each request starts from an empty context, not the current one: uvicorn starts the task of a request that
    arrived while the previous one on the connection was finishing from inside that request's task, so it would
    inherit its span (seen: a POST's events in a GET's trace).

    With ``reads`` under 1, a read that comes without a caller's trace is traced with that chance (head sampling,
    as OpenTelemetry's ParentBased(TraceIdRatioBased) does, but for reads only): a read's server span, its SQL spans
    and their export cost about as much CPU as the read itself (measured on casework's list). A read left untraced
    that answers 4xx or 5xx, or raises, still gets its server span, made when its answer is known (without its SQL
    spans). Writes are always traced: the events they publish carry their trace into every consumer."""

    def __init__(self, app, tracer_provider=None, reads: float = 1.0) -> None:
        self.app = app
        self._provider = tracer_provider
        self._tracer = None
        self._reads = reads

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"].startswith(UNTRACED):
            token = context.attach(context.Context())
            try:
                await self.app(scope, receive, send)
            finally:
                context.detach(token)
            return
        if self._tracer is None:   # the provider is set when the process starts, after the app is built
            self._tracer = trace.get_tracer("zhengdun.http", tracer_provider=self._provider)
        headers = scope["headers"]
        parent = propagate.extract(headers, context.Context(), _ASGI_HEADERS)   # never the previous request's
        if self._reads < 1 and scope["method"] in READS and random.random() >= self._reads \
                and not trace.get_current_span(parent).get_span_context().is_valid:
            await self._untraced(scope, receive, send, parent)
            return
        span = self._tracer.start_span(scope["method"], parent, kind=trace.SpanKind.SERVER,
                                       attributes=_request_attributes(scope, headers))
        token = context.attach(trace.set_span_in_context(span, parent))

        async def send_with_status(message) -> None:
            if message["type"] == "http.response.start":
                status = message["status"]
                span.set_attribute("http.status_code", status)
                if status >= 500:
                    span.set_status(trace.Status(trace.StatusCode.ERROR))
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        except Exception as exc:
            span.record_exception(exc)
            span.set_status(trace.Status(trace.StatusCode.ERROR, f"{type(exc).__name__}: {exc}"))
            raise
        finally:
            context.detach(token)
            span.end()


    async def _untraced(self, scope, receive, send, parent) -> None:
        """A read outside any trace (no span, so no SQL spans either), unless it fails: then its server span is made
        afterwards, from when it started."""
        started, status = time.time_ns(), 500
        token = context.attach(parent)

        async def send_keeping_status(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_keeping_status)
        except Exception as exc:
            self._failed_read(scope, parent, started, status, exc)
            raise
        finally:
            context.detach(token)
        if status >= 400:
            self._failed_read(scope, parent, started, status)

    def _failed_read(self, scope, parent, started: int, status: int, exc: Exception | None = None) -> None:
        route = getattr(scope.get("route"), "path", None)
        span = self._tracer.start_span(f"{scope['method']} {route}" if route else scope["method"], parent,
                                       kind=trace.SpanKind.SERVER, start_time=started,
                                       attributes=_request_attributes(scope, scope["headers"]))
        span.set_attribute("http.status_code", status)
        if route:
            span.set_attribute("http.route", route)
        if exc is not None:
            span.record_exception(exc)
            span.set_status(trace.Status(trace.StatusCode.ERROR, f"{type(exc).__name__}: {exc}"))
        elif status >= 500:
            span.set_status(trace.Status(trace.StatusCode.ERROR))
        span.end()


class _HeaderGetter:
    """The W3C propagator's reader of an ASGI scope's headers (a list of lowercase byte pairs)."""

    def get(self, headers, key: str):
        wanted = key.encode()
        return [value.decode("latin-1") for name, value in headers if name == wanted] or None

    def keys(self, headers):
        return [name.decode("latin-1") for name, _ in headers]


_ASGI_HEADERS = _HeaderGetter()


def _request_attributes(scope, headers) -> dict:
    server = scope.get("server") or ("0.0.0.0", 80)
    host = user_agent = None
    for name, value in headers:
        if name == b"host":
            host = value.decode("latin-1")
        elif name == b"user-agent":
            user_agent = value.decode("latin-1")
    server_host = f"{server[0]}:{server[1]}" if server[1] != 80 else server[0]
    scheme, path, query = scope.get("scheme", "http"), scope["path"], scope.get("query_string", b"")
    target = f"{path}?{query.decode('latin-1')}" if query else path
    attributes = {"http.scheme": scheme, "http.host": server_host, "net.host.port": server[1],
                  "http.flavor": scope.get("http_version", "1.1"), "http.target": target,
                  "http.url": f"{scheme}://{host or server_host}{target}", "http.method": scope["method"]}
    if host:
        attributes["http.server_name"] = host
    if user_agent:
        attributes["http.user_agent"] = user_agent
    client = scope.get("client")
    if client:
        attributes["net.peer.ip"], attributes["net.peer.port"] = client[0], client[1]
    return attributes


def name_server_span(method: str, path: str | None) -> None:
    """Name the request's server span ``METHOD /path/{template}`` and give it its ``http.route`` (a request
    on no documented path keeps its method as its name)."""
    span = trace.get_current_span()
    if path and span.is_recording():
        span.update_name(f"{method} {path}")
        span.set_attribute("http.route", path)


_tracer_of: tuple = (None, None)   # (provider, its tracer)


def tracer():
    """The platform's tracer from the provider in force, made once per provider (a consumer asks for it per event,
    and the SDK's ``get_tracer`` makes a tracer and its scope each time)."""
    global _tracer_of
    provider = trace.get_tracer_provider()
    if _tracer_of[0] is not provider:
        _tracer_of = (provider, provider.get_tracer("zhengdun"))
    return _tracer_of[1]


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
