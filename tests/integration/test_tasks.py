"""The to-do lists (GET /tasks) on the real parts, through HTTP with the demo users' own logins: a county is
screened, decided and its villages rectified, applied for acceptance and supervised; at each step the task
appears for the person or unit whose step it is, not for others, and is gone once the step is done."""
from __future__ import annotations

import asyncio
import time

import httpx
import jwt
import pytest

from tests.integration import helpers
from tests.integration.helpers import wait_for
from tests.integration.test_screening_support import (
    COUNTY, CITY, TOWNSHIPS, Caller, assessments_for, screen_township, township_users)
from tests.support.platform import running_platform
from zhengdun_demo.client import auth, password_token

TOWNSHIP, VILLAGE = TOWNSHIPS[0], "990102101201"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def set_clock(platform, today: str) -> None:
    helpers.set_clock(platform, today)
    for service in ("screening", "casework", "supervision", "acceptance", "reporting"):
        wait_for(lambda: httpx.get(f"{platform.url(service)}/platform/clock", headers=auth("county_org"),
                                   timeout=10).json()["today"] == today, what=f"{service} clock at {today}")


def user_id(username: str) -> str:
    return jwt.decode(password_token(username), options={"verify_signature": False})["sub"]


def tasks(platform, service: str, user: str | Caller, campaign_id: str | None = None) -> list[dict]:
    headers = user.headers() if isinstance(user, Caller) else auth(user)
    response = httpx.get(f"{platform.url(service)}/tasks", headers=headers, timeout=60,
                         params={"size": 500, **({"campaign_id": campaign_id} if campaign_id else {})})
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["total"] == len(page["items"]) and sum(page["by_urgency"].values()) == page["total"]
    return page["items"]


def kinds(items: list[dict], unit: str | None = None) -> list[str]:
    return sorted(t["kind"] for t in items if unit is None or t["unit"]["code"] == unit)


def call(platform, service: str, method: str, path: str, user: str, body: dict | None = None, **kwargs) -> dict:
    response = httpx.request(method, f"{platform.url(service)}{path}", headers=auth(user), json=body, timeout=60, **kwargs)
    assert response.status_code in (200, 201), response.text
    return response.json()


@pytest.fixture(scope="module")
def platform():
    """A platform of its own with the demo divisions: on the session's shared platform, after the other
    modules' campaigns, supervision's evaluation tasks for this campaign's continued villages did not
    appear within 5 minutes (alone they appear at once); not yet explained, see the closing note."""
    with running_platform() as own:
        helpers.load_demo_divisions(own)
        yield own


