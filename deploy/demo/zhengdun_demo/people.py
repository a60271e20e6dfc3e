"""The people of the scenario, created through screening's user API by the city's organization
department, each in one unit with the roles of the work they do there (idempotent: a second
run finds them already there).

Usernames say who they are: ``c990102-org`` (county organization department),
``t990102101-staff``, ``v990102101201-leader`` and so on.
"""
from __future__ import annotations

from dataclasses import dataclass

from zhengdun_demo.api import SCENARIO_PASSWORD, Platform, StepFailed
from zhengdun_demo.client import password_token
from zhengdun.roles import ReviewDepartment, Role

FUNCTIONAL_ROLES = {str(r) for r in Role} | {d.role for d in ReviewDepartment}
_FAMILY = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = ["建国", "卫东", "志强", "海燕", "秀兰", "国华", "红梅", "永刚", "丽娟", "德明", "春生", "玉芬", "光辉", "桂英", "文华", "晓东"]


@dataclass(frozen=True)
class Person:
    username: str
    family_name: str
    given_name: str
    unit: str
    roles: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.family_name + self.given_name


def _person(username: str, unit: str, roles, index: int) -> Person:
    return Person(username, _FAMILY[index % len(_FAMILY)], _GIVEN[index % len(_GIVEN)], unit, tuple(str(r) for r in roles))


def county_people(county: str, contact_leaders: int = 3) -> dict[str, Person]:
    key = f"c{county[:6]}"
    seed = int(county[:6])
    people = {
        "org": _person(f"{key}-org", county, [Role.ORG_STAFF], seed),
        "committee": _person(f"{key}-committee", county, [Role.STANDING_COMMITTEE], seed + 1),
        "secretary": _person(f"{key}-secretary", county, [Role.COUNTY_SECRETARY], seed + 2),
    }
    for n in range(1, contact_leaders + 1):
        people[f"leader{n}"] = _person(f"{key}-leader{n}", county, [Role.CONTACT_LEADER], seed + 2 + n)
    for i, department in enumerate(ReviewDepartment):
        people[f"review-{department.value}"] = _person(f"{key}-review-{department.value.replace('_', '-')}", county,
                                                       [department.role], seed + 10 + i)
    return people


def township_people(township: str) -> dict[str, Person]:
    key = f"t{township[:9]}"
    seed = int(township[:9])
    return {
        "staff": _person(f"{key}-staff", township, [Role.ORG_STAFF, Role.TOWNSHIP_COMMITTEE], seed),
        "principal": _person(f"{key}-principal", township, [Role.TOWNSHIP_PRINCIPAL, Role.TOWNSHIP_COMMITTEE], seed + 1),
    }


def village_people(village: str) -> dict[str, Person]:
    key = f"v{village}"
    seed = int(village)
    return {
        "leader": _person(f"{key}-leader", village, [Role.WORK_TEAM_LEADER], seed),
        "member1": _person(f"{key}-member1", village, [Role.WORK_TEAM_MEMBER], seed + 1),
        "member2": _person(f"{key}-member2", village, [Role.WORK_TEAM_MEMBER], seed + 2),
        "secretary": _person(f"{key}-secretary", village, [Role.VILLAGE_SECRETARY], seed + 3),
    }


def provision(platform: Platform, people: list[Person], *, manager: str = "city_org") -> None:
    """Make sure each person exists, enabled, in their unit, with their roles.

    A person already there (409 duplicate-username) may have been changed since, as any
    organization department may: moved to another unit, given other roles, disabled. They are
    found by username and put back, through the same user API a clerk would use."""
    for person in people:
        body = {"username": person.username, "family_name": person.family_name, "given_name": person.given_name,
                "unit": person.unit, "roles": list(person.roles), "initial_password": SCENARIO_PASSWORD}
        if platform.call(manager, "POST", "screening", "/users", expect=(201, 409), json=body).status_code == 409:
            restore(platform, person, manager=manager)


def restore(platform: Platform, person: Person, *, manager: str = "city_org") -> None:
    """The person's account as the scenario needs it: their unit, their functional roles, enabled."""
    found = platform.get(manager, "screening", "/users", params={"username": person.username})["items"]
    if not found:
        raise StepFailed(f"{person.username} exists but is outside {manager}'s units: it cannot be used")
    user = found[0]
    if user["unit"] != person.unit:
        platform.put(manager, "screening", f"/users/{user['id']}/unit", {"unit": person.unit})
    functional = set(user["roles"]) & FUNCTIONAL_ROLES
    if functional != set(person.roles):
        platform.put(manager, "screening", f"/users/{user['id']}/roles", {"roles": list(person.roles)})
    if not user["enabled"]:
        platform.post(manager, "screening", f"/users/{user['id']}/enable")
    if user["unit"] != person.unit or functional != set(person.roles) or not user["enabled"]:
        password_token(person.username, SCENARIO_PASSWORD, fresh=True)   # a token of the account as it is now
