"""The failing branches on the real parts: a revised policy's satisfaction threshold fails a village at the
survey (AcceptanceFailed, back to rectification); casework announcing it ready again opens a second round;
a failed city spot check revokes that acceptance (AcceptanceFailed with revokes_acceptance)."""
from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from tests.integration.helpers import wait_for
from tests.integration.test_acceptance_flow import (
    CITY, COUNTY, STANDARD, TOWNSHIP, VILLAGE, call, campaign, envelope, ok, refused, send, set_clock, topic_events,
    user_id,
)
from zhengdun.events.casework import CaseReadyForAcceptance, Person
from zhengdun.events.screening import Policy, PolicyRevised


def run_to_county_passed(platform, aid: str) -> None:
    def post(suffix: str, user: str, body: dict) -> dict:
        return ok(call(platform, "POST", f"/acceptances/{aid}/{suffix}", user, json=body))

    post("application/sign", "team_leader", {"statement": "申请验收"})
    post("application/sign", "village_secretary", {})
    post("self-check", "team_leader", {"scores": {"A1": 25, "B1": 25, "C1": 25, "D1": 25}})
    post("preliminary", "township_org", {"inspection_group": ["甲", "乙"], "passed": True, "report": "可以摘帽",
                                         "meeting": {"held_on": "2021-03-01", "attendees": ["书记"], "minutes": "同意"}})
    post("preliminary/sign", "township_principal", {})
    post("county/group", "county_org", {"leader": {"name": "赵", "rank": "county"}, "departments": ["discipline"]})
    post("county/opinions", "review_discipline", {"agrees": True, "opinion": "同意"})
    post("county/report", "county_org", {"passed": True, "report": "达标"})
    post("county/approve", "county_committee", {"approved": True, "meeting_on": "2021-03-01", "minutes": "审定"})
    assert post("county/sign", "county_secretary", {})["stage"] == "county_passed"


def test_survey_below_revised_threshold_then_second_round_revoked_by_spot_check(platform, demo):
    set_clock(platform, "2021-03-01")
    campaign_id = f"camp-{uuid.uuid4().hex[:8]}"
    case_id = f"case-{uuid.uuid4().hex[:8]}"
    revised = PolicyRevised(campaign_id=campaign_id, policy_version=2, policy=Policy(satisfaction_threshold=Decimal("0.80")),
                            reason="提高满意度要求", effective_on=date(2021, 1, 1))
    send(platform, "screening", envelope(campaign(campaign_id), CITY, "screening", campaign_id),
         envelope(revised, CITY, "screening", campaign_id))

    def ready(on: date) -> CaseReadyForAcceptance:
        return CaseReadyForAcceptance(case_id=case_id, campaign_id=campaign_id, village_code=VILLAGE, township_code=TOWNSHIP,
                                      county_code=COUNTY, ready_on=on, measures=2, team_members=(),
                                      team_leader=Person(name="队长", user_id=user_id("team_leader")))

    def acceptances() -> list[dict]:
        return ok(call(platform, "GET", "/acceptances", "county_org", params={"campaign_id": campaign_id}))["items"]

    send(platform, "casework", envelope(ready(date(2021, 2, 28)), VILLAGE, "casework", campaign_id))
    [first] = wait_for(acceptances, what="round 1 to open")
    ok(call(platform, "PUT", f"/campaigns/{campaign_id}/standard", "city_org", json=STANDARD))
    run_to_county_passed(platform, first["acceptance_id"])

    # 84 of 120 = 70%: enough under the seed's 70%, not under the revised 80%.
    view = ok(call(platform, "POST", f"/acceptances/{first['acceptance_id']}/survey", "county_org",
                   json={"respondents": 120, "satisfied": 84}))
    assert view["stage"] == "failed" and view["state"]["failure"]["step"] == "survey"
    refused(call(platform, "POST", f"/acceptances/{first['acceptance_id']}/survey", "county_org",
                 json={"respondents": 120, "satisfied": 110}), 409, "step-out-of-order")

    # Casework says the village is ready again: a second round opens (a redelivery would not open a third).
    again = envelope(ready(date(2021, 3, 1)), VILLAGE, "casework", campaign_id)
    send(platform, "casework", again, again)
    rounds = wait_for(lambda: (items := acceptances()) and len(items) == 2 and items, what="round 2 to open")
    second = next(a for a in rounds if a["round"] == 2)
    run_to_county_passed(platform, second["acceptance_id"])
    assert ok(call(platform, "POST", f"/acceptances/{second['acceptance_id']}/survey", "county_org",
                   json={"respondents": 120, "satisfied": 96}))["stage"] == "accepted"

    sample = ok(call(platform, "POST", "/spot-checks", "city_org",
                     json={"campaign_id": campaign_id, "county_code": COUNTY, "seed": "city-round-2"}))
    assert sample["chosen"] == [VILLAGE]
    view = ok(call(platform, "POST", f"/acceptances/{second['acceptance_id']}/spot-checks/city", "city_org",
                   json={"passed": False, "findings": "抽查发现村班子仍不团结"}))
    assert view["stage"] == "failed" and view["state"]["failure"]["revokes"] is True
    refused(call(platform, "POST", f"/acceptances/{second['acceptance_id']}/notice", "township_org",
                 json={"place": "公示栏"}), 409, "step-out-of-order")

    def failures():
        events = [e for e in topic_events(platform, "acceptance") if e["campaignid"] == campaign_id
                  and e["type"] == "zhengdun.acceptance.failed.v1"]
        return events if len(events) == 2 else None
    survey_failed, revoked = wait_for(failures, timeout=30, what="two AcceptanceFailed events")
    assert (survey_failed["data"]["step"], survey_failed["data"]["revokes_acceptance"]) == ("survey", False)
    assert survey_failed["data"]["acceptance_id"] == first["acceptance_id"]
    assert (revoked["data"]["step"], revoked["data"]["revokes_acceptance"]) == ("city_spot_check", True)
    assert revoked["data"]["case_id"] == case_id
