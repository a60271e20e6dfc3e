import hashlib
from datetime import date
from decimal import Decimal

import pytest

from zhengdun.events.screening import (CheckOutcome, CheckStage, CountyListConfirmed, DesignationBasis, ListCategory,
                                      SamplePurpose)

from zhengdun import sampling

from screening.domain import FindingInput, record_city_spot_check, verify_drawn
from screening.domain.spot_check import SampleSecret, concealed_designations, current_samples, draw_city_samples
from screening_helpers import CITY, COUNTY, TOWNSHIP_A, TOWNSHIP_B, village
from zhengdun.refusals import Refusal

LISTED = tuple(village(TOWNSHIP_A, n) for n in range(1, 8)) + tuple(village(TOWNSHIP_B, n) for n in range(1, 6))
CONFIRMED = CountyListConfirmed(
    campaign_id="camp-1", round_id="r1", county_code=COUNTY, decision_number="18号", decided_on=date(2020, 8, 20),
    weak_and_lax=LISTED[:8], lagging=LISTED[8:], administrative_villages=100, minimum_share=Decimal("0.1"),
    below_minimum=False, late=False, policy_version=1,
)


SECRET = SampleSecret("3f1c", sampling.commitment_to("3f1c"))   # committed when the county decided its list


def draw_city_sample(campaign, city, confirmed, drawn_on, secret=SECRET):
    return draw_city_samples(campaign, city, confirmed, (), secret, drawn_on)[0]


def test_city_samples_the_confirmed_list_at_its_ratio(campaign):
    sample = draw_city_sample(campaign, CITY, CONFIRMED, date(2020, 8, 22))
    assert sample.purpose is SamplePurpose.CITY_SPOT_CHECK
    assert sample.population == tuple(sorted(LISTED))
    assert len(sample.chosen) == 2                         # ceil(0.10 × 12)
    assert verify_drawn(sample)
    assert draw_city_sample(campaign, CITY, CONFIRMED, date(2020, 8, 23)).chosen == sample.chosen


def test_nobody_chooses_the_seed_and_anyone_can_rederive_it(campaign):
    sample = draw_city_sample(campaign, CITY, CONFIRMED, date(2020, 8, 22))
    assert sample.commitment == sampling.commitment_to(sample.secret) and sample.attempt == 1
    by_hand = hashlib.sha256(f"3f1c:city_spot_check:{COUNTY}:{sampling.population_digest(LISTED)}:1".encode()).hexdigest()
    assert sample.seed == by_hand
    assert not verify_drawn(sample.model_copy(update={"secret": "another"}))          # not the committed secret
    assert not verify_drawn(sample.model_copy(update={"seed": "chosen-by-hand"}))     # not the derived seed


def test_a_list_is_sampled_once_and_again_only_with_a_recorded_reason(campaign):
    first = draw_city_samples(campaign, CITY, CONFIRMED, UNLISTED, SECRET, date(2020, 8, 22))
    with pytest.raises(Refusal) as refused:
        draw_city_samples(campaign, CITY, CONFIRMED, UNLISTED, SECRET, date(2020, 8, 23), earlier=first)
    assert refused.value.code == "sample-already-drawn"
    with pytest.raises(Refusal):
        draw_city_samples(campaign, CITY, CONFIRMED, UNLISTED, SECRET, date(2020, 8, 23), earlier=first, redraw_reason="  ")
    again = draw_city_samples(campaign, CITY, CONFIRMED, UNLISTED, SECRET, date(2020, 8, 23), earlier=first,
                              redraw_reason="抽中的村因道路中断无法实地核查")
    assert [s.attempt for s in again] == [2, 2] and again[0].redraw_reason.startswith("抽中的村")
    assert again[0].seed != first[0].seed and all(verify_drawn(s) for s in again)
    assert current_samples(first + again) == list(again)                   # the checks go on the latest draw
    new_list = SampleSecret("9d2e", sampling.commitment_to("9d2e"))      # a new decision freezes a new population
    assert draw_city_samples(campaign, CITY, CONFIRMED, UNLISTED, new_list, date(2020, 8, 24), earlier=first)[0].attempt == 1


def test_city_cannot_sample_a_county_outside_it(campaign):
    with pytest.raises(Refusal) as refused:
        draw_city_sample(campaign, "130200000000", CONFIRMED, date(2020, 8, 22))
    assert refused.value.code == "not-your-county"


