"""Payload models of the events the screening service publishes.

Besides the event payloads this module holds the few value shapes other services read
from screening's events: the campaign ``Policy`` (every number of domain.md §2, seed
defaults), the campaign phases, the criteria catalog, list categories.  The screening
domain re-uses them, so there is one definition of each.

Public events (``public=True``) may be republished to outside government platforms: they
carry division codes, categories and criterion codes only, never personal names or
evidence text.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from zhengdun.events.base import event

DIVISION_CODE = r"^\d{12}$"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# ---------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------


class ListCategory(StrEnum):
    """The two categories a township list is submitted in (分两类报送)."""

    WEAK_AND_LAX = "weak_and_lax"
    LAGGING = "lagging"

    @property
    def label(self) -> str:
        return {ListCategory.WEAK_AND_LAX: "软弱涣散", ListCategory.LAGGING: "后进"}[self]


class AssessmentResult(StrEnum):
    WEAK_AND_LAX = "weak_and_lax"
    LAGGING = "lagging"
    NEITHER = "neither"

    @property
    def label(self) -> str:
        return {
            AssessmentResult.WEAK_AND_LAX: "软弱涣散",
            AssessmentResult.LAGGING: "后进",
            AssessmentResult.NEITHER: "不列入",
        }[self]

    @property
    def category(self) -> ListCategory | None:
        """The list category this result puts a village in (None: not listed)."""
        if self is AssessmentResult.NEITHER:
            return None
        return ListCategory(self.value)


class CampaignPhase(StrEnum):
    SCREENING = "screening"
    CONCENTRATED = "concentrated"
    CONTINUED = "continued"
    INSTITUTION_BUILDING = "institution_building"
    ACCEPTANCE = "acceptance"

    @property
    def label(self) -> str:
        return {
            CampaignPhase.SCREENING: "排查认定",
            CampaignPhase.CONCENTRATED: "集中整顿",
            CampaignPhase.CONTINUED: "持续整顿",
            CampaignPhase.INSTITUTION_BUILDING: "建章立制",
            CampaignPhase.ACCEPTANCE: "评估验收",
        }[self]


class CadreRank(StrEnum):
    SECTION = "section"
    COUNTY = "county"

    @property
    def label(self) -> str:
        return {CadreRank.SECTION: "科级", CadreRank.COUNTY: "县级"}[self]


class DesignationBasis(StrEnum):
    """Why a village became a target."""

    SCREENING = "screening"          # listed by a confirmed county list
    RELAPSE = "relapse"              # relapsed at post-evaluation (后评估)
    CITY_SPOT_CHECK = "city_spot_check"  # an unlisted village the city's spot check found meeting a criterion (漏报瞒报)

    @property
    def label(self) -> str:
        return {DesignationBasis.SCREENING: "排查认定", DesignationBasis.RELAPSE: "后评估反弹",
                DesignationBasis.CITY_SPOT_CHECK: "市级抽查发现漏报"}[self]


class RemovalReason(StrEnum):
    DELISTED = "delisted"                  # accepted and delisted (销号) by acceptance
    NOT_RELISTED = "not_relisted"          # a re-screening round's confirmed list left it out

    @property
    def label(self) -> str:
        return {RemovalReason.DELISTED: "验收销号", RemovalReason.NOT_RELISTED: "重新排查未列入"}[self]


class SamplePurpose(StrEnum):
    COUNTY_CHECK_LISTED = "county_check_listed"
    COUNTY_CHECK_UNLISTED = "county_check_unlisted"
    CITY_SPOT_CHECK = "city_spot_check"

    @property
    def label(self) -> str:
        return {
            SamplePurpose.COUNTY_CHECK_LISTED: "县级审核抽查(列入村)",
            SamplePurpose.COUNTY_CHECK_UNLISTED: "县级审核抽查(未列入村)",
            SamplePurpose.CITY_SPOT_CHECK: "市级抽查认定",
        }[self]


class CheckStage(StrEnum):
    COUNTY_REVIEW = "county_review"          # 县委组织部审核: site visits to sampled villages
    CITY_SPOT_CHECK = "city_spot_check"      # 市委组织部抽查认定

    @property
    def label(self) -> str:
        return {CheckStage.COUNTY_REVIEW: "县级审核实地走访", CheckStage.CITY_SPOT_CHECK: "市级抽查认定"}[self]


class CheckOutcome(StrEnum):
    CONFIRMED = "confirmed"          # the list is right about this village
    DISCREPANCY = "discrepancy"      # wrong, but no sign of intent
    FALSIFIED = "falsified"          # 弄虚作假: accountability follows

    @property
    def label(self) -> str:
        return {
            CheckOutcome.CONFIRMED: "属实",
            CheckOutcome.DISCREPANCY: "有出入",
            CheckOutcome.FALSIFIED: "弄虚作假",
        }[self]


# ---------------------------------------------------------------------------------------
# Campaign values
# ---------------------------------------------------------------------------------------


class Criterion(_Frozen):
    """One entry of the criteria catalog (认定标准)."""

    code: str = Field(min_length=1, pattern=r"^[a-z0-9_]+$")
    label: str = Field(min_length=1)
    requires_reason: bool = False    # "other" criteria: met only with a stated reason


class PhaseWindow(_Frozen):
    phase: CampaignPhase
    starts_on: date
    ends_on: date

    @model_validator(mode="after")
    def _ordered(self) -> "PhaseWindow":
        if self.ends_on < self.starts_on:
            raise ValueError(f"阶段 {self.phase.label} 结束日期早于开始日期 / phase ends before it starts")
        return self


class Policy(_Frozen):
    """Every policy value of a campaign (domain.md §2); defaults are seed 000's values.

    Shares are Decimals so that ``listed >= share × total`` is exact at the boundary.
    """

    # Screening (000 §一, §三(一); 001 §二)
    min_listed_share: Decimal = Field(Decimal("0.10"), gt=0, le=1,
                                      description="weak + lagging ≥ this share of administrative villages")
    lagging_reference_share: Decimal = Field(Decimal("0.05"), gt=0, le=1,
                                             description="seed 001: lagging ~5% (reference only)")
    township_list_due: date = date(2020, 8, 15)
    county_review_due: date = date(2020, 8, 20)
    city_spot_check_due: date = date(2020, 8, 25)
    # The seed says 随机抽查 / 一定比例 without a number: these two are campaign choices.
    county_check_sample_ratio: Decimal = Field(Decimal("0.20"), gt=0, le=1)
    city_spot_check_ratio: Decimal = Field(Decimal("0.10"), gt=0, le=1)
    # "Far below its county": township share < factor × county share.
    township_share_flag_factor: Decimal = Field(Decimal("0.5"), gt=0, le=1)
    filing_dates: tuple[date, ...] = (date(2020, 8, 31), date(2021, 3, 31), date(2021, 6, 30))

    # Casework (000 §三(二), §四; 001 §二(二); 002)
    team_stationing_days: int = Field(5, ge=0)
    team_size_min: int = Field(3, ge=1)
    team_size_max: int = Field(5, ge=1)
    team_leader_rank: CadreRank = CadreRank.SECTION
    contact_leader_visits_per_month: int = Field(2, ge=0)
    problems_pushed_per_visit: int = Field(1, ge=0)
    measure_update_interval_months: int = Field(1, ge=1)
    ledger_summary_interval_months: int = Field(3, ge=1)
    progress_report_interval_months: int = Field(2, ge=1)
    pairing_max_villages: int = Field(3, ge=1)

    # Supervision (000 §三(三)1)
    township_escalation_share: Decimal = Field(Decimal("0.5"), ge=0, lt=1,
                                               description="escalate when unfinished share is strictly above")
    # The seeds' ladder 提醒→通报→约谈 gives no numbers: campaign choices.
    reminder_days_before_deadline: int = Field(3, ge=0, description="remind the responsible person this many days before")
    escalation_days: int = Field(7, ge=1, description="an alert still open this long is circulated to the unit above "
                                                      "(twice as long: a talk)")

    # Acceptance (000 §三(四), §三(五); 001 §三(六))
    post_evaluation_months: int = Field(3, ge=1)
    acceptance_spot_check_city_share: Decimal = Field(Decimal("0.15"), gt=0, le=1)
    acceptance_spot_check_province_share: Decimal = Field(Decimal("0.05"), gt=0, le=1)
    # The seed sets no deadline for those spot checks: a campaign choice, counted from the county's first acceptance.
    acceptance_spot_check_window_days: int = Field(30, ge=1, description="city/province spot checks due this many "
                                                                         "days after the county's first acceptance")
    satisfaction_threshold: Decimal = Field(Decimal("0.70"), gt=0, le=1)
    # 000 §三(五)3 names the township's public notice of the result without its length: a campaign choice.
    acceptance_notice_days: int = Field(5, ge=1, le=90, description="验收结果公示天数（自然日）")

    @model_validator(mode="after")
    def _coherent(self) -> "Policy":
        if self.team_size_min > self.team_size_max:
            raise ValueError("工作队人数下限大于上限 / team_size_min > team_size_max")
        if not (self.township_list_due <= self.county_review_due <= self.city_spot_check_due):
            raise ValueError("时间节点须为 乡镇报送 ≤ 县级审核 ≤ 市级抽查 / deadlines out of order")
        if list(self.filing_dates) != sorted(set(self.filing_dates)):
            raise ValueError("备案日期须递增且不重复 / filing dates must be increasing and distinct")
        return self


class CriterionFinding(_Frozen):
    """One criterion of an assessment: met or not, with evidence."""

    criterion_code: str
    met: bool
    evidence: str = ""
    attachments: tuple[str, ...] = ()      # ids of stored files (zhengdun.attachments) of the township's round
    reason: str | None = None              # the stated reason of an "other" criterion


class RankingInput(_Frozen):
    """A village's input to the lagging ranking (倒排): its score and/or rank under the rule."""

    score: Decimal | None = None
    rank: int | None = Field(None, ge=1)
    out_of: int | None = Field(None, ge=1)
    basis: str = ""                        # e.g. "星级支部评定 2020: 一星"

    @model_validator(mode="after")
    def _something(self) -> "RankingInput":
        if self.score is None and self.rank is None:
            raise ValueError("排名输入须有得分或名次 / ranking input needs a score or a rank")
        if self.rank is not None and self.out_of is not None and self.rank > self.out_of:
            raise ValueError("名次大于总数 / rank greater than out_of")
        return self


