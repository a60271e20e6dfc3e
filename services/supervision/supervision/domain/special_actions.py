"""A township's special actions (专项行动, seed 004) and the organization-life cadences of its branches.

Seed 004 (图河镇六大专项行动实施方案) runs a year of work through a task-decomposition table (附件1: action,
item, content, requirement, time node, responsible person), 2–4 pilot villages per action (三(二) 每项行动选树2-4个
试点样板), and the cadences of organization life (二(三)1 三会一课, 固定学习日, 年底组织生活会、民主评议) recorded
meeting by meeting (二(三)3 每会必记). Plain Python: what a table, a progress record and a meeting must hold, which
periods a branch owes which meeting in, and which obligations stand unmet on a day.

Days count as the other rules count them: a thing due on D is on time on D and late on D+1, so a period is judged
from the day after its last day.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from supervision.domain.rules import ROLE_TOWNSHIP_COMMITTEE, Breach, Rule
from zhengdun.divisions import is_within, level_of, township_of
from zhengdun.events.supervision import Severity
from zhengdun.periods import add_months, period_from
from zhengdun.refusals import OutOfOrder, RuleViolation
from zhengdun.roles import Level

# 三(二): 每项行动选树2-4个试点样板.
PILOTS_MIN, PILOTS_MAX = 2, 4
NOT_VILLAGES = {"非公企业", "社会组织"}     # registry kinds with a village-shaped code that are not villages


# ---------------------------------------------------------------------------------------
# The task-decomposition table (附件1)
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemDraft:
    project: str
    requirement: str
    due_on: date
    responsible_name: str


def check_special_action(township_code: str, name: str, starts_on: date, ends_on: date, pilot_villages: list[str],
                         items: list[ItemDraft], pilot_kinds: Mapping[str, str | None] | None = None) -> None:
    """A township's action: named, over a time span, with 2–4 pilot villages of its own and at least one item, each
    item with its requirement, a time node inside or before the span's end, and a responsible person.
    ``pilot_kinds`` is the registry's kind of each pilot: an enterprise or social organization has a code of a
    village's shape, but the seed's 试点样板 are villages (村) and communities."""
    if level_of(township_code) is not Level.TOWNSHIP:
        raise RuleViolation("not-a-township", f"{township_code} 不是乡镇：专项行动由乡镇党委组织开展 "
                            "(special actions are run by a township)", field="township_code")
    if not name.strip():
        raise RuleViolation("name-required", "须写明专项行动名称 (name required)", field="name")
    if ends_on < starts_on:
        raise RuleViolation("ends-before-start", "结束日期早于开始日期 (ends before it starts)", field="ends_on")
    if len(set(pilot_villages)) != len(pilot_villages):
        raise RuleViolation("duplicate-pilot", "试点样板村重复 (a pilot village is named twice)", field="pilot_villages")
    outside = [v for v in pilot_villages if level_of(v) is not Level.VILLAGE or not is_within(v, township_code)]
    if outside:
        raise RuleViolation("pilot-outside-township", f"以下试点样板村不在本乡镇：{', '.join(outside)} "
                            "(pilot villages outside the township)", field="pilot_villages")
    organizations = [v for v in pilot_villages if (pilot_kinds or {}).get(v) in NOT_VILLAGES]
    if organizations:
        raise RuleViolation("pilot-not-a-village", f"试点样板须为村或社区，以下是企业或社会组织：{', '.join(organizations)} "
                            "(pilots are villages or communities)", field="pilot_villages")
    if not PILOTS_MIN <= len(pilot_villages) <= PILOTS_MAX:
        raise RuleViolation("pilot-count", f"每项行动选树{PILOTS_MIN}-{PILOTS_MAX}个试点样板，现为{len(pilot_villages)}个 "
                            f"(an action has {PILOTS_MIN} to {PILOTS_MAX} pilot villages)", field="pilot_villages")
    if not items:
        raise RuleViolation("items-required", "任务分解表至少须有一项任务 (at least one item)", field="items")
    for index, item in enumerate(items):
        where = f"items.{index}"
        if not item.project.strip() or not item.requirement.strip():
            raise RuleViolation("item-incomplete", f"第{index + 1}项须写明项目和要求 (project and requirement required)",
                                field=where)
        if not item.responsible_name.strip():
            raise RuleViolation("responsible-required", f"第{index + 1}项须明确责任人 (responsible person required)",
                                field=f"{where}.responsible_name")
        if item.due_on > ends_on:
            raise RuleViolation("due-after-end", f"第{index + 1}项的时间节点 {item.due_on} 晚于行动结束日期 {ends_on} "
                                "(time node after the action's end)", field=f"{where}.due_on")


def check_progress(township_code: str, text: str, evidence: str, done: bool, village_code: str | None,
                   already_done_on: date | None, files: int = 0) -> None:
    """Progress is recorded with what was done; an item is done only with evidence (佐证: a description of it, or
    ``files`` uploaded), and only once."""
    if not text.strip():
        raise RuleViolation("text-required", "须写明推进情况 (progress text required)", field="text")
    if done and not evidence.strip() and not files:
        raise RuleViolation("evidence-required", "任务须有佐证材料（说明或文件）才能标记完成 (an item is done only with evidence)",
                            field="evidence")
    if done and already_done_on is not None:
        raise OutOfOrder("item-already-done", f"此项任务已于 {already_done_on} 完成 (item already done)")
    if village_code is not None and (level_of(village_code) is not Level.VILLAGE
                                     or not is_within(village_code, township_code)):
        raise RuleViolation("village-outside-township", f"{village_code} 不是本乡镇的村 (village outside the township)",
                            field="village_code")


def done_on(records: list[tuple[date, bool]]) -> date | None:
    """The day an item was done: its first progress record marked done (records are append-only)."""
    return min((day for day, done in records if done), default=None)


@dataclass(frozen=True)
class Item:
    item_id: str
    action_id: str
    township_code: str
    project: str
    due_on: date
    responsible_name: str
    responsible_user_id: str | None
    done_on: date | None


def item_overdue(item: Item, today: date) -> Breach | None:
    """A task-table item not done (with evidence) by its time node: due on D, overdue from D+1 until done."""
    if item.done_on is not None or today <= item.due_on:
        return None
    return Breach(key=f"{Rule.SPECIAL_ACTION_ITEM_OVERDUE.value}:{item.action_id}:{item.item_id}",
                  rule=Rule.SPECIAL_ACTION_ITEM_OVERDUE, subject_code=item.township_code,
                  subject_role=ROLE_TOWNSHIP_COMMITTEE, scope_code=item.township_code, severity=Severity.MEDIUM,
                  facts=(item.item_id,), due_on=item.due_on, subject_person=item.responsible_name,
                  subject_user_id=item.responsible_user_id)


# ---------------------------------------------------------------------------------------
# Organization life (组织生活, seed 004 二(三)1 and 附件1 三)
# ---------------------------------------------------------------------------------------

class Cycle(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"        # January–June, July–December (流动党员每半年联系汇报)
    YEAR = "year"
    YEAR_END = "year_end"          # December of every year (每年年底召开1次)
    FIXED_DAYS = "fixed_days"      # given days of every month (固定学习日: 10日、20日)

    @property
    def months(self) -> int:
        return {"month": 1, "quarter": 3, "half_year": 6, "year": 12}[self.value]

    @property
    def label(self) -> str:
        return {"month": "每月", "quarter": "每季度", "half_year": "每半年", "year": "每年", "year_end": "每年12月",
                "fixed_days": "每月固定日"}[self.value]


@dataclass(frozen=True)
class Cadence:
    cycle: Cycle
    minimum: int = 1
    days: tuple[int, ...] = ()     # FIXED_DAYS only


class MeetingKind(StrEnum):
    PARTY_CONGRESS = "party_congress"
    BRANCH_COMMITTEE = "branch_committee"
    PARTY_GROUP = "party_group"
    PARTY_LECTURE = "party_lecture"
    STUDY_DAY = "study_day"
    LIFE_MEETING = "life_meeting"
    DEMOCRATIC_REVIEW = "democratic_review"
    MOBILE_MEMBER_REPORT = "mobile_member_report"      # 流动党员向党支部联系汇报
    MOBILE_MEMBER_FILING = "mobile_member_filing"      # 流动党员“双联”情况梳理归档

    @property
    def label(self) -> str:
        return MEETING_LABELS[self]

    @property
    def cadence(self) -> Cadence:
        return CADENCES[self]


MEETING_LABELS = {
    MeetingKind.PARTY_CONGRESS: "党员大会",
    MeetingKind.BRANCH_COMMITTEE: "支部委员会",
    MeetingKind.PARTY_GROUP: "党小组会",
    MeetingKind.PARTY_LECTURE: "党课",
    MeetingKind.STUDY_DAY: "固定学习日",
    MeetingKind.LIFE_MEETING: "组织生活会",
    MeetingKind.DEMOCRATIC_REVIEW: "民主评议党员大会",
    MeetingKind.MOBILE_MEMBER_REPORT: "流动党员联系汇报",
    MeetingKind.MOBILE_MEMBER_FILING: "流动党员“双联”情况归档",
}

# Seed 004 二(三)1: 党员大会每季度至少1次, 支部委员会、党小组会每月至少1次, 党课每季度至少1次, 每月10日、20日固定学习日,
# 每年年底组织生活会、民主评议党员大会各1次 (held in December: 年底). 二(三)2 and 附件1 三2: 流动党员每半年向组织关系所在
# 党支部联系汇报一次 (recorded by the branch, its members present as attendees), 每季度梳理归档一次流动党员“双联”情况
# (每年3、6、9、12月底: the branch's record of it, filed by the quarter's end).
CADENCES: dict[MeetingKind, Cadence] = {
    MeetingKind.PARTY_CONGRESS: Cadence(Cycle.QUARTER),
    MeetingKind.BRANCH_COMMITTEE: Cadence(Cycle.MONTH),
    MeetingKind.PARTY_GROUP: Cadence(Cycle.MONTH),
    MeetingKind.PARTY_LECTURE: Cadence(Cycle.QUARTER),
    MeetingKind.STUDY_DAY: Cadence(Cycle.FIXED_DAYS, days=(10, 20)),
    MeetingKind.LIFE_MEETING: Cadence(Cycle.YEAR_END),
    MeetingKind.DEMOCRATIC_REVIEW: Cadence(Cycle.YEAR_END),
    MeetingKind.MOBILE_MEMBER_REPORT: Cadence(Cycle.HALF_YEAR),
    MeetingKind.MOBILE_MEMBER_FILING: Cadence(Cycle.QUARTER),
}


def check_meeting(kind: MeetingKind, branch_code: str, held_on: date, attendees: list[str], minutes: str) -> None:
    """每会必记: a village branch's meeting has its attendees and its minutes; a fixed study day is held on its day."""
    if level_of(branch_code) is not Level.VILLAGE:
        raise RuleViolation("not-a-branch", f"{branch_code} 不是村党组织（村） (not a village branch)", field="branch_code")
    if not [a for a in attendees if a.strip()]:
        raise RuleViolation("attendees-required", "须写明参会人员 (attendees required)", field="attendees")
    if not minutes.strip():
        raise RuleViolation("minutes-required", "每会必记：须填写会议记录 (minutes required)", field="minutes")
    days = kind.cadence.days
    if days and held_on.day not in days:
        raise RuleViolation("not-a-fixed-day", f"{kind.label}为每月{'、'.join(f'{d}日' for d in days)}，"
                            f"{held_on} 不是 (not a fixed day of the month)", field="held_on")


