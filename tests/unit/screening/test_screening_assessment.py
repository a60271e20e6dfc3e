from datetime import date

import pytest

from zhengdun.events.screening import AssessmentResult, CriterionFinding, RankingInput

from screening.domain import AssessmentInput, TownshipRound, assess_village, criteria_met
from screening_helpers import TOWNSHIP_A, TOWNSHIP_B, entry, findings, lagging, village, weak
from zhengdun.refusals import Refusal

ON = date(2020, 8, 5)
V1 = village(TOWNSHIP_A, 1)


def refusal(campaign, e) -> str:
    with pytest.raises(Refusal) as refused:
        assess_village(campaign, "r1", e, ON)
    return refused.value.code


def test_weak_and_lax_with_a_criterion_is_recorded(campaign):
    recorded = assess_village(campaign, "r1", weak(campaign, V1), ON)
    assert recorded.result is AssessmentResult.WEAK_AND_LAX
    assert recorded.township_code == TOWNSHIP_A
    assert criteria_met(recorded) == ("secretary_incompetent",)
    assert recorded.policy_version == 1


def test_neither_with_nothing_met_and_lagging_with_ranking_are_recorded(campaign):
    assert assess_village(campaign, "r1", entry(campaign, V1), ON).result is AssessmentResult.NEITHER
    assert assess_village(campaign, "r1", lagging(campaign, V1), ON).ranking.rank == 10


def test_criterion_met_but_neither_is_refused(campaign):
    e = entry(campaign, V1, AssessmentResult.NEITHER, {"illegal_religion": "宗教干预村务"})
    assert refusal(campaign, e) == "result-contradicts-criteria"


def test_criterion_met_but_lagging_is_refused(campaign):
    e = entry(campaign, V1, AssessmentResult.LAGGING, {"illegal_religion": "宗教干预村务"},
              ranking=RankingInput(rank=1))
    assert refusal(campaign, e) == "criteria-met-requires-weak-and-lax"


def test_weak_and_lax_with_none_met_is_refused(campaign):
    assert refusal(campaign, entry(campaign, V1, AssessmentResult.WEAK_AND_LAX)) == "weak-and-lax-without-criterion"


def test_other_without_reason_is_refused_and_with_reason_accepted(campaign):
    e = entry(campaign, V1, AssessmentResult.WEAK_AND_LAX, {"other": "群众反映强烈"})
    assert refusal(campaign, e) == "other-reason-missing"
    ok = entry(campaign, V1, AssessmentResult.WEAK_AND_LAX, {"other": "群众反映强烈"}, reason="集体经济长期空壳")
    assert assess_village(campaign, "r1", ok, ON).findings[-1].reason == "集体经济长期空壳"


def test_lagging_needs_its_ranking_input(campaign):
    assert refusal(campaign, entry(campaign, V1, AssessmentResult.LAGGING)) == "lagging-ranking-missing"


def test_met_criterion_needs_evidence(campaign):
    e = entry(campaign, V1, AssessmentResult.WEAK_AND_LAX, {"illegal_religion": "  "})
    assert refusal(campaign, e) == "evidence-missing"


def test_attachments_are_kept(campaign):
    fs = tuple(f.model_copy(update={"attachments": ("file-1",)}) if f.met else f
               for f in findings(campaign, {"election_overdue": "未换届"}))
    recorded = assess_village(campaign, "r1", AssessmentInput(V1, fs, AssessmentResult.WEAK_AND_LAX), ON)
    assert recorded.findings[0].attachments == ("file-1",)


def test_every_criterion_must_be_answered_once_and_known(campaign):
    all_findings = findings(campaign)
    assert refusal(campaign, AssessmentInput(V1, all_findings[:-1], AssessmentResult.NEITHER)) == "criteria-incomplete"
    assert refusal(campaign, AssessmentInput(V1, all_findings + all_findings[:1], AssessmentResult.NEITHER)) \
        == "criterion-duplicate"
    extra = all_findings + (CriterionFinding(criterion_code="made_up", met=False),)
    assert refusal(campaign, AssessmentInput(V1, extra, AssessmentResult.NEITHER)) == "criterion-unknown"


def test_village_code_must_be_a_village_inside_the_campaign(campaign):
    assert refusal(campaign, entry(campaign, TOWNSHIP_A)) == "not-a-village"
    assert refusal(campaign, entry(campaign, "140102001001")) == "village-outside-campaign"


def test_a_whole_township_in_one_request(campaign):
    state = TownshipRound("camp-1", "r1", TOWNSHIP_A)
    entries = [weak(campaign, village(TOWNSHIP_A, 1)), lagging(campaign, village(TOWNSHIP_A, 2))] + [
        entry(campaign, village(TOWNSHIP_A, n)) for n in range(3, 11)]
    new_state, events = state.record_assessments(campaign, entries, ON)
    assert len(events) == 10
    assert len(new_state.assessments) == 10
    assert state.assessments == {}


def test_one_bad_village_refuses_the_whole_request_and_names_every_problem(campaign):
    state = TownshipRound("camp-1", "r1", TOWNSHIP_A)
    entries = [
        weak(campaign, village(TOWNSHIP_A, 1)),
        entry(campaign, village(TOWNSHIP_A, 2), AssessmentResult.LAGGING),
        entry(campaign, village(TOWNSHIP_B, 3)),
        entry(campaign, village(TOWNSHIP_A, 1)),
    ]
    with pytest.raises(Refusal) as refused:
        state.record_assessments(campaign, entries, ON)
    problems = refused.value.details["problems"]
    assert refused.value.code == "assessments-refused"
    assert [(p["village_code"], p["code"]) for p in problems] == [
        (village(TOWNSHIP_A, 2), "lagging-ranking-missing"),
        (village(TOWNSHIP_B, 3), "village-not-in-township"),
        (village(TOWNSHIP_A, 1), "village-repeated"),
    ]


def test_reassessing_replaces_the_earlier_result_in_the_round(campaign):
    state = TownshipRound("camp-1", "r1", TOWNSHIP_A)
    state, _ = state.record_assessments(campaign, [entry(campaign, V1)], ON)
    state, _ = state.record_assessments(campaign, [weak(campaign, V1)], ON)
    assert state.assessments[V1].result is AssessmentResult.WEAK_AND_LAX
