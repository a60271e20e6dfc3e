"""A township's special actions (seed 004, 六大专项行动) beside the city's campaign, through the public APIs.

The township's organization staff keep two actions of the task-decomposition table (附件1) with three pilot
villages each, record the progress of some items with evidence, and record a whole quarter of 三会一课 for the
pilot branches of 组织生活规范化专项行动 — every meeting with its attendees and minutes (每会必记) except one
branch committee meeting, left out on purpose. The quarter is the last one ended before the platform's day,
so the township's schedule, made afterwards, judges it at once: exactly one alert, for that branch and month.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from zhengdun_demo.api import Platform

# The schedule follows 三会一课 (seed 004 二(三)1); the fixed study days are left to the township's own rhythm.
KINDS = ("party_congress", "branch_committee", "party_group", "party_lecture")
MONTHLY_DAYS = {"branch_committee": 8, "party_group": 15}
QUARTERLY_DAYS = {"party_congress": 25, "party_lecture": 26}       # in the quarter's first month
ATTENDEES = ["支部书记", "支部委员", "党员代表"]


@dataclass
class SpecialActions:
    """What the steps did: the summary and the tests read their ground truth from here."""

    township: str
    action_ids: list[str] = field(default_factory=list)
    schedule_id: str = ""
    items_done: int = 0
    items_total: int = 0
    meetings: int = 0
    missed: tuple[str, str, str] = ("", "", "")                    # (branch, kind, first day of the month)


def last_ended_quarter(today: date) -> tuple[date, date]:
    first_of_this = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    last = first_of_this - timedelta(days=1)
    return date(last.year, last.month - 2, 1), last


def _item(project: str, requirement: str, due_on: date, time_node: str, responsible: str) -> dict:
    return {"project": project, "requirement": requirement, "due_on": due_on.isoformat(), "time_node": time_node,
            "responsible_name": responsible}


def actions_of(township: str, pilots: list[str], branches: list[str], starts: date) -> list[dict]:
    """Two of the six actions with items of seed 004's 附件1, each item due within the action's year (全年): none is
    overdue when the table is made, so the one alert of the story is the missed meeting's."""
    ends = starts.replace(year=starts.year + 1) - timedelta(days=1)
    cadres = {"township_code": township, "name": "村干部管理规范化专项行动", "starts_on": starts.isoformat(),
              "ends_on": ends.isoformat(), "pilot_villages": pilots, "items": [
                  _item("落实村党组织书记县镇共管制度", "镇党委动议申报、县级联审联查、县镇共同考察、县委组织部部务会研究、镇党委公示任用。",
                        ends, "全年", "陆波"),
                  _item("拓宽农村干部选育渠道", "统筹招聘“乡村振兴专干”纳入乡土人才队伍管理，充实后备人才力量。",
                        ends, "全年", "陆波"),
                  _item("提升履职能力水平", "组织开展村党组织书记、村干部集中轮训。", ends, "全年", "陆波")]}
    org_life = {"township_code": township, "name": "组织生活规范化专项行动", "starts_on": starts.isoformat(),
                "ends_on": ends.isoformat(), "pilot_villages": branches, "items": [
                    _item("严格落实党的组织生活制度", "严格执行“三会一课”，坚持每月10日、20日的“固定学习日”。", ends, "全年", "曹立鑫"),
                    _item("规范组织生活记实", "每会必记、逐月整理、按季检查、全年归档。", ends, "全年", "曹立鑫")]}
    return [cadres, org_life]


def quarter_meetings(branches: list[str], first: date) -> list[tuple[str, str, date]]:
    """(branch, kind, held on) of a quarter's 三会一课 for every branch."""
    months = [first, (first + timedelta(days=32)).replace(day=1), (first + timedelta(days=63)).replace(day=1)]
    held = [(b, k, first.replace(day=d)) for b in branches for k, d in QUARTERLY_DAYS.items()]
    held += [(b, k, m.replace(day=d)) for b in branches for m in months for k, d in MONTHLY_DAYS.items()]
    return sorted(held, key=lambda m: (m[2], m[0], m[1]))


