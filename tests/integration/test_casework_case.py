"""A village's case end to end, on the real parts: screening's events (published to the run's
screening topic exactly as screening does) open it; demo users staff it, plan it, record
progress and visits through HTTP; the platform clock moves it to continued rectification;
completing every measure announces it ready on the casework topic; acceptance's failure reopens it."""
from __future__ import annotations

import asyncio
import io
import uuid
from datetime import date

import httpx
import jwt
import openpyxl

from tests.integration import helpers
from tests.integration.helpers import send, topic_events, wait_for
from tests.integration.test_supervision_support import by_key
from zhengdun_demo.client import auth, password_token
from zhengdun.events.acceptance import AcceptanceFailed, AcceptanceStep
from zhengdun.events.base import Actor, Envelope, type_of
from zhengdun.events.screening import (
    CampaignOpened, CampaignPhase, Criterion, ListCategory, PhaseWindow, Policy, TargetDesignated,
)

VILLAGE, TOWNSHIP, COUNTY = "990102101201", "990102101000", "990102000000"


def set_clock(platform, today: str) -> None:
    helpers.set_clock(platform, today, seen_by="casework")


def envelope(payload, division_code: str, service: str = "screening", campaign_id: str | None = None) -> Envelope:
    return Envelope(source=f"/zhengdun/{service}", type=type_of(payload), subject=division_code, divisioncode=division_code,
                    campaignid=campaign_id, actor=Actor.system(service), data=payload.model_dump(mode="json"))


def casework_events(platform, case_id: str) -> list[dict]:
    """Every event the casework service published about the case, read back from Kafka."""
    return [e for e in topic_events(platform, "casework") if e["data"].get("case_id") == case_id]


def campaign(campaign_id: str) -> CampaignOpened:
    return CampaignOpened(
        campaign_id=campaign_id, name="示范市整顿", area_code="990100000000", lagging_rule="星级评定倒排",
        phases=(PhaseWindow(phase=CampaignPhase.SCREENING, starts_on=date(2020, 7, 1), ends_on=date(2020, 8, 31)),
                PhaseWindow(phase=CampaignPhase.CONCENTRATED, starts_on=date(2020, 9, 1), ends_on=date(2021, 5, 31)),
                PhaseWindow(phase=CampaignPhase.CONTINUED, starts_on=date(2021, 6, 1), ends_on=date(2021, 8, 31))),
        criteria=(Criterion(code="weak_leadership", label="班子软弱"), Criterion(code="lax_management", label="管理混乱")),
        policy=Policy(), opened_on=date(2020, 7, 1))


def designation(campaign_id: str, village: str = VILLAGE) -> TargetDesignated:
    return TargetDesignated(campaign_id=campaign_id, round_id="r1", village_code=village, township_code=village[:9] + "000",
                            county_code=village[:6] + "000000", category=ListCategory.WEAK_AND_LAX,
                            criteria_met=("weak_leadership",), decision_number="示县常〔2020〕1号",
                            designated_on=date(2020, 9, 5), policy_version=1)


def call(platform, method: str, path: str, user: str, **kwargs) -> httpx.Response:
    return httpx.request(method, f"{platform.url('casework')}{path}", headers=auth(user), timeout=30, **kwargs)


