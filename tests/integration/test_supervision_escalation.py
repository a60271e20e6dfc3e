"""Township escalation at the end of the concentrated phase (proposing an admonishment talk filed with
the city) and acceptance spot-check ratios, driven by real events and the clock."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import httpx

from tests.integration.helpers import wait_for
from tests.integration.test_supervision_support import by_key, envelope, open_campaign, publish, set_clock
from zhengdun_demo.client import auth
from zhengdun.events.acceptance import AcceptanceSampleDrawn, VillageAccepted
from zhengdun.events.casework import CasePhase, CasePhaseChanged
from zhengdun.events.screening import CountyListConfirmed, SampleDrawn, SamplePurpose

COUNTY = "990104000000"
TOWNSHIP = "990104102000"
TARGETS = ["990104102201", "990104102202", "990104102203", "990104102204"]   # 3 weak and lax, 1 lagging
ACCEPTED = [f"990104103{n:03d}" for n in range(201, 208)]   # 7 villages of another township


def test_township_escalation_and_spot_check_ratio(platform, demo):
    set_clock(platform, "2020-09-01")
    # Spot checks due 92 days after the county's first acceptance (2021-03-01 → 2021-06-01): the campaign's
    # policy, carried to supervision by CampaignOpened (the default is 30 days).
    campaign_id, _ = open_campaign(platform, acceptance_spot_check_window_days=92)
    confirmed = envelope("screening", CountyListConfirmed(
        campaign_id=campaign_id, round_id="R1", county_code=COUNTY, decision_number="县委〔2020〕9号",
        decided_on=date(2020, 8, 31), weak_and_lax=tuple(TARGETS[:3]), lagging=(TARGETS[3],),
        administrative_villages=250, minimum_share=Decimal("0.10"), below_minimum=True, late=False,
        policy_version=1), COUNTY, campaign_id)
    finished = envelope("casework", CasePhaseChanged(
        case_id="c-201", campaign_id=campaign_id, village_code=TARGETS[0], township_code=TOWNSHIP, county_code=COUNTY,
        phase=CasePhase.READY, previous_phase=CasePhase.CONCENTRATED, changed_on=date(2021, 5, 20)),
        TARGETS[0], campaign_id)
    population = tuple(f"990104102{n:03d}" for n in range(201, 211))
    short_sample = envelope("screening", SampleDrawn(
        campaign_id=campaign_id, round_id="R1", purpose=SamplePurpose.COUNTY_CHECK_UNLISTED, division_code=TOWNSHIP,
        algorithm="sha256-rank", seed="s", ratio=Decimal("0.10"), population=population, chosen=population[:1],
        drawn_on=date(2020, 8, 18)), TOWNSHIP, campaign_id)
    publish(platform, ("screening", confirmed), ("casework", finished), ("screening", short_sample))
    sample_key = f"screening_sample_ratio:{campaign_id}:R1:county_check_unlisted:{TOWNSHIP}"
    alerts = wait_for(lambda: (a := by_key(platform, campaign_id)).get(sample_key) and a, what="sample ratio alert")
    assert alerts[sample_key]["subject_code"] == COUNTY and alerts[sample_key]["facts"] == [short_sample.id]

    # Spot checks: 7 accepted; the city drew 1 (14.3% < 15%) → alert on the city; a 2nd village → resolved.
    set_clock(platform, "2021-03-05")
    accepted = [envelope("acceptance", VillageAccepted(
        acceptance_id=f"a-{v}", case_id=f"c-{v}", campaign_id=campaign_id, village_code=v, township_code=v[:9] + "000",
        county_code=COUNTY, accepted_on=date(2021, 3, 1)), v, campaign_id) for v in ACCEPTED]

    def sample(chosen: tuple[str, ...]):
        return envelope("acceptance", AcceptanceSampleDrawn(
            campaign_id=campaign_id, drawn_by_code="990100000000", county_code=COUNTY, level="city", algorithm="sha256-rank",
            seed="s", ratio=Decimal("0.15"), population=tuple(ACCEPTED), chosen=chosen, drawn_on=date(2021, 3, 5)),
            COUNTY, campaign_id)

    first = sample((ACCEPTED[0],))
    publish(platform, *(("acceptance", e) for e in accepted), ("acceptance", first))
    city_key = f"spot_check_ratio:{campaign_id}:{COUNTY}:city:7"
    alerts = wait_for(lambda: (a := by_key(platform, campaign_id)).get(city_key) and a, what="spot-check alert")
    assert alerts[city_key]["subject_code"] == "990100000000" and alerts[city_key]["scope_code"] == COUNTY
    assert first.id in alerts[city_key]["facts"]
    assert f"spot_check_ratio:{campaign_id}:{COUNTY}:province:7" not in alerts   # window still open
    publish(platform, ("acceptance", sample((ACCEPTED[1],))))
    wait_for(lambda: by_key(platform, campaign_id)[city_key]["status"] == "resolved", what="spot-check alert resolved")

    # End of the concentrated phase (2021-05-31): 2 of the 3 weak-and-lax targets unfinished > 1/2 →
    # escalation; the unfinished lagging village is out of the ratio (seed 000 §三(三)1), not 3 of 4.
    set_clock(platform, "2021-05-31")
    key = f"township_unfinished:{campaign_id}:{TOWNSHIP}"
    assert key not in by_key(platform, campaign_id)
    set_clock(platform, "2021-06-01")
    alerts = wait_for(lambda: (a := by_key(platform, campaign_id)).get(key) and a, what="escalation alert")
    escalation = alerts[key]
    assert escalation["severity"] == "high" and escalation["subject_role"] == "township_secretary"
    assert "诫勉谈话" in escalation["proposal"] and "990100000000" in escalation["proposal"]
    assert "（2/3 个村未完成整顿）" in escalation["proposal"]
    assert escalation["facts"] == [confirmed.id, confirmed.id]
    province_key = f"spot_check_ratio:{campaign_id}:{COUNTY}:province:7"
    assert province_key not in alerts   # no province sample yet, but the campaign's window ends today
    set_clock(platform, "2021-06-02")
    alerts = wait_for(lambda: (a := by_key(platform, campaign_id)).get(province_key) and a, what="province spot check")
    assert alerts[province_key]["due_on"] == "2021-06-01"

    # The county decides the admonishment talk on the alert's grounds, filed with the city.
    decided = httpx.post(f"{platform.url('supervision')}/accountability", headers=auth("city_org"), timeout=10, json={
        "kind": "admonishment_talk", "subject_code": TOWNSHIP, "person": "孙书记", "post": "乡镇党委书记",
        "grounds": [escalation["alert_id"]], "reason": "集中整顿期末过半村未完成", "decided_by": "市委组织部",
        "decided_on": "2021-06-01", "filed_with": "990100000000"})
    assert decided.status_code == 201, decided.text
    assert decided.json()["grounds"] == [escalation["alert_id"]] and decided.json()["kind_label"] == "诫勉谈话"
