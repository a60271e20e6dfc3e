"""Inspections, accountability (never without grounds) and evaluations through the API, and the
time-driven rules for visits, measures and post-evaluation through real events and the clock."""
from __future__ import annotations

import asyncio
import io
from datetime import date

import httpx
import openpyxl

from tests.integration.helpers import wait_for
from tests.integration.test_supervision_support import by_key, envelope, open_campaign, publish, set_clock
from zhengdun_demo.client import auth
from zhengdun.events.acceptance import PostEvaluated, VillageDelisted
from zhengdun.events.casework import (CaseOpened, ContactLeaderAssigned, ContinuedStudied, MeasurePlanned,
                                      MeasureStatus, Person, ProgressRecorded, TeamStationed, VisitRecorded)
from zhengdun.events.screening import FalsificationFound, ListCategory

VILLAGE = "990102103205"
TOWNSHIP = "990102103000"


def post(platform, path: str, body: dict, user: str) -> httpx.Response:
    return httpx.post(f"{platform.url('supervision')}{path}", json=body, headers=auth(user), timeout=10)


def get(platform, path: str, user: str, **params) -> dict:
    response = httpx.get(f"{platform.url('supervision')}{path}", params=params, headers=auth(user), timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def test_inspections_accountability_and_evaluations(platform, demo):
    set_clock(platform, "2020-09-26")
    campaign_id, _ = open_campaign(platform)
    # Other modules on this platform record inspections and decisions too (test_attachments): count from here.
    unannounced_before = get(platform, "/inspections", "county_org", kind="unannounced")["total"]
    decisions_before = get(platform, "/accountability", "county_org")["total"]

    plan = post(platform, "/inspection-plans", {"unit_code": "990100000000", "title": "市委督导组每月督导",
                                                 "kind": "scheduled", "day_from": 25, "starts_on": "2020-09-01"},
                "supervisor")
    assert plan.status_code == 201, plan.text
    plan_id = plan.json()["plan_id"]
    # The county sees the plan of the city above it (plans of the units above, and of its own subtree).
    assert plan_id in {p["plan_id"] for p in get(platform, "/inspection-plans", "county_org", size=500)["items"]}
    scheduled = {"kind": "scheduled", "plan_id": plan_id, "unit_code": "990102000000", "inspectors": ["督导组甲"]}
    outside = post(platform, "/inspections", {**scheduled, "inspected_on": "2020-09-24"}, "supervisor")
    assert outside.status_code == 422 and outside.json()["type"] == "/problems/outside-plan-window"
    assert outside.headers["content-type"].startswith("application/problem+json")
    future = post(platform, "/inspections", {**scheduled, "inspected_on": "2020-09-27"}, "supervisor")
    assert future.status_code == 422
    assert post(platform, "/inspections", {**scheduled, "inspected_on": "2020-09-25"}, "supervisor").status_code == 201

    visit = post(platform, "/inspections", {
        "kind": "unannounced", "unit_code": VILLAGE, "inspected_on": "2020-09-26", "inspectors": ["张三", "李四"],
        "findings": [{"text": "工作队员不在岗", "village_code": VILLAGE}],
        "demands": [{"text": "三日内补齐人员", "deadline": "2020-09-30", "responsible_code": TOWNSHIP}]}, "supervisor")
    assert visit.status_code == 201, visit.text
    inspection = visit.json()
    assert inspection["kind_label"] == "暗访" and inspection["inspected_by_code"] == "990100000000"
    finding_id = inspection["findings"][0]["finding_id"]
    demand_id = inspection["demands"][0]["demand_id"]
    assert post(platform, "/inspections", {**scheduled, "unit_code": VILLAGE, "kind": "phone_spot_check",
                                           "plan_id": None, "inspected_on": "2020-09-26"},
                "county2_org").status_code == 403

    done = post(platform, f"/inspections/{inspection['inspection_id']}/follow-ups",
                {"demand_id": demand_id, "checked_on": "2020-09-26", "met": True, "note": "已补齐"}, "supervisor")
    assert done.status_code == 200 and done.json()["demands"][0]["done_on"] == "2020-09-26"
    again = post(platform, f"/inspections/{inspection['inspection_id']}/follow-ups",
                 {"demand_id": demand_id, "checked_on": "2020-09-26", "met": True}, "supervisor")
    assert again.status_code == 409
    assert get(platform, "/inspections", "county_org", kind="unannounced")["total"] == unannounced_before + 1
    assert get(platform, "/inspections", "county2_org")["total"] == 0

    # Accountability: no grounds, unknown grounds → 422 and nothing stored; a finding → 201.
    action = {"kind": "talk", "subject_code": TOWNSHIP, "person": "王书记", "post": "乡镇党委书记",
              "reason": "工作队员不在岗", "decided_by": "县委组织部", "decided_on": "2020-09-26"}
    assert post(platform, "/accountability", {**action, "grounds": []}, "county_org").status_code == 422
    unknown = post(platform, "/accountability", {**action, "grounds": ["F-nope"]}, "county_org")
    assert unknown.status_code == 422 and "F-nope" in unknown.text
    assert get(platform, "/accountability", "county_org")["total"] == decisions_before
    talk = post(platform, "/accountability", {**action, "grounds": [finding_id]}, "county_org")
    assert talk.status_code == 201, talk.text
    assert talk.json()["kind_label"] == "约谈" and talk.json()["actor"]["user_id"]
    assert post(platform, "/accountability", {**action, "subject_code": "990103101000", "grounds": [finding_id]},
                "county_org").status_code == 403

    # Falsification found → an alert; the action citing it answers it and the alert resolves.
    found = envelope("screening", FalsificationFound(
        campaign_id=campaign_id, round_id="R1", village_code=VILLAGE, county_code="990102000000",
        township_code=TOWNSHIP, found_by_code="990100000000", note="虚报研判结果", found_on=date(2020, 8, 25)),
        VILLAGE, campaign_id)
    publish(platform, ("screening", found))
    key = f"falsification:{campaign_id}:{found.id}"
    wait_for(lambda: key in by_key(platform, campaign_id, status="open"), what="falsification alert")
    admonish = post(platform, "/accountability", {**action, "kind": "admonishment_talk", "grounds": [found.id],
                                                  "filed_with": "990100000000"}, "county_org")
    assert admonish.status_code == 201, admonish.text
    assert by_key(platform, campaign_id)[key]["status"] == "resolved"
    # Only this test's two decisions (other tests share the platform): the one citing each ground.
    decided = asyncio.run(platform.fetch("supervision", "select count(*) from outbox where type = "
                                                        "'zhengdun.supervision.accountability.decided.v1' "
                                                        "and (body like $1 or body like $2)",
                                         f"%{finding_id}%", f"%{found.id}%"))[0][0]
    assert decided == 2

    # Evaluations are made at the county's continued-phase study of the village (seed 000 §三(三) 末段), cite it,
    # and are reported to the city.
    studied = envelope("casework", ContinuedStudied(
        case_id=f"case-{campaign_id}", campaign_id=campaign_id, village_code=VILLAGE, township_code=TOWNSHIP,
        county_code="990102000000", study_id=f"study-{campaign_id}", studied_on=date(2020, 9, 20),
        meeting="县委常委会第5次会议", conclusion="继续整顿"), VILLAGE, campaign_id)
    publish(platform, ("casework", studied))
    wait_for(lambda: asyncio.run(platform.fetch("supervision", "select count(*) from sv_studies where study_id = $1",
                                                f"study-{campaign_id}"))[0][0] == 1, what="supervision has the study")
    judged = {"role": "contact_leader", "person": "赵副县长", "subject_code": VILLAGE, "grade": "competent",
              "evaluated_on": "2020-09-26"}
    unknown = post(platform, "/evaluations", {**judged, "study_id": "study-nope"}, "county_org")
    assert unknown.status_code == 422 and unknown.json()["type"] == "/problems/unknown-study"
    assert post(platform, "/evaluations", judged, "county_org").status_code == 422   # a study is required
    elsewhere = post(platform, "/evaluations", {**judged, "study_id": f"study-{campaign_id}", "subject_code": TOWNSHIP},
                     "county_org")
    assert elsewhere.status_code == 422 and elsewhere.json()["type"] == "/problems/study-of-another-unit"
    evaluation = post(platform, "/evaluations", {**judged, "study_id": f"study-{campaign_id}"}, "county_org")
    assert evaluation.status_code == 201 and evaluation.json()["grade_label"] == "称职"
    assert evaluation.json()["study_id"] == f"study-{campaign_id}" and evaluation.json()["reported_to"] == "990100000000"
    assert evaluation.json()["policy_version"] == 1 and evaluation.json()["campaign_id"] == campaign_id
    secretary = post(platform, "/evaluations", {**judged, "study_id": f"study-{campaign_id}", "role": "township_secretary",
                                                "person": "王书记", "subject_code": TOWNSHIP, "grade": "basically_competent"},
                     "county_org")
    assert secretary.status_code == 201, secretary.text
    assert get(platform, "/evaluations", "city_org", role="contact_leader")["total"] == 1
    assert get(platform, "/evaluations", "county2_org")["total"] == 0
    assert talk.json()["policy_version"] is None and admonish.json()["policy_version"] == 1   # a finding has no campaign

    # 述职评议考核: the year's accountability and evaluation results per person, JSON or xlsx, for the
    # organization departments of the city and county; another county sees none of it, a township may not export.
    year = get(platform, "/annual-appraisal", "county_org", year=2020, person="王书记", unit=TOWNSHIP)
    [wang] = year["people"]
    assert [a["kind_label"] for a in wang["accountability"]] == ["约谈", "诫勉谈话"]
    assert [(e["role_label"], e["grade_label"], e["study_id"]) for e in wang["evaluations"]] == \
        [("乡镇党委书记", "基本称职", f"study-{campaign_id}")]
    assert wang["summary"] == {"accountability": 2, "by_kind": {"约谈": 1, "诫勉谈话": 1}, "evaluations": 1,
                               "grades": {"基本称职": 1}}
    assert get(platform, "/annual-appraisal", "county_org", year=2021, person="王书记", unit=TOWNSHIP)["people"] == []
    assert get(platform, "/annual-appraisal", "county2_org", year=2020, person="王书记")["people"] == []
    assert httpx.get(f"{platform.url('supervision')}/annual-appraisal", params={"year": 2020}, headers=auth("township_org"),
                     timeout=10).status_code == 403
    sheet = httpx.get(f"{platform.url('supervision')}/annual-appraisal", headers=auth("city_org"), timeout=30,
                      params={"year": 2020, "person": "王书记", "unit": TOWNSHIP, "format": "xlsx"})
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(sheet.content))
    assert workbook.sheetnames == ["汇总", "问责", "评价"]
    assert [c.value for c in workbook["汇总"][2]][:3] == ["王书记", "乡镇党委书记", 2]

    chain = get(platform, f"/journal/{VILLAGE}", "county_org", size=500)  # other tests' events share the village
    kinds = [e["kind"] for e in chain["items"]]
    assert "supervision.inspection" in kinds and "supervision.evaluation" in kinds
    assert get(platform, f"/journal/{VILLAGE}/verify", "county_org")["valid"] is True


