"""The year-end appraisal of the special actions (seed 004 附件2 六: 督导结果 … 作为各党（总）支部书记年度考核的重要依据):
how a branch's ratings of one year read in the township's export. Plain rules, no I/O."""
from __future__ import annotations

from datetime import date
from typing import NamedTuple

# The supervision plan's modes and ratings as supervision records them (supervision/domain/special_actions.py).
MODE_LABELS = {"meeting": "会议督导", "monthly": "定期督导", "unscheduled": "不定期督导", "tracking": "跟踪督导",
               "year_end": "年终督导"}
RATING_LABELS = {"good": "好", "fair": "较好", "adequate": "一般", "poor": "差"}
YEAR_END = "year_end"


class Rated(NamedTuple):
    held_on: date
    mode: str
    rating: str


def appraisal_window(year: int, as_of: date) -> tuple[date, date]:
    """The days of ``year`` the appraisal covers: from 1 January to 31 December, or to the statistics day before it."""
    return date(year, 1, 1), min(as_of, date(year, 12, 31))


def missed_periods_window(year: int, as_of: date) -> tuple[date, date]:
    """A missed period's alert is raised the day after the period ends: a year's periods are those raised from
    2 January to 1 January of the next year (December's), as far as the statistics day."""
    return date(year, 1, 2), min(as_of, date(year + 1, 1, 1))


def ratings_line(ratings: list[Rated]) -> str:
    """The year's ratings in date order, by month and mode: 「10月 定期督导：好；12月 年终督导：较好」."""
    return "；".join(f"{r.held_on.month}月 {MODE_LABELS.get(r.mode, r.mode)}：{RATING_LABELS.get(r.rating, r.rating)}"
                    for r in sorted(ratings))


def year_end_rating(ratings: list[Rated]) -> str:
    """The rating of the year's last year-end supervision (年终督导), else empty: the appraisal's own rating."""
    year_end = [r for r in sorted(ratings) if r.mode == YEAR_END]
    return RATING_LABELS.get(year_end[-1].rating, year_end[-1].rating) if year_end else ""


def overdue(due_on: date, done_on: date | None, day: date) -> bool:
    """An item is overdue on ``day`` when its time node has passed and it was not done by then."""
    return due_on < day and (done_on is None or done_on > day)