class RankingDirection(StrEnum):
    LOWER_IS_WORSE = "lower_is_worse"      # e.g. a star rating or an assessment score
    HIGHER_IS_WORSE = "higher_is_worse"    # e.g. a count of complaints

    @property
    def label(self) -> str:
        return {RankingDirection.LOWER_IS_WORSE: "得分越低越靠后", RankingDirection.HIGHER_IS_WORSE: "得分越高越靠后"}[self]


class RankingScope(StrEnum):
    TOWNSHIP = "township"
    COUNTY = "county"

    @property
    def label(self) -> str:
        return {RankingScope.TOWNSHIP: "乡镇", RankingScope.COUNTY: "县（市、区）"}[self]


class LaggingRule(_Frozen):
    """The ranking rule (倒排) that defines lagging villages: which input, which end is worse, and the cut
    (the bottom N, or the bottom share rounded up) within each township or county. Villages tied with the
    last one inside the cut are all proposed (并列者一并列入), so a cut never splits equal scores."""

    basis: str = Field(min_length=1, max_length=200, description="排名依据（输入名称），如“星级支部评定得分”")
    direction: RankingDirection = RankingDirection.LOWER_IS_WORSE
    bottom_count: int | None = Field(None, ge=1, le=1000, description="每个范围倒排后 N 名")
    bottom_share: Decimal | None = Field(None, gt=0, le=1, description="每个范围倒排后该比例（向上取整）")
    scope: RankingScope = RankingScope.TOWNSHIP
    note: str = Field("", max_length=2000, description="补充说明")

    @model_validator(mode="after")
    def _one_cut(self) -> "LaggingRule":
        if (self.bottom_count is None) == (self.bottom_share is None):
            raise ValueError("倒排规则须且只能设定“后 N 名”或“后一定比例”之一 / give bottom_count or bottom_share, not both")
        return self

    def describe(self) -> str:
        cut = (f"后 {self.bottom_count} 名" if self.bottom_count is not None
               else f"后 {(self.bottom_share * 100).normalize():f}%（向上取整）")
        text = (f"按“{self.basis}”在各{self.scope.label}范围内倒排（{self.direction.label}），取{cut}，"
                "末位并列的一并列入；已认定为软弱涣散的村不重复列为后进")
        return text + (f"。{self.note}" if self.note else "")


