"""What the screening service answers: one model per response, so /openapi.json says it exactly."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from screening.domain.consistency import FlagKind
from screening.domain.county_review import CountyListStatus
from screening.domain.township import CarryOverReason, TownshipRoundStatus
from zhengdun.events import screening as ev
from zhengdun.attachments import AttachmentRef
from zhengdun.responses import Out
from zhengdun.roles import Level


class ImportResult(BaseModel):
    """What a division import did: rows read, and how many were new, changed or unchanged."""
    rows: int
    created: int
    updated: int
    unchanged: int


class PolicyVersionOut(Out):
    version: int
    effective_on: date
    reason: str


class CampaignOut(Out):
    campaign_id: str
    name: str
    area_code: str
    opened_on: date
    level: Level = Field(description="开展整顿工作的层级（省、市、县、乡镇）")
    level_label: str
    organization_kinds: list[str] | None = Field(
        description="整顿对象类型（行政村、社区、非公企业、社会组织）；null：全部村（社区），不含非公企业和社会组织，"
                    "比例以行政村总数为基数（种子文件000）")
    phases: list[ev.PhaseWindow]
    criteria: list[ev.Criterion]
    criteria_version: int = Field(description="现行认定标准目录的版本（每次修订目录加一）")
    lagging_rule: ev.LaggingRule | str = Field(description="后进村倒排规则（结构化规则，或文字说明）")
    lagging_rule_text: str = Field(description="倒排规则的中文说明")
    carries_over_from: str | None = None
    policy_version: int
    policy: ev.Policy
    policy_history: list[PolicyVersionOut]


class AssessmentsRecordedOut(Out):
    recorded: int
    assessed_in_round: int
    by_result: dict[str, int]


class MeetingOut(Out):
    held_on: date
    attendees: list[str]
    minutes: str
    attachments: list[str] = Field(default_factory=list, description="会议纪要原件、照片（佐证材料编号）")


class MeetingRecordedOut(Out):
    meeting: MeetingOut


class NoticeOut(Out):
    starts_on: date
    ends_on: date
    photos: list[str] = Field(default_factory=list, description="公示照片（佐证材料编号）")


class NoticeRecordedOut(Out):
    notice: NoticeOut


class ObjectionOut(Out):
    objection_id: str
    raised_on: date
    content: str
    answer: str
    answered_on: date | None


class ObjectionAnswerOut(Out):
    objection_id: str
    answer: str
    answered_on: date


class CarryOverOut(Out):
    village_code: str
    reason: CarryOverReason
    label: str


class SuggestedFindingOut(Out):
    village_code: str
    criterion_code: str
    criterion_label: str
    reason: str = Field(description="提示理由（来自村党组织和“两委”干部名册）")


class TownshipRoundOut(Out):
    township_code: str
    status: TownshipRoundStatus
    status_label: str
    villages: int
    assessed: int
    missing_village_codes: list[str]
    weak_and_lax: list[ev.ListedVillage]
    lagging: list[ev.ListedVillage]
    carry_over: list[CarryOverOut]
    meeting: MeetingOut | None = Field(None, description="乡镇党委会议（未记录时为空）")
    notice: NoticeOut | None = Field(None, description="公示期（未记录时为空）")
    objections: list[ObjectionOut] = Field(default_factory=list, description="公示期间的异议及答复")
    evidence: dict[str, list[str]] = Field(default_factory=dict,
                                           description="各村研判依据所附的佐证材料编号（村代码 → 编号；无材料的村不列）")
    files: dict[str, AttachmentRef] = Field(default_factory=dict,
                                            description="本页所列佐证材料的文件名、大小与 SHA-256（编号 → 文件）")
    suggested_findings: list[SuggestedFindingOut] = Field(
        default_factory=list, description="名册提示：换届逾期的村，建议对照认定标准第1条（未按期完成村“两委”换届选举）")


class RoundOut(Out):
    round_id: str
    began_at: datetime = Field(description="本轮第一条记录的时间")
    units: int = Field(description="辖区内有本轮记录的单位数（乡镇、县）")


class ShareOut(Out):
    division_code: str
    listed: int
    administrative_villages: int
    minimum_share: str
    required: int
    share: str
    meets_minimum: bool
    lagging: int = Field(description="其中后进村数 (of listed, the lagging villages)")
    lagging_share: str = Field(description="后进村占行政村比例 (lagging / administrative villages, 4 places)")
    lagging_reference_share: str = Field(description="后进村参考比例，约5%（种子文件001：掌握在5%左右，参考而非下限）")


class CountyEntryOut(Out):
    village_code: str
    category: ev.ListCategory
    criteria_met: list[str]
    added_by_county: bool


class ConsistencyFlagOut(Out):
    kind: FlagKind
    label: str
    division_code: str
    village_codes: list[str]
    detail: str


class CountyListOut(Out):
    county_code: str
    status: CountyListStatus
    status_label: str
    townships: dict[str, Literal["submitted", "missing"]]
    entries: list[CountyEntryOut]
    share: ShareOut
    below_minimum: bool
    city_share: ShareOut
    samples: list[ev.SampleDrawn]
    city_samples: list[ev.SampleDrawn] = Field(default_factory=list, description="市级抽查的样本（最近一次抽取：名单内、未列入）")
    checks: list[ev.SpotCheckRecorded]
    city_checks: list[ev.SpotCheckRecorded] = Field(default_factory=list, description="市级抽查认定的结果")
    confirmation: ev.CountyListConfirmed | None
    consistency_flags: list[ConsistencyFlagOut]
    files: dict[str, AttachmentRef] = Field(default_factory=dict,
                                            description="实地走访核查所附佐证材料的文件名、大小与 SHA-256（编号 → 文件）")


class SamplesOut(Out):
    samples: list[ev.SampleDrawn]


class SiteVisitsOut(Out):
    check: ev.SpotCheckRecorded
    falsifications: list[ev.FalsificationFound]


class ConfirmationOut(Out):
    confirmed: ev.CountyListConfirmed
    designated: int
    removed: int
    share: ShareOut


class CitySampleOut(Out):
    """The listed sample's own fields at the top (its first shape), both samples beside them."""
    campaign_id: str
    round_id: str
    purpose: ev.SamplePurpose
    division_code: str
    algorithm: str
    seed: str
    ratio: Decimal | None = None
    size: int | None = None
    population: list[str]
    chosen: list[str]
    drawn_on: date
    commitment: str | None = None
    secret: str | None = None
    label: str | None = None
    attempt: int = 1
    redraw_reason: str | None = None
    listed: ev.SampleDrawn
    unlisted: ev.SampleDrawn
    samples: list[ev.SampleDrawn]


