"""Reading a file of accounts (screening.domain.user_import): columns by their Chinese names, roles by theirs,
every row's errors at once with its row in the file."""
import pytest

from screening.domain.user_import import UserImportRejected, accounts_from_table, roles_named

HEADER = ["登录名", "姓", "名", "所属单位", "角色", "初始密码", "电子邮箱"]


def test_rows_become_accounts_with_their_row_in_the_file_and_roles_by_chinese_name():
    accounts = accounts_from_table(HEADER, [
        ["zhang.san", "张", "三", "990102001000", "乡镇党委、组织部门工作人员", "Passw0rd!x", ""],
        ["", "", "", "", "", "", ""],                                       # a blank line is skipped
        [" li.si ", "李", "四", "990102001001", "work_team_leader", "Passw0rd!y", "li@example.org"],
    ])
    assert [(a.row, a.username, a.unit, a.roles, a.email) for a in accounts] == [
        (2, "zhang.san", "990102001000", ("township_committee", "org_staff"), None),
        (4, "li.si", "990102001001", ("work_team_leader",), "li@example.org"),
    ]


def test_a_review_department_is_named_by_its_department():
    assert roles_named("审计，联合审查部门（纪检机关）") == ("review_audit", "review_discipline")
    assert roles_named("县委常委会 县委常委会") == ("standing_committee",)


def test_every_bad_row_is_named_and_no_account_is_read():
    with pytest.raises(UserImportRejected) as refused:
        accounts_from_table(HEADER, [
            ["Bad Name", "张", "三", "9.90102E+11", "村长", "short", "not-an-email"],
            ["ok.user", "", "五", "990102001000", "乡镇党委", "Passw0rd!x", ""],
        ])
    errors = {(e.row, e.field) for e in refused.value.errors}
    assert errors == {(2, "username"), (2, "unit"), (2, "roles"), (2, "initial_password"), (2, "email"), (3, "family_name")}
    assert "村长" in next(e.message for e in refused.value.errors if e.field == "roles")
    assert refused.value.details["errors"][0]["column"] in {"登录名", "所属单位", "角色", "初始密码", "电子邮箱"}


def test_a_missing_column_refuses_the_file_at_its_header():
    with pytest.raises(UserImportRejected) as refused:
        accounts_from_table(["登录名", "姓", "名", "角色"], [["a.b", "张", "三", "乡镇党委"]])
    assert {(e.row, e.field) for e in refused.value.errors} == {(1, "unit"), (1, "initial_password")}


def test_a_file_without_accounts_is_refused():
    with pytest.raises(UserImportRejected):
        accounts_from_table(HEADER, [[""] * 7])
