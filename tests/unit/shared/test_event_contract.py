"""The event contract: the CloudEvents Kafka binding in structured mode only, extension attributes as
CloudEvents allows them (scalars, no object), and AsyncAPI 3.0 documents with one message per event type.
The messages are parsed with the CloudEvents SDK, as an outside subscriber would."""
from __future__ import annotations

import json

from cloudevents.core.bindings.kafka import KafkaMessage, from_kafka_event

from zhengdun.events import all_specs, spec_for
from zhengdun.events.base import Actor, Envelope
from zhengdun.events.casework import MeasurePlanned
from zhengdun.messaging.contract import Channel, asyncapi_document
from zhengdun.messaging.outbox import outbox_row

ACTOR = Actor(user_id="u-1", name="卫队长", roles=["team_leader", "village_staff"], division_code="990102101201")


def envelope() -> Envelope:
    return Envelope(source="/zhengdun/casework", type=MeasurePlanned.event_type, subject="990102101201",
                    divisioncode="990102101201", campaignid="C1", actor=ACTOR, data={"measure_id": "M1"})


def kafka_message(row: dict) -> KafkaMessage:
    return KafkaMessage(headers={k: v.encode() for k, v in row["headers"].items()}, key=row["key"].encode(),
                        value=row["body"].encode())


def test_who_acted_is_four_string_attributes_and_reads_back_as_the_actor():
    body = json.loads(envelope().model_dump_json())
    assert "actor" not in body
    assert {k: body[k] for k in ("actorid", "actorname", "actorroles", "actordivision")} == {
        "actorid": "u-1", "actorname": "卫队长", "actorroles": "team_leader village_staff", "actordivision": "990102101201"}
    assert all(not isinstance(v, (dict, list)) for k, v in body.items() if k != "data")
    assert Envelope.model_validate(body).actor == ACTOR
    assert Envelope(source="/s", type="t", divisioncode="990102101201", actor=None, data={}).actor is None


def test_an_event_written_before_the_flat_attributes_still_reads_with_its_actor():
    legacy = {**json.loads(envelope().model_dump_json(exclude={"actorid", "actorname", "actorroles", "actordivision"})),
              "actor": ACTOR.model_dump(mode="json")}
    assert Envelope.model_validate_json(json.dumps(legacy)).actor == ACTOR


def test_the_outbox_writes_structured_mode_that_the_cloudevents_sdk_reads_as_such():
    sent = envelope()
    row = outbox_row("zhengdun.casework", sent)
    assert row["headers"]["content-type"] == "application/cloudevents+json"
    assert not [h for h in row["headers"] if h.lower().startswith("ce_")]   # ce_ headers would mean binary mode
    event = from_kafka_event(kafka_message(row))
    assert event.get_data() == sent.data           # binary mode would have taken the whole envelope as data
    attributes = event.get_attributes()
    assert attributes["type"] == sent.type and attributes["id"] == sent.id and attributes["specversion"] == "1.0"
    assert attributes["actorroles"] == "team_leader village_staff" and attributes["divisioncode"] == "990102101201"
    assert attributes["partitionkey"] == "990102101201"    # the Kafka key: the division
    assert all(isinstance(v, (str, int, bool)) or hasattr(v, "isoformat") for v in attributes.values())


def test_an_event_without_subject_campaign_or_actor_leaves_them_out_and_still_reads():
    sent = Envelope(source="/zhengdun/screening", type="zhengdun.screening.division.upserted.v1",
                    divisioncode="990102101201", data={"code": "990102101201", "note": None})
    body = json.loads(sent.model_dump_json())
    assert not {"subject", "campaignid", "actorid", "actorname", "actorroles", "actordivision"} & set(body)
    assert body["data"] == {"code": "990102101201", "note": None}          # the payload keeps its own nulls
    event = from_kafka_event(kafka_message(outbox_row("zhengdun.screening", sent)))
    assert event.get_data() == sent.data and "subject" not in event.get_attributes()
    assert Envelope.model_validate(body) == sent


def test_asyncapi_has_one_message_per_event_type_with_its_payload_schema():
    casework = tuple(s for s in all_specs() if s.service == "casework")
    received = (spec_for("zhengdun.screening.target.designated.v1"),)
    document = asyncapi_document(document_id="urn:t", title="t", version="1", description="d", channels=[
        Channel("casework", "zhengdun.casework", "send", casework),
        Channel("from-screening", "zhengdun.screening", "receive", received),
        Channel("from-reporting", "zhengdun.reporting", "receive", ())])      # nothing received: no channel
    assert document["asyncapi"] == "3.0.0"
    assert set(document["channels"]) == {"casework", "from-screening"}
    assert document["operations"]["send-casework"]["action"] == "send"
    assert document["operations"]["receive-from-screening"]["messages"] == [
        {"$ref": "#/channels/from-screening/messages/zhengdun.screening.target.designated.v1"}]
    messages = document["components"]["messages"]
    assert set(messages) == {s.type for s in casework + received}
    planned = messages[MeasurePlanned.event_type]
    assert planned["payload"]["properties"]["type"]["const"] == MeasurePlanned.event_type
    schema = document["components"]["schemas"][planned["payload"]["properties"]["data"]["$ref"].rsplit("/", 1)[1]]
    assert set(MeasurePlanned.model_fields) <= set(schema["properties"])
    for channel in document["channels"].values():     # every reference resolves
        for ref in channel["messages"].values():
            assert ref["$ref"].removeprefix("#/components/messages/") in messages
    json.dumps(document)


def test_bulk_bodies_are_the_envelopes_publish_would_write():
    """``publish_many`` writes each body from one validated envelope's JSON: the same document, attribute for
    attribute and in the same order, as an Envelope built and dumped per event, with its own id."""
    from zhengdun.events.registry import DivisionUpserted
    from zhengdun.messaging.outbox import envelope_bodies

    divisions = [DivisionUpserted(code=code, name=name, level=level, parent_code=parent, kind=kind, revision=1)
                 for code, name, level, parent, kind in (("990102000000", "示范县", "county", "990100000000", None),
                                                          ("990102101201", "塘亭村", "village", "990102101000", "行政村"))]
    ids, types, bodies = envelope_bodies([(d, d.code) for d in divisions], source="/zhengdun/screening",
                                         actor=ACTOR, campaign_id=None)
    assert len(set(ids)) == 2 and types == [DivisionUpserted.event_type] * 2
    for division, event_id, body in zip(divisions, ids, bodies):
        sent = Envelope.model_validate_json(body)
        built = Envelope(source="/zhengdun/screening", type=DivisionUpserted.event_type, subject=division.code,
                         divisioncode=division.code, actor=ACTOR, data=division.model_dump(mode="json"))
        assert sent.id == event_id and sent.id.count("-") == 4 and sent.id[14] == "4"   # a version-4 UUID
        expected = json.loads(built.model_dump_json()) | {"id": event_id, "time": json.loads(body)["time"]}
        assert list(json.loads(body).items()) == list(expected.items())
        assert sent.actor == ACTOR and sent.payload() == division
