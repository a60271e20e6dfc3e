"""Organizations that are not villages on the real parts (seed 003 篇三, issue 22).

A county imports its non-public enterprises (非公企业) and a social organization (社会组织) by their 统一社会信用代码;
each gets a fixed code under its township (600–999 of the village part) and reaches every service's copy of the
registry. A township's campaign that names no kinds leaves them out. A city campaign naming all four kinds screens
them: a township assesses and submits, the county decides a list with an enterprise and the social organization on
it, casework opens their cases, and reporting counts them under their kinds. The same file again changes nothing, a
renamed enterprise keeps its code, and a file with a bad credit code is refused whole with the row named."""
from __future__ import annotations

import io

import httpx
from openpyxl import load_workbook

from tests.integration.helpers import import_csv, wait_for
from tests.integration.test_campaign_levels import assess, create_user, on
from tests.integration.test_screening_support import Caller, is_problem, prepare_and_submit, set_clock

CITY = "990300000000"                          # a city of its own on the scratch platform
COUNTY = "990301000000"
T1, T2 = "990301101000", "990301102000"
COMMUNITY = "990301101001"
T1_VILLAGES = ["990301101201", "990301101202"]
T2_VILLAGES = ["990301102201", "990301102202"]
DIVISIONS = "\n".join(["区划代码,名称,上级代码,城乡分类", "990000000000,示范省,,", f"{CITY},示范三市,990000000000,",
                       f"{COUNTY},三市一县,{CITY},", f"{T1},甲镇,{COUNTY},", f"{T2},乙镇,{COUNTY},",
                       f"{COMMUNITY},甲镇社区,{T1},社区"]
                      + [f"{v},{v[-3:]}村,{v[:9]}000,行政村" for v in T1_VILLAGES + T2_VILLAGES]) + "\n"

# Credit codes with a correct check character (GB 32100-2015).
FIRST, SECOND, SOCIETY, ANOTHER = "91130301MA0000001T", "91130301MA0000002X", "51130301MJ0000003M", "91130301MA00000044"
HEADER = "统一社会信用代码,名称,类型,所属乡镇（街道）代码"
ORGANIZATIONS = "\n".join([HEADER, f"{FIRST},甲科技有限公司,非公企业,{T1}",
                           f"{SECOND},乙制造有限公司,非公企业,{COMMUNITY}",      # under the community's township
                           f"{SOCIETY},乙镇商会,社会组织,{T2}"]) + "\n"
# Their codes: the first free ones from 600 under each township, in the file's order.
FIRST_CODE, SECOND_CODE, SOCIETY_CODE = "990301101600", "990301101601", "990301102600"


def import_organizations(platform, user: Caller, csv_text: str) -> httpx.Response:
    return httpx.post(f"{platform.url('screening')}/organizations/import", headers=user.headers(),
                      files={"file": ("organizations.csv", csv_text.encode(), "text/csv")}, timeout=60)


