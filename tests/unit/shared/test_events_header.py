"""The X-Zhengdun-Events header: what a write published, as the console forwards it to reporting."""
import pytest

from zhengdun.messaging.outbox import events_header, parse_events_header


def test_the_header_reads_back_as_the_pairs_written():
    pairs = [("zhengdun.screening.campaign.opened.v1", "7f1c2d3e-0000-4000-8000-000000000001"),
             ("zhengdun.casework.case.opened.v1", "x-2")]
    assert parse_events_header(events_header(pairs)) == pairs
    assert parse_events_header("") == []


@pytest.mark.parametrize("value", ["only-a-type", "a b c", "a b,, c"])
def test_a_part_that_is_not_a_type_and_an_id_is_refused(value):
    with pytest.raises(ValueError):
        parse_events_header(value)
