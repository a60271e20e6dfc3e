"""The refusals of the acceptance rules.

Each carries a stable ``code`` (the problem+json ``type``), a Chinese and an English message
saying what to fix, and details. The kind says how the HTTP layer answers: a rule violation (422),
a step out of order or repeated (409), a person kept from the step by separation of duties (403),
an item named that the acceptance does not have (404).
"""
from __future__ import annotations

from typing import Any


class AcceptanceError(Exception):
    status = 422

    def __init__(self, code: str, message_zh: str, message_en: str, **details: Any) -> None:
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.details = details
        super().__init__(f"[{code}] {message_zh} / {message_en}")


class RuleViolation(AcceptanceError):
    status = 422


class OutOfOrder(AcceptanceError):
    status = 409


class NotPermitted(AcceptanceError):
    status = 403


class UnknownItem(AcceptanceError):
    status = 404
