"""Many workbooks -> Word reports + one report envelope, in parallel, with progress.

``check_files`` and ``build`` return a :class:`BatchReport` (one :class:`Task` per input file); the
CLI renders it, ``check_report_xlsx`` writes it as 校验结果.xlsx. One bad workbook never stops a batch:
anything unexpected becomes an INTERNAL_ERROR finding on that file alone."""
from __future__ import annotations

import errno
import gc
import os
import re
import signal
import sys
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from converter.atomic import write_bytes_atomic
from converter.checks.findings import ERROR, WARNING, Finding, has_errors, make

CONVERTED, CHECKED, REJECTED, UNREADABLE, FAILED = "converted", "checked", "rejected", "unreadable", "failed"
STATUS_ZH = {CONVERTED: "已转换", CHECKED: "校验通过", REJECTED: "未通过校验", UNREADABLE: "无法读取",
             FAILED: "处理出错"}
CHECK_REPORT_NAME = "校验结果.xlsx"
_SKIP_PREFIXES = (".", "~$")      # hidden files and Office lock files


@dataclass(slots=True)
class Task:
    file: str
    status: str
    findings: list[Finding] = field(default_factory=list)
    unit: str | None = None
    year: int | None = None
    format_id: str | None = None
    output: str | None = None
    _tmp: bytes | None = None      # the rendered document, until it is written under its final name

    @property
    def errors(self) -> int:
        return sum(f.severity == ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == WARNING for f in self.findings)


class BatchReport:
    """The result of a batch: running counts, and the tasks themselves unless the caller streams them
    (keep_tasks=False, as the CLI does: then memory does not grow with the batch)."""

    def __init__(self, tasks: list[Task] | None = None, keep_tasks: bool = True):
        self.tasks: list[Task] = []
        self.keep_tasks = keep_tasks
        self.check_report: str | None = None      # where build() wrote 校验结果.xlsx
        self._stats = {"files": 0, "errors": 0, "warnings": 0, **{status: 0 for status in STATUS_ZH}}
        for t in tasks or ():
            self.add(t)

    def add(self, t: Task) -> None:
        s = self._stats
        s["files"] += 1
        s["errors"] += t.errors
        s["warnings"] += t.warnings
        s[t.status] += 1
        if self.keep_tasks:
            self.tasks.append(t)

    @property
    def valid(self) -> bool:
        s = self._stats
        return s["files"] == s[CONVERTED] + s[CHECKED]

    @property
    def stats(self) -> dict:
        return dict(self._stats)

    def findings(self) -> list[Finding]:
        return [f for t in self.tasks for f in t.findings]


def collect_inputs(inputs, exclude: str | os.PathLike | None = None) -> list[str]:
    """Files named directly, plus every file below named folders (hidden and lock files skipped),
    each once, in the order given. Plain strings throughout, not Path objects: pathlib interns every
    name it parses for the life of the process, and a province's batch is tens of thousands of files.
    Overlap is found by comparing the named inputs with each other, so no per-file set is kept."""
    excluded = os.path.realpath(exclude) if exclude else None
    out: list[str] = []
    files_named: set[str] = set()
    folders_walked: set[str] = set()
    for item in map(os.fspath, inputs):
        key = os.path.abspath(item)
        if key in files_named or key in folders_walked or any(_inside(key, f) for f in folders_walked):
            continue                      # listed already, by itself or within a folder named before it
        if not os.path.isdir(item):
            files_named.add(key)
            out.append(item)
            continue
        for root, dirs, files in os.walk(item):
            here = os.path.abspath(root)
            dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                             and os.path.join(here, d) not in folders_walked
                             and (excluded is None or os.path.realpath(os.path.join(root, d)) != excluded))
            out += [os.path.join(root, f) for f in sorted(files)
                    if not f.startswith(_SKIP_PREFIXES) and os.path.join(here, f) not in files_named]
        folders_walked.add(key)
    return out


def _inside(path: str, folder: str) -> bool:
    return path.startswith(folder.rstrip(os.sep) + os.sep)


