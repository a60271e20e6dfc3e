"""A county's screening end to end on the real parts, through HTTP with demo users: campaign → every
township assesses its villages in one request and submits → county samples, visits, decides → the
designations appear on the screening topic; the city spot check finds a falsification; the county files.
Refusals are problem+json and change nothing."""
from __future__ import annotations

import hashlib

from zhengdun import sampling
from tests.integration.helpers import wait_for
from tests.integration.test_screening_support import (
    CITY, COUNTY, TOWNSHIPS, Caller, assessments_for, findings, is_problem, of_type, prepare_and_submit, set_clock,
    topic_events, township_users)


def test_a_county_is_screened_decided_spot_checked_and_filed(platform, demo):
    set_clock(platform, "2020-09-01")
    city_org, county_org = Caller(platform, "city_org"), Caller(platform, "county_org")
    committee, township_org = Caller(platform, "county_committee"), Caller(platform, "township_org")

    # Only a city or province opens a campaign; dates after the platform's today are refused.
    is_problem(township_org.post("/campaigns", {"name": "x", "area_code": CITY, "opened_on": "2020-07-01"}), 403)
    is_problem(city_org.post("/campaigns", {"name": "x", "area_code": CITY, "opened_on": "2020-09-02"}), 422)
    opened = city_org.post("/campaigns", {"name": "示范市软弱涣散村党组织集中整顿", "area_code": CITY, "opened_on": "2020-07-01"})
    assert opened.status_code == 201, opened.text
    campaign = opened.json()
    cid, criteria = campaign["campaign_id"], [c["code"] for c in campaign["criteria"]]
    assert campaign["policy_version"] == 1 and len(criteria) == 10
    seen = township_org.get("/campaigns", size=100).json()
    assert cid in [c["campaign_id"] for c in seen["items"]] and seen["total"] >= 1  # it covers the township
    revised = city_org.post(f"/campaigns/{cid}/policy", {"policy": {"min_listed_share": "0.11"}, "reason": "调整比例",
                                                          "effective_on": "2020-07-10"})
    assert revised.status_code == 200 and revised.json()["policy_version"] == 2, revised.text

    users = township_users(platform)
    first = f"/campaigns/{cid}/rounds/R1/townships/{TOWNSHIPS[0]}"
    entries = assessments_for(TOWNSHIPS[0], criteria)

    # A contradicting result refuses the whole batch and records nothing.
    bad = [*entries[:5], {**entries[5], "findings": findings(criteria, (criteria[0],))}]  # a criterion met, "neither"
    refused = is_problem(township_org.post(f"{first}/assessments", {"assessed_on": "2020-08-01", "assessments": bad}), 422)
    assert refused["problems"][0]["code"] == "result-contradicts-criteria", refused
    assert township_org.get(first).json()["assessed"] == 0
    # Another township's staff cannot assess here.
    is_problem(users[TOWNSHIPS[1]].post(f"{first}/assessments", {"assessed_on": "2020-08-01", "assessments": entries}), 403)

    # Coverage: a partial township cannot submit, and the refusal names the missing villages.
    partial = township_org.post(f"{first}/assessments", {"assessed_on": "2020-08-01", "assessments": entries[:20]})
    assert partial.status_code == 201 and partial.json()["recorded"] == 20, partial.text
    missing = is_problem(prepare_and_submit(township_org, first), 422)
    assert missing["missing_village_codes"] == [e["village_code"] for e in entries[20:]], missing

    # Objections raised in the notice period must be answered first.
    rest = township_org.post(f"{first}/assessments", {"assessed_on": "2020-08-01", "assessments": entries[20:]})
    assert rest.status_code == 201 and rest.json()["assessed_in_round"] == 25, rest.text
    objection = township_org.post(f"{first}/objections", {"raised_on": "2020-08-05", "content": "204村也应列入"})
    assert objection.status_code == 201, objection.text
    is_problem(township_org.post(f"{first}/submit", {"submitted_on": "2020-08-10"}), 422)
    answered = township_org.post(f"{first}/objections/{objection.json()['objection_id']}/answer",
                                 {"answer": "经核查不符合认定标准", "answered_on": "2020-08-06"})
    assert answered.status_code == 200, answered.text
    submitted = township_org.post(f"{first}/submit", {"submitted_on": "2020-08-10"})
    assert submitted.status_code == 201, submitted.text
    assert len(submitted.json()["weak_and_lax"]) == 2 and len(submitted.json()["lagging"]) == 1
    assert submitted.json()["late"] is False
    first_commitment = submitted.json()["sample_commitment"]   # of the secret the county's samples will come from
    is_problem(township_org.post(f"{first}/submit", {"submitted_on": "2020-08-10"}), 409)  # once
    # The round shows its meeting, notice and the answered objection; the campaign lists the round.
    shown = township_org.get(first).json()
    assert shown["meeting"]["attendees"] and shown["notice"]["starts_on"] <= shown["notice"]["ends_on"]
    assert [(o["content"], o["answer"]) for o in shown["objections"]] == [("204村也应列入", "经核查不符合认定标准")]
    rounds = township_org.get(f"/campaigns/{cid}/rounds").json()
    assert [r["round_id"] for r in rounds] == ["R1"] and rounds[0]["units"] >= 1

    # Every other township screens in one request each; the last one submits late, and is marked.
    for township in TOWNSHIPS[1:]:
        path, user = f"/campaigns/{cid}/rounds/R1/townships/{township}", users[township]
        batch = user.post(f"{path}/assessments", {"assessed_on": "2020-08-01", "assessments": assessments_for(township, criteria)})
        assert batch.status_code == 201 and batch.json()["recorded"] == 25, batch.text
        late = township == TOWNSHIPS[-1]
        done = prepare_and_submit(user, path, "2020-08-16" if late else "2020-08-10")
        assert done.status_code == 201 and done.json()["late"] is late, done.text

    county = f"/campaigns/{cid}/rounds/R1/counties/{COUNTY}"
    listed = county_org.get(f"{county}/list").json()
    assert set(listed["townships"].values()) == {"submitted"} and len(listed["entries"]) == 30
    assert listed["share"]["meets_minimum"] is True and listed["below_minimum"] is False

    # Reproducible sample of a township's listed and unlisted villages, and site visits.
    # Nobody chooses the seed: it comes from the secret committed when the township submitted (the
    # submission event carries its SHA-256), revealed by the draw; anyone can re-derive the sample.
    is_problem(county_org.post(f"{county}/townships/{TOWNSHIPS[0]}/samples",
                               {"seed": "chosen-by-hand", "drawn_on": "2020-08-16"}), 422)
    drawn = county_org.post(f"{county}/townships/{TOWNSHIPS[0]}/samples", {"drawn_on": "2020-08-16"})
    assert drawn.status_code == 201, drawn.text
    for sample in drawn.json()["samples"]:
        assert sample["commitment"] == first_commitment == hashlib.sha256(sample["secret"].encode()).hexdigest()
        assert sample["seed"] == sampling.derived_seed(sample["secret"], sample["label"], sample["population"], 1)
        again = sampling.draw_sample(sample["population"], sample["seed"], ratio=sample["ratio"])
        assert list(again.chosen) == sample["chosen"] and sample["algorithm"] == sampling.ALGORITHM
    # Drawn once: another draw of the same list needs a recorded reason, and the first stays on record.
    again = county_org.post(f"{county}/townships/{TOWNSHIPS[0]}/samples", {"drawn_on": "2020-08-16"})
    assert is_problem(again, 409)["errors"][0]["field"] == "body.redraw_reason"
    is_problem(county_org.post(f"{county}/townships/990103101000/samples", {"drawn_on": "2020-08-16"}), 422)
    visited = [v for s in drawn.json()["samples"] for v in s["chosen"]]
    visits = county_org.post(f"{county}/townships/{TOWNSHIPS[0]}/site-visits", {
        "checked_on": "2020-08-17", "findings": [{"village_code": v, "outcome": "confirmed", "note": "属实"} for v in visited]})
    assert visits.status_code == 201, visits.text

    # The county returns a list with reasons (the township corrects and resubmits), and adjusts with reasons.
    last = TOWNSHIPS[-1]
    is_problem(county_org.post(f"{county}/townships/{last}/return", {"reasons": [], "returned_on": "2020-08-17"}), 422)
    returned = county_org.post(f"{county}/townships/{last}/return",
                               {"reasons": ["会议纪要未附参会人员签字"], "returned_on": "2020-08-17"})
    assert returned.status_code == 201, returned.text
    assert county_org.get(f"{county}/list").json()["townships"][last] == "missing"
    is_problem(committee.post(f"{county}/confirm", {"decision_number": "x", "decided_on": "2020-08-18"}), 409)
    resubmitted = users[last].post(f"/campaigns/{cid}/rounds/R1/townships/{last}/submit", {"submitted_on": "2020-08-17"})
    assert resubmitted.status_code == 201 and resubmitted.json()["late"] is True, resubmitted.text
    is_problem(county_org.post(f"{county}/adjustments", {"village_code": "990102101204", "change": "add",
                                                         "category": "weak_and_lax", "criteria_met": ["committees_inactive"],
                                                         "reason": "", "adjusted_on": "2020-08-17"}), 422)
    added = county_org.post(f"{county}/adjustments", {"village_code": "990102101204", "change": "add", "category": "weak_and_lax",
                                                      "criteria_met": ["committees_inactive"], "reason": "实地核查发现村两委不作为",
                                                      "adjusted_on": "2020-08-17"})
    assert added.status_code == 201, added.text
    removed = county_org.post(f"{county}/adjustments", {"village_code": f"{last[:9]}203", "change": "remove",
                                                        "reason": "倒排依据有误，经核实排名靠前", "adjusted_on": "2020-08-17"})
    assert removed.status_code == 201, removed.text
    entries_now = {e["village_code"] for e in county_org.get(f"{county}/list").json()["entries"]}
    assert "990102101204" in entries_now and f"{last[:9]}203" not in entries_now and len(entries_now) == 30

    # Only the county's standing committee confirms.
    decision = {"decision_number": "示县委〔2020〕18号", "decided_on": "2020-08-18"}
    is_problem(township_org.post(f"{county}/confirm", decision), 403)
    is_problem(county_org.post(f"{county}/confirm", decision), 403)
    is_problem(Caller(platform, "county2_org").post(f"{county}/confirm", decision), 403)
    confirmed = committee.post(f"{county}/confirm", decision)
    assert confirmed.status_code == 201, confirmed.text
    assert confirmed.json()["designated"] == 30
    decided_commitment = confirmed.json()["confirmed"]["sample_commitment"]   # the city's samples will come from it
    is_problem(committee.post(f"{county}/confirm", decision), 409)

    def designations():
        events = topic_events(platform)
        return (of_type(events, "zhengdun.screening.county_list.confirmed.v1", cid),
                of_type(events, "zhengdun.screening.target.designated.v1", cid))
    confirmations, designated = wait_for(lambda: (d := designations()) and len(d[1]) >= 30 and d, what="30 designations")
    assert len(confirmations) == 1 and confirmations[0]["data"]["decision_number"] == "示县委〔2020〕18号"
    assert len(designated) == 30
    assert {d["data"]["village_code"] for d in designated} == entries_now
    assert all(d["data"]["decision_number"] == "示县委〔2020〕18号" and d["data"]["policy_version"] == 2 for d in designated)
    targets = county_org.get(f"/campaigns/{cid}/targets", under=COUNTY, size=10).json()
    assert targets["total"] == 30 and len(targets["items"]) == 10
    view = county_org.get(f"{county}/list").json()
    assert view["city_share"]["listed"] == 30 and view["city_share"]["administrative_villages"] == 750
    assert view["city_share"]["meets_minimum"] is False  # the other two counties have listed nothing yet
    shares = city_org.get(f"/campaigns/{cid}/shares/{CITY}").json()
    assert {c["division_code"]: c["listed"] for c in shares["counties"]}[COUNTY] == 30
    # Beside the 10% floor, the lagging villages' share and its reference of about 5% (seed 001).
    lagging = len(view["confirmation"]["lagging"])
    assert lagging > 0 and view["share"]["lagging"] == view["city_share"]["lagging"] == lagging
    assert view["share"]["lagging_reference_share"] == "0.05"
    from fractions import Fraction
    exact = Fraction(lagging, view["share"]["administrative_villages"])
    assert abs(Fraction(view["share"]["lagging_share"]) - exact) <= Fraction(1, 20_000)   # 4 places, rounded once
    assert {c["division_code"]: c["lagging"] for c in shares["counties"]}[COUNTY] == lagging

    # The city spot-checks the confirmed list and the unlisted villages (same seed, reproducible); a falsification
    # names the county and township; an unlisted village found meeting a criterion is designated (瞒报).
    city_sample = city_org.post(f"{county}/city-samples", {"drawn_on": "2020-08-22"})
    assert city_sample.status_code == 201, city_sample.text
    listed_sample, unlisted_sample = city_sample.json()["listed"], city_sample.json()["unlisted"]
    assert listed_sample["commitment"] == decided_commitment and listed_sample["attempt"] == 1
    assert city_sample.json()["chosen"] == listed_sample["chosen"]
    assert len(listed_sample["chosen"]) == 3 and len(unlisted_sample["chosen"]) == 22  # 10% of 30 and of 220
    assert not set(unlisted_sample["population"]) & set(listed_sample["population"])
    falsified_village, concealed_village = listed_sample["chosen"][0], unlisted_sample["chosen"][0]
    is_problem(county_org.post(f"{county}/city-findings", {"checked_on": "2020-08-23", "findings": []}), 403)
    is_problem(city_org.post(f"{county}/city-findings", {"checked_on": "2020-08-23", "findings": [
        {"village_code": concealed_village, "outcome": "confirmed", "criteria_met": ["illegal_religion"]}]}), 422)
    checked = city_org.post(f"{county}/city-findings", {"checked_on": "2020-08-23", "findings": [
        {"village_code": falsified_village, "outcome": "falsified", "note": "会议记录系事后补写"},
        {"village_code": concealed_village, "outcome": "falsified", "note": "宗教干预村务未如实上报",
         "criteria_met": ["illegal_religion"]}]})
    assert checked.status_code == 201, checked.text
    assert len(checked.json()["falsifications"]) == 2
    assert [d["village_code"] for d in checked.json()["designated"]] == [concealed_village]

    def after_spot_check():
        events = topic_events(platform)
        return (of_type(events, "zhengdun.screening.falsification.found.v1", cid),
                [d for d in of_type(events, "zhengdun.screening.target.designated.v1", cid)
                 if d["data"]["basis"] == "city_spot_check"])
    found, concealed = wait_for(lambda: (e := after_spot_check()) and len(e[0]) == 2 and e[1] and e, what="spot check events")
    named = {f["data"]["village_code"]: (f["data"]["county_code"], f["data"]["township_code"]) for f in found}
    assert named[falsified_village] == (COUNTY, falsified_village[:9] + "000")
    assert concealed[0]["data"]["village_code"] == concealed_village
    assert concealed[0]["data"]["criteria_met"] == ["illegal_religion"]
    assert county_org.get(f"/campaigns/{cid}/targets", under=COUNTY).json()["total"] == 31

    # Filing: an immutable snapshot, retrievable exactly as filed, with its hash.
    filed = county_org.post(f"/campaigns/{cid}/counties/{COUNTY}/filings", {"filing_date": "2020-08-31", "filed_on": "2020-08-31"})
    assert filed.status_code == 201, filed.text
    is_problem(county_org.post(f"/campaigns/{cid}/counties/{COUNTY}/filings",
                               {"filing_date": "2020-08-31", "filed_on": "2020-08-31"}), 409)
    filings = city_org.get(f"/campaigns/{cid}/counties/{COUNTY}/filings").json()
    assert filings["total"] == 1
    assert filings["items"][0]["content"] == filed.json()["content"]
    assert filings["items"][0]["content_hash"] == filed.json()["content_hash"] and filings["items"][0]["verified"]


