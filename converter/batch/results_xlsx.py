"""A batch report -> 校验结果.xlsx: one row per file (汇总) and one row per finding (问题明细).
Rows are streamed to disk as results arrive (xlsx_stream.py), so memory does not grow with the batch
and an interrupted run still leaves a report of what was done. Everything a unit typed is written as
text, never as a formula."""
from __future__ import annotations

import io
import os
import time

from converter.batch.report import BatchReport, Task
from converter.batch.status import Status
from converter.batch.xlsx_stream import Sheet, StreamingWorkbook, Style
from converter.checks.findings import SEVERITY_ZH, Finding
from converter.definition.formats import UnknownFormat
from converter.definition.formats import get as get_format
from converter.files import atomic_writer

SUMMARY_HEAD = ("序号", "文件", "单位名称", "报告年度", "格式", "状态", "错误数", "提示数", "输出文件")
SUMMARY_WIDTHS = (6, 30, 24, 9, 17, 10, 8, 8, 40)
DETAIL_HEAD = ("文件", "单位名称", "级别", "位置", "工作表", "单元格", "问题说明", "应为", "实为", "代码")
DETAIL_WIDTHS = (24, 18, 6, 24, 15, 12, 56, 9, 9, 23)
COMPARE_SHEET = "与上年比"
COMPARE_HEAD = ("文件", "单位名称", "上年报告", "上年结转是否一致", "文字重复率（%）", "跨年度问题数")
COMPARE_WIDTHS = (30, 24, 30, 14, 11, 12)
_RED, _GREEN = Style(color="9C0006", fill="FFC7CE", top=True), Style(color="006100", fill="C6EFCE", top=True)


