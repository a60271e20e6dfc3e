"""The shapes of what callers name in paths, queries and bodies, declared once so that every
service validates them the same way before anything reaches the database or Keycloak, and its
/openapi.json publishes the same patterns (a request the schema allows is well-formed; one it
forbids is a 422 problem+json naming the field).
"""
from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

# A division code exactly as zhengdun.divisions.validate_code accepts it: 12 ASCII digits, the
# province part not 00, and below the division's own level only zeros (no 11 00 01 000000).
_2 = "(?:0[1-9]|[1-9][0-9])"
_3 = "(?:00[1-9]|0[1-9][0-9]|[1-9][0-9]{2})"
DIVISION_CODE = f"^{_2}(?:0{{10}}|{_2}(?:0{{8}}|{_2}(?:0{{6}}|{_3}(?:000|{_3}))))$"
UUID = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
# Identifiers the services mint (C1a2b3c4d5e, A-1a2b3c…, R1): letters, digits and . _ : -
IDENTIFIER = "^[A-Za-z0-9][A-Za-z0-9._:-]*$"

DivisionCode = Annotated[str, StringConstraints(pattern=DIVISION_CODE, min_length=12, max_length=12)]
Uuid = Annotated[str, StringConstraints(pattern=UUID, min_length=36, max_length=36)]
Identifier = Annotated[str, StringConstraints(pattern=IDENTIFIER, min_length=1, max_length=64)]
RoundId = Annotated[str, StringConstraints(pattern=IDENTIFIER, min_length=1, max_length=40)]
# A row number the database assigned (bigint): larger ones cannot exist and must not reach it.
RowId = Annotated[int, Field(ge=1, le=2**63 - 1)]


def nul_fields(value, where: str = "body") -> list[str]:
    """Where a JSON value holds a NUL character (the database stores no text with one)."""
    if isinstance(value, str):
        return [where] if "\x00" in value else []
    if isinstance(value, dict):
        return [f for k, v in value.items() for f in nul_fields(k, f"{where}.{k}") + nul_fields(v, f"{where}.{k}")]
    if isinstance(value, list):
        return [f for i, v in enumerate(value) for f in nul_fields(v, f"{where}.{i}")]
    return []
