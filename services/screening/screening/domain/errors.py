"""The one exception of the screening rules.

Every refusal carries a stable ``code`` (the HTTP layer turns it into a problem+json
``type``), a Chinese and an English message saying what to fix, and structured ``details``
(e.g. the village codes that are missing) for the response body.
"""
from __future__ import annotations

from typing import Any


class ScreeningRuleViolation(Exception):
    def __init__(self, code: str, message_zh: str, message_en: str, **details: Any) -> None:
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.details = details
        super().__init__(f"[{code}] {message_zh} / {message_en}")
