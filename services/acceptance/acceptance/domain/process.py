"""One village's acceptance (评估验收), step by step in the order of domain.md §6.

The aggregate is plain data (``Acceptance.state`` is JSON-safe, stored as is) plus one method
per step. Every method checks the step's preconditions first and raises before changing
anything, so a refused step leaves the acceptance exactly as it was.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from zhengdun.refusals import NotPermitted, OutOfOrder, RuleViolation, UnknownItem
from zhengdun.roles import Level
from acceptance.domain.standard import Standard, score_self_check


class Stage(StrEnum):
    READY = "ready"                                  # 待申请
    APPLIED = "applied"                              # 已联名申请
    SELF_CHECKED = "self_checked"                    # 已村级自查
    PRELIMINARY_RECORDED = "preliminary_recorded"    # 乡镇初验已记录，待签字盖章
    PRELIMINARY_PASSED = "preliminary_passed"        # 乡镇初验通过
    COUNTY_GROUPED = "county_grouped"                # 县级验收组已组成，联审部门出具意见
    COUNTY_REPORTED = "county_reported"              # 县级验收报告已出具
    COUNTY_APPROVED = "county_approved"              # 县委常委会已审定
    COUNTY_PASSED = "county_passed"                  # 县委书记签字盖章，已报市备案
    ACCEPTED = "accepted"                            # 满意度测评通过：已通过验收
    NOTICED = "noticed"                              # 公示中
    DELISTED = "delisted"                            # 已销号
    POST_EVALUATED = "post_evaluated"                # 已后评估
    FAILED = "failed"                                # 未通过，退回整改


STAGE_LABELS = {
    Stage.READY: "待申请", Stage.APPLIED: "已联名申请", Stage.SELF_CHECKED: "已村级自查",
    Stage.PRELIMINARY_RECORDED: "乡镇初验待签字", Stage.PRELIMINARY_PASSED: "乡镇初验通过",
    Stage.COUNTY_GROUPED: "县级验收中", Stage.COUNTY_REPORTED: "县级验收报告已出具",
    Stage.COUNTY_APPROVED: "县委常委会已审定", Stage.COUNTY_PASSED: "县级验收通过",
    Stage.ACCEPTED: "已通过验收", Stage.NOTICED: "公示中", Stage.DELISTED: "已销号",
    Stage.POST_EVALUATED: "已后评估", Stage.FAILED: "未通过验收，退回整改",
}

LEVELS = ("city", "province")
# Seed 001 三: a county's own campaign is accepted by 自查、上级党组织检查、县委组织部抽查 — the county's organization
# department spot-checks it, no city or province; so is a township's own campaign (the county is the level above).
COUNTY_LEVELS = ("county",)
SPOT_CHECK_LABELS = {"city": "市级抽查", "province": "省级抽查", "county": "县委组织部抽查"}


def spot_check_levels(campaign_area_level: Level | None) -> tuple[str, ...]:
    """The levels that spot-check a campaign's accepted villages: the county for a county's or a township's own
    campaign, else the city and the province (a campaign whose area is not known yet: as before)."""
    return COUNTY_LEVELS if campaign_area_level in (Level.COUNTY, Level.TOWNSHIP) else LEVELS


@dataclass(frozen=True)
class Person:
    """The authenticated person taking a step."""

    user_id: str
    name: str
    role: str           # the role in which they act
    unit_code: str


@dataclass(frozen=True)
class Outcome:
    """What a step produced, for the service to persist and publish."""

    kind: str                              # "passed", "failed", "accepted", "delisted", "post_evaluated", "recorded"
    step: str | None = None
    reason: str = ""
    score: Decimal | None = None
    revokes_acceptance: bool = False


@dataclass
class Acceptance:
    acceptance_id: str
    case_id: str
    campaign_id: str
    village_code: str
    township_code: str
    county_code: str
    rectifiers: dict[str, str]             # user id → "工作队队长" / "工作队队员" / "联系领导"
    team_leader_user_id: str | None = None
    stage: Stage = Stage.READY
    state: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ helpers

    def _expect(self, *stages: Stage, step: str) -> None:
        if self.stage not in stages:
            raise OutOfOrder("step-out-of-order",
                             f"当前阶段为「{STAGE_LABELS[self.stage]}」，不能进行「{step}」"
                             f"（须在{'、'.join(STAGE_LABELS[s] for s in stages)}阶段）",
                             f"stage is {self.stage.value}; {step} needs {[s.value for s in stages]}",
                             stage=self.stage.value, needed=[s.value for s in stages])

    def _not_rectifier(self, person: Person, step: str) -> None:
        """Separation of duties: whoever rectified the village does not decide its acceptance."""
        if person.user_id in self.rectifiers:
            raise NotPermitted("separation-of-duties",
                               f"{person.name}是本村的{self.rectifiers[person.user_id]}，不能参与「{step}」的决定（职责分离）",
                               f"{person.name} rectified this village and may not take the deciding step {step}",
                               user_id=person.user_id)

    def _fail(self, step: str, reason: str, today: date, *, revokes: bool = False) -> Outcome:
        self.state["failure"] = {"step": step, "reason": reason, "failed_on": today.isoformat(), "revokes": revokes}
        self.stage = Stage.FAILED
        return Outcome("failed", step, reason, revokes_acceptance=revokes)

    # ------------------------------------------------------------------ 1. application

    def sign_application(self, person: Person, today: date) -> Outcome:
        self._expect(Stage.READY, step="联名申请")
        signed = dict(self.state.get("application_signers", {}))
        if person.role in signed:
            raise OutOfOrder("already-signed", f"「{person.role}」已在申请书上签字", "this role already signed",
                             role=person.role)
        if person.user_id in signed.values():
            raise RuleViolation("same-person", "联名申请须由工作队队长和村党组织书记各自签字，不能一人代签",
                                "the two signatures must be two different people")
        if person.role == "work_team_leader" and self.team_leader_user_id and person.user_id != self.team_leader_user_id:
            raise NotPermitted("not-the-team-leader", "只有本村整顿工作队队长本人可以签署申请",
                               "only this village's team leader may sign", user_id=person.user_id)
        signed[person.role] = person.user_id
        self.state["application_signers"] = signed
        if set(signed) >= {"work_team_leader", "village_secretary"}:
            self.stage = Stage.APPLIED
            self.state["applied_on"] = today.isoformat()
            return Outcome("passed", "application")
        return Outcome("recorded", "application")

    # ------------------------------------------------------------------ 2. self-check

    def self_check(self, standard: Standard | None, scores: dict[str, Decimal], today: date) -> Outcome:
        self._expect(Stage.APPLIED, step="村级自查")
        if standard is None:
            raise OutOfOrder("no-standard", "市里尚未制定本次整顿的验收标准", "the city has not set the standard yet")
        total = score_self_check(standard, scores)
        # The version scored against stays with the self-check: a later revision of the standard leaves it as it was.
        self.state["self_check"] = {"scores": {k: str(v) for k, v in scores.items()}, "total": str(total),
                                    "checked_on": today.isoformat(), "standard_version": standard.version}
        self.stage = Stage.SELF_CHECKED
        return Outcome("passed", "self_check", score=total)

    # ------------------------------------------------------------------ 3. township preliminary

    def record_preliminary(self, person: Person, *, passed: bool, inspection_group: list[str], today: date) -> Outcome:
        self._expect(Stage.SELF_CHECKED, step="乡镇初验")
        self._not_rectifier(person, "乡镇初验")
        if len(inspection_group) < 2:
            raise RuleViolation("inspection-group", "初验组至少须有2人", "the inspection group needs at least 2 people")
        self.state["preliminary"] = {"passed": passed, "recorded_by": person.user_id, "recorded_on": today.isoformat()}
        self.stage = Stage.PRELIMINARY_RECORDED
        return Outcome("recorded", "preliminary")

    def sign_preliminary(self, person: Person, today: date) -> Outcome:
        self._expect(Stage.PRELIMINARY_RECORDED, step="乡镇主要负责同志签字")
        self._not_rectifier(person, "乡镇初验签字")
        self.state["preliminary"]["signed_by"] = person.user_id
        if not self.state["preliminary"]["passed"]:
            return self._fail("preliminary", "乡镇初验未通过", today)
        self.stage = Stage.PRELIMINARY_PASSED
        return Outcome("passed", "preliminary")

    # ------------------------------------------------------------------ 4. county acceptance

    def form_county_group(self, person: Person, *, leader: Person | None, leader_rank: str, departments: list[str],
                          today: date) -> Outcome:
        self._expect(Stage.PRELIMINARY_PASSED, step="组成县级验收组")
        self._not_rectifier(person, "县级验收")
        if leader_rank != "county":
            raise RuleViolation("group-leader-rank", "县级验收组须由县级领导干部带队", "the group must be led by a county-level cadre")
        if leader is not None:
            self._not_rectifier(leader, "县级验收组带队")
        if not departments:
            raise RuleViolation("no-departments", "须有联审部门参加验收", "name the joint-review departments")
        self.state["county"] = {"departments": sorted(set(departments)), "opinions": {}, "formed_on": today.isoformat()}
        self.stage = Stage.COUNTY_GROUPED
        return Outcome("recorded", "county")

    def record_opinion(self, person: Person, department: str, *, agrees: bool, today: date) -> Outcome:
        self._expect(Stage.COUNTY_GROUPED, step="联审部门出具意见")
        self._not_rectifier(person, "联审意见")
        county = self.state["county"]
        if department not in county["departments"]:
            raise RuleViolation("department-not-in-group", f"{department} 不在本次验收的联审部门之列",
                                "this department is not part of the group", department=department)
        if department in county["opinions"]:
            raise OutOfOrder("opinion-repeated", f"{department} 已出具意见", "this department already gave its opinion",
                             department=department)
        county["opinions"][department] = {"agrees": agrees, "by": person.user_id, "on": today.isoformat()}
        return Outcome("recorded", "county")

    def missing_opinions(self) -> list[str]:
        county = self.state.get("county", {})
        return sorted(set(county.get("departments", [])) - set(county.get("opinions", {})))

    def report_county(self, person: Person, *, passed: bool, today: date) -> Outcome:
        self._expect(Stage.COUNTY_GROUPED, step="县级验收报告")
        self._not_rectifier(person, "县级验收报告")
        missing = self.missing_opinions()
        if missing:
            raise OutOfOrder("opinions-missing", f"尚有联审部门未出具意见：{missing}", "every joint-review department must "
                             "give its opinion before the county decides", missing=missing)
        self.state["county"].update(report_passed=passed, reported_on=today.isoformat())
        self.stage = Stage.COUNTY_REPORTED
        return Outcome("recorded", "county")

    def approve_county(self, person: Person, *, approved: bool, today: date) -> Outcome:
        self._expect(Stage.COUNTY_REPORTED, step="县委常委会审定")
        self._not_rectifier(person, "县委常委会审定")
        self.state["county"].update(approved=approved, approved_on=today.isoformat())
        self.stage = Stage.COUNTY_APPROVED
        return Outcome("recorded", "county")

    def sign_county(self, person: Person, today: date, *, filed_with: str) -> Outcome:
        self._expect(Stage.COUNTY_APPROVED, step="县委书记签字")
        self._not_rectifier(person, "县委书记签字")
        county = self.state["county"]
        county.update(signed_by=person.user_id, signed_on=today.isoformat(), filed_with=filed_with)
        if not county["report_passed"]:
            return self._fail("county", "县级验收报告结论为不通过", today)
        if not county["approved"]:
            return self._fail("county", "县委常委会未审定通过", today)
        self.stage = Stage.COUNTY_PASSED
        return Outcome("passed", "county")

    # ------------------------------------------------------------------ 5. satisfaction survey

    def survey(self, person: Person, *, respondents: int, satisfied: int, threshold: Decimal, today: date) -> Outcome:
        self._expect(Stage.COUNTY_PASSED, step="群众满意度测评")
        self._not_rectifier(person, "满意度测评")
        if respondents <= 0 or not 0 <= satisfied <= respondents:
            raise RuleViolation("survey-counts", "测评人数须大于0，满意人数须在0与测评人数之间",
                                "respondents > 0 and 0 <= satisfied <= respondents")
        rate = (Decimal(satisfied) / Decimal(respondents)).quantize(Decimal("0.0001"))
        self.state["survey"] = {"respondents": respondents, "satisfied": satisfied, "rate": str(rate),
                                "threshold": str(threshold), "surveyed_on": today.isoformat()}
        # Exact comparison: satisfied / respondents >= threshold  ⇔  satisfied >= threshold × respondents.
        if Decimal(satisfied) < threshold * respondents:
            return self._fail("survey", f"群众满意度 {rate:.2%} 低于 {threshold:.0%}", today)
        self.stage = Stage.ACCEPTED
        self.state["accepted_on"] = today.isoformat()
        return Outcome("accepted", "survey", score=rate)

    # ------------------------------------------------------------------ 6. spot checks

    def note_drawn(self, level: str, sample_id: str, chosen: bool) -> None:
        """The village was in the population of a city/province draw (chosen or not)."""
        self.state["spot_checks"] = dict(self.state.get("spot_checks", {}))
        self.state["spot_checks"][level] = {"sample_id": sample_id, "chosen": chosen, "result": None}

    def record_spot_check(self, person: Person, level: str, *, passed: bool, today: date) -> Outcome:
        step = f"{level}_spot_check"
        label = SPOT_CHECK_LABELS[level]
        self._expect(Stage.ACCEPTED, step=label)
        self._not_rectifier(person, label)
        check = self.state.get("spot_checks", {}).get(level)
        if check is None or not check["chosen"]:
            raise OutOfOrder("not-drawn", f"本村未被{label}抽中", f"the village was not drawn by the {level} spot check")
        if check["result"] is not None:
            raise OutOfOrder("spot-check-repeated", f"{label}已记录结论", "this spot check already has its finding")
        check["result"] = "passed" if passed else "failed"
        check["checked_on"] = today.isoformat()
        if not passed:
            return self._fail(step, f"{label}未通过，撤销验收结果", today, revokes=True)
        return Outcome("passed", step)

    def spot_checks_settled(self, levels: tuple[str, ...] = LEVELS) -> list[str]:
        """What still keeps the village from public notice (empty when nothing does): the spot checks of ``levels``."""
        pending = []
        checks = self.state.get("spot_checks", {})
        for level in levels:
            check = checks.get(level)
            if check is None:
                pending.append(f"{level}: not yet in a drawn population")
            elif check["chosen"] and check["result"] is None:
                pending.append(f"{level}: drawn, finding not recorded")
        return pending

    # ------------------------------------------------------------------ 7. notice and delisting

    def start_notice(self, person: Person, today: date, *, notice_days: int,
                     spot_check_levels: tuple[str, ...] = LEVELS) -> Outcome:
        """The township publishes the result for the policy's ``acceptance_notice_days`` (calendar days), once the
        campaign's spot checks (``spot_check_levels``) are drawn and settled."""
        self._expect(Stage.ACCEPTED, step="公示")
        self._not_rectifier(person, "公示")
        pending = self.spot_checks_settled(spot_check_levels)
        if pending:
            labels = "、".join(SPOT_CHECK_LABELS[level] for level in spot_check_levels)
            raise OutOfOrder("spot-checks-pending", f"{labels}尚未完成，不能公示：{pending}",
                             "the campaign's spot checks must be drawn and settled before the notice", pending=pending)
        ends = date.fromordinal(today.toordinal() + notice_days)
        self.state["notice"] = {"started_on": today.isoformat(), "ends_on": ends.isoformat(), "days": notice_days,
                                "objections": []}
        self.stage = Stage.NOTICED
        return Outcome("passed", "notice")

    def objections(self) -> list[dict[str, Any]]:
        return list(self.state.get("notice", {}).get("objections", []))

    def unanswered_objections(self) -> list[dict[str, Any]]:
        return [o for o in self.objections() if not o["answer"]]

    def record_objection(self, objection_id: str, *, raised_on: date, content: str, today: date) -> Outcome:
        """An objection raised during the notice, kept as screening keeps its notice's (raised_on, content, answer)."""
        self._expect(Stage.NOTICED, step="记录公示异议")
        started = date.fromisoformat(self.state["notice"]["started_on"])
        if raised_on < started:
            raise RuleViolation("objection-before-notice", f"异议提出日期 {raised_on} 早于公示开始日期 {started}",
                                f"the objection is dated before the notice began ({started})", field="raised_on")
        content = (content or "").strip()
        if not content:
            raise RuleViolation("objection-empty", "异议内容不能为空", "the objection needs its content", field="content")
        objection = {"objection_id": objection_id, "raised_on": raised_on.isoformat(), "content": content,
                     "answer": "", "answered_on": None, "recorded_on": today.isoformat()}
        self.state["notice"] = {**self.state["notice"], "objections": [*self.objections(), objection]}
        return Outcome("recorded", "notice")

    def answer_objection(self, objection_id: str, *, answer: str, answered_on: date) -> Outcome:
        self._expect(Stage.NOTICED, step="答复公示异议")
        found = [o for o in self.objections() if o["objection_id"] == objection_id]
        if not found:
            raise UnknownItem("unknown-objection", f"异议 {objection_id} 不存在", f"objection {objection_id} is not recorded",
                              objection_id=objection_id)
        if found[0]["answer"]:
            raise OutOfOrder("objection-answered", "该异议已答复，答复不再修改", "an answer is recorded already; answers are not edited")
        answer = (answer or "").strip()
        if not answer:
            raise RuleViolation("answer-empty", "答复内容不能为空", "the answer needs its text", field="answer")
        if answered_on < date.fromisoformat(found[0]["raised_on"]):
            raise RuleViolation("answer-before-objection", "答复日期早于异议提出日期", "the answer is dated before the objection",
                                field="answered_on")
        self.state["notice"] = {**self.state["notice"], "objections": [
            {**o, "answer": answer, "answered_on": answered_on.isoformat()} if o["objection_id"] == objection_id else o
            for o in self.objections()]}
        return Outcome("recorded", "notice")

    def delist(self, person: Person, *, objection_upheld: bool, today: date, post_evaluation_months: int) -> Outcome:
        self._expect(Stage.NOTICED, step="销号")
        self._not_rectifier(person, "销号")
        ends = date.fromisoformat(self.state["notice"]["ends_on"])
        if today < ends:
            raise OutOfOrder("notice-running", f"公示期至 {ends} 结束，之后方可销号", f"the notice runs until {ends}",
                             ends_on=ends.isoformat())
        # Every objection raised during the notice is answered before the village is delisted.
        unanswered = self.unanswered_objections()
        if unanswered:
            raise OutOfOrder("objections-unanswered", f"公示期间尚有 {len(unanswered)} 条异议未答复，答复后方可销号",
                             f"{len(unanswered)} objection(s) raised during the notice are not answered yet",
                             objections=[o["objection_id"] for o in unanswered])
        if objection_upheld:
            return self._fail("notice", "公示期间异议成立，退回整改", today, revokes=True)
        due = add_months(today, post_evaluation_months)
        self.state.update(delisted_on=today.isoformat(), post_evaluation_due=due.isoformat())
        self.stage = Stage.DELISTED
        return Outcome("delisted", "notice")

    # ------------------------------------------------------------------ 8. post-evaluation

    def post_evaluate(self, person: Person, *, relapsed: bool, reason: str, today: date) -> Outcome:
        self._expect(Stage.DELISTED, step="后评估")
        self._not_rectifier(person, "后评估")
        due = date.fromisoformat(self.state["post_evaluation_due"])
        if today < due:
            raise OutOfOrder("post-evaluation-not-due", f"后评估于 {due} 到期，尚不能评估",
                             f"post-evaluation is due on {due}", due=due.isoformat())
        if relapsed and not reason.strip():
            raise RuleViolation("relapse-reason", "认定反弹须写明原因", "a relapse needs a reason")
        self.state["post_evaluation"] = {"relapsed": relapsed, "reason": reason, "evaluated_on": today.isoformat()}
        self.stage = Stage.POST_EVALUATED
        return Outcome("post_evaluated", "post_evaluation", reason=reason)


def joint_statement(given: str | None, signed: str | None) -> str:
    """The statement of the joint application: the first signer writes it (``signed`` is None), the
    second may leave it out or repeat it word for word — both sign one and the same application."""
    text = (given or "").strip()
    if signed is None:
        if not text:
            raise RuleViolation("statement-missing", "请填写申请书正文", "the first signer writes the statement")
        return text
    if given and text != signed:
        raise RuleViolation("statement-differs", "联名申请须签署同一份申请书，正文与已签内容不一致",
                            "both sign the same application: the statement differs")
    return signed


def add_months(day: date, months: int) -> date:
    """Same day of the month ``months`` later, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    import calendar

    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