def run(api: Platform, staff: str, township: str, villages: list[str], today: date) -> SpecialActions:
    """``staff``: the township's organization staff (special_action.keep); ``villages``: six of its villages,
    the first three pilots of the cadre action, the last three the branches of the organization-life action."""
    pilots, branches = villages[:3], villages[3:6]
    first, last = last_ended_quarter(today)
    done = SpecialActions(township=township)
    opened = [api.post(staff, "supervision", "/special-actions", body)
              for body in actions_of(township, pilots, branches, first)]
    done.action_ids = [a["action_id"] for a in opened]
    cadres, org_life = opened

    # Progress: the recruitment item of the cadre action and the record-keeping item of organization life are
    # done (with their evidence); the training goes on, recorded in one pilot village.
    for action, item, text, evidence in (
            (cadres, cadres["items"][1], "已招聘乡村振兴专干3名，纳入乡土人才队伍管理", "招聘公告、录用名单"),
            (org_life, org_life["items"][1], "试点村组织生活记录本统一印制，逐月整理", "记录本样张、季度检查表")):
        api.post(staff, "supervision", f"/special-actions/{action['action_id']}/items/{item['item_id']}/progress",
                 {"recorded_on": last.isoformat(), "text": text, "done": True, "evidence": evidence})
    api.post(staff, "supervision", f"/special-actions/{cadres['action_id']}/items/{cadres['items'][2]['item_id']}/progress",
             {"recorded_on": last.isoformat(), "text": "已开展村干部集中轮训一期", "village_code": pilots[0]})

    # A quarter of 三会一课, every meeting with its minutes — but one branch committee meeting never held.
    second_month = (first + timedelta(days=32)).replace(day=1)
    done.missed = (branches[1], "branch_committee", second_month.isoformat())
    for branch, kind, held_on in quarter_meetings(branches, first):
        if (branch, kind, held_on.replace(day=1).isoformat()) == done.missed:
            continue
        api.post(staff, "supervision", "/org-life/meetings", {
            "branch_code": branch, "kind": kind, "held_on": held_on.isoformat(), "attendees": ATTENDEES,
            "minutes": f"{held_on.month}月{held_on.day}日会议：传达学习上级精神，研究本村党建工作。", "topic": "学习贯彻"})
        done.meetings += 1
    schedule = api.post(staff, "supervision", "/org-life/schedules", {
        "township_code": township, "branch_codes": branches, "kinds": list(KINDS), "starts_on": first.isoformat(),
        "ends_on": last.isoformat(), "action_id": org_life["action_id"]})
    done.schedule_id = schedule["schedule_id"]
    done.items_done = 2
    done.items_total = sum(len(a["items"]) for a in opened)
    return done


def summary(api: Platform, reader: str, township: str) -> str:
    """The township's special actions as the platform answers them (``reader``: anyone with supervision.read
    over the township)."""
    actions = api.get(reader, "supervision", "/special-actions", params={"unit": township, "size": 100})["items"]
    meetings = api.get(reader, "supervision", "/org-life/meetings", params={"unit": township, "size": 1})["total"]
    schedules = api.get(reader, "supervision", "/org-life/schedules", params={"unit": township, "size": 100})["items"]
    owners = [a["action_id"] for a in actions] + [s["schedule_id"] for s in schedules]
    alerts = sum(api.get(reader, "supervision", "/alerts", params={"campaign": owner, "status": "all", "size": 1})["total"]
                 for owner in owners)
    done = sum(a["items_done"] for a in actions)
    total = sum(a["items_total"] for a in actions)
    return (f"{len(actions)} special actions of township {township}, {done}/{total} items done, "
            f"{meetings} meetings recorded, {alerts} special-action alerts raised")
