"""What acceptance waits on, and from whom (我的待办): one rule per stage of the ladder (domain.md §6).

The next step of each acceptance belongs to one role at one level (the access policy's split); the
rules below name it for the caller, with the due date where the policy or the process sets one. A step
is open until the acceptance moves past it, so the task disappears as soon as it is taken.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from acceptance.domain.process import LEVELS, SPOT_CHECK_LABELS, Stage
from zhengdun.divisions import prefix_of
from zhengdun.roles import REVIEW_DEPARTMENT_LABELS, Level, ReviewDepartment, Role
from zhengdun.tasks import Pending

LABELS = {
    "acceptance.standard": "制定验收标准",
    "acceptance.application.sign": "联名签署验收申请",
    "acceptance.self_check": "村级自查",
    "acceptance.preliminary": "乡镇初验",
    "acceptance.preliminary.sign": "乡镇初验签字盖章",
    "acceptance.county.group": "组成县级验收组",
    "acceptance.county.opinion": "联审部门出具意见",
    "acceptance.county.report": "县级验收报告",
    "acceptance.county.approve": "县委常委会审定验收结果",
    "acceptance.county.sign": "县委书记签字盖章",
    "acceptance.survey": "群众满意度测评",
    "acceptance.spot_check.draw": "验收抽查：抽取样本",
    "acceptance.spot_check.record": "验收抽查：记录结论",
    "acceptance.notice": "公示验收结果",
    "acceptance.notice.objection": "答复公示期间的异议",
    "acceptance.delist": "公示期满销号",
    "acceptance.post_evaluation": "后评估",
}
SIGNER_LABELS = {"work_team_leader": "整顿工作队队长", "village_secretary": "村党组织书记"}


@dataclass(frozen=True)
class Caller:
    user_id: str
    unit: str
    level: Level
    roles: frozenset[str]


@dataclass(frozen=True)
class AcceptanceView:
    acceptance_id: str
    campaign_id: str
    village_code: str
    township_code: str
    county_code: str
    stage: Stage
    team_leader_user_id: str | None = None
    state: dict[str, Any] = field(default_factory=dict)
    # The seed sets no deadline for the city/province spot checks: the campaign's policy sets the window
    # after the county's acceptance (acceptance_spot_check_window_days), the one supervision judges by.
    spot_check_window_days: int = 30
    # Who spot-checks its campaign's accepted villages (process.spot_check_levels): the city and the province, or
    # the county for a county's or a township's own campaign.
    spot_check_levels: tuple[str, ...] = LEVELS


def stages_for(caller: Caller) -> set[Stage]:
    """The stages whose next step this caller's roles at this level may take (to read only those)."""
    roles, level = caller.roles, caller.level
    stages: set[Stage] = set()
    if level is Level.VILLAGE and roles & {Role.WORK_TEAM_LEADER, Role.VILLAGE_SECRETARY}:
        stages |= {Stage.READY, Stage.APPLIED}
    if level is Level.TOWNSHIP:
        if roles & {Role.TOWNSHIP_COMMITTEE, Role.ORG_STAFF}:
            stages |= {Stage.SELF_CHECKED, Stage.ACCEPTED, Stage.NOTICED, Stage.DELISTED}
        if Role.TOWNSHIP_PRINCIPAL in roles:
            stages.add(Stage.PRELIMINARY_RECORDED)
    if level is Level.COUNTY:
        if Role.ORG_STAFF in roles:
            stages |= {Stage.PRELIMINARY_PASSED, Stage.COUNTY_GROUPED, Stage.COUNTY_PASSED, Stage.ACCEPTED, Stage.NOTICED}
        if roles & {d.role for d in ReviewDepartment}:
            stages.add(Stage.COUNTY_GROUPED)
        if Role.STANDING_COMMITTEE in roles:
            stages.add(Stage.COUNTY_REPORTED)
        if Role.COUNTY_SECRETARY in roles:
            stages.add(Stage.COUNTY_APPROVED)
    if level in (Level.CITY, Level.PROVINCE) and Role.ORG_STAFF in roles:
        stages.add(Stage.ACCEPTED)
    return stages


def _path(a: AcceptanceView, suffix: str) -> str:
    return f"/acceptances/{a.acceptance_id}/{suffix}"


