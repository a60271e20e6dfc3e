"""Schemathesis hooks for the contract fuzz runs (loaded through SCHEMATHESIS_HOOKS).

- Every request carries a token of the real realm for the user named in ZD_FUZZ_USER, fetched
  by password grant and refreshed before it expires.
- A request that the schema allows must pass the services' input validation: a 422 is fine when
  a business rule refuses it (date in the future, not a township …), never as
  ``/problems/validation`` (the check ``positive_data_passes_validation``).
- Users the fuzzer creates in the shared realm are named ``fuzz…`` so the run can remove them.
"""
from __future__ import annotations

import os

import schemathesis

from zhengdun.demo.client import password_token

VALIDATION_PROBLEMS = {"/problems/validation", "/problems/invalid-division-code"}
FUZZ_USERNAME_PREFIX = "fuzz"


@schemathesis.auth(refresh_interval=120)
class RealmUser:
    def get(self, case, ctx):
        return password_token(os.environ["ZD_FUZZ_USER"], fresh=True)

    def set(self, case, data, ctx):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


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
    if kind in VALIDATION_PROBLEMS:
        raise AssertionError(f"the schema allows this request but the service refused it as {kind}: {response.text[:500]}")
    return None


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    """Users created in the shared realm by a well-formed request are named fuzz… (removed after the run)."""
    body = case.body
    if (case.operation.method.upper() == "POST" and case.operation.path == "/users" and isinstance(body, dict)
            and isinstance(body.get("username"), str) and case.meta is not None and case.meta.generation.mode.is_positive):
        case.body = {**body, "username": (FUZZ_USERNAME_PREFIX + body["username"])[:64]}
