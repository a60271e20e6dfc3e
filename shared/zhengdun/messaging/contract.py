"""The event contracts as AsyncAPI 3.0 documents, generated from the event registry (events/base.py).

One builder serves every service's ``/asyncapi.json`` (the events it sends on its topic and the ones it
receives from the others) and reporting's public contract (the curated events on the public topic):
one message per event type, whose payload is the structured-mode CloudEvents envelope with ``type``
fixed and ``data`` the JSON Schema of the type's Pydantic model.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic.json_schema import models_json_schema

from zhengdun.events.base import SPEC_VERSION, STRUCTURED_CONTENT_TYPE, EventSpec

ASYNCAPI_VERSION = "3.0.0"


@dataclass(frozen=True)
class Channel:
    """One topic and what the application does on it."""

    name: str                          # the channel's id in the document, e.g. "casework"
    address: str                       # the Kafka topic
    action: Literal["send", "receive"]
    specs: tuple[EventSpec, ...]
    description: str = ""


def _envelope_schema(spec: EventSpec, schema_ref: str, *, anonymous: bool) -> dict[str, Any]:
    actor = ({"type": "null", "description": "never set on the public stream"} if anonymous
             else {"type": ["string", "null"]})
    return {
        "type": "object",
        "description": "CloudEvents 1.0, structured mode; the Kafka key is the division code",
        "required": ["specversion", "id", "source", "type", "time", "divisioncode", "data"],
        "properties": {
            "specversion": {"type": "string", "const": SPEC_VERSION},
            "id": {"type": "string"},
            "source": {"type": "string"},
            "type": {"type": "string", "const": spec.type},
            "time": {"type": "string", "format": "date-time"},
            "subject": {"type": ["string", "null"]},
            "datacontenttype": {"type": "string", "const": "application/json"},
            "divisioncode": {"type": "string", "pattern": r"^\d{12}$"},
            "campaignid": {"type": ["string", "null"]},
            "actorid": actor, "actorname": actor, "actorroles": actor, "actordivision": actor,
            "data": {"$ref": schema_ref},
        },
    }


def _message(spec: EventSpec, *, anonymous: bool) -> dict[str, Any]:
    return {
        "name": spec.model.__name__,
        "title": spec.description or spec.type,
        "contentType": STRUCTURED_CONTENT_TYPE,
        "headers": {"type": "object", "required": ["content-type"], "properties": {
            "content-type": {"type": "string", "const": STRUCTURED_CONTENT_TYPE},
            "traceparent": {"type": "string", "description": "W3C trace context of the write"}}},
        "payload": _envelope_schema(spec, f"#/components/schemas/{spec.model.__name__}", anonymous=anonymous),
        "bindings": {"kafka": {"key": {"type": "string", "pattern": r"^\d{12}$"}, "bindingVersion": "0.5.0"}},
    }


def asyncapi_document(*, document_id: str, title: str, version: str, description: str,
                      channels: Iterable[Channel], anonymous: bool = False,
                      servers: dict[str, Any] | None = None,
                      security_schemes: dict[str, Any] | None = None) -> dict[str, Any]:
    """AsyncAPI 3.0: each channel lists its event types as messages, one operation per channel.
    ``anonymous``: the stream never names who acted (the public topic)."""
    channels = [c for c in channels if c.specs]
    specs = {s.type: s for c in channels for s in c.specs}
    _, schemas = models_json_schema([(s.model, "serialization") for s in specs.values()],
                                    ref_template="#/components/schemas/{model}")
    document: dict[str, Any] = {
        "asyncapi": ASYNCAPI_VERSION,
        "id": document_id,
        "info": {"title": title, "version": version, "description": description},
        "defaultContentType": STRUCTURED_CONTENT_TYPE,
        "channels": {c.name: {
            "address": c.address, "description": c.description,
            "messages": {s.type: {"$ref": f"#/components/messages/{s.type}"} for s in c.specs}} for c in channels},
        "operations": {f"{c.action}-{c.name}": {
            "action": c.action, "channel": {"$ref": f"#/channels/{c.name}"},
            "messages": [{"$ref": f"#/channels/{c.name}/messages/{s.type}"} for s in c.specs]} for c in channels},
        "components": {
            "messages": {t: _message(s, anonymous=anonymous) for t, s in sorted(specs.items())},
            "schemas": dict(schemas.get("$defs", {})),
        },
    }
    if servers:
        document["servers"] = servers
    if security_schemes:
        document["components"]["securitySchemes"] = security_schemes
    return document
