"""The shared reading helpers' rules, as plain Python (their SQL runs in every list's integration test)."""
import pytest
from sqlalchemy import column, table
from sqlalchemy.dialects import postgresql

from zhengdun.reading import within, within_params

cases = table("cases", column("village_code"), column("opened_on"))


def sql(clause) -> str:
    return str(clause.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


RANGES = [
    ("990000000000", "990000000000", "999999999999"),
    ("990100000000", "990100000000", "990199999999"),
    ("990102000000", "990102000000", "990102999999"),
    ("990102003000", "990102003000", "990102003999"),
    ("990102003004", "990102003004", "990102003004"),
]


@pytest.mark.parametrize("code, low, high", RANGES)
def test_within_is_the_range_of_the_divisions_subtree(code, low, high):
    assert sql(within(cases.c.village_code, code)) == f"cases.village_code BETWEEN '{low}' AND '{high}'"


@pytest.mark.parametrize("code, low, high", RANGES)
def test_raw_sql_gets_the_same_range_as_bind_parameters(code, low, high):
    assert within_params(code) == {"lo": low, "hi": high}
