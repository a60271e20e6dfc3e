"""What every answer of every service is built from, so that ``/openapi.json`` describes each
response exactly (the console's TypeScript types are generated from it).

``Out`` forbids undeclared fields: a route that starts answering a field its model does not
declare fails loudly in the tests instead of drifting silently from the published contract.
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

# A JSON object whose keys depend on the record it describes (an entry's data, a document's content).
JsonObject = dict[str, Any]


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


def files(*media_types: str, description: str = "文件 (file)") -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` of a route that answers a file in one of ``media_types``."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {200: {"description": description, "content": {m: binary for m in media_types}}}
