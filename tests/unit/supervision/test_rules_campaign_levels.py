"""Supervision's rules for a campaign a county or a township runs (issue 22): no level above it within the campaign,
so no filing with the city and no city or province acceptance spot check is owed."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from supervision.domain import rules
from supervision.domain.rules import Rule
from zhengdun.events.screening import Policy

from tests.unit.supervision.test_rules import C, T, accepted, campaign, targets


def county_campaign(**policy) -> rules.Campaign:
    return replace(campaign(**policy), area_code=C)


def test_only_a_city_or_province_campaign_has_city_steps():
    assert campaign().has_city_steps and replace(campaign(), area_code="990000000000").has_city_steps
    assert not county_campaign().has_city_steps and not replace(campaign(), area_code=T).has_city_steps


def test_a_county_campaign_owes_no_filing_with_the_city():
    confirmed = rules.CountyList(C, date(2020, 8, 20), "ev-confirm")
    assert len(rules.county_filing_missing(campaign(), confirmed, [], date(2020, 9, 1))) == 1
    assert rules.county_filing_missing(county_campaign(), confirmed, [], date(2021, 12, 31)) == []
    facts = rules.Facts(campaign=county_campaign(), county_lists=[confirmed])
    assert [b for b in rules.evaluate(facts, date(2021, 12, 31)) if b.rule is Rule.COUNTY_FILING_MISSING] == []


def test_a_county_campaign_owes_no_city_or_province_acceptance_spot_check():
    assert len(rules.spot_check_ratio(campaign(), C, accepted(20), [], date(2021, 4, 1))) == 2
    assert rules.spot_check_ratio(county_campaign(), C, accepted(20), [], date(2021, 4, 1)) == []


def test_a_township_escalation_in_a_county_campaign_is_filed_with_the_county():
    breach = rules.township_unfinished(county_campaign(), T, targets(1, 3), date(2021, 6, 1))
    assert breach.rule is Rule.TOWNSHIP_UNFINISHED and f"{C} 县委组织部" in breach.proposal
    assert "市委组织部" not in breach.proposal and Policy().township_escalation_share < 1
