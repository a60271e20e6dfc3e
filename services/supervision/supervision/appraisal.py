"""The annual appraisal export (述职评议考核): one person's (or every person's) accountability and evaluation
results of a year, as JSON or .xlsx for the organization department. The grouping is in domain/records.py."""
from __future__ import annotations

import io
import json
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def appraisal_json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode()


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list], first: bool = False) -> None:
    sheet = workbook.active if first else workbook.create_sheet(title)
    sheet.title = title
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(["" if v is None else v for v in row])
    for index, _ in enumerate(header):
        sheet.column_dimensions[chr(ord("A") + index)].width = 18


def appraisal_xlsx(document: dict[str, Any]) -> bytes:
    people = document["people"]
    workbook = Workbook()
    _sheet(workbook, "汇总", ["姓名", "职务", "问责次数", "问责情况", "评价次数", "评价等次"],
           [[p["person"], "、".join(p["posts"]), p["summary"]["accountability"],
             "、".join(f"{k}{n}次" for k, n in p["summary"]["by_kind"].items()), p["summary"]["evaluations"],
             "、".join(f"{g}{n}次" for g, n in p["summary"]["grades"].items())] for p in people], first=True)
    _sheet(workbook, "问责", ["姓名", "职务", "方式", "单位", "决定日期", "决定机关", "事由", "依据", "报备", "政策版本"],
           [[p["person"], a["post"], a["kind_label"], a["subject_code"], a["decided_on"].isoformat(), a["decided_by"],
             a["reason"], "、".join(a["grounds"]), a["filed_with"], a["policy_version"]]
            for p in people for a in p["accountability"]])
    _sheet(workbook, "评价", ["姓名", "身份", "单位", "等次", "评价日期", "县委研究", "评价意见", "报送", "政策版本"],
           [[p["person"], e["role_label"], e["subject_code"], e["grade_label"], e["evaluated_on"].isoformat(),
             e["study_id"], e["comment"], e["reported_to"], e["policy_version"]]
            for p in people for e in p["evaluations"]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def appraisal_export(document: dict[str, Any], format: str) -> tuple[bytes, str, str]:
    """The appraisal as a file: its content, media type and name."""
    name = f"述职评议考核-{document['unit_code']}-{document['year']}.{format}"
    if format == "json":
        return appraisal_json(document), "application/json", name
    return appraisal_xlsx(document), XLSX, name