def process_file(path: str, outdir: str | None = None) -> Task:
    """Read, check and (given outdir, when there is no error) render one workbook to a temp file."""
    from converter.checks import Context, check_report
    from converter.definition.formats import get as get_format
    from converter.intake.workbook import read_workbook
    try:
        result = read_workbook(path)
        task = Task(file=str(path), status=UNREADABLE, findings=list(result.findings))
        if not result.ok:
            return _with_file(task)
        fmt = get_format(result.format_id)
        task.format_id = fmt.id
        task.findings += check_report(result.data, fmt, Context(fmt, result.locations, result.reported))
        fields = result.data["fields"]
        task.unit = fields.get("unit") or None
        task.year = fields.get("year") if isinstance(fields.get("year"), int) else None
        if has_errors(task.findings):
            task.status = REJECTED
        elif outdir is None:
            task.status = CHECKED
        else:
            from converter.render.docx import render_report
            # The document goes back to the main process, which does all file writing: workers
            # creating files in one directory contend for it, while the main process is idle.
            task._tmp = render_report(result.data, fmt)
            task.status = CONVERTED
        return _with_file(task)
    except Exception as e:   # one bad workbook never stops the batch
        detail = f"{type(e).__name__}: {e}"[:300]
        task = Task(file=str(path), status=FAILED, findings=[make("INTERNAL_ERROR", detail=detail)])
        if os.environ.get("NIANBAO_DEBUG"):
            traceback.print_exc()
        return _with_file(task)


def _with_file(task: Task) -> Task:
    task.findings = [f.with_file(task.file) for f in task.findings]
    return task


SMALL_BATCH = 16      # below this, starting worker processes costs more than it saves


def _jobs(jobs: int, n: int) -> int:
    """jobs <= 0 means automatic: every core, but one process for a small batch."""
    if jobs > 0:
        return jobs
    return 1 if n < SMALL_BATCH else max(1, os.cpu_count() or 1)


def _iter_run(paths: list[str], outdir: str | None, jobs: int, progress: bool, desc: str):
    """Tasks in input order, each as soon as it and those before it are done."""
    jobs = _jobs(jobs, len(paths))
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=len(paths), unit="份", desc=desc, file=sys.stderr, dynamic_ncols=True)
    frozen = False
    try:
        if jobs <= 1 or len(paths) <= 1:
            results = _in_process(paths, outdir)
        else:
            _warm_up(render=outdir is not None)     # forked workers inherit what is loaded now
            gc.freeze()     # and the collector never walks it, which would copy every inherited page
            frozen = True
            results = _in_order(paths, outdir, jobs)
        try:
            for t in results:
                if bar:
                    bar.update()
                yield t
        finally:
            results.close()       # stops the workers, also on Ctrl-C
    finally:
        if frozen:
            gc.unfreeze()
        if bar:
            bar.close()


def _in_process(paths: list[str], outdir: str | None):
    """After the first file everything the pipeline needs is loaded and cached: frozen, the collector
    stops walking it after every few thousand allocations (a tenth of the time per workbook)."""
    try:
        for i, p in enumerate(paths):
            yield process_file(p, outdir)
            if i == 0:
                gc.freeze()
    finally:
        gc.unfreeze()


def _process_chunk(paths: list[str], outdir: str | None) -> list[Task]:
    return [process_file(p, outdir) for p in paths]


