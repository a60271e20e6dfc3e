import pytest

from zhengdun.divisions import (InvalidDivisionCode, ancestor_at, city_of, county_of, is_within, level_of, parent_code,
                                prefix_of, province_of, township_of, validate_code)
from zhengdun.roles import Level


@pytest.mark.parametrize("code, level", [
    ("990000000000", Level.PROVINCE), ("990100000000", Level.CITY), ("990102000000", Level.COUNTY),
    ("990102101000", Level.TOWNSHIP), ("990102101201", Level.VILLAGE), ("990102001000", Level.TOWNSHIP),
])
def test_level_is_where_the_trailing_zeros_begin(code, level):
    assert level_of(code) == level


@pytest.mark.parametrize("code", ["99010210120", "9901021012011", "99010210120a", "000000000000", "990001000000",
                                  "990100101000", ""])
def test_malformed_codes_are_refused(code):
    with pytest.raises(InvalidDivisionCode):
        validate_code(code)


def test_parents_prefixes_and_jurisdiction():
    assert parent_code("990102101201") == "990102101000"
    assert parent_code("990102101000") == "990102000000"
    assert parent_code("990000000000") is None
    assert prefix_of("990102000000") == "990102"
    assert ancestor_at("990102101201", Level.COUNTY) == "990102000000"
    assert is_within("990102101201", "990102000000")
    assert is_within("990102000000", "990102000000")
    assert not is_within("990103101201", "990102000000")
    assert not is_within("990100000000", "990102000000")  # the city is above the county, not inside it


def test_the_containing_division_at_each_level():
    village = "990102101201"
    assert (township_of(village), county_of(village), city_of(village), province_of(village)) == (
        "990102101000", "990102000000", "990100000000", "990000000000")
    assert county_of("990102000000") == "990102000000"          # a division contains itself
    with pytest.raises(InvalidDivisionCode):
        township_of("990102000000")                            # a county lies in no township


def test_a_validated_level_and_its_parent_are_those_of_level_of_and_parent_code():
    from zhengdun.divisions import parent_at, validated_level

    for code in ("990000000000", "990100000000", "990102000000", "990102101000", "990102101201"):
        assert validated_level(code) is level_of(code)
        assert parent_at(code, validated_level(code)) == parent_code(code)
    for bad in ("00", "000000000000", "990001000000"):
        with pytest.raises(InvalidDivisionCode):
            validated_level(bad)