def check_branches(township_code: str, branch_codes: list[str]) -> None:
    """The branches named are distinct village Party organizations of the township."""
    if not branch_codes or len(set(branch_codes)) != len(branch_codes):
        raise RuleViolation("branches-required", "须列明各村党组织，且不重复 (distinct branches required)",
                            field="branch_codes")
    outside = [b for b in branch_codes if level_of(b) is not Level.VILLAGE or not is_within(b, township_code)]
    if outside:
        raise RuleViolation("branch-outside-township", f"以下村党组织不在本乡镇：{', '.join(outside)} "
                            "(branches outside the township)", field="branch_codes")


def check_schedule(township_code: str, branch_codes: list[str], starts_on: date, ends_on: date | None,
                   overlapping: set[str]) -> None:
    """A township follows the organization life of its own village branches over a span; a branch is followed by one
    schedule at a time (else each missed meeting would raise two alerts)."""
    if level_of(township_code) is not Level.TOWNSHIP:
        raise RuleViolation("not-a-township", f"{township_code} 不是乡镇 (not a township)", field="township_code")
    check_branches(township_code, branch_codes)
    if ends_on is not None and ends_on < starts_on:
        raise RuleViolation("ends-before-start", "结束日期早于开始日期 (ends before it starts)", field="ends_on")
    if overlapping:
        raise OutOfOrder("branch-already-scheduled", f"以下村党组织在此期间已纳入组织生活计划：{', '.join(sorted(overlapping))} "
                         "(branches already followed in this span)")


