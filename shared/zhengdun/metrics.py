"""Prometheus metrics shared by every service (served at /metrics; gauges refreshed by zhengdun.monitoring)."""
from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter("zhengdun_http_requests_total", "HTTP requests", ["method", "route", "status"])
HTTP_LATENCY = Histogram("zhengdun_http_request_seconds", "HTTP request latency", ["method", "route"])
EVENTS_PUBLISHED = Counter("zhengdun_events_published_total", "Events relayed from the outbox to Kafka")
EVENTS_APPLIED = Counter("zhengdun_events_applied_total", "Events applied by consumers", ["type"])
# Records per consumed batch (their quotient): a batch's fixed cost (its transaction, statements, commit) is shared
# by that many events.
EVENT_BATCHES = Counter("zhengdun_event_batches_total", "Batches of records a consumer group took from Kafka", ["group"])
EVENTS_CONSUMED = Counter("zhengdun_events_consumed_total", "Records a consumer group took from Kafka, in its batches",
                          ["group"])
EVENTS_DUPLICATE = Counter("zhengdun_events_duplicate_total", "Redelivered events skipped by the inbox")
EVENTS_DEADLETTERED = Counter("zhengdun_events_deadlettered_total", "Events sent to the dead-letter topic")
DEAD_LETTERS_REPLAYED = Counter("zhengdun_dead_letters_replayed_total", "Dead letters replayed by an operator",
                                ["service", "outcome"])

CONSUMER_LAG = Gauge("zhengdun_consumer_lag", "Events on this service's topic not yet committed by a consumer group",
                     ["service", "consumer", "topic"])
OUTBOX_UNSENT = Gauge("zhengdun_outbox_unsent", "Outbox rows committed but not yet published", ["service"])
OUTBOX_OLDEST = Gauge("zhengdun_outbox_oldest_unsent_seconds", "Age of the oldest unsent outbox row", ["service"])
DEAD_LETTERS_WAITING = Gauge("zhengdun_dead_letters_waiting", "Dead letters not yet replayed, by reason",
                             ["service", "reason"])
DB_POOL = Gauge("zhengdun_db_pool_connections", "Database connection pool (in_use, idle, overflow, size)",
                ["service", "state"])
EVENTS_RETRIED = Counter("zhengdun_events_retried_total",
                         "Consumer batches redelivered after a failure (kind: transient infrastructure failure or unexpected)",
                         ["group", "kind"])
