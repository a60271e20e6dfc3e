"""Versions at acceptance's boundary: the policy version in force on a step's date; the city's standard revised as
versions, a self-check keeping the score and version it was scored against (domain.md §2, §6)."""
from copy import deepcopy
from datetime import date
from decimal import Decimal

import pytest

from zhengdun.refusals import RuleViolation
from acceptance.domain.policy import PolicyVersion, in_force
from acceptance.domain.process import Stage
from acceptance.domain.standard import revise_standard
from tests.unit.acceptance.test_acceptance_steps import DAY, ITEMS, SCORES, at

OPENED, REVISED = date(2020, 7, 1), date(2021, 4, 1)
V1, V2 = PolicyVersion(1, OPENED, "v1"), PolicyVersion(2, REVISED, "v2")


def test_a_step_applies_the_policy_version_in_force_on_its_date():
    assert in_force([V1, V2], date(2021, 3, 31)) == V1          # the revision takes effect later: not yet
    assert in_force([V2, V1], REVISED) == V2                    # on its effective date it applies
    assert in_force([V1, V2, PolicyVersion(3, date(2021, 5, 1), "v3")], date(2021, 4, 30)) == V2
    # Version 1 applies from the start, even to a step dated before the opening reached here.
    assert in_force([V1], date(2020, 1, 1)) == V1


def test_no_version_in_force_known_records_none_rather_than_a_later_one():
    assert in_force([], DAY) is None
    assert in_force([V2], date(2021, 3, 31)) is None            # the opening has not arrived, the revision is later


def test_setting_the_standard_again_makes_a_new_version_and_the_same_one_is_no_revision():
    first = revise_standard(None, ITEMS, Decimal(80))
    assert first.version == 1
    assert revise_standard(first, ITEMS, Decimal(80)) is first
    second = revise_standard(first, ITEMS, Decimal(85))
    assert second.version == 2 and second.pass_mark == 85 and first.pass_mark == 80
    with pytest.raises(RuleViolation):
        revise_standard(second, ITEMS[:3], Decimal(50))          # a revision obeys the same rules (four headings)


def test_a_revision_leaves_an_earlier_self_check_with_its_score_and_version():
    first = revise_standard(None, ITEMS, Decimal(80))
    earlier = at(Stage.APPLIED)
    earlier.self_check(first, SCORES, DAY)
    kept = deepcopy(earlier.state["self_check"])
    assert kept["standard_version"] == 1 and kept["total"] == "82"

    stricter = revise_standard(first, ITEMS, Decimal(85))
    assert earlier.state["self_check"] == kept and earlier.stage is Stage.SELF_CHECKED   # nothing rescored
    later = at(Stage.APPLIED)
    with pytest.raises(RuleViolation):
        later.self_check(stricter, SCORES, DAY)                  # 82 passed version 1, not version 2
    later.self_check(stricter, {**SCORES, "D": Decimal(23)}, DAY)
    assert later.state["self_check"]["standard_version"] == 2 and later.state["self_check"]["total"] == "85"
