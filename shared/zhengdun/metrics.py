"""Prometheus metrics shared by every service (served at /metrics)."""
from prometheus_client import Counter, Histogram

HTTP_REQUESTS = Counter("zhengdun_http_requests_total", "HTTP requests", ["method", "route", "status"])
HTTP_LATENCY = Histogram("zhengdun_http_request_seconds", "HTTP request latency", ["method", "route"])
EVENTS_PUBLISHED = Counter("zhengdun_events_published_total", "Events relayed from the outbox to Kafka")
EVENTS_APPLIED = Counter("zhengdun_events_applied_total", "Events applied by consumers", ["type"])
EVENTS_DUPLICATE = Counter("zhengdun_events_duplicate_total", "Redelivered events skipped by the inbox")
EVENTS_DEADLETTERED = Counter("zhengdun_events_deadlettered_total", "Events sent to the dead-letter topic")
EVENTS_RETRIED = Counter("zhengdun_events_retried_total",
                         "Consumer batches redelivered after a failure (kind: transient infrastructure failure or unexpected)",
                         ["group", "kind"])
