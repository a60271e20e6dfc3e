"""Random sampling and check findings: the county's site visits and the city's spot check.

The draw itself is ``zhengdun.sampling`` (shared with acceptance): the seed, the algorithm
and the population are recorded in ``SampleDrawn`` so anybody can re-derive the sample.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Iterable

from zhengdun import sampling
from zhengdun.divisions import ancestor_at, is_within, level_of
from zhengdun.events.screening import (
    CheckFinding,
    CheckOutcome,
    CheckStage,
    CountyListConfirmed,
    DesignationBasis,
    FalsificationFound,
    ListCategory,
    SampleDrawn,
    SamplePurpose,
    SpotCheckRecorded,
    TargetDesignated,
)
from zhengdun.roles import Level

from screening.domain.campaign import Campaign
from screening.domain.errors import ScreeningRuleViolation


def draw(
    campaign: Campaign,
    round_id: str,
    purpose: SamplePurpose,
    division_code: str,
    population: Iterable[str],
    seed: str,
    ratio: Decimal,
    drawn_on: date,
) -> SampleDrawn:
    try:
        sample = sampling.draw_sample(population, seed, ratio=ratio)
    except sampling.SamplingError as problem:
        raise ScreeningRuleViolation("sample-invalid", str(problem), str(problem)) from None
    return SampleDrawn(
        campaign_id=campaign.campaign_id, round_id=round_id, purpose=purpose, division_code=division_code,
        algorithm=sample.algorithm, seed=sample.seed, ratio=sample.ratio, size=None,
        population=sample.population, chosen=sample.chosen, drawn_on=drawn_on,
    )


def verify_drawn(drawn: SampleDrawn) -> bool:
    """Re-derive a recorded sample from its seed and population."""
    return sampling.verify_sample(sampling.Sample(
        algorithm=drawn.algorithm, seed=drawn.seed, population=drawn.population,
        ratio=drawn.ratio, size=drawn.size, chosen=drawn.chosen,
    ))


@dataclass(frozen=True)
class FindingInput:
    village_code: str
    outcome: CheckOutcome
    note: str = ""
    criteria_met: tuple[str, ...] = ()


def record_findings(
    campaign: Campaign,
    round_id: str,
    checked_by_code: str,
    checked_code: str,
    stage: CheckStage,
    samples: Iterable[SampleDrawn],
    findings: Iterable[FindingInput],
    checked_on: date,
    due_on: date,
) -> tuple[SpotCheckRecorded, tuple[FalsificationFound, ...]]:
    """Findings on sampled villages; each falsification also names the county and township."""
    sampled = {code for s in samples for code in s.chosen}
    findings = list(findings)
    if not findings:
        raise ScreeningRuleViolation("findings-empty", "请填写核查结果", "record at least one finding")
    not_sampled = sorted({f.village_code for f in findings} - sampled)
    if not_sampled:
        raise ScreeningRuleViolation(
            "village-not-sampled", f"以下村不在随机抽取的样本中: {', '.join(not_sampled)}",
            f"findings are recorded on sampled villages only; not sampled: {', '.join(not_sampled)}",
            village_codes=not_sampled)
    for f in findings:
        if f.outcome is not CheckOutcome.CONFIRMED and not f.note.strip():
            raise ScreeningRuleViolation(
                "finding-note-missing", f"村 {f.village_code}: 核查结果为“{f.outcome.label}”须说明情况",
                f"village {f.village_code}: a '{f.outcome.value}' finding needs a note")
    recorded = SpotCheckRecorded(
        campaign_id=campaign.campaign_id, round_id=round_id, checked_by_code=checked_by_code,
        checked_code=checked_code, stage=stage,
        findings=tuple(CheckFinding(village_code=f.village_code, outcome=f.outcome, note=f.note,
                                    criteria_met=tuple(f.criteria_met))
                       for f in sorted(findings, key=lambda f: f.village_code)),
        checked_on=checked_on, late=checked_on > due_on, policy_version=campaign.policy_version,
    )
    falsifications = tuple(
        FalsificationFound(
            campaign_id=campaign.campaign_id, round_id=round_id, village_code=f.village_code,
            county_code=ancestor_at(f.village_code, Level.COUNTY),
            township_code=ancestor_at(f.village_code, Level.TOWNSHIP),
            found_by_code=checked_by_code, note=f.note, found_on=checked_on,
        )
        for f in recorded.findings if f.outcome is CheckOutcome.FALSIFIED
    )
    return recorded, falsifications


def _check_city_over(city_code: str, county_code: str) -> None:
    if level_of(city_code) not in (Level.CITY, Level.PROVINCE) or not is_within(county_code, city_code):
        raise ScreeningRuleViolation(
            "not-your-county", f"县 {county_code} 不在 {city_code} 管辖范围内",
            f"county {county_code} is not under {city_code}")


def draw_city_sample(
    campaign: Campaign, city_code: str, confirmed: CountyListConfirmed, seed: str, drawn_on: date
) -> SampleDrawn:
    """The city samples a county's confirmed list at the policy's spot-check ratio."""
    _check_city_over(city_code, confirmed.county_code)
    return draw(
        campaign, confirmed.round_id, SamplePurpose.CITY_SPOT_CHECK, confirmed.county_code,
        confirmed.weak_and_lax + confirmed.lagging, seed, campaign.policy.city_spot_check_ratio, drawn_on,
    )


def draw_city_samples(
    campaign: Campaign, city_code: str, confirmed: CountyListConfirmed, unlisted: Iterable[str], seed: str,
    drawn_on: date,
) -> tuple[SampleDrawn, SampleDrawn]:
    """The city samples the county's confirmed list AND its unlisted villages, each at the spot-check
    ratio with the same seed: only a look at unlisted villages can find concealment (漏报瞒报、以好充次)."""
    listed = draw_city_sample(campaign, city_code, confirmed, seed, drawn_on)
    on_list = set(confirmed.weak_and_lax + confirmed.lagging)
    unlisted_sample = draw(
        campaign, confirmed.round_id, SamplePurpose.CITY_SPOT_CHECK, confirmed.county_code,
        sorted(set(unlisted) - on_list), seed, campaign.policy.city_spot_check_ratio, drawn_on,
    )
    return listed, unlisted_sample


def record_city_spot_check(
    campaign: Campaign,
    city_code: str,
    sample: SampleDrawn | Iterable[SampleDrawn],
    findings: Iterable[FindingInput],
    checked_on: date,
) -> tuple[SpotCheckRecorded, tuple[FalsificationFound, ...]]:
    samples = [sample] if isinstance(sample, SampleDrawn) else list(sample)
    if not samples:
        raise ScreeningRuleViolation("no-sample", "先抽取样本,再记录抽查结果", "draw the sample first")
    _check_city_over(city_code, samples[0].division_code)
    return record_findings(
        campaign, samples[0].round_id, city_code, samples[0].division_code, CheckStage.CITY_SPOT_CHECK,
        samples, findings, checked_on, campaign.policy.city_spot_check_due,
    )


def concealed_designations(
    campaign: Campaign, confirmed: CountyListConfirmed, recorded: SpotCheckRecorded, active_targets: Iterable[str],
) -> tuple[TargetDesignated, ...]:
    """A city finding on an unlisted village that meets a criterion designates it (应整尽整): it was
    concealed, so it becomes a weak-and-lax target with the criteria the city found."""
    catalog = {c.code for c in campaign.criteria}
    on_list = set(confirmed.weak_and_lax + confirmed.lagging) | set(active_targets)
    designated = []
    for finding in recorded.findings:
        if not finding.criteria_met or finding.village_code in on_list:
            continue
        unknown = sorted(set(finding.criteria_met) - catalog)
        if unknown:
            raise ScreeningRuleViolation(
                "criterion-unknown", f"村 {finding.village_code}: 认定标准目录中没有 {', '.join(unknown)}",
                f"village {finding.village_code}: not in the criteria catalog: {', '.join(unknown)}", criteria=unknown)
        if finding.outcome is CheckOutcome.CONFIRMED:
            raise ScreeningRuleViolation(
                "finding-contradicts-criteria",
                f"村 {finding.village_code} 未列入名单却符合认定标准,核查结果不能为“属实”,应为“有出入”或“弄虚作假”",
                f"village {finding.village_code} is unlisted but meets a criterion: the outcome cannot be 'confirmed'")
        designated.append(TargetDesignated(
            campaign_id=campaign.campaign_id, round_id=confirmed.round_id, village_code=finding.village_code,
            township_code=ancestor_at(finding.village_code, Level.TOWNSHIP), county_code=confirmed.county_code,
            category=ListCategory.WEAK_AND_LAX, criteria_met=finding.criteria_met,
            basis=DesignationBasis.CITY_SPOT_CHECK, decision_number=None, designated_on=recorded.checked_on,
            policy_version=campaign.policy_version,
        ))
    return tuple(designated)
