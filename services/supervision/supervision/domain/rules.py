"""The supervision rules: plain functions from a small read model (facts) and today to breaches.

Every rule answers "which breaches exist today?". The service compares that set with the open
alerts: a new breach raises an alert, an open alert whose breach is gone resolves. A breach's
``key`` is deterministic, so the same breach is never raised twice.

Days are counted inclusively at the due date: a thing due on D is on time on D and late on D+1.
The rules judge "as of today" from dated facts (a team stationed on a later date was not stationed
today), so an alert can be re-judged on the day after its due date: see ``raised_in_error``.
"""
from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from zhengdun.divisions import city_of, county_of, level_of, province_of, township_of
from zhengdun.events import acceptance as acc
from zhengdun.events import casework as cw
from zhengdun.events import screening as sc
from zhengdun.events.casework import CasePhase
from zhengdun.events.screening import ListCategory, Policy
from zhengdun.events.supervision import Severity
from zhengdun.periods import report_periods
from zhengdun.roles import Level


class Rule(StrEnum):
    TEAM_NOT_STATIONED = "team_not_stationed"
    VISITS_BELOW_MINIMUM = "visits_below_minimum"
    VISIT_WITHOUT_PROBLEM = "visit_without_problem"
    MEASURE_OVERDUE = "measure_overdue"
    MEASURE_NOT_UPDATED = "measure_not_updated"
    TOWNSHIP_LIST_MISSING = "township_list_missing"
    TOWNSHIP_LIST_LATE = "township_list_late"
    TOWNSHIP_LIST_INCOMPLETE = "township_list_incomplete"
    TOWNSHIP_UNFINISHED = "township_unfinished"
    SPOT_CHECK_RATIO = "spot_check_ratio"
    SCREENING_SAMPLE_RATIO = "screening_sample_ratio"
    POST_EVALUATION_OVERDUE = "post_evaluation_overdue"
    FALSIFICATION = "falsification"
    SUPERVISION_OVERDUE = "supervision_overdue"
    PROGRESS_REPORT_MISSING = "progress_report_missing"
    COUNTY_FILING_MISSING = "county_filing_missing"
    # A township's special actions (seed 004, domain/special_actions.py): judged on their own schedules, not a campaign's.
    SPECIAL_ACTION_ITEM_OVERDUE = "special_action_item_overdue"
    ORG_LIFE_MISSING = "org_life_missing"

    @property
    def label(self) -> str:
        return RULE_LABELS[self]


RULE_LABELS = {
    Rule.TEAM_NOT_STATIONED: "工作队未按期派驻到位",
    Rule.VISITS_BELOW_MINIMUM: "联系领导每月到村次数不足",
    Rule.VISIT_WITHOUT_PROBLEM: "联系领导到村未推动解决问题",
    Rule.MEASURE_OVERDUE: "整改措施逾期未完成",
    Rule.MEASURE_NOT_UPDATED: "整改措施当月未更新进度",
    Rule.TOWNSHIP_LIST_MISSING: "乡镇名单逾期未报送",
    Rule.TOWNSHIP_LIST_LATE: "乡镇名单逾期报送",
    Rule.TOWNSHIP_LIST_INCOMPLETE: "乡镇名单报送时有村未研判",
    Rule.TOWNSHIP_UNFINISHED: "集中整顿期末乡镇过半未完成（建议对乡镇党委书记诫勉谈话，报市委组织部备案）",
    Rule.SPOT_CHECK_RATIO: "验收抽查比例未达要求",
    Rule.SCREENING_SAMPLE_RATIO: "排查认定审核抽查比例未达要求",
    Rule.POST_EVALUATION_OVERDUE: "销号村后评估逾期未开展",
    Rule.FALSIFICATION: "排查认定中弄虚作假待问责",
    Rule.SUPERVISION_OVERDUE: "县委书记挂牌督办逾期未完成整顿",
    Rule.PROGRESS_REPORT_MISSING: "整顿进展未按期向县委组织部报送",
    Rule.COUNTY_FILING_MISSING: "县级名单逾期未向市委组织部备案",
    Rule.SPECIAL_ACTION_ITEM_OVERDUE: "专项行动任务逾期未完成",
    Rule.ORG_LIFE_MISSING: "村党组织未按规定开展组织生活（每会必记）",
}

# Who answers for a breach (the role at the subject unit).
ROLE_ORG = "org_staff"                    # 组织部门
ROLE_TOWNSHIP_COMMITTEE = "township_committee"   # 乡镇党委
ROLE_TOWNSHIP_SECRETARY = "township_secretary"   # 乡镇党委书记
ROLE_CONTACT_LEADER = "contact_leader"    # 县级联系领导
ROLE_WORK_TEAM = "work_team"              # 工作队 / 措施责任人

ACTIVE_PHASES = {CasePhase.CONCENTRATED, CasePhase.CONTINUED}
FINISHED_PHASES = {CasePhase.READY, CasePhase.ACCEPTED, CasePhase.DELISTED}


# ---------------------------------------------------------------------------------------
# The read model the rules see
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    campaign_id: str
    village_code: str
    township_code: str
    county_code: str
    designated_on: date
    designated_by: str                     # event id: county list decision or case opening
    phase: CasePhase = CasePhase.CONCENTRATED
    finished_on: date | None = None        # first day it reached ready/accepted/delisted (None: not)
    stationed_on: date | None = None
    leader_name: str | None = None
    leader_user_id: str | None = None
    leader_assigned_on: date | None = None
    leader_event: str | None = None
    # Periods it stood finished (ready/accepted/delisted) and, if reopened, until when (None: still).
    finished_periods: tuple[tuple[date, date | None], ...] = ()
    # 软弱涣散 or 后进, as designated; None while only casework's events have told of the case.
    category: ListCategory | None = ListCategory.WEAK_AND_LAX
    # 县委书记挂牌督办 (continued rectification): the deadline the secretary set, who, and the event.
    supervision_deadline: date | None = None
    supervisor_name: str | None = None
    supervision_event: str | None = None

    def finished_spans(self) -> tuple[tuple[date, date | None], ...]:
        if self.finished_periods:
            return self.finished_periods
        return ((self.finished_on, None),) if self.finished_on else ()

    def finished_during(self, start: date, end: date) -> bool:
        """Stood finished on some day of [start, end]."""
        return any(since <= end and (until is None or until > start) for since, until in self.finished_spans())

    def finished_at(self, day: date) -> bool:
        return self.finished_during(day, day)


