"""Structured logs: one JSON object per line, on stdout (which `make up` sends to the service's
log file and Kubernetes collects), each carrying the service, the trace and span ids of the work
in progress and the user it is done for, so a log line leads to its trace and back.

``deploy/local/logview.py`` turns these lines back into one readable line each (`make logs`).
"""
from __future__ import annotations

import contextvars
import json
import logging
import sys
from datetime import datetime, timezone

from zhengdun.telemetry import current_ids

# The user of the request being served (set once the bearer token is verified).
current_user: contextvars.ContextVar[str | None] = contextvars.ContextVar("zhengdun_user", default=None)

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime", "taskName", "color_message"}


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        ids = current_ids()
        if ids:
            line["trace_id"], line["span_id"] = ids
        user = current_user.get()
        if user:
            line["user"] = user
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        for key, value in record.__dict__.items():  # `extra=` fields, kept as fields
            if key not in _STANDARD and key not in line:
                line[key] = value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
        return json.dumps(line, ensure_ascii=False)


def setup_logging(service: str, level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):  # uvicorn's own lines: same format, one stream
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
