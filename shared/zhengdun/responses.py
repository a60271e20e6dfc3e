"""What every answer of every service is built from, so that ``/openapi.json`` describes each
response exactly (the console's TypeScript types are generated from it).

``Out`` forbids undeclared fields: a route that starts answering a field its model does not
declare fails loudly in the tests instead of drifting silently from the published contract.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict

# A JSON object whose keys depend on the record it describes (an entry's data, a document's content).
JsonObject = dict[str, Any]


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


def files(*media_types: str, description: str = "文件 (file)") -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` of a route that answers a file in one of ``media_types``."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {200: {"description": description, "content": {m: binary for m in media_types}}}


def file_response(content: bytes, media_type: str, filename: str, *, fallback: str | None = None,
                  headers: dict[str, str] | None = None) -> Response:
    """A file to save under ``filename``: RFC 6266's ``filename*`` in UTF-8 carries the Chinese names people
    read, and ``fallback`` (by default the name's ASCII letters, or "download") serves clients that only
    read the plain ``filename``."""
    if fallback is None:
        fallback = "".join(c for c in filename if c.isascii() and (c.isalnum() or c in "._-")).lstrip("._-") or "download"
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
    return Response(content, media_type=media_type, headers={**(headers or {}), "Content-Disposition": disposition})
