"""Whether a measure stands completed: casework's status, copied onto the measure row; derived from the records
only for a measure whose records were all published before casework carried it."""
from __future__ import annotations

from datetime import date

from supervision.models import MeasureRow, ProgressRow
from supervision.progress import completed_on


def measure(status: str | None = None, since: date | None = None) -> MeasureRow:
    return MeasureRow(measure_id="m1", status=status, status_since=since)


def record(record_id: str, status: str, on: date, corrects: str | None = None) -> ProgressRow:
    return ProgressRow(record_id=record_id, measure_id="m1", status=status, recorded_on=on, corrects=corrects)


# Completed on the 3rd, in progress on the 5th, then the record of the 3rd corrected (still completed):
# casework makes the correction the newest record, so the measure stands completed, from the 5th.
RECORDS = [record("a", "completed", date(2021, 6, 3)), record("b", "in_progress", date(2021, 6, 5)),
           record("c", "completed", date(2021, 6, 3), corrects="a")]


def test_the_copied_status_is_what_counts_not_the_records():
    copied = measure("completed", date(2021, 6, 5))
    assert completed_on(copied, RECORDS) == date(2021, 6, 5)
    assert completed_on(copied, RECORDS, upto=date(2021, 6, 4)) is None
    assert completed_on(measure("in_progress", date(2021, 6, 5)), [record("x", "completed", date(2021, 6, 9))]) is None


def test_without_a_copied_status_the_records_decide_as_before():
    assert completed_on(measure(), RECORDS) is None       # by date, the record of the 5th is the newest
    assert completed_on(measure(), RECORDS[:1]) == date(2021, 6, 3)
    assert completed_on(measure(), RECORDS[:1], upto=date(2021, 6, 2)) is None
    assert completed_on(measure(), []) is None
