"""Rules of the register of organizations and cadres (screening/domain/cadres.py), at their boundaries."""
from datetime import date

import pytest

from screening.domain.cadres import (CadreEntryRejected, CadreImportRejected, InvalidValue, RegisterEntry, build_entry,
                                     changed_entries, check_election_date, election_due_on, election_overdue,
                                     election_suggestions, entries_from_rows, normalize_phone, overdue_reason,
                                     parse_date, parse_star, read_rows, star_label)

TODAY = date(2021, 3, 1)
TOWNSHIP = "990102101000"
REGISTERED = {"990102101201": "一村", "990102101202": "二村", "990102102201": "外镇村"}
HEADER = ["区划代码", "党组织名称", "职务", "姓名", "联系电话", "换届日期", "星级"]


def entries(*lines, header=HEADER):
    return entries_from_rows(read_rows(header, [list(line) for line in lines]), registered=REGISTERED, unit=TOWNSHIP,
                             today=TODAY)


def rejected(*lines) -> dict[int, set[str]]:
    with pytest.raises(CadreImportRejected) as refused:
        entries(*lines)
    found: dict[int, set[str]] = {}
    for e in refused.value.errors:
        found.setdefault(e.row, set()).add(e.field)
    return found


# ------------------------------------------------------------------------------- values


@pytest.mark.parametrize("text,expected", [
    ("13812345678", "13812345678"), (" 138 1234 5678 ", "13812345678"), ("+8613812345678", "13812345678"),
    ("0518-88881234", "0518-88881234"), ("051888881234", "051888881234"), ("010-12345678-801", "010-12345678-801"),
    ("(0518)88881234", "0518-88881234"),
])
def test_mainland_mobiles_and_landlines_are_accepted(text, expected):
    assert normalize_phone(text, required=True) == expected


@pytest.mark.parametrize("text", ["12812345678", "1381234567", "138123456789", "88881234", "0518-123456", "电话"])
def test_other_phone_numbers_are_refused_in_chinese(text):
    with pytest.raises(InvalidValue, match="格式不正确"):
        normalize_phone(text, required=False)


def test_a_blank_phone_is_refused_only_where_required():
    assert normalize_phone("  ", required=False) is None
    with pytest.raises(InvalidValue, match="必填"):
        normalize_phone("", required=True)


@pytest.mark.parametrize("text,stars", [("", None), ("未评定", None), ("1", 1), ("5", 5), ("三星", 3), ("3星", 3),
                                        ("四星级", 4), ("★★", 2)])
def test_star_ratings_from_one_to_five(text, stars):
    assert parse_star(text) == stars


@pytest.mark.parametrize("text", ["0", "6", "★★★★★★", "六星", "优秀"])
def test_star_ratings_outside_one_to_five_are_refused(text):
    with pytest.raises(InvalidValue, match="星"):
        parse_star(text)


def test_star_labels():
    assert star_label(5) == "五星" and star_label(None) == "未评定"


@pytest.mark.parametrize("text", ["2021-01-15", "2021/1/15", "2021.1.15", "2021年1月15日", "2021-01-15 00:00:00"])
def test_dates_as_spreadsheets_write_them(text):
    assert parse_date(text) == date(2021, 1, 15)


@pytest.mark.parametrize("text", ["2021-02-30", "15/01/2021", "去年"])
def test_unreadable_dates_are_refused(text):
    with pytest.raises(InvalidValue):
        parse_date(text)


def test_an_election_today_is_accepted_and_tomorrow_is_refused():
    assert check_election_date(TODAY, TODAY) == TODAY
    with pytest.raises(InvalidValue, match="晚于今天"):
        check_election_date(date(2021, 3, 2), TODAY)
    with pytest.raises(InvalidValue, match="早于"):
        check_election_date(date(1988, 5, 31), TODAY)


# ------------------------------------------------------------------------------- the term


def test_an_election_is_overdue_the_day_after_its_fifth_anniversary():
    last = date(2016, 3, 1)
    assert election_due_on(last) == date(2021, 3, 1)
    assert not election_overdue(last, date(2021, 3, 1))
    assert election_overdue(last, date(2021, 3, 2))
    assert overdue_reason(last, date(2021, 3, 1)) is None
    assert "已逾期 1 天" in overdue_reason(last, date(2021, 3, 2))


def test_a_leap_day_election_falls_due_on_28_february():
    assert election_due_on(date(2016, 2, 29)) == date(2021, 2, 28)


def test_overdue_villages_are_suggested_for_criterion_1_only_when_the_catalog_has_it():
    lasts = {"990102101202": date(2014, 1, 10), "990102101201": date(2018, 1, 10)}
    suggested = election_suggestions(lasts, TODAY, "未按期完成村“两委”换届选举")
    assert [(s.village_code, s.criterion_code) for s in suggested] == [("990102101202", "election_overdue")]
    assert "2019-01-10" in suggested[0].reason
    assert election_suggestions(lasts, TODAY, None) == []


# ------------------------------------------------------------------------------- a file


