"""The printed acceptance documents: content, signatures (name, role, time), seals and the verification code (no infrastructure)."""
from __future__ import annotations

import subprocess
from datetime import date, datetime, timedelta, timezone

from acceptance.domain import signing
from acceptance.printable import SealLine, SignatureLine, printable, role_label, verification_code
from zhengdun.printing import to_pdf

CHINA = timezone(timedelta(hours=8))
CONTENT = {"kind": "preliminary_report", "title": "乡镇初验报告", "acceptance_id": "a-1", "case_id": "case-1",
           "campaign_id": "c1", "village_code": "990102101201", "village_name": "一村", "round": 1,
           "inspection_group": ["王初验", "李初验"], "passed": True, "conclusion": "同意摘帽",
           "meeting": {"held_on": "2021-03-01", "attendees": ["乡镇党委书记"], "minutes": "集体研究 <同意> & 摘帽"},
           "report": "经初验，该村可以摘帽。", "self_check_total": "85"}


def text_of(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def test_the_printed_report_shows_content_signatures_seal_and_verification_code():
    text = signing.canonical_text(CONTENT)
    digest = signing.digest(text)
    page = printable(document_id="0f4c2d9e-1111-2222-3333-444455556666", kind="preliminary_report", content=CONTENT,
                     content_sha256=digest, created_on=date(2021, 3, 1), verify_path="/documents/0f4c2d9e/verify",
                     signatures=[SignatureLine("张书记", "township_principal", "示范镇", datetime(2021, 3, 1, 9, 30, tzinfo=CHINA))],
                     seals=[SealLine("示范镇", "key-1", datetime(2021, 3, 1, 9, 31, tzinfo=CHINA))])
    pdf = to_pdf(page)
    assert pdf.startswith(b"%PDF") and b"FontFile2" in pdf
    printed = text_of(pdf).replace(" ", "")
    for expected in ("乡镇初验报告", "一村", "王初验、李初验", "同意摘帽", "集体研究<同意>&摘帽",
                     "张书记", "乡镇党委书记", "2021年3月1日09:30", "示范镇", "2021年3月1日09:31",
                     verification_code("0f4c2d9e-1111-2222-3333-444455556666", digest), "/documents/0f4c2d9e/verify",
                     "0f4c2d9e-1111-2222-3333-444455556666"):
        assert expected in printed, expected


def test_verification_code_is_the_start_of_the_digest_and_roles_print_in_chinese():
    assert verification_code("d", "ab12cd34ef56ab78" + "0" * 48) == "AB12-CD34-EF56-AB78"
    assert role_label("work_team_leader") == "整顿工作队队长" and role_label("village_secretary") == "村党组织书记"
    assert role_label("review_audit") == "审计（联审部门）" and role_label("county_secretary") == "县委书记"
