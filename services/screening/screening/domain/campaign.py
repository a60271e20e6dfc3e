"""Campaigns (整顿工作) and their versioned policy."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Iterable, Protocol, TypeVar

from zhengdun.divisions import is_within, level_of, prefix_of, validate_code
from zhengdun.events.screening import (
    CampaignOpened,
    OrganizationKind,
    CampaignPhase,
    Criterion,
    LaggingRule,
    PhaseWindow,
    Policy,
    PolicyRevised,
)
from zhengdun.roles import Level

from screening.domain.criteria import DEFAULT_LAGGING_RULE, SEED_000_CRITERIA
from zhengdun.refusals import OutOfOrder, RuleViolation

# Who may run a campaign: any level with an organization department above the village (issue 22; seed 000 a city,
# seed 001 a county, seed 004 a township).
CAMPAIGN_LEVELS = (Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP)
ORGANIZATION_KINDS: tuple[OrganizationKind, ...] = ("行政村", "社区", "非公企业", "社会组织")
# What a campaign that names no kinds screens: the villages and communities (seed 000), never the enterprises and
# social organizations a registry import added later (screening.domain.organizations).
KINDS_OF_A_KINDLESS_CAMPAIGN: tuple[OrganizationKind, ...] = ("行政村", "社区")


class KindedVillage(Protocol):
    """What the campaign needs of a village of the registry (screening.domain.assessment.Village)."""

    code: str
    kind: str
    administrative: bool


V = TypeVar("V", bound=KindedVillage)


def default_phases() -> tuple[PhaseWindow, ...]:
    """Seed 000 §三: the phases of the 2020-07 → 2021-08 campaign."""
    return (
        PhaseWindow(phase=CampaignPhase.SCREENING, starts_on=date(2020, 7, 1), ends_on=date(2020, 9, 30)),
        PhaseWindow(phase=CampaignPhase.CONCENTRATED, starts_on=date(2020, 9, 1), ends_on=date(2021, 5, 31)),
        PhaseWindow(phase=CampaignPhase.CONTINUED, starts_on=date(2021, 5, 1), ends_on=date(2021, 8, 31)),
        PhaseWindow(phase=CampaignPhase.INSTITUTION_BUILDING, starts_on=date(2020, 7, 1), ends_on=date(2021, 8, 31)),
        PhaseWindow(phase=CampaignPhase.ACCEPTANCE, starts_on=date(2020, 9, 1), ends_on=date(2021, 8, 31)),
    )


@dataclass(frozen=True)
class PolicyVersion:
    version: int
    policy: Policy
    effective_on: date
    reason: str


@dataclass(frozen=True)
class Campaign:
    campaign_id: str
    name: str
    area_code: str
    phases: tuple[PhaseWindow, ...]
    criteria: tuple[Criterion, ...]
    lagging_rule: LaggingRule | str         # a text: the rule is stated, not computed (older campaigns)
    opened_on: date
    policies: tuple[PolicyVersion, ...]
    carries_over_from: str | None = None    # the earlier campaign whose unfinished villages carry over
    criteria_version: int = 1               # the current catalog's version (a revision may bring a new one)
    # The kinds screened; None (older campaigns): villages and communities, shares over 行政村 (seed 000).
    organization_kinds: tuple[OrganizationKind, ...] | None = None

    @property
    def level(self) -> Level:
        return level_of(self.area_code)

    @property
    def decided_by_township(self) -> bool:
        """A township's own campaign (seed 004 shape): it screens and decides its list itself, no county review."""
        return self.level is Level.TOWNSHIP

    @property
    def has_city_steps(self) -> bool:
        """The city's spot check and the counties' filing with the city exist only in a campaign a city or a
        province runs; in a county's (seed 001: 报县委组织部备案) the county itself holds the decided list."""
        return self.level in (Level.PROVINCE, Level.CITY)

    def covers(self, village: KindedVillage) -> bool:
        return is_within(village.code, self.area_code) and village.kind in self.kinds_screened

    @property
    def kinds_screened(self) -> tuple[OrganizationKind, ...]:
        return KINDS_OF_A_KINDLESS_CAMPAIGN if self.organization_kinds is None else self.organization_kinds

    def counts_in_share(self, kind: str) -> bool:
        """An organization of ``kind`` in the area counts in the shares' denominator: seed 000's 行政村总数 in a
        campaign that names no kinds, seed 001's 所辖基层党组织总数 (every kind named) in one that does; the same
        organizations ``covered`` marks ``administrative``."""
        return kind in self.kinds_screened and (self.organization_kinds is not None or kind == "行政村")

    def covered(self, villages: Iterable[V]) -> list[V]:
        """The organizations this campaign screens, each marked whether it counts in the shares' denominator:
        seed 000's 行政村总数 for campaigns that name no kinds, seed 001's 所辖基层党组织总数 (every organization
        of the kinds named) for those that do."""
        prefix, kinds = prefix_of(self.area_code), self.kinds_screened   # covers(), worked out once for all
        inside = [v for v in villages if v.code.startswith(prefix) and v.kind in kinds]
        if self.organization_kinds is None:
            return inside
        return [v if v.administrative else replace(v, administrative=True) for v in inside]

    @property
    def current(self) -> PolicyVersion:
        return self.policies[-1]

    @property
    def policy(self) -> Policy:
        return self.current.policy

    @property
    def policy_version(self) -> int:
        return self.current.version

    def policy_on(self, day: date) -> PolicyVersion:
        """The policy version in effect on ``day`` (version 1 before any revision)."""
        in_effect = [p for p in self.policies if p.effective_on <= day]
        return in_effect[-1] if in_effect else self.policies[0]

    @property
    def ranking_rule(self) -> LaggingRule | None:
        """The structured ranking rule the platform computes lagging proposals by (None: a text rule)."""
        return self.lagging_rule if isinstance(self.lagging_rule, LaggingRule) else None

    @property
    def lagging_rule_text(self) -> str:
        return self.lagging_rule.describe() if isinstance(self.lagging_rule, LaggingRule) else self.lagging_rule

    def criterion(self, code: str) -> Criterion | None:
        return next((c for c in self.criteria if c.code == code), None)

    def phase(self, phase: CampaignPhase) -> PhaseWindow | None:
        return next((w for w in self.phases if w.phase is phase), None)

    @classmethod
    def from_event(cls, opened: CampaignOpened) -> "Campaign":
        return cls(
            campaign_id=opened.campaign_id, name=opened.name, area_code=opened.area_code,
            phases=opened.phases, criteria=opened.criteria, lagging_rule=opened.lagging_rule,
            opened_on=opened.opened_on,
            policies=(PolicyVersion(opened.policy_version, opened.policy, opened.opened_on, "开启整顿工作"),),
            carries_over_from=opened.carries_over_from, organization_kinds=opened.organization_kinds,
        )

    def apply(self, revised: PolicyRevised) -> "Campaign":
        version = PolicyVersion(revised.policy_version, revised.policy, revised.effective_on, revised.reason)
        changed = replace(self, policies=self.policies + (version,))
        if revised.phases is not None:
            changed = replace(changed, phases=revised.phases)
        if revised.criteria is not None:
            changed = replace(changed, criteria=revised.criteria,
                              criteria_version=revised.criteria_version or self.criteria_version + 1)
        return changed