def test_falsification_names_the_county_and_township(campaign):
    sample = draw_city_sample(campaign, CITY, CONFIRMED, date(2020, 8, 22))
    first, second = sample.chosen
    recorded, falsified = record_city_spot_check(campaign, CITY, sample, [
        FindingInput(first, CheckOutcome.CONFIRMED),
        FindingInput(second, CheckOutcome.FALSIFIED, "以中充次: 村霸问题未如实认定"),
    ], date(2020, 8, 25))
    assert recorded.stage is CheckStage.CITY_SPOT_CHECK and recorded.late is False
    assert recorded.checked_by_code == CITY and recorded.checked_code == COUNTY
    assert [(f.village_code, f.county_code, f.township_code, f.found_by_code) for f in falsified] == [
        (second, COUNTY, second[:9] + "000", CITY)]


def test_spot_check_after_due_day_is_marked_late(campaign):
    sample = draw_city_sample(campaign, CITY, CONFIRMED, date(2020, 8, 22))
    recorded, falsified = record_city_spot_check(
        campaign, CITY, sample, [FindingInput(sample.chosen[0], CheckOutcome.CONFIRMED)], date(2020, 8, 26))
    assert recorded.late is True and falsified == ()


def test_findings_must_exist_and_be_on_the_sample(campaign):
    sample = draw_city_sample(campaign, CITY, CONFIRMED, date(2020, 8, 22))
    outside = next(c for c in LISTED if c not in sample.chosen)
    for findings, code in [([], "findings-empty"),
                           ([FindingInput(outside, CheckOutcome.CONFIRMED)], "village-not-sampled")]:
        with pytest.raises(Refusal) as refused:
            record_city_spot_check(campaign, CITY, sample, findings, date(2020, 8, 25))
        assert refused.value.code == code


UNLISTED = tuple(village(TOWNSHIP_A, n) for n in range(8, 30))


def test_city_also_samples_the_unlisted_villages(campaign):
    listed, unlisted = draw_city_samples(campaign, CITY, CONFIRMED, UNLISTED + LISTED, SECRET, date(2020, 8, 22))
    assert listed == draw_city_sample(campaign, CITY, CONFIRMED, date(2020, 8, 22))
    assert unlisted.purpose is SamplePurpose.CITY_SPOT_CHECK
    assert unlisted.population == tuple(sorted(UNLISTED))   # listed villages are not drawn twice
    assert len(unlisted.chosen) == 3 and verify_drawn(unlisted)  # ceil(0.10 × 22)


def test_an_unlisted_village_found_meeting_a_criterion_is_designated(campaign):
    samples = draw_city_samples(campaign, CITY, CONFIRMED, UNLISTED, SECRET, date(2020, 8, 22))
    hidden, fine = samples[1].chosen[:2]
    recorded, falsified = record_city_spot_check(campaign, CITY, samples, [
        FindingInput(hidden, CheckOutcome.FALSIFIED, "村霸问题瞒报", ("organized_crime_or_village_tyrant",)),
        FindingInput(fine, CheckOutcome.CONFIRMED),
    ], date(2020, 8, 24))
    assert [f.village_code for f in falsified] == [hidden]
    designated = concealed_designations(campaign, CONFIRMED, recorded, active_targets=())
    assert [(d.village_code, d.basis, d.category, d.criteria_met, d.round_id) for d in designated] == [
        (hidden, DesignationBasis.CITY_SPOT_CHECK, ListCategory.WEAK_AND_LAX, ("organized_crime_or_village_tyrant",), "r1")]
    assert concealed_designations(campaign, CONFIRMED, recorded, active_targets=(hidden,)) == ()  # already a target


def test_a_concealed_village_cannot_be_confirmed_as_right(campaign):
    samples = draw_city_samples(campaign, CITY, CONFIRMED, UNLISTED, SECRET, date(2020, 8, 22))
    for finding, code in [
        (FindingInput(samples[1].chosen[0], CheckOutcome.CONFIRMED, "", ("illegal_religion",)), "finding-contradicts-criteria"),
        (FindingInput(samples[1].chosen[0], CheckOutcome.DISCREPANCY, "漏报", ("no_such",)), "criterion-unknown"),
    ]:
        recorded, _ = record_city_spot_check(campaign, CITY, samples, [finding], date(2020, 8, 24))
        with pytest.raises(Refusal) as refused:
            concealed_designations(campaign, CONFIRMED, recorded, active_targets=())
        assert refused.value.code == code
