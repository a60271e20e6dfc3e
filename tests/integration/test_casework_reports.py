"""The case's progress report to the county every two months (seed 001 §二(二)) on the real parts: the team files
it in casework, supervision raises an alert the day after a period ends without one and resolves it when the late
report comes, recording the policy version it applied; in the continued phase a change of team is an exception
that states its reason and is flagged in the ledger (seed 000 §三(三) 引言)."""
from __future__ import annotations

import asyncio
import uuid

from tests.integration.helpers import send, set_clock, topic_events, wait_for
from tests.integration.test_casework_case import (COUNTY, VILLAGE, call, campaign, designation, envelope, ok, person,
                                                  refused, user_id)
from tests.integration.test_supervision_support import by_key


def test_progress_reports_every_period_alert_when_missing_and_continued_changes_are_flagged(platform, demo):
    set_clock(platform, "2020-09-10", seen_by="casework")
    campaign_id = f"rep-{uuid.uuid4().hex[:8]}"
    send(platform, "screening", envelope(campaign(campaign_id), "990100000000", campaign_id=campaign_id),
         envelope(designation(campaign_id), VILLAGE, campaign_id=campaign_id))   # designated 2020-09-05
    case_id = wait_for(lambda: (p := ok(call(platform, "GET", "/cases", "county_org", params={
        "county": COUNTY, "campaign_id": campaign_id})))["total"] and p["items"][0]["case_id"], what="the case to open")
    base = f"/cases/{case_id}"
    ok(call(platform, "PUT", f"{base}/team", "county_org", json={
        "leader": person("卫队长", "section", user_id=user_id("team_leader")),
        "members": [person("蒋队员"), person("张队员")], "stationed_on": "2020-09-08"}))

    # Periods run from the first full month after designation: October–November is the first.
    refused(call(platform, "POST", f"{base}/progress-reports", "team_leader", json={
        "filed_on": "2020-09-10", "summary": "工作队已进驻"}), 409, "period-not-started")
    refused(call(platform, "POST", f"{base}/progress-reports", "county_org", json={
        "filed_on": "2020-09-10", "summary": "x"}), 403, "forbidden")   # the county receives it, it does not file it
    set_clock(platform, "2020-10-05", seen_by="casework")
    filed = ok(call(platform, "POST", f"{base}/progress-reports", "team_leader", json={
        "filed_on": "2020-10-05", "summary": "问题清单、任务清单已建立，整改措施推进中"}), 201)
    data = filed["entry"]["data"]
    assert (data["period_start"], data["period_end"], data["policy_version"]) == ("2020-10-01", "2020-11-30", 1)
    assert filed["entry"]["label"] == "向县委组织部报送整顿进展"
    refused(call(platform, "POST", f"{base}/progress-reports", "township_org", json={
        "filed_on": "2020-10-05", "summary": "再报"}), 409, "period-reported")
    event = wait_for(lambda: next((e for e in topic_events(platform, "casework")
                                   if e["type"] == "zhengdun.casework.progress_report.filed.v1"
                                   and e["data"]["case_id"] == case_id), None), what="the report published")
    assert event["data"]["period_end"] == "2020-11-30" and event["data"]["summary"].startswith("问题清单")
    assert ok(call(platform, "GET", base, "county_org"))["progress_reports"][0]["period_start"] == "2020-10-01"
    wait_for(lambda: asyncio.run(platform.fetch("supervision", "select count(*) as n from sv_progress_reports "
                                                "where campaign_id = $1", campaign_id))[0]["n"] == 1,
             what="supervision has the report")

    # December–January unreported: nothing on its last day, an alert on the township the day after.
    key = f"progress_report_missing:{campaign_id}:{VILLAGE}:2020-12-01"
    set_clock(platform, "2021-01-31", seen_by="supervision")
    assert key not in by_key(platform, campaign_id)
    set_clock(platform, "2021-02-01", seen_by="supervision")
    alerts = wait_for(lambda: (a := by_key(platform, campaign_id)).get(key) and a, what="missing report alert")
    missing = alerts[key]
    assert missing["status"] == "open" and missing["due_on"] == "2021-01-31" and missing["subject_code"] == VILLAGE[:9] + "000"
    assert missing["policy_version"] == 1 and missing["label"] == "整顿进展未按期向县委组织部报送"
    assert f"progress_report_missing:{campaign_id}:{VILLAGE}:2020-10-01" not in alerts   # reported in time
    # The late report names its period and resolves the alert.
    ok(call(platform, "POST", f"{base}/progress-reports", "team_leader", json={
        "filed_on": "2021-02-01", "period_start": "2020-12-01", "summary": "补报：整改措施已完成过半"}), 201)
    wait_for(lambda: by_key(platform, campaign_id)[key]["status"] == "resolved", what="missing report alert resolved")

    # Continued phase: the team stays in principle; a change is an exception with its stated reason, flagged.
    set_clock(platform, "2021-06-01", seen_by="casework")
    wait_for(lambda: ok(call(platform, "GET", base, "county_org"))["phase"] == "continued", what="continued rectification")
    change = {"leader": person("卫队长", "section", user_id=user_id("team_leader")),
              "members": [person("蒋队员"), person("李队员")], "stationed_on": "2021-06-01", "change_reason": "队员调整",
              "decision": {"reference": "县委组发〔2021〕3号", "decided_on": "2021-06-01"}}
    problem = call(platform, "PUT", f"{base}/team", "county_org", json=change)
    refused(problem, 422, "continued-change-needs-exception")
    assert problem.json()["field"] == "exception_reason" and "原则上保持不变" in problem.json()["detail"]
    changed = ok(call(platform, "PUT", f"{base}/team", "county_org", json={**change, "exception_reason": "张队员病休"}))
    assert changed["entry"]["data"]["continued_exception"] == "张队员病休"
    assert changed["entry"]["flag"] == "持续整顿阶段例外调整：张队员病休"
    history = ok(call(platform, "GET", f"{base}/ledger", "county_org"))["history"]
    assert [e["flag"] for e in history if e["flag"]] == ["持续整顿阶段例外调整：张队员病休"]