def test_the_rows_of_a_village_make_its_entry():
    [first, second] = entries(
        ("990102101201", "一村党总支", "书记兼主任", "张三", "13812345678", "2018-01-10", "三星"),
        ("990102101201", "", "副书记", "李四", "", "", ""),
        ("990102101201", "", "委员", "王五", "0518-88881234", "2018-01-10", "3"),
        ("990102101202", "", "书记", "赵六", "13912345678", "2014/1/10", ""))
    assert first.secretary.name == "张三" and first.organization_name == "一村党总支" and first.star_rating == 3
    assert [(m.name, m.post, m.phone) for m in first.members] == [("李四", "副书记", None),
                                                                   ("王五", "委员", "0518-88881234")]
    assert second.members == () and second.star_rating is None and second.last_election_on == date(2014, 1, 10)


def test_every_bad_row_is_named_with_its_field_and_the_file_is_refused():
    found = rejected(
        ("990102101201", "", "书记", "张三", "13812345678", "2018-01-10", ""),     # 2 fine
        ("990102101201", "", "委员", "李四", "1234", "", ""),                       # 3 bad phone
        ("990102102201", "", "书记", "外镇", "13812345678", "2018-01-10", ""),     # 4 another township
        ("990102101299", "", "书记", "无村", "13812345678", "2018-01-10", ""),     # 5 not in the registry
        ("990102101000", "", "书记", "乡镇", "13812345678", "2018-01-10", ""),     # 6 not a village
        ("990102101202", "", "书记", "赵六", "", "2022-01-10", "七星"),            # 7 no phone, future, stars
        ("990102101202", "", "书记", "钱七", "13812345678", "", ""),               # 8 a second secretary
        ("990102101201", "", "委员", "", "", "2019-01-10", ""))                    # 9 no name, other date
    assert found == {3: {"phone"}, 4: {"code"}, 5: {"code"}, 6: {"code"}, 7: {"phone", "last_election_on", "star_rating"},
                     8: {"post"}, 9: {"name", "last_election_on"}}


def test_a_village_without_a_secretary_or_an_election_date_is_refused():
    assert rejected(("990102101201", "", "委员", "李四", "", "2018-01-10", "")) == {2: {"post"}}
    assert rejected(("990102101201", "", "书记", "李四", "13812345678", "", "")) == {2: {"last_election_on"}}


def test_the_same_person_twice_is_refused():
    assert rejected(("990102101201", "", "书记", "张三", "13812345678", "2018-01-10", ""),
                    ("990102101201", "", "委员", "李四", "", "", ""),
                    ("990102101201", "", "委员", "李四", "", "", "")) == {4: {"name"}}


def test_a_missing_required_column_refuses_the_file_at_the_header():
    with pytest.raises(CadreImportRejected) as refused:
        read_rows(["区划代码", "职务", "姓名", "换届日期"], [])
    assert [(e["row"], e["field"], e["column"]) for e in refused.value.details["errors"]] == [(1, "phone", "联系电话")]


def test_english_headers_and_blank_lines():
    [entry] = entries(("990102101201", "书记", "张三", "13812345678", "2018-01-10"), ("", "", "", "", ""),
                      header=["code", "post", "name", "phone", "last_election_on"])
    assert entry.secretary.phone == "13812345678"


def test_only_changed_entries_get_the_next_revision():
    [entry] = entries(("990102101201", "", "书记", "张三", "13812345678", "2018-01-10", ""))
    assert changed_entries([entry], {}) == [(entry, 1)]
    assert changed_entries([entry], {"990102101201": (3, entry.content())}) == []
    assert RegisterEntry.from_content("990102101201", entry.content()) == entry
    moved = entries(("990102101201", "", "书记", "张三", "13912345678", "2018-01-10", ""))[0]
    assert changed_entries([moved], {"990102101201": (3, entry.content())}) == [(moved, 4)]


# ------------------------------------------------------------------------------- one entry


def test_an_entry_is_built_with_every_error_named_by_field():
    with pytest.raises(CadreEntryRejected) as refused:
        build_entry("990102102201", organization_name=None, secretary_name="", secretary_phone="123",
                    members=[("李四", "书记", None), ("王五", "委员", "abc"), ("王五", "委员", None)], last_election_on=date(2022, 1, 1),
                    star_rating=0, registered=REGISTERED, unit=TOWNSHIP, today=TODAY)
    fields = {e["field"] for e in refused.value.details["errors"]}
    assert fields == {"path.code", "body.secretary.name", "body.secretary.phone", "body.members.0.post",
                      "body.members.1.phone", "body.members.2.name", "body.last_election_on", "body.star_rating"}
    entry = build_entry("990102101201", organization_name="一村党支部", secretary_name="张三",
                        secretary_phone="13812345678", members=[("李四", "委员", None)],
                        last_election_on=date(2018, 1, 10), star_rating=5, registered=REGISTERED, unit=TOWNSHIP,
                        today=TODAY)
    assert entry.secretary.post == "书记" and entry.members[0].name == "李四"


def test_control_characters_in_a_file_are_refused_by_field():
    assert rejected(("990102101201", "一村\x00", "书记", "张\x01三", "13812345678", "2018-01-10", "")) == \
        {2: {"organization_name", "name"}}