@dataclass(frozen=True)
class Visit:
    visit_id: str
    village_code: str
    county_code: str
    visited_on: date
    problems_pushed: int
    leader_name: str
    leader_user_id: str | None
    event_id: str
    # Casework's 三必须 verdict; None for visits published before it was carried (counted, as they were then).
    counts_toward_minimum: bool | None = None

    @property
    def counts(self) -> bool:
        return self.counts_toward_minimum is not False


@dataclass(frozen=True)
class Measure:
    measure_id: str
    village_code: str
    title: str
    responsible: str
    deadline: date
    planned_on: date
    event_id: str
    completed_on: date | None = None
    updates: tuple[date, ...] = ()         # dates of progress records
    responsible_user_id: str | None = None  # the platform user, where the responsible person has an account


@dataclass(frozen=True)
class ProgressReport:
    village_code: str
    period_start: date
    filed_on: date
    event_id: str


@dataclass(frozen=True)
class TownshipList:
    township_code: str
    submitted_on: date
    due_on: date
    villages_assessed: int
    event_id: str


@dataclass(frozen=True)
class Township:
    code: str
    villages: int                          # the registry's organizations of the kinds the campaign screens


@dataclass(frozen=True)
class Acceptance:
    village_code: str
    county_code: str
    accepted_on: date
    event_id: str


@dataclass(frozen=True)
class Sample:
    county_code: str
    level: str                             # "city" | "province"
    chosen: tuple[str, ...]
    event_id: str


@dataclass(frozen=True)
class ScreeningSample:
    """A screening sample (county review of listed/unlisted villages, or city spot check)."""

    round_id: str
    purpose: str                           # zhengdun.events.screening.SamplePurpose value
    division_code: str                     # the unit whose villages were sampled
    population: tuple[str, ...]
    chosen: tuple[str, ...]
    event_id: str


@dataclass(frozen=True)
class Delisting:
    village_code: str
    county_code: str
    delisted_on: date
    post_evaluation_due: date
    event_id: str
    evaluated_on: date | None = None


@dataclass(frozen=True)
class Falsification:
    event_id: str
    village_code: str
    township_code: str
    county_code: str
    found_on: date
    note: str
    answered: bool = False                 # an accountability action cites it


@dataclass(frozen=True)
class CountyList:
    """A county whose list the standing committee confirmed (first decision), so it owes its filings."""

    county_code: str
    confirmed_on: date
    event_id: str


@dataclass(frozen=True)
class CountyFiling:
    county_code: str
    filing_date: date                      # the policy's filing date it answers
    filed_on: date
    event_id: str


@dataclass(frozen=True)
class Campaign:
    campaign_id: str
    area_code: str
    policy: Policy
    concentrated_ends_on: date | None = None
    policy_version: int = 1                # the version of ``policy`` (the one in force on the day judged)
    organization_kinds: tuple[str, ...] | None = None   # the kinds screened; None: villages and communities

    @property
    def has_city_steps(self) -> bool:
        """Filing with the city and the city's and province's spot checks belong to a campaign a city or a province
        runs; a county's or a township's own campaign (seeds 001, 004) has no level above it within the campaign."""
        return level_of(self.area_code) in (Level.PROVINCE, Level.CITY)


def version_in_force(versions: list[tuple[int, date]], day: date) -> int | None:
    """Of the campaign's policy versions (version, effective_on), the one in force on ``day``: the newest effective
    by then, version 1 from the start (as casework and acceptance judge it). None when none is known."""
    ordered = sorted(versions)
    in_force = [v for v, effective_on in ordered if v == 1 or effective_on <= day]
    return in_force[-1] if in_force else (ordered[0][0] if ordered else None)


@dataclass
class Facts:
    """Everything the rules read, for one campaign, within one scope (a division subtree)."""

    campaign: Campaign
    cases: list[Case] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    progress_reports: list[ProgressReport] = field(default_factory=list)
    townships: list[Township] = field(default_factory=list)
    township_lists: list[TownshipList] = field(default_factory=list)   # latest submission per township
    acceptances: list[Acceptance] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    screening_samples: list[ScreeningSample] = field(default_factory=list)
    delistings: list[Delisting] = field(default_factory=list)
    falsifications: list[Falsification] = field(default_factory=list)
    counties: list[str] = field(default_factory=list)                  # counties wholly inside the scope
    county_lists: list[CountyList] = field(default_factory=list)
    county_filings: list[CountyFiling] = field(default_factory=list)


@dataclass(frozen=True)
class Breach:
    key: str
    rule: Rule
    subject_code: str
    subject_role: str
    scope_code: str                        # the most specific division the breach is about
    severity: Severity
    facts: tuple[str, ...]
    due_on: date | None = None
    village_code: str | None = None
    subject_person: str | None = None
    subject_user_id: str | None = None
    proposal: str | None = None


# ---------------------------------------------------------------------------------------
# Calendar helpers
# ---------------------------------------------------------------------------------------


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def next_month(day: date) -> date:
    return month_end(day) + timedelta(days=1)


