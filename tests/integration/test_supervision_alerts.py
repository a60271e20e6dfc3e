"""Supervision end to end: real envelopes on the run's topics, the clock moved on screening, alerts
raised and resolved, redelivery changing nothing, lists scoped and paginated."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.integration.helpers import wait_for
from tests.integration.test_supervision_support import alerts, by_key, envelope, open_campaign, publish, set_clock
from zhengdun.events.casework import CaseOpened, Person, TeamStationed
from zhengdun.events.screening import (CommitteeMeetingRecord, CountyListConfirmed, CountyListFiled, ListCategory,
                                      TownshipListSubmitted)

VILLAGE = "990102101201"
OTHER_COUNTY_VILLAGE = "990103101201"


def case_ref(campaign_id: str, village: str) -> dict:
    return dict(case_id=f"case-{campaign_id}-{village}", campaign_id=campaign_id, village_code=village,
                township_code=village[:9] + "000", county_code=village[:6] + "000000")


def test_alerts_raised_resolved_scoped_paginated_and_redelivery_changes_nothing(platform, demo):
    set_clock(platform, "2020-09-01")
    campaign_id, _ = open_campaign(platform)
    opened = [envelope("casework", CaseOpened(**case_ref(campaign_id, v), category=ListCategory.WEAK_AND_LAX,
                                              designated_on=date(2020, 9, 1), opened_on=date(2020, 9, 1),
                                              policy_version=1), v, campaign_id)
              for v in (VILLAGE, OTHER_COUNTY_VILLAGE)]
    publish(platform, *(("casework", e) for e in opened))
    wait_for(lambda: platform_count(platform, "select count(*) from sv_cases where campaign_id=$1", campaign_id) == 2,
             what="both cases in supervision's read model")

    # Day 5 after the decision: on time. Day 6: both teams late; every township's list is missing.
    set_clock(platform, "2020-09-06")
    assert not [k for k in by_key(platform, campaign_id) if k.startswith("team_not_stationed")]
    set_clock(platform, "2020-09-07")
    team_key = f"team_not_stationed:{campaign_id}:{VILLAGE}"
    found = wait_for(lambda: (a := by_key(platform, campaign_id)).get(team_key) and a, what="team alert raised")
    team = found[team_key]
    assert team["status"] == "open" and team["severity"] == "high" and team["subject_code"] == "990102000000"
    assert team["facts"] == [opened[0].id] and team["due_on"] == "2020-09-06" and team["raised_on"] == "2020-09-07"
    assert f"team_not_stationed:{campaign_id}:{OTHER_COUNTY_VILLAGE}" in found
    missing = [k for k in found if k.startswith("township_list_missing")]
    assert len(missing) == 30  # 3 counties × 10 townships, township_list_due 2020-08-15 passed

    # Scoped in SQL: county 990103's user does not see 990102's alerts, and the other way round.
    county2 = by_key(platform, campaign_id, user="county2_org")
    assert f"team_not_stationed:{campaign_id}:{OTHER_COUNTY_VILLAGE}" in county2 and team_key not in county2
    assert all(a["scope_code"].startswith("990103") for a in county2.values())
    assert len(county2) == 11
    township = by_key(platform, campaign_id, user="township_org")
    assert set(township) == {team_key, f"township_list_missing:{campaign_id}:990102101000"}

    # Paginated: 32 alerts of this campaign for the city, pages of 10 add up without repeats.
    city_total = alerts(platform, "city_org", campaign=campaign_id, status="open", size=10)["total"]
    assert city_total == 32
    seen = []
    for page in range(1, (city_total + 9) // 10 + 1):
        body = alerts(platform, "city_org", campaign=campaign_id, status="open", size=10, page=page)
        assert body["total"] == city_total and len(body["items"]) <= 10
        seen += [a["alert_id"] for a in body["items"]]
    assert len(seen) == len(set(seen)) == city_total
    assert alerts(platform, "city_org", campaign=campaign_id, rule="team_not_stationed", village=VILLAGE)["total"] == 1

    # The fixing event: the team is stationed (late) → the alert resolves but stays in history.
    stationed = envelope("casework", TeamStationed(**case_ref(campaign_id, VILLAGE), leader=Person(name="张队长"),
                                                   members=(Person(name="甲"), Person(name="乙")),
                                                   stationed_on=date(2020, 9, 7)), VILLAGE, campaign_id)
    publish(platform, ("casework", stationed))
    wait_for(lambda: by_key(platform, campaign_id)[team_key]["status"] == "resolved", what="team alert resolved")
    assert team_key not in by_key(platform, campaign_id, status="open")
    resolved = by_key(platform, campaign_id, status="resolved")[team_key]
    assert resolved["resolved_on"] == "2020-09-07" and resolved["alert_id"] == team["alert_id"]

    # A late list: "missing" resolves, "late" is raised (a fact that stays).
    listed = envelope("screening", TownshipListSubmitted(
        campaign_id=campaign_id, round_id="R1", township_code="990102101000", weak_and_lax=(), lagging=(),
        villages_assessed=25, meeting=CommitteeMeetingRecord(held_on=date(2020, 9, 6), attendees=("书记",), minutes="研究"),
        notice_starts_on=date(2020, 9, 6), notice_ends_on=date(2020, 9, 7), objections=0,
        submitted_on=date(2020, 9, 7), due_on=date(2020, 8, 15), late=True, policy_version=1),
        "990102101000", campaign_id)
    publish(platform, ("screening", listed))
    late_key = f"township_list_late:{campaign_id}:990102101000"
    wait_for(lambda: late_key in by_key(platform, campaign_id), what="late list alert")
    now = by_key(platform, campaign_id)
    assert now[f"township_list_missing:{campaign_id}:990102101000"]["status"] == "resolved"
    assert now[late_key]["status"] == "open" and now[late_key]["facts"] == [listed.id]

    # Redelivery (same envelopes, same ids) and moving the clock again change nothing.
    before = snapshot(platform, campaign_id)
    publish(platform, ("casework", opened[0]), ("casework", stationed), ("screening", listed))
    set_clock(platform, "2020-09-08")
    wait_for(lambda: platform_count(platform, "select count(*) from inbox where event_id = any($1::text[])",
                                    [opened[0].id, stationed.id, listed.id]) == 3, what="inbox has the events")
    assert snapshot(platform, campaign_id) == before
    raised = platform_count(platform, "select count(*) from outbox where type = 'zhengdun.supervision.alert.raised.v1' "
                                      "and body like $1", f"%{team_key}%")
    assert raised == 1


def test_a_county_with_a_confirmed_list_not_filed_by_a_filing_date_is_alerted_until_it_files(platform, demo):
    set_clock(platform, "2020-08-20")
    campaign_id, _ = open_campaign(platform, filing_dates=(date(2020, 8, 31), date(2021, 3, 31)))
    county = "990102000000"
    confirmed = envelope("screening", CountyListConfirmed(
        campaign_id=campaign_id, round_id="R1", county_code=county, decision_number="县委〔2020〕8号",
        decided_on=date(2020, 8, 20), weak_and_lax=(), lagging=(), administrative_villages=250,
        minimum_share=Decimal("0.10"), below_minimum=True, late=False, policy_version=1), county, campaign_id)
    publish(platform, ("screening", confirmed))
    wait_for(lambda: platform_count(platform, "select count(*) from sv_county_lists where campaign_id=$1",
                                    campaign_id) == 1, what="the confirmed county in supervision's read model")
    key = f"county_filing_missing:{campaign_id}:{county}:2020-08-31"
    set_clock(platform, "2020-08-31")   # the filing date itself: on time
    assert not [k for k in by_key(platform, campaign_id) if k.startswith("county_filing_missing")]
    set_clock(platform, "2020-09-01")
    found = wait_for(lambda: (a := by_key(platform, campaign_id)).get(key) and a, what="filing alert raised")
    alert = found[key]
    assert alert["status"] == "open" and alert["subject_code"] == county and alert["subject_role"] == "org_staff"
    assert alert["facts"] == [confirmed.id] and alert["due_on"] == "2020-08-31" and alert["label"] == "县级名单逾期未向市委组织部备案"
    # Only the county whose list was confirmed owes a filing (990103 and 990104 decided nothing in this campaign).
    assert [k for k in found if k.startswith("county_filing_missing")] == [key]

    filed = envelope("screening", CountyListFiled(
        campaign_id=campaign_id, county_code=county, filing_date=date(2020, 8, 31), filed_on=date(2020, 9, 1),
        late=True, entries=0, content_hash="0" * 64), county, campaign_id)
    publish(platform, ("screening", filed))
    wait_for(lambda: by_key(platform, campaign_id)[key]["status"] == "resolved", what="filing alert resolved by the filing")
    # The next date is watched on its own.
    set_clock(platform, "2021-04-01")
    wait_for(lambda: f"county_filing_missing:{campaign_id}:{county}:2021-03-31" in by_key(platform, campaign_id, status="open"),
             what="second filing date alert")


def snapshot(platform, campaign_id: str):
    rows = run(platform.fetch("supervision", "select key, status, resolved_on from sv_alerts where campaign_id=$1 "
                                             "order by key", campaign_id))
    journal = platform_count(platform, "select count(*) from sv_journal")
    outbox = platform_count(platform, "select count(*) from outbox")
    return [tuple(r) for r in rows], journal, outbox


def platform_count(platform, query: str, *args) -> int:
    return run(platform.fetch("supervision", query, *args))[0][0]


def run(coro):
    import asyncio
    return asyncio.run(coro)