def test_lagging_villages_are_proposed_by_the_campaigns_ranking_rule_and_departures_need_a_reason(platform, demo):
    set_clock(platform, "2020-09-01")
    city_org, township_org = Caller(platform, "city_org"), Caller(platform, "township_org")
    rule = {"basis": "星级支部评定得分", "direction": "lower_is_worse", "bottom_count": 1, "scope": "township"}
    opened = city_org.post("/campaigns", {"name": "倒排规则测试整顿", "area_code": CITY, "opened_on": "2020-07-01",
                                          "lagging_rule": rule})
    assert opened.status_code == 201, opened.text
    campaign = opened.json()
    assert campaign["lagging_rule"]["bottom_count"] == 1 and "后 1 名" in campaign["lagging_rule_text"]
    cid, criteria = campaign["campaign_id"], [c["code"] for c in campaign["criteria"]]
    path = f"/campaigns/{cid}/rounds/R1/townships/{TOWNSHIPS[0]}"
    entries = assessments_for(TOWNSHIPS[0], criteria)
    for n, entry in enumerate(entries, start=1):   # 203 and 204 share the lowest score: a tie at the cut
        entry["ranking"] = {"score": "60" if n in (3, 4) else str(70 + n), "basis": "星级支部评定得分"}
    recorded = township_org.post(f"{path}/assessments", {"assessed_on": "2020-08-01", "assessments": entries})
    assert recorded.status_code == 201, recorded.text
    v203, v204 = f"{TOWNSHIPS[0][:9]}203", f"{TOWNSHIPS[0][:9]}204"

    proposal = township_org.get(f"{path}/lagging-proposal")
    assert proposal.status_code == 200, proposal.text
    body = proposal.json()
    assert body["proposed"] == [v203, v204] and body["tied_at_cut"] == [v203, v204]
    assert len(body["ranked"]) == 25 and body["ranked"][0]["position"] == body["ranked"][1]["position"] == 1
    assert body["rule"]["basis"] == "星级支部评定得分"

    # The township lists only 203 as lagging: leaving out 204, which the ranking proposes, needs a reason.
    refused = is_problem(prepare_and_submit(township_org, path), 422)
    assert refused["type"] == "/problems/lagging-differs-from-ranking" and refused["proposed_not_listed"] == [v204], refused
    reason = "204村评分后已完成班子调整，经党委会研究不列入"
    submitted = township_org.post(f"{path}/submit", {"submitted_on": "2020-08-10", "lagging_reasons": {v204: reason}})
    assert submitted.status_code == 201, submitted.text
    ranking = submitted.json()["lagging_ranking"]
    assert ranking["deviations"] == {v204: reason} and ranking["proposed"] == [v203, v204]
    assert ranking["rule"]["bottom_count"] == 1 and {r["village_code"] for r in ranking["ranked"]} >= {v203, v204}
    # The recorded event carries the rule, the inputs and the proposal with the list.
    events = wait_for(lambda: of_type(topic_events(platform), "zhengdun.screening.township_list.submitted.v1", cid) or None,
                      what="the submission on the topic")
    assert events[0]["data"]["lagging_ranking"]["deviations"] == {v204: reason}

    # A campaign whose rule is a text (the seed's default) proposes nothing: it says so.
    text_rule = city_org.post("/campaigns", {"name": "文字规则整顿", "area_code": CITY, "opened_on": "2020-07-01"}).json()
    assert isinstance(text_rule["lagging_rule"], str) and text_rule["lagging_rule_text"] == text_rule["lagging_rule"]
    answer = is_problem(township_org.get(f"/campaigns/{text_rule['campaign_id']}/rounds/R1/townships/{TOWNSHIPS[0]}"
                                         "/lagging-proposal"), 422)
    assert answer["type"] == "/problems/lagging-rule-not-structured"


