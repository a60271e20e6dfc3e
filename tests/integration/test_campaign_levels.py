"""Campaigns below the city on the real parts (issue 22).

A county runs a campaign of seed 001's shape over its villages and communities: its organization department opens
it, the townships screen every organization (a community among them), the county's standing committee decides, a
case opens in casework for the community, and reporting counts it for the county and for the city above; no city
spot check or filing with the city belongs to it. A township runs its own campaign (seed 004's shape) over its
villages only and decides its list itself; its county sees it, a sibling township does not."""
from __future__ import annotations

import copy
from datetime import date
import io

import openpyxl

from tests.integration.helpers import import_csv, send, wait_for
from tests.integration.test_acceptance_flow import STANDARD, envelope, pdf_text
from tests.integration.test_screening_support import PASSWORD, Caller, findings, is_problem, prepare_and_submit, set_clock
from zhengdun.events.casework import CaseReadyForAcceptance, Person

CITY = "990100000000"
COUNTY = "990105000000"                      # a county of its own, on the scratch platform: the demo tree stays as is
T1, T2 = "990105101000", "990105102000"
COMMUNITY = "990105101001"                    # 社区 (居委会: 0vv), beside the villages 2vv
T1_VILLAGES = ["990105101201", "990105101202", "990105101203"]
T2_VILLAGES = ["990105102201", "990105102202", "990105102203"]
DIVISIONS = "\n".join(["区划代码,名称,上级代码,城乡分类", "990000000000,示范省,,", f"{CITY},示范市,990000000000,",
                       f"{COUNTY},示范二县,{CITY},", f"{T1},一镇,{COUNTY},",
                       f"{T2},二镇,{COUNTY},", f"{COMMUNITY},一镇社区,{T1},社区"]
                      + [f"{v},{v[-3:]}村,{v[:9]}000,行政村" for v in T1_VILLAGES + T2_VILLAGES]) + "\n"


def on(caller: Caller, platform, service: str) -> Caller:
    """The same user, calling another service."""
    other = copy.copy(caller)
    other.base = platform.url(service)
    return other


def create_user(platform, by: Caller, name: str, unit: str, roles: list[str]) -> Caller:
    username = f"{name}.{platform.run_id}"
    created = by.post("/users", {"username": username, "family_name": "测", "given_name": name, "unit": unit,
                                 "roles": roles, "initial_password": PASSWORD})
    assert created.status_code == 201, created.text
    caller = Caller(platform, username, PASSWORD)
    caller.user_id = created.json()["id"]
    return caller


def xlsx_rows(response) -> list[tuple]:
    assert response.status_code == 200, response.text
    return [tuple(row) for row in openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]


def task_kinds(user: Caller, campaign_id: str) -> list[str]:
    page = user.get("/tasks", size=500, campaign_id=campaign_id)
    assert page.status_code == 200, page.text
    return [t["kind"] for t in page.json()["items"]]


def assess(criteria: list[str], codes: list[str], weak: tuple[str, ...] = (), lagging: tuple[str, ...] = ()) -> list[dict]:
    entries = []
    for code in codes:
        if code in weak:
            entries.append({"village_code": code, "result": "weak_and_lax", "findings": findings(criteria, (criteria[2],))})
        elif code in lagging:
            entries.append({"village_code": code, "result": "lagging", "findings": findings(criteria),
                            "ranking": {"rank": 3, "out_of": 3, "basis": "星级评定 一星"}})
        else:
            entries.append({"village_code": code, "result": "neither", "findings": findings(criteria)})
    return entries


