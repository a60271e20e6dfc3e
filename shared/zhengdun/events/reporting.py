"""Payload models of the events the reporting service publishes: the public stream.

Other government platforms read ``<prefix>zhengdun.public.v1``. Every event there is one of the
models below: a curated, versioned copy of an internal public event, or the monthly figures.
They carry division codes, categories, criterion codes, phases, dates and counts — never a
person's name, phone number, user id, evidence or free text (reasons stay internal).
A breaking change is a new ``….v2`` model published beside the old one for a while.
"""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from zhengdun.events.base import event

CODE = r"^\d{12}$"


class _Public(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Village(_Public):
    campaign_id: str
    village_code: str = Field(pattern=CODE, description="行政村（社区）区划代码")
    county_code: str = Field(pattern=CODE)


@event("zhengdun.reporting.public_list.confirmed.v1", public=True)
class PublicCountyListConfirmed(_Public):
    """县委常委会审定整顿名单 A county decided its list (village codes by category)."""

    campaign_id: str
    county_code: str = Field(pattern=CODE)
    decision_number: str = Field(description="县委常委会决定文号")
    decided_on: date
    weak_and_lax: tuple[str, ...] = Field(description="软弱涣散村党组织（区划代码）")
    lagging: tuple[str, ...] = Field(description="后进村党组织（区划代码）")
    administrative_villages: int = Field(ge=0)


@event("zhengdun.reporting.public_target.designated.v1", public=True)
class PublicTargetDesignated(_Village):
    """认定为整顿对象 A village Party organization became a rectification target."""

    category: str = Field(description="weak_and_lax 软弱涣散 | lagging 后进")
    criteria_met: tuple[str, ...] = Field(description="认定标准代码")
    basis: str = Field(description="screening 排查认定 | relapse 后评估反弹")
    designated_on: date


@event("zhengdun.reporting.public_target.removed.v1", public=True)
class PublicTargetRemoved(_Village):
    """移出整顿名单 A village left the list (delisted, or not relisted at re-screening)."""

    reason: str = Field(description="delisted 验收销号 | not_relisted 重新排查未列入")
    removed_on: date


@event("zhengdun.reporting.public_case.phase_changed.v1", public=True)
class PublicCasePhaseChanged(_Village):
    """整顿阶段变化 The village's rectification moved to another phase."""

    phase: str = Field(description="concentrated | continued | ready_for_acceptance | accepted | delisted")
    previous_phase: str | None = None
    changed_on: date


@event("zhengdun.reporting.public_acceptance.passed.v1", public=True)
class PublicAcceptancePassed(_Village):
    """验收通过 County acceptance approved (spot checks and public notice follow)."""

    accepted_on: date


@event("zhengdun.reporting.public_acceptance.failed.v1", public=True)
class PublicAcceptanceFailed(_Village):
    """验收未通过 A step of acceptance failed: the village returns to rectification."""

    step: str = Field(description="preliminary | county | survey | city_spot_check | province_spot_check | ...")
    failed_on: date
    revokes_acceptance: bool = False


@event("zhengdun.reporting.public_village.delisted.v1", public=True)
class PublicVillageDelisted(_Village):
    """销号 Public notice over: the village is delisted; post-evaluation is due on the given date."""

    delisted_on: date
    post_evaluation_due: date


@event("zhengdun.reporting.public_village.post_evaluated.v1", public=True)
class PublicPostEvaluated(_Village):
    """后评估 Consolidated, or relapsed (listed again)."""

    evaluated_on: date
    relapsed: bool


class CategoryCounts(_Public):
    weak_and_lax: int = Field(ge=0)
    lagging: int = Field(ge=0)


@event("zhengdun.reporting.public_figures.monthly.v1", public=True)
class PublicMonthlyFigures(_Public):
    """月度统计 A county's figures at the end of a month (counts only; definitions: reporting README)."""

    division_code: str = Field(pattern=CODE)
    month: str = Field(pattern=r"^\d{4}-\d{2}$")
    as_of: date
    villages_in_campaign: int = Field(ge=0)
    villages_screened: int = Field(ge=0)
    listed: CategoryCounts
    listed_by_criterion: dict[str, int]
    cases_by_phase: dict[str, int]
    measures_overdue: int = Field(ge=0)
    visits_due: int = Field(ge=0)
    visits_compliant: int = Field(ge=0)
    alerts_open: int = Field(ge=0)
    acceptances_passed: int = Field(ge=0, description="cumulative to as_of")
    acceptances_failed: int = Field(ge=0, description="cumulative to as_of")
    delisted: int = Field(ge=0, description="cumulative to as_of")
    relapsed: int = Field(ge=0, description="cumulative to as_of")
    designated: int = Field(ge=0)
    transformed: int = Field(ge=0)
