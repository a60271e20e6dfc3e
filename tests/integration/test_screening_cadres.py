"""The register of organizations and cadres (issue 22), against the real platform: township staff import it as
CSV or XLSX and edit an entry (each change a new revision), a bad file is refused whole with its rows and fields,
readers see phones and members' names only where entitled, and an overdue election suggests criterion 1."""
from __future__ import annotations

import io
from datetime import datetime

import httpx
from openpyxl import Workbook

from tests.integration.helpers import set_clock, topic_events
from zhengdun_demo.client import auth

V201, V202, V203 = "990102101201", "990102101202", "990102101203"   # township_org's 990102101000
V2_201 = "990102102201"                                            # township2_org's 990102102000
TOWNSHIP = "990102101000"
HEADER = "区划代码,党组织名称,职务,姓名,联系电话,换届日期,星级"
TODAY = "2021-03-01"
CSV = "\n".join([
    HEADER,
    f"{V201},一村党支部,书记,张书记,13812345678,2015-01-10,二星",   # the term ended 2020-01-10: overdue
    f"{V201},,副书记,李副书记,,,",
    f"{V201},,委员,王委员,0518-88881234,2015-01-10,2",
    f"{V202},二村党总支,书记兼主任,赵书记,13912345678,2018/1/10,五星",
]) + "\n"


def _url(platform, path: str = "") -> str:
    return f"{platform.url('screening')}/cadres{path}"


def _import(platform, content: bytes, filename: str = "名册.csv", user: str = "township_org") -> httpx.Response:
    media = "text/csv" if filename.endswith(".csv") else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return httpx.post(_url(platform, "/import"), headers=auth(user), files={"file": (filename, content, media)},
                      timeout=60)


def _get(platform, path: str, user: str, **params) -> httpx.Response:
    return httpx.get(_url(platform, path), headers=auth(user), params=params, timeout=30)


def _imported(platform):
    set_clock(platform, TODAY)
    response = _import(platform, CSV.encode())
    assert response.status_code == 200, response.text
    return response.json()


