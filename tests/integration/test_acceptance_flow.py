"""A village's acceptance end to end, on the real parts: screening's and casework's events (published to the
run's topics exactly as those services do) open it; demo users take every step through HTTP with their own
logins; out-of-order, repeated and separation-of-duties refusals change nothing; the platform clock gates
delisting and post-evaluation; the events appear on the acceptance topic; a changed byte fails verification."""
from __future__ import annotations

import asyncio
import subprocess
import uuid
from datetime import date

import asyncpg
import httpx
import jwt

from tests.integration import helpers
from tests.integration.helpers import send, topic_events, wait_for
from zhengdun_demo.client import auth, password_token
from zhengdun.events.base import Actor, Envelope, type_of
from zhengdun.events.casework import CaseReadyForAcceptance, Person
from zhengdun.events.screening import CampaignOpened, CampaignPhase, Criterion, PhaseWindow, Policy, PolicyRevised
from zhengdun.roles import ReviewDepartment

VILLAGE, TOWNSHIP, COUNTY, CITY = "990102101201", "990102101000", "990102000000", "990100000000"


def set_clock(platform, today: str) -> None:
    helpers.set_clock(platform, today, seen_by="acceptance")


def envelope(payload, division_code: str, service: str, campaign_id: str) -> Envelope:
    return Envelope(source=f"/zhengdun/{service}", type=type_of(payload), subject=division_code, divisioncode=division_code,
                    campaignid=campaign_id, actor=Actor.system(service), data=payload.model_dump(mode="json"))


def user_id(username: str) -> str:
    return jwt.decode(password_token(username), options={"verify_signature": False})["sub"]


def call(platform, method: str, path: str, user: str, **kwargs) -> httpx.Response:
    return httpx.request(method, f"{platform.url('acceptance')}{path}", headers=auth(user), timeout=30, **kwargs)


