"""Reporting periods of a case (每两个月向县委组织部报送一次, seed 001 §二(二)).

Casework files a progress report per period and supervision watches that each ended period has one: both
derive the periods the same way, from the case's designation and the policy's interval, so they live here.
A case's periods are consecutive blocks of ``interval_months`` calendar months from its first full month
(the month of designation when designated on the 1st, else the next one), as the monthly visit count does.
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta


def first_full_month(day: date) -> date:
    if day.day == 1:
        return day
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def add_months(month: date, months: int) -> date:
    """The first day of the month ``months`` after ``month``'s."""
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_from(start: date, interval_months: int) -> tuple[date, date]:
    last = add_months(start, interval_months - 1)
    return start, last.replace(day=calendar.monthrange(last.year, last.month)[1])


def report_periods(designated_on: date, interval_months: int, until: date) -> list[tuple[date, date]]:
    """(first day, last day) of every period that has begun by ``until``."""
    periods, start = [], first_full_month(designated_on)
    while start <= until:
        periods.append(period_from(start, interval_months))
        start = add_months(start, interval_months)
    return periods


def period_containing(designated_on: date, interval_months: int, day: date) -> tuple[date, date] | None:
    """The period ``day`` falls in (None before the first period begins)."""
    found = report_periods(designated_on, interval_months, day)
    return found[-1] if found else None
