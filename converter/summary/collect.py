"""A summary's inputs read once, in parallel, into a :class:`Summary`: every unit's newest report
checked now, its figures spooled to a temporary file (memory stays flat however many units), the
region's sums per level added up, and each parent's own figures compared with its children's.

Which file counts for a unit is the rule `status` uses: in an inbox made by `collect` (a folder with
收件记录.json) the newest record of each unit; among other files, the most recently modified file of
a unit (the older ones get SUMMARY_DUPLICATE_UNIT)."""
from __future__ import annotations

import datetime
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Iterator

from converter.batch.inputs import collect_inputs
from converter.batch.report import Task
from converter.batch.run import iter_tasks
from converter.batch.status import Status
from converter.checks.findings import Finding, make
from converter.definition.formats import FORMATS, ids
from converter.definition.formats import get as get_format
from converter.definition.plan import Plan, compile
from converter.errors import NianbaoError
from converter.mail.roster import Roster, unit_key
from converter.summary.aggregate import LevelSums, Member, compare_with_children, included, levels_of, primary_format
from converter.summary.unit_rows import UnitRows, draft


def _inbox(folder: Path) -> bool:
    """Whether a folder is an inbox made by `collect` (the mail modules are imported only for a folder)."""
    from converter.mail import manifest
    return (folder / manifest.JSON_NAME).exists()


@dataclass(frozen=True)
class Source:
    """One file to read, the unit it counts for when already known (an inbox's record), and how new it is."""
    path: str
    unit: str = ""
    order: tuple[Any, ...] = ()


def sources(inputs: list[str]) -> list[Source]:
    """The files a summary reads: each inbox's newest file per unit, and every other file named or found."""
    out: list[Source] = []
    plain: list[str] = []
    for item in inputs:
        folder = Path(item)
        if folder.is_dir() and _inbox(folder):
            from converter.mail import manifest
            for r in manifest.load(folder):
                if r.newest and r.unit:
                    out.append(Source(str(folder / r.stored), r.unit, (r.date or "", r.received)))
        elif not os.path.exists(item):
            raise NianbaoError(f"找不到输入：{item}")
        else:
            plain.append(item)
    for i, p in enumerate(collect_inputs(plain)):
        try:
            mtime = datetime.datetime.fromtimestamp(os.path.getmtime(p), datetime.timezone.utc).isoformat()
        except OSError:
            mtime = ""
        out.append(Source(p, "", (mtime, i)))
    return out


class Spool:
    """Members written one after another to a temporary file, read back by offset."""

    def __init__(self) -> None:
        self.file: IO[bytes] = tempfile.TemporaryFile(prefix="nianbao-summary-")

    def add(self, m: Member) -> int:
        """Write a member; returns where it is."""
        self.file.seek(0, os.SEEK_END)
        at = self.file.tell()
        pickle.dump(m, self.file, protocol=pickle.HIGHEST_PROTOCOL)
        return at

    def get(self, at: int) -> Member:
        """The member written at `at`."""
        self.file.seek(at)
        m: Member = pickle.load(self.file)
        return m

    def close(self) -> None:
        """Remove the temporary file."""
        self.file.close()


@dataclass
class Summary:
    """What a summary found: members in order (on the spool), the sums of each level, the parents'
    comparisons with their children, and what the tables are drawn in."""
    title: str
    year: int | None
    include_invalid: bool
    order: list[tuple[str, str, int | None]]      # (unit key, unit name, spool offset or None: missing)
    levels: list[LevelSums]
    primary: Plan
    spool: Spool
    findings: dict[str, list[Finding]] = field(default_factory=dict)   # unit key -> summary findings
    counts: dict[Status, int] = field(default_factory=dict)           # roster units by state
    on_roster: int = 0
    # the units the tables leave out, by why (not reported, with errors, unread), in order: noted while
    # adding up, so that the scope line need not read every member back
    left_out: tuple[list[str], list[str], list[str]] = field(default_factory=lambda: ([], [], []))
    draft: UnitRows | None = None        # 分单位数据's rows written as the reports arrived (see unit_rows)

    def members(self) -> Iterator[Member]:
        """Every member in order (roster order, then units not on the roster), read back from the spool."""
        for key, name, at in self.order:
            if at is None:
                yield Member(name, key)
            else:
                yield self.spool.get(at)

    @property
    def region(self) -> LevelSums:
        """The sums of the top level: the region's figures."""
        return self.levels[0]

    def plans(self) -> list[Plan]:
        """The plan of every format among the included units, the primary one first."""
        present = [f for f in ids() if any(f in lv.by_format for lv in self.levels)]
        return [self.primary] + [compile(get_format(f)) for f in present if f != self.primary.id]

    def close(self) -> None:
        """Remove the spool (and the drafted rows)."""
        self.spool.close()
        if self.draft is not None:
            self.draft.close()


