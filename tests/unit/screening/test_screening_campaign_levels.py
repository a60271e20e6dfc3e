"""Campaigns at any level above the village (issue 22), over the kinds of organization they name."""
from dataclasses import replace
from datetime import date

import pytest

from zhengdun.events.screening import CampaignOpened
from zhengdun.refusals import OutOfOrder, Refusal
from zhengdun.roles import Level

from screening.domain import TownshipRound, Village, open_campaign, tasks
from screening.domain.tasks import CampaignView
from screening.domain.campaign import require_city_steps, require_decided_by
from screening.domain.shares import share_status
from screening_helpers import CITY, COUNTY, OTHER_COUNTY, TOWNSHIP_A, TOWNSHIP_B, village, villages_of, weak, make_campaign

PROVINCE = "130000000000"


@pytest.mark.parametrize("area, level, by_township, city_steps", [
    (PROVINCE, Level.PROVINCE, False, True), (CITY, Level.CITY, False, True),
    (COUNTY, Level.COUNTY, False, False), (TOWNSHIP_A, Level.TOWNSHIP, True, False)])
def test_a_campaign_opens_at_every_level_above_the_village(area, level, by_township, city_steps):
    campaign, opened = open_campaign("c", "整顿", area, date(2014, 3, 1))
    assert (campaign.level, campaign.decided_by_township, campaign.has_city_steps) == (level, by_township, city_steps)
    assert CampaignOpened.model_validate(opened.model_dump(mode="json")).area_code == area


def test_kinds_named_are_kept_once_in_the_registry_order():
    campaign, opened = open_campaign("c", "整顿", COUNTY, date(2014, 3, 1), organization_kinds=["社区", "行政村", "社区"])
    assert campaign.organization_kinds == opened.organization_kinds == ("行政村", "社区")


@pytest.mark.parametrize("kinds", [[], ["企业"], ["行政村", "机关"]])
def test_no_kind_or_an_unknown_kind_is_refused(kinds):
    with pytest.raises(Refusal) as refused:
        open_campaign("c", "整顿", COUNTY, date(2014, 3, 1), organization_kinds=kinds)
    assert refused.value.code == "organization-kinds"
    assert refused.value.details["errors"][0]["field"] == "body.organization_kinds"


COMMUNITY_A = Village(village(TOWNSHIP_A, 201), "社区一", administrative=False, kind="社区")
ORGANIZATIONS = villages_of(TOWNSHIP_A) + villages_of(TOWNSHIP_B) + [COMMUNITY_A, Village(village(OTHER_COUNTY[:9] + "001", 1), "外县村")]


def test_a_campaign_without_kinds_screens_everything_and_counts_administrative_villages():
    """Seed 000: every village-level organization is screened; the share counts 行政村 only."""
    campaign = make_campaign()
    covered = campaign.covered(ORGANIZATIONS)
    assert COMMUNITY_A in covered and len(covered) == 22
    assert share_status(COUNTY, [], covered, campaign.policy).administrative_villages == 20


def test_a_county_campaign_covers_its_subtree_and_counts_every_organization_of_its_kinds():
    """Seed 001: 后进比例掌握在所辖基层党组织总数的5%左右 — communities count when the campaign covers them."""
    campaign, _ = open_campaign("c", "整顿", COUNTY, date(2014, 3, 1), organization_kinds=["行政村", "社区"])
    covered = campaign.covered(ORGANIZATIONS)
    assert len(covered) == 21 and all(v.administrative for v in covered)           # the other county's village is out
    share = share_status(COUNTY, [COMMUNITY_A.code], covered, campaign.policy, lagging_codes=[COMMUNITY_A.code])
    assert (share.administrative_villages, share.lagging, share.required) == (21, 1, 3)


def test_a_campaign_of_villages_only_leaves_communities_out():
    campaign, _ = open_campaign("c", "整顿", TOWNSHIP_A, date(2014, 3, 1), organization_kinds=["行政村"])
    covered = campaign.covered(ORGANIZATIONS)
    assert COMMUNITY_A not in covered and [v.code[:9] for v in covered] == [TOWNSHIP_A[:9]] * 10
    assert not campaign.covers(replace(COMMUNITY_A, administrative=True))


def test_a_township_refuses_assessing_an_organization_of_a_kind_not_covered():
    campaign, _ = open_campaign("c", "整顿", TOWNSHIP_A, date(2014, 3, 1), organization_kinds=["行政村"])
    state = TownshipRound(campaign.campaign_id, "R1", TOWNSHIP_A)
    with pytest.raises(Refusal) as refused:
        state.record_assessments(campaign, [weak(campaign, COMMUNITY_A.code)], date(2014, 3, 10),
                                 not_screened={COMMUNITY_A.code: "社区"})
    problem = refused.value.details["problems"][0]
    assert (refused.value.code, problem["code"]) == ("assessments-refused", "organization-kind-not-covered")
    _, recorded = state.record_assessments(campaign, [weak(campaign, village(TOWNSHIP_A, 1))], date(2014, 3, 10),
                                           not_screened={COMMUNITY_A.code: "社区"})
    assert [a.village_code for a in recorded] == [village(TOWNSHIP_A, 1)]


