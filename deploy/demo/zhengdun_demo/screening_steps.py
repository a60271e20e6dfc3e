"""The scenario's screening: a township assesses every village, holds its meeting and notice, and
submits; the county checks by random sample and its standing committee decides."""
from __future__ import annotations

from datetime import date

from zhengdun_demo.api import Platform

CRITERIA = ("election_overdue", "conflict_village_unresolved", "secretary_missing_or_team_incomplete",
            "secretary_incompetent", "vote_buying_disunity", "organized_crime_or_village_tyrant", "illegal_religion",
            "committees_inactive", "affairs_not_disclosed", "other")


def assessment(village: str, met: tuple[str, ...], result: str, rank: int | None = None, out_of: int = 25) -> dict:
    findings = [{"criterion_code": c, "met": c in met, "evidence": "走访党员群众、查阅资料核实" if c in met else ""}
                for c in CRITERIA]
    body = {"village_code": village, "findings": findings, "result": result}
    if rank is not None:
        body["ranking"] = {"rank": rank, "out_of": out_of, "basis": "星级支部评定：一星（倒排末位）"}
    return body


def round_path(campaign_id: str, township: str, round_id: str = "R1") -> str:
    return f"/campaigns/{campaign_id}/rounds/{round_id}/townships/{township}"


def prepare_and_submit(api: Platform, staff: str, campaign_id: str, township: str, meeting_on: date,
                       notice: tuple[date, date], submit_on: date, *, expect=(200, 201)):
    path = round_path(campaign_id, township)
    api.put(staff, "screening", f"{path}/meeting", {"held_on": meeting_on.isoformat(),
                                                   "attendees": ["乡镇党委书记", "乡镇长", "组织委员", "纪委书记"],
                                                   "minutes": "对照十条标准逐村研判，集体研究确定名单"})
    api.put(staff, "screening", f"{path}/notice", {"starts_on": notice[0].isoformat(), "ends_on": notice[1].isoformat()})
    return api.call(staff, "POST", "screening", f"{path}/submit", json={"submitted_on": submit_on.isoformat()}, expect=expect)
