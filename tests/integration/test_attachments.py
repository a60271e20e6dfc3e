"""Evidence files on the steps that have them, through the one attachment mechanism (zhengdun.attachments), on
the real parts: a file is uploaded to screening (a township's round: an assessment finding, the committee
meeting's minutes, the notice's photos), acceptance (the application's signed paper) and supervision (an
inspection, an accountability decision); the step references it; it is downloaded with the same bytes and
SHA-256 by whoever may read the record, and refused to a user of another unit. A wrong type is 415, an id of
another record or unit 422 naming the field, and the database refuses to edit a stored file."""
from __future__ import annotations

import asyncio
import hashlib
import uuid
from datetime import date

import asyncpg
import httpx
import pytest

from tests.integration import helpers
from tests.integration.helpers import send, wait_for
from tests.integration.test_acceptance_flow import campaign as acceptance_campaign
from tests.integration.test_acceptance_flow import envelope, user_id
from tests.integration.test_screening_support import TOWNSHIPS, assessments_for
from zhengdun_demo.client import auth
from zhengdun.events.casework import CaseReadyForAcceptance, Person

CITY, COUNTY = "990100000000", "990102000000"
MINUTES = b"%PDF-1.7\n% the township committee's signed minutes\n" + bytes(range(256)) * 8
PHOTO = b"\x89PNG\r\n\x1a\n" + b"notice board photo" + bytes(range(256))
PAPER = b"%PDF-1.4\n% the application, signed on paper by the team leader and the village secretary\n"


def call(platform, service: str, method: str, path: str, user: str, **kwargs) -> httpx.Response:
    return httpx.request(method, f"{platform.url(service)}{path}", headers=auth(user), timeout=60, **kwargs)


def created(response: httpx.Response) -> dict:
    assert response.status_code == 201, response.text
    return response.json()


def problem(response: httpx.Response, status: int, slug: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] == f"/problems/{slug}", response.text
    return response.json()


def upload(platform, service: str, path: str, user: str, name: str, content: bytes, **params) -> httpx.Response:
    return call(platform, service, "POST", path, user, params=params, files={"file": (name, content, "application/octet-stream")})


def same_file(response: httpx.Response, content: bytes, stored: dict) -> None:
    assert response.status_code == 200, response.text
    assert response.content == content
    assert response.headers["x-content-sha256"] == stored["sha256"] == hashlib.sha256(content).hexdigest()
    assert response.headers["content-type"].startswith(stored["content_type"])


def refuses_editing(platform, service: str, table: str, file_id: str) -> None:
    """The stored file cannot be changed or removed: the table is append-only (a trigger)."""
    async def attempt(statement: str):
        conn = await asyncpg.connect(platform.database_url(service).replace("+asyncpg", ""))
        try:
            with pytest.raises(asyncpg.exceptions.RaiseError, match="append-only"):
                await conn.execute(statement, file_id)
        finally:
            await conn.close()
    asyncio.run(attempt(f"UPDATE {table} SET filename = 'edited.pdf' WHERE file_id = $1"))
    asyncio.run(attempt(f"DELETE FROM {table} WHERE file_id = $1"))


