"""Lagging villages by ranking (倒排): the rule, the bottom computed from the entered scores, ties at the
cut, and a township's departures from the proposal needing a reason (plain Python)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from zhengdun.events.screening import (AssessmentResult, CampaignOpened, LaggingRule, RankingDirection, RankingInput,
                                      RankingScope)

from screening.domain import TownshipRound
from screening.domain.ranking import cut_size, rank_lagging
from screening_helpers import (MEETING, NOTICE, TOWNSHIP_A, TOWNSHIP_B, entry, make_campaign, village, villages_of,
                               weak)
from zhengdun.refusals import Refusal

STARS = LaggingRule(basis="星级支部评定得分", bottom_count=2)


def scored(campaign, code: str, score: str, result=AssessmentResult.NEITHER):
    ranking = RankingInput(score=Decimal(score), basis="星级支部评定得分")
    if result is AssessmentResult.WEAK_AND_LAX:
        base = weak(campaign, code)
        return type(base)(base.village_code, base.findings, base.result, ranking)
    return entry(campaign, code, result, ranking=ranking)


def assessed(campaign, scores: dict[str, str], township=TOWNSHIP_A, lagging=(), weak_and_lax=()):
    entries = [scored(campaign, code, score, AssessmentResult.LAGGING if code in lagging else
                      AssessmentResult.WEAK_AND_LAX if code in weak_and_lax else AssessmentResult.NEITHER)
               for code, score in scores.items()]
    state, recorded = TownshipRound("camp-1", "r1", township).record_assessments(campaign, entries, date(2020, 8, 1))
    return state, recorded


def A(n: int) -> str:
    return village(TOWNSHIP_A, n)


def test_the_rule_is_one_cut_and_reads_in_chinese():
    with pytest.raises(ValueError):
        LaggingRule(basis="得分", bottom_count=2, bottom_share=Decimal("0.1"))
    with pytest.raises(ValueError):
        LaggingRule(basis="得分")
    rule = LaggingRule(basis="星级支部评定得分", bottom_share=Decimal("0.05"), scope=RankingScope.COUNTY)
    assert "后 5%（向上取整）" in rule.describe() and "各县（市、区）" in rule.describe()
    assert cut_size(rule, 41) == 3 and cut_size(rule, 20) == 1 and cut_size(rule, 0) == 0
    assert cut_size(STARS, 1) == 1


def test_the_bottom_n_of_each_township_is_proposed_from_the_entered_scores():
    campaign = make_campaign(lagging_rule=STARS)
    scores = {A(n): str(s) for n, s in zip(range(1, 11), [90, 85, 60, 70, 95, 88, 55, 99, 80, 75])}
    _, recorded = assessed(campaign, scores)
    ranking = rank_lagging(STARS, recorded)
    assert ranking.proposed == (A(7), A(3)) and ranking.tied_at_cut == () and ranking.rule == STARS
    worst = ranking.ranked[0]
    assert (worst.village_code, worst.score, worst.position, worst.in_cut) == (A(7), Decimal("55"), 1, True)
    assert [r.position for r in ranking.ranked][:3] == [1, 2, 3] and not ranking.ranked[2].in_cut


def test_villages_tied_at_the_cut_are_all_proposed_and_named():
    campaign = make_campaign(lagging_rule=STARS)
    # 55, then three villages at 60: the 2nd place is shared by three → all three go in, named as tied.
    scores = {A(1): "55", A(2): "60", A(3): "60", A(4): "60", A(5): "70", A(6): "80"}
    _, recorded = assessed(campaign, scores)
    ranking = rank_lagging(STARS, recorded)
    assert ranking.proposed == (A(1), A(2), A(3), A(4))
    assert ranking.tied_at_cut == (A(2), A(3), A(4))
    assert [r.position for r in ranking.ranked] == [1, 2, 2, 2, 5, 6]
    # A tie wholly inside the cut is no tie at the cut.
    inside = rank_lagging(STARS, assessed(campaign, {A(1): "55", A(2): "55", A(3): "60"})[1])
    assert inside.proposed == (A(1), A(2)) and inside.tied_at_cut == ()


def test_higher_is_worse_a_share_per_county_weak_and_lax_keep_their_place_and_no_score_is_unranked():
    rule = LaggingRule(basis="信访件数", direction=RankingDirection.HIGHER_IS_WORSE, bottom_share=Decimal("0.25"),
                       scope=RankingScope.COUNTY)
    campaign = make_campaign(lagging_rule=rule)
    _, in_a = assessed(campaign, {A(1): "9", A(2): "1", A(3): "2"}, weak_and_lax={A(1)})
    B = [village(TOWNSHIP_B, n) for n in (1, 2, 3, 4, 5)]
    _, in_b = assessed(campaign, dict(zip(B, ["7", "0", "3", "1", "2"])), township=TOWNSHIP_B)
    no_score = TownshipRound("camp-1", "r1", TOWNSHIP_A).record_assessments(
        campaign, [entry(campaign, A(4))], date(2020, 8, 1))[1]
    ranking = rank_lagging(rule, in_a + in_b + no_score)
    # 8 ranked in the county, 25% → 2 places: 9 (weak and lax: not proposed again) and 7.
    assert {r.group_code for r in ranking.ranked} == {"130102000000"}
    assert ranking.already_weak_and_lax == (A(1),) and ranking.proposed == (B[0],)
    assert ranking.unranked == (A(4),)


def submit(campaign, state, ranking, reasons=None):
    return state.submit(campaign, villages_of(TOWNSHIP_A, 4), MEETING, NOTICE, date(2020, 8, 10),
                        lagging_ranking=ranking, lagging_reasons=reasons)


def test_a_township_departing_from_the_proposal_states_a_reason_per_village_and_it_is_recorded():
    campaign = make_campaign(lagging_rule=STARS)
    scores = {A(1): "55", A(2): "60", A(3): "70", A(4): "80"}
    # As proposed: nothing to explain; the rule, the inputs and the proposal travel with the list.
    state, recorded = assessed(campaign, scores, lagging={A(1), A(2)})
    _, submitted = submit(campaign, state, rank_lagging(STARS, recorded))
    assert submitted.lagging_ranking.proposed == (A(1), A(2)) and submitted.lagging_ranking.deviations == {}
    assert submitted.lagging_ranking.rule == STARS and len(submitted.lagging_ranking.ranked) == 4
    # Lists A3 instead of A2: both departures need a reason.
    state, recorded = assessed(campaign, scores, lagging={A(1), A(3)})
    with pytest.raises(Refusal) as refused:
        submit(campaign, state, rank_lagging(STARS, recorded), {A(3): "群众反映强烈"})
    assert refused.value.code == "lagging-differs-from-ranking"
    assert refused.value.details["proposed_not_listed"] == [A(2)] and refused.value.details["listed_not_proposed"] == []
    reasons = {A(3): "群众反映强烈，班子涣散", A(2): "评分后已完成换届，班子调整到位"}
    _, submitted = submit(campaign, state, rank_lagging(STARS, recorded), reasons)
    assert submitted.lagging_ranking.deviations == reasons
    assert [v.village_code for v in submitted.lagging] == [A(1), A(3)]


def test_a_campaign_with_a_text_rule_still_opens_and_old_events_with_a_string_decode():
    campaign = make_campaign()
    assert isinstance(campaign.lagging_rule, str) and campaign.ranking_rule is None
    opened = CampaignOpened.model_validate({
        "campaign_id": "c", "name": "n", "area_code": "130100000000", "phases": [], "criteria": [],
        "lagging_rule": "星级评定倒排", "policy": {}, "opened_on": "2020-07-01"})
    assert opened.lagging_rule == "星级评定倒排"
    structured = make_campaign(lagging_rule=STARS)
    assert structured.ranking_rule == STARS and "后 2 名" in structured.lagging_rule_text


# --- the county's or the township's own rule (由县乡党委明确认定标准) -----------------------------

def own(scope_code: str, rule: LaggingRule):
    from zhengdun.events.screening import LaggingRuleSet
    return LaggingRuleSet(campaign_id="camp-1", scope_code=scope_code, rule=rule, set_on=date(2020, 7, 20))


def test_a_townships_own_rule_comes_before_its_countys_and_the_countys_before_the_campaigns():
    from screening.domain.ranking import rule_in_force
    county = TOWNSHIP_A[:6] + "000000"
    by_county = LaggingRule(basis="县级观摩排名", bottom_share=Decimal("0.1"), scope=RankingScope.COUNTY)
    by_township = LaggingRule(basis="乡镇考评得分", bottom_count=1)
    assert rule_in_force(STARS, [], TOWNSHIP_A) == (STARS, None)
    assert rule_in_force(STARS, [own(county, by_county)], TOWNSHIP_A) == (by_county, county)
    assert rule_in_force(STARS, [own(county, by_county), own(TOWNSHIP_A, by_township)], TOWNSHIP_A) == (by_township, TOWNSHIP_A)
    # Another township's rule is not this one's; the newest of a unit's rules holds; a county sees only its own.
    assert rule_in_force(STARS, [own(TOWNSHIP_B, by_township)], TOWNSHIP_A) == (STARS, None)
    assert rule_in_force(None, [own(county, STARS), own(county, by_county)], TOWNSHIP_A) == (by_county, county)
    assert rule_in_force(STARS, [own(TOWNSHIP_A, by_township)], county) == (STARS, None)


def test_only_a_county_or_a_township_of_the_campaign_sets_a_rule_and_a_township_ranks_within_itself():
    from screening.domain.ranking import check_own_rule
    area = TOWNSHIP_A[:4] + "00000000"
    check_own_rule(STARS, TOWNSHIP_A, area)
    check_own_rule(LaggingRule(basis="县级观摩排名", bottom_count=3, scope=RankingScope.COUNTY), TOWNSHIP_A[:6] + "000000", area)
    with pytest.raises(Refusal) as city:
        check_own_rule(STARS, area, area)
    assert city.value.code == "lagging-rule-level"
    with pytest.raises(Refusal) as outside:
        check_own_rule(STARS, "980102101000", area)
    assert outside.value.code == "outside-campaign"
    with pytest.raises(Refusal) as wide:
        check_own_rule(LaggingRule(basis="x", bottom_count=1, scope=RankingScope.COUNTY), TOWNSHIP_A, area)
    assert wide.value.code == "lagging-rule-scope" and wide.value.field == "rule.scope"
