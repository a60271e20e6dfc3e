"""One way to refuse: every kind of refusal answers with its status and title, the code as the stable type, the
message in Chinese (with the English), the field it names and its details; no refusal anywhere in the services
passes a detail that would clash with the problem's own members."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from zhengdun.attachments import AttachmentRefused
from zhengdun.problems import refusal_problem
from zhengdun.refusals import Kind, NotPermitted, OutOfOrder, RuleViolation, UnknownItem

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("refusal, status", [
    (RuleViolation("measure-deadline", "整改措施须有时限", "a measure needs a deadline", field="deadline"), 422),
    (OutOfOrder("period-reported", "本期已报送", "already reported", field=None, period_start="2020-09-01"), 409),
    (UnknownItem("campaign-unknown", "整顿工作 C1 不存在", "no campaign C1"), 404),
    (NotPermitted("wrong-body", "由县委常委会记录"), 403),
])
def test_each_kind_answers_with_its_status_code_message_field_and_details(refusal, status):
    body = refusal_problem(refusal).body("/x")
    assert body["status"] == status and body["type"] == f"/problems/{refusal.code}" and body["instance"] == "/x"
    assert body["detail"].startswith(refusal.message_zh)
    assert (refusal.message_en in body["detail"]) if refusal.message_en else body["detail"] == refusal.message_zh
    assert body.get("field") == refusal.field
    assert all(body[k] == v for k, v in refusal.details.items())


def test_the_kinds_of_files_refused_have_their_own_statuses():
    too_large = AttachmentRefused("evidence-too-large", Kind.TOO_LARGE, "文件过大", "too large")
    wrong_type = AttachmentRefused("evidence-type", Kind.UNSUPPORTED_TYPE, "类型不符", "wrong type")
    assert (refusal_problem(too_large).status, refusal_problem(wrong_type).status) == (413, 415)


RESERVED = {"status", "slug", "title", "detail", "instance", "type"}
REFUSALS = {"RuleViolation", "OutOfOrder", "UnknownItem", "NotPermitted", "Refusal", "AttachmentRefused"}


def test_no_refusal_in_the_code_passes_a_detail_named_like_a_member_of_the_problem():
    clashes = []
    for path in [*ROOT.glob("services/*/*/**/*.py"), *ROOT.glob("shared/zhengdun/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in REFUSALS:
                clashes += [f"{path.relative_to(ROOT)}:{node.lineno} {k.arg}" for k in node.keywords if k.arg in RESERVED]
    assert clashes == []
