"""The first real flow: import divisions into screening, every service keeps an equal copy."""
from __future__ import annotations

import io

import httpx
from openpyxl import Workbook

from tests.integration.helpers import all_copies_agree, import_csv, summary, wait_for
from zhengdun_demo.client import auth
from zhengdun_demo.synthetic import CSV_HEADER, generate_province, to_csv

DEMO = generate_province(cities=1, counties_per_city=3, townships_per_county=10, villages_per_township=25)


def _demo_loaded(platform):
    response = import_csv(platform, to_csv(DEMO))
    assert response.status_code == 200, response.text
    wait_for(lambda: all_copies_agree(platform), what="all division copies to agree")
    return response.json()


def test_import_round_trip_and_every_copy_agrees(platform):
    first = _demo_loaded(platform)
    registry = summary(platform, "screening", user="city_org")  # the demo city 990100000000
    assert registry["counts"]["township"] == 30 and registry["counts"]["county"] == 3 and registry["counts"]["city"] == 1
    assert registry["counts"]["village"] >= 750  # other tests may add villages to it
    assert first["rows"] == len(DEMO)

    # Importing the same file again changes nothing and publishes nothing.
    again = import_csv(platform, to_csv(DEMO)).json()
    assert again == {"rows": len(DEMO), "created": 0, "updated": 0, "unchanged": len(DEMO)}

    # A rename is a new revision, and reaches every copy.
    village = DEMO[-1]
    csv = ",".join(CSV_HEADER) + f"\n{village.code},改名后村,{village.parent_code},行政村\n"
    assert import_csv(platform, csv).json()["updated"] == 1
    for service in ("casework", "supervision", "acceptance", "reporting"):
        wait_for(lambda: httpx.get(f"{platform.url(service)}/divisions/{village.code}",
                                   headers=auth("province_org")).json().get("name") == "改名后村",
                 what=f"{service} to see the rename")
    assert all_copies_agree(platform)


def test_xlsx_import(platform):
    _demo_loaded(platform)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["code", "name", "parent_code", "kind"])
    # A subtree of its own, city 9908 (other tests count the demo city's villages), codes typed as numbers.
    sheet.append([990800000000, "表格新市", 990000000000, None])
    sheet.append([990801000000, "表格新县", 990800000000, None])
    sheet.append([990801101000, "表格新镇", 990801000000, None])
    sheet.append([990801101201, "表格新村", 990801101000, "行政村"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = httpx.post(f"{platform.url('screening')}/divisions/import", headers=auth("province_org"),
                          files={"file": ("new.xlsx", buffer.getvalue(),
                                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")})
    assert response.status_code == 200, response.text
    assert response.json()["created"] == 4
    wait_for(lambda: httpx.get(f"{platform.url('reporting')}/divisions/990801101201",
                               headers=auth("province_org")).status_code == 200, what="the xlsx village in reporting")


def test_a_bad_file_is_rejected_whole_with_row_numbers(platform):
    _demo_loaded(platform)
    before = summary(platform, "screening")
    csv = "\n".join([
        ",".join(CSV_HEADER),
        "990102101280,好的新村,990102101000,行政村",    # row 2: fine on its own
        "99010210128,短代码村,990102101000,行政村",      # row 3: malformed code
        "990102150281,无上级村,,行政村",                 # row 4: unknown parent township 990102150000
        "990102101282,错上级村,990103101000,行政村",     # row 5: parent contradicts the prefix
        "990102101280,重复村,990102101000,行政村",       # row 6: duplicate of row 2
        "990102101283,,990102101000,行政村",             # row 7: no name
    ]) + "\n"
    response = import_csv(platform, csv)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"] == "/problems/division-import-rejected"
    rows = {e["row"]: e["field"] for e in body["errors"]}
    assert rows == {3: "code", 4: "parent_code", 5: "parent_code", 6: "code", 7: "name"}
    assert body["error_count"] == 5
    assert summary(platform, "screening") == before  # nothing changed
    assert httpx.get(f"{platform.url('screening')}/divisions/990102101280",
                     headers=auth("province_org")).status_code == 404


def test_import_is_authorized_and_scoped(platform):
    _demo_loaded(platform)
    csv = ",".join(CSV_HEADER) + "\n990103101277,越权村,990103101000,行政村\n"
    # A county may import only inside its own county.
    response = import_csv(platform, csv, user="county_org")  # county_org is 990102000000
    assert response.status_code == 422
    assert "不在您的辖区" in response.json()["errors"][0]["message"]
    # A work-team member may not import at all.
    response = import_csv(platform, csv, user="team_member")
    assert response.status_code == 403 and response.json()["type"] == "/problems/forbidden"
    # Unreadable and empty files are 4xx problems, not crashes.
    response = httpx.post(f"{platform.url('screening')}/divisions/import", headers=auth("province_org"),
                          files={"file": ("x.pdf", b"%PDF-1.4 nonsense", "application/pdf")})
    assert response.status_code == 422 and response.json()["type"] == "/problems/unreadable-file"


def test_lists_are_scoped_to_the_callers_subtree_and_paginated(platform):
    _demo_loaded(platform)
    page = httpx.get(f"{platform.url('casework')}/divisions", params={"level": "village", "size": 100, "page": 2},
                     headers=auth("township2_org")).json()  # township 990102102000: 25 villages
    assert page["total"] == 25 and page["items"] == []
    page = httpx.get(f"{platform.url('casework')}/divisions", params={"level": "village", "size": 10, "page": 3},
                     headers=auth("township2_org")).json()
    assert len(page["items"]) == 5 and all(i["code"].startswith("990102102") for i in page["items"])
    outside = httpx.get(f"{platform.url('casework')}/divisions/990103101201", headers=auth("township2_org"))
    assert outside.status_code == 403
    bad = httpx.get(f"{platform.url('casework')}/divisions", params={"size": 10000}, headers=auth("township2_org"))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "query.size"
