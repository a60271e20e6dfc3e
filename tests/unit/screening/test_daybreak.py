"""Which days the daybreak publisher owes: every missed day in order, only today on a first start."""
from datetime import date

from screening.daybreak import days_to_publish


def test_first_start_publishes_only_today():
    assert days_to_publish(None, date(2026, 3, 1)) == [date(2026, 3, 1)]


def test_after_downtime_every_missed_day_in_order():
    assert days_to_publish(date(2026, 2, 27), date(2026, 3, 2)) == [
        date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 2)]


def test_nothing_when_the_day_is_published_or_the_wall_clock_went_back():
    assert days_to_publish(date(2026, 3, 1), date(2026, 3, 1)) == []
    assert days_to_publish(date(2026, 3, 1), date(2026, 2, 28)) == []