def test_screening_evidence_on_findings_minutes_and_notice_photos(platform, demo):
    helpers.set_clock(platform, "2020-09-01")
    opened = created(call(platform, "screening", "POST", "/campaigns", "city_org",
                          json={"name": "佐证材料测试", "area_code": CITY, "opened_on": "2020-07-01"}))
    cid, criteria = opened["campaign_id"], [c["code"] for c in opened["criteria"]]
    township, other = TOWNSHIPS[0], TOWNSHIPS[1]
    base = f"/campaigns/{cid}/rounds/R1/townships/{township}"

    # Type by content: a PDF named .png is refused (415), nothing stored; a township cannot upload to another's round.
    problem(upload(platform, "screening", f"{base}/attachments", "township_org", "photo.png", MINUTES), 415,
            "evidence-content-mismatch")
    problem(upload(platform, "screening", f"{base}/attachments", "township2_org", "minutes.pdf", MINUTES), 403, "forbidden")
    minutes = created(upload(platform, "screening", f"{base}/attachments", "township_org", "党委会纪要.pdf", MINUTES))
    photo = created(upload(platform, "screening", f"{base}/attachments", "township_org", "公示照片.png", PHOTO))
    assert minutes["sha256"] == hashlib.sha256(MINUTES).hexdigest() and minutes["size"] == len(MINUTES)
    elsewhere = created(upload(platform, "screening", f"/campaigns/{cid}/rounds/R1/townships/{other}/attachments",
                               "township2_org", "纪要.pdf", MINUTES))

    # A met criterion rests on the file; an unknown id, or a file of another township, is 422 naming the field.
    entries = assessments_for(township, criteria)
    met = next(i for i, f in enumerate(entries[0]["findings"]) if f["met"])

    def with_files(ids: list[str]) -> list[dict]:
        first = {**entries[0], "findings": [{**f, "attachments": ids} if i == met else f
                                            for i, f in enumerate(entries[0]["findings"])]}
        return [first, *entries[1:]]
    for ids in ([str(uuid.uuid4())], [elsewhere["file_id"]], ["not-an-id"]):
        refused = problem(call(platform, "screening", "POST", f"{base}/assessments", "township_org",
                               json={"assessed_on": "2020-08-01", "assessments": with_files(ids)}), 422, "unknown-attachment")
        assert refused["errors"][0]["field"] == f"body.assessments.0.findings.{met}.attachments", refused
    assert call(platform, "screening", "GET", base, "township_org").json()["assessed"] == 0
    recorded = created(call(platform, "screening", "POST", f"{base}/assessments", "township_org",
                            json={"assessed_on": "2020-08-01", "assessments": with_files([minutes["file_id"]])}))
    assert recorded["recorded"] == 25

    # The committee meeting's minutes and the notice's photos.
    refused = problem(call(platform, "screening", "PUT", f"{base}/meeting", "township_org", json={
        "held_on": "2020-08-02", "attendees": ["书记", "乡长"], "minutes": "集体研究", "attachments": [elsewhere["file_id"]]}),
        422, "unknown-attachment")
    assert refused["errors"][0]["field"] == "body.attachments"
    meeting = call(platform, "screening", "PUT", f"{base}/meeting", "township_org", json={
        "held_on": "2020-08-02", "attendees": ["书记", "乡长"], "minutes": "集体研究", "attachments": [minutes["file_id"]]})
    assert meeting.status_code == 200 and meeting.json()["meeting"]["attachments"] == [minutes["file_id"]], meeting.text
    problem(call(platform, "screening", "PUT", f"{base}/notice", "township_org", json={
        "starts_on": "2020-08-03", "ends_on": "2020-08-09", "photos": [str(uuid.uuid4())]}), 422, "unknown-attachment")
    notice = call(platform, "screening", "PUT", f"{base}/notice", "township_org", json={
        "starts_on": "2020-08-03", "ends_on": "2020-08-09", "photos": [photo["file_id"]]})
    assert notice.status_code == 200, notice.text
    shown = call(platform, "screening", "GET", base, "county_org").json()
    assert shown["meeting"]["attachments"] == [minutes["file_id"]] and shown["notice"]["photos"] == [photo["file_id"]]

    # Downloaded by who may read the township's round (itself, its county), the same bytes and hash; not by another unit.
    for user in ("township_org", "county_org", "city_org"):
        same_file(call(platform, "screening", "GET", f"{base}/attachments/{minutes['file_id']}", user), MINUTES, minutes)
    same_file(call(platform, "screening", "GET", f"{base}/attachments/{photo['file_id']}", "county_org"), PHOTO, photo)
    for user in ("township2_org", "county2_org"):
        problem(call(platform, "screening", "GET", f"{base}/attachments/{minutes['file_id']}", user), 403, "forbidden")
    # Asked through another township's round, the file is not found there.
    problem(call(platform, "screening", "GET", f"/campaigns/{cid}/rounds/R1/townships/{other}/attachments/{minutes['file_id']}",
                 "county_org"), 404, "not-found")
    refuses_editing(platform, "screening", "screening_attachments", minutes["file_id"])

    # The county's site visits (县级实地走访核查) rest on files of the county's review.
    submitted = call(platform, "screening", "POST", f"{base}/submit", "township_org", json={"submitted_on": "2020-08-10"})
    assert submitted.status_code == 201, submitted.text
    assert submitted.json()["meeting"]["attachments"] == [minutes["file_id"]]   # the event carries the minutes' id
    county = f"/campaigns/{cid}/rounds/R1/counties/{COUNTY}"
    drawn = created(call(platform, "screening", "POST", f"{county}/townships/{township}/samples", "county_org",
                         json={"drawn_on": "2020-08-16"}))
    visited = [v for s in drawn["samples"] for v in s["chosen"]]
    problem(upload(platform, "screening", f"{county}/attachments", "township_org", "走访.pdf", PAPER), 403, "forbidden")
    visit_file = created(upload(platform, "screening", f"{county}/attachments", "county_org", "走访记录.pdf", PAPER))

    def visits(ids: list[str]) -> httpx.Response:
        return call(platform, "screening", "POST", f"{county}/townships/{township}/site-visits", "county_org", json={
            "checked_on": "2020-08-17", "findings": [{"village_code": v, "outcome": "confirmed", "note": "属实",
                                                      **({"attachments": ids} if i == 0 else {})}
                                                     for i, v in enumerate(visited)]})
    for ids in ([str(uuid.uuid4())], [minutes["file_id"]]):   # unknown; a file of the township's round, not the county's
        refused = problem(visits(ids), 422, "unknown-attachment")
        assert refused["errors"][0]["field"] == "body.findings.0.attachments", refused
    checked = visits([visit_file["file_id"]])
    assert checked.status_code == 201, checked.text
    assert checked.json()["check"]["findings"][0]["attachments"] == [visit_file["file_id"]]
    for user in ("county_org", "city_org"):
        same_file(call(platform, "screening", "GET", f"{county}/attachments/{visit_file['file_id']}", user), PAPER, visit_file)
    for user in ("county2_org", "township_org"):
        problem(call(platform, "screening", "GET", f"{county}/attachments/{visit_file['file_id']}", user), 403, "forbidden")


