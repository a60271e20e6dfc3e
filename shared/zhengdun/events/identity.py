"""Events of user management (published by screening, which manages the realm's users).

Internal only: they name people, so none is public.
"""
from __future__ import annotations

from pydantic import BaseModel

from zhengdun.events.base import event


@event("zhengdun.screening.user.created.v1")
class UserCreated(BaseModel):
    """A user was created in a unit, with these realm roles."""

    user_id: str
    username: str
    name: str
    unit: str
    roles: list[str]


@event("zhengdun.screening.user.disabled.v1")
class UserDisabled(BaseModel):
    user_id: str
    username: str
    unit: str | None
    enabled: bool


@event("zhengdun.screening.user.moved.v1")
class UserMoved(BaseModel):
    user_id: str
    username: str
    from_unit: str | None
    to_unit: str


@event("zhengdun.screening.user.roles.changed.v1")
class UserRolesChanged(BaseModel):
    """A user's realm roles were set (functional roles of the unit's level, plus the level role)."""

    user_id: str
    username: str
    unit: str
    roles: list[str]