def test_a_revision_brings_a_new_criteria_catalog_and_earlier_assessments_keep_their_version(platform, demo):
    set_clock(platform, "2020-09-01")
    city_org, township_org = Caller(platform, "city_org"), Caller(platform, "township_org")
    users = township_users(platform)
    campaign = city_org.post("/campaigns", {"name": "目录修订测试整顿", "area_code": CITY, "opened_on": "2020-07-01"}).json()
    cid, catalog = campaign["campaign_id"], campaign["criteria"]
    assert campaign["criteria_version"] == 1
    first, second = (f"/campaigns/{cid}/rounds/R1/townships/{t}" for t in TOWNSHIPS[:2])
    old_entries = assessments_for(TOWNSHIPS[0], [c["code"] for c in catalog])
    assert township_org.post(f"{first}/assessments", {"assessed_on": "2020-07-20", "assessments": old_entries}).status_code == 201

    # The city adds a criterion and extends the concentrated phase; the policy itself is unchanged.
    phases = [p if p["phase"] != "concentrated" else {**p, "ends_on": "2021-06-30"} for p in campaign["phases"]]
    new_catalog = [*catalog, {"code": "land_disputes", "label": "土地纠纷长期未解决", "requires_reason": False}]
    revised = city_org.post(f"/campaigns/{cid}/policy", {"reason": "增列认定情形", "effective_on": "2020-08-01",
                                                          "phases": phases, "criteria": new_catalog})
    assert revised.status_code == 200, revised.text
    body = revised.json()
    assert body["criteria_version"] == 2 and body["policy_version"] == 2 and body["policy"] == campaign["policy"]
    assert [c["code"] for c in body["criteria"]][-1] == "land_disputes"
    assert next(p for p in body["phases"] if p["phase"] == "concentrated")["ends_on"] == "2021-06-30"

    # New assessments answer the new catalog (the old one's answers are refused) and record version 2.
    stale = assessments_for(TOWNSHIPS[1], [c["code"] for c in catalog])
    refused = is_problem(users[TOWNSHIPS[1]].post(f"{second}/assessments", {"assessed_on": "2020-08-02", "assessments": stale}), 422)
    assert refused["problems"][0]["code"] == "criteria-incomplete"
    fresh = assessments_for(TOWNSHIPS[1], [c["code"] for c in new_catalog])
    assert users[TOWNSHIPS[1]].post(f"{second}/assessments",
                                    {"assessed_on": "2020-08-02", "assessments": fresh}).status_code == 201

    def versions():
        found = of_type(topic_events(platform), "zhengdun.screening.assessment.recorded.v1", cid)
        return found if len(found) == 50 else None

    recorded = wait_for(versions, what="both townships' assessments on the topic")
    by_township = {t: {e["data"]["criteria_version"] for e in recorded if e["data"]["township_code"] == t}
                   for t in TOWNSHIPS[:2]}
    assert by_township == {TOWNSHIPS[0]: {1}, TOWNSHIPS[1]: {2}}
    # The first township's list still goes in on the assessments it made under version 1.
    submitted = prepare_and_submit(township_org, first)
    assert submitted.status_code == 201, submitted.text
    assert len(submitted.json()["weak_and_lax"]) == 2