def ended_months(start: date, today: date):
    """First days of the calendar months from ``start``'s month whose last day is before ``today``."""
    month = start.replace(day=1)
    while month_end(month) < today:
        yield month
        month = next_month(month)


def _ym(month: date) -> str:
    return month.strftime("%Y-%m")




# ---------------------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------------------


def team_not_stationed(case: Case, policy: Policy, today: date) -> Breach | None:
    """The work team must be stationed within ``team_stationing_days`` of the list decision."""
    due = case.designated_on + timedelta(days=policy.team_stationing_days)
    if (case.stationed_on is not None and case.stationed_on <= today) or today <= due or case.phase not in ACTIVE_PHASES:
        return None
    return Breach(f"{Rule.TEAM_NOT_STATIONED}:{case.campaign_id}:{case.village_code}", Rule.TEAM_NOT_STATIONED,
                  case.county_code, ROLE_ORG, case.village_code, Severity.HIGH, (case.designated_by,), due,
                  village_code=case.village_code)


def visits_below_minimum(case: Case, visits: list[Visit], policy: Policy, today: date) -> list[Breach]:
    """Each calendar month that has ended, counted from the first full month after assignment; a month
    in which the case stood finished (awaiting or through acceptance) on any day is not judged. Only visits
    that met the 三必须 (casework's verdict) count; the others stay in the alert's facts."""
    if case.leader_assigned_on is None or policy.contact_leader_visits_per_month == 0:
        return []
    first = case.leader_assigned_on if case.leader_assigned_on.day == 1 else next_month(case.leader_assigned_on)
    breaches = []
    for month in ended_months(first, today):
        if case.finished_during(month, month_end(month)):
            continue
        in_month = [v for v in visits if v.village_code == case.village_code and month <= v.visited_on <= month_end(month)]
        if sum(1 for v in in_month if v.counts) < policy.contact_leader_visits_per_month:
            breaches.append(Breach(
                f"{Rule.VISITS_BELOW_MINIMUM}:{case.campaign_id}:{case.village_code}:{_ym(month)}", Rule.VISITS_BELOW_MINIMUM,
                case.county_code, ROLE_CONTACT_LEADER, case.village_code, Severity.MEDIUM,
                tuple(x for x in [case.leader_event, *(v.event_id for v in in_month)] if x), month_end(month),
                village_code=case.village_code, subject_person=case.leader_name, subject_user_id=case.leader_user_id))
    return breaches


def visit_without_problem(campaign_id: str, visit: Visit, policy: Policy) -> Breach | None:
    if visit.problems_pushed >= policy.problems_pushed_per_visit:
        return None
    return Breach(f"{Rule.VISIT_WITHOUT_PROBLEM}:{campaign_id}:{visit.visit_id}", Rule.VISIT_WITHOUT_PROBLEM,
                  visit.county_code, ROLE_CONTACT_LEADER, visit.village_code, Severity.LOW, (visit.event_id,),
                  visit.visited_on, village_code=visit.village_code, subject_person=visit.leader_name,
                  subject_user_id=visit.leader_user_id)


def measure_overdue(campaign_id: str, measure: Measure, today: date) -> Breach | None:
    if (measure.completed_on is not None and measure.completed_on <= today) or today <= measure.deadline:
        return None
    return Breach(f"{Rule.MEASURE_OVERDUE}:{campaign_id}:{measure.measure_id}", Rule.MEASURE_OVERDUE,
                  township_of(measure.village_code), ROLE_WORK_TEAM, measure.village_code, Severity.MEDIUM,
                  (measure.event_id,), measure.deadline, village_code=measure.village_code,
                  subject_person=measure.responsible, subject_user_id=measure.responsible_user_id)


def measure_not_updated(campaign_id: str, measure: Measure, policy: Policy, today: date) -> list[Breach]:
    """An ended calendar month after the planning month with no progress record in the last
    ``measure_update_interval_months`` months, while the measure was not yet completed."""
    interval = policy.measure_update_interval_months
    breaches = []
    for month in ended_months(next_month(measure.planned_on), today):
        if measure.completed_on is not None and measure.completed_on < month:
            break
        window_start = month
        for _ in range(interval - 1):
            window_start = (window_start - timedelta(days=1)).replace(day=1)
        window_start = max(window_start, measure.planned_on)
        if any(window_start <= d <= month_end(month) for d in measure.updates):
            continue
        breaches.append(Breach(
            f"{Rule.MEASURE_NOT_UPDATED}:{campaign_id}:{measure.measure_id}:{_ym(month)}", Rule.MEASURE_NOT_UPDATED,
            township_of(measure.village_code), ROLE_WORK_TEAM, measure.village_code, Severity.LOW, (measure.event_id,),
            month_end(month), village_code=measure.village_code, subject_person=measure.responsible,
            subject_user_id=measure.responsible_user_id))
    return breaches


def township_list(campaign_id: str, township: Township, submitted: TownshipList | None, policy: Policy,
                  today: date) -> list[Breach]:
    """Missing after the due date (until submitted), submitted late (a fact), or submitted with
    fewer villages assessed than the township has (until a complete resubmission)."""
    due = policy.township_list_due
    code = township.code
    if submitted is None or submitted.submitted_on > today:
        if today <= due:
            return []
        return [Breach(f"{Rule.TOWNSHIP_LIST_MISSING}:{campaign_id}:{code}", Rule.TOWNSHIP_LIST_MISSING, code,
                       ROLE_TOWNSHIP_COMMITTEE, code, Severity.MEDIUM, (), due)]
    breaches = []
    if submitted.submitted_on > due:
        breaches.append(Breach(f"{Rule.TOWNSHIP_LIST_LATE}:{campaign_id}:{code}", Rule.TOWNSHIP_LIST_LATE, code,
                               ROLE_TOWNSHIP_COMMITTEE, code, Severity.MEDIUM, (submitted.event_id,), due))
    if submitted.villages_assessed < township.villages:
        breaches.append(Breach(f"{Rule.TOWNSHIP_LIST_INCOMPLETE}:{campaign_id}:{code}", Rule.TOWNSHIP_LIST_INCOMPLETE,
                               code, ROLE_TOWNSHIP_COMMITTEE, code, Severity.MEDIUM, (submitted.event_id,), due))
    return breaches