def test_a_csv_import_and_who_reads_what(platform, demo):
    result = _imported(platform)
    assert result["rows"] == 4 and result["villages"] == 2
    assert result["revised"] + result["unchanged"] == 2
    assert _import(platform, CSV.encode()).json() == {"rows": 4, "villages": 2, "revised": 0, "unchanged": 2}

    # The township itself and the organization departments above see phones and members' names.
    for user in ("township_org", "county_org", "city_org", "province_org"):
        entry = _get(platform, f"/{V201}", user).json()
        assert entry["personal_data_shown"] is True, user
        assert entry["secretary"] == {"name": "张书记", "post": "书记", "phone": "13812345678"}
        assert [(m["name"], m["post"], m["phone"]) for m in entry["members"]] == [
            ("李副书记", "副书记", None), ("王委员", "委员", "0518-88881234")]
        assert entry["organization_name"] == "一村党支部" and entry["star_rating"] == 2 and entry["star_label"] == "二星"
        assert entry["village_name"] and entry["source"] == "import"

    # The supervision group reads the register without personal data; the village's own team sees its village only.
    for user, code in (("supervisor", V201), ("team_member", V201), ("village_secretary", V201)):
        entry = _get(platform, f"/{code}", user).json()
        assert entry["personal_data_shown"] is False, user
        assert entry["secretary"] == {"name": "张书记", "post": "书记", "phone": None}
        assert [(m["name"], m["phone"]) for m in entry["members"]] == [(None, None), (None, None)]
        assert entry["last_election_on"] == "2015-01-10"
    for user, path, params in (("team_member", f"/{V202}", {}), ("township2_org", f"/{V201}", {}),
                               ("township2_org", "", {"under": TOWNSHIP}), ("county2_org", f"/{V201}", {}),
                               ("review_discipline", f"/{V201}", {}), ("review_discipline", "", {})):
        refused = _get(platform, path, user, **params)
        assert refused.status_code == 403, (user, path, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")

    # Lists are the caller's subtree, paginated.
    page = _get(platform, "", "county_org", under=TOWNSHIP, size=1).json()
    assert page["total"] == 2 and [e["village_code"] for e in page["items"]] == [V201]
    assert _get(platform, "", "county_org", under=TOWNSHIP, size=1, page=2).json()["items"][0]["village_code"] == V202
    assert _get(platform, "", "team_member").json()["total"] == 1
    assert all(e["village_code"].startswith("990102102") for e in _get(platform, "", "township2_org").json()["items"])
    assert _get(platform, f"/{V203}", "township_org").status_code == 404

    # Only the secretaries leave screening (its internal topic, for seed 001's summary table): never the members.
    published = [e for e in topic_events(platform, "screening") if "cadre" in e["type"]]
    assert {(e["data"]["village_code"], e["data"]["secretary_name"]) for e in published} == {(V201, "张书记"), (V202, "赵书记")}
    assert {e["type"] for e in published} == {"zhengdun.screening.cadre_secretary.recorded.v1"}
    assert not [e for e in published if "李副书记" in str(e) or "王委员" in str(e) or "0518-88881234" in str(e)]


def test_an_xlsx_import_with_typed_cells(platform, demo):
    set_clock(platform, TODAY)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["区划代码", "职务", "姓名", "联系电话", "换届日期", "星级"])
    sheet.append([int(V2_201), "书记", "孙书记", 13712345678, datetime(2020, 12, 20), 4])
    sheet.append([int(V2_201), "委员", "周委员", None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _import(platform, buffer.getvalue(), "名册.xlsx", user="township2_org")
    assert response.status_code == 200, response.text
    assert response.json()["villages"] == 1
    entry = _get(platform, f"/{V2_201}", "township2_org").json()
    assert entry["secretary"]["phone"] == "13712345678" and entry["last_election_on"] == "2020-12-20"
    assert entry["star_rating"] == 4 and entry["election_due_on"] == "2025-12-20" and not entry["election_overdue"]
    assert [m["name"] for m in entry["members"]] == ["周委员"]


def test_a_bad_file_is_refused_whole_with_rows_and_fields(platform, demo):
    set_clock(platform, TODAY)
    csv = "\n".join([
        HEADER,
        f"{V203},,书记,好书记,13812345678,2019-05-01,",       # 2: fine on its own
        f"{V203},,委员,坏电话,12345,,",                         # 3: phone
        f"{V2_201},,书记,外镇书记,13812345678,2019-05-01,",    # 4: another township's village
        f"{TOWNSHIP},,书记,乡镇,13812345678,2019-05-01,",      # 5: not a village
        "990102101299,,书记,无此村,13812345678,2019-05-01,",   # 6: not in the registry
        f"{V203},,委员,未来,,2021-03-02,六星",                  # 7: election in the future, star out of range
    ]) + "\n"
    response = _import(platform, csv.encode())
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"] == "/problems/cadre-import-rejected" and body["error_count"] == 6
    assert {(e["row"], e["field"]) for e in body["errors"]} == {
        (3, "phone"), (4, "code"), (5, "code"), (6, "code"), (7, "last_election_on"), (7, "star_rating")}
    assert all(e["message"] and e["column"] for e in body["errors"])
    assert _get(platform, f"/{V203}", "township_org").status_code == 404  # nothing stored, not even row 2

    missing = _import(platform, "区划代码,姓名\n".encode())
    assert missing.status_code == 422 and {e["column"] for e in missing.json()["errors"]} == {"职务", "联系电话", "换届日期"}
    unreadable = _import(platform, b"%PDF-1.4", "x.pdf")
    assert unreadable.status_code == 422 and unreadable.json()["type"] == "/problems/unreadable-file"
    too_large = _import(platform, (HEADER + "\n").encode() + b" " * (5 * 1024 * 1024 + 1))
    assert too_large.status_code == 413 and too_large.json()["type"] == "/problems/file-too-large"
    for user in ("team_member", "county_org", "supervisor"):
        refused = _import(platform, CSV.encode(), user=user)
        assert refused.status_code == 403 and refused.json()["type"] == "/problems/forbidden", user


def test_an_edit_is_a_new_revision_and_the_history_is_kept(platform, demo):
    _imported(platform)
    before = _get(platform, f"/{V202}", "township_org").json()
    edit = {"organization_name": "二村党总支", "secretary": {"name": "赵书记", "phone": "139 1234 0000"},
            "members": [{"name": "钱委员", "post": "委员", "phone": "(0518)88880000"}],
            "last_election_on": "2018-01-10", "star_rating": 5, "reason": "书记更换手机号，新增委员"}
    saved = httpx.put(_url(platform, f"/{V202}"), json=edit, headers=auth("township_org"), timeout=30)
    assert saved.status_code == 200, saved.text
    assert saved.json()["changed"] is True
    entry = saved.json()["entry"]
    assert entry["revision"] == before["revision"] + 1 and entry["source"] == "edit"
    assert entry["secretary"]["phone"] == "13912340000" and entry["members"][0]["phone"] == "0518-88880000"
    assert entry["reason"] == "书记更换手机号，新增委员" and entry["recorded_by"]

    again = httpx.put(_url(platform, f"/{V202}"), json=edit, headers=auth("township_org"), timeout=30).json()
    assert again["changed"] is False and again["entry"]["revision"] == entry["revision"]

    history = _get(platform, f"/{V202}/revisions", "county_org").json()
    assert [r["revision"] for r in history["items"]][:2] == [entry["revision"], before["revision"]]
    assert history["items"][1]["secretary"]["phone"] == "13912345678"   # the earlier revision, as it was
    hidden = _get(platform, f"/{V202}/revisions", "supervisor").json()
    assert all(r["secretary"]["phone"] is None for r in hidden["items"])

    bad = httpx.put(_url(platform, f"/{V202}"), json={**edit, "secretary": {"name": "赵书记", "phone": "110"},
                                                       "last_election_on": "2021-03-02"},
                    headers=auth("township_org"), timeout=30)
    assert bad.status_code == 422 and bad.json()["type"] == "/problems/cadre-entry-rejected"
    assert {e["field"] for e in bad.json()["errors"]} == {"body.secretary.phone", "body.last_election_on"}
    other = httpx.put(_url(platform, f"/{V202}"), json=edit, headers=auth("township2_org"), timeout=30)
    assert other.status_code == 403
    assert _get(platform, f"/{V202}", "township_org").json()["revision"] == entry["revision"]


def test_an_overdue_election_is_suggested_for_criterion_1(platform, demo):
    _imported(platform)
    overdue = _get(platform, "", "county_org", under=TOWNSHIP, overdue="true").json()
    assert [e["village_code"] for e in overdue["items"]] == [V201]
    entry = overdue["items"][0]
    assert entry["election_overdue"] is True and entry["election_due_on"] == "2020-01-10"
    assert "逾期" in entry["election_overdue_reason"]
    assert [e["village_code"] for e in _get(platform, "", "county_org", under=TOWNSHIP, overdue="false").json()["items"]] \
        == [V202]

    opened = httpx.post(f"{platform.url('screening')}/campaigns", headers=auth("city_org"), timeout=30,
                        json={"name": "名册提示测试", "area_code": "990100000000", "opened_on": "2021-02-01"})
    assert opened.status_code == 201, opened.text
    view = httpx.get(f"{platform.url('screening')}/campaigns/{opened.json()['campaign_id']}/rounds/R1/townships/{TOWNSHIP}",
                     headers=auth("township_org"), timeout=30)
    assert view.status_code == 200, view.text
    suggested = {s["village_code"]: s for s in view.json()["suggested_findings"]}
    assert V201 in suggested and V202 not in suggested
    assert suggested[V201]["criterion_code"] == "election_overdue"
    assert suggested[V201]["criterion_label"] == "未按期完成村“两委”换届选举"
    assert "2020-01-10" in suggested[V201]["reason"]
