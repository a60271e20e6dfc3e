"""Administrative division codes (统计用区划代码), plain rules.

A code has 12 digits: province 2 + city 2 + county 2 + township 3 + village 3.
A division's level is where its trailing zeros begin, and "inside a jurisdiction" is a
prefix test on the significant digits.
"""
from __future__ import annotations

import re

from zhengdun.roles import Level

CODE_PATTERN = re.compile(r"^\d{12}$")

# How many leading digits are significant at each level.
SIGNIFICANT_DIGITS = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
}


class InvalidDivisionCode(ValueError):
    pass


def validate_code(code: str) -> str:
    validated_level(code)
    return code


def validated_level(code: str) -> Level:
    """The level of a valid code (``validate_code``'s checks, then ``level_of``, in one pass)."""
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        raise InvalidDivisionCode(f"区划代码必须是12位数字: {code!r}")
    if code[:2] == "00":
        raise InvalidDivisionCode(f"区划代码的省级部分不能为00: {code!r}")
    return level_of(code)  # raises on a malformed tail such as 11 00 01 000000


def level_of(code: str) -> Level:
    """The level of a code: the deepest level whose own digits are not all zero.

    A code whose digits below that level are not all zero (e.g. city 00 but county 01)
    is malformed.
    """
    if not CODE_PATTERN.match(code or ""):
        raise InvalidDivisionCode(f"区划代码必须是12位数字: {code!r}")
    level = Level.PROVINCE
    previous = 0
    gap = False   # a level below the province whose digits are all zero: no deeper level may follow
    for candidate, digits in _LEVEL_DIGITS:   # called for every row of a province's import: kept lean
        if code[previous:digits].strip("0"):
            if gap:
                raise InvalidDivisionCode(f"区划代码层级不连续: {code}")
            level = candidate
        elif previous:
            gap = True
        previous = digits
    return level


_LEVEL_DIGITS = tuple(SIGNIFICANT_DIGITS.items())
_LEVEL_INDEX = {level: index for index, level in enumerate(SIGNIFICANT_DIGITS)}
_PARENT_DIGITS = {level: digits for (level, _), (_, digits) in zip(_LEVEL_DIGITS[1:], _LEVEL_DIGITS)}


def _index(level: Level) -> int:
    return _LEVEL_INDEX[level]


def prefix_of(code: str) -> str:
    """The significant digits of a code: what every code in its subtree starts with."""
    return code[: SIGNIFICANT_DIGITS[level_of(code)]]


def parent_code(code: str) -> str | None:
    return parent_at(code, level_of(code))


def parent_at(code: str, level: Level) -> str | None:
    """The parent of ``code`` whose level, ``level``, the caller has worked out already."""
    if level is Level.PROVINCE:
        return None
    return code[:_PARENT_DIGITS[level]].ljust(12, "0")


def ancestor_at(code: str, level: Level) -> str:
    """The code of the division at ``level`` that contains ``code``."""
    digits = SIGNIFICANT_DIGITS[level]
    if _index(level) > _index(level_of(code)):
        raise InvalidDivisionCode(f"{code} 不在 {level.value} 级以下")
    return code[:digits].ljust(12, "0")


def township_of(code: str) -> str:
    return ancestor_at(code, Level.TOWNSHIP)


def county_of(code: str) -> str:
    return ancestor_at(code, Level.COUNTY)


def city_of(code: str) -> str:
    return ancestor_at(code, Level.CITY)


def province_of(code: str) -> str:
    return ancestor_at(code, Level.PROVINCE)


def is_within(code: str, jurisdiction: str) -> bool:
    """True when ``code`` is ``jurisdiction`` itself or lies in its subtree."""
    return code.startswith(prefix_of(jurisdiction))
