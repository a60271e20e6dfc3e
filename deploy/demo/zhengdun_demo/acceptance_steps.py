"""The scenario's acceptance ladder for one village, each step by the person who takes it."""
from __future__ import annotations

from datetime import date

from zhengdun_demo.api import Platform
from zhengdun.roles import ReviewDepartment

STANDARD = {"items": [
    {"code": "A1", "heading": "team", "title": "班子团结、战斗力强", "max_score": 25},
    {"code": "B1", "heading": "institutions", "title": "三会一课等制度落实", "max_score": 25},
    {"code": "C1", "heading": "social_management", "title": "矛盾纠纷有效化解", "max_score": 25},
    {"code": "D1", "heading": "satisfaction", "title": "党员群众认可", "max_score": 25}], "pass_mark": 80}


def acceptance_of(api: Platform, user: str, village: str) -> dict:
    items = api.get(user, "acceptance", "/acceptances", params={"village": village})["items"]
    return max(items, key=lambda a: a["round"]) if items else {}   # the latest round of acceptance


def apply_and_check(api: Platform, acceptance_id: str, leader: str, secretary: str) -> None:
    path = f"/acceptances/{acceptance_id}"
    api.post(leader, "acceptance", f"{path}/application/sign", {"statement": "本村整顿任务已全部完成，申请验收。"})
    api.post(secretary, "acceptance", f"{path}/application/sign", {})
    api.post(leader, "acceptance", f"{path}/self-check", {"scores": {"A1": 22, "B1": 21, "C1": 20, "D1": 22}})


def township_preliminary(api: Platform, acceptance_id: str, staff: str, principal: str, on: date) -> None:
    path = f"/acceptances/{acceptance_id}"
    api.post(staff, "acceptance", f"{path}/preliminary", {
        "inspection_group": ["乡镇纪委书记", "组织委员"],
        "meeting": {"held_on": on.isoformat(), "attendees": ["乡镇党委书记", "乡镇长", "组织委员"], "minutes": "集体研究，同意摘帽"},
        "passed": True, "report": "经初验，该村整顿任务完成，可以摘帽。"})
    api.post(principal, "acceptance", f"{path}/preliminary/sign", {})


def county_acceptance(api: Platform, acceptance_id: str, county: dict[str, str], on: date) -> None:
    """``county``: the usernames of the county's org staff, committee, secretary and review departments."""
    path = f"/acceptances/{acceptance_id}"
    api.post(county["org"], "acceptance", f"{path}/county/group", {
        "leader": {"name": "县委副书记", "post": "县委副书记", "rank": "county"}, "members": ["组织部干部", "纪委干部"]})
    for department in ReviewDepartment:
        api.post(county[f"review-{department.value}"], "acceptance", f"{path}/county/opinions",
                 {"agrees": True, "opinion": f"{department.label}：未发现问题，同意通过验收。"})
    api.post(county["org"], "acceptance", f"{path}/county/report",
             {"passed": True, "report": "经县级验收，该村整顿达标。", "score": 86})
    api.post(county["committee"], "acceptance", f"{path}/county/approve",
             {"approved": True, "meeting_on": on.isoformat(), "minutes": "县委常委会审定通过"})
    api.post(county["secretary"], "acceptance", f"{path}/county/sign", {})


def survey(api: Platform, acceptance_id: str, county_org: str, *, satisfied_share: float) -> dict:
    respondents = 120
    return api.post(county_org, "acceptance", f"/acceptances/{acceptance_id}/survey",
                    {"respondents": respondents, "satisfied": round(respondents * satisfied_share)})