def township_unfinished(campaign: Campaign, township_code: str, cases: list[Case], today: date) -> Breach | None:
    """At the end of the concentrated phase, more than ``township_escalation_share`` of the
    township's weak-and-lax targets unfinished: an admonishment talk for the township secretary, filed
    with the city. Seed 000 §三(三)1 counts 软弱涣散村 only: lagging villages are out of the ratio
    (a case whose category is not known yet stays in)."""
    ends = campaign.concentrated_ends_on
    if ends is None or today <= ends:
        return None
    targets = [c for c in cases if c.township_code == township_code and c.designated_on <= ends
               and c.category is not ListCategory.LAGGING]
    if not targets:
        return None
    unfinished = [c for c in targets if not c.finished_at(ends)]
    if Decimal(len(unfinished)) <= campaign.policy.township_escalation_share * len(targets):
        return None
    # Filed with the organization department that runs the campaign: the city's, or a county's own (seed 001).
    above = f"{city_of(township_code)} 市委组织部" if campaign.has_city_steps else f"{county_of(township_code)} 县委组织部"
    return Breach(f"{Rule.TOWNSHIP_UNFINISHED}:{campaign.campaign_id}:{township_code}", Rule.TOWNSHIP_UNFINISHED,
                  township_code, ROLE_TOWNSHIP_SECRETARY, township_code, Severity.HIGH,
                  tuple(c.designated_by for c in unfinished), ends,
                  proposal=f"诫勉谈话：乡镇党委书记（{len(unfinished)}/{len(targets)} 个村未完成整顿），报 {above}备案")


def spot_check_ratio(campaign: Campaign, county_code: str, acceptances: list[Acceptance], samples: list[Sample],
                     today: date) -> list[Breach]:
    """City ≥ ``acceptance_spot_check_city_share`` and province ≥ ``…_province_share`` of a county's
    accepted villages must be spot-checked, within ``acceptance_spot_check_window_days`` (campaign policy)
    of its first acceptance."""
    accepted = [a for a in acceptances if a.county_code == county_code]
    if not accepted or not campaign.has_city_steps:
        return []
    due = min(a.accepted_on for a in accepted) + timedelta(days=campaign.policy.acceptance_spot_check_window_days)
    accepted_codes = {a.village_code for a in accepted}
    breaches = []
    for level, share, checker in (("city", campaign.policy.acceptance_spot_check_city_share, city_of(county_code)),
                                  ("province", campaign.policy.acceptance_spot_check_province_share,
                                   province_of(county_code))):
        level_samples = [s for s in samples if s.county_code == county_code and s.level == level]
        if today <= due and not level_samples:
            continue
        checked = {v for s in level_samples for v in s.chosen} & accepted_codes
        if Decimal(len(checked)) >= share * len(accepted_codes):
            continue
        breaches.append(Breach(
            f"{Rule.SPOT_CHECK_RATIO}:{campaign.campaign_id}:{county_code}:{level}:{len(accepted_codes)}",
            Rule.SPOT_CHECK_RATIO, checker, ROLE_ORG, county_code, Severity.MEDIUM,
            tuple(a.event_id for a in accepted) + tuple(s.event_id for s in level_samples), due))
    return breaches


def screening_sample_ratio(campaign: Campaign, samples: list[ScreeningSample]) -> list[Breach]:
    """The county's review sample (``county_check_sample_ratio``, listed and unlisted villages apart) and
    the city's spot check (``city_spot_check_ratio``) must cover their share of the population; several
    draws for the same round, purpose and unit add up."""
    groups: dict[tuple[str, str, str], list[ScreeningSample]] = {}
    for sample in samples:
        groups.setdefault((sample.round_id, sample.purpose, sample.division_code), []).append(sample)
    breaches = []
    for (round_id, purpose, code), draws in sorted(groups.items()):
        population = {v for d in draws for v in d.population}
        chosen = {v for d in draws for v in d.chosen} & population
        city_check = purpose == "city_spot_check"
        share = campaign.policy.city_spot_check_ratio if city_check else campaign.policy.county_check_sample_ratio
        if not population or Decimal(len(chosen)) >= share * len(population):
            continue
        checker = city_of(code) if city_check else county_of(code)
        breaches.append(Breach(
            f"{Rule.SCREENING_SAMPLE_RATIO}:{campaign.campaign_id}:{round_id}:{purpose}:{code}",
            Rule.SCREENING_SAMPLE_RATIO, checker, ROLE_ORG, code, Severity.MEDIUM, tuple(d.event_id for d in draws)))
    return breaches


def supervision_overdue(case: Case, today: date) -> Breach | None:
    """A village the county secretary supervises by name (挂牌督办) must finish its rectification by the deadline:
    late from the day after it while the case is not finished (ready for or through acceptance); it resolves when
    the case finishes. A case that stood finished on the deadline met it: reopened later (a failed spot check, a
    relapse), it is a new round of rectification, watched by the other rules. The township Party committee,
    which carries out the rectification, answers for it."""
    due = case.supervision_deadline
    if due is None or today <= due or case.finished_at(due) or case.finished_at(today):
        return None
    return Breach(f"{Rule.SUPERVISION_OVERDUE}:{case.campaign_id}:{case.village_code}:{due}", Rule.SUPERVISION_OVERDUE,
                  case.township_code, ROLE_TOWNSHIP_COMMITTEE, case.village_code, Severity.HIGH,
                  tuple(x for x in (case.supervision_event,) if x), due, village_code=case.village_code,
                  proposal=f"县委书记{case.supervisor_name or ''}挂牌督办，限期 {due} 完成整顿，已逾期")


