"""The printable acceptance documents (申请书、乡镇初验报告、县级验收报告、联审意见) as Chinese PDF.

The printed page shows the content exactly as stored (the canonical JSON that was signed), each
signature (name, role, unit, time), each seal (unit, time, key) and a verification code: the
document id and the start of the content's SHA-256, with the path of the verify endpoint, so a
reader of the paper finds the record and sees that the digest there matches the one printed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from zhengdun import printing
from zhengdun.roles import REVIEW_DEPARTMENT_LABELS, ROLE_LABELS, ReviewDepartment, Role

TITLES = {"application": "整顿验收联名申请书", "preliminary_report": "乡镇初验报告",
          "county_acceptance_report": "县级验收报告", "review_opinion": "联审意见"}

# The content's fields in print order, with their Chinese labels; others follow under their own key.
FIELDS = [
    ("village_name", "村"), ("village_code", "村代码"), ("round", "验收轮次"), ("township_code", "乡镇代码"),
    ("county_code", "县代码"), ("statement", "申请内容"), ("inspection_group", "初验组成员"), ("meeting", "党委集体研究"),
    ("self_check_total", "村级自查得分"), ("department_label", "联审部门"), ("agrees", "是否同意"),
    ("opinion", "意见"), ("group", "县级验收组"), ("opinions", "联审部门意见"), ("report", "报告"),
    ("passed", "结论"), ("conclusion", "结论"), ("approval", "县委常委会审定"), ("filed_with", "报市备案"),
    ("preliminary_report", "乡镇初验报告编号"), ("campaign_id", "整顿工作"), ("case_id", "整顿台账"),
    ("acceptance_id", "验收编号"),
]
HIDDEN = {"kind", "title", "department"}   # said by the title or by a labelled field already


@dataclass(frozen=True)
class SignatureLine:
    name: str
    role: str
    unit: str
    signed_at: datetime


@dataclass(frozen=True)
class SealLine:
    unit: str
    key_id: str
    sealed_at: datetime


def role_label(role: str) -> str:
    if role in {r.value for r in Role}:
        return ROLE_LABELS[Role(role)]
    department = next((d for d in ReviewDepartment if d.role == role), None)
    if department:
        return f"{REVIEW_DEPARTMENT_LABELS[department]}（联审部门）"
    return role


def verification_code(document_id: str, content_sha256: str) -> str:
    """What the paper carries to be checked: the first 16 hex digits of the digest, in groups of four."""
    short = content_sha256[:16].upper()
    return "-".join(short[i:i + 4] for i in range(0, 16, 4))


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def _text(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return ("通过" if value else "不通过") if key == "passed" else _yes_no(value)
    if key == "meeting" and isinstance(value, dict):
        return (f"{value.get('held_on', '')}，参会：{'、'.join(value.get('attendees', []))}；"
                f"{value.get('minutes', '')}")
    if key == "group" and isinstance(value, dict):
        leader = value.get("leader") or {}
        return f"组长：{leader.get('name', '')}{leader.get('post', '')}；成员：{'、'.join(value.get('members', []))}"
    if key == "opinions" and isinstance(value, dict):
        lines = []
        for department, opinion in value.items():
            label = REVIEW_DEPARTMENT_LABELS.get(ReviewDepartment(department), department) \
                if department in {d.value for d in ReviewDepartment} else department
            lines.append(f"{label}：{'同意' if opinion.get('agrees') else '不同意'}。{opinion.get('opinion') or ''}")
        return "\n".join(lines)
    if key == "report" and isinstance(value, dict):
        score = f"（得分 {value['score']}）" if value.get("score") else ""
        return f"{value.get('text', '')}{score}"
    if key == "approval" and isinstance(value, dict):
        verdict = "审定通过" if value.get("approved") else "未审定通过"
        return f"{value.get('meeting_on', '')} {verdict}；{value.get('minutes', '')}"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{v}" for k, v in value.items())
    return printing.fmt(value)


def printable(*, document_id: str, kind: str, content: dict[str, Any], content_sha256: str, created_on,
              signatures: list[SignatureLine], seals: list[SealLine], verify_path: str) -> printing.Document:
    title = str(content.get("title") or TITLES.get(kind, kind))
    code = verification_code(document_id, content_sha256)
    known = [(key, label) for key, label in FIELDS if key in content and content[key] not in (None, "", [], {})]
    rest = sorted(k for k in content if k not in dict(FIELDS) and k not in HIDDEN)
    rows = [[label, _text(key, content[key])] for key, label in known] + [[k, _text(k, content[k])] for k in rest]
    return printing.Document(
        title=title, filename=f"{title}-{document_id[:8]}", landscape=False,
        header=[f"文书编号：{document_id}", f"成文日期：{printing.fmt(created_on)}"],
        tables=[
            printing.Table(["项目", "内容"], rows, [1, 4]),
            printing.Table(["签字人", "身份", "单位", "签字时间"],
                           [[s.name, role_label(s.role), s.unit, s.signed_at] for s in signatures], [2, 3, 3, 3],
                           heading="签字"),
            printing.Table(["盖章单位", "盖章时间", "印章密钥"], [[s.unit, s.sealed_at, s.key_id] for s in seals],
                           [3, 3, 4], heading="印章（电子印章，Ed25519）"),
        ],
        notes=[f"核验码：{code}（文书内容 SHA-256 的前16位）",
               f"核验：GET {verify_path}，核对返回的 content_sha256 以此核验码开头，且各签字、印章均有效（valid）。"])
