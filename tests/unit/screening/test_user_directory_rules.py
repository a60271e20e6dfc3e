"""Screening's copy of the accounts (screening.user_directory): a unit's subtree is one range of the unit codes,
and a change's journal entry carries the account as the change leaves it."""
from screening.user_directory import _subtree
from screening.users_service import _account_after
from zhengdun.divisions import is_within

CODES = ["990101000000", "990102000000", "990102101000", "990102101201", "990102109999", "990102999999",
         "990103000000", "990103101201", "991000000000"]


def within_range(code: str, scope: str) -> bool:
    low, high = _subtree(scope)
    return low.right.value <= code < high.right.value


def test_the_subtree_of_a_unit_is_the_range_of_its_significant_digits():
    for scope in ("990102000000", "990102101000", "990102101201", "990100000000", "990000000000"):
        assert [c for c in CODES if within_range(c, scope)] == [c for c in CODES if is_within(c, scope)], scope


def test_the_account_after_a_change_is_what_keycloak_then_holds():
    user = {"id": "u1", "username": "zhang.san", "family_name": "张", "given_name": "三", "enabled": True,
            "unit": "990102101201", "group_ids": ["g1"], "roles": ["default-roles-zhengdun", "level_village", "work_team_member"]}
    assert _account_after(user, enabled=False) == {"family_name": "张", "given_name": "三", "enabled": False,
                                                   "unit": "990102101201", "roles": user["roles"]}
    moved = _account_after(user, unit="990102101000", roles={"default-roles-zhengdun", "level_township", "work_team_member"})
    assert moved["unit"] == "990102101000" and moved["roles"] == ["default-roles-zhengdun", "level_township", "work_team_member"]