def summarize(inputs: list[str], roster: Roster | None = None, title: str = "", year: int | None = None,
              include_invalid: bool = False, jobs: int = 0, progress: bool = False) -> Summary:
    """Read every input and add up the figures of the included units, level by level.

    `roster` gives the members, their order and their 上级单位; without one, the units found are the
    members. Reports with errors count only with `include_invalid`. The caller closes the result."""
    found = sources(inputs)
    spool = Spool()
    newest: dict[str, tuple[tuple[Any, ...], int, str]] = {}   # unit key -> (order, offset, file)
    # what the choice of the tables' format needs of a member, kept so that the spool is read back
    # only once to add up: spool offset -> (its figures count, its format)
    brief: dict[int, tuple[bool, str | None]] = {}
    arrival: list[str] = []
    dup_findings: dict[str, list[Finding]] = {}
    parents = {unit_key(u.name): unit_key(u.parent) if u.parent else "" for u in roster.units} if roster else {}
    names = {unit_key(u.name): u.name for u in roster.units} if roster else {}
    parent_names = {unit_key(u.name): u.parent for u in roster.units} if roster else {}
    level_of = levels_of(parents)
    # without a roster the members are the units in the order they arrive: unless a unit turns up
    # twice, the sums and 分单位数据's rows are made as they arrive, while the workers read on
    ahead: _Ahead | None = None if roster else _Ahead(include_invalid)
    for src, task in zip(found, _tasks([s.path for s in found], jobs, progress)):
        if not arrival:
            _load_writer()
        m = _member(src, task)
        if m.key in names:
            m.unit, m.on_roster, m.parent = names[m.key], True, parent_names[m.key]
            m.level = level_of.get(m.key, 1)
        at = spool.add(m)
        brief[at] = (included(m, include_invalid), m.format_id)
        old = newest.get(m.key)
        if old is None:
            arrival.append(m.key)
            newest[m.key] = (m.order, at, m.file)
            if ahead is not None:
                ahead.add(m)
        else:
            if ahead is not None:
                ahead.close()
                ahead = None
            new = (m.order, at, m.file)
            kept, dropped = (new, old) if m.order >= old[0] else (old, new)     # the later report
            newest[m.key] = kept
            dup_findings.setdefault(m.key, []).append(
                make("SUMMARY_DUPLICATE_UNIT", detail=os.path.basename(kept[2])).with_file(dropped[2]))
    order: list[tuple[str, str, int | None]] = []
    if roster:
        for u in roster.units:
            k = unit_key(u.name)
            order.append((k, u.name, newest[k][1] if k in newest else None))
    order += [(k, "", newest[k][1]) for k in arrival if k not in names]
    # pass 1: which format the tables are drawn in
    counts_by_format: dict[str, int] = {}
    for key, _, where in order:
        if where is not None:
            counts, format_id = brief[where]
            if counts and level_of.get(key, 1) == 1 and format_id:
                counts_by_format[format_id] = counts_by_format.get(format_id, 0) + 1
    del brief
    primary = compile(get_format(primary_format(counts_by_format, list(FORMATS))))
    # pass 2: the sums of each level and of each parent's children, and who is left out
    levels: dict[int, LevelSums] = {}
    children: dict[str, LevelSums] = {}
    states: dict[Status, int] = {}
    left_out: tuple[list[str], list[str], list[str]] = ([], [], [])
    if ahead is not None:           # done as they arrived, in the same order
        levels[1], left_out = ahead.sums, ahead.left_out
    for key, _, where in order if ahead is None else ():
        m = spool.get(where) if where is not None else Member(names.get(key, key), key)
        if key in names:
            states[m.status] = states.get(m.status, 0) + 1
        counted = _counted(m, include_invalid, left_out)
        if counted is None:
            continue
        plan, figures = counted
        lv = level_of.get(key, 1)
        levels.setdefault(lv, LevelSums(lv)).add(plan, m.unit, figures)
        if parents.get(key):
            children.setdefault(parents[key], LevelSums(lv)).add(plan, m.unit, figures)
    findings = dict(dup_findings)
    children_of: dict[str, list[str]] = {}
    for k, p in parents.items():
        if p:
            children_of.setdefault(p, []).append(k)
    for parent_key, sums in children.items():
        if sums.units < len(children_of.get(parent_key, ())) or parent_key not in newest:
            continue        # a child not counted (missing, or with errors): the comparison would mislead
        parent = spool.get(newest[parent_key][1])
        if not included(parent, include_invalid) or parent.format_id is None:
            continue
        found_here = compare_with_children(parent, compile(get_format(parent.format_id)), sums)
        findings.setdefault(parent_key, []).extend(f.with_file(parent.file) for f in found_here)
    if not levels:
        levels[1] = LevelSums(1)
    return Summary(title=title, year=year, include_invalid=include_invalid, order=order,
                   levels=[levels[k] for k in sorted(levels)], primary=primary, spool=spool, findings=findings,
                   counts=states, on_roster=len(names), left_out=left_out,
                   draft=ahead.rows if ahead is not None else None)


