"""What the reporting service answers: one model per response, so /openapi.json says it exactly.

Shares are fractions rounded once to 4 places, answered as decimal strings ("0.1579"); null when
the whole is 0. Each share comes with the counts it is made of, so whoever prints it as a percent
rounds the exact share once (reporting.domain.figures.percent; the console's formatShareOf).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import Field

from reporting.domain.figures import Figure
from zhengdun.responses import Out


class CategoryCount(Out):
    villages: int
    out_of: int = Field(description="the whole of the share: villages listed")
    share: Decimal | None


class ListedByCategory(Out):
    weak_and_lax: CategoryCount
    lagging: CategoryCount


class CriterionCount(Out):
    """Listed weak-and-lax villages meeting a criterion (seed 003); lagging villages are not in it."""
    criterion: str
    label: str
    villages: int
    out_of: int = Field(description="the whole of the share: weak-and-lax villages listed (后进村另计)")
    share: Decimal | None


class KindCount(Out):
    in_campaign: int
    screened: int
    listed: int


class Figures(Out):
    villages_in_campaign: int
    villages_screened: int
    screened_share: Decimal | None
    listed: int
    listed_share: Decimal | None
    listed_by_category: ListedByCategory
    listed_by_criterion: list[CriterionCount]
    cases_by_phase: dict[str, int]
    by_kind: dict[str, KindCount] = Field(
        default_factory=dict, description="按组织类型（行政村、社区、非公企业、社会组织）分列：纳入整顿、已排查、在册整顿对象")
    measures_overdue: int
    villages_with_overdue_measures: int
    visits_due: int
    visits_compliant: int
    visit_compliance: Decimal | None
    alerts_open: int
    acceptances_passed: int
    acceptances_failed: int
    delisted: int
    relapsed: int
    designated: int
    transformed: int
    transformation_rate: Decimal | None


class DivisionFigures(Out):
    code: str
    name: str | None
    date: date
    figures: Figures


class ChildFigures(Out):
    code: str
    name: str
    figures: Figures
    date: date


class InMonth(Out):
    """Acceptance outcomes within the month (flows, not stocks)."""
    acceptances_passed: int
    acceptances_failed: int
    delisted: int
    relapsed: int


class MonthFigures(Out):
    month: str
    as_of: date
    figures: Figures
    in_month: InMonth


class VillageBehind(Out):
    """A village behind a count of villages."""
    code: str
    name: str | None
    township: str | None
    listed_category: str | None
    designated_on: date | None
    case_phase: str | None
    criteria: list[str]
    measures_overdue: int | None
    qualifying_visits_this_month: int | None


class EventBehind(Out):
    """An acceptance outcome behind an event count (figure accepted, failed, delisted, relapsed)."""
    code: str
    name: str | None
    township: str | None
    step: str | None
    on_date: date


class AlertBehind(Out):
    """An open alert behind figure alerts_open."""
    code: str
    name: str | None
    rule: str
    severity: str
    raised_on: date


class CatalogEntry(Out):
    figure: Figure
    label: str
    english: str
    definition: str


class SyncState(Out):
    caught_up: bool = Field(description="全部已进入统计（或与统计无关）")
    applied: int = Field(description="已进入统计的事件数")
    pending: int = Field(description="尚在途中的事件数")
    not_consumed: int = Field(description="统计不消费的事件数（无需等待）")


class FilingOut(Out):
    county_code: str
    county: str | None
    campaign_id: str
    filing_date: date
    filed_on: date
    late: bool
    entries: int
    content_hash: str


class RebuildOut(Out):
    topics: list[str]
    records: int
    applied: int
    rejected: int
    seconds: float


# --- a township's special actions (seed 004) ----------------------------------------------------

class SpecialActionProgress(Out):
    action_id: str
    township_code: str
    name: str
    starts_on: date
    ends_on: date
    pilots: int = Field(description="试点样板村数")
    items: int = Field(description="任务分解表的任务数")
    items_done: int = Field(description="已完成（有佐证）的任务数")
    done_share: Decimal | None


class SpecialActionFigures(Out):
    code: str
    date: date
    actions: list[SpecialActionProgress]


class BranchOrgLife(Out):
    branch_code: str
    meetings: int = Field(description="已记录的组织生活次数")
    meetings_by_kind: dict[str, int]
    periods_missed: int = Field(description="曾因缺开组织生活而预警的周期数")
    periods_still_missing: int = Field(description="至今仍未补记的周期数")
