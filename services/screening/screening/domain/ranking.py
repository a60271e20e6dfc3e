"""Lagging villages by ranking (倒排, seed 000 §二(二)): the platform computes the bottom of the ranking
from the scores the townships entered, under the campaign's rule, and proposes those villages.

The township decides its list; where it departs from the proposal (lists a village the ranking did not
propose, or leaves out one it did) it states a reason per village, and the ranking, the proposal and the
reasons are recorded with the submitted list.
"""
from __future__ import annotations

import math
from typing import Iterable, Mapping

from zhengdun.divisions import ancestor_at, level_of, prefix_of
from zhengdun.events.screening import (
    AssessmentResult,
    LaggingRanking,
    LaggingRule,
    LaggingRuleSet,
    RankedVillage,
    RankingDirection,
    RankingScope,
)
from zhengdun.roles import Level

from screening.domain.assessment import Assessment
from zhengdun.refusals import RuleViolation


def group_of(rule: LaggingRule, village_code: str) -> str:
    return ancestor_at(village_code, Level.TOWNSHIP if rule.scope is RankingScope.TOWNSHIP else Level.COUNTY)


def cut_size(rule: LaggingRule, ranked: int) -> int:
    """How many places the cut takes from the bottom of ``ranked`` villages (a share is rounded up)."""
    if ranked == 0:
        return 0
    wanted = rule.bottom_count if rule.bottom_count is not None else math.ceil(rule.bottom_share * ranked)
    return min(wanted, ranked)


def rank_lagging(rule: LaggingRule, assessments: Iterable[Assessment]) -> LaggingRanking:
    """Rank every assessed village with a score within its township or county, worst first, and propose the
    cut. Ties at the cut: every village with the score of the cut's last place is inside (并列者一并列入), the
    ones beyond the N or the share are named in ``tied_at_cut``. Weak-and-lax villages are ranked (they hold
    places) but not proposed again. Villages without a score are ``unranked``."""
    latest = {a.village_code: a for a in assessments}
    groups: dict[str, list[Assessment]] = {}
    unranked = []
    for code, a in sorted(latest.items()):
        if a.ranking is None or a.ranking.score is None:
            unranked.append(code)
        else:
            groups.setdefault(group_of(rule, code), []).append(a)
    worse_first = rule.direction is RankingDirection.HIGHER_IS_WORSE
    ranked: list[RankedVillage] = []
    tied: list[str] = []
    for group, members in sorted(groups.items()):
        members.sort(key=lambda a: (-a.ranking.score if worse_first else a.ranking.score, a.village_code))
        size = cut_size(rule, len(members))
        threshold = members[size - 1].ranking.score if size else None
        for index, a in enumerate(members):
            score = a.ranking.score
            # Competition ranking from the bottom: equal scores share the place of the first of them.
            position = next(i for i, m in enumerate(members, 1) if m.ranking.score == score)
            in_cut = threshold is not None and (score >= threshold if worse_first else score <= threshold)
            if in_cut and index >= size:
                tied.append(a.village_code)
            ranked.append(RankedVillage(village_code=a.village_code, group_code=group, score=score, position=position,
                                        in_cut=in_cut))
    if tied:
        # The whole tie straddling the cut, including those inside the N: the reader sees who shares the place.
        last = {r.group_code: r.score for r in ranked if r.village_code in tied}
        tied = [r.village_code for r in ranked if r.in_cut and last.get(r.group_code) == r.score]
    weak = {code for code, a in latest.items() if a.result is AssessmentResult.WEAK_AND_LAX}
    cut = [r.village_code for r in ranked if r.in_cut]
    return LaggingRanking(rule=rule, ranked=tuple(ranked), proposed=tuple(c for c in cut if c not in weak),
                          tied_at_cut=tuple(tied), already_weak_and_lax=tuple(c for c in cut if c in weak),
                          unranked=tuple(unranked))


