"""Rules for managing the users of a subtree (plain Python).

Organization-department staff create, disable and move the users of the units below their
own (a county for its townships and villages, a township for its villages and teams). Each
functional role may only be held at the levels where that work is done, and a user holds
exactly one unit; the level role follows from the unit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from zhengdun.divisions import is_within, level_of
from zhengdun.refusals import NotPermitted, RuleViolation
from zhengdun.roles import Level, ReviewDepartment, Role

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")

# Where each grantable role may be held. Operations and external subscribers are not people of
# a unit: they are granted in Keycloak by the platform's administrators, never through the API.
GRANTABLE_AT: dict[str, set[Level]] = {
    Role.ORG_STAFF: {Level.CITY, Level.COUNTY, Level.TOWNSHIP},
    Role.STANDING_COMMITTEE: {Level.COUNTY},
    Role.COUNTY_SECRETARY: {Level.COUNTY},
    Role.CONTACT_LEADER: {Level.COUNTY},
    Role.TOWNSHIP_COMMITTEE: {Level.TOWNSHIP},
    Role.TOWNSHIP_PRINCIPAL: {Level.TOWNSHIP},
    Role.WORK_TEAM_LEADER: {Level.VILLAGE},
    Role.WORK_TEAM_MEMBER: {Level.VILLAGE},
    Role.VILLAGE_SECRETARY: {Level.VILLAGE},
    Role.SUPERVISION_GROUP: {Level.CITY, Level.COUNTY},
    **{department.role: {Level.COUNTY} for department in ReviewDepartment},
}


@dataclass(frozen=True)
class NewUser:
    username: str
    family_name: str
    given_name: str
    unit: str
    roles: tuple[str, ...]
    email: str | None = None


def check_new_user(user: NewUser, *, manager_unit: str) -> list[str]:
    """The realm roles to assign (functional + level); raises on anything the manager may not do."""
    if not USERNAME.match(user.username):
        raise RuleViolation("invalid-username", "用户名须为3-64位小写字母、数字或 . _ -，以字母或数字开头", field="username")
    if not user.family_name.strip() or not user.given_name.strip():
        raise RuleViolation("invalid-name", "姓和名不能为空", field="family_name")
    check_unit(user.unit, manager_unit=manager_unit)
    return check_roles(user.roles, user.unit)


def check_roles(roles, unit: str) -> list[str]:
    """The realm roles a user of ``unit`` holds with these functional roles (they + the level role)."""
    if not roles:
        raise RuleViolation("no-role", "至少授予一个角色", field="roles")
    level = level_of(unit)
    for role in roles:
        if role not in GRANTABLE_AT:
            raise NotPermitted("role-not-grantable", f"角色 {role} 不能通过本平台授予", field="roles")
        if level not in GRANTABLE_AT[role]:
            allowed = "、".join(sorted(l.label for l in GRANTABLE_AT[role]))
            raise RuleViolation("role-not-at-this-level", f"角色 {role} 只能授予{allowed}级单位的用户，{unit} 是{level.label}级",
                                field="roles")
    return sorted(set(roles)) + [level.role]


def managed_roles() -> set[str]:
    """The roles this platform grants and takes away (functional and level); others are left alone."""
    return set(GRANTABLE_AT) | {level.role for level in Level}


def check_unit(unit: str, *, manager_unit: str) -> None:
    """A manager acts only on units strictly below their own."""
    if not is_within(unit, manager_unit) or unit == manager_unit:
        raise NotPermitted("unit-outside-subtree", f"单位 {unit} 不在您的下级单位中", field="unit")


def roles_after_move(current_roles: set[str], new_unit: str) -> tuple[set[str], set[str]]:
    """(roles to add, roles to remove) when a user moves unit: the level role follows the unit,
    and a functional role not held at the new level is refused rather than silently dropped."""
    level = level_of(new_unit)
    functional = {r for r in current_roles if r in GRANTABLE_AT}
    for role in functional:
        if level not in GRANTABLE_AT[role]:
            raise RuleViolation("role-not-at-this-level", f"用户的角色 {role} 不能在{level.label}级单位担任，请先调整角色",
                                field="roles")
    level_roles = {l.role for l in Level}
    return {level.role} - current_roles, (current_roles & level_roles) - {level.role}


# ---- many users at once (a county setting up its townships' accounts) ----------------------------

@dataclass(frozen=True)
class RowProblem:
    """Why one row of a bulk creation is refused (``row``: its 1-based place in the list)."""
    row: int
    username: str
    code: str
    message: str
    field: str | None = None
    forbidden: bool = False     # the manager may not do this (outside the subtree, a role not grantable): 403


def check_new_users(users: list[NewUser], *, manager_unit: str) -> tuple[list[list[str]], list[RowProblem]]:
    """Each row as ``check_new_user`` judges it, and a username twice in the list refused at its second
    place: (the realm roles of each row, [] for a refused one; every refused row with its reason)."""
    roles: list[list[str]] = []
    problems: list[RowProblem] = []
    first_row: dict[str, int] = {}
    for row, user in enumerate(users, start=1):
        try:
            roles.append(check_new_user(user, manager_unit=manager_unit))
        except (RuleViolation, NotPermitted) as refused:
            roles.append([])
            problems.append(RowProblem(row, user.username, refused.code, refused.message_zh, refused.field,
                                       forbidden=isinstance(refused, NotPermitted)))
            continue
        if user.username in first_row:
            roles[-1] = []
            problems.append(RowProblem(row, user.username, "duplicate-username-in-list",
                                       f"用户名 {user.username} 与第 {first_row[user.username]} 行重复", "username"))
        else:
            first_row[user.username] = row
    return roles, problems


def same_account(existing: dict, user: NewUser, roles: list[str]) -> bool:
    """Whether an account already under this username is the one asked for (same names, unit and roles of
    this platform): then creating it again is no error (a retried list), otherwise the username is taken."""
    held = set(existing.get("roles") or []) & managed_roles()
    return (existing.get("family_name") == user.family_name and existing.get("given_name") == user.given_name
            and existing.get("unit") == user.unit and held == set(roles))


# ---- the realm's password policy, where the platform must apply it itself ----------------------------
# A bulk creation hands Keycloak its passwords already hashed (screening.identity), and Keycloak checks its
# policy only on a password it hashes itself: these rules of the policy are then checked here, as Keycloak's
# policy providers check them. A policy with any other rule that judges a password (regexPattern,
# passwordBlacklist, …) is left to Keycloak: its passwords are not handed over hashed.
POLICY_DEFAULTS = {"length": 8, "maxLength": 64, "upperCase": 1, "lowerCase": 1, "digits": 1, "specialChars": 1}
# Rules about hashing, expiry and reuse: nothing to check on a new account's first password.
POLICY_NOT_ABOUT_THE_PASSWORD = {"hashAlgorithm", "hashIterations", "passwordHistory", "passwordAge",
                                 "forceExpiredPasswordChange", "maxAuthAge"}
POLICY_CHECKED_HERE = set(POLICY_DEFAULTS) | {"notUsername", "notEmail", "notContainsUsername"}


def policy_rules(policy: str) -> dict[str, str]:
    """Keycloak's policy string ("length(12) and digits(1) and notUsername(undefined)") as {rule: argument}."""
    rules = {}
    for part in (p.strip() for p in policy.split(" and ") if p.strip()):
        name, _, argument = part.partition("(")
        rules[name.strip()] = argument.rstrip(")").strip()
    return rules