def test_a_county_and_then_a_township_set_their_own_ranking_rules_which_the_proposal_follows(platform, demo):
    """由县乡党委明确认定标准: under a campaign whose rule is a text, the county sets a rule of its own, then a
    township its own; the proposal follows the rule in force for the township, which names whose it is."""
    set_clock(platform, "2020-09-01")
    city_org, county_org, township_org = (Caller(platform, u) for u in ("city_org", "county_org", "township_org"))
    opened = city_org.post("/campaigns", {"name": "县乡倒排规则整顿", "area_code": CITY, "opened_on": "2020-07-01"})
    assert opened.status_code == 201, opened.text
    cid, criteria = opened.json()["campaign_id"], [c["code"] for c in opened.json()["criteria"]]
    path = f"/campaigns/{cid}/rounds/R1/townships/{TOWNSHIPS[0]}"
    entries = assessments_for(TOWNSHIPS[0], criteria)
    for n, entry in enumerate(entries, start=1):   # 201 scores lowest, 225 highest
        entry["ranking"] = {"score": str(50 + n), "basis": "星级支部评定得分"}
    assert township_org.post(f"{path}/assessments", {"assessed_on": "2020-08-01", "assessments": entries}).status_code == 201
    v = lambda n: f"{TOWNSHIPS[0][:9]}{200 + n:03d}"   # noqa: E731
    in_force = township_org.get(f"/campaigns/{cid}/lagging-rules/{TOWNSHIPS[0]}").json()
    assert in_force["rule"] is None and in_force["source_label"] == "整顿工作统一规则"

    county_rule = {"basis": "星级支部评定得分", "bottom_count": 4, "scope": "township"}
    is_problem(city_org.put(f"/campaigns/{cid}/lagging-rules/{COUNTY}", {"rule": county_rule}), 403)
    is_problem(township_org.put(f"/campaigns/{cid}/lagging-rules/{COUNTY}", {"rule": county_rule}), 403)
    set_by_county = county_org.put(f"/campaigns/{cid}/lagging-rules/{COUNTY}", {"rule": county_rule, "reason": "县委组织部研究确定"})
    assert set_by_county.status_code == 200, set_by_county.text
    assert set_by_county.json()["set_by_code"] == COUNTY and "后 4 名" in set_by_county.json()["rule_text"]
    # The bottom four are 201–204; 201 and 202 are weak and lax already, so 203 and 204 are proposed.
    assert township_org.get(f"{path}/lagging-proposal").json()["proposed"] == [v(3), v(4)]

    # The township's own rule: the highest scores are the worst under its input; it ranks within itself only.
    wide = is_problem(township_org.put(f"/campaigns/{cid}/lagging-rules/{TOWNSHIPS[0]}",
                                       {"rule": {"basis": "问题积分", "bottom_count": 1, "scope": "county"}}), 422)
    assert wide["type"] == "/problems/lagging-rule-scope" and wide["field"] == "rule.scope"
    own_rule = {"basis": "星级支部评定得分", "direction": "higher_is_worse", "bottom_count": 1, "scope": "township"}
    assert township_org.put(f"/campaigns/{cid}/lagging-rules/{TOWNSHIPS[0]}", {"rule": own_rule}).status_code == 200
    proposal = township_org.get(f"{path}/lagging-proposal").json()
    assert proposal["proposed"] == [v(25)] and proposal["rule"]["direction"] == "higher_is_worse"
    in_force = county_org.get(f"/campaigns/{cid}/lagging-rules/{TOWNSHIPS[0]}").json()
    assert in_force["set_by_code"] == TOWNSHIPS[0] and in_force["source_label"] == "乡镇确定"
    # The county's rule still holds for its other townships.
    assert county_org.get(f"/campaigns/{cid}/lagging-rules/{TOWNSHIPS[1]}").json()["set_by_code"] == COUNTY
    is_problem(city_org.get(f"/campaigns/{cid}/lagging-rules/{CITY}"), 422)   # a county or a township only
