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
    FalsificationFound,
    SampleDrawn,
    SamplePurpose,
    SpotCheckRecorded,
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
        findings=tuple(CheckFinding(village_code=f.village_code, outcome=f.outcome, note=f.note)
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


def record_city_spot_check(
    campaign: Campaign,
    city_code: str,
    sample: SampleDrawn,
    findings: Iterable[FindingInput],
    checked_on: date,
) -> tuple[SpotCheckRecorded, tuple[FalsificationFound, ...]]:
    _check_city_over(city_code, sample.division_code)
    return record_findings(
        campaign, sample.round_id, city_code, sample.division_code, CheckStage.CITY_SPOT_CHECK,
        [sample], findings, checked_on, campaign.policy.city_spot_check_due,
    )
