"""A batch report -> 校验结果.xlsx: one row per file (汇总) and one row per finding (问题明细).
Everything a unit typed is written as text, never as a formula."""
from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import xlsxwriter

from .atomic import _UMASK
from .batch import STATUS_ZH, BatchReport
from .findings import SEVERITY_ZH

SUMMARY_HEAD = ("序号", "文件", "单位名称", "报告年度", "格式", "状态", "错误数", "提示数", "输出文件")
DETAIL_HEAD = ("文件", "单位名称", "级别", "位置", "工作表", "单元格", "问题说明", "应为", "实为", "代码")


def check_report_bytes(report: BatchReport) -> bytes:
    out = io.BytesIO()
    _write(xlsxwriter.Workbook(out, {"in_memory": True, **_OPTIONS}), report)
    return out.getvalue()


_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def _write(wb, report: BatchReport) -> None:
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "font_name": "宋体"})
    cell = wb.add_format({"font_name": "宋体", "text_wrap": True, "valign": "top"})
    bad = wb.add_format({"font_name": "宋体", "font_color": "#9C0006", "bg_color": "#FFC7CE", "valign": "top"})
    good = wb.add_format({"font_name": "宋体", "font_color": "#006100", "bg_color": "#C6EFCE", "valign": "top"})
    s = report.stats

    ws = wb.add_worksheet("汇总")
    # sheet settings first: in constant-memory mode rows are streamed as soon as they are written
    ws.autofilter(2, 0, 2 + len(report.tasks), len(SUMMARY_HEAD) - 1)
    ws.freeze_panes(3, 0)
    for col, width in enumerate((6, 36, 28, 10, 8, 12, 8, 8, 48)):
        ws.set_column(col, col, width)
    ws.write_string(0, 0, f"共 {s['files']} 个文件：已转换 {s['converted']}，校验通过 {s['checked']}，"
                          f"未通过校验 {s['rejected']}，无法读取 {s['unreadable']}，处理出错 {s['failed']}；"
                          f"错误 {s['errors']} 处，提示 {s['warnings']} 处",
                    wb.add_format({"bold": True, "font_name": "宋体"}))
    _row(ws, 2, SUMMARY_HEAD, head)
    for i, t in enumerate(report.tasks, 1):
        style = good if t.status in ("converted", "checked") else bad
        values = (i, Path(t.file).name, t.unit or "", t.year or "", t.format_id or "", STATUS_ZH[t.status],
                  t.errors, t.warnings, Path(t.output).name if t.output else "")
        _row(ws, 2 + i, values, cell, {5: style})

    wd = wb.add_worksheet("问题明细")
    wd.autofilter(0, 0, max(sum(len(t.findings) for t in report.tasks), 1), len(DETAIL_HEAD) - 1)
    wd.freeze_panes(1, 0)
    for col, width in enumerate((30, 24, 6, 26, 16, 8, 70, 8, 8, 20)):
        wd.set_column(col, col, width)
    _row(wd, 0, DETAIL_HEAD, head)
    r = 1
    for t in report.tasks:
        for f in t.findings:
            values = (Path(t.file).name, t.unit or "", SEVERITY_ZH[f.severity], f.location, f.sheet, f.cell,
                      f.message, _plain(f.expected), _plain(f.actual), f.code)
            _row(wd, r, values, cell, {2: bad if f.severity == "error" else cell})
            r += 1
    wb.close()


def _plain(v):
    return "" if v is None else v


def _row(ws, r: int, values, fmt, overrides: dict | None = None) -> None:
    for c, v in enumerate(values):
        style = (overrides or {}).get(c, fmt)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            ws.write_number(r, c, v, style)
        else:
            ws.write_string(r, c, str(v), style)   # never write_formula: unit text stays text


def write_check_report(path, report: BatchReport) -> None:
    """Written row by row (xlsxwriter's constant-memory mode), so memory does not grow with the batch."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".~", suffix=".xlsx.part", dir=path.parent)
    os.close(fd)
    try:
        _write(xlsxwriter.Workbook(tmp, {"constant_memory": True, **_OPTIONS}), report)
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
