"""The public copies carry no personal data; the contract covers them; documents render (no infrastructure)."""
from __future__ import annotations

import io
import json
from datetime import date

from openpyxl import load_workbook

from reporting.documents import Document, Table, to_pdf, to_xlsx
from reporting.public import PUBLIC_MODELS, asyncapi_document, to_public
from zhengdun.events import acceptance as acc
from zhengdun.events import casework as cw
from zhengdun.events import screening as scr
from zhengdun.events.base import all_specs

REF = {"case_id": "case-1", "campaign_id": "c1", "village_code": "990102101201", "township_code": "990102101000",
       "county_code": "990102000000"}
VREF = REF | {"acceptance_id": "a-1"}


def test_every_public_internal_event_of_a_village_has_a_stripped_public_copy():
    internal = [
        scr.TargetDesignated(campaign_id="c1", village_code="990102101201", township_code="990102101000",
                             county_code="990102000000", category=scr.ListCategory.LAGGING, criteria_met=("c01",),
                             decision_number="常委〔2020〕8号", designated_on=date(2020, 8, 20), policy_version=1),
        scr.TargetRemoved(campaign_id="c1", village_code="990102101201", county_code="990102000000",
                          reason=scr.RemovalReason.DELISTED, reference="evt-1", removed_on=date(2021, 3, 5)),
        cw.CasePhaseChanged(**REF, phase=cw.CasePhase.CONTINUED, changed_on=date(2021, 5, 10), reason="张三未完成任务"),
        acc.AcceptanceFailed(**VREF, step=acc.AcceptanceStep.SURVEY, failed_on=date(2021, 1, 1), reason="张三赌博"),
        acc.VillageAccepted(**VREF, accepted_on=date(2021, 2, 1)),
        acc.VillageDelisted(**VREF, delisted_on=date(2021, 3, 5), post_evaluation_due=date(2021, 6, 5)),
        acc.PostEvaluated(**VREF, evaluated_on=date(2021, 6, 7), relapsed=True, reason="张三复发"),
    ]
    for payload in internal:
        public, key = to_public(payload)
        assert key == "990102101201"
        text = public.model_dump_json()
        assert "张三" not in text and "case-1" not in text and "a-1" not in text
        assert type(public) in PUBLIC_MODELS


def test_internal_only_events_have_no_public_copy():
    visit = cw.VisitRecorded(**REF, visit_id="v1", leader_name="张三", visited_on=date(2020, 9, 1), talked_with_team=True,
                             talked_with_village_cadres=True, talked_with_key_persons=True)
    assert to_public(visit) is None


def test_public_models_have_no_field_that_could_carry_a_person():
    forbidden = {"name", "phone", "user_id", "evidence", "leader", "responsible", "members", "note", "title", "actor"}
    for model in PUBLIC_MODELS:
        assert not set(model.model_fields) & forbidden, model.__name__


def test_asyncapi_lists_every_public_reporting_event_with_its_schema():
    document = asyncapi_document("p.zhengdun.public.v1", "kafka:9093")
    assert document["asyncapi"] == "3.0.0"
    public_types = {s.type for s in all_specs() if s.service == "reporting" and s.public}
    messages = document["components"]["messages"]
    assert set(messages) == public_types
    for message in messages.values():
        schema = message["payload"]["properties"]["data"]["$ref"].removeprefix("#/components/schemas/")
        assert schema == message["name"] and schema in document["components"]["schemas"]
        assert message["payload"]["properties"]["actorid"] == {"type": "null", "description": "never set on the public stream"}
    assert [c["address"] for c in document["channels"].values()] == ["p.zhengdun.public.v1"]
    assert set(document["channels"]["public"]["messages"]) == public_types
    json.dumps(document)  # serializable as is


DOCUMENT = Document(title="后进基层党组织情况汇总表", filename="t", header=["填表单位：示范县"],
                    paragraphs=["截至2020年12月31日，在册整顿对象 3 个。"],
                    tables=[Table(["序号", "党组织名称", "主要问题"], [[1, "一村党组织", "书记不胜任现职"], [2, "二村党组织", ""]],
                                  [1, 3, 6])], notes=["联系电话由填表单位填写。"])


def test_xlsx_holds_the_title_header_columns_and_rows():
    sheet = load_workbook(io.BytesIO(to_xlsx(DOCUMENT))).active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert values[0] == "后进基层党组织情况汇总表"
    assert "填表单位：示范县" in values and "主要问题" in values and "书记不胜任现职" in values


def test_pdf_embeds_a_cjk_font():
    pdf = to_pdf(DOCUMENT)
    assert pdf.startswith(b"%PDF") and b"FontFile2" in pdf   # a TrueType font program is embedded