def ok(response: httpx.Response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def refused(response: httpx.Response, status: int, slug: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] == f"/problems/{slug}", response.text


def user_id(username: str) -> str:
    return jwt.decode(password_token(username), options={"verify_signature": False})["sub"]


def person(name: str, rank: str | None = None, **extra) -> dict:
    return {"name": name, "post": "干部", "unit": "示范县", **({"rank": rank} if rank else {}), **extra}


def test_a_case_from_designation_to_ready_and_reopened(platform, demo):
    set_clock(platform, "2020-09-10")
    campaign_id = f"camp-{uuid.uuid4().hex[:8]}"
    designated = envelope(designation(campaign_id), VILLAGE, campaign_id=campaign_id)
    send(platform, "screening", envelope(campaign(campaign_id), "990100000000", campaign_id=campaign_id), designated)

    def listed():
        page = ok(call(platform, "GET", "/cases", "county_org", params={"county": COUNTY, "campaign_id": campaign_id}))
        return page if page["total"] else None
    page = wait_for(listed, what="the case to open")
    [summary] = page["items"]
    case_id = summary["case_id"]
    assert summary["phase"] == "concentrated" and summary["village_code"] == VILLAGE

    # Redelivery (same event) and a repeated designation (new event id) open nothing new.
    send(platform, "screening", designated, envelope(designation(campaign_id), VILLAGE, campaign_id=campaign_id))
    wait_for(lambda: asyncio.run(platform.fetch("casework", "SELECT count(*) AS n FROM inbox WHERE type = $1",
                                                TargetDesignated.event_type))[0]["n"] >= 2, what="the repeat consumed")
    rows = asyncio.run(platform.fetch("casework", "SELECT count(*) AS n FROM cases WHERE campaign_id = $1", campaign_id))
    assert rows[0]["n"] == 1

    # Scoped lists: another county sees nothing of it; a township filter outside is refused.
    assert ok(call(platform, "GET", "/cases", "county2_org", params={"campaign_id": campaign_id}))["total"] == 0
    refused(call(platform, "GET", "/cases", "county2_org", params={"county": COUNTY}), 403, "forbidden")
    assert ok(call(platform, "GET", "/cases", "township_org", params={"township": TOWNSHIP, "phase": "concentrated",
                                                                       "campaign_id": campaign_id}))["total"] == 1

    base = f"/cases/{case_id}"
    leader = person("卫队长", "section", user_id=user_id("team_leader"))
    members = [person("蒋队员", user_id=user_id("team_member")), person("张队员")]
    # Team: 2 people refused, a leader without rank refused, a future date refused, 3 people with a section leader stationed.
    refused(call(platform, "PUT", f"{base}/team", "county_org", json={"leader": leader, "members": members[:1],
                                                                       "stationed_on": "2020-09-08"}), 422, "team-size")
    refused(call(platform, "PUT", f"{base}/team", "county_org", json={"leader": person("无级别"), "members": members,
                                                                       "stationed_on": "2020-09-08"}), 422, "team-leader-rank")
    refused(call(platform, "PUT", f"{base}/team", "county_org", json={"leader": leader, "members": members,
                                                                       "stationed_on": "2020-09-11"}), 422, "date-in-future")
    refused(call(platform, "PUT", f"{base}/team", "team_leader", json={"leader": leader, "members": members,
                                                                        "stationed_on": "2020-09-08"}), 403, "forbidden")
    ok(call(platform, "PUT", f"{base}/team", "county_org", json={"leader": leader, "members": members, "stationed_on": "2020-09-08"}))
    refused(call(platform, "PUT", f"{base}/team", "county_org", json={"leader": leader, "members": members,
                                                                       "stationed_on": "2020-09-09"}), 422, "change-needs-reason")
    # 不转化不脱钩: a change rests on the county's recorded decision, or is a 422 naming the field.
    problem = call(platform, "PUT", f"{base}/team", "county_org", json={
        "leader": leader, "members": members, "stationed_on": "2020-09-09", "change_reason": "队员调整"})
    refused(problem, 422, "change-needs-decision")
    assert problem.json()["field"] == "decision" and "县委常委会或县委组织部" in problem.json()["detail"]
    refused(call(platform, "PUT", f"{base}/team", "county_org", json={
        "leader": leader, "members": members, "stationed_on": "2020-09-09", "change_reason": "队员调整",
        "decision": {"reference": "", "decided_on": "2020-09-09"}}), 422, "validation")
    changed = ok(call(platform, "PUT", f"{base}/team", "county_org", json={
        "leader": leader, "members": members, "stationed_on": "2020-09-09", "change_reason": "队员调整",
        "decision": {"reference": "县委组发〔2020〕12号", "decided_on": "2020-09-09"}}))
    assert changed["entry"]["data"]["decision"] == {"reference": "县委组发〔2020〕12号", "decided_on": "2020-09-09"}
    ok(call(platform, "PUT", f"{base}/contact-leader", "county_org", json={
        "leader": person("王联系", "county", user_id=user_id("contact_leader")), "assigned_on": "2020-09-08"}))
    ok(call(platform, "PUT", f"{base}/first-secretary", "township_org", json={"secretary": person("第一书记"),
                                                                               "appointed_on": "2020-09-09"}))
    # Pairing is the county organization department's (pairing.keep): township staff are refused, nothing recorded.
    pairing = {"secretary": person("优秀书记", unit="990102101202"), "secretary_village_code": "990102101202",
               "paired_on": "2020-09-09"}
    entries_before = len(ok(call(platform, "GET", f"{base}/ledger", "county_org"))["history"])
    refused(call(platform, "POST", f"{base}/pairings", "township_org", json=pairing), 403, "forbidden")
    assert len(ok(call(platform, "GET", f"{base}/ledger", "county_org"))["history"]) == entries_before
    assert ok(call(platform, "GET", f"{base}", "county_org"))["pairings"] == []
    ok(call(platform, "POST", f"{base}/pairings", "county_org", json=pairing), 201)

    # The three lists.
    problem = ok(call(platform, "POST", f"{base}/problems", "team_member", json={
        "title": "班子软弱", "detail": "书记长期外出", "criterion_code": "weak_leadership", "found_on": "2020-09-09"}), 201)
    problem_id = problem["entry"]["data"]["problem_id"]
    assert problem["entry"]["seq"] > 0 and problem["entry"]["kind"] == "problem_found"
    refused(call(platform, "POST", f"{base}/problems", "team_member", json={
        "title": "x", "criterion_code": "lax_management", "found_on": "2020-09-09"}), 422, "criterion-not-met")
    found = ok(call(platform, "POST", f"{base}/problems", "team_leader", json={"title": "账目不清", "found_on": "2020-09-10"}), 201)
    measures = []
    for pid, title in ((problem_id, "调整班子"), (found["entry"]["data"]["problem_id"], "清理账目")):
        task = ok(call(platform, "POST", f"{base}/tasks", "team_leader", json={"problem_id": pid, "title": title}), 201)
        task_id = task["entry"]["data"]["task_id"]
        refused(call(platform, "POST", f"{base}/measures", "team_leader", json={
            "task_id": task_id, "title": "措施", "responsible": "张三", "deadline": "2021-09-01"}), 422, "deadline-after-campaign")
        refused(call(platform, "POST", f"{base}/measures", "team_leader", json={
            "task_id": task_id, "title": "措施", "deadline": "2021-03-01"}), 422, "missing-responsible")
        # The first measure's responsible person has a platform account, the second is free text.
        responsible = {"name": "卫队员", "user_id": user_id("team_member"), "username": "team_member"} \
            if not measures else "乡镇党委书记"
        measure = ok(call(platform, "POST", f"{base}/measures", "team_leader", json={
            "task_id": task_id, "title": f"{title}措施", "responsible": responsible, "deadline": "2021-08-31"}), 201)
        measures.append(measure["entry"]["data"]["measure_id"])
    def planned_events():
        return {e["data"]["measure_id"]: e["data"] for e in topic_events(platform, "casework")
                if e["type"] == "zhengdun.casework.measure.planned.v1" and e["data"]["case_id"] == case_id}
    planned = wait_for(lambda: p if len(p := planned_events()) == 2 else None, what="both measures published")
    assert (planned[measures[0]]["responsible"], planned[measures[0]]["responsible_user_id"],
            planned[measures[0]]["responsible_username"]) == ("卫队员", user_id("team_member"), "team_member")
    assert (planned[measures[1]]["responsible"], planned[measures[1]]["responsible_user_id"]) == ("乡镇党委书记", None)
    # Supervision keeps the reference, so its reminders and alerts can reach the person.
    refs = wait_for(lambda: r if len(r := asyncio.run(platform.fetch(
        "supervision", "select measure_id, responsible_user_id from sv_measures where measure_id = any($1::text[])",
        measures))) == 2 else None, what="supervision has both measures")
    assert dict(map(tuple, refs)) == {measures[0]: user_id("team_member"), measures[1]: None}
    ok(call(platform, "POST", f"{base}/plan/publication", "township_org", json={"published_on": "2020-09-10", "notice": "村务公开栏"}), 201)
    comment = ok(call(platform, "POST", f"{base}/plan/comments", "team_leader", json={
        "commenter": "村民甲", "text": "希望公开账目", "received_on": "2020-09-10"}), 201)
    ok(call(platform, "POST", f"{base}/plan/comments/{comment['entry']['data']['comment_id']}/answer", "team_leader",
            json={"answer": "已纳入清理账目措施", "answered_on": "2020-09-10"}), 201)

    # Progress: evidence is type-checked and hashed; completion needs it; a correction points at what it corrects.
    refused(call(platform, "POST", f"{base}/evidence", "team_member", files={"file": ("x.png", b"%PDF-1.4", "image/png")}),
            415, "evidence-content-mismatch")
    evidence = ok(call(platform, "POST", f"{base}/evidence", "team_member",
                       files={"file": ("会议记录.pdf", b"%PDF-1.4 meeting", "application/pdf")}), 201)
    assert len(evidence["sha256"]) == 64
    download = call(platform, "GET", f"{base}/evidence/{evidence['file_id']}", "county_org")
    assert download.content == b"%PDF-1.4 meeting" and download.headers["x-content-sha256"] == evidence["sha256"]
    refused(call(platform, "POST", f"{base}/measures/{measures[0]}/progress", "team_member", json={
        "status": "completed", "narrative": "已完成", "progress_on": "2020-09-10"}), 422, "completion-needs-evidence")
    wrong = ok(call(platform, "POST", f"{base}/measures/{measures[0]}/progress", "team_member", json={
        "status": "completed", "narrative": "已完成", "evidence_ids": [evidence["file_id"]], "progress_on": "2020-09-10"}), 201)
    ok(call(platform, "POST", f"{base}/measures/{measures[0]}/progress", "team_member", json={
        "status": "in_progress", "narrative": "误报完成，更正", "progress_on": "2020-09-10",
        "corrects": wrong["entry"]["entry_id"]}), 201)

    # Visits: the village's contact leader; someone else's contact leader role at the village level is refused.
    refused(call(platform, "POST", f"{base}/visits", "team_leader", json={"visited_on": "2020-09-10"}), 403, "forbidden")
    full = ok(call(platform, "POST", f"{base}/visits", "contact_leader", json={
        "visited_on": "2020-09-10", "team_members": ["卫队长"], "village_cadres": ["沈村书记"], "key_persons": ["老党员"],
        "problems_pushed": [problem_id], "notes": "推动选好书记"}), 201)
    assert full["entry"]["data"]["counts_toward_minimum"] is True and full["entry"]["data"]["missing_musts"] == []
    # 三必须: a visit without key persons and without a problem pushed is recorded, flagged, and not counted.
    short = ok(call(platform, "POST", f"{base}/visits", "contact_leader", json={
        "visited_on": "2020-09-10", "team_members": ["卫队长"], "village_cadres": ["沈村书记"], "notes": "路过"}), 201)
    assert short["entry"]["data"]["counts_toward_minimum"] is False
    assert [m["label"] for m in short["entry"]["data"]["missing_musts"]] == ["与重点工作对象谈话", "推动解决问题"]
    shown = ok(call(platform, "GET", base, "county_org"))["visits"]
    assert [v["counts_toward_minimum"] for v in shown] == [True, False]
    # The verdict travels in the event, so supervision and reporting copy it rather than judge again.
    def visit_events():
        found = {e["data"]["visit_id"]: e["data"] for e in casework_events(platform, case_id)
                 if e["type"] == "zhengdun.casework.visit.recorded.v1"}
        return found if len(found) == 2 else None
    published = wait_for(visit_events, what="both visits on the casework topic")
    assert published[short["entry"]["entry_id"]]["counts_toward_minimum"] is False
    assert published[full["entry"]["entry_id"]]["counts_toward_minimum"] is True
    copied = wait_for(lambda: r if len(r := asyncio.run(platform.fetch(
        "supervision", "select visit_id, counts_toward_minimum from sv_visits where visit_id = any($1::text[])",
        list(published)))) == 2 else None, what="supervision has both visits")
    assert dict(map(tuple, copied)) == {full["entry"]["entry_id"]: True, short["entry"]["entry_id"]: False}

    # The clock passes the concentrated phase's last day: the unfinished case moves to continued rectification.
    set_clock(platform, "2021-05-31")
    assert ok(call(platform, "GET", base, "county_org"))["phase"] == "concentrated"
    set_clock(platform, "2021-06-01")
    wait_for(lambda: ok(call(platform, "GET", base, "county_org"))["phase"] == "continued", what="continued phase")
    refused(call(platform, "POST", f"{base}/continued/supervision", "county_secretary", json={
        "supervisor": person("郑书记", "county"), "deadline": "2021-07-31", "decided_on": "2021-06-01"}), 409, "study-first")
    ok(call(platform, "POST", f"{base}/continued/study", "county_committee", json={
        "studied_on": "2021-06-01", "meeting": "县委常委会第12次会议", "conclusion": "继续整顿"}), 201)
    # 挂牌督办: the named supervisor is the county secretary (by post, or by role when the secretary names themself).
    refused(call(platform, "POST", f"{base}/continued/supervision", "county_secretary", json={
        "supervisor": person("郑书记", "county"), "deadline": "2021-07-31", "decided_on": "2021-06-01"}),
        422, "supervisor-not-county-secretary")
    refused(call(platform, "POST", f"{base}/continued/supervision", "county_committee", json={
        "supervisor": person("常委", "county", post="县委书记", user_id=user_id("county_committee")),
        "deadline": "2021-07-31", "decided_on": "2021-06-01"}), 422, "supervisor-not-county-secretary")
    ok(call(platform, "POST", f"{base}/continued/supervision", "county_secretary", json={
        "supervisor": person("郑书记", "county", post="县委书记", user_id=user_id("county_secretary")),
        "deadline": "2021-07-31", "decided_on": "2021-06-01"}), 201)
    # Supervision keeps the deadline, to watch it like any other.
    wait_for(lambda: asyncio.run(platform.fetch(
        "supervision", "select supervision_deadline from sv_cases where case_id = $1 and supervision_deadline = $2",
        case_id, date(2021, 7, 31))), what="supervision has the supervision deadline")
    ok(call(platform, "POST", f"{base}/continued/second-review", "county_org", json={
        "reviewed_on": "2021-06-01", "county_secretary": person("郑书记", "county", user_id=user_id("county_secretary")),
        "conclusion": "仍未完成，县委书记直接联系"}), 201)
    detail = ok(call(platform, "GET", base, "team_leader"))
    assert detail["direct_county_secretary"] is True and detail["contact_leader"]["name"] == "郑书记"

    # Every measure complete → ready for acceptance, announced on the casework topic.
    for measure_id in measures:
        ok(call(platform, "POST", f"{base}/measures/{measure_id}/progress", "team_leader", json={
            "status": "completed", "narrative": "整改到位", "evidence_ids": [evidence["file_id"]], "progress_on": "2021-06-01"}), 201)
    assert ok(call(platform, "GET", base, "county_org"))["phase"] == "ready_for_acceptance"
    events = wait_for(lambda: (lambda es: es if any(e["type"] == "zhengdun.casework.case.ready.v1" for e in es) else None)(
        casework_events(platform, case_id)), what="CaseReadyForAcceptance on the casework topic")
    ready = next(e for e in events if e["type"] == "zhengdun.casework.case.ready.v1")
    assert ready["data"]["measures"] == 2 and ready["data"]["team_leader"]["name"] == "卫队长"
    assert ready["divisioncode"] == VILLAGE
    types = {e["type"] for e in events}
    assert {"zhengdun.casework.case.opened.v1", "zhengdun.casework.team.stationed.v1",
            "zhengdun.casework.contact_leader.assigned.v1", "zhengdun.casework.measure.planned.v1",
            "zhengdun.casework.progress.recorded.v1", "zhengdun.casework.visit.recorded.v1",
            "zhengdun.casework.case.phase_changed.v1"} <= types
    assert sum(e["type"] == "zhengdun.casework.case.opened.v1" for e in events) == 1

    # The ledger: whole history in order, and as it stood on a past date.
    now = ok(call(platform, "GET", f"{base}/ledger", "county_org"))
    seqs = [e["seq"] for e in now["history"]]
    assert seqs == sorted(seqs) and now["history"][0]["kind"] == "opened"
    then = ok(call(platform, "GET", f"{base}/ledger", "county_org", params={"as_of": "2020-09-10"}))
    assert then["case"]["phase"] == "concentrated" and then["case"]["unfinished_measures"] == 2
    assert len(then["history"]) < len(now["history"])
    refused(call(platform, "GET", f"{base}/ledger", "county_org", params={"as_of": "2021-06-02"}), 422, "date-in-future")
    workbook = openpyxl.load_workbook(io.BytesIO(call(platform, "GET", f"{base}/ledger/export", "county_org").content))
    assert {"概况", "问题清单", "任务清单", "责任清单", "整改进展", "走访记录", "台账记录"} <= set(workbook.sheetnames)
    assert workbook["责任清单"].max_row == 3
    exported = call(platform, "GET", f"{base}/ledger/export", "county_org", params={"format": "json"}).json()
    assert exported["history"] == now["history"]

    # Acceptance fails at the county step: the case is reopened, its history kept.
    failed = AcceptanceFailed(acceptance_id="acc-1", case_id=case_id, campaign_id=campaign_id, village_code=VILLAGE,
                              township_code=TOWNSHIP, county_code=COUNTY, step=AcceptanceStep.COUNTY,
                              failed_on=date(2021, 6, 1), reason="群众满意度不足")
    send(platform, "acceptance", envelope(failed, VILLAGE, service="acceptance", campaign_id=campaign_id))
    wait_for(lambda: ok(call(platform, "GET", base, "county_org"))["phase"] == "continued", what="the case reopened")
    after = ok(call(platform, "GET", f"{base}/ledger", "county_org"))
    assert after["history"][:len(now["history"])] == now["history"]
    assert after["case"]["reopened"] == 1
    refused(call(platform, "GET", base, "county2_org"), 403, "forbidden")
    refused(call(platform, "GET", "/cases/00000000-0000-0000-0000-000000000000", "county_org"), 404, "not-found")


def test_supervision_and_reporting_hold_the_measure_status_casework_decides_through_corrections(platform, demo):
    """A correction of an older record, then one of the newest: supervision (its overdue alert, its measure row)
    and reporting (the village's overdue measures) hold the status casework decides, copied from the event."""
    set_clock(platform, "2021-06-02")
    campaign_id = f"camp-{uuid.uuid4().hex[:8]}"
    opened = campaign(campaign_id).model_copy(update={"opened_on": date(2021, 5, 1), "phases": (
        PhaseWindow(phase=CampaignPhase.SCREENING, starts_on=date(2021, 5, 1), ends_on=date(2021, 5, 31)),
        PhaseWindow(phase=CampaignPhase.CONCENTRATED, starts_on=date(2021, 6, 1), ends_on=date(2021, 11, 30)),
        PhaseWindow(phase=CampaignPhase.CONTINUED, starts_on=date(2021, 12, 1), ends_on=date(2022, 2, 28)))})
    send(platform, "screening", envelope(opened, "990100000000", campaign_id=campaign_id),
         envelope(designation(campaign_id).model_copy(update={"designated_on": date(2021, 6, 2)}), VILLAGE,
                  campaign_id=campaign_id))
    case_id = wait_for(lambda: [c["case_id"] for c in ok(call(platform, "GET", "/cases", "county_org", params={
        "county": COUNTY, "campaign_id": campaign_id}))["items"]], what="the case to open")[0]
    base = f"/cases/{case_id}"
    ok(call(platform, "PUT", f"{base}/team", "county_org", json={
        "leader": person("卫队长", "section"), "members": [person("蒋队员"), person("张队员")], "stationed_on": "2021-06-02"}))
    problem = ok(call(platform, "POST", f"{base}/problems", "team_member", json={
        "title": "班子软弱", "criterion_code": "weak_leadership", "found_on": "2021-06-02"}), 201)["entry"]["data"]["problem_id"]
    task = ok(call(platform, "POST", f"{base}/tasks", "team_leader", json={"problem_id": problem, "title": "调整班子"}),
              201)["entry"]["data"]["task_id"]
    measure = ok(call(platform, "POST", f"{base}/measures", "team_leader", json={
        "task_id": task, "title": "选好书记", "responsible": "乡镇党委书记", "deadline": "2021-06-20"}),
        201)["entry"]["data"]["measure_id"]
    evidence = ok(call(platform, "POST", f"{base}/evidence", "team_member",
                       files={"file": ("会议记录.pdf", b"%PDF-1.4 meeting", "application/pdf")}), 201)["file_id"]
    set_clock(platform, "2021-06-05")

    def record(status: str, progress_on: str, corrects: str | None = None) -> str:
        body = {"status": status, "narrative": "进展", "progress_on": progress_on, "corrects": corrects,
                "evidence_ids": [evidence] if status == "completed" else []}
        return ok(call(platform, "POST", f"{base}/measures/{measure}/progress", "team_leader", json=body),
                  201)["entry"]["entry_id"]

    def casework_status() -> str:
        return next(m["status"] for m in ok(call(platform, "GET", base, "county_org"))["measures"]
                    if m["measure_id"] == measure)

    def copied(service: str, table: str, records: int) -> None:
        wait_for(lambda: asyncio.run(platform.fetch(service, f"SELECT count(*) AS n FROM {table} WHERE measure_id = $1",
                                                    measure))[0]["n"] == records, what=f"{service} has {records} records")

    def overdue_in_reporting() -> int:
        """The village's overdue measures on the 21st less those on the 20th: this measure's (deadline the 20th)."""
        def on(day: str) -> int:
            response = httpx.get(f"{platform.url('reporting')}/figures/{VILLAGE}", params={"date": day},
                                 headers=auth("city_org"), timeout=30)
            return ok(response)["figures"]["measures_overdue"]
        return on("2021-06-21") - on("2021-06-20")

    def overdue_alert() -> str | None:
        found = by_key(platform, campaign_id).get(f"measure_overdue:{campaign_id}:{measure}")
        return found["status"] if found else None

    # A correction of an OLDER record: it is the newest record nobody corrected, so the measure stands completed
    # although the record dated after the corrected one said in progress.
    first = record("completed", "2021-06-03")
    record("in_progress", "2021-06-05")
    newest = record("completed", "2021-06-03", corrects=first)
    assert casework_status() == "completed"
    published = wait_for(lambda: [e["data"] for e in casework_events(platform, case_id)
                                  if e["type"] == "zhengdun.casework.progress.recorded.v1"
                                  and e["data"]["record_id"] == newest], what="the correction published")[0]
    assert (published["measure_status"], published["measure_status_since"]) == ("completed", "2021-06-05")
    copied("supervision", "sv_progress", 3)
    copied("reporting", "rm_progress", 3)
    set_clock(platform, "2021-06-21")   # the deadline (the 20th) passed
    helpers.set_clock(platform, "2021-06-21", seen_by="supervision")
    assert overdue_alert() is None
    assert overdue_in_reporting() == 0

    # A correction of the NEWEST record: back in progress, so overdue in supervision and reporting alike.
    record("in_progress", "2021-06-21", corrects=newest)
    assert casework_status() == "in_progress"
    wait_for(lambda: overdue_alert() == "open", what="supervision's overdue alert")
    copied("reporting", "rm_progress", 4)
    assert overdue_in_reporting() == 1
    [row] = asyncio.run(platform.fetch("supervision", "SELECT status, status_since FROM sv_measures WHERE measure_id = $1",
                                       measure))
    assert dict(row) == {"status": "in_progress", "status_since": date(2021, 6, 21)}
