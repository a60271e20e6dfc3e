"""The campaign's own dated records (seed 000 §三(二)1–3): what the county standing committee (四统一), the county
organization department (五统一) and the township Party committee (五到位) did, each with its date, unit,
attendees or participants and content, so the documentary journal shows the organizing work, not only the cases.
Plain Python: which body records which kind, at which level, and what a record must hold."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from zhengdun.divisions import is_within, level_of
from zhengdun.refusals import NotPermitted, RuleViolation
from zhengdun.roles import Level, Role


class RecordGroup(StrEnum):
    FOUR_UNIFIED = "four_unified"     # 四统一: 县委常委会
    FIVE_UNIFIED = "five_unified"     # 五统一: 县委组织部
    FIVE_IN_PLACE = "five_in_place"   # 五到位: 乡镇党委

    @property
    def label(self) -> str:
        return {"four_unified": "四统一", "five_unified": "五统一", "five_in_place": "五到位"}[self.value]


@dataclass(frozen=True)
class KindSpec:
    group: RecordGroup
    label: str
    level: Level
    roles: frozenset[str]


_COMMITTEE = frozenset({Role.STANDING_COMMITTEE.value})
_COUNTY_ORG = frozenset({Role.ORG_STAFF.value})
_TOWNSHIP = frozenset({Role.TOWNSHIP_COMMITTEE.value, Role.ORG_STAFF.value})


class CampaignRecordKind(StrEnum):
    # 四统一 (seed 000 §三(二)1): the standing committee analyses each village and sets the work opinion.
    COUNTY_ANALYSIS = "county_analysis"
    UNIFIED_DISPATCH = "unified_dispatch"
    UNIFIED_CONTACT_LEADERS = "unified_contact_leaders"
    UNIFIED_DEPLOYMENT = "unified_deployment"
    UNIFIED_COMMON_PROBLEMS = "unified_common_problems"
    # 五统一 (seed 000 §三(二)2): the county organization department carries the opinion out.
    UNIFIED_LISTS = "unified_lists"
    UNIFIED_LEDGER = "unified_ledger"
    UNIFIED_TRAINING = "unified_training"
    UNIFIED_COMMAND = "unified_command"
    UNIFIED_FOLLOW_UP = "unified_follow_up"
    # 五到位 (seed 000 §三(二)3): the township puts the teams in place and follows each village.
    TEAMS_IN_PLACE = "teams_in_place"
    TEAM_GUIDANCE = "team_guidance"
    MEASURES_STUDIED = "measures_studied"
    WHOLE_COURSE_TRACKING = "whole_course_tracking"
    PROBLEMS_RESOLVED = "problems_resolved"

    @property
    def spec(self) -> KindSpec:
        return KINDS[self]

    @property
    def label(self) -> str:
        return KINDS[self].label


_F, _V, _P = RecordGroup.FOUR_UNIFIED, RecordGroup.FIVE_UNIFIED, RecordGroup.FIVE_IN_PLACE
KINDS: dict[CampaignRecordKind, KindSpec] = {
    CampaignRecordKind.COUNTY_ANALYSIS: KindSpec(_F, "逐村剖析、制定整顿工作意见", Level.COUNTY, _COMMITTEE),
    CampaignRecordKind.UNIFIED_DISPATCH: KindSpec(_F, "统一调度选派整顿工作力量", Level.COUNTY, _COMMITTEE),
    CampaignRecordKind.UNIFIED_CONTACT_LEADERS: KindSpec(_F, "统一明确县级领导干部联系分包", Level.COUNTY, _COMMITTEE),
    CampaignRecordKind.UNIFIED_DEPLOYMENT: KindSpec(_F, "统一动员部署", Level.COUNTY, _COMMITTEE),
    CampaignRecordKind.UNIFIED_COMMON_PROBLEMS: KindSpec(_F, "统一推动解决共性问题和复杂棘手问题", Level.COUNTY, _COMMITTEE),
    CampaignRecordKind.UNIFIED_LISTS: KindSpec(_V, "统一制定问题清单、任务清单、责任清单", Level.COUNTY, _COUNTY_ORG),
    CampaignRecordKind.UNIFIED_LEDGER: KindSpec(_V, "统一建立整顿工作台账", Level.COUNTY, _COUNTY_ORG),
    CampaignRecordKind.UNIFIED_TRAINING: KindSpec(_V, "统一开展培训", Level.COUNTY, _COUNTY_ORG),
    CampaignRecordKind.UNIFIED_COMMAND: KindSpec(_V, "统一协调指挥", Level.COUNTY, _COUNTY_ORG),
    CampaignRecordKind.UNIFIED_FOLLOW_UP: KindSpec(_V, "统一跟进督导", Level.COUNTY, _COUNTY_ORG),
    CampaignRecordKind.TEAMS_IN_PLACE: KindSpec(_P, "整顿工作队全部派驻到位", Level.TOWNSHIP, _TOWNSHIP),
    CampaignRecordKind.TEAM_GUIDANCE: KindSpec(_P, "对整顿工作队领导指导服务到位", Level.TOWNSHIP, _TOWNSHIP),
    CampaignRecordKind.MEASURES_STUDIED: KindSpec(_P, "与整顿工作队一起将整顿思路举措研究到位", Level.TOWNSHIP, _TOWNSHIP),
    CampaignRecordKind.WHOLE_COURSE_TRACKING: KindSpec(_P, "对每个村整顿工作情况全程跟踪到位", Level.TOWNSHIP, _TOWNSHIP),
    CampaignRecordKind.PROBLEMS_RESOLVED: KindSpec(_P, "对整顿工作中遇到的问题及时研究解决到位", Level.TOWNSHIP, _TOWNSHIP),
}


def check_campaign_record(kind: CampaignRecordKind, unit_code: str, caller_roles: frozenset[str] | set[str],
                          attendees: list[str], content: str, village_codes: list[str]) -> None:
    """A record is made by its body (standing committee, county organization department, township Party committee)
    for its own unit at that body's level, names who attended or took part, says what was done, and any village
    it concerns lies in the unit (the per-village analysis names the villages analysed)."""
    spec = kind.spec
    if not set(caller_roles) & spec.roles:
        raise NotPermitted("wrong-body", f"“{spec.group.label}·{spec.label}”由"
                        f"{'县委常委会' if spec.roles == _COMMITTEE else '县委组织部' if spec.roles == _COUNTY_ORG else '乡镇党委'}记录")
    if level_of(unit_code) is not spec.level:
        raise RuleViolation("wrong-level", f"“{spec.label}”是{'县' if spec.level is Level.COUNTY else '乡镇'}级的记录，"
                            f"{unit_code} 不是{'县' if spec.level is Level.COUNTY else '乡镇'} (record at the wrong level)", field="unit_code")
    if not [a for a in attendees if a.strip()]:
        raise RuleViolation("attendees-required", "须写明参加人员 (attendees or participants required)", field="attendees")
    if not content.strip():
        raise RuleViolation("content-required", "须写明研究、部署或落实的内容 (content required)", field="content")
    outside = [v for v in village_codes if level_of(v) is not Level.VILLAGE or not is_within(v, unit_code)]
    if outside:
        raise RuleViolation("village-outside-unit", f"以下村不在 {unit_code}：{', '.join(outside)} (villages outside the unit)", field="village_codes")
    if kind is CampaignRecordKind.COUNTY_ANALYSIS and not village_codes:
        raise RuleViolation("villages-required", "逐村剖析须列明剖析的村 (village_codes required)", field="village_codes")