def test_acceptance_application_rests_on_the_signed_paper(platform, demo):
    helpers.set_clock(platform, "2021-03-01", seen_by="acceptance")
    campaign_id, case_id = f"att-{uuid.uuid4().hex[:8]}", f"case-{uuid.uuid4().hex[:8]}"
    village, township = "990102101201", "990102101000"
    ready = CaseReadyForAcceptance(
        case_id=case_id, campaign_id=campaign_id, village_code=village, township_code=township, county_code=COUNTY,
        ready_on=date(2021, 2, 28), measures=3, team_leader=Person(name="队长", user_id=user_id("team_leader")),
        team_members=(Person(name="队员", user_id=user_id("team_member")),),
        contact_leader=Person(name="联系领导", user_id=user_id("contact_leader")))
    send(platform, "screening", envelope(acceptance_campaign(campaign_id), CITY, "screening", campaign_id))
    send(platform, "casework", envelope(ready, village, "casework", campaign_id))

    def opened():
        page = call(platform, "acceptance", "GET", "/acceptances", "county_org",
                    params={"village": village, "campaign_id": campaign_id}).json()
        return page["items"] if page["total"] else None
    [summary] = wait_for(opened, what="the acceptance to open")
    base = f"/acceptances/{summary['acceptance_id']}"

    problem(upload(platform, "acceptance", f"{base}/attachments", "team_leader", "申请书.jpg", PAPER), 415,
            "evidence-content-mismatch")
    problem(upload(platform, "acceptance", f"{base}/attachments", "county2_org", "申请书.pdf", PAPER), 403, "forbidden")
    paper = created(upload(platform, "acceptance", f"{base}/attachments", "team_leader", "联名申请书签字件.pdf", PAPER))

    refused = problem(call(platform, "acceptance", "POST", f"{base}/application/sign", "team_leader",
                           json={"statement": "本村整顿任务已全部完成，申请验收。", "attachments": [str(uuid.uuid4())]}),
                      422, "unknown-attachment")
    assert refused["errors"][0]["field"] == "body.attachments"
    signed = call(platform, "acceptance", "POST", f"{base}/application/sign", "team_leader",
                  json={"statement": "本村整顿任务已全部完成，申请验收。", "attachments": [paper["file_id"]]})
    assert signed.status_code == 200, signed.text
    kept = signed.json()["state"]["attachments"]["application"]
    assert [(f["file_id"], f["sha256"]) for f in kept] == [(paper["file_id"], paper["sha256"])]
    # The signed application document names the paper and its hash: the signatures cover it.
    documents = call(platform, "acceptance", "GET", f"{base}/documents", "county_org").json()["items"]
    [application] = [d for d in documents if d["kind"] == "application"]
    assert application["content"]["attachments"][0]["sha256"] == paper["sha256"]

    for user in ("team_leader", "village_secretary", "township_org", "county_org"):
        same_file(call(platform, "acceptance", "GET", f"{base}/attachments/{paper['file_id']}", user), PAPER, paper)
    for user in ("county2_org", "township2_org"):
        problem(call(platform, "acceptance", "GET", f"{base}/attachments/{paper['file_id']}", user), 403, "forbidden")
    refuses_editing(platform, "acceptance", "acceptance_attachments", paper["file_id"])


