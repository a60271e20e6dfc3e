"""The event envelope (CloudEvents 1.0 + Zhengdun extensions) and the registry of event types.

Every payload is a Pydantic model registered under a versioned type name such as
``zhengdun.screening.division.upserted.v1``. Producers, consumers, AsyncAPI and the public
contract all read this registry: it is the single source of event schemas.

A breaking change to a payload is a new class registered under ``….v2``; both versions are
published side by side for a while (see ``EventSpec.superseded_by``).

On Kafka every event uses the CloudEvents Kafka binding in **structured mode**, and only it: the
message value is the whole envelope as JSON, the header ``content-type`` is
``application/cloudevents+json``, no ``ce_`` header is set (a reader that sees ``ce_`` headers
must take the message as binary mode), and the key is the division code.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_serializer, model_validator

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"                       # of ``data``
STRUCTURED_CONTENT_TYPE = "application/cloudevents+json"  # of the Kafka message (structured mode)


class Actor(BaseModel):
    """Who took the action: recorded with every write and carried by every event."""

    model_config = ConfigDict(frozen=True)

    user_id: str
    name: str
    roles: list[str] = Field(default_factory=list)
    division_code: str | None = None

    @classmethod
    def system(cls, service: str) -> "Actor":
        return cls(user_id=f"system:{service}", name=f"系统({service})", roles=[], division_code=None)


class Envelope(BaseModel):
    """A CloudEvents 1.0 event in structured mode, with Zhengdun's extension attributes.

    Extension attributes follow CloudEvents rules: lower-case alphanumeric names and scalar values
    (strings here; no object may be an extension). Who acted is therefore four string attributes,
    read back together as ``actor``; ``actorroles`` is the roles separated by spaces.
    """

    specversion: str = SPEC_VERSION
    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    source: str
    type: str
    time: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
    subject: str | None = None
    datacontenttype: str = CONTENT_TYPE
    divisioncode: str = Field(description="The division the event concerns; also the partition key.")
    campaignid: str | None = None
    actorid: str | None = Field(None, description="Who acted: user id (system:<service> for the platform)")
    actorname: str | None = Field(None, description="Who acted: display name")
    actorroles: str | None = Field(None, description="Who acted: roles, separated by spaces")
    actordivision: str | None = Field(None, description="Who acted: the unit's division code")
    data: dict[str, Any]
    # ``actor=``: an Actor or its dict (how producers pass it, and how events written before the flat attributes
    # carried it), stored as the four string attributes by ``_flatten_actor``; never written out.
    actor_given: Actor | None = Field(None, validation_alias="actor", exclude=True, repr=False)

    @model_validator(mode="after")
    def _flatten_actor(self) -> "Envelope":
        """An after-validator, not a before one: pydantic then reads an event's JSON straight into the fields
        (a before-validator has it built as Python objects first; ~30% of a consumer's decoding)."""
        actor = self.actor_given
        if actor is not None:
            self.__dict__.update(actorid=actor.user_id, actorname=actor.name, actorroles=" ".join(actor.roles),
                                 actordivision=actor.division_code, actor_given=None)
        return self

    @model_serializer(mode="wrap")
    def _omit_absent(self, handler) -> dict[str, Any]:
        """An optional attribute without a value is left out (CloudEvents' JSON format has no null attribute)."""
        return {k: v for k, v in handler(self).items() if v is not None or k == "data"}

    @property
    def actor(self) -> Actor | None:
        if self.actorid is None:
            return None
        return Actor(user_id=self.actorid, name=self.actorname or self.actorid,
                     roles=(self.actorroles or "").split(), division_code=self.actordivision)

    def payload(self) -> BaseModel:
        """The typed payload, validated against the registered model of ``type``."""
        return spec_for(self.type).model.model_validate(self.data)


@dataclass(frozen=True)
class EventSpec:
    type: str
    model: type[BaseModel]
    service: str
    public: bool = False          # may be republished on the curated public topic
    superseded_by: str | None = None
    description: str = ""


_REGISTRY: dict[str, EventSpec] = {}


class UnknownEventType(KeyError):
    pass


def event(type_name: str, *, public: bool = False, description: str = ""):
    """Class decorator registering a payload model under a versioned type name."""
    parts = type_name.split(".")
    if len(parts) < 4 or parts[0] != "zhengdun" or not parts[-1].startswith("v"):
        raise ValueError(f"event type must look like zhengdun.<service>.<thing>.<verb>.vN: {type_name}")

    def register(model: type[BaseModel]) -> type[BaseModel]:
        if type_name in _REGISTRY and _REGISTRY[type_name].model is not model:
            raise ValueError(f"event type registered twice: {type_name}")
        _REGISTRY[type_name] = EventSpec(
            type=type_name, model=model, service=parts[1], public=public,
            description=description or (model.__doc__ or "").strip().split("\n")[0],
        )
        model.event_type = type_name  # type: ignore[attr-defined]
        return model

    return register


def spec_for(type_name: str) -> EventSpec:
    try:
        return _REGISTRY[type_name]
    except KeyError:
        raise UnknownEventType(type_name) from None


def all_specs() -> list[EventSpec]:
    return sorted(_REGISTRY.values(), key=lambda s: s.type)


def type_of(payload: BaseModel) -> str:
    type_name = getattr(type(payload), "event_type", None)
    if not type_name:
        raise UnknownEventType(f"{type(payload).__name__} is not a registered event payload")
    return type_name
