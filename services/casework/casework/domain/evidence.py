"""Evidence files (佐证材料): the platform's one attachment rule (zhengdun.attachments), in casework's terms.

The check itself — type by content, size, SHA-256 — is shared by every service; here it answers
with casework's own refusal (``RuleViolation``) for the rules that call it directly.
"""
from __future__ import annotations

from casework.domain.errors import RuleViolation
from zhengdun.attachments import ALLOWED_TYPES, MAX_ATTACHMENT_BYTES, AttachmentRefused, CheckedFile, check_attachment

MAX_EVIDENCE_BYTES = MAX_ATTACHMENT_BYTES
__all__ = ["ALLOWED_TYPES", "MAX_EVIDENCE_BYTES", "CheckedFile", "check_evidence"]


def check_evidence(filename: str, content: bytes, max_bytes: int = MAX_EVIDENCE_BYTES) -> CheckedFile:
    try:
        return check_attachment(filename, content, max_bytes)
    except AttachmentRefused as exc:
        raise RuleViolation(exc.code, exc.message_zh, exc.message_en, **exc.details) from None