def steps(a: AcceptanceView, caller: Caller, today: date) -> list[Pending]:
    """The caller's next step on one acceptance, if it is theirs."""
    roles, level, stage = caller.roles, caller.level, a.stage
    key = a.acceptance_id

    def task(kind: str, title: str, suffix: str, *, unit: str | None = None, due: date | None = None, detail: str = "",
             key_suffix: str = "") -> Pending:
        return Pending(kind, key + key_suffix, title, unit_code=unit or a.village_code, path=_path(a, suffix), due_on=due,
                       detail=detail, campaign_id=a.campaign_id)

    if level is Level.VILLAGE and caller.unit == a.village_code:
        if stage is Stage.READY:
            signed = a.state.get("application_signers", {})
            found = []
            for role in ("work_team_leader", "village_secretary"):
                if role not in roles or role in signed or caller.user_id in signed.values():
                    continue
                if role == "work_team_leader" and a.team_leader_user_id and a.team_leader_user_id != caller.user_id:
                    continue   # the village's own team leader signs, nobody else in the role
                other = "village_secretary" if role == "work_team_leader" else "work_team_leader"
                found.append(task("acceptance.application.sign", f"以{SIGNER_LABELS[role]}身份联名签署验收申请",
                                  "application/sign", key_suffix=f":{role}",
                                  detail=f"{SIGNER_LABELS[other]}{'已签' if other in signed else '尚未签'}"))
            return found
        if stage is Stage.APPLIED and roles & {Role.WORK_TEAM_LEADER, Role.VILLAGE_SECRETARY}:
            return [task("acceptance.self_check", "村级自查：按验收标准逐项打分", "self-check")]
        return []
    if level is Level.TOWNSHIP and caller.unit == a.township_code:
        if stage is Stage.SELF_CHECKED and roles & {Role.TOWNSHIP_COMMITTEE, Role.ORG_STAFF}:
            return [task("acceptance.preliminary", "乡镇初验：初验组、党委集体研究、是否摘帽", "preliminary")]
        if stage is Stage.PRELIMINARY_RECORDED and Role.TOWNSHIP_PRINCIPAL in roles:
            return [task("acceptance.preliminary.sign", "乡镇初验报告：主要负责同志签字、加盖乡镇印章", "preliminary/sign")]
        if roles & {Role.TOWNSHIP_COMMITTEE, Role.ORG_STAFF}:
            return _township_notice_steps(a, today, task)
        return []
    if level is Level.COUNTY and caller.unit == a.county_code:
        return _county_steps(a, roles, today, task)
    if level in (Level.CITY, Level.PROVINCE) and Role.ORG_STAFF in roles and a.county_code.startswith(_prefix(caller.unit)):
        return _spot_check_record(a, level, task)
    return []


def _spot_check_record(a: AcceptanceView, level: Level, task) -> list[Pending]:
    """The drawn village's spot check at the caller's level, while its finding is not recorded."""
    check = a.state.get("spot_checks", {}).get(level.value)
    if a.stage is Stage.ACCEPTED and level.value in a.spot_check_levels and check and check["chosen"] \
            and check["result"] is None:
        return [task("acceptance.spot_check.record", f"{SPOT_CHECK_LABELS[level.value]}：记录抽中村的验收抽查结论",
                     f"spot-checks/{level.value}", due=_spot_check_due(a))]
    return []


def _county_steps(a: AcceptanceView, roles: frozenset[str], today: date, task) -> list[Pending]:
    stage, county = a.stage, a.state.get("county", {})
    if stage is Stage.PRELIMINARY_PASSED and Role.ORG_STAFF in roles:
        return [task("acceptance.county.group", "组成县级验收组（县级领导干部带队，联审部门参加）", "county/group")]
    if stage is Stage.COUNTY_GROUPED:
        found = []
        missing = sorted(set(county.get("departments", [])) - set(county.get("opinions", {})))
        for department in ReviewDepartment:
            if department.role in roles and department.value in missing:
                found.append(task("acceptance.county.opinion", f"出具联审意见（{REVIEW_DEPARTMENT_LABELS[department]}）",
                                  "county/opinions", key_suffix=f":{department.value}"))
        if Role.ORG_STAFF in roles and not missing:
            found.append(task("acceptance.county.report", "出具县级验收报告（各联审部门均已出具意见）", "county/report"))
        return found
    if stage is Stage.COUNTY_REPORTED and Role.STANDING_COMMITTEE in roles:
        return [task("acceptance.county.approve", "县委常委会审定县级验收结果", "county/approve")]
    if stage is Stage.COUNTY_APPROVED and Role.COUNTY_SECRETARY in roles:
        return [task("acceptance.county.sign", "县级验收报告：县委书记签字、加盖县委印章，报市备案", "county/sign")]
    if Role.ORG_STAFF not in roles:
        return []
    if stage is Stage.ACCEPTED:
        return _spot_check_record(a, Level.COUNTY, task)
    if stage is Stage.COUNTY_PASSED:
        return [task("acceptance.survey", "群众满意度测评", "survey")]
    if stage is Stage.NOTICED:
        ends = date.fromisoformat(a.state["notice"]["ends_on"])
        unanswered = [o for o in a.state["notice"].get("objections", []) if not o["answer"]]
        detail = "公示期内尚不能销号" if today < ends else (f"尚有 {len(unanswered)} 条异议未答复" if unanswered else "")
        return [task("acceptance.delist", f"公示期满（{ends.month}月{ends.day}日）无异议的，销号", "delist", due=ends,
                     detail=detail)]
    return []


