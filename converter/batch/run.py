"""Many inputs -> a BatchReport (and, for build, the reports and 校验结果.xlsx), in parallel, with
progress. Results stream: each file's result is handed on as soon as it and those before it are done,
so memory does not grow with the batch and an interrupted run leaves what was finished in place."""
from __future__ import annotations

import gc
import os
import signal
import sys
import tempfile
import threading
from typing import TYPE_CHECKING, Any, Callable, Generator, Iterable

from converter.batch.inputs import collect_inputs, refuse_overlap
from converter.batch.outputs import RESULTS_NAME, Placer, remove_leftovers
from converter.batch.pipeline import FRAGMENT_SUFFIX, Outputs, process_file, warm_up, worker_died
from converter.batch.previous import keep_counted, save_counted
from converter.batch.report import BatchReport, Task
from converter.batch.status import Status
from converter.batch.urls import Fetched, fetch_all
from converter.batch.workers import in_order
from converter.checks.crossyear import Previous, ReuseBatch
from converter.checks.text_tables import published_late
from converter.files import write_bytes_atomic

if TYPE_CHECKING:
    from converter.render.html import IndexRow

_BATCH = 16      # files whose texts are compared with last year's at the end of their run, in this process

Inputs = Iterable[str | os.PathLike[str]]
INDEX_NAME = "index.html"
OnTask = Callable[[Task], Any]


def check_files(inputs: Inputs, jobs: int = 0, progress: bool = False, on_task: OnTask | None = None,
                keep_tasks: bool = True, urls: list[str] | None = None, allow_private: bool = False,
                previous: Previous | None = None) -> BatchReport:
    """Check every input under `inputs`, and the reports at `urls` (fetched into a temporary folder);
    given last year's reports (`previous`, see converter.batch.previous.load_previous), each against
    its unit's. `on_task(task)` is called for each file as it completes."""
    report = BatchReport(keep_tasks=keep_tasks)

    def done(task: Task) -> None:
        report.add(task)
        if on_task:
            on_task(task)
    with tempfile.TemporaryDirectory(prefix="nianbao-") as folder:
        fetched = fetch_all(urls, folder, allow_private) if urls else Fetched()
        for task in fetched.failed:
            done(task)
        paths = collect_inputs(inputs) + fetched.paths
        for task in iter_tasks(paths, None, jobs, progress, "校验", previous):
            late = published_late(task.unit, task.year, fetched.published_of.get(task.file, ""))
            if late is not None:
                task.findings.append(late.with_file(task.file))
            url = fetched.url_of.get(task.file)
            if url:              # findings name the URL, not the temporary file
                task.file = url
                task.findings = [f.with_file(url) for f in task.findings]
            done(task)
    return report


def build(inputs: Inputs, outdir: str | os.PathLike[str], jobs: int = 0, progress: bool = False,
          on_task: OnTask | None = None, keep_tasks: bool = True, outputs: Outputs | None = None,
          previous: Previous | None = None) -> BatchReport:
    """Convert every valid workbook under `inputs` into OUTDIR, and write OUTDIR/校验结果.xlsx.

    Each report gets its final name as soon as it is done, and each file's row goes into the check
    report as it arrives; if the run is interrupted, what was finished is in place and listed.
    `on_task(task)` is called for each file as it completes. `outputs` asks for PDF and web pages
    besides the Word reports; with web pages, OUTDIR/index.html lists every report.
    OUTDIR may not be an input folder itself (OutputOverlap): the next run would read its outputs.
    Given last year's reports (`previous`), each is also checked against its unit's, 校验结果.xlsx
    gets a 与上年比 sheet, and last year's files that could not be used are on its 问题明细."""
    # what only build writes (校验结果.xlsx, index.html) is imported here: check and summary never need it
    from converter.batch.results_xlsx import ResultsWriter
    from converter.render.html import index_html
    outputs = outputs or Outputs()
    outdir = os.fspath(outdir)
    inputs = list(inputs)
    refuse_overlap(inputs, outdir)
    os.makedirs(outdir, exist_ok=True)
    paths = collect_inputs(inputs, exclude=outdir)
    writer = ResultsWriter(os.path.join(outdir, RESULTS_NAME), compare=previous is not None)
    if previous is not None:
        writer.add_previous(previous.findings)
    placer = Placer(outdir, paths)
    report = BatchReport(keep_tasks=keep_tasks)
    index: list[IndexRow] = []
    results = iter_tasks(paths, outputs, jobs, progress, "转换", previous)
    try:
        for task in results:
            with _InterruptsDeferred():
                placer.place(task)
                writer.add(task)
                report.add(task)
            if outputs.html:
                index.append(_index_row(task, outdir))
            if on_task:
                on_task(task)
    finally:
        results.close()
        with _InterruptsDeferred():       # a second Ctrl-C or SIGTERM does not cost the check report
            writer.close(report)
            report.results_file = writer.path
            if outputs.html:
                write_bytes_atomic(os.path.join(outdir, INDEX_NAME), index_html(index).encode("utf-8"))
            remove_leftovers(outdir)
    return report