def for_township(ranking: LaggingRanking, township_code: str) -> LaggingRanking:
    """The part of a (county-wide) ranking about one township's villages."""
    def mine(code: str) -> bool:
        return ancestor_at(code, Level.TOWNSHIP) == township_code

    return ranking.model_copy(update={
        "ranked": tuple(r for r in ranking.ranked if mine(r.village_code)),
        "proposed": tuple(c for c in ranking.proposed if mine(c)),
        "tied_at_cut": tuple(c for c in ranking.tied_at_cut if mine(c)),
        "already_weak_and_lax": tuple(c for c in ranking.already_weak_and_lax if mine(c)),
        "unranked": tuple(c for c in ranking.unranked if mine(c)),
        "deviations": {c: r for c, r in ranking.deviations.items() if mine(c)}})


def check_against_proposal(ranking: LaggingRanking, listed_lagging: Iterable[str],
                           reasons: Mapping[str, str] | None) -> LaggingRanking:
    """A township listing as lagging a village the ranking did not propose, or leaving out one it did, states a
    reason for each (like the other reasoned changes); returns the ranking with those reasons recorded."""
    listed, proposed = set(listed_lagging), set(ranking.proposed)
    given = {code: text.strip() for code, text in (reasons or {}).items() if text.strip()}
    departures = sorted(listed ^ proposed)
    unexplained = [code for code in departures if code not in given]
    if unexplained:
        added = [c for c in unexplained if c in listed]
        left_out = [c for c in unexplained if c in proposed]
        parts_zh = ([f"未在倒排范围内却列为后进: {', '.join(added)}"] if added else []) + \
                   ([f"倒排靠后却未列为后进: {', '.join(left_out)}"] if left_out else [])
        raise RuleViolation(
            "lagging-differs-from-ranking",
            "后进村名单与倒排结果不一致，须逐村说明理由（" + "；".join(parts_zh) + "）",
            f"the lagging list departs from the ranking's proposal; give a reason per village: listed but not "
            f"proposed {added}, proposed but not listed {left_out}",
            village_codes=unexplained, listed_not_proposed=added, proposed_not_listed=left_out)
    return ranking.model_copy(update={"deviations": {code: given[code] for code in departures}})


def check_own_rule(rule: LaggingRule, scope_code: str, campaign_area: str) -> None:
    """Check that ``scope_code`` may hold a ranking rule of its own: a county or a township inside the
    campaign's area (由县乡党委明确认定标准); a township's rule ranks within the township only."""
    level = level_of(scope_code)
    if level not in (Level.COUNTY, Level.TOWNSHIP):
        raise RuleViolation("lagging-rule-level", f"倒排规则由县或乡镇党委确定，{scope_code} 不是县或乡镇",
                                     f"a ranking rule is set by a county or a township, not {scope_code}",
                                     field="code")
    if not scope_code.startswith(prefix_of(campaign_area)):
        raise RuleViolation("outside-campaign", f"{scope_code} 不在本整顿工作范围内",
                                     f"{scope_code} is outside the campaign's area", field="code")
    if level is Level.TOWNSHIP and rule.scope is not RankingScope.TOWNSHIP:
        raise RuleViolation("lagging-rule-scope", "乡镇确定的倒排规则只能在本乡镇范围内排名",
                                     "a township's rule ranks within the township", field="rule.scope")


def rule_in_force(campaign_rule: LaggingRule | None, own_rules: Iterable[LaggingRuleSet],
                  unit_code: str) -> tuple[LaggingRule | None, str | None]:
    """The ranking rule that applies to a township's (or a county's) list, and whose it is (the unit's code;
    None: the campaign's): the township's own newest rule, else its county's newest, else the campaign's."""
    newest: dict[str, LaggingRule] = {}
    for set_rule in own_rules:      # in the order they were set: later ones replace earlier ones
        newest[set_rule.scope_code] = set_rule.rule
    units = [unit_code, ancestor_at(unit_code, Level.COUNTY)] if level_of(unit_code) is Level.TOWNSHIP else [unit_code]
    for unit in units:
        if unit in newest:
            return newest[unit], unit
    return campaign_rule, None
