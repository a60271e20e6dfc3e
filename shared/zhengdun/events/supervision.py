"""Payload models of the events the supervision service publishes."""
from __future__ import annotations

from pydantic import BaseModel, Field  # noqa: F401

from zhengdun.events.base import event  # noqa: F401