def _index_row(t: Task, outdir: str) -> IndexRow:
    """A task's line in index.html: unit, year, status, and its files relative to the output folder."""
    from converter.render.html import IndexRow
    files = {os.path.splitext(p)[1]: os.path.relpath(p, outdir) for p in t.outputs or [] if not p.endswith(FRAGMENT_SUFFIX)}
    return IndexRow(unit=t.unit or os.path.basename(t.file), year=t.year or "", status=Status(t.status).label,
                    ok=Status(t.status).ok, docx=files.get(".docx"), pdf=files.get(".pdf"), html=files.get(".html"))


SMALL_BATCH = 16      # below this, starting worker processes costs more than it saves


def _jobs(jobs: int, n: int) -> int:
    """jobs <= 0 means automatic: every core, but one process for a small batch."""
    if jobs > 0:
        return jobs
    return 1 if n < SMALL_BATCH else max(1, os.cpu_count() or 1)


def iter_tasks(paths: list[str], render: Outputs | None, jobs: int, progress: bool, desc: str,
               previous: Previous | None = None, figures: bool = False) -> Generator[Task, None, None]:
    """Tasks in input order, each as soon as it and those before it are done (process_file's, with
    `render`, `previous` and `figures` as it takes them); `desc` names the job on the progress bar."""
    jobs = _jobs(jobs, len(paths))
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=len(paths), unit="份", desc=desc, file=sys.stderr, dynamic_ncols=True)
    frozen = False
    try:
        if jobs <= 1 or len(paths) <= 1:
            results = _in_process(paths, render, previous, figures)
        else:
            warm_up(render, previous)     # forked workers inherit what is loaded now
            gc.freeze()     # and the collector never walks it, which would copy every inherited page
            frozen = True
            chunk = max(1, min(16, len(paths) // (jobs * 8)))
            # last year's reports go to each worker once, when it starts (inherited under fork); without
            # them, the job's argument is what it always was
            job_arg: Any = render if previous is None and not figures else (render, previous, figures)
            results = in_order(paths, _process_chunk, job_arg, jobs, chunk, lost=worker_died)
        try:
            for t in results:
                if bar:
                    bar.update()
                keep_counted(previous, t.compare)
                yield t
        finally:
            results.close()       # stops the workers, also on Ctrl-C
            save_counted(previous)      # what was counted is not counted next time
    finally:
        if frozen:
            gc.unfreeze()
        if bar:
            bar.close()


def _in_process(paths: list[str], render: Outputs | None, previous: Previous | None,
                figures: bool) -> Generator[Task, None, None]:
    """After the first file everything the pipeline needs is loaded and cached: frozen, the collector
    stops walking it after every few thousand allocations (a tenth of the time per workbook). With last
    year's reports, files go in runs of _BATCH (see _process_chunk)."""
    try:
        step = 1 if previous is None else _BATCH
        for i in range(0, len(paths), step):
            yield from _process_chunk(paths[i:i + step], (render, previous, figures))
            if i == 0:
                gc.freeze()
    finally:
        gc.unfreeze()


def _process_chunk(paths: list[str], arg: Outputs | None | tuple[Outputs | None, Previous | None, bool]) -> list[Task]:
    render, previous, figures = arg if isinstance(arg, tuple) else (arg, None, False)
    if previous is None:
        return [_process(p, render, previous, figures) for p in paths]
    # the texts of the chunk's reports are compared with last year's one after the other, at the end
    batch = ReuseBatch()
    tasks = [process_file(p, render, figures=figures, previous=previous, batch=batch) for p in paths]
    try:
        batch.run()
    except Exception:       # one report's texts must not cost the others theirs: each alone, as without a batch
        tasks = [process_file(p, render, figures=figures, previous=previous) for p in paths]
    return tasks


def _process(path: str, render: Outputs | None, previous: Previous | None, figures: bool = False) -> Task:
    # without last year's reports or figures, the call it always was (callers may stand in for process_file)
    if previous is None and not figures:
        return process_file(path, render)
    return process_file(path, render, figures=figures, previous=previous)


class _InterruptsDeferred:
    """Holds a Ctrl-C (or SIGTERM) back until the block is done (main thread only), so a report that was
    moved into place is always also listed in 校验结果.xlsx. The signal is then raised again, to whatever
    handler was in place (the CLI's turns SIGTERM into an interrupt too)."""

    SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM") if hasattr(signal, name))

    def __enter__(self) -> _InterruptsDeferred:
        self.hit: list[int] = []
        self.old: dict[int, Any] = {}
        if threading.current_thread() is threading.main_thread():
            for sig in self.SIGNALS:
                self.old[sig] = signal.signal(sig, self._note)
        return self

    def _note(self, signum: int, *_: Any) -> None:
        self.hit.append(signum)

    def __exit__(self, *exc: Any) -> None:
        for sig, old in self.old.items():
            signal.signal(sig, old)
        if self.hit and exc[0] is None:
            signal.raise_signal(self.hit[0])
