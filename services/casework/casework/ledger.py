"""The ledger (一村一册) as people read it: the case's state and its whole history, as JSON or .xlsx."""
from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

from openpyxl import Workbook

from casework.domain.case import CaseBook, Entry
from casework.models import Case
from zhengdun.events.casework import CASE_PHASE_LABELS, CasePhase

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEASURE_STATUS_LABELS = {"not_started": "未开始", "in_progress": "推进中", "completed": "已完成"}


def _person(p) -> dict | None:
    return p.model_dump(mode="json") if p else None


def case_view(case: Case, book: CaseBook, village_name: str | None = None) -> dict[str, Any]:
    """The case as it stands (or stood, for a book folded up to a past date)."""
    return {
        "case_id": case.case_id, "campaign_id": case.campaign_id, "village_code": case.village_code,
        "village_name": village_name, "township_code": case.township_code, "county_code": case.county_code,
        "category": case.category, "criteria_met": list(case.criteria_met), "decision_number": case.decision_number,
        "designated_on": case.designated_on.isoformat(), "opened_on": case.opened_on.isoformat(),
        "phase": book.phase.value, "phase_label": CASE_PHASE_LABELS[book.phase],
        "continued_since": book.continued_since.isoformat() if book.continued_since else None,
        "team": {"leader": _person(book.team_leader), "members": [_person(m) for m in book.team_members],
                 "stationed_on": book.stationed_on.isoformat() if book.stationed_on else None} if book.team_leader else None,
        "contact_leader": _person(book.contact_leader),
        "direct_county_secretary": book.direct_county_secretary,
        "first_secretary": _person(book.first_secretary),
        "pairings": book.pairings,
        "problems": list(book.problems.values()),
        "tasks": list(book.tasks.values()),
        "measures": list(book.measures.values()),
        "responsibilities": book.responsibilities(),
        "plan": {"published_on": book.plan_published_on.isoformat() if book.plan_published_on else None,
                 "comments": list(book.comments.values())},
        "progress": list(book.progress.values()),
        "visits": book.visits,
        "continued": {"study": book.study, "supervision": book.supervision, "second_review": book.second_review},
        "progress_reports": list(book.progress_reports.values()),
        "unfinished_measures": len(book.unfinished_measures()),
        "reopened": book.reopened,
        "entries": book.entries,
    }


def entry_view(entry: Entry) -> dict[str, Any]:
    # A change of team or contact leader in the continued phase is an exception to 原则上保持不变: flagged.
    exception = entry.data.get("continued_exception") if isinstance(entry.data, dict) else None
    return {"seq": entry.seq, "entry_id": entry.entry_id, "kind": entry.kind.value, "label": entry.kind.label,
            "occurred_on": entry.occurred_on.isoformat(), "recorded_on": entry.recorded_on.isoformat(),
            "actor": entry.actor, "data": entry.data, "corrects": entry.corrects,
            "flag": f"持续整顿阶段例外调整：{exception}" if exception else None}


def ledger_document(case: Case, book: CaseBook, entries: list[Entry], as_of: date, village_name: str | None) -> dict:
    return {"as_of": as_of.isoformat(), "case": case_view(case, book, village_name),
            "history": [entry_view(e) for e in entries]}


def ledger_json(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for row in rows:
        sheet.append(["" if v is None else v for v in row])


def ledger_xlsx(document: dict) -> bytes:
    case = document["case"]
    workbook = Workbook()
    overview = workbook.active
    overview.title = "概况"
    for label, value in [
        ("村", f"{case['village_name'] or ''} {case['village_code']}"), ("台账截至", document["as_of"]),
        ("类别", case["category"]), ("认定标准", "、".join(case["criteria_met"])), ("决定文号", case["decision_number"]),
        ("阶段", CASE_PHASE_LABELS[CasePhase(case["phase"])]),
        ("工作队队长", (case["team"] or {}).get("leader", {}).get("name") if case["team"] else None),
        ("工作队队员", "、".join(m["name"] for m in case["team"]["members"]) if case["team"] else None),
        ("联系领导", (case["contact_leader"] or {}).get("name")),
        ("第一书记", (case["first_secretary"] or {}).get("name")),
        ("未完成措施", case["unfinished_measures"]),
    ]:
        overview.append([label, "" if value is None else value])
    _sheet(workbook, "问题清单", ["编号", "问题", "说明", "认定标准", "发现日期"],
           [[p["problem_id"], p["title"], p["detail"], p["criterion_code"] or "现场新发现", p["found_on"]] for p in case["problems"]])
    _sheet(workbook, "任务清单", ["编号", "任务", "问题编号"], [[t["task_id"], t["title"], t["problem_id"]] for t in case["tasks"]])
    _sheet(workbook, "责任清单", ["措施编号", "整改措施", "任务", "问题", "责任人", "完成时限", "状态"],
           [[r["measure_id"], r["measure"], r["task"], r["problem"], r["responsible"], r["deadline"],
             MEASURE_STATUS_LABELS[r["status"]]] for r in case["responsibilities"]])
    _sheet(workbook, "整改进展", ["记录编号", "措施编号", "日期", "状态", "进展情况", "佐证材料(SHA-256)", "更正记录", "被更正"],
           [[p["record_id"], p["measure_id"], p["progress_on"], MEASURE_STATUS_LABELS[p["status"]], p["narrative"],
             "; ".join(f"{e['filename']} {e['sha256']}" for e in p["evidence"]), p["corrects"], p["corrected_by"]]
            for p in case["progress"]])
    _sheet(workbook, "走访记录", ["日期", "联系领导", "工作队", "村干部", "重点人员", "推动问题", "备注", "计入每月次数", "未做到"],
           [[v["visited_on"], v["leader"]["name"], "、".join(v["team_members"]), "、".join(v["village_cadres"]),
             "、".join(v["key_persons"]), len(v["problems_pushed"]), v["notes"], "是" if v["counts_toward_minimum"] else "否",
             "、".join(m["label"] for m in v["missing_musts"])] for v in case["visits"]])
    _sheet(workbook, "进展报送", ["周期起", "周期止", "报送日期", "报送内容", "政策版本"],
           [[r["period_start"], r["period_end"], r["filed_on"], r["summary"], r["policy_version"]]
            for r in case["progress_reports"]])
    _sheet(workbook, "台账记录", ["序号", "事项", "发生日期", "记录日期", "记录人", "内容", "更正", "标记"],
           [[e["seq"], e["label"], e["occurred_on"], e["recorded_on"], (e["actor"] or {}).get("name"),
             json.dumps(e["data"], ensure_ascii=False), e["corrects"], e["flag"]] for e in document["history"]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ledger_export(document: dict, format: str) -> tuple[bytes, str, str]:
    """The ledger as a file: its content, media type and name."""
    name = f"整顿台账-{document['case']['village_code']}-{document['as_of']}.{format}"
    if format == "json":
        return ledger_json(document), "application/json", name
    return ledger_xlsx(document), XLSX, name
