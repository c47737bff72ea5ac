"""A batch report -> 校验结果.xlsx: one row per file (汇总) and one row per finding (问题明细).
Rows are streamed as results arrive (xlsxwriter's constant-memory mode), so memory does not grow
with the batch and an interrupted run still leaves a report of what was done. Everything a unit typed
is written as text, never as a formula."""
from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import xlsxwriter

from .atomic import _UMASK
from .batch import STATUS_ZH, BatchReport, Task
from .findings import SEVERITY_ZH

SUMMARY_HEAD = ("序号", "文件", "单位名称", "报告年度", "格式", "状态", "错误数", "提示数", "输出文件")
DETAIL_HEAD = ("文件", "单位名称", "级别", "位置", "工作表", "单元格", "问题说明", "应为", "实为", "代码")
_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


class CheckReportWriter:
    """add(task) for each file in order, then close(report). With a path, the file is written to a
    temporary name and renamed into place on close; without one, close() returns the bytes."""

    def __init__(self, path: str | os.PathLike | None, expected_files: int):
        self.path = Path(path) if path else None
        if self.path:
            fd, self.tmp = tempfile.mkstemp(prefix=".~", suffix=".xlsx.part", dir=self.path.parent)
            os.close(fd)
            self.wb = xlsxwriter.Workbook(self.tmp, {"constant_memory": True, **_OPTIONS})
        else:
            self.buffer = io.BytesIO()
            self.wb = xlsxwriter.Workbook(self.buffer, {"in_memory": True, **_OPTIONS})
        wb = self.wb
        self.head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "font_name": "宋体"})
        self.cell = wb.add_format({"font_name": "宋体", "text_wrap": True, "valign": "top"})
        self.bad = wb.add_format({"font_name": "宋体", "font_color": "#9C0006", "bg_color": "#FFC7CE", "valign": "top"})
        self.good = wb.add_format({"font_name": "宋体", "font_color": "#006100", "bg_color": "#C6EFCE", "valign": "top"})
        self.bold = wb.add_format({"bold": True, "font_name": "宋体"})
        self.ws = wb.add_worksheet("汇总")
        self.wd = wb.add_worksheet("问题明细")
        # sheet settings before any row: in constant-memory mode rows are streamed as they are written
        self.ws.autofilter(0, 0, max(expected_files, 1), len(SUMMARY_HEAD) - 1)
        self.ws.freeze_panes(1, 0)
        for col, width in enumerate((6, 36, 28, 10, 8, 12, 8, 8, 48)):
            self.ws.set_column(col, col, width)
        self.wd.freeze_panes(1, 0)
        for sheet in (self.ws, self.wd):          # printable: landscape, all columns on one page width
            sheet.set_landscape()
            sheet.set_paper(9)
            sheet.fit_to_pages(1, 0)
            sheet.repeat_rows(0)
        for col, width in enumerate((30, 24, 6, 26, 16, 8, 70, 8, 8, 20)):
            self.wd.set_column(col, col, width)
        _row(self.ws, 0, SUMMARY_HEAD, self.head)
        _row(self.wd, 0, DETAIL_HEAD, self.head)
        self.files = 0
        self.details = 0

    def add(self, t: Task) -> None:
        self.files += 1
        style = self.good if t.status in ("converted", "checked") else self.bad
        name = os.path.basename(t.file)
        values = (self.files, name, t.unit or "", t.year or "", t.format_id or "", STATUS_ZH[t.status],
                  t.errors, t.warnings, os.path.basename(t.output) if t.output else "")
        _row(self.ws, self.files, values, self.cell, {5: style})
        for f in t.findings:
            self.details += 1
            values = (name, t.unit or "", SEVERITY_ZH[f.severity], f.location, f.sheet, f.cell,
                      f.message, _plain(f.expected), _plain(f.actual), f.code)
            _row(self.wd, self.details, values, self.cell, {2: self.bad if f.severity == "error" else self.cell})

    def close(self, report: BatchReport) -> bytes | None:
        s = report.stats
        self.ws.write_string(self.files + 2, 0, f"合计：共 {s['files']} 个文件：已转换 {s['converted']}，校验通过 {s['checked']}，"
                                                f"未通过校验 {s['rejected']}，无法读取 {s['unreadable']}，处理出错 {s['failed']}；"
                                                f"错误 {s['errors']} 处，提示 {s['warnings']} 处", self.bold)
        self.wd.autofilter(0, 0, max(self.details, 1), len(DETAIL_HEAD) - 1)
        self.wb.close()
        if not self.path:
            return self.buffer.getvalue()
        os.chmod(self.tmp, 0o666 & ~_UMASK)
        os.replace(self.tmp, self.path)
        return None


def check_report_bytes(report: BatchReport) -> bytes:
    """For a report that kept its tasks (e.g. one unit's, attached to a feedback email)."""
    writer = CheckReportWriter(None, len(report.tasks))
    for t in report.tasks:
        writer.add(t)
    return writer.close(report)



def _plain(v):
    return "" if v is None else v


def _row(ws, r: int, values, fmt, overrides: dict | None = None) -> None:
    for c, v in enumerate(values):
        style = (overrides or {}).get(c, fmt)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            ws.write_number(r, c, v, style)
        else:
            ws.write_string(r, c, str(v), style)   # never write_formula: unit text stays text
