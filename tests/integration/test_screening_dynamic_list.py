"""The dynamic list on the real parts: acceptance's VillageDelisted removes a target (once, even redelivered),
a relapse at post-evaluation designates it again, and a re-screening round designates the newly found
village, enforces carry-over and shows the county its consistency flags."""
from __future__ import annotations

import asyncio

from tests.integration.helpers import send, wait_for
from tests.integration.test_screening_support import (
    CITY, COUNTY, TOWNSHIPS, Caller, assessments_for, findings, is_problem, of_type, screen_township,
    set_clock, topic_events, township_users)
from zhengdun.events.acceptance import PostEvaluated, VillageDelisted
from zhengdun.events.base import Actor, Envelope, type_of

VILLAGE = "990102101201"


def send_acceptance(platform, payload, envelope_id: str | None = None) -> str:
    """Publish on the run's acceptance topic as its outbox relay does; answers the envelope id."""
    envelope = Envelope(source="/zhengdun/acceptance", type=type_of(payload), subject=payload.village_code,
                        divisioncode=payload.village_code, campaignid=payload.campaign_id,
                        actor=Actor.system("acceptance"), data=payload.model_dump(mode="json"),
                        **({"id": envelope_id} if envelope_id else {}))
    send(platform, "acceptance", envelope)
    return envelope.id