def _check_catalog(criteria: tuple[Criterion, ...]) -> None:
    if not criteria:
        raise RuleViolation(
            "criteria-empty", "认定标准目录不能为空", "the criteria catalog must not be empty")
    codes = [c.code for c in criteria]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise RuleViolation(
            "criteria-duplicate", f"认定标准编码重复: {', '.join(duplicates)}",
            f"criterion codes must be unique: {', '.join(duplicates)}", codes=duplicates)


def open_campaign(
    campaign_id: str,
    name: str,
    area_code: str,
    opened_on: date,
    *,
    phases: tuple[PhaseWindow, ...] | None = None,
    criteria: tuple[Criterion, ...] | None = None,
    lagging_rule: LaggingRule | str | None = None,
    policy: Policy | None = None,
    carries_over: Campaign | None = None,
    organization_kinds: Iterable[OrganizationKind] | None = None,
) -> tuple[Campaign, CampaignOpened]:
    """Open a campaign for a province, city, county or township; anything not given takes the seed's default
    (``organization_kinds`` None: every village and community, never an enterprise or social organization; shares
    over 行政村 as in seed 000).

    ``carries_over``: an earlier campaign over the same ground (e.g. 2019's before 2020's, seed 000):
    its villages still listed and never accepted are proposed again (继续整顿) in this one's first round."""
    if not name.strip():
        raise RuleViolation("campaign-name-missing", "请填写整顿工作名称", "give the campaign a name")
    validate_code(area_code)
    if level_of(area_code) not in CAMPAIGN_LEVELS:
        raise RuleViolation(
            "campaign-area-level", "整顿工作须由省、市、县或乡镇开展,区域不能是村级区划",
            "a campaign is run by a province, city, county or township: a village-level code cannot be its area",
            area_code=area_code, errors=[{"field": "body.area_code", "message": "须为省、市、县或乡镇级区划代码"}])
    kinds = check_kinds(organization_kinds)
    phases = tuple(phases) if phases is not None else default_phases()
    seen = [w.phase for w in phases]
    if len(seen) != len(set(seen)):
        raise RuleViolation("phase-duplicate", "同一阶段只能设置一次", "each phase may appear only once")
    criteria = tuple(criteria) if criteria is not None else SEED_000_CRITERIA
    _check_catalog(criteria)
    lagging_rule = lagging_rule if lagging_rule is not None else DEFAULT_LAGGING_RULE
    if isinstance(lagging_rule, str) and not lagging_rule.strip():
        raise RuleViolation(
            "lagging-rule-missing", "请说明后进村党组织的倒排认定规则",
            "describe the ranking rule that defines lagging villages")
    if carries_over is not None:
        check_carry_over(carries_over, area_code, opened_on)
    policy = policy or Policy()
    campaign = Campaign(
        campaign_id=campaign_id, name=name, area_code=area_code, phases=phases, criteria=criteria,
        lagging_rule=lagging_rule, opened_on=opened_on,
        policies=(PolicyVersion(1, policy, opened_on, "开启整顿工作"),),
        carries_over_from=carries_over.campaign_id if carries_over else None, organization_kinds=kinds,
    )
    opened = CampaignOpened(
        campaign_id=campaign_id, name=name, area_code=area_code, phases=phases, criteria=criteria,
        lagging_rule=lagging_rule, policy=policy, policy_version=1, opened_on=opened_on,
        carries_over_from=campaign.carries_over_from, organization_kinds=kinds,
    )
    return campaign, opened


