"""The refusals of the casework rules.

Each carries a stable ``code`` (the problem+json ``type``), a Chinese and an English message
saying what to fix, and structured details. The kind says how the HTTP layer answers:
a rule violation (422), a step out of order or repeated (409), an unknown item (404).
"""
from __future__ import annotations

from typing import Any


class CaseworkError(Exception):
    status = 422

    def __init__(self, code: str, message_zh: str, message_en: str, **details: Any) -> None:
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.details = details
        super().__init__(f"[{code}] {message_zh} / {message_en}")


class RuleViolation(CaseworkError):
    """The input breaks a rule of the campaign (422)."""

    status = 422


class OutOfOrder(CaseworkError):
    """The step does not fit the case's current state: too early, repeated, or already done (409)."""

    status = 409


class UnknownItem(CaseworkError):
    """The problem, task, measure, record or file named does not exist in this case (404)."""

    status = 404