def progress_report_missing(case: Case, reports: list[ProgressReport], policy: Policy, today: date) -> list[Breach]:
    """每两个月向县委组织部报送一次 (seed 001 §二(二)): every period of ``progress_report_interval_months`` (see
    zhengdun.periods) that has ended needs the case's report for it: due on the period's last day, missing from
    the next until filed (a late report resolves it). A period in which the case stood finished on some day is not
    judged (its rectification was done, or awaited acceptance)."""
    filed = {r.period_start for r in reports if r.village_code == case.village_code and r.filed_on <= today}
    breaches = []
    for start, end in report_periods(case.designated_on, policy.progress_report_interval_months, today):
        if end >= today or start in filed or case.finished_during(start, end):
            continue
        breaches.append(Breach(
            f"{Rule.PROGRESS_REPORT_MISSING}:{case.campaign_id}:{case.village_code}:{start}", Rule.PROGRESS_REPORT_MISSING,
            case.township_code, ROLE_TOWNSHIP_COMMITTEE, case.village_code, Severity.MEDIUM,
            (case.designated_by,), end, village_code=case.village_code))
    return breaches


def county_filing_missing(campaign: Campaign, county: CountyList, filings: list[CountyFiling],
                          today: date) -> list[Breach]:
    """Seed 000 §三(一) 末段: a county with a confirmed list files it with the city at each filing date
    (``filing_dates``). From the day after a date, a county that has not filed for it is in breach until it files
    (late filings are marked by screening). A date passed before the county's list was confirmed is owed too:
    the filing is a snapshot of the active list, which exists from the confirmation on."""
    filed = {f.filing_date for f in filings if f.county_code == county.county_code and f.filed_on <= today}
    if county.confirmed_on > today or not campaign.has_city_steps:
        return []
    return [Breach(f"{Rule.COUNTY_FILING_MISSING}:{campaign.campaign_id}:{county.county_code}:{due}",
                   Rule.COUNTY_FILING_MISSING, county.county_code, ROLE_ORG, county.county_code, Severity.MEDIUM,
                   (county.event_id,), due, proposal=f"{due} 备案时间节点已过，请县委组织部报市委组织部备案")
            for due in campaign.policy.filing_dates if today > due and due not in filed]


def post_evaluation_overdue(campaign_id: str, delisting: Delisting, today: date) -> Breach | None:
    if (delisting.evaluated_on is not None and delisting.evaluated_on <= today) or today <= delisting.post_evaluation_due:
        return None
    return Breach(f"{Rule.POST_EVALUATION_OVERDUE}:{campaign_id}:{delisting.village_code}:{delisting.delisted_on}",
                  Rule.POST_EVALUATION_OVERDUE, delisting.county_code, ROLE_ORG, delisting.village_code, Severity.MEDIUM,
                  (delisting.event_id,), delisting.post_evaluation_due, village_code=delisting.village_code)


def falsification(campaign_id: str, found: Falsification) -> Breach | None:
    """Falsification found at a spot check stays open until an accountability action cites it."""
    if found.answered:
        return None
    # About the township's list (the village is in the facts and the scope, so its journal shows it).
    return Breach(f"{Rule.FALSIFICATION}:{campaign_id}:{found.event_id}", Rule.FALSIFICATION, found.township_code,
                  ROLE_TOWNSHIP_COMMITTEE, found.village_code, Severity.HIGH, (found.event_id,), None,
                  proposal="依规依纪追责问责")


# Deadline rules whose facts are all dated: an alert of theirs can be proven a false alarm.
DATED_RULES = {Rule.TEAM_NOT_STATIONED, Rule.VISITS_BELOW_MINIMUM, Rule.MEASURE_OVERDUE, Rule.MEASURE_NOT_UPDATED,
               Rule.TOWNSHIP_LIST_MISSING, Rule.POST_EVALUATION_OVERDUE, Rule.PROGRESS_REPORT_MISSING,
               Rule.COUNTY_FILING_MISSING}


def known_by(facts: Facts, day: date) -> Facts:
    """The dated facts as they stood at the end of ``day`` (later stationings, completions, visits,
    progress, submissions and post-evaluations left out)."""
    def upto(value: date | None) -> date | None:
        return value if value is not None and value <= day else None

    return replace(
        facts,
        cases=[replace(c, stationed_on=upto(c.stationed_on)) for c in facts.cases],
        visits=[v for v in facts.visits if v.visited_on <= day],
        measures=[replace(m, completed_on=upto(m.completed_on), updates=tuple(d for d in m.updates if d <= day))
                  for m in facts.measures],
        township_lists=[t for t in facts.township_lists if t.submitted_on <= day],
        progress_reports=[r for r in facts.progress_reports if r.filed_on <= day],
        county_lists=[c for c in facts.county_lists if c.confirmed_on <= day],
        county_filings=[f for f in facts.county_filings if f.filed_on <= day],
        delistings=[replace(d, evaluated_on=upto(d.evaluated_on)) for d in facts.delistings],
    )


def raised_in_error(rule: Rule, key: str, facts: Facts, due_on: date | None) -> bool:
    """True when the facts known now show there never was a breach: with the facts dated on or
    before the due date, the rule held on the day after it (a team stationed, a visit, a list
    submitted in time). This happens when such a fact arrives after the clock event that raised
    the alert (events of different partitions are not ordered). Such an alert is withdrawn, not resolved."""
    if rule not in DATED_RULES or due_on is None:
        return False
    return key not in {b.key for b in evaluate(known_by(facts, due_on), due_on + timedelta(days=1), frozenset({rule}))}


