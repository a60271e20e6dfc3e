"""Persistence of the reporting service: its tables (SQLAlchemy), on the shared declarative base.

The shared tables (outbox, inbox, divisions, platform clock) are imported so that Alembic sees one metadata.
"""
from zhengdun.clock import ClockState  # noqa: F401
from zhengdun.db import Base  # noqa: F401
from zhengdun.messaging import InboxMessage, OutboxMessage  # noqa: F401
from zhengdun.registry import Division  # noqa: F401