def require_city_steps(campaign: Campaign, step: str) -> None:
    """The city's spot check and the filing with the city exist only where a city or province runs the campaign."""
    if not campaign.has_city_steps:
        raise OutOfOrder(
            "no-city-step", f"本整顿工作由{campaign.level.label}开展（{campaign.area_code}），没有“{step}”这一步：名单由开展整顿的"
            f"{campaign.level.label}级党委组织部门确定并留存",
            f"this campaign is run at {campaign.level.value} level ({campaign.area_code}): it has no city step ({step})",
            area_code=campaign.area_code)


def require_decided_by(campaign: Campaign, level: Level) -> None:
    """Who decides the list: the township in its own campaign (seed 004 shape), the county's standing committee
    in every other (seed 000, seed 001)."""
    by = Level.TOWNSHIP if campaign.decided_by_township else Level.COUNTY
    if level is not by:
        raise OutOfOrder(
            "list-decided-elsewhere", f"本整顿工作的名单由{by.label}{'党委' if by is Level.TOWNSHIP else '委常委会'}研究确定",
            f"in this campaign the list is decided at {by.value} level", decided_by=by.value)


def check_kinds(kinds: Iterable[str] | None) -> tuple[OrganizationKind, ...] | None:
    """The kinds named, each once, in the registry's order; none named at all is refused (say which)."""
    if kinds is None:
        return None
    named = list(kinds)
    unknown = sorted(set(named) - set(ORGANIZATION_KINDS))
    if unknown or not named:
        raise RuleViolation(
            "organization-kinds", f"整顿对象类型须为 {'、'.join(ORGANIZATION_KINDS)} 中的一种或几种"
            + (f"，不认识 {'、'.join(unknown)}" if unknown else ""),
            "name one or more kinds of organization: 行政村 (village), 社区 (community), 非公企业 (non-public "
            "enterprise), 社会组织 (social organization)",
            errors=[{"field": "body.organization_kinds", "message": f"至少选择一种：{'、'.join(ORGANIZATION_KINDS)}"}])
    return tuple(k for k in ORGANIZATION_KINDS if k in named)