def test_enterprises_and_social_organizations_are_imported_screened_and_counted(scratch_platform):
    platform = scratch_platform
    set_clock(platform, "2020-09-01")
    assert import_csv(platform, DIVISIONS).status_code == 200
    province = Caller(platform, "province_org")
    city_org = create_user(platform, province, "c3org", CITY, ["org_staff"])
    county_org = create_user(platform, city_org, "c301org", COUNTY, ["org_staff"])
    committee = create_user(platform, city_org, "c301sc", COUNTY, ["standing_committee"])
    first = create_user(platform, county_org, "t301a", T1, ["org_staff", "township_committee"])
    second = create_user(platform, county_org, "t301b", T2, ["org_staff", "township_committee"])

    # Only those who import divisions import organizations: a township may not.
    is_problem(import_organizations(platform, first, ORGANIZATIONS), 403)

    # A bad credit code refuses the whole file, the row named, nothing imported.
    bad = "\n".join([HEADER, f"{ANOTHER},丁有限公司,非公企业,{T1}", f"91130301MA00000045,戊有限公司,非公企业,{T2}",
                     f"{SOCIETY},己协会,社团,{T2}"]) + "\n"
    refused = is_problem(import_organizations(platform, county_org, bad), 422)
    assert {(e["row"], e["field"]) for e in refused["errors"]} == {(3, "uscc"), (4, "kind")}, refused
    assert "校验码错误" in refused["errors"][0]["message"] and refused["error_count"] == 2
    assert county_org.get(f"/divisions/{FIRST_CODE}").status_code == 404

    # The file: three organizations, each a village-level code under its township, in every service's copy.
    imported = import_organizations(platform, county_org, ORGANIZATIONS)
    assert imported.status_code == 200, imported.text
    assert imported.json() == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0}
    for service in ("casework", "acceptance", "supervision", "reporting"):
        wait_for(lambda s=service: on(county_org, platform, s).get(f"/divisions/{SOCIETY_CODE}").status_code == 200,
                 what=f"the social organization in {service}'s copy")
    entry = on(county_org, platform, "casework").get(f"/divisions/{SECOND_CODE}").json()
    assert (entry["name"], entry["parent_code"], entry["kind"]) == ("乙制造有限公司", T1, "非公企业"), entry
    # A township's special action (seed 004) pilots villages and communities, never an enterprise: refused, nothing kept.
    action = {"township_code": T1, "name": "党群服务中心提档升级专项行动", "starts_on": "2020-09-01", "ends_on": "2021-08-31",
              "pilot_villages": [T1_VILLAGES[0], FIRST_CODE],
              "items": [{"project": "合理优化功能布局", "requirement": "室内外功能布局系统优化",
                         "time_node": "10月底", "due_on": "2020-10-31", "responsible_name": "徐金亮"}]}
    keeper = on(first, platform, "supervision")
    assert is_problem(keeper.post("/special-actions", action), 422)["type"] == "/problems/pilot-not-a-village"
    assert keeper.get("/special-actions", unit=T1).json()["total"] == 0
    # The same file again changes nothing.
    again = import_organizations(platform, county_org, ORGANIZATIONS)
    assert again.json() == {"rows": 3, "created": 0, "updated": 0, "unchanged": 3}, again.text

    # A township's campaign naming no kinds screens its villages only: never the social organization.
    own = second.post("/campaigns", {"name": "乙镇整顿", "area_code": T2, "opened_on": "2020-06-01"})
    assert own.status_code == 201, own.text
    tid = own.json()["campaign_id"]
    assert second.get(f"/campaigns/{tid}/rounds/R1/townships/{T2}").json()["missing_village_codes"] == T2_VILLAGES
    township_figures = on(second, platform, "reporting")
    wait_for(lambda: township_figures.get(f"/figures/{T2}", date="2020-06-30").json()["figures"]["villages_in_campaign"] == 2,
             what="the kinds-less campaign's villages in reporting")
    assert set(township_figures.get(f"/figures/{T2}", date="2020-06-30").json()["figures"]["by_kind"]) == {"行政村"}

    # Seed 003: the city's campaign over villages, communities, enterprises and social organizations.
    opened = city_org.post("/campaigns", {"name": "示范三市整顿软弱涣散基层党组织", "area_code": CITY,
                                          "opened_on": "2020-07-01",
                                          "organization_kinds": ["行政村", "社区", "非公企业", "社会组织"]})
    assert opened.status_code == 201, opened.text
    cid, criteria = opened.json()["campaign_id"], [c["code"] for c in opened.json()["criteria"]]
    assert opened.json()["organization_kinds"] == ["行政村", "社区", "非公企业", "社会组织"]

    # The township screens the enterprises too: coverage names them until they are assessed.
    round_one = f"/campaigns/{cid}/rounds/R1/townships/{T1}"
    villages = first.post(f"{round_one}/assessments", {"assessed_on": "2020-08-01",
                                                       "assessments": assess(criteria, T1_VILLAGES + [COMMUNITY])})
    assert villages.status_code == 201, villages.text
    missing = is_problem(prepare_and_submit(first, round_one), 422)
    assert missing["missing_village_codes"] == [FIRST_CODE, SECOND_CODE], missing
    enterprises = first.post(f"{round_one}/assessments", {"assessed_on": "2020-08-01", "assessments": assess(
        criteria, [FIRST_CODE, SECOND_CODE], weak=(FIRST_CODE,))})
    assert enterprises.status_code == 201 and enterprises.json()["assessed_in_round"] == 5, enterprises.text
    assert prepare_and_submit(first, round_one).status_code == 201
    round_two = f"/campaigns/{cid}/rounds/R1/townships/{T2}"
    batch = second.post(f"{round_two}/assessments", {"assessed_on": "2020-08-01", "assessments": assess(
        criteria, T2_VILLAGES + [SOCIETY_CODE], lagging=(SOCIETY_CODE,))})
    assert batch.status_code == 201, batch.text
    assert prepare_and_submit(second, round_two).status_code == 201

    # The county decides a list with an enterprise and the social organization; the share counts all eight.
    county = f"/campaigns/{cid}/rounds/R1/counties/{COUNTY}"
    share = county_org.get(f"{county}/list").json()["share"]
    assert (share["listed"], share["administrative_villages"]) == (2, 8), share
    decided = committee.post(f"{county}/confirm", {"decision_number": "三市一县委〔2020〕9号", "decided_on": "2020-08-18"})
    assert decided.status_code == 201 and decided.json()["designated"] == 2, decided.text

    # Casework opens their cases, as for villages.
    cases = on(county_org, platform, "casework")
    found = wait_for(lambda: (page := cases.get("/cases", campaign_id=cid).json())["total"] == 2 and page,
                     what="the cases of the enterprise and the social organization")
    assert sorted(c["village_code"] for c in found["items"]) == [FIRST_CODE, SOCIETY_CODE]
    assert {c["county_code"] for c in found["items"]} == {COUNTY}

    # Reporting counts each under its kind, for the county and in the city's figures.
    reporting = on(county_org, platform, "reporting")
    figures = wait_for(lambda: (f := reporting.get(f"/figures/{COUNTY}").json()["figures"])["designated"] == 2 and f,
                       what="the county's figures")
    assert (figures["villages_in_campaign"], figures["villages_screened"], figures["listed"]) == (8, 8, 2), figures
    assert figures["by_kind"] == {
        "行政村": {"in_campaign": 4, "screened": 4, "listed": 0}, "社区": {"in_campaign": 1, "screened": 1, "listed": 0},
        "非公企业": {"in_campaign": 2, "screened": 2, "listed": 1},
        "社会组织": {"in_campaign": 1, "screened": 1, "listed": 1}}, figures["by_kind"]
    city = on(city_org, platform, "reporting").get(f"/figures/{CITY}").json()["figures"]
    assert city["by_kind"]["非公企业"] == {"in_campaign": 2, "screened": 2, "listed": 1}, city

    # The county files the list with the city; the filed list names an enterprise, and says so (not 村 only).
    filed = county_org.post(f"/campaigns/{cid}/counties/{COUNTY}/filings", {"filing_date": "2020-08-31",
                                                                           "filed_on": "2020-08-31"})
    assert filed.status_code == 201, filed.text

    def filing_cells():
        answer = reporting.get(f"/documents/{COUNTY}/filing", format="xlsx")
        if answer.status_code != 200:
            return None
        cells = [str(c.value) for row in load_workbook(io.BytesIO(answer.content)).active.iter_rows()
                 for c in row if c.value is not None]
        return cells if "甲科技有限公司" in cells else None
    cells = wait_for(filing_cells, what="the filed list in reporting")
    assert any("三市一县软弱涣散和后进基层党组织名单" in c for c in cells), cells[:3]
    assert "村（社区）、企业和社会组织" in cells and any("核验：一致" in c for c in cells), cells
    assert {c for c in cells if len(c) == 12 and c.isdigit()} == {FIRST_CODE, SOCIETY_CODE}

    # A renamed enterprise keeps its code; the new name reaches the copies.
    renamed = import_organizations(platform, county_org, ORGANIZATIONS.replace("甲科技有限公司", "甲科技股份有限公司"))
    assert renamed.json() == {"rows": 3, "created": 0, "updated": 1, "unchanged": 2}, renamed.text
    wait_for(lambda: cases.get(f"/divisions/{FIRST_CODE}").json()["name"] == "甲科技股份有限公司",
             what="the new name in casework's copy")
