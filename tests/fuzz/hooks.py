"""Schemathesis hooks for the contract fuzz runs (loaded through SCHEMATHESIS_HOOKS).

- Every request carries a token of the real realm, of each user named in ZD_FUZZ_USERS in turn
  (one per level), fetched by password grant and refreshed before it expires.
- A request that the schema allows must pass the services' input validation: a 422 is fine when
  a business rule refuses it (date in the future, not a township …), never as
  ``/problems/validation`` (the check ``positive_data_passes_validation``), except by the rules a
  schema cannot state (cross-field validators, NUL characters).
- Users the fuzzer creates in the shared realm are named ``fuzz…`` so the run can remove them.
"""
from __future__ import annotations

import itertools
import os
import random
import uuid

import schemathesis

from zhengdun_demo.client import password_token

VALIDATION_PROBLEMS = {"/problems/validation", "/problems/invalid-division-code"}
# Error types of the rules a JSON schema cannot state: a model's own validators (a phase that ends
# before it starts, team_size_min above team_size_max, filing dates out of order) and text holding a
# NUL character, which PostgreSQL cannot store.
BEYOND_THE_SCHEMA = {"value_error", "assertion_error", "string_nul"}
FUZZ_USERNAME_PREFIX = "fuzz"


@schemathesis.auth(refresh_interval=120)
class RealmUsers:
    """Tokens of the users in ZD_FUZZ_USERS (one per level), taken in turn request after request."""

    def __init__(self):
        self.turn = itertools.count()

    def get(self, case, ctx):
        return [password_token(user, fresh=True) for user in os.environ["ZD_FUZZ_USERS"].split(",")]

    def set(self, case, data, ctx):
        token = data[next(self.turn) % len(data)]
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}


@schemathesis.check
def positive_data_passes_validation(ctx, response, case):
    """A request the schema allows is never refused as malformed."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    try:
        kind = response.json().get("type")
    except Exception:  # not JSON: content_type_conformance reports it
        return None
    errors = _beyond_union_alternatives((response.json().get("errors") or []) if kind in VALIDATION_PROBLEMS else [])
    if errors and all(e.get("type") in BEYOND_THE_SCHEMA for e in errors):
        return None   # refused by a rule the schema cannot state, naming the field
    if kind in VALIDATION_PROBLEMS:
        raise AssertionError(f"the schema allows this request but the service refused it as {kind}: {response.text[:500]}")
    return None


def _beyond_union_alternatives(errors: list[dict]) -> list[dict]:
    """A field of a union (a ranking rule as an object or a text) that fails every alternative is reported once
    per alternative. Where one alternative failed only by a rule beyond the schema, the others' type errors
    (the value is not a text) are no fault of the schema: they are left out."""
    def parent(error: dict) -> str:
        return str(error.get("field", "")).rsplit(".", 1)[0]

    def is_branch(error: dict) -> bool:   # pydantic names a union's alternative e.g. function-after[_one_cut(), LaggingRule]
        return "[" in str(error.get("field", "")).rsplit(".", 1)[-1]

    beyond = {parent(e) for e in errors if e.get("type") in BEYOND_THE_SCHEMA and is_branch(e)}
    return [e for e in errors if not (parent(e) in beyond and str(e.get("type", "")).endswith("_type"))]


def _demo_codes() -> dict[str, list[str]]:
    """The demo city's codes by level (tests/integration/helpers.load_demo_divisions loads them)."""
    from zhengdun_demo.synthetic import generate_province
    from zhengdun.divisions import level_of

    rows = generate_province(cities=1, counties_per_city=3, townships_per_county=10, villages_per_township=25)
    codes: dict[str, list[str]] = {}
    for row in rows:
        codes.setdefault(level_of(row.code).value, []).append(row.code)
    return codes


CODES = _demo_codes()
CHOOSE = random.Random(20200815)
# Parameters and body fields that name a division, and the level to draw a real one from.
DIVISION_FIELDS = {"county": "county", "county_code": "county", "township": "township", "village": "village",
                   "village_code": "village", "code": None, "unit": None, "under": None, "parent": None,
                   "unit_code": None, "area_code": "city", "subject_code": None}


def _real_code(level: str | None) -> str:
    pool = CODES[level] if level else [c for codes in CODES.values() for c in codes]
    return CHOOSE.choice(pool)


def _aim(container, county: str | None = None):
    """Half of the well-formed requests name divisions that exist (inside or outside the caller's
    reach), so that they get past the access check and the lookups, deeper into the services."""
    if not isinstance(container, dict) or CHOOSE.random() < 0.5:
        return container
    aimed = dict(container)
    for name, level in DIVISION_FIELDS.items():
        if isinstance(aimed.get(name), str):
            aimed[name] = _real_code(level)
    if isinstance(aimed.get("county"), str) and isinstance(aimed.get("township"), str):
        aimed["township"] = CHOOSE.choice([t for t in CODES["township"] if t.startswith(aimed["county"][:6])])
    return aimed


# Ids of the accounts this run created. A write to another account (disable, move, roles) is aimed at an id
# nobody has: the fuzzer learns real ids from GET /users (its stateful phase follows them), and a clerk's
# token may disable the demo users the other tests log in as.
CREATED_USER_IDS: set[str] = set()


@schemathesis.hook
def after_call(ctx, case, response):
    if case.operation.method.upper() == "POST" and case.operation.path == "/users" and response.status_code == 201:
        try:
            CREATED_USER_IDS.add(str(response.json()["id"]))
        except Exception:  # not the documented answer: the checks report it
            pass


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    """Well-formed requests aimed at real divisions; users created in the shared realm by a
    well-formed request are named fuzz… (removed after the run); only those may be changed."""
    if (case.operation.method.upper() != "GET" and "{user_id}" in case.operation.path
            and str((case.path_parameters or {}).get("user_id")) not in CREATED_USER_IDS):
        case.path_parameters = {**(case.path_parameters or {}), "user_id": str(uuid.UUID(int=CHOOSE.getrandbits(128), version=4))}
    positive = case.meta is not None and case.meta.generation.mode.is_positive
    if positive:
        case.path_parameters = _aim(case.path_parameters)
        case.query = _aim(case.query)
        case.body = _aim(case.body)
    body = case.body
    if (case.operation.method.upper() == "POST" and case.operation.path == "/users" and isinstance(body, dict)
            and isinstance(body.get("username"), str) and case.meta is not None and case.meta.generation.mode.is_positive):
        case.body = {**body, "username": (FUZZ_USERNAME_PREFIX + body["username"])[:64]}
