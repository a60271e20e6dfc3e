"""One village's case (一村一册): an append-only book of dated, attributed entries.

Nothing is edited in place. Every step appends an ``Entry``; the case's state is the fold of
its entries in order (``CaseBook.apply``), so the book as it stood on any past date is the
fold of the entries recorded by then. Each decision method checks the rules and returns the
data of the entry to append; it never changes the book itself.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from zhengdun.refusals import OutOfOrder, RuleViolation, UnknownItem
from zhengdun.events.casework import CasePhase, MeasureStatus, Person
from zhengdun.events.screening import CadreRank, Policy
from zhengdun.periods import first_full_month, period_containing, report_periods

WORK_PHASES = (CasePhase.CONCENTRATED, CasePhase.CONTINUED)
RANK_ORDER = {CadreRank.SECTION: 1, CadreRank.COUNTY: 2}
# The dates a refusal names, as the forms label them (the message is read beside the field).
_DATE_LABELS = {"stationed_on": "驻村日期", "assigned_on": "明确日期", "appointed_on": "选派日期", "published_on": "公开日期"}


class EntryKind(StrEnum):
    OPENED = "opened"
    TEAM_STATIONED = "team_stationed"
    CONTACT_LEADER_ASSIGNED = "contact_leader_assigned"
    FIRST_SECRETARY_APPOINTED = "first_secretary_appointed"
    PAIRED = "paired"
    PROBLEM_FOUND = "problem_found"
    TASK_SET = "task_set"
    MEASURE_PLANNED = "measure_planned"
    PLAN_PUBLISHED = "plan_published"
    PLAN_COMMENT = "plan_comment"
    PLAN_ANSWER = "plan_answer"
    PROGRESS = "progress"
    VISIT = "visit"
    PHASE_CHANGED = "phase_changed"
    CONTINUED_STUDIED = "continued_studied"
    SUPERVISION_ASSIGNED = "supervision_assigned"
    SECOND_REVIEW = "second_review"
    ACCEPTANCE_NOTED = "acceptance_noted"
    PROGRESS_REPORTED = "progress_reported"

    @property
    def label(self) -> str:
        return ENTRY_LABELS[self]


ENTRY_LABELS = {
    EntryKind.OPENED: "确定整顿对象、建立台账", EntryKind.TEAM_STATIONED: "选派工作队",
    EntryKind.CONTACT_LEADER_ASSIGNED: "明确联系分包县级领导", EntryKind.FIRST_SECRETARY_APPOINTED: "选派第一书记",
    EntryKind.PAIRED: "结对帮扶", EntryKind.PROBLEM_FOUND: "问题清单", EntryKind.TASK_SET: "任务清单",
    EntryKind.MEASURE_PLANNED: "整改措施（责任清单）", EntryKind.PLAN_PUBLISHED: "整顿方案公开征求意见",
    EntryKind.PLAN_COMMENT: "群众意见", EntryKind.PLAN_ANSWER: "意见答复", EntryKind.PROGRESS: "整改进展",
    EntryKind.VISIT: "联系领导走访", EntryKind.PHASE_CHANGED: "阶段变化", EntryKind.CONTINUED_STUDIED: "县委研究",
    EntryKind.SUPERVISION_ASSIGNED: "县委书记挂牌督办", EntryKind.SECOND_REVIEW: "二次研判",
    EntryKind.ACCEPTANCE_NOTED: "验收情况", EntryKind.PROGRESS_REPORTED: "向县委组织部报送整顿进展",
}


# 三必须 (seed 000 §三(二)5): on every visit the contact leader talks one by one with the work team, the village
# cadres and the key persons, and pushes at least one problem forward. A visit short of any of them is still
# recorded, flagged with what it lacked, but does not count toward the monthly minimum.
VISIT_MUSTS = {
    "team_members": "与整顿工作队员谈话",
    "village_cadres": "与村干部谈话",
    "key_persons": "与重点工作对象谈话",
    "problems_pushed": "推动解决问题",
}


def missing_musts(team_members: list[str], village_cadres: list[str], key_persons: list[str],
                  problems_pushed: list[str], problems_required: int) -> list[dict[str, str]]:
    """What a visit lacks of the 三必须, each with its Chinese label (empty: the visit counts)."""
    talked = {"team_members": team_members, "village_cadres": village_cadres, "key_persons": key_persons}
    missing = [code for code, people in talked.items() if not [p for p in people if p.strip()]]
    if len(problems_pushed) < problems_required:
        missing.append("problems_pushed")
    return [{"code": code, "label": VISIT_MUSTS[code] if code != "problems_pushed" or problems_required <= 1
             else f"推动解决至少 {problems_required} 个问题"} for code in missing]


def visit_counts(visit: dict[str, Any]) -> bool:
    """Whether a visit of the book counts toward the monthly minimum."""
    return bool(visit["counts_toward_minimum"])


def _with_verdict(visit: dict[str, Any]) -> dict[str, Any]:
    """Visits recorded before the verdict was kept are judged by what they list (the seeds' one problem)."""
    if "counts_toward_minimum" in visit:
        return visit
    missing = missing_musts(visit["team_members"], visit["village_cadres"], visit["key_persons"], visit["problems_pushed"], 1)
    return {**visit, "missing_musts": missing, "counts_toward_minimum": not missing}


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Entry:
    """One line of the book: what happened (``occurred_on``, entered by the user) and when it was recorded."""

    entry_id: str
    kind: EntryKind
    occurred_on: date
    recorded_on: date
    data: dict[str, Any]
    actor: dict[str, Any] = field(default_factory=dict)
    corrects: str | None = None
    seq: int = 0


@dataclass(frozen=True)
class CaseHeader:
    case_id: str
    campaign_id: str
    village_code: str
    township_code: str
    county_code: str
    category: str
    criteria_met: tuple[str, ...]
    designated_on: date


def _person(data: dict | None) -> Person | None:
    return Person.model_validate(data) if data else None


def _dump(person: Person) -> dict:
    return person.model_dump(mode="json")


def _required_text(value: str | None, field_name: str, label: str) -> str:
    text = (value or "").strip()
    if not text:
        raise RuleViolation("missing-" + field_name.replace("_", "-"), f"{label}不能为空", f"{field_name} is required",
                            field=field_name)
    return text


# The English gloss names what changes in English: the console shows the Chinese part of a message and cuts a
# trailing gloss only when it is plain ASCII.
_IN_ENGLISH = {"工作队": "work team", "联系领导": "contact leader", "联系分包领导": "contact leader"}


def _change_decision(current: object | None, decision: dict | None, changed_on: date, what: str) -> dict | None:
    """不转化不脱钩 (seed 000 §三(二)5, §三(三)): once in place, the team and the contact leader change only by a
    recorded decision of the county (its standing committee or organization department), until the village passes
    acceptance (after which the case is closed to changes). A first assignment needs none."""
    if current is None:
        return None
    reference = ((decision or {}).get("reference") or "").strip()
    decided_on = (decision or {}).get("decided_on")
    if not reference or decided_on is None:
        raise RuleViolation("change-needs-decision",
                            f"{what}不转化不脱钩：调整须依据县委常委会或县委组织部的决定，请填写决定文号或标题及日期 (decision)",
                            f"the {_IN_ENGLISH.get(what, what)} stays until acceptance: a change needs the county's decision "
                            "(decision.reference and decision.decided_on)", field="decision")
    if decided_on > changed_on:
        raise RuleViolation("decision-after-change", f"决定日期 {decided_on} 晚于调整日期 {changed_on}",
                            f"the decision ({decided_on}) is dated after the change ({changed_on})",
                            field="decision.decided_on")
    return {"reference": reference, "decided_on": decided_on.isoformat()}


def _continued_exception(book: "CaseBook", current: object | None, exception_reason: str | None, what: str) -> str | None:
    """原整顿工作队和联系分包领导原则上保持不变 (seed 000 §三(三) 引言): in the continued phase the team and the
    contact leader stay "in principle", so a change there is an exception and says why, besides the county's
    decision and the change's own reason. The ledger flags it. A first assignment is no change."""
    if current is None or book.continued_since is None:
        return None
    reason = (exception_reason or "").strip()
    if not reason:
        raise RuleViolation("continued-change-needs-exception",
                            f"持续整顿阶段原{what}原则上保持不变：确需调整的，请说明作为例外的理由 (exception_reason)",
                            f"in the continued phase the {_IN_ENGLISH.get(what, what)} stays unchanged in principle: a change is an exception "
                            "and needs its reason (exception_reason)", field="exception_reason")
    return reason


def person_key(person: Person) -> str:
    """Who a person is across cases: the login where there is one, else name and unit."""
    return f"user:{person.user_id}" if person.user_id else f"name:{person.name}|{person.unit}"


@dataclass
class CaseBook:
    header: CaseHeader
    phase: CasePhase = CasePhase.CONCENTRATED
    continued_since: date | None = None
    team_leader: Person | None = None
    team_members: tuple[Person, ...] = ()
    stationed_on: date | None = None
    contact_leader: Person | None = None
    contact_assigned_on: date | None = None
    direct_county_secretary: bool = False
    first_secretary: Person | None = None
    pairings: list[dict] = field(default_factory=list)
    problems: dict[str, dict] = field(default_factory=dict)
    tasks: dict[str, dict] = field(default_factory=dict)
    measures: dict[str, dict] = field(default_factory=dict)
    progress: dict[str, dict] = field(default_factory=dict)
    status_since: dict[str, date] = field(default_factory=dict)   # by measure: see measure_standing
    plan_published_on: date | None = None
    comments: dict[str, dict] = field(default_factory=dict)
    visits: list[dict] = field(default_factory=list)
    study: dict | None = None
    supervision: dict | None = None
    second_review: dict | None = None
    progress_reports: dict[str, dict] = field(default_factory=dict)   # by the period's first day (ISO)
    reopened: int = 0
    measures_since_reopen: int = 0
    entries: int = 0

    # ------------------------------------------------------------------ folding

    @classmethod
    def from_entries(cls, header: CaseHeader, entries: list[Entry]) -> "CaseBook":
        book = cls(header)
        for entry in entries:
            book.apply(entry)
        return book

    def apply(self, entry: Entry) -> None:
        d = entry.data
        kind = entry.kind
        self.entries += 1
        if kind is EntryKind.TEAM_STATIONED:
            self.team_leader = _person(d["leader"])
            self.team_members = tuple(_person(m) for m in d["members"])
            self.stationed_on = entry.occurred_on
        elif kind is EntryKind.CONTACT_LEADER_ASSIGNED:
            self.contact_leader = _person(d["leader"])
            self.contact_assigned_on = entry.occurred_on
            self.direct_county_secretary = bool(d.get("direct_county_secretary"))
        elif kind is EntryKind.FIRST_SECRETARY_APPOINTED:
            self.first_secretary = _person(d["secretary"])
        elif kind is EntryKind.PAIRED:
            self.pairings.append({**d, "paired_on": entry.occurred_on.isoformat()})
        elif kind is EntryKind.PROBLEM_FOUND:
            self.problems[d["problem_id"]] = {**d, "found_on": entry.occurred_on.isoformat()}
        elif kind is EntryKind.TASK_SET:
            self.tasks[d["task_id"]] = dict(d)
        elif kind is EntryKind.MEASURE_PLANNED:
            self.measures[d["measure_id"]] = {**d, "status": MeasureStatus.NOT_STARTED.value, "latest_record": None,
                                              "planned_on": entry.occurred_on.isoformat()}
            if self.reopened:
                self.measures_since_reopen += 1
        elif kind is EntryKind.PLAN_PUBLISHED:
            self.plan_published_on = entry.occurred_on
        elif kind is EntryKind.PLAN_COMMENT:
            self.comments[d["comment_id"]] = {**d, "received_on": entry.occurred_on.isoformat(), "answer": None}
        elif kind is EntryKind.PLAN_ANSWER:
            self.comments[d["comment_id"]]["answer"] = {"text": d["answer"], "answered_on": entry.occurred_on.isoformat()}
        elif kind is EntryKind.PROGRESS:
            self._apply_progress(entry)
        elif kind is EntryKind.VISIT:
            self.visits.append(_with_verdict({**d, "visited_on": entry.occurred_on.isoformat()}))
        elif kind is EntryKind.PHASE_CHANGED:
            self.phase = CasePhase(d["phase"])
            if self.phase is CasePhase.CONTINUED and self.continued_since is None:
                self.continued_since = entry.occurred_on
            if d.get("reopened"):
                self.reopened += 1
                self.measures_since_reopen = 0
        elif kind is EntryKind.CONTINUED_STUDIED:
            self.study = {**d, "study_id": entry.entry_id, "studied_on": entry.occurred_on.isoformat()}
        elif kind is EntryKind.SUPERVISION_ASSIGNED:
            self.supervision = {**d, "decided_on": entry.occurred_on.isoformat()}
        elif kind is EntryKind.SECOND_REVIEW:
            self.second_review = {**d, "reviewed_on": entry.occurred_on.isoformat()}
        elif kind is EntryKind.PROGRESS_REPORTED:
            self.progress_reports[d["period_start"]] = {**d, "report_id": entry.entry_id,
                                                        "filed_on": entry.occurred_on.isoformat()}

    def _apply_progress(self, entry: Entry) -> None:
        d = entry.data
        record = {**d, "record_id": entry.entry_id, "progress_on": entry.occurred_on.isoformat(),
                  "corrects": entry.corrects, "corrected_by": None}
        self.progress[entry.entry_id] = record
        if entry.corrects:
            self.progress[entry.corrects]["corrected_by"] = entry.entry_id
        measure = self.measures[d["measure_id"]]
        # A measure stands where its newest record that nobody corrected puts it.
        effective = [r for r in self.progress.values() if r["measure_id"] == d["measure_id"] and not r["corrected_by"]]
        latest = effective[-1] if effective else None
        measure["status"] = latest["status"] if latest else MeasureStatus.NOT_STARTED.value
        measure["latest_record"] = latest["record_id"] if latest else None
        # The status holds from this record's date, never from before a date the measure was already reported on:
        # so the status's dates follow the records' order, and "the newest status dated up to D" is well defined.
        previous = self.status_since.get(d["measure_id"])
        self.status_since[d["measure_id"]] = max(entry.occurred_on, previous) if previous else entry.occurred_on

    # ------------------------------------------------------------------ state questions

    @property
    def work_phase(self) -> CasePhase:
        return CasePhase.CONTINUED if self.continued_since else CasePhase.CONCENTRATED

    def measure_standing(self, measure_id: str) -> tuple[MeasureStatus, date | None]:
        """The measure's status, as its newest record nobody corrected puts it, and the business date it holds
        from (None: no record yet). Published with every progress record: consumers copy it, never re-derive it."""
        return MeasureStatus(self.measures[measure_id]["status"]), self.status_since.get(measure_id)

    def unfinished_measures(self) -> list[str]:
        return [m for m, v in self.measures.items() if v["status"] != MeasureStatus.COMPLETED.value]

    def is_complete(self) -> bool:
        """Every measure is complete (and, after a reopening, new measures were planned and done)."""
        if self.team_leader is None or not self.measures or self.unfinished_measures():
            return False
        return not self.reopened or self.measures_since_reopen > 0

    def readiness_change(self) -> CasePhase | None:
        """The phase the case must move to now that its measures changed, if any."""
        if self.phase in WORK_PHASES and self.is_complete():
            return CasePhase.READY
        if self.phase is CasePhase.READY and not self.is_complete():
            return self.work_phase
        return None

    def responsibilities(self) -> list[dict]:
        """The responsibility list (责任清单), derived from the measures: nothing typed twice."""
        rows = []
        for measure in self.measures.values():
            task = self.tasks[measure["task_id"]]
            problem = self.problems[measure["problem_id"]]
            rows.append({"measure_id": measure["measure_id"], "measure": measure["title"],
                         "task": task["title"], "problem": problem["title"], "responsible": measure["responsible"],
                         # Measures planned before people refs carry no user id: free text, as they were.
                         "responsible_user_id": measure.get("responsible_user_id"),
                         "responsible_username": measure.get("responsible_username"),
                         "deadline": measure["deadline"], "status": measure["status"]})
        return rows

    # ------------------------------------------------------------------ decisions

    def _require_open(self, what: str) -> None:
        if self.phase not in (*WORK_PHASES, CasePhase.READY):
            raise OutOfOrder("case-closed", f"案件处于“{self.phase.value}”阶段，不能{what}；验收未通过时才会重新打开",
                             f"the case is {self.phase.value}; it is reopened only by a failed acceptance", phase=self.phase.value)

    def _not_before_designation(self, day: date, field_name: str) -> None:
        if day < self.header.designated_on:
            raise RuleViolation("date-before-designation",
                                f"{_DATE_LABELS.get(field_name, field_name)}早于确定为整顿对象的日期 {self.header.designated_on}",
                                f"{field_name} is before the village was designated ({self.header.designated_on})",
                                field=field_name)

    def station_team(self, policy: Policy, policy_version: int, leader: Person, members: list[Person],
                     stationed_on: date, change_reason: str | None, decision: dict | None = None,
                     exception_reason: str | None = None) -> dict:
        self._require_open("调整工作队")
        self._not_before_designation(stationed_on, "stationed_on")
        size = 1 + len(members)
        if not policy.team_size_min <= size <= policy.team_size_max:
            raise RuleViolation("team-size", f"工作队应为 {policy.team_size_min}–{policy.team_size_max} 人（含队长），现为 {size} 人",
                                f"a work team has {policy.team_size_min}–{policy.team_size_max} people including the leader, "
                                f"not {size}", size=size, minimum=policy.team_size_min, maximum=policy.team_size_max)
        required = policy.team_leader_rank
        if leader.rank is None or RANK_ORDER[leader.rank] < RANK_ORDER[required]:
            raise RuleViolation("team-leader-rank", f"工作队队长应为{required.label}及以上干部",
                                f"the team leader must be a {required.value}-level cadre or above",
                                required_rank=required.value, given_rank=leader.rank.value if leader.rank else None)
        reason = (change_reason or "").strip() or None
        if self.team_leader is not None and not reason:
            raise RuleViolation("change-needs-reason", "工作队已派驻，调整须说明理由 (change_reason)",
                                "the team is already stationed: a change needs a reason (change_reason)", field="change_reason")
        if self.team_leader is None and reason:
            reason = None  # a first stationing is not a change
        decided = _change_decision(self.team_leader, decision, stationed_on, "工作队")
        exception = _continued_exception(self, self.team_leader, exception_reason, "工作队")
        return {"leader": _dump(leader), "members": [_dump(m) for m in members], "change_reason": reason,
                "decision": decided, "policy_version": policy_version,
                **({"continued_exception": exception} if exception else {})}

    def assign_contact_leader(self, leader: Person, assigned_on: date, change_reason: str | None,
                              decision: dict | None = None, exception_reason: str | None = None) -> dict:
        self._require_open("调整联系领导")
        self._not_before_designation(assigned_on, "assigned_on")
        if leader.rank is not CadreRank.COUNTY:
            raise RuleViolation("contact-leader-rank", "联系分包领导应为县级领导干部 (rank = county)",
                                "the contact leader must be a county-level leader (rank = county)")
        reason = (change_reason or "").strip() or None
        if self.contact_leader is not None and not reason:
            raise RuleViolation("change-needs-reason", "联系领导不转化不脱钩，调整须说明理由 (change_reason)",
                                "the contact leader stays until acceptance: a change needs a reason (change_reason)",
                                field="change_reason")
        decided = _change_decision(self.contact_leader, decision, assigned_on, "联系领导")
        exception = _continued_exception(self, self.contact_leader, exception_reason, "联系分包领导")
        return {"leader": _dump(leader), "change_reason": reason if self.contact_leader else None,
                "decision": decided, "direct_county_secretary": False,
                **({"continued_exception": exception} if exception else {})}

    def appoint_first_secretary(self, secretary: Person, appointed_on: date, change_reason: str | None) -> dict:
        self._require_open("选派第一书记")
        self._not_before_designation(appointed_on, "appointed_on")
        reason = (change_reason or "").strip() or None
        if self.first_secretary is not None and not reason:
            raise RuleViolation("change-needs-reason", "第一书记已选派，调整须说明理由 (change_reason)",
                                "a first secretary is in place: a change needs a reason (change_reason)", field="change_reason")
        return {"secretary": _dump(secretary), "change_reason": reason if self.first_secretary else None}

    def pair(self, policy: Policy, secretary: Person, secretary_village_code: str, paired_elsewhere: int) -> dict:
        """Pair an excellent village secretary with this village (one secretary: at most N villages)."""
        self._require_open("结对帮扶")
        key = person_key(secretary)
        if any(p["key"] == key for p in self.pairings):
            raise OutOfOrder("already-paired", f"{secretary.name} 已与本村结对", f"{secretary.name} is already paired with this village")
        if secretary_village_code == self.header.village_code:
            raise RuleViolation("pairing-own-village", "结对书记不能来自本村", "the paired secretary must come from another village")
        if paired_elsewhere + 1 > policy.pairing_max_villages:
            raise RuleViolation("pairing-limit", f"一名优秀村党组织书记最多结对 {policy.pairing_max_villages} 个村，{secretary.name} 已结对 "
                                f"{paired_elsewhere} 个", f"one secretary is paired with at most {policy.pairing_max_villages} villages; "
                                f"{secretary.name} already has {paired_elsewhere}", limit=policy.pairing_max_villages)
        return {"secretary": _dump(secretary), "secretary_village_code": secretary_village_code, "key": key}

    def add_problem(self, title: str, detail: str, criterion_code: str | None) -> dict:
        self._require_open("增加问题")
        title = _required_text(title, "title", "问题")
        if criterion_code is not None and criterion_code not in self.header.criteria_met:
            raise RuleViolation("criterion-not-met", f"问题关联的认定标准 {criterion_code} 不是本村被列入的标准 "
                                f"{list(self.header.criteria_met)}；现场新发现的问题请不填 criterion_code",
                                f"criterion {criterion_code} is not one this village was listed under; "
                                "leave criterion_code empty for a problem found on site",
                                criteria_met=list(self.header.criteria_met))
        return {"problem_id": new_id(), "title": title, "detail": detail or "", "criterion_code": criterion_code,
                "found_on_site": criterion_code is None}

    def add_task(self, problem_id: str, title: str) -> dict:
        self._require_open("增加任务")
        if problem_id not in self.problems:
            raise UnknownItem("unknown-problem", f"问题 {problem_id} 不在本村问题清单中", f"problem {problem_id} is not in this case")
        return {"task_id": new_id(), "problem_id": problem_id, "title": _required_text(title, "title", "任务")}

    def plan_measure(self, task_id: str, title: str, responsible: str | Person | None, deadline: date | None,
                     planned_on: date, campaign_ends_on: date) -> dict:
        self._require_open("增加整改措施")
        if task_id not in self.tasks:
            raise UnknownItem("unknown-task", f"任务 {task_id} 不在本村任务清单中", f"task {task_id} is not in this case")
        title = _required_text(title, "title", "整改措施")
        # A platform user (reachable by reminders) or free text for someone without an account.
        person = responsible if isinstance(responsible, Person) else None
        responsible = _required_text(person.name if person else responsible, "responsible", "责任人")
        if deadline is None:
            raise RuleViolation("missing-deadline", "每项整改措施须有完成时限", "every measure needs a deadline", field="deadline")
        if deadline > campaign_ends_on:
            raise RuleViolation("deadline-after-campaign", f"完成时限 {deadline} 晚于整顿工作结束日期 {campaign_ends_on}",
                                f"the deadline {deadline} is after the campaign ends ({campaign_ends_on})",
                                field="deadline", campaign_ends_on=campaign_ends_on.isoformat())
        if deadline < planned_on:
            raise RuleViolation("deadline-in-past", f"完成时限 {deadline} 早于制定日期 {planned_on}",
                                f"the deadline {deadline} is before the day it is planned ({planned_on})", field="deadline")
        return {"measure_id": new_id(), "task_id": task_id, "problem_id": self.tasks[task_id]["problem_id"],
                "title": title, "responsible": responsible, "deadline": deadline.isoformat(),
                "responsible_user_id": person.user_id if person else None,
                "responsible_username": person.username if person else None}

    def publish_plan(self, published_on: date, notice: str) -> dict:
        self._require_open("公开整顿方案")
        if not self.measures:
            raise OutOfOrder("plan-empty", "方案中还没有整改措施，不能公开", "the plan has no measures yet")
        self._not_before_designation(published_on, "published_on")
        return {"notice": notice or "", "measures": len(self.measures)}

    def add_comment(self, commenter: str, text: str) -> dict:
        if self.plan_published_on is None:
            raise OutOfOrder("plan-not-published", "方案尚未公开征求意见", "the plan has not been published for comments")
        return {"comment_id": new_id(), "commenter": (commenter or "").strip() or "匿名", "text": _required_text(text, "text", "意见")}

    def answer_comment(self, comment_id: str, answer: str) -> dict:
        if comment_id not in self.comments:
            raise UnknownItem("unknown-comment", f"意见 {comment_id} 不存在", f"comment {comment_id} is not in this case")
        if self.comments[comment_id]["answer"] is not None:
            raise OutOfOrder("comment-answered", "该意见已答复", "this comment was already answered")
        return {"comment_id": comment_id, "answer": _required_text(answer, "answer", "答复")}

    def record_progress(self, measure_id: str, status: MeasureStatus, narrative: str, evidence: list[dict],
                        corrects: str | None) -> dict:
        self._require_open("填报进展")
        if measure_id not in self.measures:
            raise UnknownItem("unknown-measure", f"整改措施 {measure_id} 不在本村", f"measure {measure_id} is not in this case")
        narrative = _required_text(narrative, "narrative", "进展情况")
        if status is MeasureStatus.COMPLETED and not evidence:
            raise RuleViolation("completion-needs-evidence", "措施完成须上传佐证材料 (evidence_ids)",
                                "a completed measure needs evidence (evidence_ids)", field="evidence_ids")
        if corrects is not None:
            corrected = self.progress.get(corrects)
            if corrected is None or corrected["measure_id"] != measure_id:
                raise UnknownItem("unknown-record", f"要更正的记录 {corrects} 不是此措施的进展记录",
                                  f"record {corrects} is not a progress record of this measure")
            if corrected["corrected_by"]:
                raise OutOfOrder("already-corrected", f"记录 {corrects} 已被 {corrected['corrected_by']} 更正，请更正最新记录",
                                 f"record {corrects} was already corrected by {corrected['corrected_by']}; correct that one",
                                 corrected_by=corrected["corrected_by"])
        return {"measure_id": measure_id, "status": status.value, "narrative": narrative, "evidence": evidence}

    def record_visit(self, leader: Person, team_members: list[str], village_cadres: list[str], key_persons: list[str],
                     problems_pushed: list[str], notes: str, *, problems_required: int = 1) -> dict:
        self._require_open("记录走访")
        if self.contact_leader is None:
            raise OutOfOrder("no-contact-leader", "尚未明确联系领导", "no contact leader is assigned yet")
        unknown = [p for p in problems_pushed if p not in self.problems]
        if unknown:
            raise UnknownItem("unknown-problem", f"推动解决的问题不在本村问题清单中: {unknown}",
                              f"problems pushed are not in this case: {unknown}", problems=unknown)
        missing = missing_musts(team_members, village_cadres, key_persons, problems_pushed, problems_required)
        return {"leader": _dump(leader), "team_members": team_members, "village_cadres": village_cadres,
                "key_persons": key_persons, "problems_pushed": problems_pushed, "notes": notes or "",
                "missing_musts": missing, "counts_toward_minimum": not missing}

    def _require_continued(self, what: str) -> None:
        if self.phase is not CasePhase.CONTINUED:
            raise OutOfOrder("not-in-continued", f"只有持续整顿阶段的村才{what}（当前：{self.phase.value}）",
                             f"only a case in continued rectification can be {what} (now {self.phase.value})")

    def record_study(self, meeting: str, conclusion: str) -> dict:
        self._require_continued("研究")
        return {"meeting": _required_text(meeting, "meeting", "会议"), "conclusion": _required_text(conclusion, "conclusion", "研究意见")}

    def assign_supervision(self, supervisor: Person, deadline: date, decided_on: date, *,
                           known_roles: frozenset[str] | None = None, known_unit: str | None = None) -> dict:
        """县委书记挂牌督办 (seed 000 §三(三)1): the named supervisor is the county secretary of this village's county.
        ``known_roles``/``known_unit`` are the named user's roles and unit when the service knows them (the caller
        names themself); otherwise the named person is judged by the post and rank the request gives."""
        self._require_continued("挂牌督办")
        if self.study is None:
            raise OutOfOrder("study-first", "须先记录县委对该村的研究", "record the county's study of this village first")
        if known_roles is not None:
            is_secretary = "county_secretary" in known_roles and known_unit == self.header.county_code
        else:
            is_secretary = "县委书记" in supervisor.post and supervisor.rank in (None, CadreRank.COUNTY)
        if not is_secretary:
            raise RuleViolation("supervisor-not-county-secretary",
                                f"挂牌督办须由本县县委书记具名（{supervisor.name} 不是本县县委书记；post 应为“县委书记”）",
                                f"the named supervisor must be the county secretary of county {self.header.county_code}",
                                field="supervisor")
        if deadline <= decided_on:
            raise RuleViolation("deadline-in-past", "督办时限须晚于决定日期", "the supervision deadline must be after the decision",
                                field="deadline")
        return {"supervisor": _dump(supervisor), "deadline": deadline.isoformat()}

    def record_second_review(self, county_secretary: Person, conclusion: str) -> dict:
        self._require_continued("二次研判")
        if self.supervision is None:
            raise OutOfOrder("supervision-first", "须先明确县委书记挂牌督办", "record the county secretary's supervision first")
        if self.second_review is not None:
            raise OutOfOrder("already-reviewed", "已进行二次研判", "the second review is already recorded")
        return {"county_secretary": _dump(county_secretary), "conclusion": _required_text(conclusion, "conclusion", "研判意见")}

    def file_progress_report(self, interval_months: int, policy_version: int, filed_on: date,
                             period_start: date | None, summary: str) -> dict:
        """每两个月向县委组织部报送一次 (seed 001 §二(二)): one dated report per period of the case (see
        zhengdun.periods), filed once the period has begun; the period is the one ``filed_on`` falls in unless
        named (a late report names its past period)."""
        self._require_open("报送整顿进展")
        summary = _required_text(summary, "summary", "报送内容")
        designated = self.header.designated_on
        if period_start is None:
            period = period_containing(designated, interval_months, filed_on)
            if period is None:
                raise OutOfOrder("period-not-started", f"首个报送周期自 {first_full_month(designated)} 开始，{filed_on} 尚无可报送的周期",
                                 f"the first reporting period begins on {first_full_month(designated)}")
        else:
            period = next((p for p in report_periods(designated, interval_months, period_start) if p[0] == period_start), None)
            if period is None:
                raise RuleViolation("not-a-report-period",
                                    f"{period_start} 不是本村报送周期的起始日（每 {interval_months} 个月一期，自确定整顿对象次月起）",
                                    f"{period_start} is not the first day of one of this case's {interval_months}-month periods",
                                    field="period_start")
            if filed_on < period_start:
                raise OutOfOrder("period-not-started", f"报送周期 {period_start} 尚未开始", f"the period {period_start} has not begun")
        start, end = period
        if start.isoformat() in self.progress_reports:
            raise OutOfOrder("period-reported", f"{start}至{end} 的整顿进展已报送", f"the period {start}–{end} is already reported",
                             period_start=start.isoformat())
        return {"period_start": start.isoformat(), "period_end": end.isoformat(), "summary": summary,
                "interval_months": interval_months, "policy_version": policy_version}

    def phase_change(self, to: CasePhase, reason: str, *, reopened: bool = False) -> dict:
        return {"phase": to.value, "previous_phase": self.phase.value, "reason": reason, "reopened": reopened}
