"""数据同步中: a write names the events it published (X-Zhengdun-Events), and reporting answers
whether they have reached its figures — what the console shows until they have."""
from __future__ import annotations

import httpx

from tests.integration.helpers import wait_for
from tests.integration.test_screening_support import CITY, Caller, is_problem
from zhengdun_demo.client import auth

OPENED = "zhengdun.screening.campaign.opened.v1"
SUBMITTED = "zhengdun.screening.township_list.submitted.v1"  # reporting does not consume it


def sync_state(platform, events: str, user: str = "city_org") -> httpx.Response:
    return httpx.get(f"{platform.url('reporting')}/sync", params={"events": events}, headers=auth(user), timeout=30)


def test_a_write_names_its_events_and_reporting_says_when_they_are_in_the_figures(platform, demo):
    opened = Caller(platform, "city_org").post("/campaigns", {"name": "同步状态", "area_code": CITY, "opened_on": "2020-07-01"})
    assert opened.status_code == 201, opened.text
    named = opened.headers["X-Zhengdun-Events"]
    event_type, event_id = named.split()
    assert event_type == OPENED and len(event_id) >= 32

    # Eventually applied by reporting's consumer: then nothing is pending any more.
    state = wait_for(lambda: (s := sync_state(platform, named).json())["caught_up"] and s, timeout=120,
                     what="reporting applied the campaign's opening")
    assert state == {"caught_up": True, "applied": 1, "pending": 0, "not_consumed": 0}

    # An event nobody published yet is pending; a type reporting never consumes is nothing to wait for.
    waiting = sync_state(platform, f"{OPENED} 00000000-0000-4000-8000-000000000000, {SUBMITTED} {event_id}").json()
    assert waiting == {"caught_up": False, "applied": 0, "pending": 1, "not_consumed": 1}

    # A read publishes nothing and says so by the header's absence; a refused write names nothing either.
    assert "X-Zhengdun-Events" not in Caller(platform, "city_org").get("/campaigns").headers
    refused = Caller(platform, "city_org").post("/campaigns", {"name": "x", "area_code": CITY, "opened_on": "2020-13-01"})
    assert refused.status_code == 422 and "X-Zhengdun-Events" not in refused.headers


def test_sync_state_refuses_what_it_cannot_read_and_needs_a_token(platform):
    bad = is_problem(sync_state(platform, "just-one-word"), 422)
    assert bad["errors"][0]["field"] == "query.events"
    anonymous = httpx.get(f"{platform.url('reporting')}/sync", params={"events": f"{OPENED} x"}, timeout=30)
    assert anonymous.status_code == 401
