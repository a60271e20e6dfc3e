import pytest

from screening.domain.registry import Existing, RegistryImportRejected, map_header, parse_rows, plan_import
from zhengdun.roles import Level

HEADER = ["区划代码", "名称", "上级代码", "城乡分类"]


def rows(*lines):
    return parse_rows(HEADER, [list(line) for line in lines])


def test_a_new_tree_is_planned_top_down_with_first_revisions():
    plan = plan_import(rows(("990000000000", "示范省", "", ""), ("990100000000", "示范市", "990000000000", ""),
                            ("990102000000", "甲县", "", "")), {}, importer_unit="990000000000")
    assert [(c.code, c.level, c.revision, c.parent_code) for c in plan] == [
        ("990000000000", Level.PROVINCE, 1, None), ("990100000000", Level.CITY, 1, "990000000000"),
        ("990102000000", Level.COUNTY, 1, "990100000000")]


def test_unchanged_rows_make_no_change_and_a_rename_is_the_next_revision():
    existing = {"990102101201": Existing("老村", "990102101000", "行政村", 3),
                "990102101000": Existing("甲镇", "990102000000", None, 1)}
    plan = plan_import(rows(("990102101201", "老村", "990102101000", "行政村")), existing, importer_unit="990100000000")
    assert plan == []
    plan = plan_import(rows(("990102101201", "新村", "990102101000", "行政村")), existing, importer_unit="990100000000")
    assert [(c.name, c.revision) for c in plan] == [("新村", 4)]


def test_every_error_is_reported_with_its_row_and_nothing_is_planned():
    with pytest.raises(RegistryImportRejected) as rejected:
        plan_import(rows(("990102101280", "好村", "990102101000", "行政村"),     # row 2 fine
                         ("99010210128", "短码村", "", ""),                        # row 3 bad code
                         ("990102109281", "无上级村", "", ""),                     # row 4 unknown parent
                         ("990102101282", "错上级村", "990103101000", ""),         # row 5 contradicting parent
                         ("990102101280", "重复村", "", ""),                       # row 6 duplicate
                         ("990102101283", "", "", ""),                             # row 7 no name
                         ("990102101000", "甲镇", "", "社区"),                     # row 8 kind above village
                         ("990103101201", "外县村", "", "")),                      # row 9 outside jurisdiction
                    {"990102101000": Existing("甲镇", "990102000000", None, 1),
                     "990103101000": Existing("乙镇", "990103000000", None, 1),
                     "990102000000": Existing("甲县", "990100000000", None, 1)},
                    importer_unit="990102000000")
    assert {(e.row, e.field) for e in rejected.value.errors} == {
        (3, "code"), (4, "parent_code"), (5, "parent_code"), (6, "code"), (7, "name"), (8, "kind"), (9, "code")}


def test_headers_may_be_chinese_or_english_and_code_and_name_are_required():
    assert map_header(["code", "name"]) == {"code": 0, "name": 1}
    assert map_header(["名称", "统计用区划代码", "上级代码"]) == {"name": 0, "code": 1, "parent_code": 2}
    with pytest.raises(RegistryImportRejected):
        map_header(["名称", "备注"])


def test_blank_lines_are_skipped_and_rows_keep_their_file_numbers():
    parsed = parse_rows(HEADER, [["990000000000", "示范省"], ["", ""], ["990100000000", "示范市"]])
    assert [r.row for r in parsed] == [2, 4]
