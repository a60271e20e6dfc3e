from datetime import date

import pytest

from zhengdun.events.screening import DesignationBasis, ListCategory, RemovalReason, TargetDesignated

from screening.domain import ActiveList
from screening_helpers import COUNTY, TOWNSHIP_A, TOWNSHIP_B, village
from zhengdun.refusals import Refusal

V1, V2 = village(TOWNSHIP_A, 1), village(TOWNSHIP_B, 2)


def designated(code, category=ListCategory.WEAK_AND_LAX):
    return TargetDesignated(
        campaign_id="camp-1", round_id="r1", village_code=code, township_code=code[:9] + "000", county_code=COUNTY,
        category=category, criteria_met=("election_overdue",) if category is ListCategory.WEAK_AND_LAX else (),
        decision_number="18号", designated_on=date(2020, 8, 20), policy_version=1,
    )


@pytest.fixture
def active():
    return ActiveList("camp-1").apply_all([designated(V1), designated(V2, ListCategory.LAGGING)])


def test_designations_make_the_active_list(active):
    assert list(active.in_division(COUNTY)) == [V1, V2]
    assert list(active.in_division(TOWNSHIP_A)) == [V1]
    assert active.targets[V2].category is ListCategory.LAGGING


def test_delisting_removes_the_village_and_is_idempotent(active):
    state, removed = active.delist(V1, date(2021, 3, 1), reference="acceptance-event-1")
    assert removed.reason is RemovalReason.DELISTED and removed.county_code == COUNTY
    assert V1 not in state.targets and state.delisted_on[V1] == date(2021, 3, 1)
    again, nothing = state.delist(V1, date(2021, 3, 2))
    assert nothing is None and again == state
    assert V1 in active.targets                      # the earlier state is untouched


def test_relapse_designates_a_delisted_village_again(campaign, active):
    state, _ = active.delist(V1, date(2021, 3, 1))
    state, again = state.relapse(campaign, V1, ListCategory.WEAK_AND_LAX, ["committees_inactive"], date(2021, 6, 5))
    assert again.basis is DesignationBasis.RELAPSE and again.decision_number is None
    assert again.county_code == COUNTY and again.township_code == TOWNSHIP_A
    assert state.targets[V1].basis is DesignationBasis.RELAPSE


@pytest.mark.parametrize("code, category, criteria, expected", [
    (V2, ListCategory.LAGGING, [], "village-already-target"),
    (village(TOWNSHIP_A, 5), ListCategory.LAGGING, [], "relapse-not-delisted"),
    (V1, ListCategory.WEAK_AND_LAX, [], "weak-and-lax-without-criterion"),
    (V1, ListCategory.WEAK_AND_LAX, ["nope"], "criterion-unknown"),
])
def test_bad_relapse_is_refused(campaign, active, code, category, criteria, expected):
    state, _ = active.delist(V1, date(2021, 3, 1))
    with pytest.raises(Refusal) as refused:
        state.relapse(campaign, code, category, criteria, date(2021, 6, 5))
    assert refused.value.code == expected
