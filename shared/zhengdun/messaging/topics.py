"""Topic and consumer-group names: one topic per publishing service, plus public and dead-letter."""
from __future__ import annotations

from dataclasses import dataclass

PUBLISHERS = ("screening", "casework", "supervision", "acceptance", "reporting")


@dataclass(frozen=True)
class Topics:
    prefix: str = ""

    def of(self, service: str) -> str:
        return f"{self.prefix}zhengdun.{service}"

    @property
    def public(self) -> str:
        return f"{self.prefix}zhengdun.public.v1"

    @property
    def deadletter(self) -> str:
        return f"{self.prefix}zhengdun.deadletter"

    def all(self) -> list[str]:
        return [self.of(s) for s in PUBLISHERS] + [self.public, self.deadletter]

    def group(self, service: str) -> str:
        return f"{self.prefix}zhengdun-{service}"
