"""Payload models of the events the acceptance service publishes.

Casework reopens a case on ``AcceptanceFailed``; screening takes a delisted village off the
list and designates a relapsed one again; supervision watches spot-check ratios and
post-evaluation due dates; reporting counts all of them.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from zhengdun.events.base import event
from zhengdun.events.screening import DIVISION_CODE


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AcceptanceStep(StrEnum):
    APPLICATION = "application"          # 联名申请
    SELF_CHECK = "self_check"            # 村级自查
    PRELIMINARY = "preliminary"          # 乡镇初验
    COUNTY = "county"                    # 县级验收
    SURVEY = "survey"                    # 群众满意度测评
    CITY_SPOT_CHECK = "city_spot_check"  # 市级抽查
    PROVINCE_SPOT_CHECK = "province_spot_check"  # 省级抽查
    COUNTY_SPOT_CHECK = "county_spot_check"  # 县委组织部抽查 (a county's or township's own campaign, seed 001)
    NOTICE = "notice"                    # 公示
    POST_EVALUATION = "post_evaluation"  # 后评估


ACCEPTANCE_STEP_LABELS = {
    AcceptanceStep.APPLICATION: "联名申请", AcceptanceStep.SELF_CHECK: "村级自查", AcceptanceStep.PRELIMINARY: "乡镇初验",
    AcceptanceStep.COUNTY: "县级验收", AcceptanceStep.SURVEY: "群众满意度测评", AcceptanceStep.CITY_SPOT_CHECK: "市级抽查",
    AcceptanceStep.PROVINCE_SPOT_CHECK: "省级抽查", AcceptanceStep.NOTICE: "公示", AcceptanceStep.POST_EVALUATION: "后评估",
    AcceptanceStep.COUNTY_SPOT_CHECK: "县委组织部抽查",
}


class VillageRef(_Frozen):
    acceptance_id: str
    case_id: str
    campaign_id: str
    village_code: str = Field(pattern=DIVISION_CODE)
    township_code: str = Field(pattern=DIVISION_CODE)
    county_code: str = Field(pattern=DIVISION_CODE)


@event("zhengdun.acceptance.step.passed.v1")
class AcceptanceStepPassed(VillageRef):
    """One step of the acceptance ladder passed (the document id names the signed record)."""

    step: AcceptanceStep
    passed_on: date
    document_id: str | None = None
    score: Decimal | None = None


@event("zhengdun.acceptance.failed.v1", public=True)
class AcceptanceFailed(VillageRef):
    """A step failed (preliminary, county, survey, spot check): the village returns to rectification."""

    step: AcceptanceStep
    failed_on: date
    reason: str
    revokes_acceptance: bool = False     # a failed spot check revokes an acceptance already given


@event("zhengdun.acceptance.accepted.v1", public=True)
class VillageAccepted(VillageRef):
    """County acceptance approved and sealed, survey passed: awaiting spot checks and public notice."""

    accepted_on: date
    satisfaction: Decimal | None = None


@event("zhengdun.acceptance.sample.drawn.v1")
class AcceptanceSampleDrawn(_Frozen):
    """A city or province drew its spot-check sample of a county's accepted villages (reproducible)."""

    campaign_id: str
    drawn_by_code: str = Field(pattern=DIVISION_CODE)
    county_code: str = Field(pattern=DIVISION_CODE)
    level: str                            # "city" or "province"; "county" in a county's or township's own campaign
    algorithm: str
    seed: str
    ratio: Decimal
    population: tuple[str, ...]
    chosen: tuple[str, ...]
    drawn_on: date


@event("zhengdun.acceptance.delisted.v1", public=True)
class VillageDelisted(VillageRef):
    """Public notice over without objection upheld: the village is delisted (销号); post-evaluation is due later."""

    delisted_on: date
    post_evaluation_due: date


@event("zhengdun.acceptance.post_evaluated.v1", public=True)
class PostEvaluated(VillageRef):
    """Post-evaluation (后评估): consolidated, or relapsed (screening lists the village again)."""

    evaluated_on: date
    relapsed: bool
    reason: str = ""
