"""The rules the reporting figures are computed with (reporting.domain.figures)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from reporting.domain.figures import (
    FIGURES, Figure, RankingRow, api_share, case_counted_from, is_overdue, latest, month_compliant, month_end, months_between, parse_month,
    parse_quarter, percent, quarter_bounds, quarter_label, rank_counties, share, visit_qualifies)


def test_share_is_of_the_whole_printed_like_seed_003():
    assert api_share(6, 38) == Decimal("0.1579")      # "6个，占比15.8%"
    assert percent(6, 38) == "15.8%"
    assert percent(12, 38) == "31.6%"
    assert percent(1, 38) == "2.6%"


def test_a_printed_percent_is_rounded_once_from_the_counts_half_up():
    assert percent(1, 16) == "6.3%"                   # 6.25%: the half goes up
    assert percent(1, 16, places=2) == "6.25%"
    # 6/11 = 54.5454…%: rounding the 4-place share 0.5455 again would print 54.6%.
    assert api_share(6, 11) == Decimal("0.5455")
    assert percent(6, 11) == "54.5%"
    # 19/427 = 4.4496…%: 0.0445 rounded again would print 4.5%.
    assert percent(19, 427) == "4.4%"
    assert percent(0, 7) == "0.0%" and percent(7, 7) == "100.0%"


def test_the_api_share_is_rounded_once_half_up_to_four_places():
    assert api_share(1, 16) == Decimal("0.0625")
    assert api_share(1, 32) == Decimal("0.0313")       # 0.03125: half up
    assert str(api_share(0, 5)) == "0.0000" and str(api_share(5, 5)) == "1.0000"


def test_share_of_nothing_is_undefined_not_zero():
    assert share(0, 0) is None and api_share(0, 0) is None
    assert percent(0, 0) == "—"
    assert share(0, 5) == 0


def test_criterion_shares_may_add_up_to_more_than_100_percent_when_villages_meet_several():
    seed_003 = [6, 5, 1, 2, 11, 5, 12]             # 38 weak-and-lax villages, 42 criterion hits
    assert sum(share(n, 38) for n in seed_003) > 1
    assert [percent(n, 38) for n in seed_003] == ["15.8%", "13.2%", "2.6%", "5.3%", "28.9%", "13.2%", "31.6%"]


def test_a_case_counts_from_its_designation_even_when_opened_later():
    assert case_counted_from(date(2020, 8, 20), date(2020, 8, 22)) == date(2020, 8, 20)   # back-dated designation
    assert case_counted_from(date(2020, 8, 20), date(2020, 8, 20)) == date(2020, 8, 20)


def test_measure_is_not_overdue_on_its_deadline_day_but_is_the_day_after():
    deadline = date(2020, 11, 30)
    assert not is_overdue(deadline, completed_on_day=False, day=date(2020, 11, 30))
    assert is_overdue(deadline, completed_on_day=False, day=date(2020, 12, 1))


def test_completed_measure_is_never_overdue():
    assert not is_overdue(date(2020, 11, 30), completed_on_day=True, day=date(2021, 1, 1))


def test_visit_qualifies_only_with_all_talks_and_enough_problems_pushed():
    assert visit_qualifies(True, 1, 1)
    assert not visit_qualifies(False, 3, 1)      # did not talk with everyone
    assert not visit_qualifies(True, 0, 1)       # pushed nothing
    assert visit_qualifies(True, 0, 0)           # a campaign may require none
    # Casework's verdict, where the event carries it, is copied rather than judged again.
    assert not visit_qualifies(True, 1, 1, counts_toward_minimum=False)
    assert visit_qualifies(True, 1, 1, counts_toward_minimum=True)


def test_month_is_compliant_from_the_required_number_of_visits():
    assert not month_compliant(1, 2)
    assert month_compliant(2, 2)
    assert month_compliant(3, 2)


def test_state_on_a_day_is_the_latest_fact_on_or_before_it_ties_by_arrival():
    facts = [(date(2020, 9, 1), 1, "concentrated"), (date(2021, 5, 10), 2, "continued"),
             (date(2021, 5, 10), 3, "ready_for_acceptance")]
    assert latest(facts, date(2020, 8, 31)) is None
    assert latest(facts, date(2020, 9, 1)) == "concentrated"
    assert latest(facts, date(2021, 5, 9)) == "concentrated"
    assert latest(facts, date(2021, 5, 10)) == "ready_for_acceptance"


def test_months_and_quarters():
    assert months_between(date(2020, 11, 15), date(2021, 2, 1)) == [(2020, 11), (2020, 12), (2021, 1), (2021, 2)]
    assert month_end(2021, 2) == date(2021, 2, 28) and month_end(2020, 2) == date(2020, 2, 29)
    assert quarter_bounds(2020, 4) == (date(2020, 10, 1), date(2020, 12, 31))
    assert quarter_label(2021, 1) == "2021年第一季度"
    assert parse_month("2020-09") == (2020, 9) and parse_quarter("2020q3") == (2020, 3)
    for bad in ("2020-13", "20-1", "x"):
        with pytest.raises(ValueError):
            parse_month(bad)
    with pytest.raises(ValueError):
        parse_quarter("2020Q5")


def _row(code, designated, transformed, accepted=0, failed=0, alerts=0):
    return RankingRow(code=code, name=code, designated=designated, transformed=transformed, accepted=accepted,
                      failed=failed, alerts_open=alerts)


def test_ranking_by_transformation_rate_then_pass_rate_then_fewer_alerts():
    ranked = rank_counties([
        _row("990102000000", 10, 5, accepted=5, failed=0),
        _row("990103000000", 10, 8, accepted=8, failed=4),
        _row("990104000000", 10, 5, accepted=5, failed=5),
        _row("990105000000", 20, 10, accepted=5, failed=0, alerts=3),
    ])
    assert [(rank, row.code) for rank, row in ranked] == [
        (1, "990103000000"),            # 80%
        (2, "990102000000"),            # 50%, pass rate 100%, no alerts
        (3, "990105000000"),            # 50%, pass rate 100%, 3 alerts
        (4, "990104000000"),            # 50%, pass rate 50%
    ]


def test_ranking_ties_share_a_rank_and_the_next_rank_skips():
    ranked = rank_counties([_row("990103000000", 4, 2, 2), _row("990102000000", 2, 1, 1), _row("990104000000", 4, 1, 1)])
    assert [(rank, row.code) for rank, row in ranked] == [(1, "990102000000"), (1, "990103000000"), (3, "990104000000")]


def test_every_drill_down_figure_is_defined_in_chinese_and_english():
    for figure in Figure:
        definition = FIGURES[figure]
        assert definition.label and definition.english and definition.definition


def test_ranking_compares_the_exact_rates_not_their_rounding():
    # 1/3 and 3333/10000 both read 0.3333 at four places; 1/3 is higher.
    ranked = rank_counties([_row("990102000000", 10000, 3333), _row("990103000000", 3, 1)])
    assert [(rank, row.code) for rank, row in ranked] == [(1, "990103000000"), (2, "990102000000")]


def test_the_summary_period_follows_the_policys_interval_counted_from_the_campaigns_january():
    from reporting.domain.figures import period_label, summary_period

    # 3 months (the seed's default): the calendar quarters, the same as before.
    assert summary_period(3, 2020, 2020, 11) == (date(2020, 10, 1), date(2020, 12, 31))
    assert period_label(*summary_period(3, 2020, 2020, 11)) == "2020年第四季度"
    assert summary_period(3, 2020, 2021, 1) == (date(2021, 1, 1), date(2021, 3, 31))
    # 2 months: Jan–Feb, …, Nov–Dec; 6: the half-years; 12: the year.
    assert summary_period(2, 2020, 2020, 9) == (date(2020, 9, 1), date(2020, 10, 31))
    assert period_label(date(2020, 9, 1), date(2020, 10, 31)) == "2020年9月至2020年10月"
    assert summary_period(6, 2020, 2021, 8) == (date(2021, 7, 1), date(2021, 12, 31))
    assert period_label(date(2021, 7, 1), date(2021, 12, 31)) == "2021年下半年"
    assert period_label(*summary_period(12, 2020, 2021, 5)) == "2021年度"
    # 5 months do not divide a year: the periods run on across years from the campaign's January.
    assert summary_period(5, 2020, 2020, 12) == (date(2020, 11, 1), date(2021, 3, 31))
    assert summary_period(5, 2020, 2021, 4) == (date(2021, 4, 1), date(2021, 8, 31))
    # Every month of a period gives the same period; consecutive periods touch.
    for interval in (1, 2, 3, 4, 5, 6, 7, 12):
        periods = {summary_period(interval, 2020, y, m) for y in (2020, 2021, 2022) for m in range(1, 13)}
        ordered = sorted(periods)
        assert all((b[0] - a[1]).days == 1 for a, b in zip(ordered, ordered[1:]))
        assert all((p[1].year - p[0].year) * 12 + p[1].month - p[0].month + 1 == interval for p in ordered)


def test_a_series_reads_the_day_before_its_first_month_and_each_month_end_the_last_at_its_date():
    from reporting.domain.figures import series_dates

    assert series_dates(date(2020, 11, 10), date(2021, 1, 20)) == (
        date(2020, 10, 31), [date(2020, 11, 30), date(2020, 12, 31), date(2021, 1, 20)])
    assert series_dates(date(2024, 2, 1), date(2024, 2, 29)) == (date(2024, 1, 31), [date(2024, 2, 29)])
