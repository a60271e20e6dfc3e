"""The scenario's casework: stationing teams, the three lists, monthly progress and visits.

Each function is one kind of step over all cases, taken by the person who does it.
"""
from __future__ import annotations

from datetime import date

from zhengdun_demo import people as cast
from zhengdun_demo.api import Platform

# A one-page PDF: evidence must be a real file of an allowed type (its SHA-256 is stored).
EVIDENCE_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
                b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def person(p: cast.Person, post: str, rank: str | None, user_ids: dict[str, str]) -> dict:
    return {"name": p.name, "post": post, "rank": rank, "unit": p.unit, "user_id": user_ids.get(p.username)}


def station_team(api: Platform, county_org: str, case_id: str, village: str, on: date, user_ids: dict[str, str]) -> None:
    crew = cast.village_people(village)
    api.put(county_org, "casework", f"/cases/{case_id}/team", {
        "leader": person(crew["leader"], "县委组织部干部（工作队队长）", "section", user_ids),
        "members": [person(crew["member1"], "乡镇干部", None, user_ids), person(crew["member2"], "县直部门干部", None, user_ids)],
        "stationed_on": on.isoformat(),
    })


def assign_contact_leader(api: Platform, county_org: str, case_id: str, leader: cast.Person, on: date,
                          user_ids: dict[str, str]) -> None:
    api.put(county_org, "casework", f"/cases/{case_id}/contact-leader", {
        "leader": person(leader, "县委常委", "county", user_ids), "assigned_on": on.isoformat()})


def plan_case(api: Platform, team_leader: str, case_id: str, criteria: tuple[str, ...], deadlines: list[date],
              on: date) -> tuple[list[str], list[str]]:
    """One problem per criterion (or one found on site), a task for each, and measures with deadlines.

    Returns (problem ids, measure ids)."""
    problem_ids, measure_ids = [], []
    problems = list(criteria) or [None]
    for index, deadline in enumerate(deadlines):
        criterion = problems[index % len(problems)]
        problem = api.post(team_leader, "casework", f"/cases/{case_id}/problems", {
            "title": f"问题{index + 1}：{'对照认定标准 ' + criterion if criterion else '排名靠后，班子战斗力不强'}",
            "criterion_code": criterion, "found_on": on.isoformat()})["entry"]["data"]
        task = api.post(team_leader, "casework", f"/cases/{case_id}/tasks", {
            "problem_id": problem["problem_id"], "title": f"任务{index + 1}：整改{problem['title'][:10]}"})["entry"]["data"]
        measure = api.post(team_leader, "casework", f"/cases/{case_id}/measures", {
            "task_id": task["task_id"], "title": f"措施{index + 1}：建立制度并逐项落实", "responsible": "工作队队长",
            "deadline": deadline.isoformat()})["entry"]["data"]
        problem_ids.append(problem["problem_id"])
        measure_ids.append(measure["measure_id"])
    return problem_ids, measure_ids


def progress(api: Platform, team_leader: str, case_id: str, measure_id: str, on: date, *, complete: bool) -> None:
    evidence_ids = []
    if complete:
        uploaded = api.call(team_leader, "POST", "casework", f"/cases/{case_id}/evidence",
                            files={"file": ("整改佐证.pdf", EVIDENCE_PDF, "application/pdf")}).json()
        evidence_ids = [uploaded["file_id"]]
    api.post(team_leader, "casework", f"/cases/{case_id}/measures/{measure_id}/progress", {
        "status": "completed" if complete else "in_progress",
        "narrative": "已完成整改，材料齐全" if complete else "按计划推进中",
        "evidence_ids": evidence_ids, "progress_on": on.isoformat()})


def report_progress(api: Platform, team_leader: str, case_id: str, on: date) -> None:
    api.call(team_leader, "POST", "casework", f"/cases/{case_id}/progress-reports", expect=(201, 409), json={
        "filed_on": on.isoformat(), "summary": "本期问题整改按计划推进，措施落实情况见台账"})


def visit(api: Platform, leader: str, case_id: str, on: date, pushed: list[str]) -> None:
    api.post(leader, "casework", f"/cases/{case_id}/visits", {
        "visited_on": on.isoformat(), "team_members": ["工作队队长"], "village_cadres": ["村党组织书记"],
        "key_persons": ["老党员代表"], "problems_pushed": pushed, "notes": "听取汇报，现场推动问题整改"})
