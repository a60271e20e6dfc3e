"""One trace id from an HTTP request, through the outbox and Kafka, into other services' consumers."""
from __future__ import annotations

import secrets

import httpx

from tests.integration.helpers import import_csv, wait_for
from tests.support.platform import ZIPKIN
from zhengdun_demo.synthetic import CSV_HEADER

SERVER, PRODUCER, CONSUMER = 2, 4, 5  # OTLP span kinds


def test_a_request_and_every_consumer_it_triggers_share_one_trace(scratch_platform):
    platform = scratch_platform
    import_csv(platform, ",".join(CSV_HEADER) + "\n990000000000,示范省,,\n990100000000,示范市,990000000000,\n"
               "990102000000,甲县,990100000000,\n990102101000,甲镇,990102000000,\n")
    trace_id = secrets.token_hex(16)
    traceparent = f"00-{trace_id}-{secrets.token_hex(8)}-01"
    response = import_csv(platform, ",".join(CSV_HEADER) + "\n990102101266,追踪村,990102101000,行政村\n",
                          headers={"traceparent": traceparent})
    assert response.status_code == 200, response.text

    def consumers_seen():
        spans = platform.otlp.spans_of_trace(trace_id)
        services = {s.service for s in spans if s.kind == CONSUMER}
        return spans if {"zhengdun-casework", "zhengdun-supervision", "zhengdun-acceptance",
                         "zhengdun-reporting"} <= services else None

    spans = wait_for(consumers_seen, timeout=60, what="consumer spans in the request's trace")
    kinds = {(s.service, s.kind) for s in spans}
    assert ("zhengdun-screening", SERVER) in kinds
    assert ("zhengdun-screening", PRODUCER) in kinds
    producer = next(s for s in spans if s.kind == PRODUCER)
    consumer = next(s for s in spans if s.kind == CONSUMER and s.service == "zhengdun-casework")
    assert consumer.parent_span_id == producer.span_id  # the consumer continues the publish span


def test_the_trace_arrives_in_the_real_zipkin_crossing_the_services(scratch_platform):
    """The same spans reach the trace backend that `make up` starts (deploy/local/zipkin.sh), where an
    operator finds them: HTTP, SQL, Kafka publish and process, in one trace across the services."""
    platform = scratch_platform
    import_csv(platform, ",".join(CSV_HEADER) + "\n990000000000,示范省,,\n990100000000,示范市,990000000000,\n"
               "990102000000,甲县,990100000000,\n990102101000,甲镇,990102000000,\n")
    trace_id = secrets.token_hex(16)
    response = import_csv(platform, ",".join(CSV_HEADER) + "\n990102101277,看板村,990102101000,行政村\n",
                          headers={"traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"})
    assert response.status_code == 200, response.text
    wanted = {"zhengdun-casework", "zhengdun-supervision", "zhengdun-acceptance", "zhengdun-reporting"}

    def stored_trace():
        answer = httpx.get(f"{ZIPKIN}/api/v2/trace/{trace_id}", timeout=10)
        if answer.status_code != 200:
            return None
        spans = answer.json()
        consumers = {s["localEndpoint"]["serviceName"] for s in spans if s.get("kind") == "CONSUMER"}
        return spans if wanted <= consumers else None

    spans = wait_for(stored_trace, timeout=120, what="the request's trace in Zipkin with every consumer")
    assert {s["traceId"] for s in spans} == {trace_id}
    by_id = {s["id"]: s for s in spans}
    server = [s for s in spans if s.get("kind") == "SERVER" and s["localEndpoint"]["serviceName"] == "zhengdun-screening"]
    assert server and "/divisions/import" in server[0]["name"]
    producers = [s for s in spans if s.get("kind") == "PRODUCER"]
    assert producers and all(s["name"].endswith(" publish") for s in producers)
    # SQL of the request and of a consumer, from the SQLAlchemy instrumentation.
    sql_services = {s["localEndpoint"]["serviceName"] for s in spans if "db.statement" in s.get("tags", {})
                    or s.get("tags", {}).get("db.system") == "postgresql"}
    assert {"zhengdun-screening", "zhengdun-casework"} <= sql_services
    casework = next(s for s in spans if s.get("kind") == "CONSUMER" and s["localEndpoint"]["serviceName"] == "zhengdun-casework")
    assert by_id[casework["parentId"]]["kind"] == "PRODUCER"  # the consumer continues the publish span
