from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from zhengdun.events.screening import CampaignOpened, CampaignPhase, Criterion, Policy

from screening.domain import (
    SEED_000_CRITERIA,
    SEED_001_CRITERIA,
    Campaign,
    open_campaign,
    revise_policy,
)
from screening_helpers import CITY
from zhengdun.refusals import Refusal


def test_policy_defaults_are_the_seed_values():
    p = Policy()
    assert p.min_listed_share == Decimal("0.10")
    assert (p.township_list_due, p.county_review_due, p.city_spot_check_due) == (
        date(2020, 8, 15), date(2020, 8, 20), date(2020, 8, 25))
    assert p.team_stationing_days == 5
    assert (p.team_size_min, p.team_size_max, p.team_leader_rank.label) == (3, 5, "科级")
    assert (p.contact_leader_visits_per_month, p.problems_pushed_per_visit) == (2, 1)
    assert (p.measure_update_interval_months, p.ledger_summary_interval_months) == (1, 3)
    assert p.progress_report_interval_months == 2
    assert p.township_escalation_share == Decimal("0.5")
    assert p.post_evaluation_months == 3
    assert (p.acceptance_spot_check_city_share, p.acceptance_spot_check_province_share) == (
        Decimal("0.15"), Decimal("0.05"))
    assert p.satisfaction_threshold == Decimal("0.70")
    assert p.filing_dates == (date(2020, 8, 31), date(2021, 3, 31), date(2021, 6, 30))
    assert p.pairing_max_villages == 3


def test_policy_round_trips_through_json_exactly():
    p = Policy(min_listed_share=Decimal("0.12"))
    assert Policy.model_validate_json(p.model_dump_json()) == p


@pytest.mark.parametrize("change", [
    {"team_size_min": 6},
    {"township_list_due": date(2020, 8, 21)},
    {"filing_dates": (date(2021, 3, 31), date(2020, 8, 31))},
    {"min_listed_share": Decimal("0")},
    {"satisfaction_threshold": Decimal("1.2")},
])
def test_incoherent_policy_is_refused(change):
    with pytest.raises(ValidationError):
        Policy(**change)


def test_open_campaign_takes_seed_defaults_and_announces_policy_version_1(campaign):
    assert campaign.criteria == SEED_000_CRITERIA
    assert len(campaign.criteria) == 10
    assert [c.code for c in campaign.criteria if c.requires_reason] == ["other"]
    assert campaign.policy == Policy()
    assert campaign.policy_version == 1
    assert campaign.phase(CampaignPhase.SCREENING).ends_on == date(2020, 9, 30)
    assert campaign.lagging_rule


def test_opened_event_rebuilds_the_campaign():
    campaign, opened = open_campaign("c", "整顿", CITY, date(2020, 7, 1), criteria=SEED_001_CRITERIA)
    assert isinstance(opened, CampaignOpened)
    assert opened.policy_version == 1
    assert Campaign.from_event(CampaignOpened.model_validate_json(opened.model_dump_json())) == campaign


def test_a_campaign_carries_over_only_an_earlier_one_over_the_same_ground():
    earlier, _ = open_campaign("c2019", "2019年整顿", CITY, date(2019, 7, 1))
    campaign, opened = open_campaign("c2020", "2020年整顿", CITY, date(2020, 7, 1), carries_over=earlier)
    assert campaign.carries_over_from == opened.carries_over_from == "c2019"
    assert Campaign.from_event(opened) == campaign
    province, _ = open_campaign("p2019", "全省2019年整顿", CITY[:2] + "0" * 10, date(2019, 7, 1))
    assert open_campaign("c2020b", "2020年整顿", CITY, date(2020, 7, 1), carries_over=province)[0].carries_over_from == "p2019"
    elsewhere, _ = open_campaign("x2019", "别市2019年整顿", CITY[:2] + "99" + "0" * 8, date(2019, 7, 1))
    for other, opened_on, code in [(elsewhere, date(2020, 7, 1), "carry-over-elsewhere"),
                                   (earlier, date(2019, 7, 1), "carry-over-not-earlier")]:
        with pytest.raises(Refusal) as refused:
            open_campaign("c", "整顿", CITY, opened_on, carries_over=other)
        assert refused.value.code == code and refused.value.details["errors"][0]["field"] == "body.carries_over_from"


def test_campaign_area_cannot_be_a_village():
    with pytest.raises(Refusal) as refused:
        open_campaign("c", "整顿", "130102001001", date(2020, 7, 1))
    assert refused.value.code == "campaign-area-level"
    assert refused.value.details["errors"][0]["field"] == "body.area_code"


def test_province_campaign_is_allowed():
    campaign, _ = open_campaign("c", "整顿", "130000000000", date(2020, 7, 1))
    assert campaign.area_code == "130000000000"


def test_criteria_catalog_codes_must_be_unique():
    twice = (Criterion(code="a", label="甲"), Criterion(code="a", label="乙"))
    with pytest.raises(Refusal) as refused:
        open_campaign("c", "整顿", CITY, date(2020, 7, 1), criteria=twice)
    assert refused.value.code == "criteria-duplicate"


def test_empty_catalog_refused():
    with pytest.raises(Refusal) as refused:
        open_campaign("c", "整顿", CITY, date(2020, 7, 1), criteria=())
    assert refused.value.code == "criteria-empty"