def _in_order(paths: list[str], outdir: str | None, jobs: int):
    from converter.batch.workers import in_order
    chunk = max(1, min(16, len(paths) // (jobs * 8)))
    return in_order(paths, _process_chunk, outdir, jobs, chunk, lost=_worker_died)


def _worker_died(path: str) -> Task:
    return _with_file(Task(path, FAILED, [make("INTERNAL_ERROR", detail="处理进程意外退出（可能是内存不足，或文件触发了程序缺陷）")]))


class _InterruptsDeferred:
    """Holds a Ctrl-C back until the block is done (main thread only), so a report that was moved into
    place is always also listed in 校验结果.xlsx."""

    def __enter__(self):
        self.hit = False
        self.old = None
        if threading.current_thread() is threading.main_thread():
            self.old = signal.signal(signal.SIGINT, self._note)
        return self

    def _note(self, *_):
        self.hit = True

    def __exit__(self, *exc):
        if self.old is not None:
            signal.signal(signal.SIGINT, self.old)
            if self.hit and exc[0] is None:
                raise KeyboardInterrupt
        return False


def _warm_up(render: bool) -> None:
    from converter import checks  # noqa: F401
    from converter.intake import workbook  # noqa: F401
    from converter.checks import arithmetic, basic, narrative, schema_check  # noqa: F401
    from converter.definition.formats import FORMATS
    from converter.definition.schema import validator
    for fmt in FORMATS.values():
        validator(fmt)
        fmt.equations(), fmt.path_order(), fmt.kind_of(("fields", "unit"))
    if render:
        from converter.render.docx import _shell
        _shell()


def check_files(inputs, jobs: int = 0, progress: bool = False, on_task=None, keep_tasks: bool = True) -> BatchReport:
    """Check every workbook under `inputs`. `on_task(task)` is called for each file as it completes."""
    paths = collect_inputs(inputs)
    report = BatchReport(keep_tasks=keep_tasks)
    for task in _iter_run(paths, None, jobs, progress, "校验"):
        report.add(task)
        if on_task:
            on_task(task)
    return report


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def safe_filename(name: str, limit: int, fallback: str) -> str:
    """A name usable as a file name on Windows and Linux alike (unit text can hold anything)."""
    return _UNSAFE.sub("_", name).strip(" .")[:limit] or fallback


def output_name(unit: str, year: int | None) -> str:
    base = f"{unit}{year}年政府信息公开工作年度报告" if year else f"{unit}政府信息公开工作年度报告"
    return safe_filename(base, 150, "未命名单位")


def build(inputs, outdir, jobs: int = 0, progress: bool = False, on_task=None, keep_tasks: bool = True) -> BatchReport:
    """Convert every valid workbook under `inputs` into OUTDIR, and write OUTDIR/校验结果.xlsx.

    Each report gets its final name as soon as it is done, and each file's row goes into the check
    report as it arrives; if the run is interrupted, what was finished is in place and listed.
    `on_task(task)` is called for each file as it completes."""
    from converter.batch.results_xlsx import CheckReportWriter
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    paths = collect_inputs(inputs, exclude=outdir)
    writer = CheckReportWriter(outdir / CHECK_REPORT_NAME)
    placer = _Placer(outdir, paths)
    report = BatchReport(keep_tasks=keep_tasks)
    results = _iter_run(paths, str(outdir), jobs, progress, "转换")
    try:
        for task in results:
            with _InterruptsDeferred():
                placer.place(task)
                writer.add(task)
                report.add(task)
            if on_task:
                on_task(task)
    finally:
        results.close()
        writer.close(report)
        report.check_report = writer.path
        _remove_leftovers(outdir)
    return report


def _remove_leftovers(outdir: Path) -> None:
    """Temporary files of unfinished work (an interrupted run). Streamed: pathlib's glob would first
    list the whole folder, tens of thousands of reports, in memory."""
    with os.scandir(outdir) as entries:
        for e in entries:
            if e.name.startswith(".~") and e.name.endswith(".part"):
                try:
                    os.unlink(e.path)
                except FileNotFoundError:
                    pass


class _Placer:
    """Gives each document its final name; two reports of one unit and year never overwrite each other:
    the later one gets （2）, （3）… and a DUPLICATE_UNIT warning naming the first.

    Tasks arrive in the order of `paths`. The registry of names taken keeps only a hash of each name
    and the position of its input: a province's batch would otherwise hold every name twice."""

    def __init__(self, outdir: Path, paths: list[str]):
        self.outdir = str(outdir)
        self.paths = paths
        self.position = -1
        # hash of an output name -> position of the input that has it (64-bit: a false match among
        # 100,000 names has odds of about 1 in 3 billion)
        self.taken: dict[int, int] = {}

    def place(self, t: Task) -> None:
        self.position += 1
        if not t._tmp:
            return
        base = output_name(t.unit or os.path.splitext(os.path.basename(t.file))[0], t.year)
        name, n = base, 1
        while hash(name) in self.taken:
            n += 1
            name = f"{base}（{n}）"
        if n > 1:
            first = self.paths[self.taken[hash(base)]]
            t.findings.append(make("DUPLICATE_UNIT", detail=os.path.basename(first)).with_file(t.file))
        self.taken[hash(name)] = self.position
        final = os.path.join(self.outdir, f"{name}.docx")
        try:
            if not _same_content(final, t._tmp):
                write_bytes_atomic(final, t._tmp, make_dirs=False)
        except OSError as e:       # e.g. the old report is open in Word (Windows locks it): this file only
            t.findings.append(make("OUTPUT_FAILED", detail=f"{name}.docx", actual=_reason(e)).with_file(t.file))
            t.status = FAILED
            return
        finally:
            t._tmp = None
        t.output = final


def _reason(e: OSError) -> str:
    if isinstance(e, PermissionError):
        return "没有写入权限，或文件正被其他程序占用"
    if isinstance(e, IsADirectoryError):
        return "已有同名文件夹"
    if e.errno == errno.ENOSPC:
        return "磁盘空间已满"
    return e.strerror or type(e).__name__


def _same_content(path: str, data: bytes) -> bool:
    """A re-run leaves a report that has not changed as it is (its date too, so the coordinator sees
    which reports a resubmission changed). Reports are byte-for-byte reproducible, so equal bytes
    mean nothing changed."""
    try:
        if os.path.getsize(path) != len(data):
            return False
        with open(path, "rb") as fh:
            return fh.read() == data
    except OSError:
        return False
