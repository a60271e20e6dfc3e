"""Attachments (佐证材料): the one mechanism every service uses for evidence files.

A file is checked by its content (the bytes must be what the name says: a ``.png`` that is a PDF
is refused) and by size, hashed (SHA-256) and stored in the service's own PostgreSQL database,
in an append-only table (a trigger refuses UPDATE and DELETE: a file is never edited; a
correction is a new file). A step of the workflow references the files it rests on by id; an id
that is unknown, or that belongs to another record or unit, is refused (422, naming the field).
A file is downloaded by whoever may read its record, with its SHA-256 in ``X-Content-SHA256``.

- ``check_attachment``: the pure rule (no I/O), unit-tested directly;
- ``AttachmentFile`` / ``ScopedAttachment``: the columns of the table (SQLAlchemy mixins), used by each
  service's ``models.py``; ``create_attachments_table`` / ``make_append_only``: its migration;
- ``read_upload``, ``stored``, ``resolve``, ``download``: the helpers of the service layer and routes.
"""
from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import BigInteger, Date, DateTime, LargeBinary, String, func, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from zhengdun.problems import Problem
from zhengdun.refusals import Kind, Refusal

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_NAME_CHARS = 255

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
CONTENT_TYPES = tuple(sorted({t for t, _ in ALLOWED_TYPES.values()}))
ALLOWED_LABEL = "/".join(dict.fromkeys(ALLOWED_TYPES))


# ---------------------------------------------------------------------------------------- the rule


class AttachmentRefused(Refusal):
    """The file is refused: of a type not accepted or not what its name says, too large, or empty. The answer
    names the upload's field, so the console shows the reason beside the file."""

    def __init__(self, code: str, kind: Kind, message_zh: str, message_en: str, **details: Any) -> None:
        super().__init__(code, message_zh, message_en, errors=[{"field": "body.file", "message": message_zh}], **details)
        self.kind = kind


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    size: int
    sha256: str


def check_attachment(filename: str, content: bytes, max_bytes: int = MAX_ATTACHMENT_BYTES) -> CheckedFile:
    """The file's type (by its content, which must match its name), size (at most ``max_bytes``) and SHA-256."""
    name = "".join(c for c in (filename or "") if c.isprintable()).strip()  # no control characters are kept
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = ", ".join(sorted(ALLOWED_TYPES))
    if len(name) > MAX_NAME_CHARS:
        raise AttachmentRefused("evidence-name-too-long", Kind.INVALID, f"文件名不能超过 {MAX_NAME_CHARS} 个字符",
                                f"file names are at most {MAX_NAME_CHARS} characters", filename=name[:40] + "…")
    if extension not in ALLOWED_TYPES:
        raise AttachmentRefused("evidence-type", Kind.UNSUPPORTED_TYPE, f"佐证材料只接受 {allowed} 文件", f"evidence must be one of: {allowed}",
                                filename=name)
    if not content:
        raise AttachmentRefused("evidence-empty", Kind.INVALID, "佐证材料文件为空", "the evidence file is empty", filename=name)
    if len(content) > max_bytes:
        raise AttachmentRefused("evidence-too-large", Kind.TOO_LARGE, f"佐证材料不能超过 {max_bytes // 1024 // 1024} MB",
                                f"evidence files are at most {max_bytes // 1024 // 1024} MB", filename=name,
                                size=len(content), max_bytes=max_bytes)
    content_type, signatures = ALLOWED_TYPES[extension]
    head = content[4:12] if extension == "mp4" else content[:16]
    if not any(head.startswith(s) for s in signatures):
        raise AttachmentRefused("evidence-content-mismatch", Kind.UNSUPPORTED_TYPE, f"文件内容不是 .{extension} 格式",
                                f"the content is not a .{extension} file", filename=name)
    return CheckedFile(name, content_type, len(content), hashlib.sha256(content).hexdigest())


# ---------------------------------------------------------------------------------------- the table


class AttachmentFile:
    """The columns of a stored file (mixin). The owner columns are the service's: see ``ScopedAttachment``."""

    file_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_on: Mapped[date] = mapped_column(Date)
    actor: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ScopedAttachment(AttachmentFile):
    """A file of one record: ``kind`` (which step family, e.g. ``inspection``), ``record_key`` (which
    record or container, e.g. a township's round) and ``unit_code`` (the division whose record it is:
    who may read that division's records may download the file)."""

    kind: Mapped[str] = mapped_column(String(40))
    record_key: Mapped[str] = mapped_column(String(200), index=True)
    unit_code: Mapped[str] = mapped_column(String(12), index=True)


def make_append_only(table: str) -> None:
    """In a migration: the database refuses to change or remove a row of ``table``."""
    from alembic import op

    op.execute(f"CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$ "
               f"BEGIN RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql")
    op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
               f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()")


def drop_append_only(table: str) -> None:
    from alembic import op

    op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")