def test_visits_measures_and_post_evaluation_rules_through_events(platform, demo):
    set_clock(platform, "2020-09-01")
    campaign_id, _ = open_campaign(platform)
    village = "990103107211"
    ref = dict(case_id="case-r1", campaign_id=campaign_id, village_code=village, township_code="990103107000",
               county_code="990103000000")
    leader = Person(name="钱副县长", user_id="u-qian")
    events = [
        CaseOpened(**ref, category=ListCategory.WEAK_AND_LAX, designated_on=date(2020, 9, 1), opened_on=date(2020, 9, 1),
                   policy_version=1),
        TeamStationed(**ref, leader=Person(name="队长"), members=(), stationed_on=date(2020, 9, 3)),
        ContactLeaderAssigned(**ref, leader=leader, assigned_on=date(2020, 9, 1)),
        VisitRecorded(**ref, visit_id="v1", leader_user_id="u-qian", leader_name="钱副县长", visited_on=date(2020, 9, 10),
                      talked_with_team=True, talked_with_village_cadres=True, talked_with_key_persons=True,
                      problems_pushed=("p1",)),
        MeasurePlanned(**ref, measure_id="m1", problem_id="p1", task_id="t1", title="健全组织生活", responsible="村支书",
                       deadline=date(2020, 10, 15), planned_on=date(2020, 9, 5)),
        VillageDelisted(acceptance_id="a1", case_id="case-old", campaign_id=campaign_id, village_code="990103107212",
                        township_code="990103107000", county_code="990103000000", delisted_on=date(2020, 7, 1),
                        post_evaluation_due=date(2020, 10, 1)),
    ]
    publish(platform, *(("casework" if not isinstance(e, VillageDelisted) else "acceptance",
                         envelope("casework" if not isinstance(e, VillageDelisted) else "acceptance", e,
                                  e.village_code, campaign_id)) for e in events))
    wait_for(lambda: asyncio.run(platform.fetch("supervision", "select count(*) from sv_delistings where campaign_id=$1",
                                                campaign_id))[0][0] == 1, what="events projected")

    set_clock(platform, "2020-10-02")
    visits_key = f"visits_below_minimum:{campaign_id}:{village}:2020-09"
    alerts = wait_for(lambda: (a := by_key(platform, campaign_id, user="county2_org")).get(visits_key) and a,
                      what="visit minimum alert")
    assert alerts[visits_key]["subject_person"] == "钱副县长" and alerts[visits_key]["subject_user_id"] == "u-qian"
    assert alerts[f"post_evaluation_overdue:{campaign_id}:990103107212:2020-07-01"]["status"] == "open"
    assert f"measure_overdue:{campaign_id}:m1" not in alerts

    # A second September visit recorded late, and the post-evaluation done: both resolve.
    publish(platform,
            ("casework", envelope("casework", VisitRecorded(
                **ref, visit_id="v2", leader_user_id="u-qian", leader_name="钱副县长", visited_on=date(2020, 9, 28),
                talked_with_team=True, talked_with_village_cadres=True, talked_with_key_persons=True,
                problems_pushed=("p1",)), village, campaign_id)),
            ("acceptance", envelope("acceptance", PostEvaluated(
                acceptance_id="a1", case_id="case-old", campaign_id=campaign_id, village_code="990103107212",
                township_code="990103107000", county_code="990103000000", evaluated_on=date(2020, 10, 2),
                relapsed=False), "990103107212", campaign_id)))
    # The second visit is dated in September: the alert was a false alarm of delivery order → withdrawn.
    wait_for(lambda: visits_key in by_key(platform, campaign_id, user="county2_org", status="withdrawn"),
             what="visit alert withdrawn")
    assert visits_key not in by_key(platform, campaign_id, user="county2_org")
    assert by_key(platform, campaign_id, user="county2_org")[
        f"post_evaluation_overdue:{campaign_id}:990103107212:2020-07-01"]["status"] == "resolved"

    # The measure: overdue after Oct 15 and not updated in October; completing it resolves "overdue".
    set_clock(platform, "2020-11-01")
    alerts = wait_for(lambda: (a := by_key(platform, campaign_id, user="county2_org")).get(
        f"measure_overdue:{campaign_id}:m1") and a, what="measure alerts")
    assert alerts[f"measure_not_updated:{campaign_id}:m1:2020-10"]["status"] == "open"
    publish(platform, ("casework", envelope("casework", ProgressRecorded(
        **ref, record_id="r1", measure_id="m1", status=MeasureStatus.COMPLETED, recorded_on=date(2020, 10, 20)),
        village, campaign_id)))
    wait_for(lambda: by_key(platform, campaign_id, user="county2_org")[f"measure_overdue:{campaign_id}:m1"]["status"]
             == "resolved", what="measure alert resolved")
    # Completed on Oct 20, after its Oct 15 deadline: "overdue" was real (resolved); the record dated
    # in October shows it was updated that month (withdrawn).
    assert f"measure_not_updated:{campaign_id}:m1:2020-10" in by_key(platform, campaign_id, user="county2_org",
                                                                     status="withdrawn")