def policy_checked_here(rules: dict[str, str]) -> bool:
    """Whether every rule that judges a password is one ``password_problem`` checks."""
    return set(rules) <= POLICY_CHECKED_HERE | POLICY_NOT_ABOUT_THE_PASSWORD


def _count(argument: str, rule: str) -> int:
    return int(argument) if argument.strip().isdigit() else POLICY_DEFAULTS[rule]


def password_problem(password: str, rules: dict[str, str], *, username: str, email: str) -> str | None:
    """Why the password breaks the realm's policy (the first rule it breaks), or None."""
    counted = {"upperCase": (str.isupper, "大写字母"), "lowerCase": (str.islower, "小写字母"),
               "digits": (str.isdigit, "数字"), "specialChars": (lambda c: not c.isalnum(), "特殊字符")}
    for rule, argument in rules.items():
        if rule == "length" and len(password) < _count(argument, rule):
            return f"初始密码至少 {_count(argument, rule)} 位"
        if rule == "maxLength" and len(password) > _count(argument, rule):
            return f"初始密码至多 {_count(argument, rule)} 位"
        if rule in counted:
            test, what = counted[rule]
            if sum(1 for c in password if test(c)) < _count(argument, rule):
                return f"初始密码至少含 {_count(argument, rule)} 个{what}"
        if rule == "notUsername" and password.lower() == username.lower():
            return "初始密码不能与用户名相同"
        if rule == "notContainsUsername" and username.lower() in password.lower():
            return "初始密码不能包含用户名"
        if rule == "notEmail" and password.lower() == email.lower():
            return "初始密码不能与邮箱相同"
    return None
