"""Inputs of any kind -> their report data as JSON files (`nianbao extract`): the data exactly as the
format's JSON Schema shapes it, a cell that could not be read as null. The schema stays strict (a
complete report has no null), so extracted data with blanks fails validation, and its findings say
which cells: the same findings `check` gives."""
from __future__ import annotations

import json
import os
from typing import Any, Callable, Iterable

from converter.batch.inputs import collect_inputs, refuse_overlap
from converter.batch.report import BatchReport, Task
from converter.batch.status import Status
from converter.checks import Context, run_checks
from converter.checks.findings import has_errors, make
from converter.definition.formats import get as get_format
from converter.definition.plan import compile
from converter.files import NAME_BYTES, name_key, readable, safe_filename, write_bytes_atomic
from converter.intake.reader import read_report


def data_json(data: dict[str, Any]) -> bytes:
    """Report data as the JSON file `extract` writes (UTF-8, readable)."""
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def extract(inputs: Iterable[str | os.PathLike[str]], out: str, single_file: bool = False,
            on_task: Callable[[Task], Any] | None = None) -> BatchReport:
    """Read every input and write its data to OUT/<input stem>.json (or to OUT itself when
    `single_file`). Inputs that could not be read get no file; every input gets a task."""
    inputs = list(inputs)
    refuse_overlap(inputs, out)
    paths = collect_inputs(inputs, exclude=None if single_file else out)
    report = BatchReport()
    used: set[str] = set()
    for path in paths:
        task = _one(path, out, single_file, used)
        report.add(task)
        if on_task:
            on_task(task)
    return report


def _one(path: str, out: str, single_file: bool, used: set[str]) -> Task:
    try:
        r = read_report(path)
        task = Task(file=readable(path), status=Status.UNREADABLE, findings=list(r.findings), format_id=r.format_id)
        if r.data is None or r.format_id is None:
            return task
        plan = compile(get_format(r.format_id))
        task.findings += run_checks(r.data, plan, Context(plan, r.locations, r.reported))
        unit, year = r.data["fields"].get("unit"), r.data["fields"].get("year")
        task.unit = unit if isinstance(unit, str) and unit else None
        task.year = year if isinstance(year, int) else None
        target = out if single_file else os.path.join(out, _stem(path, used) + ".json")
        write_bytes_atomic(target, data_json(r.data))
        task.output = target
        task.status = Status.REJECTED if has_errors(task.findings) else Status.PASSED
    except OSError as e:
        task = Task(file=readable(path), status=Status.FAILED, findings=[make("OUTPUT_FAILED", detail=readable(os.path.basename(path)),
                                                                    actual=e.strerror or str(e))])
    task.findings = [f.with_file(task.file) for f in task.findings]
    return task


def _stem(path: str, used: set[str]) -> str:
    """The input's file name without its extension; a second input of the same name gets （2）."""
    base = safe_filename(os.path.splitext(os.path.basename(path))[0], NAME_BYTES - 24, "报告")
    name, n = base, 1
    while name_key(name) in used:       # names one file system takes for one file are one name
        n += 1
        name = f"{base}（{n}）"
    used.add(name_key(name))
    return name