class RankedVillage(_Frozen):
    village_code: str = Field(pattern=DIVISION_CODE)
    group_code: str = Field(pattern=DIVISION_CODE, description="排名范围（乡镇或县）")
    score: Decimal
    position: int = Field(ge=1, description="自末位起的名次（并列同名次）")
    in_cut: bool


class LaggingRanking(_Frozen):
    """The ranking computed from the entered inputs under the rule, and what it proposes; recorded with the list."""

    rule: LaggingRule
    ranked: tuple[RankedVillage, ...]
    proposed: tuple[str, ...]              # proposed as lagging
    tied_at_cut: tuple[str, ...] = ()      # tied with the cut's last place, proposed beyond the N / share
    already_weak_and_lax: tuple[str, ...] = ()   # inside the cut but listed weak-and-lax: not proposed again
    unranked: tuple[str, ...] = ()         # assessed without a score: not ranked
    # The township's departures from the proposal, each with its reason (listed though not proposed, or the reverse).
    deviations: dict[str, str] = Field(default_factory=dict)


class CommitteeMeetingRecord(_Frozen):
    """The township Party committee meeting that decided the list (党委会集体研究)."""

    held_on: date
    attendees: tuple[str, ...]
    minutes: str
    attachments: tuple[str, ...] = ()      # the signed minutes and photos (ids of stored files, zhengdun.attachments)


