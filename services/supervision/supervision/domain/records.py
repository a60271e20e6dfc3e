"""Inspections, accountability and evaluations: the vocabulary and the checks, framework-free."""
from __future__ import annotations

from datetime import date
from enum import StrEnum

from supervision.domain.rules import month_end


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


class RecordRefused(Exception):
    """A record that breaks a rule (422): ``slug`` names it, the message says what to fix."""

    def __init__(self, slug: str, message: str):
        super().__init__(message)
        self.slug = slug


def check_in_plan_window(inspected_on: date, day_from: int, day_to: int | None, starts_on: date,
                         ends_on: date | None) -> None:
    """A scheduled inspection falls inside its plan's monthly window (e.g. the 25th to month end)."""
    last = day_to or month_end(inspected_on).day
    if inspected_on < starts_on or (ends_on and inspected_on > ends_on):
        raise RecordRefused("outside-plan-period", f"检查日期 {inspected_on} 不在计划期内 (outside the plan period)")
    if not (day_from <= inspected_on.day <= min(last, month_end(inspected_on).day)):
        raise RecordRefused("outside-plan-window",
                            f"定期督导须在每月 {day_from} 日至 {'月底' if day_to is None else f'{day_to} 日'} 进行，"
                            f"{inspected_on} 不在窗口内 (scheduled inspection outside the monthly window)")


def check_grounds(grounds: list[str], known: set[str]) -> None:
    """An accountability action exists only with grounds, all of them known facts."""
    if not grounds:
        raise RecordRefused("grounds-required", "问责须有依据：预警编号、督导发现编号或弄虚作假事件编号 (grounds required)")
    unknown = [g for g in grounds if g not in known]
    if unknown:
        raise RecordRefused("unknown-grounds", f"以下依据不存在：{', '.join(unknown)} (unknown grounds)")
