"""Events of the division registry (owned by screening, copied by every service)."""
from __future__ import annotations

from pydantic import BaseModel, Field

from zhengdun.events.base import event
from zhengdun.roles import Level


@event("zhengdun.screening.division.upserted.v1", public=True)
class DivisionUpserted(BaseModel):
    """A division was created or its name/parent changed in the registry."""

    code: str = Field(pattern=r"^\d{12}$")
    name: str
    level: Level
    parent_code: str | None = None
    # Village-level only: 行政村 (administrative village), 社区 (community), or 非公企业 / 社会组织 (an organization
    # given a code under its township by screening's organization import).
    kind: str | None = None
    revision: int = Field(ge=1, description="Increases with every change of this division.")
