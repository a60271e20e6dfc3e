"""Reminders, alerts and escalations reach people: one measure's reminder (N days before its
deadline), its overdue alert and the escalation to the county each land once in the in-app inbox,
once in the local SMTP server's maildir (read back from it) and once at a group-robot webhook
started by the test; the robot failing at first is retried without holding up email; redelivered
events and a repeated day send nothing twice."""
from __future__ import annotations

import email
import email.policy
import os
import uuid
from datetime import date
from pathlib import Path

import httpx
import jwt
import pytest

from tests.integration.helpers import publish, set_clock, wait_for
from tests.integration.test_supervision_support import envelope, open_campaign
from tests.support.platform import ROOT
from tests.support.robot import RobotReceiver
from zhengdun_demo.client import auth, password_token
from zhengdun.events.acceptance import AcceptanceFailed, AcceptanceStep
from zhengdun.events.casework import CaseReadyForAcceptance, MeasurePlanned, Person
from zhengdun.events.screening import TownshipListReturned

VILLAGE = "990102101201"
TOWNSHIP = "990102101000"
COUNTY = "990102000000"
MAILDIR = Path(os.environ.get("ZD_LOCAL_DIR", ROOT / ".local")) / "mail" / "new"


@pytest.fixture
def robot():
    receiver = RobotReceiver()
    yield receiver
    receiver.close()


def user_id(username: str) -> str:
    return jwt.decode(password_token(username), options={"verify_signature": False})["sub"]


def call(platform, method: str, path: str, user: str, **kwargs) -> httpx.Response:
    return httpx.request(method, platform.url("supervision") + path, headers=auth(user), timeout=15, **kwargs)


