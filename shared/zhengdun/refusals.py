"""One way to refuse: what a rule says when it will not do a thing, in plain Python (no framework).

Domain code of every service raises a ``Refusal`` of one of the kinds below. The edges turn every refusal the
same way, in one place each: the HTTP edge into problem+json (``zhengdun.problems``: the kind gives the status
and title, ``code`` the stable type ``/problems/<code>``), the Kafka edge into a dead letter (retrying a
refused event cannot help).

``message_zh`` says what to fix (people read it), ``message_en`` the same for logs and foreign readers,
``field`` names the request field it is about (the console shows the reason beside that field), and
``details`` are structured extras for the answer's body (e.g. the village codes that are missing).
"""
from __future__ import annotations

from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    INVALID = "invalid"                    # the input breaks a rule
    CONFLICT = "conflict"                  # the step does not fit the current state: too early, repeated, done
    NOT_FOUND = "not-found"                # the item named does not exist (here)
    FORBIDDEN = "forbidden"                # this person may not take this step (separation of duties, reach)
    TOO_LARGE = "too-large"                # a file over the size limit
    UNSUPPORTED_TYPE = "unsupported-type"  # a file of a type not accepted


class Refusal(Exception):
    kind = Kind.INVALID

    def __init__(self, code: str, message_zh: str, message_en: str = "", *, field: str | None = None,
                 **details: Any) -> None:
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.field = field
        self.details = details
        super().__init__(f"[{code}] {message_zh}" + (f" / {message_en}" if message_en else ""))

    @property
    def message(self) -> str:
        """Chinese first, the English in brackets where there is one."""
        return f"{self.message_zh} ({self.message_en})" if self.message_en else self.message_zh


class RuleViolation(Refusal):
    """The input breaks a rule of the campaign."""

    kind = Kind.INVALID


class OutOfOrder(Refusal):
    """The step does not fit the current state: too early, repeated, or already done."""

    kind = Kind.CONFLICT


class UnknownItem(Refusal):
    """The item named (campaign, problem, measure, record, file…) does not exist here."""

    kind = Kind.NOT_FOUND


class NotPermitted(Refusal):
    """This person may not take the step (separation of duties, a body that does not make this record)."""

    kind = Kind.FORBIDDEN