def spans_overlap(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    return (a_end is None or b_start <= a_end) and (b_end is None or a_start <= b_end)


def periods(cadence: Cadence, starts_on: date, ends_on: date | None, today: date) -> list[tuple[date, date]]:
    """The periods a branch owes the meeting in that have ended by ``today`` (last day < today): the whole calendar
    periods (months, quarters and half-years from January, years, each year's December) that begin on or after
    ``starts_on`` and end by ``ends_on``; for fixed days, each fixed day from ``starts_on`` to ``ends_on`` (a period of
    one day)."""
    found: list[tuple[date, date]] = []
    month = starts_on.replace(day=1)
    if cadence.cycle is Cycle.FIXED_DAYS:
        while month < today:
            for day in cadence.days:
                fixed = month.replace(day=day)
                if starts_on <= fixed < today and (ends_on is None or fixed <= ends_on):
                    found.append((fixed, fixed))
            month = add_months(month, 1)
        return found
    if cadence.cycle is Cycle.YEAR_END:
        spans = [(date(year, 12, 1), date(year, 12, 31)) for year in range(starts_on.year, today.year + 1)]
    else:
        size = cadence.cycle.months
        # Calendar periods: months, quarters and half-years from January (1–3, 4–6…; 1–6, 7–12), years.
        start, spans = add_months(month, -((month.month - 1) % size)), []
        while start < today:
            spans.append(period_from(start, size))
            start = add_months(start, size)
    return [(first, end) for first, end in spans
            if first >= starts_on and end < today and (ends_on is None or end <= ends_on)]


@dataclass(frozen=True)
class Schedule:
    schedule_id: str
    township_code: str
    branch_codes: tuple[str, ...]
    kinds: tuple[MeetingKind, ...]
    starts_on: date
    ends_on: date | None


@dataclass(frozen=True)
class Meeting:
    meeting_id: str
    branch_code: str
    kind: MeetingKind
    held_on: date


@dataclass(frozen=True)
class Obligation:
    """One meeting kind a branch owes in one ended period, and the meetings held in it."""
    branch_code: str
    kind: MeetingKind
    starts_on: date
    ends_on: date
    held: tuple[str, ...]          # meeting ids

    @property
    def met(self) -> bool:
        return len(self.held) >= self.kind.cadence.minimum


def obligations(schedule: Schedule, meetings: list[Meeting], today: date) -> list[Obligation]:
    """Every (branch, kind, ended period) of the schedule with the meetings held in it."""
    found = []
    for branch in schedule.branch_codes:
        for kind in schedule.kinds:
            held = [m for m in meetings if m.branch_code == branch and m.kind is kind]
            for first, last in periods(kind.cadence, schedule.starts_on, schedule.ends_on, today):
                found.append(Obligation(branch, kind, first, last,
                                        tuple(m.meeting_id for m in held if first <= m.held_on <= last)))
    return found


def org_life_missing(schedule: Schedule, meetings: list[Meeting], today: date) -> list[Breach]:
    """For each branch and meeting kind, each ended period with fewer meetings recorded than the cadence asks: the
    township Party committee answers for it (it follows its branches' organization life, 二(三)3 按季检查)."""
    return [Breach(key=f"{Rule.ORG_LIFE_MISSING.value}:{schedule.schedule_id}:{o.branch_code}:{o.kind.value}:"
                       f"{o.starts_on.isoformat()}",
                   rule=Rule.ORG_LIFE_MISSING, subject_code=township_of(o.branch_code),
                   subject_role=ROLE_TOWNSHIP_COMMITTEE, scope_code=o.branch_code,
                   severity=Severity.LOW if o.kind is MeetingKind.STUDY_DAY else Severity.MEDIUM,
                   facts=(schedule.schedule_id,), due_on=o.ends_on, village_code=o.branch_code)
            for o in obligations(schedule, meetings, today) if not o.met]


# ---------------------------------------------------------------------------------------
# The supervision plan (附件2 督导方案)
# ---------------------------------------------------------------------------------------

class SupervisionMode(StrEnum):
    MEETING = "meeting"
    MONTHLY = "monthly"
    UNSCHEDULED = "unscheduled"
    TRACKING = "tracking"
    YEAR_END = "year_end"

    @property
    def label(self) -> str:
        return {"meeting": "会议督导", "monthly": "定期督导（每月25日至月底）", "unscheduled": "不定期督导",
                "tracking": "跟踪督导", "year_end": "年终督导"}[self.value]


class Rating(StrEnum):
    GOOD = "good"
    FAIR = "fair"
    ADEQUATE = "adequate"
    POOR = "poor"

    @property
    def label(self) -> str:
        return {"good": "好", "fair": "较好", "adequate": "一般", "poor": "差"}[self.value]


# 附件2 五2: 督导时间为每月25日至月底.
MONTHLY_FROM_DAY = 25


def check_supervision(mode: SupervisionMode, township_code: str, held_on: date, branch_codes: list[str],
                      rated_branches: list[str], inspectors: list[str], item_named: bool,
                      item_done_on: date | None) -> None:
    """One supervision by the township's group over some of its branches (附件2 四 督导对象: 各村党总支), in one of the
    plan's five modes, with a result per branch that feeds the secretaries' annual appraisal (附件2 六)."""
    check_branches(township_code, branch_codes)
    unknown = [b for b in rated_branches if b not in branch_codes]
    if unknown or len(set(rated_branches)) != len(rated_branches):
        raise RuleViolation("result-of-unsupervised-branch", f"督导结果须针对本次督导的村党组织，且每村一条：{', '.join(unknown)} "
                            "(one result per supervised branch)", field="results")
    if not [i for i in inspectors if i.strip()]:
        raise RuleViolation("inspectors-required", "须写明督导人员 (inspectors required)", field="inspectors")
    if mode is SupervisionMode.MONTHLY and held_on.day < MONTHLY_FROM_DAY:
        raise RuleViolation("outside-monthly-window", f"定期督导时间为每月{MONTHLY_FROM_DAY}日至月底，{held_on} 不在其中 "
                            "(monthly supervision runs from the 25th to the month's end)", field="held_on")
    if mode is SupervisionMode.YEAR_END and held_on.month != 12:
        raise RuleViolation("not-year-end", f"年终督导结合年终党建考核于12月开展，{held_on} 不是 (year-end supervision is "
                            "held in December)", field="held_on")
    if mode is SupervisionMode.TRACKING:
        if not item_named:
            raise RuleViolation("item-required", "跟踪督导须指明所跟踪的任务 (tracking names its item)", field="item_id")
        if item_done_on is not None and item_done_on < held_on:
            raise OutOfOrder("tracking-after-done", f"该任务已于 {item_done_on} 完成，跟踪督导至任务完成为止 "
                             "(tracking ends when the item is done)")

