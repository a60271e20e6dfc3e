"""The demo register (`make up` loads it) passes screening's own import rules, and a fifth to two fifths of its
elections are overdue whatever the platform's year."""
from datetime import date

import pytest

from screening.domain.cadres import election_overdue, entries_from_rows, read_rows
from zhengdun_demo.register import register_csv
from zhengdun_demo.synthetic import generate_province

TOWNSHIP = "990102101000"


@pytest.mark.parametrize("today", [date(2020, 7, 1), date(2026, 12, 4)])
def test_the_demo_register_is_accepted_and_some_elections_are_overdue(today):
    villages = [r for r in generate_province() if r.parent_code == TOWNSHIP]
    lines = register_csv(villages, today.year).strip().split("\n")
    rows = read_rows(lines[0].split(","), [line.split(",") for line in lines[1:]])
    entries = entries_from_rows(rows, registered={v.code: v.name for v in villages}, unit=TOWNSHIP, today=today)
    assert [e.village_code for e in entries] == [v.code for v in villages]
    assert all(2 <= len(e.members) <= 3 and e.secretary.phone for e in entries)
    overdue = sum(election_overdue(e.last_election_on, today) for e in entries)
    assert 0.15 * len(entries) <= overdue <= 0.45 * len(entries), overdue
