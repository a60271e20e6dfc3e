"""What a case waits on, and from whom (我的待办): plain rules over a folded book (``CaseBook``).

Steps of a unit (stationing the team, naming the contact leader, the continued-phase decisions) go to
the roles the access policy lets take them at the case's county (or township). Steps of a person go to
that person where the book names their login (``Person.user_id``: the team, the contact leader); where it
does not, to whoever holds the role at the unit (the village for the team, the county for the leader).
A step is open until the entry that takes it is in the book, so a task disappears as soon as it is done.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from casework.domain.case import WORK_PHASES, CaseBook, EntryKind, visit_counts
from zhengdun.events.casework import CasePhase, MeasureStatus, Person
from zhengdun.events.screening import Policy
from zhengdun.periods import report_periods
from zhengdun.roles import Level, Role
from zhengdun.tasks import Pending

MEASURE_DUE_SOON_DAYS = 7   # a measure shows up this many days before its deadline
REPORT_DUE_SOON_DAYS = 14   # a period's progress report shows up this many days before the period ends

LABELS = {
    "casework.team": "选派工作队",
    "casework.contact_leader": "明确联系分包县级领导",
    "casework.plan": "制定三张清单",
    "casework.measure.update": "本月更新整改进展",
    "casework.measure.deadline": "整改措施临近时限",
    "casework.plan.comment": "答复群众意见",
    "casework.progress_report": "报送整顿进展",
    "casework.visit": "联系领导到村走访",
    "casework.continued.study": "持续整顿：县委研究",
    "casework.continued.supervision": "持续整顿：挂牌督办",
    "casework.continued.second_review": "持续整顿：二次研判",
}
TEAM_ROLES = {Role.WORK_TEAM_LEADER, Role.WORK_TEAM_MEMBER}


@dataclass(frozen=True)
class Caller:
    user_id: str
    unit: str
    level: Level
    roles: frozenset[str]


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def months_back(day: date, months: int) -> date:
    """The first day of the month ``months`` before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _is(person: Person | None, caller: Caller) -> bool:
    return person is not None and person.user_id == caller.user_id


def on_team(book: CaseBook, caller: Caller) -> bool:
    """The caller works in the village's team: by login where the book names one, else by role at the village."""
    if book.team_leader is None:
        return False   # no team stationed yet: the dispatch is the county's step
    team = [book.team_leader, *book.team_members]
    if any(p.user_id for p in team):
        return any(_is(p, caller) for p in team)
    return caller.level is Level.VILLAGE and caller.unit == book.header.village_code and bool(caller.roles & TEAM_ROLES)


def is_contact_leader(book: CaseBook, caller: Caller) -> bool:
    if caller.level is not Level.COUNTY or caller.unit != book.header.county_code:
        return False
    if book.direct_county_secretary and Role.COUNTY_SECRETARY in caller.roles:
        return True
    if book.contact_leader is not None and book.contact_leader.user_id:
        return _is(book.contact_leader, caller)
    return Role.CONTACT_LEADER in caller.roles


# The entries the unit steps and the contact leader's visits need; the lists and progress (most of a book) are
# read only for the cases whose team or measures may concern the caller (``with_lists``).
UNIT_KINDS = (EntryKind.OPENED, EntryKind.TEAM_STATIONED, EntryKind.CONTACT_LEADER_ASSIGNED, EntryKind.PHASE_CHANGED,
              EntryKind.CONTINUED_STUDIED, EntryKind.SUPERVISION_ASSIGNED, EntryKind.SECOND_REVIEW, EntryKind.VISIT)


def steps(book: CaseBook, policy: Policy, caller: Caller, today: date, *, with_lists: bool = True) -> list[Pending]:
    """The caller's steps on one case; ``with_lists=False``: the book was folded from ``UNIT_KINDS`` only, so the
    team's and measures' steps are not judged."""
    h = book.header
    if book.phase not in WORK_PHASES:
        return []
    base = f"/cases/{h.case_id}"
    key = h.case_id
    common = dict(unit_code=h.village_code, campaign_id=h.campaign_id)
    found: list[Pending] = []
    # Unit steps: the organization department of the county or township dispatches.
    staff_unit = caller.unit in (h.county_code, h.township_code) and Role.ORG_STAFF in caller.roles
    dispatch_due = h.designated_on + timedelta(days=policy.team_stationing_days)
    if staff_unit and book.team_leader is None:
        found.append(Pending("casework.team", key, f"选派工作队（确定整顿对象后 {policy.team_stationing_days} 日内派驻到位）",
                             path=f"{base}/team", method="PUT", due_on=dispatch_due, **common))
    if staff_unit and book.contact_leader is None:
        found.append(Pending("casework.contact_leader", key, "明确联系分包的县级领导干部（不转化不脱钩）",
                             path=f"{base}/contact-leader", method="PUT", due_on=dispatch_due, **common))
    if with_lists:
        found += _team_steps(book, policy, caller, today, base, key, common)
    if is_contact_leader(book, caller) and book.contact_leader is not None:
        required = policy.contact_leader_visits_per_month
        start = month_start(today)
        # Only visits that met the 三必须 count toward the month's minimum.
        done = sum(1 for v in book.visits if start <= date.fromisoformat(v["visited_on"]) <= today and visit_counts(v))
        if done < required:
            found.append(Pending("casework.visit", f"{key}:{start:%Y-%m}", f"本月到村走访 {done}/{required} 次",
                                 detail="只计做到“三必须”的走访（与工作队员、村干部、重点工作对象谈话，推动解决问题）",
                                 path=f"{base}/visits", due_on=month_end(today), done=done, required=required, **common))
    if caller.level is Level.COUNTY and caller.unit == h.county_code and book.phase is CasePhase.CONTINUED:
        found += _continued_steps(book, caller, base, key, common)
    return found


