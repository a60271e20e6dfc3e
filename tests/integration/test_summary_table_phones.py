"""Seed 001's 后进基层党组织情况汇总表 gets its phone column from screening's register (issue 22), against the real
platform: the township imports its register, screening writes the secretary's name and phone to its own (internal)
topic through the outbox, reporting copies them into its read model, and the table shows them — the phone only to
those the register's ``cadres.personal`` rule allows. The public stream that outside platforms read carries nothing
of the register."""
from __future__ import annotations

import io
import subprocess
import time

import httpx
import pytest
from openpyxl import load_workbook

from tests.integration.helpers import topic_events
from tests.support.campaign import COUNTY, TOWNSHIP, platform_with_cases_open
from zhengdun_demo.client import auth

PHONE_COLUMN = "党组织书记联系电话"


@pytest.fixture(scope="module")
def listed():
    with platform_with_cases_open() as opened:
        yield opened


def _import(platform, csv: str) -> dict:
    response = httpx.post(f"{platform.url('screening')}/cadres/import", headers=auth("township_org"), timeout=60,
                          files={"file": ("名册.csv", csv.encode(), "text/csv")})
    assert response.status_code == 200, response.text
    return response.json()


def _summary(platform, user: str, fmt: str = "xlsx") -> httpx.Response:
    response = httpx.get(f"{platform.url('reporting')}/documents/{COUNTY}/summary", headers=auth(user),
                         params={"format": fmt}, timeout=60)
    assert response.status_code == 200, (user, response.text[:300])
    return response


def _rows(platform, user: str) -> dict[str, dict[str, str]]:
    """The table's rows by organization name: column title → cell text."""
    sheet = load_workbook(io.BytesIO(_summary(platform, user).content)).active
    rows = [[("" if c.value is None else str(c.value)) for c in row] for row in sheet.iter_rows()]
    header = next(i for i, r in enumerate(rows) if PHONE_COLUMN in r)
    titles = rows[header]
    return {r[1]: dict(zip(titles, r)) for r in rows[header + 1:] if r[0].isdigit()}


def _printed(platform, user: str) -> str:
    """The PDF's text without white space (a cell's text may wrap onto two lines)."""
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=_summary(platform, user, "pdf").content,
                          capture_output=True, check=True).stdout.decode()
    return "".join(text.split())


def _row_of(rows: dict[str, dict[str, str]], village_name: str) -> dict[str, str]:
    return rows[f"{village_name}党组织"]


def _wait_for_phone(platform, village_name: str, phone: str, timeout: float = 120) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        row = _row_of(_rows(platform, "county_org"), village_name)
        if row[PHONE_COLUMN] == phone:
            return row
        time.sleep(0.5)
    raise AssertionError(f"{village_name}: phone {phone} never reached the summary table; last row {row}")


def test_the_registers_secretary_and_phone_reach_the_summary_table_for_the_entitled_only(listed):
    platform, api = listed["platform"], listed["api"]
    first, second = listed["villages"][TOWNSHIP][:2]      # both listed (weak and lax) in the common start
    names = {d["code"]: d["name"] for d in api.all_pages("county_org", "screening", "/divisions",
                                                         {"parent": TOWNSHIP})}
    _import(platform, "\n".join([
        "区划代码,党组织名称,职务,姓名,联系电话,换届日期,星级",
        f"{first},,书记,钱书记,13811112222,2018-01-10,",
        f"{first},,委员,周委员,13833334444,2018-01-10,",
        f"{second},,书记兼主任,吴书记,0518-88887777,2018-01-10,",
    ]) + "\n")
    _wait_for_phone(platform, names[second], "0518-88887777")
    # A new revision with another phone replaces it; the members never leave screening.
    edit = {"secretary": {"name": "钱书记", "phone": "13899990000"},
            "members": [{"name": "周委员", "post": "委员", "phone": "13833334444"}], "last_election_on": "2018-01-10",
            "reason": "书记更换手机号"}
    saved = httpx.put(f"{platform.url('screening')}/cadres/{first}", json=edit, headers=auth("township_org"), timeout=30)
    assert saved.status_code == 200 and saved.json()["changed"] is True, saved.text
    row = _wait_for_phone(platform, names[first], "13899990000")
    assert row["党组织书记姓名"] == "钱书记"

    # The organization department reads the phones; the city's supervision group gets the same table, phones empty.
    hidden = _rows(platform, "supervisor")
    assert _row_of(hidden, names[first])["党组织书记姓名"] == "钱书记"
    assert _row_of(hidden, names[second])["党组织书记姓名"] == "吴书记"
    assert all(r[PHONE_COLUMN] == "" for r in hidden.values())
    assert set(hidden) == set(_rows(platform, "county_org"))

    # The printable table says the same as the workbook.
    printed, printed_hidden = _printed(platform, "county_org"), _printed(platform, "supervisor")
    assert "13899990000" in printed and "0518-88887777" in printed and "钱书记" in printed
    assert "13899990000" not in printed_hidden and "0518-88887777" not in printed_hidden and "钱书记" in printed_hidden

    # Screening's own topic carries the secretaries (name, phone, revision), never a member.
    recorded = [e for e in topic_events(platform, "screening") if e["type"] == "zhengdun.screening.cadre_secretary.recorded.v1"]
    assert sorted((e["data"]["village_code"], e["data"]["revision"], e["data"]["secretary_phone"]) for e in recorded) == [
        (first, 1, "13811112222"), (first, 2, "13899990000"), (second, 1, "0518-88887777")]
    assert not [e for e in recorded if "周委员" in str(e) or "13833334444" in str(e)]

    # The public stream (reporting's curated copies, read by outside platforms) carries no cadre data at all.
    public = topic_events(platform, "public.v1")
    assert public, "the decided list is on the public stream"
    for event in public:
        text = str(event)
        assert "cadre" not in event["type"]
        for personal in ("钱书记", "吴书记", "周委员", "13811112222", "13899990000", "0518-88887777", "13833334444"):
            assert personal not in text, (event["type"], personal)
