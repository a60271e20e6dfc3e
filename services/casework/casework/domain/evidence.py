"""Evidence files (佐证材料): checked by type (the content must be what its name says) and size, kept with their SHA-256."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from casework.domain.errors import RuleViolation

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024

# extension → (content type, the bytes a file of that type starts with)
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "mp4": ("video/mp4", (b"ftyp",)),  # at offset 4
}


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    size: int
    sha256: str


def check_evidence(filename: str, content: bytes, max_bytes: int = MAX_EVIDENCE_BYTES) -> CheckedFile:
    name = (filename or "").strip()
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = ", ".join(sorted(ALLOWED_TYPES))
    if extension not in ALLOWED_TYPES:
        raise RuleViolation("evidence-type", f"佐证材料只接受 {allowed} 文件", f"evidence must be one of: {allowed}",
                            filename=name)
    if not content:
        raise RuleViolation("evidence-empty", "佐证材料文件为空", "the evidence file is empty", filename=name)
    if len(content) > max_bytes:
        raise RuleViolation("evidence-too-large", f"佐证材料不能超过 {max_bytes // 1024 // 1024} MB",
                            f"evidence files are at most {max_bytes // 1024 // 1024} MB", filename=name, size=len(content))
    content_type, signatures = ALLOWED_TYPES[extension]
    head = content[4:12] if extension == "mp4" else content[:16]
    if not any(head.startswith(s) for s in signatures):
        raise RuleViolation("evidence-content-mismatch", f"文件内容不是 .{extension} 格式", f"the content is not a .{extension} file",
                            filename=name)
    return CheckedFile(name, content_type, len(content), hashlib.sha256(content).hexdigest())
