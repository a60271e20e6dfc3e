"""Pairing (结对帮带) as seed 002 does it, plain rules: an excellent village Party secretary "承包" 2–3 weak villages
(seed 002 抓工作体系 三是: 由每名优秀村党组织书记“承包”2-3个软弱涣散村), and the district's 销账 list is the dynamic
list (seed 002 抓制度机制 二是: 建立整顿软弱涣散村“销账”制度，实行动态管理).

Choices (the seed gives the numbers, not what to do when they are not met):
- the maximum (``Policy.pairing_max_villages``, 3) is a rule: a fourth village is refused;
- the minimum (2) is a target: a secretary with fewer villages is accepted and flagged ``below_target``, and the
  county's list shows who is below it — a village may be delisted before the secretary gets a second one;
- the secretary and the villages are the county's own (seed 002: the district arranges its own ~20 secretaries), so
  every village, and the secretary's village, must lie inside the county of the one who pairs them;
- a paired village must be on the list (an open case: listed, not yet delisted), and not the secretary's own;
- a pairing ends when its village leaves the list (销账: delisted after acceptance, or not relisted at
  re-screening): the village leaves the secretary's list the day it leaves the dynamic list.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from zhengdun.divisions import county_of, is_within
from zhengdun.events.casework import CasePhase
from zhengdun.refusals import OutOfOrder, RuleViolation

TARGET_MIN_VILLAGES = 2      # seed 002: 2-3个
ENDED_PHASES = {CasePhase.DELISTED}
END_REASON_LABELS = {"delisted": "验收销号（销账）", "not_relisted": "重新排查未列入（移出名单）"}


@dataclass(frozen=True)
class PairedVillage:
    """A village asked for, as casework knows it: its open case (None: not on the list) and the case's phase."""

    village_code: str
    case_id: str | None
    phase: CasePhase | None


def below_target(active_villages: int) -> bool:
    return active_villages < TARGET_MIN_VILLAGES


def check_pairing(*, secretary_village_code: str, villages: list[PairedVillage], paired_already: Collection[str],
                  max_villages: int, unit: str) -> list[PairedVillage]:
    """The villages to pair with one secretary who already has ``paired_already`` (active villages), for a user of
    ``unit`` (a county, or a township for the per-case form): every refusal in Chinese, nothing partly applied."""
    if not villages:
        raise RuleViolation("pairing-no-village", "至少选择 1 个结对村", "name at least one village to pair",
                            field="body.village_codes")
    county = county_of(unit)
    if not is_within(secretary_village_code, county):
        raise RuleViolation("pairing-outside-county", f"结对书记所在村 {secretary_village_code} 不在本县 {county} 内",
                            f"the secretary's village {secretary_village_code} is outside the county {county}",
                            field="body.secretary_village_code")
    codes = [v.village_code for v in villages]
    if len(set(codes)) != len(codes):
        raise RuleViolation("pairing-duplicate-village", "结对村重复", "a village is named twice", field="body.village_codes")
    for index, village in enumerate(villages):
        field = f"body.village_codes.{index}"
        if not is_within(village.village_code, county):
            raise RuleViolation("pairing-outside-county", f"村 {village.village_code} 不在本县 {county} 内，只能结对本县的村",
                                f"village {village.village_code} is outside the county {county}", field=field)
        if village.village_code == secretary_village_code:
            raise RuleViolation("pairing-own-village", "结对书记不能来自本村", "the paired secretary must come from another village",
                                field=field)
        if village.case_id is None or village.phase in ENDED_PHASES:
            raise RuleViolation("pairing-village-not-listed", f"村 {village.village_code} 不在整顿名单上（未列入或已销账），不能结对",
                                f"village {village.village_code} is not on the list (never listed, or delisted)", field=field)
        if village.village_code in paired_already:
            raise OutOfOrder("already-paired", f"该书记已与本村结对（{village.village_code}）",
                             f"village {village.village_code} is already paired with this secretary")
    total = len(paired_already) + len(villages)
    if total > max_villages:
        raise RuleViolation("pairing-limit", f"一名优秀村党组织书记最多结对 {max_villages} 个村，该书记已结对 {len(paired_already)} 个，"
                            f"本次 {len(villages)} 个", f"one secretary is paired with at most {max_villages} villages; "
                            f"already {len(paired_already)}, now {len(villages)} more", limit=max_villages)
    return villages


def secretary_named(name: str | None, secretary_village_code: str, register: Mapping[str, str]) -> str:
    """The secretary's name: as given, else the register's current secretary of that village (screening's 名册)."""
    given = (name or "").strip()
    if given:
        return given
    if secretary_village_code in register:
        return register[secretary_village_code]
    raise RuleViolation("secretary-unknown", f"名册中没有村 {secretary_village_code} 的党组织书记，请填写书记姓名",
                        f"the register has no secretary of {secretary_village_code}: give the secretary's name",
                        field="body.secretary_name")
