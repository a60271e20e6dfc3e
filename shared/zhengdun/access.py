"""The one access policy: for every business action, who may take it and where.

Every business endpoint declares its action with ``Depends(authorized("<action>"))``, which
checks the caller's roles and level before anything else (so a refused caller learns nothing
from validation errors), and — when the target division is in the path or query — that the
target lies inside the caller's jurisdiction. A target known only from the body or the
database is checked with ``authorize_target`` in the handler. Nothing is decided ad hoc.

A rule names the functional roles allowed, the levels of the caller's unit allowed, and where
the target must lie relative to the caller's unit:

- ``SUBTREE``: the target is the caller's unit or below it (the default);
- ``OWN_UNIT``: exactly the caller's unit (e.g. a township acting on its own list);
- ``BELOW``: strictly below the caller's unit (e.g. managing the users of one's subtree).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fastapi import Request

from zhengdun.auth import Principal, current_principal
from zhengdun.divisions import InvalidDivisionCode, validate_code
from zhengdun.problems import Problem, forbidden
from zhengdun.roles import Level, ReviewDepartment, Role


class Scope(StrEnum):
    SUBTREE = "subtree"
    OWN_UNIT = "own_unit"
    BELOW = "below"


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    levels: frozenset[Level]
    scope: Scope = Scope.SUBTREE
    label: str = ""

    def allows(self, roles: frozenset[str] | set[str], level: Level | None) -> bool:
        return bool(set(roles) & self.roles) and level in self.levels

    def reaches(self, unit: str, target: str) -> bool:
        if self.scope is Scope.OWN_UNIT:
            return target == unit
        from zhengdun.divisions import is_within

        inside = is_within(target, unit)
        return inside and target != unit if self.scope is Scope.BELOW else inside


def rule(roles, levels, scope: Scope = Scope.SUBTREE, label: str = "") -> Rule:
    return Rule(frozenset(str(r) for r in roles), frozenset(levels), scope, label)


ALL_LEVELS = set(Level)
PEOPLE = {r for r in Role if r not in (Role.OPERATIONS, Role.EXTERNAL_SUBSCRIBER)} | {d.role for d in ReviewDepartment}
ABOVE_VILLAGE = {Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP}

# The table. Services add their actions here, one line each, so the whole policy reads in one place.
POLICY: dict[str, Rule] = {
    "division.read": rule(PEOPLE, ALL_LEVELS, label="查看行政区划"),
    "division.import": rule({Role.ORG_STAFF}, {Level.PROVINCE, Level.CITY, Level.COUNTY}, label="导入行政区划"),
    "user.read": rule({Role.ORG_STAFF}, ABOVE_VILLAGE, label="查看辖区用户"),
    "user.manage": rule({Role.ORG_STAFF}, ABOVE_VILLAGE, Scope.BELOW, label="创建、停用、调整辖区用户"),
    "clock.read": rule(PEOPLE | {Role.OPERATIONS}, ALL_LEVELS, label="查看平台业务日期"),
    "clock.set": rule({Role.OPERATIONS}, ALL_LEVELS, label="设置平台业务日期（测试、演示）"),
    "operations.dead_letters.read": rule({Role.OPERATIONS}, ALL_LEVELS, label="查看死信（原因、来源、消费者）"),
    "operations.dead_letters.replay": rule({Role.OPERATIONS}, ALL_LEVELS, label="修复后重放死信"),
    "tasks.read": rule(PEOPLE, ALL_LEVELS, label="查看我的待办"),
    "report.sync": rule(PEOPLE, ALL_LEVELS, label="查看本人刚写入的数据是否已进入统计（数据同步中）"),
    "notification.read": rule(PEOPLE, ALL_LEVELS, label="查看、标记本人通知，设置本人通知方式"),
    "notification.configure_unit": rule({Role.ORG_STAFF}, ALL_LEVELS, label="设置辖区单位的通知方式（邮箱、工作群机器人）"),
    # --- screening 排查认定 ---
    "campaign.read": rule(PEOPLE, ALL_LEVELS, label="查看整顿工作及政策"),
    # Any level above the village runs campaigns over its subtree (issue 22): its organization department.
    "campaign.open": rule({Role.ORG_STAFF}, ABOVE_VILLAGE, label="启动整顿工作、修订政策"),
    "screening.read": rule(PEOPLE, ABOVE_VILLAGE, label="查看排查结果与名单"),
    "screening.assess": rule({Role.ORG_STAFF, Role.TOWNSHIP_COMMITTEE}, {Level.TOWNSHIP}, label="逐村排查研判"),
    "screening.township_list": rule({Role.TOWNSHIP_COMMITTEE}, {Level.TOWNSHIP}, Scope.OWN_UNIT,
                                    label="乡镇党委研究、公示、上报名单"),
    "screening.county_review": rule({Role.ORG_STAFF}, {Level.COUNTY}, label="县级抽查核实、退回或调整名单"),
    "screening.lagging_rule": rule({Role.ORG_STAFF, Role.TOWNSHIP_COMMITTEE}, {Level.COUNTY, Level.TOWNSHIP}, Scope.OWN_UNIT,
                                   label="确定本县（乡镇）后进村倒排规则"),
    "screening.county_decide": rule({Role.STANDING_COMMITTEE}, {Level.COUNTY}, Scope.OWN_UNIT, label="县委常委会审定名单"),
    "screening.township_decide": rule({Role.TOWNSHIP_COMMITTEE}, {Level.TOWNSHIP}, Scope.OWN_UNIT,
                                      label="乡镇开展的整顿工作：乡镇党委研究确定名单"),
    "screening.city_spot_check": rule({Role.ORG_STAFF}, {Level.PROVINCE, Level.CITY}, Scope.BELOW, label="市级抽查县级名单"),
    "screening.file": rule({Role.ORG_STAFF}, {Level.COUNTY}, Scope.OWN_UNIT, label="名单向市委组织部备案"),
    "screening.filings.read": rule({Role.ORG_STAFF, Role.SUPERVISION_GROUP}, {Level.PROVINCE, Level.CITY, Level.COUNTY},
                                   label="查看备案名单"),
    # The register of organizations and cadres (screening/domain/cadres.py): the township keeps its villages' entries;
    # the levels above and the village's own people read them (the joint-review departments have no use for it);
    # phones and members' names only for the organization departments above and the township's own committee.
    "cadres.read": rule(PEOPLE - {d.role for d in ReviewDepartment} - {Role.REVIEW_DEPARTMENT}, ALL_LEVELS,
                        label="查看村党组织和“两委”干部名册"),
    "cadres.keep": rule({Role.ORG_STAFF, Role.TOWNSHIP_COMMITTEE}, {Level.TOWNSHIP}, label="维护本乡镇村党组织和“两委”干部名册（导入、修改）"),
    "cadres.personal": rule({Role.ORG_STAFF, Role.TOWNSHIP_COMMITTEE, Role.TOWNSHIP_PRINCIPAL}, ABOVE_VILLAGE,
                            label="查看名册中的联系电话和班子成员姓名（个人信息）"),
    # --- casework 整顿台账 ---
    "case.read": rule(PEOPLE, ALL_LEVELS, label="查看整顿台账"),
    "case.staff": rule({Role.ORG_STAFF}, {Level.COUNTY, Level.TOWNSHIP}, label="选派工作队、明确联系领导、结对帮扶"),
    "case.plan": rule({Role.WORK_TEAM_LEADER, Role.WORK_TEAM_MEMBER, Role.TOWNSHIP_COMMITTEE}, {Level.TOWNSHIP, Level.VILLAGE},
                      label="制定问题、任务、责任清单和整顿方案"),
    "case.progress": rule({Role.WORK_TEAM_LEADER, Role.WORK_TEAM_MEMBER}, {Level.VILLAGE}, label="填报整改进展"),
    # Seed 001 §二(二): the work team (or the township for it) reports progress to the county every two months.
    "case.report": rule({Role.WORK_TEAM_LEADER, Role.WORK_TEAM_MEMBER, Role.TOWNSHIP_COMMITTEE, Role.ORG_STAFF},
                        {Level.TOWNSHIP, Level.VILLAGE}, label="向县委组织部报送整顿进展"),
    "case.visit": rule({Role.CONTACT_LEADER, Role.COUNTY_SECRETARY}, {Level.COUNTY}, label="记录联系领导走访"),
    # Pairing (结对帮带, seed 002): the county's organization department arranges it; the levels above and the township read.
    "pairing.keep": rule({Role.ORG_STAFF}, {Level.COUNTY}, label="安排优秀村党组织书记结对帮带软弱涣散村"),
    "pairing.read": rule(PEOPLE, ABOVE_VILLAGE, label="查看结对帮带名单"),
    "case.continued": rule({Role.ORG_STAFF, Role.STANDING_COMMITTEE, Role.COUNTY_SECRETARY}, {Level.COUNTY},
                           label="持续整顿：研究、挂牌督办、二次研判"),
    # --- supervision 督导问责 ---
    "supervision.read": rule({Role.ORG_STAFF, Role.SUPERVISION_GROUP, Role.STANDING_COMMITTEE, Role.COUNTY_SECRETARY,
                              Role.TOWNSHIP_COMMITTEE, Role.TOWNSHIP_PRINCIPAL}, ABOVE_VILLAGE, label="查看预警、督导、问责"),
    "supervision.inspect": rule({Role.SUPERVISION_GROUP, Role.ORG_STAFF}, {Level.PROVINCE, Level.CITY, Level.COUNTY},
                                label="制定督导计划、记录督导检查"),
    "supervision.hold_accountable": rule({Role.ORG_STAFF, Role.STANDING_COMMITTEE}, {Level.PROVINCE, Level.CITY, Level.COUNTY},
                                         Scope.BELOW, label="决定约谈、诫勉谈话、组织处理"),
    "supervision.evaluate": rule({Role.ORG_STAFF, Role.STANDING_COMMITTEE}, {Level.CITY, Level.COUNTY},
                                 label="评价联系领导、乡镇书记、工作队员"),
    # Seed 000 §三(二)1–3: the standing committee's 四统一, the organization department's 五统一, the township's 五到位;
    # which body records which kind is the domain's (supervision/domain/campaign_records.py).
    "supervision.campaign_record": rule({Role.STANDING_COMMITTEE, Role.ORG_STAFF, Role.TOWNSHIP_COMMITTEE},
                                        {Level.COUNTY, Level.TOWNSHIP}, Scope.OWN_UNIT,
                                        label="记录四统一、五统一、五到位（日期、参加人员、内容）"),
    # Seed 000 §四三是: accountability results feed the annual appraisal (述职评议考核) the organization departments run.
    "supervision.appraisal": rule({Role.ORG_STAFF}, {Level.CITY, Level.COUNTY}, label="导出年度问责与评价结果（述职评议考核）"),
    # Seed 004: the township Party committee keeps its special actions (任务分解表, 进展) and its branches' organization
    # life (组织生活计划, 每会必记); the levels above read them through supervision.read.
    "special_action.keep": rule({Role.ORG_STAFF, Role.TOWNSHIP_COMMITTEE}, {Level.TOWNSHIP},
                                label="制定专项行动任务分解表、记录进展和村党组织组织生活"),
    "journal.read": rule(PEOPLE, ABOVE_VILLAGE, label="查看并核验纪实记录"),
    # --- acceptance 评估验收 ---
    "acceptance.read": rule(PEOPLE, ALL_LEVELS, label="查看验收材料并核验签章"),
    "acceptance.apply": rule({Role.WORK_TEAM_LEADER, Role.VILLAGE_SECRETARY}, {Level.VILLAGE}, Scope.OWN_UNIT,
                             label="联名申请验收、村级自查"),
    "acceptance.attach": rule({Role.WORK_TEAM_LEADER, Role.VILLAGE_SECRETARY, Role.TOWNSHIP_COMMITTEE, Role.ORG_STAFF},
                              {Level.VILLAGE, Level.TOWNSHIP, Level.COUNTY},
                              label="上传验收佐证材料（签字的申请书原件、初验和验收报告）"),
    "acceptance.standard": rule({Role.ORG_STAFF}, ABOVE_VILLAGE, label="制定验收标准（开展整顿工作的单位）"),
    "acceptance.preliminary": rule({Role.TOWNSHIP_COMMITTEE, Role.ORG_STAFF}, {Level.TOWNSHIP}, label="乡镇初验"),
    "acceptance.preliminary.sign": rule({Role.TOWNSHIP_PRINCIPAL}, {Level.TOWNSHIP}, label="乡镇主要负责同志签字"),
    "acceptance.county": rule({Role.ORG_STAFF}, {Level.COUNTY}, label="县级验收、满意度测评、销号"),
    # Seed 000 §三(五)3: the county feeds the result back and the township publishes it (乡镇…公示).
    "acceptance.notice": rule({Role.TOWNSHIP_COMMITTEE, Role.ORG_STAFF}, {Level.TOWNSHIP},
                              label="公示验收结果，记录、答复公示期间的异议"),
    # Seed 000 §三(四): three months after delisting the township Party committee organizes the post-evaluation.
    "acceptance.post_evaluation": rule({Role.TOWNSHIP_COMMITTEE, Role.ORG_STAFF}, {Level.TOWNSHIP},
                                       label="乡镇党委组织后评估"),
    "acceptance.review_opinion": rule({d.role for d in ReviewDepartment}, {Level.COUNTY}, label="联审部门出具意见"),
    "acceptance.county.approve": rule({Role.STANDING_COMMITTEE}, {Level.COUNTY}, label="县委常委会审定验收结果"),
    "acceptance.county.sign": rule({Role.COUNTY_SECRETARY}, {Level.COUNTY}, label="县委书记签字"),
    # The county spot-checks its own campaign's (seed 001 县委组织部抽查); the service says which level checks which campaign.
    "acceptance.spot_check": rule({Role.ORG_STAFF}, {Level.PROVINCE, Level.CITY, Level.COUNTY}, Scope.SUBTREE,
                                  label="验收抽查（市、省级；县开展的整顿由县委组织部抽查）"),
    "acceptance.seal.manage": rule({Role.ORG_STAFF}, {Level.PROVINCE, Level.CITY}, label="管理单位电子印章密钥"),
    # --- reporting 报送与通报 ---
    "report.read": rule(PEOPLE, ABOVE_VILLAGE, label="查看统计数据与下钻名单"),
    "report.document": rule({Role.ORG_STAFF, Role.SUPERVISION_GROUP}, ABOVE_VILLAGE, label="生成通报、台账、汇总表"),
    "report.rebuild": rule({Role.OPERATIONS}, ALL_LEVELS, label="重建统计读模型（运维）"),
}


def _check(principal: Principal, action: str) -> Rule:
    policy_rule = POLICY[action]
    if not principal.roles & policy_rule.roles:
        raise forbidden(f"您的角色不能执行“{policy_rule.label or action}” (your roles may not {action})")
    if principal.level not in policy_rule.levels:
        raise forbidden(f"您所在层级不能执行“{policy_rule.label or action}” (your level may not {action})")
    return policy_rule


def authorize_target(principal: Principal, action: str, target_code: str) -> None:
    """Raise 403 problem+json unless ``principal`` may take ``action`` on ``target_code``."""
    policy_rule = _check(principal, action)
    if not policy_rule.reaches(principal.division_code, target_code):
        where = {Scope.OWN_UNIT: "不是您本单位", Scope.BELOW: "不在您的下级单位中"}.get(policy_rule.scope, "不在您的辖区内")
        raise forbidden(f"{target_code} {where} (outside the jurisdiction allowed for {action})")


def authorized(action: str, *, target: str | None = None, also: tuple[str, ...] = ()):
    """FastAPI dependency: the caller, allowed to take ``action``.

    ``target`` names a path or query parameter holding the target division code; ``also`` names further
    query parameters (a list's narrower filters) that, when given, must lie in the caller's reach too.
    """
    if action not in POLICY:
        raise KeyError(f"action {action!r} is not in the access policy table")

    async def dependency(request: Request) -> Principal:
        principal = await current_principal(request)
        _check(principal, action)
        for name in (target, *also) if target else ():
            code = request.path_params.get(name) or request.query_params.get(name)
            if code:
                try:
                    validate_code(code)
                except InvalidDivisionCode as exc:
                    where = "path" if name in request.path_params else "query"
                    raise Problem(422, "invalid-division-code", "区划代码不合法 Invalid division code", str(exc),
                                  errors=[{"field": f"{where}.{name}", "message": str(exc)}]) from None
                authorize_target(principal, action, code)
        return principal

    dependency.reads_caller = True  # type: ignore[attr-defined]  # zhengdun.openapi: its route needs a caller
    return guard(dependency, action, target)


def guard(dependency, action: str, target: str | None = None):
    """Mark ``dependency`` as its route's guard for ``action``: the access matrix finds every route's guard by
    these marks (``authorized`` is one; so is a dependency that loads "this case" and checks the caller)."""
    dependency.action = action  # type: ignore[attr-defined]
    dependency.target = target  # type: ignore[attr-defined]
    return dependency