def create_attachments_table(table: str = "attachments") -> None:
    """In a migration: the ``ScopedAttachment`` table, append-only."""
    import sqlalchemy as sa
    from alembic import op
    from sqlalchemy.dialects import postgresql

    op.create_table(
        table,
        sa.Column("file_id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("record_key", sa.String(200), nullable=False),
        sa.Column("unit_code", sa.String(12), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(120), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("uploaded_on", sa.Date, nullable=False),
        sa.Column("actor", postgresql.JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index(f"ix_{table}_record_key", table, ["record_key"])
    op.create_index(f"ix_{table}_unit_code", table, ["unit_code"])
    make_append_only(table)


def drop_attachments_table(table: str = "attachments") -> None:
    from alembic import op

    drop_append_only(table)
    op.drop_table(table)


# ---------------------------------------------------------------------------------------- helpers


class AttachmentOut(BaseModel):
    """A stored file, as the upload answers it and a record references it."""

    file_id: str
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_on: date


class AttachmentRef(BaseModel):
    """What a record keeps of a file it rests on (``reference``)."""

    file_id: str
    filename: str
    sha256: str
    size: int
    content_type: str


async def read_upload(file, max_bytes: int = MAX_ATTACHMENT_BYTES) -> tuple[str, bytes]:
    """The upload's name and bytes: one byte more than allowed is read, so an oversized file is seen."""
    return file.filename or "", await file.read(max_bytes + 1)


def stored(model, filename: str, content: bytes, *, today: date, actor: dict[str, Any], max_bytes: int = MAX_ATTACHMENT_BYTES,
           **owner: Any):
    """A new row of ``model`` for the checked file (refused as 415/413/422 problem+json). Add it to the session."""
    checked = check_attachment(filename, content, max_bytes)
    return model(file_id=str(uuid.uuid4()), filename=checked.filename, content_type=checked.content_type,
                 size=checked.size, sha256=checked.sha256, content=content, uploaded_on=today, actor=actor, **owner)


def reference(row) -> dict[str, Any]:
    """What a record keeps of a file it rests on (the file itself stays in the attachments table)."""
    return {"file_id": row.file_id, "filename": row.filename, "sha256": row.sha256, "size": row.size,
            "content_type": row.content_type}


def out(row) -> AttachmentOut:
    return AttachmentOut(file_id=row.file_id, filename=row.filename, content_type=row.content_type, size=row.size,
                         sha256=row.sha256, uploaded_on=row.uploaded_on)


class UnknownAttachment(Problem):
    def __init__(self, field: str, file_id: str, where: str):
        detail = f"佐证材料 {file_id} 不属于{where}，请先上传 (attachment {file_id} is not a file of this record; upload it first)"
        super().__init__(422, "unknown-attachment", "佐证材料不存在或不属于本记录 Unknown attachment", detail,
                         errors=[{"field": field, "message": detail, "file_id": file_id}])


async def references(session, model, ids, **owner: Any) -> dict[str, dict[str, Any]]:
    """The references of those of ``ids`` that are rows of ``model`` owned by ``owner``, by id: one query, and
    without the files' content (a record is read or checked, not its files)."""
    wanted = list(dict.fromkeys(ids or ()))
    if not wanted:
        return {}
    columns = [getattr(model, name) for name in AttachmentRef.model_fields]
    rows = await session.execute(select(*columns).where(
        model.file_id.in_(wanted), *(getattr(model, k) == v for k, v in owner.items())))
    return {row.file_id: dict(row._mapping) for row in rows}


async def resolve(session, model, ids, field: str, where: str, **owner: Any) -> list[dict[str, Any]]:
    """The references of the files ``ids`` (in order, repeats dropped), each of which must be a row of
    ``model`` whose owner columns equal ``owner`` (e.g. ``kind``, ``record_key``, ``unit_code``);
    otherwise 422 naming ``field`` (``body.findings.0.attachments``)."""
    found = await references(session, model, ids, **owner)
    for file_id in dict.fromkeys(ids or ()):
        if file_id not in found:
            raise UnknownAttachment(field, file_id, where)
    return [found[file_id] for file_id in dict.fromkeys(ids or ())]


async def find(session, model, file_id: str, **owner: Any):
    """The row of ``file_id`` among the files of ``owner``, or None."""
    row = await session.get(model, file_id) if _is_uuid(file_id) else None
    if row is None or any(getattr(row, k) != v for k, v in owner.items()):
        return None
    return row


def download(row):
    """The file as an HTTP answer, with its SHA-256 (``X-Content-SHA256``)."""
    from zhengdun.responses import file_response

    return file_response(row.content, row.content_type, row.filename, fallback=_fallback_name(row),
                         headers={"X-Content-SHA256": row.sha256})


def _fallback_name(row) -> str:
    """The id and extension: the plain-ASCII name for clients that cannot read ``filename*``."""
    extension = row.filename.rsplit(".", 1)[-1].lower() if "." in row.filename else ""
    return f"{row.file_id}.{extension}" if extension.isascii() and extension.isalnum() else row.file_id


def upload_responses() -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` of an upload route (beyond 413/422, added centrally)."""
    return {415: {"description": "文件类型不符：内容须与扩展名一致 (unsupported type)"}}


def download_responses() -> dict[int | str, dict[str, Any]]:
    from zhengdun.responses import files

    return files(*CONTENT_TYPES, description="佐证材料原文件（响应头 X-Content-SHA256）")


UPLOAD_SUMMARY = f"（{ALLOWED_LABEL}，≤{MAX_ATTACHMENT_BYTES // 1024 // 1024} MB，按内容校验类型，存SHA-256，不可修改）"


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