def ok(response: httpx.Response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()


def refused(response: httpx.Response, status: int, slug: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    if slug:
        assert response.json()["type"] == f"/problems/{slug}", response.text
    return response.json()


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF as poppler reads it, without the layout's spaces."""
    assert pdf.startswith(b"%PDF")
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return out.decode().replace(" ", "")


def campaign(campaign_id: str) -> CampaignOpened:
    return CampaignOpened(
        campaign_id=campaign_id, name="示范市整顿", area_code=CITY, lagging_rule="星级评定倒排",
        phases=(PhaseWindow(phase=CampaignPhase.SCREENING, starts_on=date(2020, 7, 1), ends_on=date(2020, 8, 31)),
                PhaseWindow(phase=CampaignPhase.CONCENTRATED, starts_on=date(2020, 9, 1), ends_on=date(2021, 5, 31)),
                PhaseWindow(phase=CampaignPhase.CONTINUED, starts_on=date(2021, 6, 1), ends_on=date(2021, 8, 31))),
        criteria=(Criterion(code="weak_leadership", label="班子软弱"),), policy=Policy(), opened_on=date(2020, 7, 1))


STANDARD = {"items": [{"code": "A1", "heading": "team", "title": "班子团结、战斗力强", "max_score": 25},
                      {"code": "B1", "heading": "institutions", "title": "三会一课等制度落实", "max_score": 25},
                      {"code": "C1", "heading": "social_management", "title": "矛盾纠纷有效化解", "max_score": 25},
                      {"code": "D1", "heading": "satisfaction", "title": "党员群众认可", "max_score": 25}],
            "pass_mark": 80}


def test_a_village_from_application_to_post_evaluation(platform, demo):
    set_clock(platform, "2021-03-01")
    campaign_id = f"camp-{uuid.uuid4().hex[:8]}"
    case_id = f"case-{uuid.uuid4().hex[:8]}"
    # The audit bureau's reviewer was stationed in the village's work team: it may not review its own work.
    ready = CaseReadyForAcceptance(
        case_id=case_id, campaign_id=campaign_id, village_code=VILLAGE, township_code=TOWNSHIP, county_code=COUNTY,
        ready_on=date(2021, 2, 28), measures=4,
        team_leader=Person(name="队长", user_id=user_id("team_leader")),
        team_members=(Person(name="队员", user_id=user_id("team_member")),
                      Person(name="审计局派驻队员", user_id=user_id("review_audit"))),
        contact_leader=Person(name="联系领导", user_id=user_id("contact_leader")))
    send(platform, "screening", envelope(campaign(campaign_id), CITY, "screening", campaign_id))
    # A revision of the policy that takes effect only after the notice: the steps dated before it keep version 1.
    revision = PolicyRevised(campaign_id=campaign_id, policy_version=2, policy=Policy(), reason="修订后评估安排",
                             effective_on=date(2021, 6, 1))
    send(platform, "screening", envelope(revision, CITY, "screening", campaign_id))
    send(platform, "casework", envelope(ready, VILLAGE, "casework", campaign_id))

    def opened():
        page = ok(call(platform, "GET", "/acceptances", "county_org", params={"village": VILLAGE, "campaign_id": campaign_id}))
        return page if page["total"] else None
    [summary] = wait_for(opened, what="the acceptance to open")["items"]
    aid = summary["acceptance_id"]
    assert summary["stage"] == "ready"
    assert ok(call(platform, "GET", "/acceptances", "county2_org", params={"campaign_id": campaign_id}))["total"] == 0

    def path(suffix: str) -> str:
        return f"/acceptances/{aid}/{suffix}"

    def snapshot() -> tuple:
        view = ok(call(platform, "GET", f"/acceptances/{aid}", "county_org"))
        return view["stage"], view["state"], len(view["records"]), len(view["documents"])

    def post(suffix: str, user: str, body: dict) -> httpx.Response:
        return call(platform, "POST", path(suffix), user, json=body)

    # Out of order before the application: every later step is 409 and changes nothing.
    before = snapshot()
    refused(post("self-check", "team_leader", {"scores": {"A1": 25}}), 409, "step-out-of-order")
    refused(post("preliminary/sign", "township_principal", {}), 409, "step-out-of-order")
    refused(post("county/sign", "county_secretary", {}), 409, "step-out-of-order")
    refused(post("survey", "county_org", {"respondents": 10, "satisfied": 9}), 409, "step-out-of-order")
    refused(post("delist", "county_org", {"objection_upheld": False}), 409, "step-out-of-order")
    assert snapshot() == before

    # 1. The joint application: team leader and village secretary, each with their own login.
    ok(post("application/sign", "team_leader", {"statement": "本村整顿任务已全部完成，申请验收。"}))
    assert snapshot()[0] == "ready"
    before = snapshot()
    refused(post("application/sign", "team_leader", {}), 409, "already-signed")
    refused(post("application/sign", "village_secretary", {"statement": "另一份申请"}), 422, "statement-differs")
    assert snapshot() == before
    view = ok(post("application/sign", "village_secretary", {}))
    assert view["stage"] == "applied"

    # 2. The city's standard (setting the same one again is no revision); the self-check against it.
    refused(call(platform, "PUT", f"/campaigns/{campaign_id}/standard", "county_org", json=STANDARD), 403)
    assert ok(call(platform, "PUT", f"/campaigns/{campaign_id}/standard", "city_org", json=STANDARD))["version"] == 1
    assert ok(call(platform, "PUT", f"/campaigns/{campaign_id}/standard", "city_org", json=STANDARD))["version"] == 1
    before = snapshot()
    refused(post("self-check", "village_secretary", {"scores": {"A1": 20, "B1": 20, "C1": 20, "D1": 19}}), 422,
            "self-check-below-pass-mark")
    assert snapshot() == before
    assert ok(post("self-check", "village_secretary", {"scores": {"A1": 22, "B1": 21, "C1": 20, "D1": 22}}))["stage"] == "self_checked"
    checked = snapshot()[1]["self_check"]
    assert checked["standard_version"] == 1 and checked["total"] == "85"
    # The city revises its standard afterwards: a new version; the self-check keeps its score and version.
    stricter = ok(call(platform, "PUT", f"/campaigns/{campaign_id}/standard", "city_org", json=dict(STANDARD, pass_mark=90)))
    assert stricter["version"] == 2 and stricter["pass_mark"] == "90"
    assert snapshot()[1]["self_check"] == checked
    assert ok(call(platform, "GET", f"/campaigns/{campaign_id}/standard", "county_org"))["version"] == 2
    assert ok(call(platform, "GET", f"/campaigns/{campaign_id}/standard", "county_org", params={"version": 1}))["pass_mark"] == "80"
    refused(call(platform, "GET", f"/campaigns/{campaign_id}/standard", "county_org", params={"version": 3}), 404)

    # 3. Township preliminary: the team leader may not decide it; the principal signs, the township seals.
    preliminary = {"inspection_group": ["王初验", "李初验"],
                   "meeting": {"held_on": "2021-03-01", "attendees": ["乡镇党委书记", "组织委员"], "minutes": "集体研究，同意摘帽"},
                   "passed": True, "report": "经初验，该村可以摘帽。"}
    refused(post("preliminary", "team_leader", preliminary), 403)
    refused(post("preliminary", "township_org", dict(preliminary, meeting=dict(preliminary["meeting"], held_on="2021-03-09"))), 422)
    ok(post("preliminary", "township_org", preliminary))
    refused(post("preliminary", "township_org", preliminary), 409, "step-out-of-order")
    refused(post("preliminary/sign", "township_org", {}), 403)
    view = ok(post("preliminary/sign", "township_principal", {}))
    assert view["stage"] == "preliminary_passed"

    # 4. County acceptance: the group names its required departments (audit's reviewer rectified the village,
    # so audit joins through another unit and is left out here); each gives its opinion with its own login.
    reviewers = [d for d in ReviewDepartment if d is not ReviewDepartment.AUDIT]
    group = {"leader": {"name": "赵副书记", "post": "县委副书记", "rank": "county"}, "members": ["钱组员", "孙组员"],
             "departments": [d.value for d in reviewers]}
    refused(post("county/group", "county_org", dict(group, leader=dict(group["leader"], rank="section"))), 422, "group-leader-rank")
    refused(post("county/group", "contact_leader", group), 403)
    ok(post("county/group", "county_org", group))
    refused(post("county/report", "county_org", {"passed": True, "report": "通过"}), 409, "opinions-missing")
    before = snapshot()
    refused(post("county/opinions", "review_audit", {"agrees": True, "opinion": "同意"}), 403, "separation-of-duties")
    assert snapshot() == before
    for department in reviewers[:-1]:
        ok(post("county/opinions", department.role, {"agrees": True, "opinion": f"{department.label}：未发现问题，同意。"}))
    refused(post("county/opinions", "review_discipline", {"agrees": True, "opinion": "再次"}), 409, "opinion-repeated")
    missing = refused(post("county/report", "county_org", {"passed": True, "report": "通过"}), 409, "opinions-missing")
    assert missing["missing"] == [reviewers[-1].value]
    ok(post("county/opinions", reviewers[-1].role, {"agrees": True, "opinion": "同意。"}))
    refused(post("county/approve", "county_committee", {"approved": True, "meeting_on": "2021-03-01", "minutes": "审定"}), 409)
    ok(post("county/report", "county_org", {"passed": True, "report": "经县级验收，该村整顿达标。", "score": 86}))
    refused(post("county/sign", "county_secretary", {}), 409, "step-out-of-order")
    refused(call(platform, "GET", path("county/sign/content"), "county_secretary"), 409, "not-awaiting-signature")
    refused(post("county/approve", "contact_leader", {"approved": True, "meeting_on": "2021-03-01", "minutes": "审定"}), 403)
    ok(post("county/approve", "county_committee", {"approved": True, "meeting_on": "2021-03-01", "minutes": "县委常委会审定通过"}))
    refused(post("county/sign", "team_leader", {}), 403)
    # The secretary reads exactly what the signature will cover before signing it.
    preview = ok(call(platform, "GET", path("county/sign/content"), "county_secretary"))
    view = ok(post("county/sign", "county_secretary", {}))
    assert view["stage"] == "county_passed"
    refused(post("county/sign", "county_secretary", {}), 409, "step-out-of-order")

    # Who signed what, when, in which role; the county's seal verifies.
    docs = ok(call(platform, "GET", path("documents"), "city_org"))
    kinds = sorted(d["kind"] for d in docs["items"])
    assert kinds == sorted(["application", "preliminary_report", "county_acceptance_report"] + ["review_opinion"] * len(reviewers))
    county_doc = next(d for d in docs["items"] if d["kind"] == "county_acceptance_report")
    assert county_doc["content"]["filed_with"] == CITY and county_doc["content"]["approval"]["approved"] is True
    assert county_doc["content"] == preview["content"]
    verified = ok(call(platform, "GET", f"/documents/{county_doc['document_id']}/verify", "city_org"))
    assert verified["valid"] is True
    assert [(s["role"], s["user_id"], s["valid"]) for s in verified["signatures"]] == [("county_secretary", user_id("county_secretary"), True)]
    assert verified["signatures"][0]["content_sha256"] == preview["content_sha256"]
    assert [(s["unit_code"], s["valid"]) for s in verified["seals"]] == [(COUNTY, True)]
    application = next(d for d in docs["items"] if d["kind"] == "application")
    signed = ok(call(platform, "GET", f"/documents/{application['document_id']}/verify", "county_org"))
    assert sorted(s["role"] for s in signed["signatures"]) == ["village_secretary", "work_team_leader"] and signed["valid"]

    # The application, the township report and the county report print as Chinese PDF: every signature (name,
    # role, time), the seal and the verification code that leads to the verify endpoint; readable as the record is.
    roles = {"work_team_leader": "整顿工作队队长", "village_secretary": "村党组织书记",
             "township_principal": "乡镇党委书记", "county_secretary": "县委书记"}
    for kind, title, sealed in [("application", "整顿验收联名申请书", None), ("preliminary_report", "乡镇初验报告", TOWNSHIP),
                                ("county_acceptance_report", "县级验收报告", COUNTY)]:
        document = next(d for d in docs["items"] if d["kind"] == kind)
        checked = ok(call(platform, "GET", f"/documents/{document['document_id']}/verify", "county_org"))
        response = call(platform, "GET", f"/documents/{document['document_id']}/pdf", "county_org")
        assert response.status_code == 200 and response.headers["content-type"] == "application/pdf", response.text
        printed = pdf_text(response.content)
        code = checked["content_sha256"][:16].upper()
        assert title in printed and "-".join(code[i:i + 4] for i in range(0, 16, 4)) in printed, printed
        assert f"/documents/{document['document_id']}/verify" in printed
        for signature in checked["signatures"]:
            assert signature["name"] in printed and roles[signature["role"]] in printed, (signature, printed)
        assert ("印章" in printed) and (sealed is None or [s["unit_code"] for s in checked["seals"]] == [sealed])
    assert "经县级验收，该村整顿达标。" in printed and "审定通过" in printed
    refused(call(platform, "GET", f"/documents/{county_doc['document_id']}/pdf", "county2_org"), 403)
    refused(call(platform, "GET", f"/documents/{uuid.uuid4()}/pdf", "county_org"), 404)

    # 5. Satisfaction survey at the threshold passes: the village is accepted.
    refused(post("survey", "county_org", {"respondents": 10, "satisfied": 11}), 422, "survey-counts")
    assert ok(post("survey", "county_org", {"respondents": 120, "satisfied": 84}))["stage"] == "accepted"

    # 6. Spot checks: nothing may be noticed before both draws; ratios no lower than policy; reproducible draws.
    refused(post("notice", "township_org", {"place": "村务公开栏"}), 409, "spot-checks-pending")
    draw = {"campaign_id": campaign_id, "county_code": COUNTY, "seed": "city-2021-03-01"}
    refused(call(platform, "POST", "/spot-checks", "city_org", json=dict(draw, ratio="0.10")), 422, "ratio-below-policy")
    # The county spot-checks only a campaign of its own (seed 001); a city's campaign is the city's and the province's.
    refused(call(platform, "POST", "/spot-checks", "county_org", json=draw), 409, "no-county-spot-check")
    refused(call(platform, "POST", "/spot-checks", "township_org", json=draw), 403)
    city_sample = ok(call(platform, "POST", "/spot-checks", "city_org", json=draw))
    assert city_sample["level"] == "city" and city_sample["population"] == [VILLAGE] and city_sample["chosen"] == [VILLAGE]
    assert city_sample["algorithm"] == "sha256-rank-v1" and city_sample["ratio"] == "0.15"
    refused(call(platform, "POST", "/spot-checks", "city_org", json=draw), 409, "nothing-to-draw")
    refused(post("notice", "township_org", {"place": "村务公开栏"}), 409, "spot-checks-pending")
    province_sample = ok(call(platform, "POST", "/spot-checks", "province_org",
                              json=dict(draw, seed="province-2021-03-01")))
    assert province_sample["level"] == "province" and province_sample["chosen"] == [VILLAGE]
    refused(post("spot-checks/province", "city_org", {"passed": True, "findings": "x"}), 403)
    ok(post("spot-checks/city", "city_org", {"passed": True, "findings": "抽查属实"}))
    refused(post("spot-checks/city", "city_org", {"passed": True, "findings": "抽查属实"}), 409, "spot-check-repeated")
    refused(post("notice", "township_org", {"place": "村务公开栏"}), 409, "spot-checks-pending")
    ok(post("spot-checks/province", "province_org", {"passed": True, "findings": "抽查属实"}))

    # 7. The township's public notice, for the policy's number of days (5 by default); objections during it are
    # recorded with their answers, and one unanswered blocks the delisting.
    refused(post("notice", "county_org", {"place": "村务公开栏"}), 403)
    view = ok(post("notice", "township_org", {"place": "村务公开栏及乡镇政府公示栏"}))
    assert view["stage"] == "noticed" and view["state"]["notice"]["ends_on"] == "2021-03-06"
    objected = ok(post("notice/objections", "township_org", {"raised_on": "2021-03-01", "content": "村务账目公开不及时"}))
    [objection] = objected["state"]["notice"]["objections"]
    assert objection["answer"] == "" and objection["answered_on"] is None
    refused(post("notice/objections", "township_org", {"raised_on": "2021-03-01", "content": ""}), 422)
    before = snapshot()
    refused(post("delist", "county_org", {"objection_upheld": False}), 409, "notice-running")
    assert snapshot() == before
    set_clock(platform, "2021-03-06")
    problem = refused(post("delist", "county_org", {"objection_upheld": False}), 409, "objections-unanswered")
    assert "异议未答复" in problem["detail"] and problem["objections"] == [objection["objection_id"]]
    assert snapshot() == before
    answer_path = f"notice/objections/{objection['objection_id']}/answer"
    refused(post("notice/objections/nosuchobjection/answer", "township_org", {"answer": "x", "answered_on": "2021-03-05"}),
            404, "unknown-objection")
    ok(post(answer_path, "township_org", {"answer": "经核实已按月公开，张贴于村务公开栏", "answered_on": "2021-03-05"}))
    refused(post(answer_path, "township_org", {"answer": "再答", "answered_on": "2021-03-05"}), 409, "objection-answered")
    view = ok(post("delist", "county_org", {"objection_upheld": False}))
    assert view["stage"] == "delisted" and view["state"]["post_evaluation_due"] == "2021-06-06"

    # 8. Post-evaluation once due, organized by the township Party committee (seed 000 §三(四)).
    refused(post("post-evaluation", "township_org", {"relapsed": False, "reason": "巩固"}), 409, "post-evaluation-not-due")
    set_clock(platform, "2021-06-06")
    refused(post("post-evaluation", "contact_leader", {"relapsed": False, "reason": "巩固"}), 403)
    refused(post("post-evaluation", "county_org", {"relapsed": False, "reason": "巩固"}), 403)
    assert ok(post("post-evaluation", "township_org", {"relapsed": False, "reason": "整顿成效巩固"}))["stage"] == "post_evaluated"
    refused(post("post-evaluation", "township_org", {"relapsed": False, "reason": "巩固"}), 409, "step-out-of-order")

    # Every decision records the campaign policy version in force on its date: version 1 (the opening's) until the
    # revision takes effect on 2021-06-01, which the later-dated steps knew of but did not apply; version 2 after.
    # (The application may be signed before the campaign's policy reached acceptance: from the standard on it is known.)
    records = ok(call(platform, "GET", f"/acceptances/{aid}", "county_org"))["records"]
    decided = records[[r["step"] for r in records].index("self_check"):]
    assert [r["step"] for r in decided][-1] == "post_evaluation" and decided[-1]["recorded_on"] == "2021-06-06"
    assert decided[:-1] and all(r["policy_version"] == 1 for r in decided[:-1]), records
    assert decided[-1]["policy_version"] == 2, records

    # The events, exactly as declared, on the acceptance topic.
    def published():
        events = [e for e in topic_events(platform, "acceptance") if e["campaignid"] == campaign_id]
        return events if any(e["type"].endswith("post_evaluated.v1") for e in events) else None
    events = wait_for(published, timeout=30, what="the acceptance events on Kafka")
    steps = [e["data"]["step"] for e in events if e["type"] == "zhengdun.acceptance.step.passed.v1"]
    assert steps == ["application", "self_check", "preliminary", "county", "survey", "city_spot_check",
                     "province_spot_check", "notice", "post_evaluation"]
    by_type = {e["type"]: e["data"] for e in events}
    assert by_type["zhengdun.acceptance.accepted.v1"]["satisfaction"] == "0.7000"
    assert by_type["zhengdun.acceptance.delisted.v1"]["post_evaluation_due"] == "2021-06-06"
    assert by_type["zhengdun.acceptance.post_evaluated.v1"]["relapsed"] is False
    drawn = [e["data"] for e in events if e["type"] == "zhengdun.acceptance.sample.drawn.v1"]
    assert sorted(d["level"] for d in drawn) == ["city", "province"] and all(d["seed"] for d in drawn)

    # Key rotation keeps the old seal valid; one changed byte of the stored document fails verification.
    old_key = verified["seals"][0]["key_id"]
    new_key = ok(call(platform, "POST", f"/seal-keys/{COUNTY}/rotate", "city_org", json={}))
    assert new_key["key_id"] != old_key
    after_rotation = ok(call(platform, "GET", f"/documents/{county_doc['document_id']}/verify", "city_org"))
    assert after_rotation["valid"] is True and after_rotation["seals"][0]["key_retired"] is True
    keys = ok(call(platform, "GET", "/seal-keys", "city_org", params={"unit": COUNTY}))
    assert keys["total"] == 2

    async def tamper():
        conn = await asyncpg.connect(platform.database_url("acceptance").replace("+asyncpg", ""))
        try:
            # One byte of the signed report (its score 86 → 87), changed behind the platform's back.
            await conn.execute("UPDATE acceptance_documents SET content = replace(content, '\"score\":\"86\"', "
                               "'\"score\":\"87\"') "
                               "WHERE document_id = $1", county_doc["document_id"])
        finally:
            await conn.close()
    asyncio.run(tamper())
    tampered = ok(call(platform, "GET", f"/documents/{county_doc['document_id']}/verify", "city_org"))
    assert tampered["valid"] is False
    assert [s["valid"] for s in tampered["signatures"]] == [False] and [s["valid"] for s in tampered["seals"]] == [False]