def test_a_county_and_a_township_run_their_own_campaigns(scratch_platform):
    # The scratch platform: this test adds a county to the tree, which the demo city's campaigns of other tests
    # must not see (their townships and villages are counted).
    platform = scratch_platform
    set_clock(platform, "2020-09-01")
    imported = import_csv(platform, DIVISIONS)
    assert imported.status_code == 200, imported.text
    city_org = Caller(platform, "city_org")
    wait_for(lambda: on(city_org, platform, "casework").get(f"/divisions/{COMMUNITY}").status_code == 200
             and on(city_org, platform, "reporting").get(f"/divisions/{COMMUNITY}").status_code == 200,
             what="the new county in casework's and reporting's copies")
    county_org = create_user(platform, city_org, "c105org", COUNTY, ["org_staff"])
    committee = create_user(platform, city_org, "c105sc", COUNTY, ["standing_committee"])
    first = create_user(platform, county_org, "t105a", T1, ["org_staff", "township_committee"])
    second = create_user(platform, county_org, "t105b", T2, ["org_staff", "township_committee"])

    # Who opens a campaign, and where: the organization department of the area, never for a village.
    is_problem(Caller(platform, "county_org").post("/campaigns", {"name": "越权", "area_code": COUNTY,
                                                                  "opened_on": "2020-07-01"}), 403)
    is_problem(committee.post("/campaigns", {"name": "非组织部门", "area_code": COUNTY, "opened_on": "2020-07-01"}), 403)
    village_level = is_problem(first.post("/campaigns", {"name": "村级", "area_code": T1_VILLAGES[0],
                                                         "opened_on": "2020-07-01"}), 422)
    assert village_level["type"] == "/problems/campaign-area-level", village_level
    is_problem(county_org.post("/campaigns", {"name": "x", "area_code": COUNTY, "opened_on": "2020-07-01",
                                              "organization_kinds": []}), 422)

    # Seed 004's shape: a township's own campaign, over its villages only (opened first: its figures below stand alone).
    own = first.post("/campaigns", {"name": "一镇六大专项行动", "area_code": T1, "opened_on": "2020-06-01",
                                    "organization_kinds": ["行政村"]})
    assert own.status_code == 201 and own.json()["level"] == "township", own.text
    tid = own.json()["campaign_id"]
    township_figures = on(first, platform, "reporting")
    wait_for(lambda: township_figures.get(f"/figures/{T1}", date="2020-06-30").json()["figures"]["villages_in_campaign"] == 3,
             what="the township campaign's villages (not its community) in reporting")

    # Seed 001: a county's campaign over its villages and communities.
    opened = county_org.post("/campaigns", {"name": "示范二县整顿后进基层党组织", "area_code": COUNTY,
                                            "opened_on": "2020-07-01", "organization_kinds": ["行政村", "社区"]})
    assert opened.status_code == 201, opened.text
    campaign = opened.json()
    cid, criteria = campaign["campaign_id"], [c["code"] for c in campaign["criteria"]]
    assert (campaign["level"], campaign["level_label"], campaign["organization_kinds"]) == ("county", "县", ["行政村", "社区"])
    # Seen by its county, its townships and the city above.
    for user in (county_org, first, second, city_org):
        assert cid in [c["campaign_id"] for c in user.get("/campaigns", size=100).json()["items"]], user.username

    # The townships screen every organization: the community too (coverage names it when left out).
    round_one = f"/campaigns/{cid}/rounds/R1/townships/{T1}"
    partial = first.post(f"{round_one}/assessments", {"assessed_on": "2020-08-01",
                                                      "assessments": assess(criteria, T1_VILLAGES)})
    assert partial.status_code == 201, partial.text
    missing = is_problem(prepare_and_submit(first, round_one), 422)
    assert missing["missing_village_codes"] == [COMMUNITY], missing
    community = first.post(f"{round_one}/assessments", {"assessed_on": "2020-08-01",
                                                        "assessments": assess(criteria, [COMMUNITY], weak=(COMMUNITY,))})
    assert community.status_code == 201 and community.json()["assessed_in_round"] == 4, community.text
    submitted = first.post(f"{round_one}/submit", {"submitted_on": "2020-08-10"})
    assert submitted.status_code == 201 and submitted.json()["weak_and_lax"], submitted.text
    round_two = f"/campaigns/{cid}/rounds/R1/townships/{T2}"
    batch = second.post(f"{round_two}/assessments", {"assessed_on": "2020-08-01",
                                                     "assessments": assess(criteria, T2_VILLAGES, lagging=(T2_VILLAGES[2],))})
    assert batch.status_code == 201, batch.text
    assert prepare_and_submit(second, round_two).status_code == 201

    # The county reviews: the share counts every organization it covers (seed 001: 所辖基层党组织总数).
    county = f"/campaigns/{cid}/rounds/R1/counties/{COUNTY}"
    listed = county_org.get(f"{county}/list").json()
    assert listed["townships"] == {T1: "submitted", T2: "submitted"}, listed["townships"]
    share = listed["share"]
    assert (share["listed"], share["administrative_villages"], share["lagging"]) == (2, 7, 1), share
    # No city step belongs to a county's campaign: no city spot check, no filing with the city.
    city_draw = is_problem(city_org.post(f"{county}/city-samples", {"drawn_on": "2020-08-22"}), 409)
    assert city_draw["type"] == "/problems/no-city-step", city_draw
    is_problem(county_org.post(f"/campaigns/{cid}/counties/{COUNTY}/filings",
                               {"filing_date": "2020-08-31", "filed_on": "2020-08-31"}), 409)
    # The county's organization department checks a township's list itself (seed 001 县委组织部抽查): a reproducible
    # sample of 一镇 and its site visits, the matter of the county's spot-check circular below.
    drawn = county_org.post(f"{county}/townships/{T1}/samples", {"drawn_on": "2020-08-16"})
    assert drawn.status_code == 201, drawn.text
    visited = sorted({v for sample in drawn.json()["samples"] for v in sample["chosen"]})
    assert visited, drawn.json()
    visits = county_org.post(f"{county}/townships/{T1}/site-visits", {
        "checked_on": "2020-08-17", "findings": [{"village_code": v, "outcome": "confirmed", "note": "属实"} for v in visited]})
    assert visits.status_code == 201, visits.text

    # The township cannot decide a county's campaign; the county's standing committee does.
    is_problem(first.post(f"{round_one}/decide", {"decision_number": "一镇〔2020〕1号", "decided_on": "2020-08-18"}), 409)
    assert task_kinds(committee, cid) == ["screening.county.confirm"]
    decided = committee.post(f"{county}/confirm", {"decision_number": "示二县委〔2020〕3号", "decided_on": "2020-08-18"})
    assert decided.status_code == 201 and decided.json()["designated"] == 2, decided.text
    assert decided.json()["share"]["administrative_villages"] == 7

    # Nothing waits on the city, nor a filing on the county; acceptance has no city spot check in it (seed 001: the
    # county's organization department checks), and the county sets the acceptance standard of its own campaign.
    assert task_kinds(city_org, cid) == [] and task_kinds(county_org, cid) == []
    acceptance = on(county_org, platform, "acceptance")
    wait_for(lambda: "acceptance.standard" in task_kinds(acceptance, cid), what="the county's acceptance standard task")
    city_draw = on(city_org, platform, "acceptance").post("/spot-checks", {"campaign_id": cid, "county_code": COUNTY,
                                                                           "seed": "990105-2020"})
    assert is_problem(city_draw, 409)["type"] == "/problems/no-city-step"
    is_problem(on(first, platform, "acceptance").put(f"/campaigns/{cid}/standard", STANDARD), 403)
    standard = acceptance.put(f"/campaigns/{cid}/standard", STANDARD)
    assert standard.status_code == 200 and standard.json()["version"] == 1, standard.text

    # A case opens in casework for the community.
    cases = on(county_org, platform, "casework")
    opened_cases = wait_for(lambda: (found := cases.get("/cases", campaign_id=cid).json())["total"] == 2 and found,
                            what="the two cases of the county's campaign")
    assert sorted(c["village_code"] for c in opened_cases["items"]) == sorted([COMMUNITY, T2_VILLAGES[2]])
    assert {c["county_code"] for c in opened_cases["items"]} == {COUNTY}

    # Reporting counts it for the county and, below the city, in the city's figures.
    reporting = on(county_org, platform, "reporting")
    figures = wait_for(lambda: (f := reporting.get(f"/figures/{COUNTY}").json()["figures"])["designated"] == 2 and f,
                       what="the county's figures")
    assert (figures["villages_in_campaign"], figures["villages_screened"], figures["listed"]) == (7, 7, 2), figures
    children = on(city_org, platform, "reporting").get(f"/figures/{CITY}/children", size=100).json()["items"]
    in_city = next(c for c in children if c["code"] == COUNTY)
    assert (in_city["figures"]["designated"], in_city["figures"]["listed"]) == (2, 2), in_city

    # The county issues the circulars of its own campaign over its townships: the ranking and the spot check.
    county_ranking = xlsx_rows(reporting.get(f"/documents/{COUNTY}/ranking", format="xlsx", date="2020-09-01"))
    assert county_ranking[0][0] == "示范二县关于各乡镇（街道）软弱涣散和后进村党组织整顿工作情况的排名通报"
    header = next(i for i, row in enumerate(county_ranking) if row[0] == "名次")
    assert county_ranking[header][1] == "乡镇（街道）"
    assert sorted((row[1], row[2]) for row in county_ranking[header + 1:] if row[1] in ("一镇", "二镇")) == [
        ("一镇", 1), ("二镇", 1)]
    circular = xlsx_rows(reporting.get(f"/documents/{COUNTY}/spot_check", format="xlsx", date="2020-09-01"))
    assert any(row[0] and f"示范二县委组织部对 1 个乡镇（街道）报送的名单进行了抽查，共抽查 {len(visited)} 个村"
               in row[0] for row in circular)
    assert ("一镇", "2020年8月17日", len(visited), len(visited), 0, 0) in [row[:6] for row in circular]
    pdf = reporting.get(f"/documents/{COUNTY}/spot_check", format="pdf", date="2020-09-01")
    assert pdf.status_code == 200 and "各乡镇（街道）抽查情况" in pdf_text(pdf.content)
    # A township issues neither.
    assert is_problem(on(first, platform, "reporting").get(f"/documents/{T1}/ranking"), 422)["type"] \
        == "/problems/ranking-needs-city"
    assert on(county_org, platform, "reporting").get(f"/documents/{T1}/spot_check").status_code == 422

    # The township's own campaign, decided by the township itself; the county campaign now covers its community too.
    assert township_figures.get(f"/figures/{T1}", date="2020-07-15").json()["figures"]["villages_in_campaign"] == 4
    assert first.get(f"/campaigns/{tid}").status_code == 200
    assert county_org.get(f"/campaigns/{tid}").status_code == 200
    assert tid in [c["campaign_id"] for c in county_org.get("/campaigns", size=100).json()["items"]]
    # A sibling township neither lists it nor reads it.
    assert tid not in [c["campaign_id"] for c in second.get("/campaigns", size=100).json()["items"]]
    is_problem(second.get(f"/campaigns/{tid}"), 403)
    own_round = f"/campaigns/{tid}/rounds/R1/townships/{T1}"
    not_covered = is_problem(first.post(f"{own_round}/assessments", {
        "assessed_on": "2020-08-25", "assessments": assess(criteria, [COMMUNITY], weak=(COMMUNITY,))}), 422)
    assert not_covered["problems"][0]["code"] == "organization-kind-not-covered", not_covered
    screened = first.post(f"{own_round}/assessments", {"assessed_on": "2020-08-25",
                                                       "assessments": assess(criteria, T1_VILLAGES, weak=(T1_VILLAGES[1],))})
    assert screened.status_code == 201, screened.text
    assert first.get(own_round).json()["missing_village_codes"] == []   # the community is not this campaign's
    meeting = first.put(f"{own_round}/meeting", {"held_on": "2020-08-26", "attendees": ["书记", "镇长"], "minutes": "研究"})
    notice = first.put(f"{own_round}/notice", {"starts_on": "2020-08-26", "ends_on": "2020-08-28"})
    assert meeting.status_code == notice.status_code == 200, (meeting.text, notice.text)
    assert first.post(f"{own_round}/submit", {"submitted_on": "2020-08-29"}).status_code == 201
    assert task_kinds(first, tid) == ["screening.township.decide"] and task_kinds(committee, tid) == []
    is_problem(committee.post(f"/campaigns/{tid}/rounds/R1/counties/{COUNTY}/confirm",
                              {"decision_number": "x", "decided_on": "2020-08-30"}), 409)
    is_problem(second.post(f"/campaigns/{tid}/rounds/R1/townships/{T2}/decide",
                           {"decision_number": "x", "decided_on": "2020-08-30"}), 422)
    own_decision = first.post(f"{own_round}/decide", {"decision_number": "一镇党委〔2020〕5号", "decided_on": "2020-08-30"})
    assert own_decision.status_code == 201 and own_decision.json()["designated"] == 1, own_decision.text
    wait_for(lambda: cases.get("/cases", campaign_id=tid).json()["total"] == 1, what="the township campaign's case")
    # The county sees the township's targets; the sibling township cannot ask for them.
    assert [t["village_code"] for t in county_org.get(f"/campaigns/{tid}/targets", under=T1).json()["items"]] \
        == [T1_VILLAGES[1]]
    is_problem(second.get(f"/campaigns/{tid}/targets", under=T1), 403)

    # --- acceptance of the county's campaign: 自查、上级党组织检查、县委组织部抽查 (seed 001 二(三)) -------------------
    # The community's case is ready (as casework announces it); the ladder up to the county; then the county's own
    # spot check, and the township's notice waits on nothing from the city or the province.
    leader = create_user(platform, first, "l105", COMMUNITY, ["work_team_leader"])
    village_secretary = create_user(platform, first, "s105", COMMUNITY, ["village_secretary"])
    principal = create_user(platform, county_org, "p105", T1, ["township_principal"])
    reviewer = create_user(platform, city_org, "r105", COUNTY, ["review_discipline"])
    county_secretary = create_user(platform, city_org, "cs105", COUNTY, ["county_secretary"])
    case_id = next(c["case_id"] for c in opened_cases["items"] if c["village_code"] == COMMUNITY)
    ready = CaseReadyForAcceptance(case_id=case_id, campaign_id=cid, village_code=COMMUNITY, township_code=T1,
                                   county_code=COUNTY, ready_on=date(2020, 9, 1), measures=2, team_members=(),
                                   team_leader=Person(name="队长", user_id=leader.user_id))
    send(platform, "casework", envelope(ready, COMMUNITY, "casework", cid))
    accepting = on(county_org, platform, "acceptance")
    [entry] = wait_for(lambda: accepting.get("/acceptances", campaign_id=cid).json()["items"], what="the acceptance")
    aid = entry["acceptance_id"]

    def step(who: Caller, suffix: str, body: dict) -> dict:
        response = on(who, platform, "acceptance").post(f"/acceptances/{aid}/{suffix}", body)
        assert response.status_code in (200, 201), response.text
        return response.json()

    step(leader, "application/sign", {"statement": "申请验收"})
    step(village_secretary, "application/sign", {})
    step(leader, "self-check", {"scores": {"A1": 25, "B1": 25, "C1": 25, "D1": 25}})
    step(first, "preliminary", {"inspection_group": ["甲", "乙"], "passed": True, "report": "可以摘帽",
                                "meeting": {"held_on": "2020-09-01", "attendees": ["书记"], "minutes": "同意"}})
    step(principal, "preliminary/sign", {})
    step(county_org, "county/group", {"leader": {"name": "赵", "rank": "county"}, "departments": ["discipline"]})
    step(reviewer, "county/opinions", {"agrees": True, "opinion": "同意"})
    step(county_org, "county/report", {"passed": True, "report": "达标"})
    step(committee, "county/approve", {"approved": True, "meeting_on": "2020-09-01", "minutes": "审定"})
    step(county_secretary, "county/sign", {})
    assert step(county_org, "survey", {"respondents": 100, "satisfied": 90})["stage"] == "accepted"

    # The city still has no spot check here; the county draws from its own accepted villages, and records the finding.
    draw = {"campaign_id": cid, "county_code": COUNTY, "seed": "990105-acceptance-2020"}
    assert is_problem(on(city_org, platform, "acceptance").post("/spot-checks", draw), 409)["type"] == "/problems/no-city-step"
    is_problem(on(first, platform, "acceptance").post("/spot-checks", draw), 403)
    assert "acceptance.spot_check.draw" in task_kinds(accepting, cid)
    sample = accepting.post("/spot-checks", draw)
    assert sample.status_code == 200 and sample.json()["level"] == "county", sample.text
    assert sample.json()["chosen"] == [COMMUNITY] and sample.json()["drawn_by_code"] == COUNTY
    is_problem(on(first, platform, "acceptance").post(f"/acceptances/{aid}/notice", {"place": "村务公开栏"}), 409)
    assert "acceptance.spot_check.record" in task_kinds(accepting, cid)
    is_problem(on(city_org, platform, "acceptance").post(f"/acceptances/{aid}/spot-checks/city",
                                                         {"passed": True, "findings": "x"}), 409)
    checked = step(county_org, "spot-checks/county", {"passed": True, "findings": "县委组织部抽查：班子健全，制度落实"})
    assert checked["stage"] == "accepted" and checked["state"]["spot_checks"]["county"]["result"] == "passed"
    assert step(first, "notice", {"place": "村务公开栏"})["stage"] == "noticed"
