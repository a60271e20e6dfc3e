"""The to-do list's common shape: urgency at its boundary days, ordering, stable ids and routes."""
from __future__ import annotations

from datetime import date

from zhengdun.tasks import DUE_SOON_DAYS, Pending, Urgency, build, days_overdue, urgency_of

TODAY = date(2020, 8, 10)


def test_days_overdue_is_positive_when_late_and_negative_for_days_left():
    assert days_overdue(date(2020, 8, 15), TODAY) == -5
    assert days_overdue(date(2020, 8, 9), TODAY) == 1
    assert days_overdue(None, TODAY) is None


def test_urgency_at_the_boundaries():
    assert urgency_of(date(2020, 8, 9), TODAY) is Urgency.OVERDUE
    assert urgency_of(TODAY, TODAY) is Urgency.DUE_TODAY
    assert urgency_of(date(2020, 8, 10 + DUE_SOON_DAYS), TODAY) is Urgency.DUE_SOON
    assert urgency_of(date(2020, 8, 11 + DUE_SOON_DAYS), TODAY) is Urgency.UPCOMING
    assert urgency_of(None, TODAY) is Urgency.NO_DEADLINE


def test_build_orders_by_urgency_then_most_overdue_and_names_route_and_unit():
    pending = [
        Pending("k.later", "a", "later", "990102101000", "/x/later", due_on=date(2020, 9, 30)),
        Pending("k.none", "b", "no deadline", "990102101000", "/x/none"),
        Pending("k.late1", "c", "late by 1", "990102101201", "/x/late1", due_on=date(2020, 8, 9)),
        Pending("k.late5", "d", "late by 5", "990102101201", "/x/late5", due_on=date(2020, 8, 5), method="PUT",
                done=1, required=2),
        Pending("k.soon", "e", "in 5 days", "990102101201", "/x/soon", due_on=date(2020, 8, 15)),
    ]
    tasks = build("screening", {"k.late5": "五天"}, pending, {"990102101201": "示范村"}, TODAY)
    assert [t.title for t in tasks] == ["late by 5", "late by 1", "in 5 days", "later", "no deadline"]
    first = tasks[0]
    assert first.task_id == "screening:k.late5:d" and first.kind_label == "五天"
    assert first.route == "/screening/x/late5" and first.action.method == "PUT" and first.action.path == "/x/late5"
    assert first.unit.name == "示范村" and first.unit.level == "village"
    assert first.days_overdue == 5 and first.urgency_label == "已逾期"
    assert first.progress.done == 1 and first.progress.required == 2
    assert tasks[2].days_overdue == -5 and tasks[2].urgency is Urgency.DUE_SOON
    # A unit without a name in the copy of the tree keeps its code; a kind without a label, its key.
    assert tasks[3].unit.name == "990102101000" and tasks[3].kind_label == "k.later"
