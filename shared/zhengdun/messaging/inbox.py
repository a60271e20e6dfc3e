"""The inbox: which events a service has applied, written in the same transaction as the effect."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, func
from sqlalchemy.orm import Mapped, mapped_column

from zhengdun.db import Base


class InboxMessage(Base):
    __tablename__ = "inbox"

    event_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    type: Mapped[str] = mapped_column(String(120))
    topic: Mapped[str] = mapped_column(String(200))
    trace_id: Mapped[str | None] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(20), default="applied")  # applied | dead-lettered
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
