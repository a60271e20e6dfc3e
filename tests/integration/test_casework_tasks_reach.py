"""Casework's to-do list (GET /tasks) reads only the cases that may hold a step of the caller's: on the real parts,
the steps that the narrowing statement must not lose are still there — a contact leader named by login who holds
no contact-leader role, the month's visits counted from this month only, the steps gone once taken."""
from __future__ import annotations

import uuid

import httpx

from tests.integration.helpers import send, wait_for
from tests.integration.test_casework_case import (
    call, campaign, designation, envelope, ok, person, set_clock, user_id)
from zhengdun_demo.client import auth

VILLAGE = "990102101201"   # the demo team leader's village (the campaign is this test's own)


def tasks(platform, user: str, campaign_id: str) -> list[dict]:
    response = httpx.get(f"{platform.url('casework')}/tasks", headers=auth(user), timeout=60,
                         params={"size": 500, "campaign_id": campaign_id})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def kinds(items: list[dict]) -> list[str]:
    return sorted(t["kind"] for t in items)


def test_the_narrowed_to_do_list_keeps_every_step(platform, demo):
    set_clock(platform, "2020-09-10")
    campaign_id = f"camp-{uuid.uuid4().hex[:8]}"
    send(platform, "screening", envelope(campaign(campaign_id), "990100000000", campaign_id=campaign_id),
         envelope(designation(campaign_id, VILLAGE), VILLAGE, campaign_id=campaign_id))
    opened = wait_for(lambda: tasks(platform, "county_org", campaign_id) or None, what="the case to open")
    assert kinds(opened) == ["casework.contact_leader", "casework.team"]          # org staff: nobody named yet
    case_id = opened[0]["action"]["path"].split("/")[2]
    assert tasks(platform, "contact_leader", campaign_id) == []                   # no contact leader yet

    ok(call(platform, "PUT", f"/cases/{case_id}/team", "county_org",
            json={"leader": person("卫队长", "section"), "members": [person("队员甲"), person("队员乙")],
                  "stationed_on": "2020-09-08"}))
    assert kinds(tasks(platform, "county_org", campaign_id)) == ["casework.contact_leader"]

    # The county's org staff named by login as the contact leader: the month's visits are theirs, though their
    # roles hold no contact-leader role; the contact leaders of the county see nothing of this village.
    ok(call(platform, "PUT", f"/cases/{case_id}/contact-leader", "county_org",
            json={"leader": person("李县组", "county", user_id=user_id("county_org")), "assigned_on": "2020-09-09"}))
    [visit] = tasks(platform, "county_org", campaign_id)
    assert visit["kind"] == "casework.visit" and visit["progress"] == {"done": 0, "required": 2}
    assert tasks(platform, "contact_leader", campaign_id) == []

    # The county changes its contact leader by decision: the visits move to the new one.
    ok(call(platform, "PUT", f"/cases/{case_id}/contact-leader", "county_org",
            json={"leader": person("王联系", "county", user_id=user_id("contact_leader")), "assigned_on": "2020-09-10",
                  "change_reason": "工作调整", "decision": {"reference": "示县组〔2020〕9号", "decided_on": "2020-09-10"}}))
    assert tasks(platform, "county_org", campaign_id) == []
    [visit] = tasks(platform, "contact_leader", campaign_id)
    assert visit["progress"] == {"done": 0, "required": 2}

    problem_id = ok(call(platform, "POST", f"/cases/{case_id}/problems", "team_leader",
                         json={"title": "班子软弱", "found_on": "2020-09-09"}), 201)["entry"]["data"]["problem_id"]
    musts = {"team_members": ["队员甲"], "village_cadres": ["村书记"], "key_persons": ["老党员"], "problems_pushed": [problem_id]}
    # A visit short of the 三必须 does not count; two that meet them clear the month.
    ok(call(platform, "POST", f"/cases/{case_id}/visits", "contact_leader", json={"visited_on": "2020-09-10"}), 201)
    assert tasks(platform, "contact_leader", campaign_id)[0]["progress"] == {"done": 0, "required": 2}
    for day in ("2020-09-09", "2020-09-10"):
        ok(call(platform, "POST", f"/cases/{case_id}/visits", "contact_leader", json={"visited_on": day, **musts}), 201)
    assert tasks(platform, "contact_leader", campaign_id) == []

    # A new month: last month's visits count no more.
    set_clock(platform, "2020-10-01")
    [visit] = tasks(platform, "contact_leader", campaign_id)
    assert visit["progress"] == {"done": 0, "required": 2} and visit["due_on"] == "2020-10-31"
    ok(call(platform, "POST", f"/cases/{case_id}/visits", "contact_leader", json={"visited_on": "2020-10-01", **musts}), 201)
    assert tasks(platform, "contact_leader", campaign_id)[0]["progress"] == {"done": 1, "required": 2}
