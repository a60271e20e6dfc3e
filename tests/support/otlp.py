"""A minimal OTLP/HTTP trace receiver for the tests: services export their real spans here."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest


@dataclass(frozen=True)
class ReceivedSpan:
    service: str
    trace_id: str
    span_id: str
    parent_span_id: str
    name: str
    kind: int


class OtlpReceiver:
    def __init__(self) -> None:
        self.spans: list[ReceivedSpan] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                request = ExportTraceServiceRequest()
                request.ParseFromString(body)
                received = []
                for resource_spans in request.resource_spans:
                    service = next((a.value.string_value for a in resource_spans.resource.attributes
                                    if a.key == "service.name"), "?")
                    for scope_spans in resource_spans.scope_spans:
                        for span in scope_spans.spans:
                            received.append(ReceivedSpan(service, span.trace_id.hex(), span.span_id.hex(),
                                                         span.parent_span_id.hex(), span.name, span.kind))
                with receiver._lock:
                    receiver.spans.extend(received)
                self.send_response(200)
                self.send_header("content-type", "application/x-protobuf")
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def spans_of_trace(self, trace_id: str) -> list[ReceivedSpan]:
        with self._lock:
            return [s for s in self.spans if s.trace_id == trace_id]

    def by_trace(self) -> dict[str, list[ReceivedSpan]]:
        """Every span received so far, grouped by trace id (one pass, for checks over many traces)."""
        grouped: dict[str, list[ReceivedSpan]] = {}
        with self._lock:
            for span in self.spans:
                grouped.setdefault(span.trace_id, []).append(span)
        return grouped

    def close(self) -> None:
        self._server.shutdown()