def _grouped(items: list, attribute: str) -> dict[str, list]:
    """``items`` by the code in ``attribute``, each group in the items' order."""
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(getattr(item, attribute), []).append(item)
    return groups


def false_alarms(facts: Facts) -> Callable[[Rule, str, date | None], bool]:
    """``raised_in_error`` over the same facts for many alerts: the dated facts of a day and the breaches of a rule
    on the day after are worked out once, not once per alert (a whole area resolves its alerts by the thousand,
    most of one rule and due date)."""
    known: dict[date, Facts] = {}
    breached: dict[tuple[Rule, date], set[str]] = {}

    def in_error(rule: Rule, key: str, due_on: date | None) -> bool:
        if rule not in DATED_RULES or due_on is None:
            return False
        if (rule, due_on) not in breached:
            if due_on not in known:
                known[due_on] = known_by(facts, due_on)
            breached[rule, due_on] = {b.key for b in evaluate(known[due_on], due_on + timedelta(days=1),
                                                               frozenset({rule}))}
        return key not in breached[rule, due_on]
    return in_error


def evaluate(facts: Facts, today: date, only: frozenset[Rule] | None = None) -> list[Breach]:
    """Every breach that exists today within the facts' scope (of the rules ``only`` names, when it names some:
    the facts the others read need not be loaded)."""
    campaign, policy = facts.campaign, facts.campaign.policy
    cid = campaign.campaign_id
    wanted = CAMPAIGN_RULES if only is None else only
    breaches: list[Breach | None] = []
    # Each rule below reads only its unit's facts: handed them grouped once, not the whole scope's per unit (over a
    # province a case scanned every visit and report, and a township every case).
    visits_of = _grouped(facts.visits, "village_code") if Rule.VISITS_BELOW_MINIMUM in wanted else {}
    reports_of = _grouped(facts.progress_reports, "village_code") if Rule.PROGRESS_REPORT_MISSING in wanted else {}
    for case in facts.cases:
        if Rule.TEAM_NOT_STATIONED in wanted:
            breaches.append(team_not_stationed(case, policy, today))
        if Rule.VISITS_BELOW_MINIMUM in wanted:
            breaches.extend(visits_below_minimum(case, visits_of.get(case.village_code, []), policy, today))
        if Rule.SUPERVISION_OVERDUE in wanted:
            breaches.append(supervision_overdue(case, today))
        if Rule.PROGRESS_REPORT_MISSING in wanted:
            breaches.extend(progress_report_missing(case, reports_of.get(case.village_code, []), policy, today))
    if Rule.VISIT_WITHOUT_PROBLEM in wanted:
        breaches.extend(visit_without_problem(cid, v, policy) for v in facts.visits)
    for measure in facts.measures:
        if Rule.MEASURE_OVERDUE in wanted:
            breaches.append(measure_overdue(cid, measure, today))
        if Rule.MEASURE_NOT_UPDATED in wanted:
            breaches.extend(measure_not_updated(cid, measure, policy, today))
    lists = {t.township_code: t for t in facts.township_lists}
    cases_of = _grouped(facts.cases, "township_code") if Rule.TOWNSHIP_UNFINISHED in wanted else {}
    for township in facts.townships:
        if wanted & TOWNSHIP_LIST_RULES:
            breaches.extend(township_list(cid, township, lists.get(township.code), policy, today))
        if Rule.TOWNSHIP_UNFINISHED in wanted:
            breaches.append(township_unfinished(campaign, township.code, cases_of.get(township.code, []), today))
    if Rule.SPOT_CHECK_RATIO in wanted:
        acceptances_of, samples_of = _grouped(facts.acceptances, "county_code"), _grouped(facts.samples, "county_code")
        for county in facts.counties:
            breaches.extend(spot_check_ratio(campaign, county, acceptances_of.get(county, []),
                                             samples_of.get(county, []), today))
    if Rule.COUNTY_FILING_MISSING in wanted:
        filings_of = _grouped(facts.county_filings, "county_code")
        for county_list in facts.county_lists:
            breaches.extend(county_filing_missing(campaign, county_list, filings_of.get(county_list.county_code, []),
                                                  today))
    if Rule.SCREENING_SAMPLE_RATIO in wanted:
        breaches.extend(screening_sample_ratio(campaign, facts.screening_samples))
    if Rule.POST_EVALUATION_OVERDUE in wanted:
        breaches.extend(post_evaluation_overdue(cid, d, today) for d in facts.delistings)
    if Rule.FALSIFICATION in wanted:
        breaches.extend(falsification(cid, f) for f in facts.falsifications)
    return [b for b in breaches if b is not None and b.rule in wanted]


# ---------------------------------------------------------------------------------------
# Which rules an event can change the verdict of
# ---------------------------------------------------------------------------------------


class Fact(StrEnum):
    """A kind of fact the rules read: the name of its list in ``Facts`` (``campaign``: the campaign and its policy)."""

    CAMPAIGN = "campaign"
    CASES = "cases"
    VISITS = "visits"
    MEASURES = "measures"
    PROGRESS_REPORTS = "progress_reports"
    TOWNSHIPS = "townships"
    TOWNSHIP_LISTS = "township_lists"
    ACCEPTANCES = "acceptances"          # and the counties they make (``Facts.counties``)
    SAMPLES = "samples"
    SCREENING_SAMPLES = "screening_samples"
    DELISTINGS = "delistings"
    FALSIFICATIONS = "falsifications"
    COUNTY_LISTS = "county_lists"
    COUNTY_FILINGS = "county_filings"