def test_delisting_relapse_and_rescreening_keep_the_list_current(platform, demo):
    set_clock(platform, "2021-06-01")
    city_org, county_org, committee = Caller(platform, "city_org"), Caller(platform, "county_org"), Caller(platform, "county_committee")
    opened = city_org.post("/campaigns", {"name": "动态管理", "area_code": CITY, "opened_on": "2020-07-01"})
    assert opened.status_code == 201, opened.text
    cid, criteria = opened.json()["campaign_id"], [c["code"] for c in opened.json()["criteria"]]
    users = township_users(platform)
    for township in TOWNSHIPS:
        submitted = screen_township(users[township], cid, "R1", township, assessments_for(township, criteria))
        assert submitted.status_code == 201, submitted.text
    county = f"/campaigns/{cid}/rounds/R1/counties/{COUNTY}"
    first = committee.post(f"{county}/confirm", {"decision_number": "示县委〔2020〕18号", "decided_on": "2020-08-18"})
    assert first.status_code == 201 and first.json()["designated"] == 30, first.text

    def targets() -> int:
        return county_org.get(f"/campaigns/{cid}/targets", under=COUNTY).json()["total"]

    # Acceptance delisted the village: it leaves the list, exactly once even when the event is redelivered.
    ref = dict(acceptance_id="A1", case_id="K1", campaign_id=cid, village_code=VILLAGE,
               township_code=TOWNSHIPS[0], county_code=COUNTY)
    # Ahead of it on the same partition, a relapse in a campaign screening never opened: it is
    # dead-lettered, and does not hold up the events behind it.
    stray_id = send_acceptance(platform, PostEvaluated(**{**ref, "campaign_id": f"never-opened-{cid}"},
                                                       evaluated_on="2021-01-09", relapsed=True, reason="无此整顿工作"))
    delisted_id = send_acceptance(platform, VillageDelisted(**ref, delisted_on="2021-01-10", post_evaluation_due="2021-04-10"))
    wait_for(lambda: targets() == 29, what="the delisted village to leave the list")
    stray = asyncio.run(platform.fetch("screening", "select outcome from inbox where event_id = $1", stray_id))
    assert [r["outcome"] for r in stray] == ["dead-lettered"]
    send_acceptance(platform, VillageDelisted(**ref, delisted_on="2021-01-10", post_evaluation_due="2021-04-10"), delisted_id)
    send_acceptance(platform, PostEvaluated(**{**ref, "village_code": "990102101202"}, evaluated_on="2021-04-01",
                                            relapsed=False))  # consolidated: nothing changes
    # A relapse at post-evaluation designates it again.
    send_acceptance(platform, PostEvaluated(**ref, evaluated_on="2021-04-12", relapsed=True, reason="班子再度瘫痪"))
    wait_for(lambda: targets() == 30, what="the relapsed village to be designated again")
    events = topic_events(platform)
    removed = [e for e in of_type(events, "zhengdun.screening.target.removed.v1", cid)]
    assert [(e["data"]["village_code"], e["data"]["reason"]) for e in removed] == [(VILLAGE, "delisted")]
    relapse = [e for e in of_type(events, "zhengdun.screening.target.designated.v1", cid) if e["data"]["basis"] == "relapse"]
    assert [(e["data"]["village_code"], e["data"]["designated_on"]) for e in relapse] == [(VILLAGE, "2021-04-12")]

    # Re-screening round R2: township 101 finds village 204 weak and lax too.
    entries = assessments_for(TOWNSHIPS[0], criteria)
    entries[3] = {"village_code": entries[3]["village_code"], "result": "weak_and_lax",
                  "findings": findings(criteria, (criteria[7],))}
    assert screen_township(users[TOWNSHIPS[0]], cid, "R2", TOWNSHIPS[0], entries, "2021-05-10").status_code == 201
    # Township 102 leaves out its lagging village 203 (same criteria as before): carry-over refuses the silent drop.
    second = assessments_for(TOWNSHIPS[1], criteria)
    second[2] = {"village_code": second[2]["village_code"], "result": "neither", "findings": findings(criteria)}
    dropped = is_problem(screen_township(users[TOWNSHIPS[1]], cid, "R2", TOWNSHIPS[1], second, "2021-05-10"), 422)
    assert dropped["type"] == "/problems/carry-over-dropped" and dropped["village_codes"] == ["990102102203"], dropped
    reasons = {"990102102203": "倒排名次已明显提升，经党委会研究不再列入"}
    resubmitted = Caller(platform, "township2_org").post(f"/campaigns/{cid}/rounds/R2/townships/{TOWNSHIPS[1]}/submit",
                                                         {"submitted_on": "2021-05-10", "carry_over_reasons": reasons})
    assert resubmitted.status_code == 201, resubmitted.text
    assert resubmitted.json()["carry_over_not_listed"] == reasons
    for township in TOWNSHIPS[2:]:
        assert screen_township(users[township], cid, "R2", township, assessments_for(township, criteria),
                               "2021-05-10").status_code == 201

    # The county sees the "four musts" flag on the village dropped with unchanged criteria.
    county2 = f"/campaigns/{cid}/rounds/R2/counties/{COUNTY}"
    flags = county_org.get(f"{county2}/list").json()["consistency_flags"]
    assert {(f["kind"], tuple(f["village_codes"])) for f in flags} >= {("unlisted_unchanged", ("990102102203",))}, flags

    confirmed = committee.post(f"{county2}/confirm", {"decision_number": "示县委〔2021〕9号", "decided_on": "2021-05-20"})
    assert confirmed.status_code == 201, confirmed.text
    assert confirmed.json()["designated"] == 1 and confirmed.json()["removed"] == 1, confirmed.json()

    def round_two():
        events = topic_events(platform)
        new = [e["data"]["village_code"] for e in of_type(events, "zhengdun.screening.target.designated.v1", cid)
               if e["data"].get("round_id") == "R2"]
        gone = [e["data"]["village_code"] for e in of_type(events, "zhengdun.screening.target.removed.v1", cid)
                if e["data"]["reason"] == "not_relisted"]
        return new and gone and (new, gone)
    new, gone = wait_for(round_two, what="round two's designation and removal")
    assert new == ["990102101204"] and gone == ["990102102203"]
    assert targets() == 30

    # A new campaign carries this one over (seed 000: 2019's list in 2020's campaign): in its first
    # round the villages of the last decided list that were never accepted are proposed again, and
    # a township cannot drop them silently.
    unknown = is_problem(city_org.post("/campaigns", {"name": "再整顿", "area_code": CITY, "opened_on": "2021-06-01",
                                                      "carries_over_from": "C-no-such"}), 422)
    assert unknown["errors"][0]["field"] == "body.carries_over_from"
    later = city_org.post("/campaigns", {"name": "2021年再整顿", "area_code": CITY, "opened_on": "2021-06-01",
                                         "carries_over_from": cid})
    assert later.status_code == 201 and later.json()["carries_over_from"] == cid, later.text
    later_id = later.json()["campaign_id"]
    decided = confirmed.json()["confirmed"]
    still_listed = sorted(c for c in decided["weak_and_lax"] + decided["lagging"] if c.startswith(TOWNSHIPS[1][:9]))
    assert still_listed
    proposed = Caller(platform, "township2_org").get(f"/campaigns/{later_id}/rounds/R1/townships/{TOWNSHIPS[1]}").json()
    assert [(c["village_code"], c["reason"]) for c in proposed["carry_over"]] == [(c, "not_accepted") for c in still_listed]
    nothing_found = [{"village_code": e["village_code"], "result": "neither", "findings": findings(criteria)}
                     for e in assessments_for(TOWNSHIPS[1], criteria)]
    dropped = is_problem(screen_township(users[TOWNSHIPS[1]], later_id, "R1", TOWNSHIPS[1], nothing_found, "2021-06-01"), 422)
    assert dropped["type"] == "/problems/carry-over-dropped" and dropped["village_codes"] == still_listed, dropped
