"""The division-range lookups of the service layer (index ranges instead of LIKE)."""
from sqlalchemy import column

from zhengdun.reading import within


def bounds(code: str) -> tuple[str, str]:
    expression = within(column("code"), code).compile(compile_kwargs={"literal_binds": True})
    low, high = str(expression).split(" BETWEEN ")[1].split(" AND ")
    return low.strip("'"), high.strip("'")


def test_a_county_covers_its_whole_subtree_and_nothing_else():
    assert bounds("990102000000") == ("990102000000", "990102999999")


def test_a_township_range_stops_at_its_villages():
    assert bounds("990102101000") == ("990102101000", "990102101999")


def test_a_village_is_its_own_range():
    assert bounds("990102101201") == ("990102101201", "990102101201")
