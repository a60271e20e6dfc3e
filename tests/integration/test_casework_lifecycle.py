"""Casework against the real parts, beyond the main scenario: a policy revision changes the team
rule, the pairing limit counts across villages, acceptance's verdicts move the case through
accepted and delisted, and a relapse at post-evaluation reopens it with its history."""
from __future__ import annotations

import asyncio
import uuid
from datetime import date

from tests.integration.helpers import wait_for
from tests.integration.test_casework_case import (
    call, campaign, designation, envelope, ok, person, refused, send, set_clock,
)
from zhengdun.events.acceptance import PostEvaluated, VillageAccepted, VillageDelisted
from zhengdun.events.screening import Policy, PolicyRevised

VILLAGES = ["990102102201", "990102102202", "990102102203", "990102102204"]


def open_cases(platform, campaign_id: str, villages: list[str]) -> dict[str, str]:
    send(platform, "screening", envelope(campaign(campaign_id), "990100000000", campaign_id=campaign_id),
         *[envelope(designation(campaign_id, v), v, campaign_id=campaign_id) for v in villages])

    def opened():
        page = ok(call(platform, "GET", "/cases", "county_org", params={"campaign_id": campaign_id}))
        return page if page["total"] == len(villages) else None
    return {c["village_code"]: c["case_id"] for c in wait_for(opened, what="cases opened")["items"]}


def test_policy_revision_pairing_limit_and_acceptance_verdicts(platform, demo):
    set_clock(platform, "2020-09-10")
    campaign_id = f"camp-{uuid.uuid4().hex[:8]}"
    cases = open_cases(platform, campaign_id, VILLAGES)

    # A revised policy allowing teams of six, in force from 2020-09-10, is what the team rule applies.
    leader = person("队长", "section")
    six = [person(f"队员{i}") for i in range(5)]
    first = f"/cases/{cases[VILLAGES[0]]}"
    refused(call(platform, "PUT", f"{first}/team", "township2_org", json={"leader": leader, "members": six,
                                                                           "stationed_on": "2020-09-10"}), 422, "team-size")
    revised = PolicyRevised(campaign_id=campaign_id, policy_version=2, policy=Policy(team_size_max=6),
                            reason="山区村工作队可增至6人", effective_on=date(2020, 9, 10))
    send(platform, "screening", envelope(revised, "990100000000", campaign_id=campaign_id))
    wait_for(lambda: call(platform, "PUT", f"{first}/team", "township2_org", json={
        "leader": leader, "members": six, "stationed_on": "2020-09-10"}).status_code == 200, what="policy v2 applied")
    team = ok(call(platform, "GET", f"{first}/ledger", "county_org"))["history"][-1]
    assert team["kind"] == "team_stationed" and team["data"]["policy_version"] == 2
    # township_org (township 101) cannot staff a village of township 102.
    refused(call(platform, "PUT", "/cases/" + ok(call(platform, "GET", "/cases", "county_org", params={
        "campaign_id": campaign_id, "size": 1}))["items"][0]["case_id"] + "/first-secretary", "township_org",
        json={"secretary": person("x"), "appointed_on": "2020-09-10"}), 403, "forbidden")

    # One excellent secretary: three villages at most (counted across cases).
    secretary = {"secretary": person("优秀书记", unit="990102103201"), "secretary_village_code": "990102103201",
                 "paired_on": "2020-09-10"}
    for village in VILLAGES[:3]:
        ok(call(platform, "POST", f"/cases/{cases[village]}/pairings", "county_org", json=secretary), 201)
    refused(call(platform, "POST", f"/cases/{cases[VILLAGES[3]]}/pairings", "county_org", json=secretary), 422, "pairing-limit")

    # Acceptance's verdicts: accepted → delisted; a relapse at post-evaluation reopens the case.
    case_id = cases[VILLAGES[1]]
    ref = dict(acceptance_id="acc-9", case_id=case_id, campaign_id=campaign_id, village_code=VILLAGES[1],
               township_code="990102102000", county_code="990102000000")
    send(platform, "acceptance",
         envelope(VillageAccepted(**ref, accepted_on=date(2020, 9, 10)), VILLAGES[1], "acceptance", campaign_id),
         envelope(VillageDelisted(**ref, delisted_on=date(2020, 9, 10), post_evaluation_due=date(2020, 12, 10)),
                  VILLAGES[1], "acceptance", campaign_id))
    wait_for(lambda: ok(call(platform, "GET", f"/cases/{case_id}", "county_org"))["phase"] == "delisted", what="delisted")
    refused(call(platform, "POST", f"/cases/{case_id}/problems", "township2_org", json={
        "title": "新问题", "found_on": "2020-09-10"}), 409, "case-closed")
    set_clock(platform, "2020-12-10")
    send(platform, "acceptance", envelope(PostEvaluated(**ref, evaluated_on=date(2020, 12, 10), relapsed=True,
                                                        reason="班子再次涣散"), VILLAGES[1], "acceptance", campaign_id))
    wait_for(lambda: ok(call(platform, "GET", f"/cases/{case_id}", "county_org"))["phase"] == "concentrated",
             what="reopened after relapse")
    history = ok(call(platform, "GET", f"/cases/{case_id}/ledger", "county_org"))["history"]
    phases = [e["data"]["phase"] for e in history if e["kind"] == "phase_changed"]
    assert phases == ["accepted", "delisted", "concentrated"]
    assert ok(call(platform, "GET", f"/cases/{case_id}", "county_org"))["reopened"] == 1
    # As of the day it was delisted the book still shows it delisted.
    assert ok(call(platform, "GET", f"/cases/{case_id}/ledger", "county_org",
                   params={"as_of": "2020-09-10"}))["case"]["phase"] == "delisted"
    # The book is append-only in the database too.
    rows = asyncio.run(platform.fetch("casework", "SELECT count(*) AS n FROM case_entries WHERE case_id = $1", case_id))
    assert rows[0]["n"] == len(history)
