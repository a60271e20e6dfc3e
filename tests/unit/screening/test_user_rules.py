import pytest

from screening.domain.users import (NewUser, check_new_user, check_unit, password_problem, policy_checked_here,
                                    policy_rules, roles_after_move)
from zhengdun.refusals import Kind, Refusal


def user(unit="990102101201", roles=("work_team_member",), username="zhang.san"):
    return NewUser(username, "张", "三", unit, tuple(roles))


def test_a_county_creates_a_team_member_in_one_of_its_villages_with_the_level_role():
    assert check_new_user(user(), manager_unit="990102000000") == ["work_team_member", "level_village"]


@pytest.mark.parametrize("unit, manager", [
    ("990103101201", "990102000000"),   # another county's village
    ("990102000000", "990102000000"),   # the manager's own unit: not below it
    ("990100000000", "990102000000"),   # above the manager
])
def test_units_outside_or_not_below_the_managers_subtree_are_forbidden(unit, manager):
    with pytest.raises(Refusal) as refused:
        check_unit(unit, manager_unit=manager)
    assert refused.value.kind is Kind.FORBIDDEN and refused.value.code == "unit-outside-subtree"


@pytest.mark.parametrize("roles, code, kind", [
    (("county_secretary",), "role-not-at-this-level", Kind.INVALID),   # a county role at a village
    (("operations",), "role-not-grantable", Kind.FORBIDDEN),           # never through the API
    (("external_subscriber",), "role-not-grantable", Kind.FORBIDDEN),
    (("level_province",), "role-not-grantable", Kind.FORBIDDEN),       # level roles follow the unit
    ((), "no-role", Kind.INVALID),
])
def test_roles_the_manager_may_not_grant_are_refused(roles, code, kind):
    with pytest.raises(Refusal) as refused:
        check_new_user(user(roles=roles), manager_unit="990102000000")
    assert (refused.value.code, refused.value.kind, refused.value.field) == (code, kind, "roles")


@pytest.mark.parametrize("username", ["ab", "Zhang", "张三", "-x-y", "a" * 65])
def test_usernames_must_be_simple(username):
    with pytest.raises(Refusal):
        check_new_user(user(username=username), manager_unit="990102000000")


def test_moving_a_user_swaps_the_level_role_and_keeps_roles_valid_at_the_new_level():
    add, remove = roles_after_move({"org_staff", "level_township", "township_committee"} - {"township_committee"},
                                   "990102000000")
    assert (add, remove) == ({"level_county"}, {"level_township"})
    with pytest.raises(Refusal):
        roles_after_move({"township_committee", "level_township"}, "990102000000")
    assert roles_after_move({"work_team_member", "level_village"}, "990102102201") == (set(), set())


def test_a_bulk_list_is_judged_row_by_row_and_names_every_bad_row():
    from screening.domain.users import check_new_users

    rows = [user(username="li.si"),
            user(unit="990103101201", username="wang.wu"),                  # another county's village
            user(roles=("township_committee",), username="zhao.liu"),       # a township role at a village
            user(username="li.si"),                                         # the first row's username again
            user(unit="990102101000", roles=("township_committee",), username="sun.qi")]
    roles, problems = check_new_users(rows, manager_unit="990102000000")
    assert roles == [["work_team_member", "level_village"], [], [], [], ["township_committee", "level_township"]]
    assert [(p.row, p.username, p.code, p.field) for p in problems] == [
        (2, "wang.wu", "unit-outside-subtree", "unit"), (3, "zhao.liu", "role-not-at-this-level", "roles"),
        (4, "li.si", "duplicate-username-in-list", "username")]
    assert "第 1 行" in problems[2].message


def test_an_existing_account_is_the_one_asked_for_only_with_the_same_names_unit_and_roles():
    from screening.domain.users import same_account

    asked = user()
    granted = ["work_team_member", "level_village"]
    account = {"family_name": "张", "given_name": "三", "unit": asked.unit,
               "roles": ["default-roles-zhengdun", "level_village", "work_team_member"]}   # Keycloak's own role is not ours
    assert same_account(account, asked, granted)
    assert not same_account(account | {"unit": "990102101202"}, asked, granted)
    assert not same_account(account | {"given_name": "四"}, asked, granted)
    assert not same_account(account | {"roles": ["level_village", "work_team_leader"]}, asked, granted)


# ---- the realm's password policy, checked here for passwords handed to Keycloak already hashed ----

PRODUCTION_POLICY = ("length(12) and maxLength(128) and upperCase(1) and lowerCase(1) and digits(1) and specialChars(1)"
                     " and notUsername(undefined) and notEmail(undefined) and passwordHistory(5)")


def test_the_production_policy_is_checked_here_rule_by_rule():
    rules = policy_rules(PRODUCTION_POLICY)
    assert policy_checked_here(rules)
    judge = lambda password, username="t01.clerk": password_problem(   # noqa: E731
        password, rules, username=username, email=f"{username}@users.zhengdun.local")
    assert judge("Initial-Passw0rd") is None
    assert judge("Sh0rt-pw") == "初始密码至少 12 位"
    assert judge("initial-passw0rd") == "初始密码至少含 1 个大写字母"
    assert judge("INITIAL-PASSW0RD") == "初始密码至少含 1 个小写字母"
    assert judge("Initial-Password") == "初始密码至少含 1 个数字"
    assert judge("Initial0Passw0rd") == "初始密码至少含 1 个特殊字符"
    assert judge("T01.Clerk-Passw0rd", username="t01.clerk-passw0rd") == "初始密码不能与用户名相同"
    assert judge("A" * 100 + "a1-" + "b" * 30) == "初始密码至多 128 位"


def test_no_policy_asks_nothing_and_an_unknown_rule_is_left_to_keycloak():
    assert policy_rules("") == {} and policy_checked_here({})
    assert password_problem("x", {}, username="u", email="e") is None
    assert policy_rules("length and digits(2)") == {"length": "", "digits": "2"}
    assert password_problem("abcdefg1", policy_rules("length and digits(2)"), username="u", email="e") == "初始密码至少含 2 个数字"
    assert not policy_checked_here(policy_rules("length(8) and regexPattern(^[a-z]+$)"))
    assert policy_checked_here(policy_rules("hashAlgorithm(pbkdf2-sha512) and hashIterations(600000) and passwordHistory(3)"))
