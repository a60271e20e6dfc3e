"""The one access policy: for every business action, who may take it and where.

Every business endpoint declares its action with ``Depends(authorized("<action>"))``, which
checks the caller's roles and level before anything else (so a refused caller learns nothing
from validation errors), and — when the target division is in the path or query — that the
target lies inside the caller's jurisdiction. A target known only from the body or the
database is checked with ``authorize_target`` in the handler. Nothing is decided ad hoc.

A rule names the functional roles allowed, the levels of the caller's unit allowed, and where
the target must lie relative to the caller's unit:

- ``SUBTREE``: the target is the caller's unit or below it (the default);
- ``OWN_UNIT``: exactly the caller's unit (e.g. a township acting on its own list);
- ``BELOW``: strictly below the caller's unit (e.g. managing the users of one's subtree).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fastapi import Depends, Request

from zhengdun.auth import Principal, current_principal
from zhengdun.divisions import InvalidDivisionCode, validate_code
from zhengdun.problems import Problem, forbidden
from zhengdun.roles import Level, ReviewDepartment, Role


class Scope(StrEnum):
    SUBTREE = "subtree"
    OWN_UNIT = "own_unit"
    BELOW = "below"


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    levels: frozenset[Level]
    scope: Scope = Scope.SUBTREE
    label: str = ""

    def allows(self, roles: frozenset[str] | set[str], level: Level | None) -> bool:
        return bool(set(roles) & self.roles) and level in self.levels

    def reaches(self, unit: str, target: str) -> bool:
        if self.scope is Scope.OWN_UNIT:
            return target == unit
        from zhengdun.divisions import is_within

        inside = is_within(target, unit)
        return inside and target != unit if self.scope is Scope.BELOW else inside


def rule(roles, levels, scope: Scope = Scope.SUBTREE, label: str = "") -> Rule:
    return Rule(frozenset(str(r) for r in roles), frozenset(levels), scope, label)


ALL_LEVELS = set(Level)
PEOPLE = {r for r in Role if r not in (Role.OPERATIONS, Role.EXTERNAL_SUBSCRIBER)} | {d.role for d in ReviewDepartment}
ABOVE_VILLAGE = {Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP}

# The table. Services add their actions here, one line each, so the whole policy reads in one place.
POLICY: dict[str, Rule] = {
    "division.read": rule(PEOPLE, ALL_LEVELS, label="查看行政区划"),
    "division.import": rule({Role.ORG_STAFF}, {Level.PROVINCE, Level.CITY, Level.COUNTY}, label="导入行政区划"),
    "user.read": rule({Role.ORG_STAFF}, ABOVE_VILLAGE, label="查看辖区用户"),
    "user.manage": rule({Role.ORG_STAFF}, ABOVE_VILLAGE, Scope.BELOW, label="创建、停用、调整辖区用户"),
}


def _check(principal: Principal, action: str) -> Rule:
    policy_rule = POLICY[action]
    if not principal.roles & policy_rule.roles:
        raise forbidden(f"您的角色不能执行“{policy_rule.label or action}” (your roles may not {action})")
    if principal.level not in policy_rule.levels:
        raise forbidden(f"您所在层级不能执行“{policy_rule.label or action}” (your level may not {action})")
    return policy_rule


def authorize_target(principal: Principal, action: str, target_code: str) -> None:
    """Raise 403 problem+json unless ``principal`` may take ``action`` on ``target_code``."""
    policy_rule = _check(principal, action)
    if not policy_rule.reaches(principal.division_code, target_code):
        where = {Scope.OWN_UNIT: "不是您本单位", Scope.BELOW: "不在您的下级单位中"}.get(policy_rule.scope, "不在您的辖区内")
        raise forbidden(f"{target_code} {where} (outside the jurisdiction allowed for {action})")


def authorized(action: str, *, target: str | None = None):
    """FastAPI dependency: the caller, allowed to take ``action``.

    ``target`` names a path or query parameter holding the target division code.
    """
    if action not in POLICY:
        raise KeyError(f"action {action!r} is not in the access policy table")

    async def dependency(request: Request, principal: Principal = Depends(current_principal)) -> Principal:
        _check(principal, action)
        if target:
            code = request.path_params.get(target) or request.query_params.get(target)
            if code:
                try:
                    validate_code(code)
                except InvalidDivisionCode as exc:
                    raise Problem(400, "invalid-division-code", "区划代码不合法 Invalid division code", str(exc)) from None
                authorize_target(principal, action, code)
        return principal

    dependency.action = action  # type: ignore[attr-defined]
    dependency.target = target  # type: ignore[attr-defined]
    return dependency