class ResultsWriter:
    """校验结果.xlsx: add(task) for each file in order, then close(report). With a path, the file is
    written to a temporary name and renamed into place on close; without one, close() returns the bytes.
    With `compare` (last year's reports were given), a 与上年比 sheet: one row per unit with last year's
    file, whether 上年结转 matched, and the text reuse ratio."""

    def __init__(self, path: str | os.PathLike[str] | None, compare: bool = False):
        self.path = os.fspath(path) if path else None
        self.wb = wb = StreamingWorkbook(spool_dir=os.path.dirname(self.path) if self.path else None, title="校验结果")
        head = wb.add_style(Style(bold=True, fill="DDEBF7", border=True, wrap=True))
        self.cell = wb.add_style(Style(wrap=True, top=True))
        n = self.number = wb.add_style(Style(top=True, center=True))
        self.bad = wb.add_style(_RED)
        self.good = wb.add_style(_GREEN)
        self.bold = wb.add_style(Style(bold=True))
        self.ws = wb.add_sheet("汇总", SUMMARY_WIDTHS)
        self.wd = wb.add_sheet("问题明细", DETAIL_WIDTHS)
        self.ws.append(SUMMARY_HEAD, (head,) * len(SUMMARY_HEAD))
        self.wd.append(DETAIL_HEAD, (head,) * len(DETAIL_HEAD))
        c = self.cell
        self.wc: Sheet | None = None
        self.previous_unused = 0
        if compare:
            self.wc = wb.add_sheet(COMPARE_SHEET, COMPARE_WIDTHS)
            self.wc.append(COMPARE_HEAD, (head,) * len(COMPARE_HEAD))
        self._summary_styles = {ok: (n, c, c, n, c, (self.good if ok else self.bad), n, n, c) for ok in (True, False)}
        self._detail_styles = {sev: (c, c, self.bad if sev == "error" else c) + (c,) * 4 + (n, n, c) for sev in SEVERITY_ZH}

    def add(self, t: Task) -> None:
        """One file's row on 汇总 and its findings on 问题明细."""
        name = os.path.basename(t.file)
        unit = t.unit or ""
        self.ws.append((self.ws.rows, name, unit, t.year or "", _format_name(t.format_id), Status(t.status).label,
                        t.errors, t.warnings, os.path.basename(t.output) if t.output else ""),
                       self._summary_styles[Status(t.status).ok], wrap=True)
        if self.wc is not None and t.unit:
            self._compare_row(t, name, unit)
        for f in t.findings:
            self._detail_row(name, unit, f, f.location)

    def add_previous(self, findings: list[Finding]) -> None:
        """Last year's files that could not be used (converter.batch.previous), on 问题明细 before this
        year's, each under its own name, and counted on 汇总's total line."""
        for f in findings:
            self._detail_row(os.path.basename(f.file), "", f, "上年报告")
        self.previous_unused += len(findings)

    def _detail_row(self, name: str, unit: str, f: Finding, location: str) -> None:
        self.wd.append((name, unit, SEVERITY_ZH[f.severity], location, f.sheet, f.cell, f.message, f.expected,
                        f.actual, f.code), self._detail_styles[f.severity], wrap=True)

    def _compare_row(self, t: Task, name: str, unit: str) -> None:
        assert self.wc is not None
        c, n = self.cell, self.number
        cmp = t.compare
        if cmp is None:
            self.wc.append((name, unit, "（未找到上年报告）", "", "", ""), (c, c, c, n, n, n))
            return
        ok = {True: "一致", False: "不一致", None: "无法比较"}[cmp.carry_ok]
        style = self.good if cmp.carry_ok else self.bad if cmp.carry_ok is False else n
        reuse = round(cmp.reuse * 100, 1) if cmp.reuse is not None else ""
        self.wc.append((name, unit, os.path.basename(cmp.previous_file), ok, reuse, len(cmp.findings)),
                       (c, c, c, style, n, n), wrap=True)

    def close(self, report: BatchReport) -> bytes | None:
        """Finish the file: the total line, the filters; write it (or return its bytes)."""
        s = report.stats
        self.ws.skip()
        counts = "，".join(f"{st.label} {s[st.value]}" for st in Status if s[st.value]) or "无"
        unused = f"；上年报告 {self.previous_unused} 个文件未使用（见问题明细）" if self.previous_unused else ""
        self.ws.append((f"合计：共 {s['files']} 个文件：{counts}；错误 {s['errors']} 处，提示 {s['warnings']} 处{unused}",),
                       (self.bold,))
        self.ws.autofilter = (s["files"], len(SUMMARY_HEAD) - 1)
        self.wd.autofilter = (self.wd.rows - 1, len(DETAIL_HEAD) - 1)
        if self.wc is not None:
            self.wc.autofilter = (self.wc.rows - 1, len(COMPARE_HEAD) - 1)
        try:
            if not self.path:
                buffer = io.BytesIO()
                self.wb.save(buffer)
                return buffer.getvalue()
            try:
                with atomic_writer(self.path) as fh:
                    self.wb.save(fh)
            except OSError:
                # most likely last run's report is open in Excel (Windows locks it): keep this run's
                # report under a new name rather than lose it; the caller says where it went
                stem, ext = os.path.splitext(self.path)
                self.path = f"{stem}-{time.strftime('%Y%m%d-%H%M%S')}{ext}"
                with atomic_writer(self.path) as fh:
                    self.wb.save(fh)
            return None
        finally:
            self.wb.discard()


def _format_name(format_id: str | None) -> str:
    """A format as people call it (2021 年版（现行）)."""
    try:
        return get_format(format_id).name if format_id else ""
    except UnknownFormat:
        return format_id or ""


def results_bytes(report: BatchReport) -> bytes:
    """校验结果.xlsx of a report that kept its tasks (e.g. one unit's, attached to a feedback email);
    with a 与上年比 sheet when a task was compared with last year's report."""
    writer = ResultsWriter(None, compare=any(t.compare is not None for t in report.tasks))
    for t in report.tasks:
        writer.add(t)
    data = writer.close(report)
    assert data is not None
    return data
