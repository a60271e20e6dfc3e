"""Reading an uploaded file (CSV or XLSX: the division registry, the cadre register) into header + rows of text."""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from zhengdun.problems import Problem, unprocessable

XLSX_MAGIC = b"PK\x03\x04"


class UnreadableFile(ValueError):
    pass


def uploaded_table(filename: str, content: bytes, max_bytes: int) -> tuple[list[str], list[list[str]]]:
    """An import's file as header + rows, or its refusal as problem+json: 413 over ``max_bytes``, 422 unreadable."""
    if len(content) > max_bytes:
        raise Problem(413, "file-too-large", "文件过大 File too large", f"文件不能超过 {max_bytes // 1024 // 1024} MB")
    try:
        return read_table(filename, content)
    except UnreadableFile as exc:
        raise unprocessable("unreadable-file", str(exc), errors=[{"field": "body.file", "message": str(exc)}]) from None


def read_table(filename: str, content: bytes) -> tuple[list[str], list[list[str]]]:
    if not content:
        raise UnreadableFile("文件为空 (empty file)")
    if filename.lower().endswith(".xlsx") or content.startswith(XLSX_MAGIC):
        return _read_xlsx(content)
    if filename.lower().endswith((".csv", ".txt")) or not filename:
        return _read_csv(content)
    raise UnreadableFile(f"不支持的文件类型 {filename}：请上传 CSV 或 XLSX")


def _read_csv(content: bytes) -> tuple[list[str], list[list[str]]]:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China often saves CSV as GBK
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile("无法识别文件编码：请保存为 UTF-8 或 GBK 编码的 CSV")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise UnreadableFile("文件没有内容 (no rows)")
    return [c.strip() for c in rows[0]], rows[1:]


def _read_xlsx(content: bytes) -> tuple[list[str], list[list[str]]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise UnreadableFile(f"无法读取 XLSX 文件: {exc}") from exc
    sheet = workbook.worksheets[0]
    rows = [["" if v is None else _text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    if not rows:
        raise UnreadableFile("工作表没有内容 (empty sheet)")
    return rows[0], rows[1:]


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code typed as a number
    return str(value)