# The kinds of village-level organization a campaign may cover, as the division registry names them; 非公企业 and
# 社会组织 come from screening's organization import, each under a code of its township (seed 003 篇三).
OrganizationKind = Literal["行政村", "社区", "非公企业", "社会组织"]


class ListedVillage(_Frozen):
    village_code: str = Field(pattern=DIVISION_CODE)
    category: ListCategory
    criteria_met: tuple[str, ...] = ()


# ---------------------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------------------


@event("zhengdun.screening.campaign.opened.v1")
class CampaignOpened(_Frozen):
    """A province, city, county or township opened a campaign with its phases, criteria and policy (version 1)."""

    campaign_id: str
    name: str
    area_code: str = Field(pattern=DIVISION_CODE)
    phases: tuple[PhaseWindow, ...]
    criteria: tuple[Criterion, ...]
    # A structured ranking rule, or (events before it existed, and campaigns that keep one) a text.
    lagging_rule: LaggingRule | str
    policy: Policy
    policy_version: int = Field(1, ge=1)
    opened_on: date
    # The earlier campaign whose list and acceptance outcomes this one carries over (继续整顿).
    carries_over_from: str | None = None
    # The kinds of organization screened (行政村, 社区, 非公企业, 社会组织). None (campaigns opened before kinds were
    # named): every village and community is screened (never an enterprise or a social organization) and the shares
    # count 行政村 only (seed 000).
    organization_kinds: tuple[OrganizationKind, ...] | None = None


@event("zhengdun.screening.policy.revised.v1")
class PolicyRevised(_Frozen):
    """The campaign policy was revised; later decisions record the new version."""

    campaign_id: str
    policy_version: int = Field(ge=2)
    policy: Policy
    reason: str
    effective_on: date
    # A revision may also replace the phases and/or the criteria catalog (None: unchanged). A new catalog is a
    # new catalog version; assessments record the version they applied, so earlier ones keep theirs.
    phases: tuple[PhaseWindow, ...] | None = None
    criteria: tuple[Criterion, ...] | None = None
    criteria_version: int | None = Field(None, ge=2, description="the catalog's new version, when criteria are given")


@event("zhengdun.screening.lagging_rule.set.v1")
class LaggingRuleSet(_Frozen):
    """A county or township defined its own ranking rule (倒排) for lagging villages, in place of the
    campaign's (seed 000 §二(二): 由县乡党委明确认定标准). A township's own rule comes before its county's,
    the county's before the campaign's; a list submitted earlier keeps the rule it was checked against."""

    campaign_id: str
    scope_code: str = Field(pattern=DIVISION_CODE, description="定规则的县或乡镇")
    rule: LaggingRule
    set_on: date
    reason: str = Field("", max_length=2000)


