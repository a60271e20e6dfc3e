"""Inspections, accountability and evaluations: the vocabulary and the checks, framework-free."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from supervision.domain.rules import month_end
from zhengdun.refusals import RuleViolation


class InspectionKind(StrEnum):
    SCHEDULED = "scheduled"                  # 定期督导
    UNANNOUNCED = "unannounced"              # 暗访
    SPECIAL_SURVEY = "special_survey"        # 专项调研
    PHONE_SPOT_CHECK = "phone_spot_check"    # 电话抽查

    @property
    def label(self) -> str:
        return {"scheduled": "定期督导", "unannounced": "暗访", "special_survey": "专项调研",
                "phone_spot_check": "电话抽查"}[self.value]


class AccountabilityKind(StrEnum):
    TALK = "talk"                                        # 约谈
    ADMONISHMENT_TALK = "admonishment_talk"              # 诫勉谈话
    ORGANIZATIONAL_HANDLING = "organizational_handling"  # 组织处理

    @property
    def label(self) -> str:
        return {"talk": "约谈", "admonishment_talk": "诫勉谈话", "organizational_handling": "组织处理"}[self.value]


class EvaluatedRole(StrEnum):
    CONTACT_LEADER = "contact_leader"          # 县级联系领导
    TOWNSHIP_SECRETARY = "township_secretary"  # 乡镇党委书记
    TEAM_MEMBER = "team_member"                # 工作队员

    @property
    def label(self) -> str:
        return {"contact_leader": "县级联系领导", "township_secretary": "乡镇党委书记", "team_member": "工作队员"}[self.value]


class Grade(StrEnum):
    EXCELLENT = "excellent"
    COMPETENT = "competent"
    BASICALLY_COMPETENT = "basically_competent"
    INCOMPETENT = "incompetent"

    @property
    def label(self) -> str:
        return {"excellent": "优秀", "competent": "称职", "basically_competent": "基本称职", "incompetent": "不称职"}[self.value]


def check_in_plan_window(inspected_on: date, day_from: int, day_to: int | None, starts_on: date,
                         ends_on: date | None) -> None:
    """A scheduled inspection falls inside its plan's monthly window (e.g. the 25th to month end)."""
    last = day_to or month_end(inspected_on).day
    if inspected_on < starts_on or (ends_on and inspected_on > ends_on):
        raise RuleViolation("outside-plan-period", f"检查日期 {inspected_on} 不在计划期内 (outside the plan period)", field="inspected_on")
    if not (day_from <= inspected_on.day <= min(last, month_end(inspected_on).day)):
        raise RuleViolation("outside-plan-window",
                            f"定期督导须在每月 {day_from} 日至 {'月底' if day_to is None else f'{day_to} 日'} 进行，"
                            f"{inspected_on} 不在窗口内 (scheduled inspection outside the monthly window)", field="inspected_on")


def check_grounds(grounds: list[str], known: set[str]) -> None:
    """An accountability action exists only with grounds, all of them known facts."""
    if not grounds:
        raise RuleViolation("grounds-required", "问责须有依据：预警编号、督导发现编号或弄虚作假事件编号 (grounds required)", field="grounds")
    unknown = [g for g in grounds if g not in known]
    if unknown:
        raise RuleViolation("unknown-grounds", f"以下依据不存在：{', '.join(unknown)} (unknown grounds)", field="grounds")


# --- evaluations at the continued-phase studies (seed 000 §三(三) 末段) -------------------------

@dataclass(frozen=True)
class Study:
    """The county standing committee's study of one village in continued rectification (from casework)."""

    study_id: str
    village_code: str
    township_code: str
    studied_on: date




def check_study(role: EvaluatedRole, subject_code: str, study_id: str, study: Study | None, evaluated_on: date) -> None:
    """An evaluation is made at a study and about its village's people: the contact leader and team members of the
    village studied, or the secretary of its township; not before the study."""
    if study is None:
        raise RuleViolation("unknown-study", f"县委研究 {study_id} 不存在：评价须在持续整顿阶段县委逐村研究时作出 (unknown study)", field="study_id")
    expected = study.township_code if role is EvaluatedRole.TOWNSHIP_SECRETARY else study.village_code
    if subject_code != expected:
        raise RuleViolation("study-of-another-unit", f"县委研究 {study_id} 研究的是 {study.village_code}，"
                            f"评价{role.label}的对象单位应为 {expected} (the study is of another unit)", field="subject_code")
    if evaluated_on < study.studied_on:
        raise RuleViolation("evaluation-before-study", f"评价日期 {evaluated_on} 早于县委研究日期 {study.studied_on} "
                            "(evaluated before the study)", field="evaluated_on")


# --- the annual appraisal (述职评议考核, seed 000 §四三是) ----------------------------------------

def annual_appraisal(year: int, actions: list[dict], evaluations: list[dict], person: str | None = None) -> list[dict]:
    """Per person, the year's accountability decisions and evaluations, for the secretaries' annual appraisal.
    A person is their name as recorded (accountability names people by name; evaluations may add a login)."""
    people: dict[str, dict] = {}

    def entry(name: str) -> dict:
        return people.setdefault(name, {"person": name, "user_ids": [], "posts": [], "accountability": [],
                                        "evaluations": []})

    for action in actions:
        if action["decided_on"].year != year or (person and action["person"] != person):
            continue
        row = entry(action["person"])
        row["accountability"].append({**action, "kind_label": AccountabilityKind(action["kind"]).label})
        if action.get("post") and action["post"] not in row["posts"]:
            row["posts"].append(action["post"])
    for evaluation in evaluations:
        if evaluation["evaluated_on"].year != year or (person and evaluation["person"] != person):
            continue
        row = entry(evaluation["person"])
        row["evaluations"].append({**evaluation, "role_label": EvaluatedRole(evaluation["role"]).label,
                                   "grade_label": Grade(evaluation["grade"]).label})
        if evaluation.get("user_id") and evaluation["user_id"] not in row["user_ids"]:
            row["user_ids"].append(evaluation["user_id"])
    for row in people.values():
        # By date; on one date in the order recorded (the input's order: the sort is stable).
        row["accountability"].sort(key=lambda a: a["decided_on"])
        row["evaluations"].sort(key=lambda e: e["evaluated_on"])
        kinds = [a["kind_label"] for a in row["accountability"]]
        grades = [e["grade_label"] for e in row["evaluations"]]
        row["summary"] = {"accountability": len(kinds), "by_kind": {k: kinds.count(k) for k in dict.fromkeys(kinds)},
                          "evaluations": len(grades), "grades": {g: grades.count(g) for g in dict.fromkeys(grades)}}
    return [people[name] for name in sorted(people)]
