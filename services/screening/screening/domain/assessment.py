"""Assessing a village against the criteria (逐村画像) and the consistency of its result.

An assessment is recorded exactly as its event payload ``AssessmentRecorded``: the record
and the event are the same facts, so there is one shape for both.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from zhengdun.divisions import InvalidDivisionCode, is_within, level_of, parent_code
from zhengdun.events.screening import (
    AssessmentRecorded,
    AssessmentResult,
    CriterionFinding,
    RankingInput,
)
from zhengdun.roles import Level

from screening.domain.campaign import Campaign
from zhengdun.refusals import RuleViolation

Assessment = AssessmentRecorded


@dataclass(frozen=True)
class Village:
    """A village of the division registry, as screening needs it."""

    code: str
    name: str
    # Counted in the shares' denominator: a 行政村, not a 社区 (seed 000), unless the campaign names its kinds
    # (Campaign.covered: then every organization it covers counts, seed 001's 所辖基层党组织总数).
    administrative: bool = True
    kind: str = "行政村"             # the registry's kind: 行政村 or 社区


@dataclass(frozen=True)
class AssessmentInput:
    """What a township enters for one village."""

    village_code: str
    findings: tuple[CriterionFinding, ...]
    result: AssessmentResult
    ranking: RankingInput | None = None


def criteria_met(assessment: Assessment) -> tuple[str, ...]:
    return tuple(f.criterion_code for f in assessment.findings if f.met)


def check_village_code(campaign: Campaign, village_code: str) -> None:
    try:
        level = level_of(village_code)
    except InvalidDivisionCode:
        level = None
    if level is not Level.VILLAGE:
        raise RuleViolation(
            "not-a-village", f"{village_code} 不是村级区划代码", f"{village_code} is not a village code",
            village_code=village_code)
    if not is_within(village_code, campaign.area_code):
        raise RuleViolation(
            "village-outside-campaign", f"村 {village_code} 不在本次整顿工作范围 {campaign.area_code} 内",
            f"village {village_code} is outside the campaign area {campaign.area_code}",
            village_code=village_code)


def check_findings(campaign: Campaign, entry: AssessmentInput) -> None:
    """Every catalog criterion answered once; met ones evidenced; the result agrees with them."""
    village = entry.village_code
    codes = [f.criterion_code for f in entry.findings]
    catalog = [c.code for c in campaign.criteria]
    unknown = sorted(set(codes) - set(catalog))
    if unknown:
        raise RuleViolation(
            "criterion-unknown", f"村 {village}: 认定标准目录中没有 {', '.join(unknown)}",
            f"village {village}: not in the criteria catalog: {', '.join(unknown)}", criteria=unknown)
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise RuleViolation(
            "criterion-duplicate", f"村 {village}: 标准 {', '.join(duplicates)} 填写了多次",
            f"village {village}: criteria answered more than once: {', '.join(duplicates)}",
            criteria=duplicates)
    missing = [c for c in catalog if c not in codes]
    if missing:
        # 必须对照标准逐村画像: every criterion gets an explicit met / not met.
        raise RuleViolation(
            "criteria-incomplete", f"村 {village}: 须逐条对照标准,未填写 {', '.join(missing)}",
            f"village {village}: answer every criterion; missing {', '.join(missing)}", criteria=missing)

    met = [f for f in entry.findings if f.met]
    for finding in met:
        if not finding.evidence.strip():
            raise RuleViolation(
                "evidence-missing", f"村 {village}: 符合标准 {finding.criterion_code} 须填写依据",
                f"village {village}: criterion {finding.criterion_code} is met; give the evidence",
                criterion=finding.criterion_code)
        if campaign.criterion(finding.criterion_code).requires_reason and not (finding.reason or "").strip():
            raise RuleViolation(
                "other-reason-missing", f"村 {village}: 选择“其他”情形须说明具体原因",
                f"village {village}: criterion {finding.criterion_code} (other) needs a stated reason",
                criterion=finding.criterion_code)

    if met and entry.result is AssessmentResult.NEITHER:
        raise RuleViolation(
            "result-contradicts-criteria",
            f"村 {village}: 符合认定标准 {', '.join(f.criterion_code for f in met)},不能认定为“不列入”",
            f"village {village}: meets {', '.join(f.criterion_code for f in met)} so it cannot be 'neither'",
            criteria=[f.criterion_code for f in met])
    if met and entry.result is AssessmentResult.LAGGING:
        # Seed 000 §二(一): meeting any one criterion means 应认定为软弱涣散 (以中充次 otherwise).
        raise RuleViolation(
            "criteria-met-requires-weak-and-lax",
            f"村 {village}: 符合软弱涣散认定标准的,应认定为软弱涣散,不能列为后进",
            f"village {village}: meets a weak-and-lax criterion, so it must be weak_and_lax, not lagging",
            criteria=[f.criterion_code for f in met])
    if not met and entry.result is AssessmentResult.WEAK_AND_LAX:
        raise RuleViolation(
            "weak-and-lax-without-criterion", f"村 {village}: 认定为软弱涣散须至少符合一条标准",
            f"village {village}: weak_and_lax needs at least one criterion met")
    if entry.result is AssessmentResult.LAGGING and entry.ranking is None:
        raise RuleViolation(
            "lagging-ranking-missing", f"村 {village}: 认定为后进须填写倒排排名依据",
            f"village {village}: lagging needs its ranking input (score or rank)")


def assess_village(
    campaign: Campaign, round_id: str, entry: AssessmentInput, assessed_on: date
) -> Assessment:
    check_village_code(campaign, entry.village_code)
    check_findings(campaign, entry)
    return AssessmentRecorded(
        campaign_id=campaign.campaign_id,
        round_id=round_id,
        village_code=entry.village_code,
        township_code=parent_code(entry.village_code),
        findings=entry.findings,
        ranking=entry.ranking,
        result=entry.result,
        assessed_on=assessed_on,
        policy_version=campaign.policy_version,
        criteria_version=campaign.criteria_version,
    )