@event("zhengdun.screening.assessment.recorded.v1")
class AssessmentRecorded(_Frozen):
    """A township recorded its assessment of one village in a screening round."""

    campaign_id: str
    round_id: str
    village_code: str = Field(pattern=DIVISION_CODE)
    township_code: str = Field(pattern=DIVISION_CODE)
    findings: tuple[CriterionFinding, ...]
    ranking: RankingInput | None = None
    result: AssessmentResult
    assessed_on: date
    policy_version: int = Field(ge=1)
    # The criteria catalog version the findings answer (events before catalogs were revisable: 1).
    criteria_version: int = Field(1, ge=1)


@event("zhengdun.screening.township_list.submitted.v1")
class TownshipListSubmitted(_Frozen):
    """A township submitted its list, in two categories, to the county."""

    campaign_id: str
    round_id: str
    township_code: str = Field(pattern=DIVISION_CODE)
    weak_and_lax: tuple[ListedVillage, ...]
    lagging: tuple[ListedVillage, ...]
    villages_assessed: int = Field(ge=0)
    meeting: CommitteeMeetingRecord
    notice_starts_on: date
    notice_ends_on: date
    objections: int = Field(ge=0)
    # Carried-over villages the township did not list, with its stated reason.
    carry_over_not_listed: dict[str, str] = Field(default_factory=dict)
    submitted_on: date
    due_on: date
    late: bool
    policy_version: int = Field(ge=1)
    # SHA-256 of the secret the county's check samples of this list will be derived from.
    sample_commitment: str | None = None
    # Under a structured lagging rule: the ranking, its proposal for this township and the departures' reasons.
    lagging_ranking: LaggingRanking | None = None


@event("zhengdun.screening.township_list.returned.v1")
class TownshipListReturned(_Frozen):
    """The county returned a township list for rework."""

    campaign_id: str
    round_id: str
    county_code: str = Field(pattern=DIVISION_CODE)
    township_code: str = Field(pattern=DIVISION_CODE)
    reasons: tuple[str, ...]
    returned_on: date


class ListChange(StrEnum):
    ADD = "add"
    REMOVE = "remove"

    @property
    def label(self) -> str:
        return {ListChange.ADD: "增列", ListChange.REMOVE: "移出"}[self]


@event("zhengdun.screening.county_list.adjusted.v1")
class CountyListAdjusted(_Frozen):
    """The county added a village to, or removed one from, its list, with a reason."""

    campaign_id: str
    round_id: str
    county_code: str = Field(pattern=DIVISION_CODE)
    village_code: str = Field(pattern=DIVISION_CODE)
    change: ListChange
    category: ListCategory
    criteria_met: tuple[str, ...] = ()
    reason: str
    adjusted_on: date


@event("zhengdun.screening.county_list.confirmed.v1", public=True)
class CountyListConfirmed(_Frozen):
    """The county standing committee decided the county's list (县委常委会研究确定)."""

    campaign_id: str
    round_id: str
    county_code: str = Field(pattern=DIVISION_CODE)
    decision_number: str
    decided_on: date
    weak_and_lax: tuple[str, ...]
    lagging: tuple[str, ...]
    administrative_villages: int = Field(ge=0)
    minimum_share: Decimal
    below_minimum: bool
    late: bool
    policy_version: int = Field(ge=1)
    # SHA-256 of the secret the city's spot-check samples of this list will be derived from.
    sample_commitment: str | None = None


@event("zhengdun.screening.target.designated.v1", public=True)
class TargetDesignated(_Frozen):
    """A village Party organization became a rectification target: this opens a case."""

    campaign_id: str
    round_id: str | None = None
    village_code: str = Field(pattern=DIVISION_CODE)
    township_code: str = Field(pattern=DIVISION_CODE)
    county_code: str = Field(pattern=DIVISION_CODE)
    category: ListCategory
    criteria_met: tuple[str, ...] = ()
    basis: DesignationBasis = DesignationBasis.SCREENING
    decision_number: str | None = None     # the standing committee decision; None for a relapse
    designated_on: date
    policy_version: int = Field(ge=1)


