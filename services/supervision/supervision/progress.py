"""Whether a measure stands completed, and since when: casework's verdict, copied onto the measure row.

Casework publishes the measure's status after each progress record (corrections included) with the date it
holds from; supervision copies it (projection.progress_recorded) rather than deciding corrections again. Measures
whose records were all published before casework carried the verdict fall back to deriving it from the records.
"""
from __future__ import annotations

from datetime import date

from supervision.models import MeasureRow, ProgressRow
from zhengdun.events.casework import MeasureStatus


def completed_on(measure: MeasureRow, records: list[ProgressRow], upto: date | None = None) -> date | None:
    """The date the measure stands completed from (None: not completed), counting records dated up to ``upto``."""
    if measure.status is not None:
        done = measure.status == MeasureStatus.COMPLETED.value and (upto is None or measure.status_since <= upto)
        return measure.status_since if done else None
    # Records from before the verdict was published: the newest record by date that nobody corrected.
    corrected = {r.corrects for r in records if r.corrects}
    effective = sorted((r for r in records if r.record_id not in corrected and (upto is None or r.recorded_on <= upto)),
                       key=lambda r: r.recorded_on)
    return effective[-1].recorded_on if effective and effective[-1].status == MeasureStatus.COMPLETED.value else None
