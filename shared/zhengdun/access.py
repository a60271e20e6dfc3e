"""The one access policy: for every business action, who may take it and where.

Every endpoint of every service asks ``authorize(principal, action, target_code)``; nothing
is decided ad hoc in a handler. A rule names the functional roles allowed, the levels of the
caller's unit allowed, and where the target must lie relative to the caller's unit:

- ``SUBTREE``: the target is the caller's unit or below it (the default);
- ``OWN_UNIT``: exactly the caller's unit (e.g. a township acting on its own list).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from zhengdun.auth import Principal
from zhengdun.problems import forbidden
from zhengdun.roles import Level, Role


class Scope(StrEnum):
    SUBTREE = "subtree"
    OWN_UNIT = "own_unit"


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    levels: frozenset[Level]
    scope: Scope = Scope.SUBTREE
    label: str = ""


def rule(roles, levels, scope: Scope = Scope.SUBTREE, label: str = "") -> Rule:
    return Rule(frozenset(str(r) for r in roles), frozenset(levels), scope, label)


ALL_LEVELS = set(Level)
ANY_PERSON_ROLE = {r for r in Role if r not in (Role.OPERATIONS, Role.EXTERNAL_SUBSCRIBER)}

POLICY: dict[str, Rule] = {
    "division.read": rule(ANY_PERSON_ROLE, ALL_LEVELS, label="查看行政区划"),
    "division.import": rule({Role.ORG_STAFF}, {Level.PROVINCE, Level.CITY, Level.COUNTY}, label="导入行政区划"),
}


def authorize(principal: Principal, action: str, target_code: str | None = None) -> None:
    """Raise 403 problem+json unless the policy lets ``principal`` take ``action`` on ``target_code``."""
    policy_rule = POLICY[action]
    if not principal.roles & policy_rule.roles:
        raise forbidden(f"您的角色不能执行“{policy_rule.label or action}” (role not allowed for {action})")
    if principal.level not in policy_rule.levels:
        raise forbidden(f"您所在层级不能执行“{policy_rule.label or action}” (level not allowed for {action})")
    if target_code is None:
        return
    inside = (target_code == principal.division_code) if policy_rule.scope is Scope.OWN_UNIT \
        else principal.can_see(target_code)
    if not inside:
        raise forbidden(f"{target_code} 不在您的辖区内 (outside your jurisdiction)")


