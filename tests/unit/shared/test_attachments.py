"""The one attachment rule of the platform (zhengdun.attachments.check_attachment): the content must be what
the name says, the size is bounded (the bound itself allowed), and the SHA-256 is of the exact bytes."""
from __future__ import annotations

import hashlib

import pytest

from zhengdun.attachments import ALLOWED_TYPES, MAX_ATTACHMENT_BYTES, AttachmentRefused, check_attachment
from zhengdun.problems import refusal_problem
from zhengdun.refusals import Kind

PDF = b"%PDF-1.7 signed application"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 16
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 16
DOCX = b"PK\x03\x04" + b"\x00" * 16


def refusal(filename: str, content: bytes, **kwargs) -> AttachmentRefused:
    with pytest.raises(AttachmentRefused) as caught:
        check_attachment(filename, content, **kwargs)
    return caught.value


@pytest.mark.parametrize("name, content, content_type", [
    ("会议纪要.pdf", PDF, "application/pdf"), ("公示照片.PNG", PNG, "image/png"), ("现场.jpg", JPG, "image/jpeg"),
    ("现场.jpeg", JPG, "image/jpeg"), ("走访.mp4", MP4, "video/mp4"), ("报告.docx", DOCX, ALLOWED_TYPES["docx"][0]),
])
def test_the_type_is_sniffed_from_the_content_and_the_hash_is_of_the_bytes(name, content, content_type):
    checked = check_attachment(name, content)
    assert checked.content_type == content_type and checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest() and checked.filename == name


@pytest.mark.parametrize("claimed, content", [("photo.png", PDF), ("minutes.pdf", PNG), ("photo.jpg", PNG),
                                              ("video.mp4", PDF), ("report.docx", PDF), ("scan.pdf", b"MZ\x90\x00")])
def test_a_claimed_type_the_content_does_not_have_is_refused_as_unsupported(claimed, content):
    refused_file = refusal(claimed, content)
    assert (refused_file.code, refused_file.kind) == ("evidence-content-mismatch", Kind.UNSUPPORTED_TYPE)


@pytest.mark.parametrize("name", ["script.exe", "notes.txt", "no-extension", "", "archive.pdf.zip"])
def test_a_type_outside_the_list_is_refused_as_unsupported(name):
    refused_file = refusal(name, PDF)
    assert (refused_file.code, refused_file.kind) == ("evidence-type", Kind.UNSUPPORTED_TYPE)


def test_an_empty_file_is_refused():
    assert (refusal("a.pdf", b"").code, refusal("a.pdf", b"").kind) == ("evidence-empty", Kind.INVALID)


@pytest.mark.parametrize("size, allowed", [(99, True), (100, True), (101, False)])
def test_the_maximum_size_itself_is_allowed_one_byte_more_is_not(size, allowed):
    content = b"%PDF-" + b"x" * (size - 5)
    if allowed:
        assert check_attachment("a.pdf", content, max_bytes=100).size == size
    else:
        refused_file = refusal("a.pdf", content, max_bytes=100)
        assert (refused_file.code, refused_file.kind, refused_file.details["size"]) == ("evidence-too-large", Kind.TOO_LARGE, 101)


def test_the_platform_bound_is_20_mb_exactly():
    at_bound = b"%PDF-" + b"\x00" * (MAX_ATTACHMENT_BYTES - 5)
    assert check_attachment("big.pdf", at_bound).size == MAX_ATTACHMENT_BYTES == 20 * 1024 * 1024
    assert refusal("big.pdf", at_bound + b"\x00").kind is Kind.TOO_LARGE


def test_a_refusal_answers_as_problem_json_naming_the_file_field():
    problem = refusal_problem(refusal("photo.png", PDF))
    body = problem.body()
    assert problem.status == 415 and body["type"] == "/problems/evidence-content-mismatch"
    assert body["errors"][0]["field"] == "body.file" and "文件" in body["title"]


def test_a_name_keeps_no_control_characters_and_is_bounded():
    assert check_attachment("纪要\x00\n.pdf", PDF).filename == "纪要.pdf"
    assert check_attachment("a" * 251 + ".pdf", PDF).filename.endswith(".pdf")
    assert refusal("a" * 252 + ".pdf", PDF).code == "evidence-name-too-long"


def test_a_download_is_saved_under_the_files_own_name():
    from types import SimpleNamespace
    from urllib.parse import unquote

    from zhengdun.attachments import download
    row = SimpleNamespace(file_id="f1", filename="党委会纪要 8月.pdf", content=b"%PDF", content_type="application/pdf",
                          sha256="ab")
    response = download(row)
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="f1.pdf"; ')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "党委会纪要 8月.pdf"
    assert response.headers["x-content-sha256"] == "ab" and response.body == b"%PDF"


def test_a_generated_file_keeps_its_chinese_name_and_an_ascii_fallback():
    from urllib.parse import unquote

    from zhengdun.responses import file_response
    disposition = file_response(b"x", "text/csv", "台账-990102101203.xlsx").headers["content-disposition"]
    assert disposition.startswith('attachment; filename="990102101203.xlsx"; ')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "台账-990102101203.xlsx"
    assert 'filename="download"' in file_response(b"x", "text/csv", "汇总表").headers["content-disposition"]
