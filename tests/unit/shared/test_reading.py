"""The shared reading helpers' rules, as plain Python (their SQL runs in every list's integration test)."""
import pytest
from sqlalchemy import column, select, table
from sqlalchemy.dialects import postgresql

from zhengdun.reading import sort_order, within
from zhengdun.refusals import RuleViolation

cases = table("cases", column("village_code"), column("opened_on"))


def sql(clause) -> str:
    return str(clause.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


@pytest.mark.parametrize("code, low, high", [
    ("990000000000", "990000000000", "999999999999"),
    ("990100000000", "990100000000", "990199999999"),
    ("990102000000", "990102000000", "990102999999"),
    ("990102003000", "990102003000", "990102003999"),
    ("990102003004", "990102003004", "990102003004"),
])
def test_within_is_the_range_of_the_divisions_subtree(code, low, high):
    assert sql(within(cases.c.village_code, code)) == f"cases.village_code BETWEEN '{low}' AND '{high}'"


def test_sort_order_takes_a_named_column_either_way_and_breaks_ties_by_the_default():
    columns = {"village": cases.c.village_code, "opened": cases.c.opened_on}
    assert [sql(c) for c in sort_order(None, columns, default="village")] == ["cases.village_code ASC"]
    assert [sql(c) for c in sort_order("-opened", columns, default="village")] == [
        "cases.opened_on DESC", "cases.village_code ASC"]
    assert [sql(c) for c in sort_order("-village", columns, default="village")] == ["cases.village_code DESC"]


def test_sort_order_refuses_an_unknown_column_naming_the_choices():
    with pytest.raises(RuleViolation) as refused:
        sort_order("secret", {"village": cases.c.village_code}, default="village")
    assert refused.value.code == "unknown-sort" and refused.value.field == "query.sort"
    assert "village" in refused.value.message_zh
    select(cases)  # the table is usable in a query (keeps the import honest)