def ok(response: httpx.Response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def mails(address: str, ids: list[str]) -> list[email.message.EmailMessage]:
    """Messages to ``address`` about the given notifications, as the local SMTP server stored them."""
    found = []
    for path in MAILDIR.glob("*") if MAILDIR.exists() else []:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if message["To"] == address and message["X-Zhengdun-Notification"] in ids:
            found.append(message)
    return found


def robot_ids(robot: RobotReceiver, path: str, ids: list[str]) -> list[str]:
    """The given notifications' ids in the order the robot at ``path`` received them (repeats kept)."""
    return [i for m in robot.received(path) for i in ids if i in m["text"]["content"]]


def inbox(platform, user: str, reference: str) -> list[dict]:
    items = ok(call(platform, "GET", "/notifications", user, params={"size": 500}))["items"]
    return [n for n in items if n["reference"] == reference]


def supervision_query(platform, query: str, *args):
    import asyncio
    return asyncio.run(platform.fetch("supervision", query, *args))


def test_reminder_alert_and_escalation_reach_inbox_email_and_robot_once(platform, demo, robot):
    tag = uuid.uuid4().hex[:8]
    member_mail, county_mail = f"member-{tag}@example.cn", f"county-{tag}@example.cn"
    member = user_id("team_member")

    # Preferences: the responsible person by email; the township's and county's group robots; the county's mailbox.
    ok(call(platform, "PUT", "/notifications/preferences", "team_member",
            json={"email": member_mail, "email_enabled": True}))
    for code, path in ((TOWNSHIP, "/township"), (COUNTY, "/county")):
        prefs = ok(call(platform, "PUT", f"/units/{code}/notification-preferences", "county_org", json={
            "webhook_url": robot.url(path), "webhook_kind": "wecom" if code == TOWNSHIP else "dingtalk",
            "email": county_mail if code == COUNTY else None, "email_enabled": code == COUNTY}))
        assert prefs["webhook_url"] == robot.url(path)
    # Refused: another county's unit, bad input.
    assert call(platform, "PUT", "/units/990103000000/notification-preferences", "county_org",
                json={"email_enabled": False}).status_code == 403
    assert call(platform, "PUT", "/notifications/preferences", "team_member",
                json={"email": "not-an-address", "email_enabled": True}).status_code == 422
    robot.fail_next("/township", 2)   # the township's robot is down at first: retried, email unaffected

    try:
        set_clock(platform, "2020-09-01", seen_by="supervision")
        # Township list deadlines after the test's days, so this campaign raises no alert but the measure's.
        campaign_id, _ = open_campaign(platform, area=TOWNSHIP, reminder_days_before_deadline=3, escalation_days=2,
                                       township_list_due=date(2020, 12, 1), county_review_due=date(2020, 12, 1),
                                       city_spot_check_due=date(2020, 12, 1))
        measure_id = f"{campaign_id}-m1"
        planned = envelope("casework", MeasurePlanned(
            case_id=f"case-{campaign_id}", campaign_id=campaign_id, village_code=VILLAGE, township_code=TOWNSHIP,
            county_code=COUNTY, measure_id=measure_id, problem_id="p1", task_id="t1", title="健全组织生活",
            responsible="卫队员", responsible_user_id=member, responsible_username="team_member",
            deadline=date(2020, 9, 10), planned_on=date(2020, 9, 1)), VILLAGE, campaign_id)
        publish(platform, ("casework", planned))
        wait_for(lambda: supervision_query(platform, "select 1 from sv_measures where measure_id=$1", measure_id),
                 what="the measure in supervision")

        set_clock(platform, "2020-09-06", seen_by="supervision")      # four days before: not yet
        assert inbox(platform, "team_member", measure_id) == []
        set_clock(platform, "2020-09-07", seen_by="supervision")      # three days before: the reminder
        [reminder] = wait_for(lambda: inbox(platform, "team_member", measure_id), what="the reminder in the inbox")
        assert reminder["kind"] == "reminder" and reminder["user_id"] == member and not reminder["read"]
        assert "3 天到期" in reminder["title"]

        set_clock(platform, "2020-09-11", seen_by="supervision")      # the day after the deadline: the alert
        alert_id = wait_for(lambda: supervision_query(
            platform, "select alert_id from sv_alerts where key=$1", f"measure_overdue:{campaign_id}:{measure_id}"),
            what="the overdue alert")[0][0]
        [alert] = wait_for(lambda: inbox(platform, "team_member", alert_id), what="the alert in the inbox")
        assert alert["kind"] == "alert" and alert["unit_code"] == TOWNSHIP

        set_clock(platform, "2020-09-13", seen_by="supervision")      # still open two days on: circulated to the county
        [escalation] = wait_for(lambda: inbox(platform, "county_org", alert_id), what="the escalation in the inbox")
        assert escalation["kind"] == "escalation" and escalation["unit_code"] == COUNTY and escalation["user_id"] is None
        assert "通报" in escalation["title"]
        assert inbox(platform, "county2_org", alert_id) == []           # another county's people do not see it

        ids = [reminder["notification_id"], alert["notification_id"], escalation["notification_id"]]
        # Two channels each: the person's email and the township's robot (reminder, alert); the county's mailbox
        # and robot (escalation).
        wait_for(lambda: supervision_query(platform, "select count(*) from sv_deliveries where notification_id = any($1) "
                                                     "and status = 'sent'", ids)[0][0] == 6, what="all six deliveries sent")

        # Email, read back from the local SMTP server's maildir (other tests' alerts may reach the same units:
        # only this test's notifications are counted).
        mine = {i: n for i, n in zip(ids, (reminder, alert, escalation))}
        assert sorted(m["Subject"] for m in mails(member_mail, ids)) == sorted([reminder["title"], alert["title"]])
        assert [m["Subject"] for m in mails(county_mail, ids)] == [escalation["title"]]
        # The robots: the WeCom / DingTalk text message shape, each notification once.
        assert sorted(robot_ids(robot, "/township", ids)) == sorted(ids[:2])
        assert robot_ids(robot, "/county", ids) == [ids[2]]
        assert all(m["msgtype"] == "text" and m["text"]["content"].startswith(mine[i]["title"])
                   for path in ("/township", "/county") for m in robot.received(path)
                   for i in ids if i in m["text"]["content"])
        # The township's robot refused twice: retried with backoff, while email went out at the first attempt.
        assert robot.refused["/township"] == 2
        assert supervision_query(platform, "select count(*) from sv_deliveries where target=$1 and attempts > 1 "
                                           "and status='sent'", robot.url("/township"))[0][0] >= 1
        assert supervision_query(platform, "select max(attempts) from sv_deliveries where notification_id = any($1) "
                                           "and channel='email'", ids)[0][0] == 1

        # Read marks and the bell's count.
        before = ok(call(platform, "GET", "/notifications/unread-count", "team_member"))["unread"]
        assert ok(call(platform, "POST", f"/notifications/{reminder['notification_id']}/read", "team_member"))["read"]
        assert ok(call(platform, "GET", "/notifications/unread-count", "team_member"))["unread"] == before - 1
        assert inbox(platform, "team_member", measure_id)[0]["read"] is True
        assert call(platform, "POST", f"/notifications/{escalation['notification_id']}/read",
                    "team_member").status_code == 404   # not in this person's inbox

        # Redelivery of the same events and the same day again: nothing new is created or sent.
        counted = "select count(*) from sv_deliveries where notification_id = any($1)"
        deliveries_before = supervision_query(platform, counted, ids)[0][0]
        publish(platform, ("casework", planned))
        set_clock(platform, "2020-09-13", seen_by="supervision")
        set_clock(platform, "2020-09-14", seen_by="supervision")
        wait_for(lambda: not supervision_query(platform, "select 1 from sv_deliveries where status='pending' and "
                                                         "attempts = 0"), what="the sender idle")
        assert supervision_query(platform, counted, ids)[0][0] == deliveries_before == 6
        assert len(supervision_query(platform, "select 1 from sv_notifications where reference = any($1)",
                                     [measure_id, alert_id])) == 3
        assert len(mails(member_mail, ids)) == 2 and len(mails(county_mail, ids)) == 1
        assert len(robot_ids(robot, "/township", ids)) == 2 and robot_ids(robot, "/county", ids) == [ids[2]]
        # The figures the demo's summary line prints (the city's subtree holds at least these).
        stats = ok(call(platform, "GET", "/notifications/statistics", "city_org", params={"unit": "990100000000"}))
        assert stats["notifications"] >= 3 and stats["deliveries_sent"] >= 6
        assert call(platform, "GET", "/notifications/statistics", "county2_org",
                    params={"unit": "990100000000"}).status_code == 403
    finally:
        for code in (TOWNSHIP, COUNTY):   # the shared platform's other tests must not call a closed robot
            call(platform, "PUT", f"/units/{code}/notification-preferences", "county_org", json={"email_enabled": False})


def test_returned_lists_awaited_signatures_failed_and_revoked_acceptances_are_notified(platform, demo):
    campaign_id, _ = open_campaign(platform, area=TOWNSHIP, township_list_due=date(2020, 12, 1),
                                   county_review_due=date(2020, 12, 1), city_spot_check_due=date(2020, 12, 1))
    ref = dict(case_id=f"case-{campaign_id}", campaign_id=campaign_id, village_code=VILLAGE, township_code=TOWNSHIP,
               county_code=COUNTY)
    leader = user_id("team_leader")
    returned = envelope("screening", TownshipListReturned(campaign_id=campaign_id, round_id="R1", county_code=COUNTY,
                                                          township_code=TOWNSHIP, reasons=("村数不全",),
                                                          returned_on=date(2020, 8, 20)), TOWNSHIP, campaign_id)
    ready = envelope("casework", CaseReadyForAcceptance(**ref, ready_on=date(2020, 9, 20), measures=1,
                                                        team_leader=Person(name="钱队长", user_id=leader),
                                                        team_members=()), VILLAGE, campaign_id)
    failed, revoked = (envelope("acceptance", AcceptanceFailed(
        acceptance_id=f"acc-{campaign_id}", **ref, step=step, failed_on=date(2020, 10, 1), reason="群众满意度不足",
        revokes_acceptance=revokes), VILLAGE, campaign_id)
        for step, revokes in ((AcceptanceStep.COUNTY, False), (AcceptanceStep.CITY_SPOT_CHECK, True)))
    publish(platform, ("screening", returned), ("casework", ready), ("acceptance", failed), ("acceptance", revoked))
    publish(platform, ("acceptance", failed))   # redelivered: no second notice

    def kinds(user: str) -> dict[str, str]:
        items = ok(call(platform, "GET", "/notifications", user, params={"size": 500}))["items"]
        return {n["reference"]: n["kind"] for n in items if n["campaign_id"] == campaign_id}

    township = wait_for(lambda: k if len(k := kinds("township_org")) == 3 else None, what="the township's notices")
    assert township == {returned.id: "list_returned", failed.id: "acceptance_failed", revoked.id: "spot_check_revoked"}
    assert wait_for(lambda: kinds("team_leader"), what="the leader's notice") == {ready.id: "signature_awaited"}
    assert len(supervision_query(platform, "select 1 from sv_notifications where reference=$1", failed.id)) == 1