def check_carry_over(earlier: Campaign, area_code: str, opened_on: date) -> None:
    """Only an earlier campaign over the same ground can hand its unfinished villages on."""
    if not (is_within(area_code, earlier.area_code) or is_within(earlier.area_code, area_code)):
        raise RuleViolation(
            "carry-over-elsewhere", f"上一轮整顿工作 {earlier.campaign_id} 的区域 {earlier.area_code} 与本次 {area_code} 不重叠",
            f"campaign {earlier.campaign_id} covers {earlier.area_code}, which does not overlap {area_code}",
            errors=[{"field": "body.carries_over_from", "message": "须为同一区域此前开展的整顿工作"}])
    if earlier.opened_on >= opened_on:
        raise RuleViolation(
            "carry-over-not-earlier", f"上一轮整顿工作须早于本次开启（{earlier.opened_on}）",
            f"the campaign carried over must have opened before this one ({earlier.opened_on})",
            errors=[{"field": "body.carries_over_from", "message": "须为此前开展的整顿工作"}])


def revise_policy(
    campaign: Campaign, policy: Policy | None, reason: str, effective_on: date, *,
    phases: tuple[PhaseWindow, ...] | None = None, criteria: tuple[Criterion, ...] | None = None,
) -> tuple[Campaign, PolicyRevised]:
    """Record a new policy version, possibly with new phases and/or a new criteria catalog (a new catalog
    version); earlier decisions keep the versions they applied. ``policy`` None keeps the current one."""
    if not reason.strip():
        raise RuleViolation(
            "policy-reason-missing", "修订政策须说明理由", "state why the policy is revised")
    policy = policy if policy is not None else campaign.policy
    phases = tuple(phases) if phases is not None and tuple(phases) != campaign.phases else None
    criteria = tuple(criteria) if criteria is not None and tuple(criteria) != campaign.criteria else None
    if phases is not None:
        seen = [w.phase for w in phases]
        if len(seen) != len(set(seen)):
            raise RuleViolation("phase-duplicate", "同一阶段只能设置一次", "each phase may appear only once")
    if criteria is not None:
        _check_catalog(criteria)
    if policy == campaign.policy and phases is None and criteria is None:
        raise RuleViolation(
            "policy-unchanged", "新政策、阶段和认定标准均与现行版本相同,无需修订",
            "the policy, phases and criteria equal the current version: nothing to revise")
    if effective_on < campaign.current.effective_on:
        raise RuleViolation(
            "policy-effective-date", f"生效日期不能早于现行版本的生效日期 {campaign.current.effective_on}",
            f"a revision cannot take effect before the current version ({campaign.current.effective_on})")
    revised = PolicyRevised(
        campaign_id=campaign.campaign_id, policy_version=campaign.policy_version + 1,
        policy=policy, reason=reason, effective_on=effective_on, phases=phases, criteria=criteria,
        criteria_version=campaign.criteria_version + 1 if criteria is not None else None,
    )
    return campaign.apply(revised), revised