def _team_steps(book: CaseBook, policy: Policy, caller: Caller, today: date, base: str, key: str,
                common: dict) -> list[Pending]:
    """The plan and comments are the team's; a measure is its responsible person's where the measure names
    their login, else the team's."""
    team = on_team(book, caller)
    found = []
    if team and not book.measures:
        found.append(Pending("casework.plan", key, "制定问题清单、任务清单和整改措施（每项措施须有责任人和时限）",
                             path=f"{base}/problems", **common))
    window = months_back(today, policy.measure_update_interval_months - 1)
    updated = {r["measure_id"] for r in book.progress.values()
               if not r["corrected_by"] and date.fromisoformat(r["progress_on"]) >= window}
    for measure_id, m in book.measures.items():
        owner = m.get("responsible_user_id")
        if m["status"] == MeasureStatus.COMPLETED.value or not (owner == caller.user_id if owner else team):
            continue
        path = f"{base}/measures/{measure_id}/progress"
        deadline = date.fromisoformat(m["deadline"])
        if (deadline - today).days <= MEASURE_DUE_SOON_DAYS:
            left = (deadline - today).days
            when = f"已逾期 {-left} 天" if left < 0 else "今日到期" if left == 0 else f"还有 {left} 天到期"
            found.append(Pending("casework.measure.deadline", f"{key}:{measure_id}", f"整改措施{when}：{m['title'][:40]}",
                                 path=path, due_on=deadline, detail=f"责任人：{m['responsible']}", **common))
        elif date.fromisoformat(m["planned_on"]) < month_start(today) and measure_id not in updated:
            found.append(Pending("casework.measure.update", f"{key}:{measure_id}:{today:%Y-%m}",
                                 f"本月尚未更新进展：{m['title'][:40]}", path=path, due_on=month_end(today),
                                 detail=f"责任人：{m['responsible']}", **common))
    if team:
        found += _report_steps(book, policy, today, base, key, common)
    for comment_id, c in book.comments.items():
        if team and c["answer"] is None:
            found.append(Pending("casework.plan.comment", f"{key}:{comment_id}", f"答复群众对整顿方案的意见：{c['text'][:40]}",
                                 path=f"{base}/plan/comments/{comment_id}/answer", **common))
    return found


def _report_steps(book: CaseBook, policy: Policy, today: date, base: str, key: str, common: dict) -> list[Pending]:
    """每两个月向县委组织部报送一次 (seed 001 §二(二)): every unreported period that has ended, and the current one
    from ``REPORT_DUE_SOON_DAYS`` before its end; each is due on its period's last day."""
    found = []
    for start, end in report_periods(book.header.designated_on, policy.progress_report_interval_months, today):
        if start.isoformat() in book.progress_reports or (end - today).days > REPORT_DUE_SOON_DAYS:
            continue
        found.append(Pending("casework.progress_report", f"{key}:report:{start}", f"报送整顿进展（{start} 至 {end}）",
                             detail=f"每 {policy.progress_report_interval_months} 个月向县委组织部报送一次",
                             path=f"{base}/progress-reports", due_on=end, **common))
    return found


def _continued_steps(book: CaseBook, caller: Caller, base: str, key: str, common: dict) -> list[Pending]:
    """Continued rectification: the standing committee studies the village, the county secretary supervises it
    by name with a deadline, then reviews it a second time."""
    if book.study is None:
        if Role.STANDING_COMMITTEE in caller.roles:
            return [Pending("casework.continued.study", key, "县委常委会逐村研究持续整顿的村", path=f"{base}/continued/study",
                            **common)]
        return []
    if Role.COUNTY_SECRETARY not in caller.roles:
        return []
    if book.supervision is None:
        return [Pending("casework.continued.supervision", key, "县委书记挂牌督办（具名、限期）",
                        path=f"{base}/continued/supervision", **common)]
    if book.second_review is None:
        deadline = date.fromisoformat(book.supervision["deadline"])
        return [Pending("casework.continued.second_review", key, "二次研判：督办期满仍未完成的，由县委书记直接联系",
                        path=f"{base}/continued/second-review", due_on=deadline, **common)]
    return []
