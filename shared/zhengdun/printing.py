"""Printable Chinese documents as PDF (reportlab), shared by the services that print (reporting, acceptance).

A ``Document`` is plain content (title, header lines, paragraphs, tables, notes); ``to_pdf`` lays it
out on A4 with a CJK TrueType font from Debian's fonts-wqy-zenhei (deploy/local/apt-packages.txt),
embedded (subset) in every PDF so it prints the same everywhere. reportlab comes with the services
that print (their pyproject), so it is imported only when a PDF is made.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

PDF = "application/pdf"
FONT_PATHS = [Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), Path("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc")]
FONT = "ZhengdunCJK"


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Any]]
    widths: list[float]            # relative column widths
    heading: str | None = None


@dataclass
class Document:
    title: str
    filename: str
    header: list[str] = field(default_factory=list)     # lines under the title (填表单位, 日期, …)
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    landscape: bool = True


def fmt(value: Any) -> str:
    """A cell's text: dates the Chinese way (2021年3月1日), times to the minute, None as blank."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)


def register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        path = next((p for p in FONT_PATHS if p.exists()), None)
        if path is None:
            raise RuntimeError("CJK font missing: install fonts-wqy-zenhei (deploy/local/apt-packages.txt)")
        pdfmetrics.registerFont(TTFont(FONT, str(path), subfontIndex=0))  # embedded (subset) in every PDF
    return FONT


def _escape(text: str) -> str:
    # Paragraph text is reportlab's mini-markup: a person's "<" or "&" must print as itself.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_pdf(document: Document, *, author: str = "整顿工作平台") -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    font = register_font()
    pagesize = landscape(A4) if document.landscape else A4
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, alignment=1, spaceAfter=4 * mm,
                           wordWrap="CJK")
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=15, firstLineIndent=20, wordWrap="CJK")
    plain = ParagraphStyle("plain", fontName=font, fontSize=10, leading=15, wordWrap="CJK")
    heading = ParagraphStyle("heading", fontName=font, fontSize=11, leading=16, spaceBefore=3 * mm, spaceAfter=2 * mm,
                             wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10.5, wordWrap="CJK")
    head_cell = ParagraphStyle("head", parent=cell, alignment=1)

    def para(text: str, style) -> Paragraph:
        return Paragraph(_escape(text).replace("\n", "<br/>"), style)

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawCentredString(pagesize[0] / 2, 8 * mm, f"第 {doc.page} 页　{document.title}")
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=pagesize, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm,
                            bottomMargin=14 * mm, title=document.title, author=author, lang="zh-CN")
    story: list = [para(document.title, title)]
    story += [para(line, plain) for line in document.header]
    story += [Spacer(1, 2 * mm)] + [para(p, body) for p in document.paragraphs]
    for table in document.tables:
        if table.heading:
            story.append(para(table.heading, heading))
        else:
            story.append(Spacer(1, 3 * mm))
        total = sum(table.widths)
        widths = [doc.width * w / total for w in table.widths]
        data = [[para(c, head_cell) for c in table.columns]]
        data += [[para(fmt(v), cell) for v in values] for values in table.rows] or \
                [[para("（无）", cell)] + [""] * (len(table.columns) - 1)]
        grid = LongTable(data, colWidths=widths, repeatRows=1)
        grid.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]))
        story.append(grid)
    if document.notes:
        story.append(Spacer(1, 3 * mm))
        story += [para("注：" + note, plain) for note in document.notes]
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
