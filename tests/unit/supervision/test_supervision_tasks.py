"""Supervision's to-do rules: this month's planned inspection, open demands, accountability not yet decided."""
from __future__ import annotations

from datetime import date

from supervision.domain.tasks import Alert, Demand, Plan, accountability_steps, follow_up_steps, plan_steps

CITY, COUNTY, TOWNSHIP = "990100000000", "990102000000", "990102101000"


def plan(**changes) -> Plan:
    values = dict(plan_id="PLAN-1", unit_code=CITY, title="每月督导", day_from=25, day_to=None, starts_on=date(2020, 9, 1),
                  ends_on=date(2021, 8, 31))
    return Plan(**{**values, **changes})


def test_a_monthly_plan_is_due_at_the_window_end_until_inspected_this_month():
    [step] = plan_steps(plan(), date(2020, 9, 3))
    assert step.kind == "supervision.inspection" and step.due_on == date(2020, 9, 30) and "25日至月底" in step.title
    assert step.key == "PLAN-1:2020-09" and step.path == "/inspections"
    assert plan_steps(plan(inspected_on=(date(2020, 9, 26),)), date(2020, 9, 27)) == []
    # Last month's inspection does not cover this month; a fixed last day is the due date.
    [october] = plan_steps(plan(inspected_on=(date(2020, 9, 26),), day_to=28), date(2020, 10, 1))
    assert october.due_on == date(2020, 10, 28) and october.key == "PLAN-1:2020-10"
    assert plan_steps(plan(), date(2020, 8, 31)) == [] and plan_steps(plan(), date(2021, 9, 1)) == []


def test_an_open_demand_is_due_on_its_deadline():
    [step] = follow_up_steps(Demand("INSP-1", "D-1", TOWNSHIP, "补齐会议记录", date(2020, 10, 15)))
    assert step.path == "/inspections/INSP-1/follow-ups" and step.due_on == date(2020, 10, 15) and step.unit_code == TOWNSHIP


def alert(**changes) -> Alert:
    values = dict(alert_id="AL-1", rule="falsification", campaign_id="camp", subject_code=TOWNSHIP, facts=("ev-1",),
                  due_on=None, proposal="依规依纪追责问责", label="排查认定中弄虚作假待问责")
    return Alert(**{**values, **changes})


def test_accountability_is_asked_above_the_unit_until_cited_as_grounds():
    [step] = accountability_steps(alert(), COUNTY, set())
    assert step.kind == "supervision.accountability" and step.detail == "依规依纪追责问责" and step.path == "/accountability"
    assert accountability_steps(alert(), CITY, set())                      # the city may decide too
    assert accountability_steps(alert(), TOWNSHIP, set()) == []            # not the unit held to account
    assert accountability_steps(alert(), "990103000000", set()) == []      # nor another county
    assert accountability_steps(alert(), COUNTY, {"ev-1"}) == []           # the falsification was cited
    assert accountability_steps(alert(), COUNTY, {"AL-1"}) == []           # the alert was cited
    assert accountability_steps(alert(rule="measure_overdue"), COUNTY, set()) == []


def test_continued_villages_ask_for_their_evaluations_until_recorded():
    from supervision.domain.tasks import ContinuedCase, evaluation_steps

    cases = [ContinuedCase("camp", "990102101201", TOWNSHIP, "县领导甲"), ContinuedCase("camp", "990102101202", TOWNSHIP)]
    found = evaluation_steps(cases, set())
    assert [(p.unit_code, p.key.split(":")[-1]) for p in found] == [
        ("990102101201", "contact_leader"), ("990102101201", "team_member"),
        ("990102101202", "contact_leader"), ("990102101202", "team_member"), (TOWNSHIP, "township_secretary")]
    assert "县领导甲" in found[0].title and found[0].path == "/evaluations"
    done = {("990102101201", "contact_leader"), ("990102101201", "team_member"), (TOWNSHIP, "township_secretary")}
    assert [(p.unit_code, p.key.split(":")[-1]) for p in evaluation_steps(cases, done)] == [
        ("990102101202", "contact_leader"), ("990102101202", "team_member")]
    assert evaluation_steps([], set()) == []