def _township_notice_steps(a: AcceptanceView, today: date, task) -> list[Pending]:
    """The township's part after the county's acceptance: the notice, its objections, the post-evaluation."""
    if a.stage is Stage.ACCEPTED and not spot_checks_pending(a.state, a.spot_check_levels):
        checks = "、".join(SPOT_CHECK_LABELS[level] for level in a.spot_check_levels)
        return [task("acceptance.notice", f"公示验收结果（{checks}已完成）", "notice")]
    if a.stage is Stage.NOTICED:
        return [task("acceptance.notice.objection", f"答复公示期间的异议：{o['content'][:30]}",
                     f"notice/objections/{o['objection_id']}/answer", key_suffix=f":{o['objection_id']}")
                for o in a.state["notice"].get("objections", []) if not o["answer"]]
    if a.stage is Stage.DELISTED:
        due = date.fromisoformat(a.state["post_evaluation_due"])
        # From its due date only: the service refuses an earlier evaluation, and a to-do item is a step one can take.
        if today >= due:
            return [task("acceptance.post_evaluation", "乡镇党委组织销号后评估：巩固或反弹", "post-evaluation", due=due)]
    return []


def spot_checks_pending(state: dict[str, Any], levels: tuple[str, ...] = LEVELS) -> bool:
    """A spot check of ``levels`` still undrawn, or drawn with the village chosen and no finding."""
    checks = state.get("spot_checks", {})
    return any(checks.get(level) is None or (checks[level]["chosen"] and checks[level]["result"] is None)
               for level in levels)


def _spot_check_due(a: AcceptanceView) -> date | None:
    accepted = a.state.get("accepted_on")
    return date.fromisoformat(accepted) + timedelta(days=a.spot_check_window_days) if accepted else None


def draws(accepted: list[AcceptanceView], caller: Caller) -> list[Pending]:
    """A city's (province's) draw per county and campaign: accepted villages not yet in any draw at its level; the
    county's own draw in the campaigns it spot-checks itself."""
    if caller.level not in (Level.CITY, Level.PROVINCE, Level.COUNTY) or Role.ORG_STAFF not in caller.roles:
        return []

    def in_reach(a: AcceptanceView) -> bool:
        if caller.level is Level.COUNTY:
            return a.county_code == caller.unit
        return a.county_code.startswith(_prefix(caller.unit)) and a.county_code != caller.unit

    waiting: dict[tuple[str, str], list[AcceptanceView]] = {}
    for a in accepted:
        if a.stage is Stage.ACCEPTED and caller.level.value in a.spot_check_levels \
                and caller.level.value not in a.state.get("spot_checks", {}) and in_reach(a):
            waiting.setdefault((a.campaign_id, a.county_code), []).append(a)
    found = []
    for (campaign_id, county), group in sorted(waiting.items()):
        due = min((d for d in map(_spot_check_due, group) if d), default=None)
        found.append(Pending("acceptance.spot_check.draw", f"{campaign_id}:{county}:{caller.level.value}",
                             f"{SPOT_CHECK_LABELS[caller.level.value]}：从 {len(group)} 个已通过验收的村中按比例抽取",
                             unit_code=county, path="/spot-checks", due_on=due, campaign_id=campaign_id, count=len(group)))
    return found


def standards(campaigns_without_standard: list[tuple[str, str]], caller: Caller) -> list[Pending]:
    """The organization department of the unit running a campaign sets its acceptance standard while it has
    none: no village of the campaign can apply for acceptance before it is set. ``campaigns_without_standard``:
    (campaign id, area code)."""
    if caller.level is Level.VILLAGE or Role.ORG_STAFF not in caller.roles:   # a campaign runs at any level above
        return []
    return [Pending("acceptance.standard", campaign_id, "制定本次整顿工作的验收标准（四个方面的评分项与合格分）",
                    unit_code=area, path=f"/campaigns/{campaign_id}/standard", method="PUT", campaign_id=campaign_id,
                    detail="验收标准制定前，整顿完成的村无法申请验收")
            for campaign_id, area in campaigns_without_standard if area == caller.unit]


def _prefix(code: str) -> str:
    return prefix_of(code)
