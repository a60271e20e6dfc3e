"""The journal's hash chain and the record checks (plain Python)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from supervision.domain.journal import GENESIS, StoredEntry, entry_hash, verify
from supervision.domain.records import check_grounds, check_in_plan_window
from zhengdun.refusals import NotPermitted, RuleViolation


def chain(n: int) -> list[StoredEntry]:
    entries, prev = [], GENESIS
    for position in range(1, n + 1):
        body = {"n": position, "text": "纪实"}
        h = entry_hash("990102101201", position, "k", f"r{position}", body, "2020-09-01T00:00:00", prev)
        entries.append(StoredEntry("990102101201", position, "k", f"r{position}", body, "2020-09-01T00:00:00", prev, h))
        prev = h
    return entries


def test_an_intact_chain_verifies():
    result = verify(chain(5))
    assert result.valid and result.entries == 5 and result.broken_at is None


def test_an_altered_body_breaks_at_that_entry():
    entries = chain(5)
    entries[2] = replace(entries[2], body={"n": 3, "text": "改过"})
    result = verify(entries)
    assert not result.valid and result.broken_at == 3


def test_a_removed_entry_breaks_the_chain():
    entries = chain(5)
    del entries[1]
    assert verify(entries).broken_at == 3


def test_a_rehashed_entry_breaks_at_the_next_one():
    entries = chain(4)
    e = entries[1]
    body = {"n": 2, "text": "改过"}
    entries[1] = replace(e, body=body, hash=entry_hash(e.chain_code, 2, e.kind, e.reference, body, e.recorded_at, e.prev_hash))
    assert verify(entries).broken_at == 3


def test_scheduled_inspection_window_25th_to_month_end():
    check_in_plan_window(date(2020, 9, 25), 25, None, date(2020, 9, 1), None)
    check_in_plan_window(date(2020, 9, 30), 25, None, date(2020, 9, 1), None)
    check_in_plan_window(date(2021, 2, 28), 25, None, date(2020, 9, 1), None)
    with pytest.raises(RuleViolation) as refused:
        check_in_plan_window(date(2020, 9, 24), 25, None, date(2020, 9, 1), None)
    assert refused.value.code == "outside-plan-window"
    with pytest.raises(RuleViolation):
        check_in_plan_window(date(2020, 8, 26), 25, None, date(2020, 9, 1), None)


def test_accountability_needs_known_grounds():
    check_grounds(["a1"], {"a1"})
    with pytest.raises(RuleViolation) as none:
        check_grounds([], set())
    assert none.value.code == "grounds-required"
    with pytest.raises(RuleViolation) as unknown:
        check_grounds(["a1", "zz"], {"a1"})
    assert unknown.value.code == "unknown-grounds" and "zz" in str(unknown.value)


# --- evaluations tied to the continued-phase studies; the annual appraisal -------------------------

from supervision.domain.records import (AccountabilityKind, EvaluatedRole, Study, annual_appraisal,  # noqa: E402
                                        check_study)

STUDY = Study("s1", "990102101201", "990102101000", date(2021, 6, 10))


def test_an_evaluation_is_made_at_an_existing_study_of_the_persons_unit():
    with pytest.raises(RuleViolation, match="不存在") as refused:
        check_study(EvaluatedRole.CONTACT_LEADER, "990102101201", "nope", None, date(2021, 6, 10))
    assert refused.value.code == "unknown-study"
    check_study(EvaluatedRole.CONTACT_LEADER, "990102101201", "s1", STUDY, date(2021, 6, 10))   # on the study's day
    check_study(EvaluatedRole.TEAM_MEMBER, "990102101201", "s1", STUDY, date(2021, 6, 11))
    check_study(EvaluatedRole.TOWNSHIP_SECRETARY, "990102101000", "s1", STUDY, date(2021, 6, 10))
    with pytest.raises(RuleViolation) as refused:
        check_study(EvaluatedRole.TOWNSHIP_SECRETARY, "990102101201", "s1", STUDY, date(2021, 6, 10))
    assert refused.value.code == "study-of-another-unit"
    with pytest.raises(RuleViolation) as refused:
        check_study(EvaluatedRole.CONTACT_LEADER, "990102101202", "s1", STUDY, date(2021, 6, 10))
    assert refused.value.code == "study-of-another-unit"
    with pytest.raises(RuleViolation) as refused:
        check_study(EvaluatedRole.CONTACT_LEADER, "990102101201", "s1", STUDY, date(2021, 6, 9))
    assert refused.value.code == "evaluation-before-study"


def _action(action_id: str, person: str, kind: AccountabilityKind, on: date) -> dict:
    return {"action_id": action_id, "kind": kind.value, "person": person, "post": "乡镇党委书记",
            "subject_code": "990102101000", "grounds": ["a1"], "reason": "r", "decided_by": "县委常委会", "decided_on": on,
            "filed_with": None, "policy_version": 1}


def _evaluation(evaluation_id: str, person: str, grade: str, on: date) -> dict:
    return {"evaluation_id": evaluation_id, "role": "township_secretary", "person": person, "user_id": "u-wang",
            "subject_code": "990102101000", "grade": grade, "comment": "", "evaluated_on": on, "study_id": "s1",
            "reported_to": "990100000000", "policy_version": 1}


def test_the_annual_appraisal_gathers_a_persons_results_of_that_year_only():
    actions = [_action("A2", "王书记", AccountabilityKind.ADMONISHMENT_TALK, date(2021, 6, 1)),
               _action("A1", "王书记", AccountabilityKind.TALK, date(2021, 1, 1)),
               _action("A0", "王书记", AccountabilityKind.TALK, date(2020, 12, 31)),   # the year before
               _action("A3", "李书记", AccountabilityKind.TALK, date(2021, 3, 1))]
    evaluations = [_evaluation("E1", "王书记", "basically_competent", date(2021, 12, 31)),
                   _evaluation("E0", "王书记", "excellent", date(2022, 1, 1))]              # the year after
    [li, wang] = annual_appraisal(2021, actions, evaluations)
    assert (li["person"], wang["person"]) == ("李书记", "王书记")
    assert [a["action_id"] for a in wang["accountability"]] == ["A1", "A2"]
    assert [e["evaluation_id"] for e in wang["evaluations"]] == ["E1"] and wang["user_ids"] == ["u-wang"]
    assert wang["summary"] == {"accountability": 2, "by_kind": {"约谈": 1, "诫勉谈话": 1}, "evaluations": 1,
                               "grades": {"基本称职": 1}}
    assert [p["person"] for p in annual_appraisal(2021, actions, evaluations, person="李书记")] == ["李书记"]
    assert annual_appraisal(2019, actions, evaluations) == []


def test_the_annual_appraisal_exports_as_a_workbook():
    import io

    import openpyxl

    from supervision.appraisal import appraisal_xlsx
    people = annual_appraisal(2021, [_action("A1", "王书记", AccountabilityKind.TALK, date(2021, 1, 1))],
                              [_evaluation("E1", "王书记", "competent", date(2021, 6, 1))])
    workbook = openpyxl.load_workbook(io.BytesIO(appraisal_xlsx({"year": 2021, "unit_code": "990102000000",
                                                                 "person": None, "people": people})))
    assert workbook.sheetnames == ["汇总", "问责", "评价"]
    assert [c.value for c in workbook["汇总"][2]] == ["王书记", "乡镇党委书记", 1, "约谈1次", 1, "称职1次"]
    assert [c.value for c in workbook["评价"][2]][:6] == ["王书记", "乡镇党委书记", "990102101000", "称职", "2021-06-01", "s1"]


# --- 四统一, 五统一, 五到位 (seed 000 §三(二)1–3) ------------------------------------------------

from supervision.domain.campaign_records import (KINDS, CampaignRecordKind, RecordGroup,  # noqa: E402
                                                 check_campaign_record)

COUNTY, TOWNSHIP, VILLAGE = "990102000000", "990102101000", "990102101201"


def test_the_seeds_name_four_five_and_five_records():
    groups = [spec.group for spec in KINDS.values()]
    assert (groups.count(RecordGroup.FOUR_UNIFIED), groups.count(RecordGroup.FIVE_UNIFIED),
            groups.count(RecordGroup.FIVE_IN_PLACE)) == (5, 5, 5)
    assert CampaignRecordKind.UNIFIED_TRAINING.label == "统一开展培训"


def test_each_record_is_made_by_its_body_at_its_level_with_attendees_and_content():
    analysis, training, follow = (CampaignRecordKind.COUNTY_ANALYSIS, CampaignRecordKind.UNIFIED_TRAINING,
                                  CampaignRecordKind.WHOLE_COURSE_TRACKING)
    check_campaign_record(analysis, COUNTY, {"standing_committee"}, ["县委书记"], "逐村剖析", [VILLAGE])
    check_campaign_record(training, COUNTY, {"org_staff"}, ["各工作队队长"], "培训", [])
    check_campaign_record(follow, TOWNSHIP, {"township_committee"}, ["乡镇党委书记"], "跟踪", [VILLAGE])
    with pytest.raises(NotPermitted, match="县委常委会"):
        check_campaign_record(analysis, COUNTY, {"org_staff"}, ["甲"], "x", [VILLAGE])
    with pytest.raises(NotPermitted, match="县委组织部"):
        check_campaign_record(training, COUNTY, {"standing_committee"}, ["甲"], "x", [])
    for kind, unit, roles, attendees, content, villages, slug in [
            (training, TOWNSHIP, {"org_staff"}, ["甲"], "x", [], "wrong-level"),
            (follow, COUNTY, {"org_staff"}, ["甲"], "x", [], "wrong-level"),
            (training, COUNTY, {"org_staff"}, [" "], "x", [], "attendees-required"),
            (training, COUNTY, {"org_staff"}, ["甲"], " ", [], "content-required"),
            (follow, TOWNSHIP, {"org_staff"}, ["甲"], "x", ["990102102201"], "village-outside-unit"),
            (analysis, COUNTY, {"standing_committee"}, ["甲"], "x", [], "villages-required")]:
        with pytest.raises(RuleViolation) as refused:
            check_campaign_record(kind, unit, roles, attendees, content, villages)
        assert refused.value.code == slug
