"""Plain rules of the operations work: no production start on a development secret; log lines that
carry the trace, the span, the service and the user; the dead letter's original event id."""
from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from opentelemetry.sdk.trace import TracerProvider

from zhengdun.logs import JsonFormatter, current_user
from zhengdun.messaging.deadletters import original_event_id, reason_class
from zhengdun.messaging.outbox import OutboxMessage
from zhengdun.settings import DefaultSecretInProduction, ServiceSettings, refuse_development_secrets

ROOT = Path(__file__).resolve().parents[3]
REAL_URL = "postgresql+asyncpg://acceptance:s3cret@zhengdun-db-rw:5432/acceptance"


def settings(environment: str, url: str = REAL_URL) -> ServiceSettings:
    return ServiceSettings(service="acceptance", environment=environment, database_url=url)


def test_development_may_run_on_the_development_defaults():
    refuse_development_secrets(settings("development", "postgresql+asyncpg://zhengdun:zhengdun@127.0.0.1/x"),
                               ("ZD_CLIENT_SECRET", "ZD_SEAL_PASSPHRASE"), environ={})


@pytest.mark.parametrize("environ, missing", [
    ({}, "ZD_CLIENT_SECRET, ZD_SEAL_PASSPHRASE"),
    ({"ZD_CLIENT_SECRET": "zhengdun-acceptance-secret", "ZD_SEAL_PASSPHRASE": "x9"}, "ZD_CLIENT_SECRET"),
    ({"ZD_CLIENT_SECRET": "k1", "ZD_SEAL_PASSPHRASE": "zhengdun-local-seal-passphrase"}, "ZD_SEAL_PASSPHRASE"),
])
def test_production_refuses_a_missing_or_default_secret(environ, missing):
    with pytest.raises(DefaultSecretInProduction, match=missing):
        refuse_development_secrets(settings("production"), ("ZD_CLIENT_SECRET", "ZD_SEAL_PASSPHRASE"), environ=environ)


def test_production_refuses_the_local_database_password_and_accepts_real_secrets():
    with pytest.raises(DefaultSecretInProduction, match="ZD_DATABASE_URL"):
        refuse_development_secrets(settings("production", "postgresql+asyncpg://zhengdun:zhengdun@db/acceptance"),
                                   ("ZD_CLIENT_SECRET",), environ={"ZD_CLIENT_SECRET": "k1"})
    refuse_development_secrets(settings("production"), ("ZD_CLIENT_SECRET", "ZD_SEAL_PASSPHRASE"),
                               environ={"ZD_CLIENT_SECRET": "k1", "ZD_SEAL_PASSPHRASE": "p1"})


def test_a_log_line_is_json_with_trace_span_service_and_user():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("casework"))
    logger = logging.getLogger("zhengdun.test.logs")
    logger.addHandler(handler)
    logger.propagate = False
    tracer = TracerProvider().get_tracer("test")
    token = current_user.set("county_org")
    try:
        with tracer.start_as_current_span("work") as span:
            logger.warning("案卷 %s 已更新", "c-1", extra={"case_id": "c-1"})
            ids = (format(span.get_span_context().trace_id, "032x"), format(span.get_span_context().span_id, "016x"))
    finally:
        current_user.reset(token)
    logger.warning("outside any span")
    first, second = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert (first["trace_id"], first["span_id"]) == ids
    assert first["service"] == "casework" and first["user"] == "county_org" and first["level"] == "WARNING"
    assert first["msg"] == "案卷 c-1 已更新" and first["case_id"] == "c-1"
    assert "trace_id" not in second and "user" not in second


def test_make_logs_shows_json_lines_readably_and_other_lines_unchanged():
    line = json.dumps({"ts": "2026-12-02T02:15:05.536+00:00", "level": "INFO", "service": "casework", "msg": "已启动",
                       "trace_id": "ab" * 16, "user": "ops"}, ensure_ascii=False)
    shown = subprocess.run([sys.executable, str(ROOT / "deploy/local/logview.py")], input=f"{line}\n[kafka] plain\n",
                           capture_output=True, text=True, check=True).stdout.splitlines()
    assert shown == [f"02:15:05.536 casework    INFO    已启动  [user=ops trace_id={'ab' * 16}]", "[kafka] plain"]


def test_the_dead_letter_leads_back_to_the_original_event():
    parsed = OutboxMessage(event_id="dlt:4f6c-11:/zhengdun/casework", type="zhengdun.acceptance.failed.v1", headers={})
    assert original_event_id(parsed) == "4f6c-11"
    raw = OutboxMessage(event_id="dlt:x:/zhengdun/casework", type="zhengdun.deadletter.unparseable.v1",
                        headers={"dlt_original_topic": "zhengdun.screening", "dlt_original_partition": "2",
                                 "dlt_original_offset": "17"})
    assert original_event_id(raw) == "zhengdun.screening:2:17"  # the consumer's inbox key for a non-envelope
    assert reason_class("RejectedEvent: no case 1") == "RejectedEvent"
    assert reason_class("not a valid CloudEvents envelope: Expecting value") == "not a valid CloudEvents envelope"