@event("zhengdun.screening.target.removed.v1", public=True)
class TargetRemoved(_Frozen):
    """A village left the active list: delisted after acceptance, or not relisted at re-screening."""

    campaign_id: str
    village_code: str = Field(pattern=DIVISION_CODE)
    county_code: str = Field(pattern=DIVISION_CODE)
    reason: RemovalReason
    reference: str | None = None           # e.g. the acceptance event id or decision number
    removed_on: date


@event("zhengdun.screening.sample.drawn.v1")
class SampleDrawn(_Frozen):
    """A reproducible random sample was drawn (algorithm, seed and population recorded)."""

    campaign_id: str
    round_id: str
    purpose: SamplePurpose
    division_code: str = Field(pattern=DIVISION_CODE)
    algorithm: str
    seed: str
    ratio: Decimal | None = None
    size: int | None = None
    population: tuple[str, ...]
    chosen: tuple[str, ...]
    drawn_on: date
    # Nobody chose the seed (zhengdun.sampling.derived_seed): it is derived from the secret committed
    # when the population was frozen (revealed here), the sample's label and the attempt; a second
    # attempt on the same population needs a recorded reason, and the first stays on record.
    commitment: str | None = None
    secret: str | None = None
    label: str | None = None
    attempt: int = Field(1, ge=1)
    redraw_reason: str | None = None


class CheckFinding(_Frozen):
    village_code: str = Field(pattern=DIVISION_CODE)
    outcome: CheckOutcome
    note: str = ""
    # The criteria the checker found met: on an unlisted village of a city spot check this designates it.
    criteria_met: tuple[str, ...] = ()
    attachments: tuple[str, ...] = ()      # the site visit's evidence (ids of stored files, zhengdun.attachments)


@event("zhengdun.screening.spot_check.recorded.v1")
class SpotCheckRecorded(_Frozen):
    """Findings of a county site visit or a city spot check on sampled villages."""

    campaign_id: str
    round_id: str
    checked_by_code: str = Field(pattern=DIVISION_CODE)   # the county or city that checked
    checked_code: str = Field(pattern=DIVISION_CODE)      # the township or county checked
    stage: CheckStage
    findings: tuple[CheckFinding, ...]
    checked_on: date
    late: bool
    policy_version: int = Field(ge=1)


@event("zhengdun.screening.falsification.found.v1")
class FalsificationFound(_Frozen):
    """A spot check found falsification (弄虚作假); supervision holds the named units accountable."""

    campaign_id: str
    round_id: str
    village_code: str = Field(pattern=DIVISION_CODE)
    county_code: str = Field(pattern=DIVISION_CODE)
    township_code: str = Field(pattern=DIVISION_CODE)
    found_by_code: str = Field(pattern=DIVISION_CODE)
    note: str
    found_on: date


@event("zhengdun.screening.county_list.filed.v1")
class CountyListFiled(_Frozen):
    """A county filed its active list with the city (备案): an immutable, hashed snapshot."""

    campaign_id: str
    county_code: str = Field(pattern=DIVISION_CODE)
    filing_date: date
    filed_on: date
    late: bool
    entries: int = Field(ge=0)
    content_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    hash_algorithm: str = "sha256-canonical-json-v1"


@event("zhengdun.screening.cadre_secretary.recorded.v1")
class CadreSecretaryRecorded(_Frozen):
    """The register of organizations and cadres (村党组织和“两委”干部名册) has a new current secretary, or a new phone
    for them: a new revision of the village's entry (``revision``). Internal only, never public: it carries a personal
    phone number, for seed 001's summary table (reporting) and for naming a secretary in a pairing (casework)."""

    village_code: str = Field(pattern=DIVISION_CODE)
    township_code: str = Field(pattern=DIVISION_CODE)
    county_code: str = Field(pattern=DIVISION_CODE)
    revision: int = Field(ge=1)
    secretary_name: str = Field(min_length=1)
    secretary_phone: str = Field(min_length=1)
    recorded_on: date
