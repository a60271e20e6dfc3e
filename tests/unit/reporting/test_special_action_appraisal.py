"""The year-end appraisal's rules (seed 004 附件2 六): which days of a year count, how a branch's ratings read, which
rating is the year-end one, and when a pilot item is overdue."""
from __future__ import annotations

from datetime import date

from reporting.domain import appraisal as ap


def test_the_year_runs_to_december_31_or_the_statistics_day_and_its_missed_periods_to_january_1():
    assert ap.appraisal_window(2021, date(2022, 3, 1)) == (date(2021, 1, 1), date(2021, 12, 31))
    assert ap.appraisal_window(2021, date(2021, 12, 1)) == (date(2021, 1, 1), date(2021, 12, 1))
    # December's period is judged (and its alert raised) on the first of January.
    assert ap.missed_periods_window(2021, date(2022, 3, 1)) == (date(2021, 1, 2), date(2022, 1, 1))
    assert ap.missed_periods_window(2021, date(2021, 12, 31)) == (date(2021, 1, 2), date(2021, 12, 31))


def test_the_ratings_read_by_month_and_mode_in_date_order_and_the_last_year_end_one_is_the_appraisal():
    ratings = [ap.Rated(date(2021, 12, 28), "year_end", "fair"), ap.Rated(date(2021, 10, 25), "monthly", "good"),
               ap.Rated(date(2021, 11, 3), "tracking", "poor")]
    assert ap.ratings_line(ratings) == "10月 定期督导：好；11月 跟踪督导：差；12月 年终督导：较好"
    assert ap.year_end_rating(ratings) == "较好"
    assert ap.year_end_rating([*ratings, ap.Rated(date(2021, 12, 30), "year_end", "adequate")]) == "一般"
    assert ap.year_end_rating(ratings[1:]) == "" and ap.ratings_line([]) == ""


def test_an_item_is_overdue_from_the_day_after_its_time_node_until_done():
    due = date(2021, 10, 31)
    assert not ap.overdue(due, None, date(2021, 10, 31))
    assert ap.overdue(due, None, date(2021, 11, 1))
    assert not ap.overdue(due, date(2021, 11, 1), date(2021, 11, 1))
    assert ap.overdue(due, date(2022, 1, 1), date(2021, 12, 31))       # done only after the day counted
