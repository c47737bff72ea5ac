"""The one place that runs the pipeline on one input: read → check → (render). Batches, the mail
commands and library callers all use :func:`process_file`; it never raises for a bad file."""
from __future__ import annotations

import os
import traceback
from dataclasses import dataclass
from typing import Any

from converter.batch.report import Task
from converter.batch.status import Status
from converter.batch.workers import start_method
from converter.checks import Context, run_checks, text_reuse
from converter.checks.crossyear import Previous, ReuseBatch, check_previous, file_name
from converter.checks.findings import Finding, has_errors, make
from converter.definition.figures import figures as table_figures
from converter.definition.formats import FORMATS
from converter.definition.formats import get as get_format
from converter.definition.plan import Plan, compile
from converter.definition.values import report_year
from converter.files import readable
from converter.intake.reader import read_report

FRAGMENT_SUFFIX = "-正文.html"       # the article body alone, for a CMS that strips <style>


@dataclass(frozen=True)
class Outputs:
    """Which documents a valid report becomes: the Word report always; the PDF, the web page and the
    page's article body on request. `fonts` is a folder of fonts for the PDF besides the system's."""
    pdf: bool = False
    html: bool = False
    fragment: bool = False
    fonts: str | None = None
    style: str | None = None        # a reference .docx: the coordinator's page, header, footer and fonts

    def render(self, data: dict[str, Any], plan: Plan) -> dict[str, bytes]:
        """suffix -> document bytes, for valid report data."""
        # the renderers are imported when first needed: check and summary never render, and importing
        # the Word and PDF engines is a good part of their start-up
        from converter.render import html, pdf
        from converter.render.docx import render_report
        out = {".docx": render_report(data, plan, style=self.style)}
        fmt = plan.fmt
        if self.pdf:
            out[".pdf"] = pdf.render_pdf(data, fmt, fonts=self.fonts, style=self.style)
        if self.html:
            out[".html"] = html.render_html(data, fmt).encode("utf-8")
        if self.fragment:
            out[FRAGMENT_SUFFIX] = html.render_html_fragment(data, fmt).encode("utf-8")
        return out


def process_file(path: str, outputs: Outputs | None = None, figures: bool = False, previous: Previous | None = None,
                 unit_kind: str = "", batch: ReuseBatch | None = None) -> Task:
    """Read and check one input (a workbook, or a Word file, web page or PDF of a report); given
    `outputs`, a valid one is also rendered into `task.documents`; with `figures`, every table cell
    (None where unread) goes into `task.figures`, in the order of the plan's `cell_paths` (a summary's input);
    given last year's reports (`previous`), it is also checked against its unit's (`task.compare`).
    `unit_kind` is the roster's 单位类型, when known (which publication deadline applies). Given a
    `batch`, the comparison of texts with last year's is queued in it, and its findings join the task
    when the batch runs (see converter.checks.crossyear.ReuseBatch).
    Anything unexpected becomes an INTERNAL_ERROR finding on this file alone."""
    try:
        result = read_report(path)
        task = Task(file=readable(str(path)), status=Status.UNREADABLE, findings=list(result.findings))
        if result.data is None or result.format_id is None:
            return _with_file(task)
        plan = compile(get_format(result.format_id))
        task.format_id = plan.id
        ctx = Context(plan, result.locations, result.reported, published=result.published, unit_kind=unit_kind)
        task.findings += run_checks(result.data, plan, ctx)
        fields = result.data["fields"]
        unit = fields.get("unit")
        task.unit = unit if isinstance(unit, str) and unit else None
        if previous is not None and task.unit:
            task.findings += _against_last_year(task, path, result.data, plan, previous, ctx, batch)
        task.year = fields.get("year") if isinstance(fields.get("year"), int) else None
        if figures:
            task.figures = table_figures(result.data["tables"], plan)
        if has_errors(task.findings):
            task.status = Status.REJECTED
        elif outputs is None:
            task.status = Status.PASSED
        else:
            # The documents go back to the main process, which does all file writing: workers
            # creating files in one directory contend for it, while the main process is idle.
            task.documents = outputs.render(result.data, plan)
            task.status = Status.CONVERTED
        return _with_file(task)
    except Exception as e:   # one bad workbook never stops the batch
        detail = f"{type(e).__name__}: {e}"[:300]
        task = Task(file=readable(str(path)), status=Status.FAILED, findings=[make("INTERNAL_ERROR", detail=detail)])
        if os.environ.get("NIANBAO_DEBUG"):
            traceback.print_exc()
        return _with_file(task)


def _against_last_year(task: Task, path: str, data: dict[str, Any], plan: Plan, previous: Previous, ctx: Context,
                       batch: ReuseBatch | None) -> list[Finding]:
    """The cross-year findings of a report (and task.compare), or that its unit has no report last year
    (or only this year's and later ones)."""
    assert task.unit is not None
    year = report_year(data)
    last = previous.match(task.unit, year, path)
    if last is None:
        where = ctx.locate(("fields", "unit"))
        later = previous.of_unit(task.unit, year)
        if later and year is not None:
            return [make("PREV_NONE_EARLIER", actual=task.unit, expected=year - 1, **where,
                         years="、".join(str(y) for y in sorted({last.year for last in later if last.year})),
                         previous="、".join(dict.fromkeys(file_name(last.file) for last in later)))]
        detail = "或单位代码" if previous.codes else ""
        return [make("PREV_UNMATCHED", actual=task.unit, detail=detail, **where)]
    then = None if batch is None else (lambda found: _late(task, found))
    task.compare = check_previous(data, plan, last, ctx, batch, then, previous.counted)
    return list(task.compare.findings)


def _late(task: Task, found: list[Finding]) -> None:
    """Findings that arrive after the task was made (a batch's text comparison)."""
    task.findings += [f.with_file(task.file) for f in found]
    if has_errors(found) and task.status in (Status.PASSED, Status.CONVERTED):
        task.status, task.documents = Status.REJECTED, None


def worker_died(path: str) -> Task:
    """The result for an input whose worker process died twice while holding it."""
    return _with_file(Task(readable(path), Status.FAILED, [make(
        "INTERNAL_ERROR", detail="处理进程意外退出（可能是内存不足，或文件触发了程序缺陷）")]))


def _with_file(task: Task) -> Task:
    # task.file is for people (a name that is not UTF-8 shown decoded); the path is the caller's
    task.findings = [f.with_file(task.file) for f in task.findings]
    return task


def warm_up(outputs: Outputs | None, previous: Previous | None = None) -> None:
    """Build now what every file needs (plans, the Word package, the PDF engine's fonts, with last
    year's reports the text comparison's numpy), so that forked workers inherit it instead of each
    building it again. (The PDF engine must not have compiled a document before a fork: its threads
    do not survive one.) The full JSON Schema validator is not among them: the plan's fast path
    vouches for every well-filled report, so it is built (and jsonschema imported) only by a worker
    that meets a report the fast path cannot vouch for, rather than before every batch. Under spawn
    (Windows, macOS, NIANBAO_START_METHOD=spawn) workers inherit nothing: each builds what it needs
    on its first file, and this does nothing."""
    if start_method() != "fork":
        return
    for fmt in FORMATS.values():
        compile(fmt)
    if outputs is not None:
        from converter.render import pdf
        from converter.render.docx import warm_up as warm_up_renderer
        warm_up_renderer(outputs.style)
        if outputs.pdf:
            pdf.warm_up(outputs.fonts)
    if previous is not None and not previous.counted:
        # (when runs before counted texts, most reports are found there: workers that still count some
        # load numpy themselves, which costs the same time as loading it here)
        text_reuse.prepare()