TOWNSHIP_LIST_RULES = frozenset({Rule.TOWNSHIP_LIST_MISSING, Rule.TOWNSHIP_LIST_LATE, Rule.TOWNSHIP_LIST_INCOMPLETE})
# The rules a campaign's facts are judged by (a township's special actions have their own, domain/special_actions.py).
CAMPAIGN_RULES = frozenset(Rule) - {Rule.SPECIAL_ACTION_ITEM_OVERDUE, Rule.ORG_LIFE_MISSING}

# What each rule reads (every rule reads the campaign: its policy and phases). tests/unit/supervision/test_rule_map.py
# proves it: changing any other kind of fact leaves the rule's breaches as they were.
RULE_READS: dict[Rule, frozenset[Fact]] = {rule: frozenset({Fact.CAMPAIGN, *reads}) for rule, reads in {
    Rule.TEAM_NOT_STATIONED: {Fact.CASES},
    Rule.VISITS_BELOW_MINIMUM: {Fact.CASES, Fact.VISITS},
    Rule.SUPERVISION_OVERDUE: {Fact.CASES},
    Rule.PROGRESS_REPORT_MISSING: {Fact.CASES, Fact.PROGRESS_REPORTS},
    Rule.VISIT_WITHOUT_PROBLEM: {Fact.VISITS},
    Rule.MEASURE_OVERDUE: {Fact.MEASURES},
    Rule.MEASURE_NOT_UPDATED: {Fact.MEASURES},
    Rule.TOWNSHIP_LIST_MISSING: {Fact.TOWNSHIPS, Fact.TOWNSHIP_LISTS},
    Rule.TOWNSHIP_LIST_LATE: {Fact.TOWNSHIPS, Fact.TOWNSHIP_LISTS},
    Rule.TOWNSHIP_LIST_INCOMPLETE: {Fact.TOWNSHIPS, Fact.TOWNSHIP_LISTS},
    Rule.TOWNSHIP_UNFINISHED: {Fact.TOWNSHIPS, Fact.CASES},
    Rule.SPOT_CHECK_RATIO: {Fact.ACCEPTANCES, Fact.SAMPLES},
    Rule.SCREENING_SAMPLE_RATIO: {Fact.SCREENING_SAMPLES},
    Rule.POST_EVALUATION_OVERDUE: {Fact.DELISTINGS},
    Rule.FALSIFICATION: {Fact.FALSIFICATIONS},
    Rule.COUNTY_FILING_MISSING: {Fact.COUNTY_LISTS, Fact.COUNTY_FILINGS},
}.items()}

# The rules whose breaches are each about one village (``scope_code`` the village) and read only that village's
# facts: an event about a village that changes only these needs them judged over the village alone.
VILLAGE_RULES = frozenset({Rule.TEAM_NOT_STATIONED, Rule.VISITS_BELOW_MINIMUM, Rule.SUPERVISION_OVERDUE,
                           Rule.PROGRESS_REPORT_MISSING, Rule.VISIT_WITHOUT_PROBLEM, Rule.MEASURE_OVERDUE,
                           Rule.MEASURE_NOT_UPDATED, Rule.POST_EVALUATION_OVERDUE, Rule.FALSIFICATION})


def rules_reading(changed: frozenset[Fact] | set[Fact]) -> frozenset[Rule]:
    """The rules whose verdict a change of these kinds of facts can change (every rule when the campaign changed)."""
    return frozenset(rule for rule, reads in RULE_READS.items() if reads & changed)


def facts_read_by(judged: frozenset[Rule]) -> frozenset[Fact]:
    """The kinds of facts to load for judging these rules."""
    return frozenset(fact for rule in judged for fact in RULE_READS[rule])



# The kinds of facts each event supervision projects can change (projection.py writes them). An event type not
# named here changes every kind (all rules judged), so a new projection is safe until it is added.
EVENT_CHANGES: dict[str, frozenset[Fact]] = {model.event_type: frozenset(changed) for model, changed in {
    sc.CampaignOpened: {Fact.CAMPAIGN},
    sc.PolicyRevised: {Fact.CAMPAIGN},
    sc.TownshipListSubmitted: {Fact.TOWNSHIP_LISTS},
    sc.CountyListConfirmed: {Fact.CASES, Fact.COUNTY_LISTS},
    sc.CountyListFiled: {Fact.COUNTY_FILINGS},
    sc.SampleDrawn: {Fact.SCREENING_SAMPLES},
    sc.FalsificationFound: {Fact.FALSIFICATIONS},
    # Every case event may create the village's case row (events of different topics are not ordered).
    cw.CaseOpened: {Fact.CASES},
    cw.TeamStationed: {Fact.CASES},
    cw.ContactLeaderAssigned: {Fact.CASES},
    cw.SupervisionAssigned: {Fact.CASES},
    cw.CasePhaseChanged: {Fact.CASES},
    cw.CaseReadyForAcceptance: {Fact.CASES},
    cw.MeasurePlanned: {Fact.MEASURES},
    cw.ProgressRecorded: {Fact.MEASURES},      # the measure's progress dates and its completion
    cw.VisitRecorded: {Fact.VISITS},
    cw.ContinuedStudied: set(),
    cw.ProgressReportFiled: {Fact.PROGRESS_REPORTS},
    acc.VillageAccepted: {Fact.ACCEPTANCES},
    acc.AcceptanceFailed: {Fact.ACCEPTANCES},  # a failed spot check revokes the acceptance
    acc.AcceptanceSampleDrawn: {Fact.SAMPLES},
    acc.VillageDelisted: {Fact.DELISTINGS},
    acc.PostEvaluated: {Fact.DELISTINGS},
}.items()}