class CityFindingsOut(Out):
    check: ev.SpotCheckRecorded
    falsifications: list[ev.FalsificationFound]
    designated: list[ev.TargetDesignated]


class SharesOut(Out):
    campaign_id: str
    division: ShareOut
    counties: list[ShareOut]


class TargetOut(Out):
    village_code: str
    category: ev.ListCategory
    criteria_met: list[str]
    basis: ev.DesignationBasis
    designated_on: date
    decision_number: str | None


class FilingEntryOut(Out):
    village_code: str
    township_code: str
    category: ev.ListCategory
    criteria_met: list[str]
    designated_on: date
    decision_number: str | None


class FilingContentOut(Out):
    """The filed snapshot exactly as hashed."""
    campaign_id: str
    county_code: str
    filing_date: date
    filed_on: date
    policy_version: int
    entries: list[FilingEntryOut]


class FiledOut(Out):
    campaign_id: str
    county_code: str
    filing_date: date
    filed_on: date
    late: bool
    entries: int
    content_hash: str
    hash_algorithm: str
    content: FilingContentOut


class FilingOut(Out):
    filing_date: date
    filed_on: date
    content_hash: str
    hash_algorithm: str
    verified: bool
    content: FilingContentOut


class LaggingRuleOut(Out):
    rule: ev.LaggingRule | None = Field(description="适用的结构化倒排规则；整顿工作只有文字说明时为空")
    rule_text: str = Field(description="规则的中文说明")
    set_by_code: str | None = Field(description="确定规则的县或乡镇；为空表示整顿工作的统一规则")
    source_label: str = Field(description="规则来源：乡镇确定、县确定或整顿工作统一规则")


class UserOut(BaseModel):  # not Out: the directory's accounts carry more than this shows
    id: str
    username: str
    family_name: str
    given_name: str
    enabled: bool
    unit: str | None
    roles: list[str] | None = Field(None, description="角色：职能角色及随单位的层级角色")


class BulkUserOut(UserOut):
    row: int = Field(description="名单中的行号（从1开始）")
    outcome: Literal["created", "existing"] = Field(description="created 新建；existing 已有同名同单位同角色的账号（重复提交）")


class BulkUsersOut(BaseModel):
    created: int
    existing: int
    items: list[BulkUserOut]


# ------------------------------------------------------------------------------- the register of organizations and cadres


class CadreImportResult(Out):
    """What a register import did: rows read, villages in the file, villages given a new revision, unchanged."""
    rows: int
    villages: int
    revised: int
    unchanged: int


class CadreOut(Out):
    name: str | None = Field(description="姓名（班子成员姓名仅对有权查看个人信息者显示）")
    post: str
    phone: str | None = Field(description="联系电话（仅对有权查看个人信息者显示）")


class CadreEntryOut(Out):
    village_code: str
    village_name: str | None
    organization_name: str | None
    revision: int = Field(description="修订号：每次导入或修改产生新修订，历史保留")
    secretary: CadreOut
    members: list[CadreOut]
    last_election_on: date
    election_due_on: date = Field(description="按每届任期 5 年应完成下次换届的日期")
    election_overdue: bool
    election_overdue_reason: str | None = Field(description="换届逾期的说明；建议对照认定标准第1条")
    star_rating: int | None = Field(description="星级 1–5；未评定为空")
    star_label: str
    personal_data_shown: bool = Field(description="是否显示了联系电话和班子成员姓名")
    source: Literal["import", "edit"]
    source_label: str
    reason: str | None
    recorded_on: date
    recorded_by: str


class CadreEntrySavedOut(Out):
    entry: CadreEntryOut
    changed: bool = Field(description="内容有变化（产生了新修订）；与当前内容相同时不产生新修订")