def test_supervision_inspection_and_accountability_rest_on_files(platform, demo):
    helpers.set_clock(platform, "2020-09-26", seen_by="supervision")
    village, township, far_village = "990102103205", "990102103000", "990103101201"

    problem(upload(platform, "supervision", "/inspections/attachments", "supervisor", "现场.png", MINUTES, unit=village),
            415, "evidence-content-mismatch")
    problem(upload(platform, "supervision", "/inspections/attachments", "county2_org", "现场.pdf", MINUTES, unit=village),
            403, "forbidden")
    record = created(upload(platform, "supervision", "/inspections/attachments", "supervisor", "暗访记录.pdf", MINUTES,
                            unit=village))
    other_unit = created(upload(platform, "supervision", "/inspections/attachments", "supervisor", "暗访记录.pdf", MINUTES,
                                unit=far_village))
    inspection = {"kind": "unannounced", "unit_code": village, "inspected_on": "2020-09-26", "inspectors": ["督导组甲"],
                  "findings": [{"text": "工作队员不在岗", "village_code": village}]}
    for ids in ([str(uuid.uuid4())], [other_unit["file_id"]]):
        refused = problem(call(platform, "supervision", "POST", "/inspections", "supervisor",
                               json={**inspection, "attachments": ids}), 422, "unknown-attachment")
        assert refused["errors"][0]["field"] == "body.attachments"
    done = created(call(platform, "supervision", "POST", "/inspections", "supervisor",
                        json={**inspection, "attachments": [record["file_id"]]}))
    assert [(f["file_id"], f["sha256"]) for f in done["attachments"]] == [(record["file_id"], record["sha256"])]
    listed = call(platform, "supervision", "GET", "/inspections", "county_org", params={"kind": "unannounced"}).json()
    assert any(i["attachments"] and i["attachments"][0]["file_id"] == record["file_id"] for i in listed["items"])

    for user in ("supervisor", "county_org", "city_org"):
        same_file(call(platform, "supervision", "GET", f"/inspections/attachments/{record['file_id']}", user), MINUTES, record)
    problem(call(platform, "supervision", "GET", f"/inspections/attachments/{record['file_id']}", "county2_org"), 403, "forbidden")

    # The accountability decision rests on its written decision.
    decision = created(upload(platform, "supervision", "/accountability/attachments", "county_org", "约谈决定.pdf", PAPER,
                              unit=township))
    action = {"kind": "talk", "subject_code": township, "person": "赵书记", "post": "乡镇党委书记", "reason": "工作队员不在岗",
              "decided_by": "县委组织部", "decided_on": "2020-09-26", "grounds": [done["findings"][0]["finding_id"]]}
    refused = problem(call(platform, "supervision", "POST", "/accountability", "county_org",
                           json={**action, "attachments": [record["file_id"]]}), 422, "unknown-attachment")
    assert refused["errors"][0]["field"] == "body.attachments"
    talk = created(call(platform, "supervision", "POST", "/accountability", "county_org",
                        json={**action, "attachments": [decision["file_id"]]}))
    assert talk["attachments"][0]["sha256"] == hashlib.sha256(PAPER).hexdigest()
    same_file(call(platform, "supervision", "GET", f"/accountability/attachments/{decision['file_id']}", "county_committee"),
              PAPER, decision)
    problem(call(platform, "supervision", "GET", f"/accountability/attachments/{decision['file_id']}", "county2_org"),
            403, "forbidden")
    # An inspection's file is not an accountability file.
    problem(call(platform, "supervision", "GET", f"/accountability/attachments/{record['file_id']}", "county_org"),
            404, "not-found")
    refuses_editing(platform, "supervision", "sv_attachments", record["file_id"])