def can_breach(rule: Rule, concentrated_ends_on: date | None, today: date) -> bool:
    """False for a rule that breaches nothing today whatever the facts: the township's share of unfinished villages
    is judged only once the concentrated phase has ended (``township_unfinished``)."""
    if rule is Rule.TOWNSHIP_UNFINISHED:
        return concentrated_ends_on is not None and today > concentrated_ends_on
    return True


def rules_affected_by(event_type: str) -> frozenset[Rule]:
    """The rules to judge again after an event of this type (all of them for a type the map does not know)."""
    changed = EVENT_CHANGES.get(event_type)
    return CAMPAIGN_RULES if changed is None else rules_reading(changed)


# ---------------------------------------------------------------------------------------
# Events that change no verdict of the day judged
# ---------------------------------------------------------------------------------------
# While every rule stands judged for today (the campaign's rules settled: see projection.judge), an event need not be
# judged at all when it can change no breach of the rules it affects: the most frequent events of a campaign (visits
# and progress records dated in the month under way) are such, and judging them cost most of their CPU.


def _month_not_ended(day: date | None, today: date) -> bool:
    return day is None or month_end(day) >= today


def new_visit_changes_nothing(visit: Visit, policy: Policy, today: date) -> bool:
    """A new visit breaches its own ``visit_without_problem`` only with too few problems pushed, and changes only the
    count of its own month, which ``visits_below_minimum`` judges once the month has ended (and only if it counts)."""
    return (visit.problems_pushed >= policy.problems_pushed_per_visit
            and (not visit.counts or _month_not_ended(visit.visited_on, today)))


def measure_update_changes_nothing(deadline: date, recorded_on: date, completed_before: date | None,
                                   completed_after: date | None, today: date) -> bool:
    """A progress record (dated ``recorded_on``) that moved the measure's completion from ``completed_before`` to
    ``completed_after`` (None: not completed). ``measure_not_updated`` judges ended months only, each by the records
    dated in it or shortly before and by whether the measure was completed before it began: a record and completion
    dates in months not yet ended change none of them. ``measure_overdue`` breaches after the deadline only, by
    whether the measure is completed by today."""
    if not all(_month_not_ended(day, today) for day in (recorded_on, completed_before, completed_after)):
        return False

    def done(completed: date | None) -> bool:
        return completed is not None and completed <= today
    return today <= deadline or done(completed_before) == done(completed_after)


def new_measure_changes_nothing(planned_on: date, deadline: date, today: date) -> bool:
    """A measure planned anew breaches ``measure_overdue`` only after its deadline, and ``measure_not_updated`` only
    for a month after its planning month that has ended: before both, whatever its progress, it breaches nothing."""
    return today <= deadline and month_end(next_month(planned_on)) >= today


def _first_visit_month(case: Case) -> date | None:
    """The first month ``visits_below_minimum`` counts (None: no contact leader, so none)."""
    assigned = case.leader_assigned_on
    if assigned is None:
        return None
    return assigned if assigned.day == 1 else next_month(assigned)


def _first_day_standing_differs(before: Case, after: Case) -> date | None:
    """The first day the case stood finished in one and not in the other (None: never). Standing is constant between
    the spans' ends, so the first difference is on one of them."""
    ends = sorted({day for case in (before, after) for span in case.finished_spans() for day in span if day is not None})
    return next((day for day in ends if before.finished_at(day) != after.finished_at(day)), None)


def case_change_changes_nothing(before: Case | None, after: Case, campaign: Campaign, today: date) -> bool:
    """A change of a case's own facts (its team's stationing, its contact leader, its phase, the secretary's
    supervision: ``before`` → ``after``; None before: a case not known until now) that leaves every rule reading
    cases with the same breaches today:
    - ``team_not_stationed`` and ``supervision_overdue`` read the case alone: judged both ways;
    - ``visits_below_minimum`` and ``progress_report_missing`` judge ended months (periods end on a month's last
      day), each by whether the case stood finished during it: unchanged while the standing differs only from a
      month not yet ended, and the contact leader's first counted month is the same or not ended in either;
    - ``township_unfinished`` reads the designation, the category and the standing on the concentrated phase's
      last day, once that day has passed."""
    if before is None or (before.designated_on, before.category, before.township_code, before.designated_by) != (
            after.designated_on, after.category, after.township_code, after.designated_by):
        return False
    policy = campaign.policy

    def key(breach: Breach | None) -> str | None:
        return breach.key if breach is not None else None
    if key(team_not_stationed(before, policy, today)) != key(team_not_stationed(after, policy, today)):
        return False
    if key(supervision_overdue(before, today)) != key(supervision_overdue(after, today)):
        return False
    firsts = (_first_visit_month(before), _first_visit_month(after))
    if firsts[0] != firsts[1] and not all(first is None or month_end(first) >= today for first in firsts):
        return False
    differs = _first_day_standing_differs(before, after)
    if differs is not None and not _month_not_ended(differs, today):
        return False
    ends = campaign.concentrated_ends_on
    return not can_breach(Rule.TOWNSHIP_UNFINISHED, ends, today) or before.finished_at(ends) == after.finished_at(ends)


def new_acceptance_changes_nothing(campaign: Campaign, first_accepted_on: date, county_sampled: bool,
                                   today: date) -> bool:
    """A county's village accepted anew changes only ``spot_check_ratio`` (its key counts the accepted villages),
    which breaches nothing for the county before a sample of it is drawn and within the window after its first
    acceptance (``first_accepted_on``, this one included), nor for a campaign without city steps."""
    window = timedelta(days=campaign.policy.acceptance_spot_check_window_days)
    return not campaign.has_city_steps or (not county_sampled and today <= first_accepted_on + window)


def new_delisting_changes_nothing(post_evaluation_due: date, today: date) -> bool:
    """A delisting breaches ``post_evaluation_overdue`` only after its post-evaluation is due."""
    return today <= post_evaluation_due