class _Ahead:
    """What pass 2 and 分单位数据 make of the members, made as they arrive (no roster, no unit twice):
    the region's sums, the units left out, and the unit rows drafted for the likeliest columns (the
    first registered format's tables, every other format's own columns)."""

    def __init__(self, include_invalid: bool):
        self.include_invalid = include_invalid
        self.sums = LevelSums(1)
        self.left_out: tuple[list[str], list[str], list[str]] = ([], [], [])
        guess = compile(get_format(primary_format({}, list(FORMATS))))
        self.rows: UnitRows | None = draft(guess, [compile(get_format(f)) for f in ids() if f != guess.id],
                                           include_invalid)

    def add(self, m: Member) -> None:
        """The next member, as pass 2 and the unit rows take it."""
        counted = _counted(m, self.include_invalid, self.left_out)
        if counted is not None:
            self.sums.add(counted[0], m.unit, counted[1])
        if self.rows is not None:
            self.rows.add(m, [])

    def close(self) -> None:
        """Drop the drafted rows (a unit turned up twice)."""
        if self.rows is not None:
            self.rows.close()
            self.rows = None


def _load_writer() -> None:
    """A caller that imported the workbook writer will write 汇总.xlsx: its library (XlsxWriter, some
    50 ms to import) is loaded now, once the workers are reading, rather than after the last report."""
    if "converter.summary.workbook" in sys.modules:
        import xlsxwriter  # noqa: F401


def _counted(m: Member, include_invalid: bool,
             left_out: tuple[list[str], list[str], list[str]]) -> tuple[Plan, tuple[Any, ...]] | None:
    """The plan a member is added up in and its figures, or None when it is not added up (and is then
    noted as left out): what pass 2 and _Ahead both take."""
    _note_left_out(m, include_invalid, left_out)
    if not included(m, include_invalid) or m.figures is None or m.format_id is None:
        return None
    return compile(get_format(m.format_id)), m.figures


def _note_left_out(m: Member, include_invalid: bool, out: tuple[list[str], list[str], list[str]]) -> None:
    """Add a member to the units left out (not reported, with errors, unread) when it is one."""
    if m.status is Status.MISSING:
        out[0].append(m.unit)
    elif included(m, include_invalid):
        return
    elif m.status is Status.REJECTED:
        out[1].append(m.unit)
    else:
        out[2].append(m.unit)



def _member(src: Source, task: Task) -> Member:
    unit = task.unit or src.unit or os.path.basename(task.file)
    key = unit_key(src.unit or task.unit or "") or "\0" + task.file
    codes = tuple(dict.fromkeys(f.code for f in task.findings))
    return Member(unit=unit, key=key, file=task.file, status=Status(task.status), format_id=task.format_id,
                  errors=task.errors, warnings=task.warnings, codes=codes, figures=task.figures,
                  on_roster=False, order=src.order)


def _tasks(paths: list[str], jobs: int, progress: bool) -> Iterator[Task]:
    """Each input read and checked, with its figures, in input order."""
    return iter_tasks(paths, None, jobs, progress, "汇总", figures=True)
