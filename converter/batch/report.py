"""The result of a batch: one Task per input file, and a BatchReport envelope with running counts."""
from __future__ import annotations

from dataclasses import dataclass, field

from converter.batch.status import Status
from converter.checks.crossyear import Comparison
from converter.checks.findings import ERROR, WARNING, Finding


@dataclass(slots=True)
class Task:
    """One input: its status, findings, the unit and year it reports on, and where its report went.
    `documents` hold the rendered reports between the worker and the main process, which writes them."""
    file: str
    status: Status
    findings: list[Finding] = field(default_factory=list)
    unit: str | None = None
    year: int | None = None
    format_id: str | None = None
    output: str | None = None                    # the Word report, where it was written
    documents: dict[str, bytes] | None = None     # file suffix -> rendered document, until written
    outputs: list[str] | None = None             # every file written for it
    figures: tuple | None = None                 # on request: every table cell, in the plan's cell_paths order
    compare: Comparison | None = None            # against last year's report (--previous)

    @property
    def errors(self) -> int:
        """How many of its findings are errors."""
        return sum(f.severity == ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        """How many of its findings are warnings."""
        return sum(f.severity == WARNING for f in self.findings)


class BatchReport:
    """The result of a batch: running counts, and the tasks themselves unless the caller streams them
    (keep_tasks=False, as the CLI does: then memory does not grow with the batch)."""

    def __init__(self, tasks: list[Task] | None = None, keep_tasks: bool = True):
        self.tasks: list[Task] = []
        self.keep_tasks = keep_tasks
        self.results_file: str | None = None      # where build() wrote 校验结果.xlsx
        self._stats = {"files": 0, "errors": 0, "warnings": 0, **{s.value: 0 for s in Status}}
        for t in tasks or ():
            self.add(t)

    def add(self, t: Task) -> None:
        """Count a finished task (and keep it, if the report keeps tasks)."""
        s = self._stats
        s["files"] += 1
        s["errors"] += t.errors
        s["warnings"] += t.warnings
        s[Status(t.status).value] += 1
        if self.keep_tasks:
            self.tasks.append(t)

    @property
    def valid(self) -> bool:
        """Whether every file was valid."""
        s = self._stats
        return s["files"] == s[Status.CONVERTED.value] + s[Status.PASSED.value]

    @property
    def stats(self) -> dict[str, int]:
        """Counts: files, errors, warnings, and one per status value."""
        return dict(self._stats)

    def findings(self) -> list[Finding]:
        """Every finding of the kept tasks."""
        return [f for t in self.tasks for f in t.findings]
