"""The platform clock's event: the business date moved (see zhengdun.clock)."""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from zhengdun.events.base import event


@event("zhengdun.screening.clock.advanced.v1")
class ClockAdvanced(BaseModel):
    """The platform's business date is now ``today``; time-driven rules run on it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    today: date
    previous: date | None = None
