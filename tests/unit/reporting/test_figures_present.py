"""The figures as the API answers them (reporting.figures.present): counts beside every share."""
from __future__ import annotations

from decimal import Decimal

from reporting.figures import EMPTY, present
from reporting.responses import Figures


def raw(**counts) -> dict:
    return EMPTY | counts


def test_criterion_shares_are_of_the_weak_and_lax_villages_and_lagging_ones_are_counted_apart():
    # 10 listed: 6 weak and lax (criteria counted over them only), 4 lagging.
    figures = present(raw(in_campaign=100, listed=10, listed_weak_and_lax=6, listed_lagging=4,
                          by_criterion={"c01": 3, "c02": 1}), {"c01": "班子不健全"})
    assert figures["listed_by_criterion"] == [
        {"criterion": "c01", "label": "班子不健全", "villages": 3, "out_of": 6, "share": Decimal("0.5000")},
        {"criterion": "c02", "label": "c02", "villages": 1, "out_of": 6, "share": Decimal("0.1667")}]
    assert figures["listed_by_category"]["lagging"] == {"villages": 4, "out_of": 10, "share": Decimal("0.4000")}
    assert figures["listed_by_category"]["weak_and_lax"]["out_of"] == 10
    Figures.model_validate(figures)   # the response model (and so the OpenAPI schema) says exactly this


def test_a_share_is_answered_rounded_once_from_its_counts():
    figures = present(raw(in_campaign=11, listed=6, listed_weak_and_lax=6, transformed=1, designated=16,
                          visits_due=0), {})
    assert figures["listed_share"] == Decimal("0.5455")
    assert figures["transformation_rate"] == Decimal("0.0625")
    assert figures["visit_compliance"] is None
