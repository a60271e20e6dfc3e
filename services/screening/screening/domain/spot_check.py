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
from zhengdun.refusals import OutOfOrder, RuleViolation


@dataclass(frozen=True)
class SampleSecret:
    """The secret drawn when a population was frozen; only its commitment (SHA-256) was published then."""

    secret: str
    commitment: str


def next_attempt(earlier: Iterable[SampleDrawn], secret: SampleSecret, division_code: str,
                 purposes: Iterable[SamplePurpose], redraw_reason: str | None) -> int:
    """Each frozen population is drawn once per step; another draw needs a recorded reason (the
    earlier ones stay on record), so nobody can draw until a convenient sample comes up."""
    purposes = set(purposes)
    attempts = [s.attempt for s in earlier if s.commitment == secret.commitment
                and s.division_code == division_code and s.purpose in purposes]
    if not attempts:
        return 1
    if not (redraw_reason or "").strip():
        raise OutOfOrder(
            "sample-already-drawn", f"{division_code} 的这份名单已抽样（第 {max(attempts)} 次）；重新抽样须写明理由，原样本保留在案",
            f"{division_code}'s list was sampled already (attempt {max(attempts)}): a re-draw needs a recorded reason, "
            "and the earlier sample stays on record",
            errors=[{"field": "body.redraw_reason", "message": "重新抽样须写明理由 (a re-draw needs a reason)"}])
    return max(attempts) + 1


def current_samples(samples: Iterable[SampleDrawn]) -> list[SampleDrawn]:
    """Of a division's samples, those of its latest draw (a re-draw replaces the earlier one for the checks)."""
    samples = list(samples)
    if not samples:
        return []
    latest = (samples[-1].commitment, samples[-1].attempt)
    return [s for s in samples if (s.commitment, s.attempt) == latest]


def draw(
    campaign: Campaign,
    round_id: str,
    purpose: SamplePurpose,
    division_code: str,
    population: Iterable[str],
    secret: SampleSecret,
    ratio: Decimal,
    drawn_on: date,
    attempt: int = 1,
    redraw_reason: str | None = None,
) -> SampleDrawn:
    population = tuple(population)
    label = f"{purpose.value}:{division_code}"
    try:
        seed = sampling.derived_seed(secret.secret, label, population, attempt)
        sample = sampling.draw_sample(population, seed, ratio=ratio)
    except sampling.SamplingError as problem:
        raise RuleViolation("sample-invalid", str(problem), str(problem)) from None
    return SampleDrawn(
        campaign_id=campaign.campaign_id, round_id=round_id, purpose=purpose, division_code=division_code,
        algorithm=sample.algorithm, seed=sample.seed, ratio=sample.ratio, size=None,
        population=sample.population, chosen=sample.chosen, drawn_on=drawn_on,
        commitment=secret.commitment, secret=secret.secret, label=label, attempt=attempt,
        redraw_reason=(redraw_reason or "").strip() or None,
    )


def verify_drawn(drawn: SampleDrawn) -> bool:
    """Re-derive a recorded sample: its seed from the revealed secret (which must match the commitment
    published when the population was frozen), then the sample from the seed and the population."""
    if drawn.secret is not None:
        if sampling.commitment_to(drawn.secret) != drawn.commitment or drawn.label is None:
            return False
        if sampling.derived_seed(drawn.secret, drawn.label, drawn.population, drawn.attempt) != drawn.seed:
            return False
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
    attachments: tuple[str, ...] = ()   # ids of the visit's evidence files, checked by the service layer


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
        raise RuleViolation("findings-empty", "请填写核查结果", "record at least one finding")
    not_sampled = sorted({f.village_code for f in findings} - sampled)
    if not_sampled:
        raise RuleViolation(
            "village-not-sampled", f"以下村不在随机抽取的样本中: {', '.join(not_sampled)}",
            f"findings are recorded on sampled villages only; not sampled: {', '.join(not_sampled)}",
            village_codes=not_sampled)
    for f in findings:
        if f.outcome is not CheckOutcome.CONFIRMED and not f.note.strip():
            raise RuleViolation(
                "finding-note-missing", f"村 {f.village_code}: 核查结果为“{f.outcome.label}”须说明情况",
                f"village {f.village_code}: a '{f.outcome.value}' finding needs a note")
    recorded = SpotCheckRecorded(
        campaign_id=campaign.campaign_id, round_id=round_id, checked_by_code=checked_by_code,
        checked_code=checked_code, stage=stage,
        findings=tuple(CheckFinding(village_code=f.village_code, outcome=f.outcome, note=f.note,
                                    criteria_met=tuple(f.criteria_met), attachments=tuple(f.attachments))
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
        raise RuleViolation(
            "not-your-county", f"县 {county_code} 不在 {city_code} 管辖范围内",
            f"county {county_code} is not under {city_code}")


def draw_city_samples(
    campaign: Campaign, city_code: str, confirmed: CountyListConfirmed, unlisted: Iterable[str], secret: SampleSecret,
    drawn_on: date, earlier: Iterable[SampleDrawn] = (), redraw_reason: str | None = None,
) -> tuple[SampleDrawn, SampleDrawn]:
    """The city samples the county's confirmed list AND its unlisted villages, each at the spot-check
    ratio: only a look at unlisted villages can find concealment (漏报瞒报、以好充次)."""
    _check_city_over(city_code, confirmed.county_code)
    attempt = next_attempt(earlier, secret, confirmed.county_code, [SamplePurpose.CITY_SPOT_CHECK], redraw_reason)
    on_list = confirmed.weak_and_lax + confirmed.lagging
    ratio = campaign.policy.city_spot_check_ratio
    return tuple(
        draw(campaign, confirmed.round_id, SamplePurpose.CITY_SPOT_CHECK, confirmed.county_code, population,
             secret, ratio, drawn_on, attempt, redraw_reason)
        for population in (on_list, sorted(set(unlisted) - set(on_list))))


def record_city_spot_check(
    campaign: Campaign,
    city_code: str,
    sample: SampleDrawn | Iterable[SampleDrawn],
    findings: Iterable[FindingInput],
    checked_on: date,
) -> tuple[SpotCheckRecorded, tuple[FalsificationFound, ...]]:
    samples = [sample] if isinstance(sample, SampleDrawn) else list(sample)
    if not samples:
        raise RuleViolation("no-sample", "先抽取样本,再记录抽查结果", "draw the sample first")
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
            raise RuleViolation(
                "criterion-unknown", f"村 {finding.village_code}: 认定标准目录中没有 {', '.join(unknown)}",
                f"village {finding.village_code}: not in the criteria catalog: {', '.join(unknown)}", criteria=unknown)
        if finding.outcome is CheckOutcome.CONFIRMED:
            raise RuleViolation(
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