def test_only_a_city_or_province_campaign_has_the_city_steps():
    city = make_campaign()
    require_city_steps(city, "市级抽查")
    for area in (COUNTY, TOWNSHIP_A):
        below, _ = open_campaign("c", "整顿", area, date(2014, 3, 1))
        with pytest.raises(Refusal) as refused:
            require_city_steps(below, "市级抽查")
        assert refused.value.code == "no-city-step" and isinstance(refused.value, OutOfOrder)


def test_the_county_decides_unless_the_township_runs_the_campaign():
    county, _ = open_campaign("c", "整顿", COUNTY, date(2014, 3, 1))
    township, _ = open_campaign("t", "整顿", TOWNSHIP_A, date(2014, 3, 1))
    for campaign in (make_campaign(), county):
        require_decided_by(campaign, Level.COUNTY)
        with pytest.raises(Refusal) as refused:
            require_decided_by(campaign, Level.TOWNSHIP)
        assert refused.value.code == "list-decided-elsewhere" and refused.value.details["decided_by"] == "county"
    require_decided_by(township, Level.TOWNSHIP)
    with pytest.raises(Refusal):
        require_decided_by(township, Level.COUNTY)


# --- the to-do list of campaigns below the city -------------------------------------------------------------------

def _view(area: str, **changes):
    campaign, _ = open_campaign("camp-1", "整顿", area, date(2014, 3, 1))
    return CampaignView(campaign.campaign_id, campaign.name, campaign.policy, area, campaign.has_city_steps,
                        campaign.decided_by_township, **changes)


def test_a_township_running_its_campaign_decides_once_it_submitted():
    committee = frozenset({"township_committee", "level_township"})
    own = tasks.TownshipRoundView(_view(TOWNSHIP_A), "R1", TOWNSHIP_A, villages=10, assessed=10, submitted=True)
    [decide] = tasks.township_steps(own, committee)
    assert decide.kind == "screening.township.decide" and decide.path.endswith(f"/townships/{TOWNSHIP_A}/decide")
    assert tasks.township_steps(own, frozenset({"org_staff", "level_township"})) == []
    in_county = replace(own, campaign=_view(COUNTY))
    assert tasks.township_steps(in_county, committee) == []          # the county decides a county's campaign


def test_no_county_review_in_a_township_campaign_and_no_city_step_below_the_city():
    standing = frozenset({"standing_committee", "org_staff", "level_county"})
    submitted = tasks.CountyRoundView(_view(TOWNSHIP_A), "R1", COUNTY, (TOWNSHIP_A,), frozenset({TOWNSHIP_A}), False)
    assert tasks.county_steps(submitted, standing) == []
    county_round = replace(submitted, campaign=_view(COUNTY), townships=(TOWNSHIP_A, TOWNSHIP_B),
                           submitted=frozenset({TOWNSHIP_A, TOWNSHIP_B}))
    assert "screening.county.confirm" in [s.kind for s in tasks.county_steps(county_round, standing)]
    confirmed = replace(county_round, confirmed=True)
    assert tasks.city_steps(confirmed) == [] and tasks.city_steps(replace(confirmed, campaign=_view(CITY))) != []
    assert tasks.filing_steps(_view(COUNTY), COUNTY, True, set(), date(2020, 8, 31)) == []
    assert tasks.filing_steps(_view(CITY), COUNTY, True, set(), date(2020, 8, 31)) != []


@pytest.mark.parametrize("kinds", [None, ["行政村", "社区"], ["行政村"], ["社区", "非公企业"]])
def test_what_counts_in_the_share_by_kind_is_what_covered_marks_administrative(kinds):
    """service.state.share_base counts the denominator per kind in SQL with counts_in_share."""
    campaign = make_campaign() if kinds is None else open_campaign("c", "整顿", CITY, date(2014, 3, 1),
                                                                    organization_kinds=kinds)[0]
    organizations = [Village(village(TOWNSHIP_A, n), kind, administrative=kind == "行政村", kind=kind)
                     for n, kind in enumerate(("行政村", "社区", "非公企业", "社会组织"), start=1)]
    covered = {v.kind: v.administrative for v in campaign.covered(organizations)}
    assert {kind: campaign.counts_in_share(kind) for kind in covered} == covered
    assert all(not campaign.counts_in_share(v.kind) for v in organizations if v.kind not in covered)
