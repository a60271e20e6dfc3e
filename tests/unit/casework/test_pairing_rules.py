"""Pairing as seed 002 does it (结对帮带): one excellent secretary, 2–3 villages of the county's list (issue 22)."""
from __future__ import annotations

import pytest

from casework.domain.pairing import PairedVillage, below_target, check_pairing, secretary_named
from zhengdun.events.casework import CasePhase
from zhengdun.refusals import OutOfOrder, RuleViolation

COUNTY_ORG = "990102000000"
SECRETARY_VILLAGE = "990102101208"
LISTED = [PairedVillage(f"99010210{n}201", f"case-{n}", CasePhase.CONCENTRATED) for n in range(11, 16)]


def pair(villages, already=(), unit=COUNTY_ORG, secretary=SECRETARY_VILLAGE, max_villages=3):
    return check_pairing(secretary_village_code=secretary, villages=list(villages), paired_already=set(already),
                         max_villages=max_villages, unit=unit)


def refused(code, *args, **kwargs):
    with pytest.raises((RuleViolation, OutOfOrder)) as caught:
        pair(*args, **kwargs)
    assert caught.value.code == code
    return caught.value


def test_no_village_is_refused():
    refused("pairing-no-village", [])


@pytest.mark.parametrize("count, flagged", [(1, True), (2, False), (3, False)])
def test_one_to_three_villages_pass_and_fewer_than_two_is_flagged(count, flagged):
    assert pair(LISTED[:count]) == LISTED[:count]
    assert below_target(count) is flagged


def test_a_fourth_village_is_refused_at_once_or_later():
    error = refused("pairing-limit", LISTED[:4])
    assert "最多结对 3 个村" in error.message_zh and error.details["limit"] == 3
    refused("pairing-limit", LISTED[3:4], already={v.village_code for v in LISTED[:3]})
    assert pair(LISTED[2:3], already={v.village_code for v in LISTED[:2]})


def test_a_secretary_whose_villages_all_left_the_list_is_below_target():
    assert below_target(0)


def test_villages_and_the_secretary_must_be_inside_the_users_county():
    other_county = PairedVillage("990103101201", "case-x", CasePhase.CONCENTRATED)
    error = refused("pairing-outside-county", [LISTED[0], other_county])
    assert error.field == "body.village_codes.1" and "不在本县" in error.message_zh
    refused("pairing-outside-county", LISTED[:2], secretary="990103101208")
    # A township's staff (the per-case form) pair inside their county too.
    assert pair(LISTED[:2], unit="990102101000")


def test_a_delisted_or_never_listed_village_cannot_be_paired():
    delisted = PairedVillage("990102101209", "case-d", CasePhase.DELISTED)
    assert refused("pairing-village-not-listed", [delisted]).field == "body.village_codes.0"
    refused("pairing-village-not-listed", [PairedVillage("990102101210", None, None)])
    # Accepted but not yet delisted: still on the list.
    assert pair([PairedVillage("990102101211", "case-a", CasePhase.ACCEPTED)])


def test_own_village_repeats_and_existing_pairings_are_refused():
    refused("pairing-own-village", [PairedVillage(SECRETARY_VILLAGE, "case-s", CasePhase.CONCENTRATED)])
    refused("pairing-duplicate-village", [LISTED[0], LISTED[0]])
    refused("already-paired", LISTED[:1], already={LISTED[0].village_code})


def test_the_secretary_is_named_or_taken_from_the_register():
    register = {SECRETARY_VILLAGE: "钱书记"}
    assert secretary_named(None, SECRETARY_VILLAGE, register) == "钱书记"
    assert secretary_named(" 孙书记 ", SECRETARY_VILLAGE, register) == "孙书记"
    with pytest.raises(RuleViolation) as caught:
        secretary_named("", "990102101209", register)
    assert caught.value.code == "secretary-unknown" and caught.value.field == "body.secretary_name"
