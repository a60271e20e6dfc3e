"""Event envelope, registry and every service's payload models.

Importing this package registers every event type, so producers and consumers agree.
"""
from zhengdun.events.base import (  # noqa: F401
    Actor,
    Envelope,
    EventSpec,
    UnknownEventType,
    all_specs,
    event,
    spec_for,
    type_of,
)
from zhengdun.events import (  # noqa: F401,E402  (registration side effects)
    acceptance,
    casework,
    clock,
    identity,
    registry,
    reporting,
    screening,
    supervision,
)
