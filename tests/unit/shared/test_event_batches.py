"""Plain rules of set-based event handling: how a consumed batch is cut into the steps it is applied
in (runs of a type with a batch handler, at their place), and which revision of a division a run
keeps when the same code comes twice."""
from __future__ import annotations

from zhengdun.events.base import Envelope
from zhengdun.events.registry import DivisionUpserted
from zhengdun.messaging.consumer import EventHandlers, batch_steps
from zhengdun.registry import division_handlers, newest_revisions

OTHER = "zhengdun.casework.case.opened.v1"


REQUEST_A = {"traceparent": "00-" + "a" * 32 + "-" + "1" * 16 + "-01"}
REQUEST_B = {"traceparent": "00-" + "b" * 32 + "-" + "2" * 16 + "-01"}


def item(event_type: str, number: int, headers: dict | None = None) -> tuple:
    envelope = Envelope(source="/test", type=event_type, divisioncode="990102101201", data={})
    return (None, envelope, f"event-{number}", headers if headers is not None else REQUEST_A)


def handlers_with_other() -> EventHandlers:
    handlers = EventHandlers()
    handlers.include(division_handlers)

    @handlers.on(OTHER)
    async def other(work, envelope):
        return None

    return handlers


def test_consecutive_events_of_a_batch_handled_type_are_one_step_at_their_place():
    upserted = DivisionUpserted.event_type  # type: ignore[attr-defined]
    todo = [item(upserted, 1), item(upserted, 2), item(OTHER, 3), item(upserted, 4), item(OTHER, 5), item(OTHER, 6),
            (None, None, "unreadable-7", {}), item(upserted, 8), item(upserted, 9)]
    steps = batch_steps(todo, handlers_with_other())
    assert [[event_id for _, _, event_id, _ in step] for step in steps] == [
        ["event-1", "event-2"], ["event-3"], ["event-4"], ["event-5"], ["event-6"], ["unreadable-7"],
        ["event-8", "event-9"]]


def test_a_run_is_cut_where_the_events_were_published_by_another_request():
    """Its one span continues one publish span: each request's trace holds its consumers' spans."""
    upserted = DivisionUpserted.event_type  # type: ignore[attr-defined]
    todo = [item(upserted, 1, REQUEST_A), item(upserted, 2, REQUEST_A), item(upserted, 3, REQUEST_B),
            item(upserted, 4, {}), item(upserted, 5, {})]
    steps = batch_steps(todo, handlers_with_other())
    assert [[event_id for _, _, event_id, _ in step] for step in steps] == [
        ["event-1", "event-2"], ["event-3"], ["event-4", "event-5"]]


def test_a_type_without_a_batch_handler_is_applied_event_by_event():
    handlers = handlers_with_other()
    assert handlers.batch_handler_for(OTHER) is None
    assert handlers.batch_handler_for(DivisionUpserted.event_type) is not None  # type: ignore[attr-defined]
    assert len(batch_steps([item(OTHER, n) for n in range(3)], handlers)) == 3


def division(code: str, name: str, revision: int) -> DivisionUpserted:
    return DivisionUpserted(code=code, name=name, level="village", parent_code="990102101000", kind="行政村",
                            revision=revision)


def test_a_run_keeps_the_newest_revision_of_each_code_once():
    rows = newest_revisions([division("990102101201", "甲村", 1), division("990102101202", "乙村", 1),
                             division("990102101201", "甲村（新）", 3), division("990102101201", "甲村（旧）", 2)])
    assert {(r["code"], r["name"], r["revision"]) for r in rows} == {
        ("990102101201", "甲村（新）", 3), ("990102101202", "乙村", 1)}
    assert len(rows) == 2


def test_a_consumed_batch_is_faststreams_message_around_the_records_without_a_dict_per_record():
    import asyncio

    from aiokafka.structs import ConsumerRecord
    from faststream.kafka.message import FAKE_CONSUMER, KafkaAckableMessage
    from faststream.kafka.parser import AioKafkaBatchParser

    from zhengdun.messaging.consumer import records_as_they_came

    headers = [("content-type", b"application/cloudevents+json"), ("traceparent", REQUEST_A["traceparent"].encode())]
    records = tuple(ConsumerRecord("t.screening", 3, offset, 1000 + offset, 0, b"k", b"{}", None, 2, 2, headers)
                    for offset in (7, 8, 9))
    parser = AioKafkaBatchParser(msg_class=KafkaAckableMessage, regex=None)
    theirs = asyncio.run(parser.parse_batch(records))
    ours = asyncio.run(records_as_they_came(records, parser.parse_batch))
    assert type(ours) is type(theirs) and ours.consumer is theirs.consumer is FAKE_CONSUMER
    assert ours.raw_message is records and ours.committed is None   # acknowledged (or not) as FastStream's own
    assert (ours.headers, ours.content_type, ours.message_id, ours.path) == (
        theirs.headers, theirs.content_type, theirs.message_id, theirs.path)
    assert ours.batch_headers == []


def test_a_runs_rows_accept_and_refuse_what_the_division_model_does():
    from pydantic import ValidationError

    from zhengdun.registry import _DIVISION_ROWS

    good = {"code": "990102101201", "name": "甲村", "level": "village", "revision": 2}
    payloads = [good, {**good, "parent_code": "990102101000", "kind": "行政村", "extra": 1},
                {**good, "code": "99010210120"}, {**good, "level": "hamlet"}, {**good, "revision": 0},
                {**good, "revision": "3"}, {**good, "revision": 1.5}, {**good, "name": 5}, {**good, "parent_code": 7},
                {key: value for key, value in good.items() if key != "name"}, {**good, "kind": None}]
    for payload in payloads:
        try:
            model = DivisionUpserted.model_validate(payload).model_dump()
        except ValidationError:
            model = None
        try:
            row = _DIVISION_ROWS.validate_python([payload])[0]
            row = {"parent_code": None, "kind": None, **row}
        except ValidationError:
            row = None
        assert row == model, payload
