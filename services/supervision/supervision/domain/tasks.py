"""What supervision waits on, and from whom (我的待办): plain rules over plans, inspections and alerts.

- a monthly inspection plan of the caller's unit: this month's inspection until one is recorded for it;
- a demand of an inspection the caller's unit made: its follow-up until a follow-up finds it met;
- a village in continued rectification: the evaluation of its contact leader and team, and of its
  township's secretary (seed 000 §三(三): evaluated at the county's studies, reported to the city), until recorded;
- an alert that calls for accountability (falsification; a township more than half unfinished), in a unit
  below the caller: the decision until an accountability action cites the alert or its facts as grounds.
A step is open until the record that takes it exists, so a task disappears as soon as it is done.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from supervision.domain.records import EvaluatedRole
from supervision.domain.rules import Rule, month_end
from zhengdun.divisions import is_within
from zhengdun.tasks import Pending

LABELS = {
    "supervision.inspection": "定期督导检查",
    "supervision.follow_up": "跟踪落实整改要求",
    "supervision.accountability": "研究决定问责",
    "supervision.evaluation": "持续整顿评价",
}
# The alerts whose answer is an accountability decision (their ``proposal`` says which).
ACCOUNTABILITY_RULES = {Rule.FALSIFICATION.value, Rule.TOWNSHIP_UNFINISHED.value}


@dataclass(frozen=True)
class Plan:
    plan_id: str
    unit_code: str
    title: str
    day_from: int
    day_to: int | None
    starts_on: date
    ends_on: date | None
    inspected_on: tuple[date, ...] = ()   # inspections recorded under the plan


@dataclass(frozen=True)
class Demand:
    inspection_id: str
    demand_id: str
    unit_code: str          # the unit responsible (or the unit inspected)
    text: str
    deadline: date


@dataclass(frozen=True)
class Alert:
    alert_id: str
    rule: str
    campaign_id: str
    subject_code: str
    facts: tuple[str, ...]
    due_on: date | None
    proposal: str | None
    label: str


def plan_steps(plan: Plan, today: date) -> list[Pending]:
    """This month's scheduled inspection, from the first of the month until one is recorded in the month."""
    if today < plan.starts_on or (plan.ends_on and today > plan.ends_on):
        return []
    first = today.replace(day=1)
    if any(first <= d <= month_end(today) for d in plan.inspected_on):
        return []
    last = min(plan.day_to or month_end(today).day, month_end(today).day)
    window = f"{plan.day_from}日至{'月底' if plan.day_to is None else f'{plan.day_to}日'}"
    return [Pending("supervision.inspection", f"{plan.plan_id}:{today:%Y-%m}", f"本月定期督导（{window}）：{plan.title[:40]}",
                    unit_code=plan.unit_code, path="/inspections", due_on=today.replace(day=last),
                    detail=f"督导计划 {plan.plan_id}")]


def follow_up_steps(demand: Demand) -> list[Pending]:
    return [Pending("supervision.follow_up", f"{demand.inspection_id}:{demand.demand_id}",
                    f"跟踪落实督导整改要求：{demand.text[:40]}", unit_code=demand.unit_code,
                    path=f"/inspections/{demand.inspection_id}/follow-ups", due_on=demand.deadline)]


def accountability_steps(alert: Alert, caller_unit: str, cited: set[str]) -> list[Pending]:
    """Accountability is decided above the unit held to account (the access policy's BELOW)."""
    if alert.rule not in ACCOUNTABILITY_RULES or alert.subject_code == caller_unit \
            or not is_within(alert.subject_code, caller_unit):
        return []
    if alert.alert_id in cited or cited & set(alert.facts):
        return []
    return [Pending("supervision.accountability", alert.alert_id, f"研究决定问责：{alert.label}",
                    unit_code=alert.subject_code, path="/accountability", due_on=alert.due_on,
                    detail=alert.proposal or "", campaign_id=alert.campaign_id)]


@dataclass(frozen=True)
class ContinuedCase:
    campaign_id: str
    village_code: str
    township_code: str
    leader_name: str | None = None


def evaluation_steps(cases: list[ContinuedCase], evaluated: set[tuple[str, str]]) -> list[Pending]:
    """Who is still to be evaluated for the villages in continued rectification: per village its contact leader
    and its team, per township its secretary; ``evaluated`` holds (subject code, role) already recorded."""
    found, townships = [], {}
    for case in cases:
        townships.setdefault(case.township_code, case.campaign_id)
        for role in (EvaluatedRole.CONTACT_LEADER, EvaluatedRole.TEAM_MEMBER):
            if (case.village_code, role.value) not in evaluated:
                who = f"（{case.leader_name}）" if role is EvaluatedRole.CONTACT_LEADER and case.leader_name else ""
                found.append(Pending("supervision.evaluation", f"{case.campaign_id}:{case.village_code}:{role.value}",
                                     f"持续整顿评价：{role.label}{who}", unit_code=case.village_code, path="/evaluations",
                                     campaign_id=case.campaign_id))
    for township, campaign_id in sorted(townships.items()):
        role = EvaluatedRole.TOWNSHIP_SECRETARY
        if (township, role.value) not in evaluated:
            found.append(Pending("supervision.evaluation", f"{campaign_id}:{township}:{role.value}",
                                 f"持续整顿评价：{role.label}", unit_code=township, path="/evaluations",
                                 campaign_id=campaign_id))
    return found