def test_revision_makes_a_new_version_and_keeps_the_old(campaign):
    new = Policy(min_listed_share=Decimal("0.12"))
    revised_campaign, revised = revise_policy(campaign, new, "市委要求提高比例", date(2020, 8, 1))
    assert revised.policy_version == 2
    assert revised_campaign.policy == new
    assert revised_campaign.policy_version == 2
    assert revised_campaign.policy_on(date(2020, 7, 31)).version == 1
    assert revised_campaign.policy_on(date(2020, 8, 1)).version == 2
    assert campaign.policy_version == 1          # the earlier state is untouched
    assert campaign.apply(revised) == revised_campaign


def test_revision_needs_a_reason_and_a_change(campaign):
    with pytest.raises(Refusal) as refused:
        revise_policy(campaign, Policy(pairing_max_villages=2), " ", date(2020, 8, 1))
    assert refused.value.code == "policy-reason-missing"
    with pytest.raises(Refusal) as refused:
        revise_policy(campaign, Policy(), "无变化", date(2020, 8, 1))
    assert refused.value.code == "policy-unchanged"


def test_revision_cannot_take_effect_before_the_current_version(campaign):
    with pytest.raises(Refusal) as refused:
        revise_policy(campaign, Policy(pairing_max_villages=2), "调整", date(2020, 6, 30))
    assert refused.value.code == "policy-effective-date"
    _, same_day = revise_policy(campaign, Policy(pairing_max_villages=2), "调整", date(2020, 7, 1))
    assert same_day.policy_version == 2


def test_a_revision_may_bring_new_phases_and_a_new_catalog_version_and_earlier_assessments_keep_theirs(campaign):
    from zhengdun.events.screening import AssessmentRecorded, PhaseWindow, PolicyRevised

    from screening.domain import TownshipRound
    from screening_helpers import MEETING, NOTICE, TOWNSHIP_A, entry, village, villages_of, weak

    state, [before] = TownshipRound("camp-1", "r1", TOWNSHIP_A).record_assessments(
        campaign, [weak(campaign, village(TOWNSHIP_A, 1))], date(2020, 7, 20))
    assert before.criteria_version == 1 and campaign.criteria_version == 1
    catalog = campaign.criteria + (Criterion(code="land_disputes", label="土地纠纷长期未解决"),)
    phases = tuple(w if w.phase is not CampaignPhase.CONCENTRATED else
                   PhaseWindow(phase=w.phase, starts_on=w.starts_on, ends_on=date(2021, 6, 30)) for w in campaign.phases)
    # Only the catalog and the phases change: the policy is carried over as it is.
    revised_campaign, revised = revise_policy(campaign, None, "市委增列认定情形、延长集中整顿", date(2020, 8, 1),
                                              phases=phases, criteria=catalog)
    assert revised.policy == campaign.policy and revised.criteria == catalog and revised.criteria_version == 2
    assert revised_campaign.criteria == catalog and revised_campaign.criteria_version == 2
    assert revised_campaign.phase(CampaignPhase.CONCENTRATED).ends_on == date(2021, 6, 30)
    assert campaign.apply(revised) == revised_campaign
    # New assessments answer the new catalog and record its version; the earlier one stands as it was.
    state, [after] = state.record_assessments(revised_campaign, [entry(revised_campaign, village(TOWNSHIP_A, 2))],
                                              date(2020, 8, 2))
    assert after.criteria_version == 2 and {f.criterion_code for f in after.findings} >= {"land_disputes"}
    assert state.assessments[village(TOWNSHIP_A, 1)] == before and before.criteria_version == 1
    _, submitted = state.submit(revised_campaign, villages_of(TOWNSHIP_A, 2), MEETING, NOTICE, date(2020, 8, 10))
    assert [v.village_code for v in submitted.weak_and_lax] == [village(TOWNSHIP_A, 1)]
    # A new entry that answers only the old catalog is refused: every criterion of the new one must be answered.
    with pytest.raises(Refusal):
        TownshipRound("camp-1", "r1", TOWNSHIP_A).record_assessments(
            revised_campaign, [entry(campaign, village(TOWNSHIP_A, 3))], date(2020, 8, 2))
    # Events stored before: a revision without phases or criteria, an assessment without a catalog version.
    old = PolicyRevised.model_validate({"campaign_id": "c", "policy_version": 2, "policy": {}, "reason": "r",
                                        "effective_on": "2020-08-01"})
    assert old.phases is None and old.criteria is None and campaign.apply(old).criteria_version == 1
    old_assessment = AssessmentRecorded.model_validate(
        {k: v for k, v in before.model_dump(mode="json").items() if k != "criteria_version"})
    assert old_assessment.criteria_version == 1


def test_a_revision_changing_nothing_is_refused_and_a_new_catalog_is_checked(campaign):
    with pytest.raises(Refusal) as refused:
        revise_policy(campaign, None, "无变化", date(2020, 8, 1), phases=campaign.phases, criteria=campaign.criteria)
    assert refused.value.code == "policy-unchanged"
    twice = (Criterion(code="a", label="甲"), Criterion(code="a", label="乙"))
    with pytest.raises(Refusal) as refused:
        revise_policy(campaign, None, "目录", date(2020, 8, 1), criteria=twice)
    assert refused.value.code == "criteria-duplicate"