def test_each_persons_tasks_appear_for_them_only_and_go_once_done(platform):
    set_clock(platform, "2020-08-10")
    opened = Caller(platform, "city_org").post("/campaigns", {"name": "待办测试整顿", "area_code": CITY, "opened_on": "2020-07-01"})
    assert opened.status_code == 201, opened.text
    cid, criteria = opened.json()["campaign_id"], [c["code"] for c in opened.json()["criteria"]]
    township_org = Caller(platform, "township_org")
    round_path = f"/campaigns/{cid}/rounds/R1/townships/{TOWNSHIP}"

    # --- screening: the township committee's steps, with the policy's due date (8月15日), five days left.
    mine = tasks(platform, "screening", "township_org", cid)
    assert kinds(mine) == ["screening.township.assess", "screening.township.meeting", "screening.township.notice",
                           "screening.township.submit"]
    assess = next(t for t in mine if t["kind"] == "screening.township.assess")
    assert assess["count"] == 25 and assess["due_on"] == "2020-08-15" and assess["days_overdue"] == -5
    assert assess["urgency"] == "due_soon" and assess["unit"]["code"] == TOWNSHIP and assess["unit"]["name"] != TOWNSHIP
    assert assess["route"] == f"/screening{round_path}/assessments"
    assert assess["action"] == {"service": "screening", "method": "POST", "path": f"{round_path}/assessments"}
    assert {t["unit"]["code"] for t in tasks(platform, "screening", "township2_org", cid)} == {TOWNSHIPS[1]}
    assert tasks(platform, "screening", "county_org", cid) == [] and tasks(platform, "screening", "county_committee", cid) == []
    assert httpx.get(f"{platform.url('screening')}/tasks", headers=auth("ops"), timeout=30).status_code == 403

    assert township_org.put(f"{round_path}/meeting", {"held_on": "2020-08-02", "attendees": ["书记", "乡长"],
                                                      "minutes": "集体研究"}).status_code == 200
    assert "screening.township.meeting" not in kinds(tasks(platform, "screening", "township_org", cid))
    entries = assessments_for(TOWNSHIP, criteria)
    assert township_org.post(f"{round_path}/assessments", {"assessed_on": "2020-08-01", "assessments": entries}).status_code == 201
    assert township_org.put(f"{round_path}/notice", {"starts_on": "2020-08-03", "ends_on": "2020-08-09"}).status_code == 200
    assert kinds(tasks(platform, "screening", "township_org", cid)) == ["screening.township.submit"]
    assert township_org.post(f"{round_path}/submit", {"submitted_on": "2020-08-10"}).status_code == 201
    assert tasks(platform, "screening", "township_org", cid) == []

    # --- the county checks the submitted township; its standing committee waits for every township.
    county_path = f"/campaigns/{cid}/rounds/R1/counties/{COUNTY}"
    [sample] = tasks(platform, "screening", "county_org", cid)
    assert sample["kind"] == "screening.county.sample" and sample["unit"]["code"] == TOWNSHIP
    assert sample["due_on"] == "2020-08-20"
    call(platform, "screening", "POST", f"{county_path}/townships/{TOWNSHIP}/samples", "county_org",
         {"drawn_on": "2020-08-10"})
    # Drawn again with a reason: only the latest draw's villages wait for a visit, not the first draw's too.
    drawn = call(platform, "screening", "POST", f"{county_path}/townships/{TOWNSHIP}/samples", "county_org",
                 {"drawn_on": "2020-08-10", "redraw_reason": "第一次抽样用错了名单"})
    chosen = sorted({v for s in drawn["samples"] if s["attempt"] == 2 for v in s["chosen"]})
    [visit] = tasks(platform, "screening", "county_org", cid)
    assert visit["kind"] == "screening.county.site_visit" and visit["count"] == len(chosen)
    call(platform, "screening", "POST", f"{county_path}/townships/{TOWNSHIP}/site-visits", "county_org",
         {"checked_on": "2020-08-10", "findings": [{"village_code": v, "outcome": "confirmed"} for v in chosen]})
    assert tasks(platform, "screening", "county_org", cid) == []
    assert tasks(platform, "screening", "county_committee", cid) == []

    users = township_users(platform)
    for township in TOWNSHIPS[1:]:
        assert screen_township(users[township], cid, "R1", township, assessments_for(township, criteria)).status_code == 201
    assert kinds(tasks(platform, "screening", "county_org", cid)) == ["screening.county.sample"] * 9
    [decide] = tasks(platform, "screening", "county_committee", cid)
    assert decide["kind"] == "screening.county.confirm" and decide["unit"]["code"] == COUNTY
    set_clock(platform, "2020-08-18")
    call(platform, "screening", "POST", f"{county_path}/confirm", "county_committee",
         {"decision_number": "示县委〔2020〕18号", "decided_on": "2020-08-18"})
    assert tasks(platform, "screening", "county_committee", cid) == []
    assert [(t["kind"], t["unit"]["code"]) for t in tasks(platform, "screening", "city_org", cid)] == \
        [("screening.city.sample", COUNTY)]

    # --- casework: the county dispatches within 5 days of the decision; the township next door sees none of it.
    def dispatch_tasks():
        found = [t for t in tasks(platform, "casework", "county_org", cid) if t["unit"]["code"] == VILLAGE]
        return found if len(found) == 2 else None
    dispatch = wait_for(dispatch_tasks, what="the case of the village to open")
    assert kinds(dispatch) == ["casework.contact_leader", "casework.team"]
    assert {t["due_on"] for t in dispatch} == {"2020-08-23"}
    case_id = dispatch[0]["action"]["path"].split("/")[2]
    assert VILLAGE not in {t["unit"]["code"] for t in tasks(platform, "casework", "township2_org", cid)}
    assert tasks(platform, "casework", "team_leader", cid) == []            # no team stationed yet

    set_clock(platform, "2020-08-20")
    team = {"leader": {"name": "卫队长", "rank": "section", "user_id": user_id("team_leader")},
            "members": [{"name": "队员甲", "user_id": user_id("team_member")}, {"name": "队员乙"}], "stationed_on": "2020-08-20"}
    call(platform, "casework", "PUT", f"/cases/{case_id}/team", "county_org", team)
    assert kinds(tasks(platform, "casework", "county_org", cid), VILLAGE) == ["casework.contact_leader"]
    assert kinds(tasks(platform, "casework", "team_leader", cid)) == ["casework.plan"]
    assert kinds(tasks(platform, "casework", "team_member", cid)) == ["casework.plan"]
    assert tasks(platform, "casework", "village_secretary", cid) == []

    call(platform, "casework", "PUT", f"/cases/{case_id}/contact-leader", "county_org",
         {"leader": {"name": "联系领导", "rank": "county", "user_id": user_id("contact_leader")}, "assigned_on": "2020-08-20"})
    assert VILLAGE not in {t["unit"]["code"] for t in tasks(platform, "casework", "county_org", cid)}
    [visits] = tasks(platform, "casework", "contact_leader", cid)
    assert visits["title"] == "本月到村走访 0/2 次" and visits["progress"] == {"done": 0, "required": 2}
    assert visits["due_on"] == "2020-08-31"
    assert tasks(platform, "casework", "county_secretary", cid) == []
    def add(listing: str, body: dict, key: str) -> str:
        return call(platform, "casework", "POST", f"/cases/{case_id}/{listing}", "team_leader", body)["entry"]["data"][key]
    problem_id = add("problems", {"title": "班子软弱", "found_on": "2020-08-19"}, "problem_id")
    # A visit short of the 三必须 (nobody talked with, no problem pushed) is recorded but does not count.
    call(platform, "casework", "POST", f"/cases/{case_id}/visits", "contact_leader", {"visited_on": "2020-08-19"})
    assert tasks(platform, "casework", "contact_leader", cid)[0]["progress"] == {"done": 0, "required": 2}
    for day in ("2020-08-19", "2020-08-20"):
        call(platform, "casework", "POST", f"/cases/{case_id}/visits", "contact_leader", {
            "visited_on": day, "team_members": ["队长"], "village_cadres": ["村书记"], "key_persons": ["老党员"],
            "problems_pushed": [problem_id]})
        if day == "2020-08-19":
            assert tasks(platform, "casework", "contact_leader", cid)[0]["progress"] == {"done": 1, "required": 2}
    assert tasks(platform, "casework", "contact_leader", cid) == []

    # The team plans a measure due in 5 days; it shows as due soon, and is gone once completed with evidence.
    task_id = add("tasks", {"problem_id": problem_id, "title": "调整班子"}, "task_id")
    assert kinds(tasks(platform, "casework", "team_leader", cid)) == ["casework.plan"]     # no measure yet
    # The measure names its responsible person by login: it waits on that person, not on the rest of the team.
    measure_id = add("measures", {"task_id": task_id, "title": "选好配强村党组织书记", "deadline": "2020-08-25",
                                  "responsible": {"name": "队员甲", "user_id": user_id("team_member"),
                                                  "username": "team_member"}}, "measure_id")
    assert tasks(platform, "casework", "team_leader", cid) == []
    book = call(platform, "casework", "GET", f"/cases/{case_id}", "county_org")
    assert [r["responsible_user_id"] for r in book["responsibilities"]] == [user_id("team_member")]
    [due] = tasks(platform, "casework", "team_member", cid)
    assert due["kind"] == "casework.measure.deadline" and "还有 5 天到期" in due["title"]
    assert due["days_overdue"] == -5 and due["urgency"] == "due_soon"
    assert due["route"] == f"/casework/cases/{case_id}/measures/{measure_id}/progress"
    evidence = httpx.post(f"{platform.url('casework')}/cases/{case_id}/evidence", headers=auth("team_member"),
                          files={"file": ("photo.png", PNG, "image/png")}, timeout=60)
    assert evidence.status_code == 201, evidence.text
    call(platform, "casework", "POST", f"/cases/{case_id}/measures/{measure_id}/progress", "team_member",
         {"status": "completed", "narrative": "新书记到任", "evidence_ids": [evidence.json()["file_id"]],
          "progress_on": "2020-08-20"})
    assert tasks(platform, "casework", "team_member", cid) == []

    # --- acceptance: the application waits on both signers, each with their own login.
    def application():
        found = tasks(platform, "acceptance", "team_leader", cid)
        return found or None
    [sign] = wait_for(application, what="the acceptance to open")
    assert sign["kind"] == "acceptance.application.sign" and "村党组织书记尚未签" in sign["detail"]
    assert kinds(tasks(platform, "acceptance", "village_secretary", cid)) == ["acceptance.application.sign"]
    assert tasks(platform, "acceptance", "team_member", cid) == [] and tasks(platform, "acceptance", "county_org", cid) == []
    call(platform, "acceptance", "POST", sign["action"]["path"], "team_leader", {"statement": "本村整顿任务已全部完成，申请验收。"})
    assert tasks(platform, "acceptance", "team_leader", cid) == []
    [second] = tasks(platform, "acceptance", "village_secretary", cid)
    assert "整顿工作队队长已签" in second["detail"]
    call(platform, "acceptance", "POST", second["action"]["path"], "village_secretary", {})
    assert kinds(tasks(platform, "acceptance", "village_secretary", cid)) == ["acceptance.self_check"]
    acceptance_path = second["action"]["path"].rsplit("/", 2)[0]

    def step(user: str, suffix: str, body: dict) -> None:
        call(platform, "acceptance", "POST", f"{acceptance_path}/{suffix}", user, body)

    def waiting(user: str) -> list[str]:
        return kinds(tasks(platform, "acceptance", user, cid))

    call(platform, "acceptance", "PUT", f"/campaigns/{cid}/standard", "city_org", {"pass_mark": 80, "items": [
        {"code": code, "heading": heading, "title": heading, "max_score": 25}
        for code, heading in (("A1", "team"), ("B1", "institutions"), ("C1", "social_management"), ("D1", "satisfaction"))]})
    step("village_secretary", "self-check", {"scores": {"A1": 22, "B1": 21, "C1": 20, "D1": 22}})
    # The township committee's step (the principal sits on the committee too); not yet anything to sign.
    assert waiting("village_secretary") == [] and waiting("township_principal") == ["acceptance.preliminary"]
    assert waiting("township_org") == ["acceptance.preliminary"]
    step("township_org", "preliminary", {"inspection_group": ["王初验", "李初验"], "passed": True, "report": "可以摘帽。",
                                         "meeting": {"held_on": "2020-08-20", "attendees": ["书记", "组织委员"], "minutes": "同意摘帽"}})
    assert waiting("township_org") == [] and waiting("township_principal") == ["acceptance.preliminary.sign"]
    step("township_principal", "preliminary/sign", {})
    assert waiting("township_principal") == [] and waiting("county_org") == ["acceptance.county.group"]
    step("county_org", "county/group", {"leader": {"name": "赵副书记", "rank": "county"}, "members": ["钱组员"],
                                        "departments": ["discipline", "audit"]})
    # Each reviewing department of the group sees its own opinion to give; one outside the group sees none.
    assert waiting("review_audit") == ["acceptance.county.opinion"] and waiting("review_discipline") == waiting("review_audit")
    assert waiting("review_united_front") == [] and waiting("county_org") == []
    step("review_audit", "county/opinions", {"agrees": True, "opinion": "同意"})
    assert waiting("review_audit") == [] and waiting("county_org") == []
    step("review_discipline", "county/opinions", {"agrees": True, "opinion": "同意"})
    assert waiting("county_org") == ["acceptance.county.report"]
    step("county_org", "county/report", {"passed": True, "report": "经县级验收，该村整顿达标。"})
    assert waiting("county_committee") == ["acceptance.county.approve"] and waiting("county_secretary") == []
    step("county_committee", "county/approve", {"approved": True, "meeting_on": "2020-08-20", "minutes": "审定通过"})
    [seal] = tasks(platform, "acceptance", "county_secretary", cid)
    assert seal["kind"] == "acceptance.county.sign" and waiting("county_committee") == []
    step("county_secretary", "county/sign", {})
    assert waiting("county_secretary") == [] and waiting("county_org") == ["acceptance.survey"]

    # --- supervision: this month's planned inspection, then the follow-up of its demand.
    plan = call(platform, "supervision", "POST", "/inspection-plans", "supervisor",
                {"unit_code": CITY, "title": f"每月督导 {cid}", "starts_on": "2020-08-01"})
    mine = [t for t in tasks(platform, "supervision", "supervisor") if plan["plan_id"] in t["task_id"]]
    assert [(t["kind"], t["due_on"]) for t in mine] == [("supervision.inspection", "2020-08-31")]
    assert not [t for t in tasks(platform, "supervision", "county_org") if plan["plan_id"] in t["task_id"]]
    set_clock(platform, "2020-08-26")
    inspection = call(platform, "supervision", "POST", "/inspections", "supervisor",
                      {"kind": "scheduled", "plan_id": plan["plan_id"], "unit_code": COUNTY, "inspected_on": "2020-08-26",
                       "inspectors": ["督导组长"], "demands": [{"text": "补齐走访记录", "deadline": "2020-09-10"}]})
    mine = [t for t in tasks(platform, "supervision", "supervisor")
            if plan["plan_id"] in t["task_id"] or inspection["inspection_id"] in t["task_id"]]
    assert [(t["kind"], t["due_on"]) for t in mine] == [("supervision.follow_up", "2020-09-10")]
    call(platform, "supervision", "POST", mine[0]["action"]["path"], "supervisor",
         {"demand_id": inspection["demands"][0]["demand_id"], "checked_on": "2020-08-26", "met": True})
    assert not [t for t in tasks(platform, "supervision", "supervisor") if inspection["inspection_id"] in t["task_id"]]

    # --- continued rectification: the county studies each unfinished village, its secretary supervises it by
    # name; supervision asks the county for the evaluations of the people of those villages.
    set_clock(platform, "2021-06-01")
    other = "990102101202"

    def continued():
        found = [t for t in tasks(platform, "casework", "county_committee", cid) if t["unit"]["code"] == other]
        return found or None
    [study] = wait_for(continued, what="the unfinished villages to move to continued rectification")
    assert study["kind"] == "casework.continued.study"
    assert VILLAGE not in {t["unit"]["code"] for t in tasks(platform, "casework", "county_committee", cid)}  # it is ready
    assert tasks(platform, "casework", "county_secretary", cid) == []
    studied = call(platform, "casework", "POST", study["action"]["path"], "county_committee",
                   {"studied_on": "2021-06-01", "meeting": "县委常委会", "conclusion": "继续整顿，县委书记挂牌督办"})
    assert other not in {t["unit"]["code"] for t in tasks(platform, "casework", "county_committee", cid)}
    assert [(t["kind"], t["unit"]["code"]) for t in tasks(platform, "casework", "county_secretary", cid)] == \
        [("casework.continued.supervision", other)]

    def evaluations():
        found = [t for t in tasks(platform, "supervision", "county_org", cid) if t["kind"] == "supervision.evaluation"]
        return found if {t["unit"]["code"] for t in found} >= {other, TOWNSHIP} else None
    # The clock jumped ten months: supervision re-checks every rule of every campaign on the shared
    # platform before it reaches the phase changes, which takes longer than a minute on a loaded machine.
    asked = wait_for(evaluations, timeout=300, what="supervision to see the continued villages")
    leader = next(t for t in asked if t["unit"]["code"] == other and t["task_id"].endswith(":contact_leader"))
    assert not [t for t in tasks(platform, "supervision", "supervisor", cid) if t["kind"] == "supervision.evaluation"]
    # The evaluation is made at that study (seed 000 §三(三) 末段): supervision knows it from casework's event.
    study_id = studied["entry"]["entry_id"]
    wait_for(lambda: asyncio.run(platform.fetch("supervision", "select count(*) as n from sv_studies where study_id = $1",
                                                study_id))[0]["n"] == 1, what="supervision to know the study")
    call(platform, "supervision", "POST", "/evaluations", "county_org",
         {"study_id": study_id, "role": "contact_leader", "person": "联系领导", "subject_code": other,
          "grade": "competent", "evaluated_on": "2021-06-01"})
    assert leader["task_id"] not in {t["task_id"] for t in tasks(platform, "supervision", "county_org", cid)}

    # Reporting answers the same shape; no step of a person waits there.
    assert tasks(platform, "reporting", "county_org") == []

    # What a to-do list costs on this data (printed, not asserted): the whole list, every campaign of the run.
    for user in ("county_org", "city_org", "township_org", "team_leader"):
        for service in ("screening", "casework", "supervision", "acceptance"):
            started = time.perf_counter()
            count = len(tasks(platform, service, user))
            print(f"GET /tasks {service:<11} {user:<12} {count:>3} tasks {1000 * (time.perf_counter() - started):6.0f} ms")

