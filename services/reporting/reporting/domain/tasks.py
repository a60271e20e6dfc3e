"""What reporting waits on (我的待办): nothing a person takes here.

Reporting only reads: its figures and documents (ledger updates, quarterly circulars, ranking, summary
table) are computed from the other services' events whenever someone asks, and nothing records a
document as "issued", so no step of a person is pending in this service. It answers ``GET /tasks`` like
the other four (an empty list) so the console merges five lists without a special case; the steps that
feed its figures are the other services' tasks.
"""
from __future__ import annotations

from zhengdun.tasks import Pending

LABELS: dict[str, str] = {}


def steps() -> list[Pending]:
    return []
