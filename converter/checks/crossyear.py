"""Checks against last year's report of the same unit (``--previous``): 上年结转 = last year's 结转下年度
(error), 现行有效件数 following from last year's, every figure of a table repeating last year's, and text
reused from last year's report.

Text reuse is measured (converter.checks.text_reuse) as the Dice coefficient over character bigrams,
2 × common ÷ (bigrams₁ + bigrams₂), per part (一、五、六), and for the whole narrative part by part:
2 × Σ common ÷ Σ (n₁ + n₂) over the parts, i.e. what each part took from the same part last year.

Last year's report is kept compact (:class:`LastYear`: its table cells as one tuple of numbers, and one
text per part), so that a whole region's worth is quick to load, to keep and to hand to worker processes."""
from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable

from converter.checks.context import Context
from converter.checks.findings import Finding, make
from converter.checks.text_reuse import Shared, shared_bigrams
from converter.definition.figures import cell_index, figures
from converter.definition.formats import UnknownFormat
from converter.definition.formats import get as get_format
from converter.definition.model import DataPath, Format, RowSum, Section, Table, value_at
from converter.definition.plan import Plan, compile
from converter.definition.values import plain_number, report_year, sum_at

REUSE_LIMIT = 0.5           # assessments deduct points above this share
MIN_PART = 100              # a shorter part (in characters; a fee sentence, say) is not compared on its own
_PUNCT = re.compile(r"[\s\W_]+")
_BRACKETS = re.compile(r"[()\[\]【】〔〕<>《》「」]")
# a unit name may carry its region in front (淮安市洪泽区人民政府 / 洪泽区人民政府): one ends in 省, 自治区,
# 市, 州, 盟, 地区, 县, 区 or 旗, i.e. in one of these characters
_REGION_LAST = frozenset("省区市州盟县旗")
WHOLE = "whole"


@dataclass(frozen=True)
class LastYear:
    """Last year's report of one unit, as much as the checks need: where it came from, its format,
    its table cells (converter.definition.figures: numbers, None where not read, in the order of its
    format's cells), its narrative as one text per part (section key -> text), and a digest of that
    (texts_key: what a text comparison's counts depend on, on last year's side)."""
    file: str
    unit: str
    year: int | None
    format_id: str
    figures: tuple[Any, ...]
    texts: dict[str, str]
    digest: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "digest", texts_key(self.texts))

    def value(self, path: DataPath) -> Any:
        """The number in a table cell, ("tables", table, row, column); None where not read (or no such cell)."""
        i = _cells(self.format_id).get(path)
        return self.figures[i] if i is not None and i < len(self.figures) else None


Counts = tuple[Shared, ...]        # a text comparison's bigrams per part


@dataclass
class Comparison:
    """The result of comparing one report with last year's: the findings, last year's file, whether
    上年结转 matched (None: nothing to compare), the text reuse ratio of the whole narrative, and what
    the text comparison counted (under the key of what it compared: see Previous.counted)."""
    findings: list[Finding] = field(default_factory=list)
    previous_file: str = ""
    carry_ok: bool | None = None
    reuse: float | None = None
    counted: tuple[bytes, Counts] | None = None


def unit_match_key(name: str) -> str:
    """A unit name for matching across years: full-width forms folded, spaces and brackets dropped,
    「人民政府」 read as 「政府」."""
    s = unicodedata.normalize("NFKC", name)
    s = _BRACKETS.sub("", _PUNCT.sub("", s))
    return s.replace("人民政府", "政府")


def texts_key(texts: dict[str, str], order: tuple[str, ...] = ()) -> bytes:
    """A digest of texts by part (and of `order`: this year's format and its sections, which decide the
    order of the parts compared), 16 bytes: two comparisons with the same keys on both sides count the
    same. Every string goes in after its length, so that no text can pass for another's end and a
    part after it."""
    joined = "".join(f"{len(x)}:{x}" for x in (*order, *(y for kv in texts.items() for y in kv)))
    return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).digest()[:16]


def texts_by_part(data: dict[str, Any], fmt: Format) -> dict[str, str]:
    """section key -> the section's narrative text (every text field of a headed section, in order)."""
    fields = data.get("fields", {})
    out: dict[str, str] = {}
    for s in fmt.sections:
        if not s.heading:
            continue
        parts: list[str] = []
        for f in s.fields:
            v = fields.get(f.key)
            parts += [t for t in (v if isinstance(v, list) else [v]) if isinstance(t, str) and t]
        if parts:
            out[s.key] = "\n".join(parts)
    return out


def compact(file: str, data: dict[str, Any], format_id: str) -> LastYear:
    """Last year's report data -> LastYear."""
    fields = data.get("fields", {})
    fmt = get_format(format_id)
    tables = data.get("tables")
    return LastYear(file=file, unit=str(fields.get("unit") or ""), year=report_year(data), format_id=format_id,
                    figures=figures(tables if isinstance(tables, dict) else {}, compile(fmt)),
                    texts=texts_by_part(data, fmt))


def _cells(format_id: str) -> dict[DataPath, int]:
    # through the format registered under the id now, and its plan (kept per format object): a format
    # registered again under an id (a test's, a plug-in's) is never read with the old one's places
    return cell_index(compile(get_format(format_id)))


@dataclass
class Previous:
    """Last year's reports by unit: `by_key` unit match key -> the unit's reports, one a year, in the
    order read (a folder may hold several years: each report is compared with the year before its
    own), `by_code` roster 单位代码 -> the unit match keys read under it (when a roster was given), and
    findings about files that could not be used."""
    by_key: dict[str, list[LastYear]] = field(default_factory=dict)
    by_code: dict[str, list[str]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    codes: dict[str, str] = field(default_factory=dict)     # unit match key -> roster 单位代码
    cached: int = 0                  # files not read again, as unchanged since a run before
    copies: list[str] = field(default_factory=list)      # a report's other copies, side by side, not read
    own_files: list[str] = field(default_factory=list)   # nianbao's 校验结果.xlsx and index.html, not read
    # text comparisons counted before (in runs before: converter.batch.previous_cache), by the key of
    # what was compared: a report whose texts, and last year's, are as they were is not counted again
    # (None: not kept, nor looked for)
    counted: dict[bytes, Counts] | None = field(default=None, repr=False)
    # name without a region in front -> the keys that have one (洪泽区政府 -> [淮安市洪泽区政府]), so
    # that finding a name's variants costs the name's length, not the number of units
    _prefixed: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.by_key)

    def add(self, last: LastYear, key: str | None = None) -> LastYear | None:
        """Keep one of last year's reports under its unit (`key`: its unit_match_key, when known); the
        report already kept for the same unit and year (or, neither year known, for the same unit)
        instead, when there is one: this one is then not kept."""
        key = unit_match_key(last.unit) if key is None else key
        kept = self.by_key.get(key)
        if kept is None:
            kept = self.by_key[key] = []
            for i in _region_ends(key):
                self._prefixed.setdefault(key[i:], []).append(key)
            code = self.codes.get(key)
            if code:
                self.by_code.setdefault(code, []).append(key)
        same = next((k for k in kept if k.year == last.year), None)
        if same is not None:
            return same
        kept.append(last)
        return None

    def reports(self) -> list[LastYear]:
        """Every report kept, unit by unit."""
        return [last for kept in self.by_key.values() for last in kept]

    def years(self) -> list[int]:
        """The report years kept (those known), in order."""
        return sorted({last.year for last in self.reports() if last.year is not None})

    def of_unit(self, unit: str, year: int | None = None) -> list[LastYear]:
        """Every report that may be this unit's, those to prefer first: under its normalised name; under
        the other names the roster gives its 单位代码; and, when these have none of the year before
        `year` (or none at all), under a name that differs only by a region in front (淮安市洪泽区政府 /
        洪泽区政府) when exactly one does (never a guess)."""
        key = unit_match_key(unit)
        code = self.codes.get(key)
        keys = [key] + [k for k in self.by_code.get(code, []) if k != key] if code else [key]
        found = [last for k in keys for last in self.by_key.get(k, [])]
        if not found or (year is not None and all(last.year != year - 1 for last in found)):
            near = [k for k in self._variants(key) if k not in keys]
            if len(near) == 1:
                found += self.by_key[near[0]]
        return found

    def match(self, unit: str, year: int | None = None, file: str | os.PathLike[str] | None = None) -> LastYear | None:
        """The report to compare with this unit's report of `year` (read from `file`), of those
        :meth:`of_unit` finds: the latest before `year` (the year before it, when there); failing that,
        one whose year is unknown; None when there is none of these (none at all, or only this year's
        own or later ones: nothing to compare with). Without a year, the latest. Never `file` itself."""
        found = self.of_unit(unit, year)
        if file is not None and year is None:      # with a year, the rule below already passes over its own
            found = [last for last in found if not _same_file(last.file, file)]
        if not found:
            return None
        if year is None:
            known = [last for last in found if last.year is not None]
            return _latest(known) if known else found[0]
        before = [last for last in found if last.year is not None and last.year < year]
        if before:
            return _latest(before)
        return next((last for last in found if last.year is None), None)

    def _variants(self, key: str) -> list[str]:
        """Keys that are `key` with a region in front, or `key` without one."""
        shorter = [key[i:] for i in _region_ends(key) if key[i:] in self.by_key]
        return list(dict.fromkeys(self._prefixed.get(key, []) + shorter))


def _region_ends(key: str) -> list[int]:
    """Where a region in front of a name could end (after 市, 区, 县…), the name going on after it."""
    return [i + 1 for i, ch in enumerate(key[:-1]) if ch in _REGION_LAST]


def _latest(reports: list[LastYear]) -> LastYear:
    """The latest, the first of those of that year."""
    newest = max(last.year or 0 for last in reports)
    return next(last for last in reports if last.year == newest)


def file_name(path: str) -> str:
    """A file's name without its folder, from a path of this system or of Windows."""
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    try:
        return os.path.samefile(a, b)       # through links, and whatever the spelling
    except OSError:
        return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def _get(tables: dict[str, Any], path: DataPath) -> Any:
    try:
        return value_at(tables, path)
    except (KeyError, TypeError):
        return None


def _int(v: float | None) -> Any:
    return int(v) if v is not None and v == int(v) else v


def check_previous(data: dict[str, Any], plan: Plan, last: LastYear, ctx: Context,
                   batch: ReuseBatch | None = None, then: Callable[[list[Finding]], None] | None = None,
                   counted: dict[bytes, Counts] | None = None) -> Comparison:
    """This year's report data against last year's report of the same unit. Given a `batch`, the text
    comparison is queued in it and done when the batch runs: its findings are then added to the
    Comparison and handed to `then`. Given what was `counted` before (Previous.counted), a text
    comparison found there is not counted again; either way, Comparison.counted says what it was."""
    fmt = plan.fmt
    out = Comparison(previous_file=last.file)
    try:
        last_fmt = get_format(last.format_id)
    except UnknownFormat:
        return out
    name = file_name(last.file)
    pair = _pair(fmt, last_fmt)
    tables = data.get("tables", {})
    year = report_year(data)
    if year is not None and last.year is not None and last.year != year - 1:
        # 上年结转 and 现行有效件数 follow only from the year just before
        out.findings.append(make("PREV_NOT_CONSECUTIVE", previous=name, last_year=last.year, expected=year - 1,
                                 actual=last.year, **ctx.locate(("fields", "year"))))
    else:
        out.carry_ok = _carry_over(fmt, plan, pair, tables, last, name, ctx, out.findings)
        _in_force(fmt, last_fmt, pair, tables, last, name, ctx, out.findings)
    _same_figures(pair, tables, last, name, ctx, out.findings)
    now = texts_by_part(data, fmt)
    if now and last.texts:
        queued = _Texts(fmt, now, last, name, ctx, out, then, counted)
        if batch is None:
            queued.compare()
        else:
            batch.add(queued)
    return out


@dataclass
class _Texts:
    """One report's text comparison, waiting: both years' texts by part, what was counted before, and
    where the result goes."""
    fmt: Format
    now: dict[str, str]
    last: LastYear
    name: str
    ctx: Context
    out: Comparison
    then: Callable[[list[Finding]], None] | None
    counted: dict[bytes, Counts] | None = None

    def compare(self) -> None:
        parts = [s for s in self.fmt.sections if self.now.get(s.key) or self.last.texts.get(s.key)]
        counts = None
        if self.counted is not None:
            order = (self.fmt.id, *(s.key for s in self.fmt.sections))
            key = texts_key(self.now, order) + self.last.digest
            counts = self.counted.get(key)
        if counts is None:
            counts = tuple(shared_bigrams([self.now.get(s.key, "") for s in parts],
                                          [self.last.texts.get(s.key, "") for s in parts]))
        if self.counted is not None:
            self.out.counted = (key, counts)
        findings: list[Finding] = []
        self.out.reuse = _text_reuse(self, parts, counts, findings)
        self.out.findings += findings
        if self.then is not None:
            self.then(findings)


class ReuseBatch:
    """Text comparisons of several reports, done one after the other once all are read and checked:
    reading a workbook pushes numpy's code and tables out of the processor's caches, so a comparison
    right after one costs about twice what it costs right after another comparison."""

    def __init__(self) -> None:
        self._queued: list[_Texts] = []

    def add(self, texts: _Texts) -> None:
        """Queue one report's comparison."""
        self._queued.append(texts)

    def run(self) -> None:
        """Do every queued comparison, each handing its findings on; the queue is emptied."""
        queued, self._queued = self._queued, []
        for q in queued:
            q.compare()


Cell = tuple[str, str, str]        # (table, row, column)


@dataclass(frozen=True)
class _Pair:
    """What comparing a report of one format with last year's of a format (the same or another) takes,
    derived once per pair of formats, so that each report's comparison is a walk over tuples:
    - carry: (this year's 上年结转 cell, last year's 结转下年度 cell's place in LastYear.figures, its row's label);
    - in_force: (issued, repealed, in force) cells with last year's in-force place; None when last
      year's format counts documents in other rows (2019's table 二);
    - same: per table a reader names (表二): its first cell, and its cells as (this year's cells that add
      up to one, last year's places that add up to the same), rows one format splits read as the row
      the other prints."""
    carry: tuple[tuple[DataPath, tuple[int, ...] | None, str], ...]
    in_force: tuple[tuple[DataPath, DataPath, DataPath, tuple[int, ...] | None], ...] | None
    same: tuple[tuple[str, DataPath, tuple[tuple[tuple[Cell, ...], tuple[int, ...] | None], ...]], ...]


_PAIRS: dict[tuple[int, int], tuple[Format, Format, _Pair]] = {}


def _pair(fmt: Format, last_fmt: Format) -> _Pair:
    key = (id(fmt), id(last_fmt))        # by identity: a format is a large value to hash
    hit = _PAIRS.get(key)
    if hit is None or hit[0] is not fmt or hit[1] is not last_fmt:
        hit = _PAIRS[key] = (fmt, last_fmt, _make_pair(fmt, last_fmt))
    return hit[2]


def _make_pair(fmt: Format, last_fmt: Format) -> _Pair:
    at = cell_index(compile(last_fmt))

    def place(cell: Cell) -> tuple[int, ...] | None:
        i = at.get(("tables", *cell))
        return None if i is None else (i,)
    carry = tuple((("tables", c.table, c.row, col.key), place((c.table, c.from_row, col.key)),
                   fmt.table(c.table).row(c.from_row).label)
                  for c in fmt.carry_over for col in fmt.table(c.table).columns)
    docs = fmt.text_checks.documents
    in_force = (None if docs and last_fmt.text_checks.documents != docs else
                tuple((i, r, n, place((n[1], n[2], n[3]))) for i, r, n in docs))
    differ = fmt.id != last_fmt.id
    sums = fmt.row_sums + last_fmt.row_sums if differ else ()
    was: dict[Cell, tuple[int, ...] | None] = {}
    for cell, parts in _merged(last_fmt, sums).items():
        places = [place(p) for p in parts]
        was[cell] = None if None in places else tuple(i for x in places if x is not None for i in x)
    now = _merged(fmt, sums)
    groups: dict[str, list[str]] = {}           # what a reader calls the table (表二) -> its blocks
    for key in fmt.text_checks.compared_tables:
        try:
            groups.setdefault(fmt.table(key).short, []).append(key)
        except KeyError:
            continue
    same = []
    for short, keys in groups.items():
        if differ and any(_shape(fmt, k, sums) != _shape(last_fmt, k, sums) for k in keys):
            continue                             # 表二 differs between the formats: nothing to compare
        first = ("tables", keys[0], fmt.table(keys[0]).rows[0].key, fmt.table(keys[0]).columns[0].key)
        same.append((short, first, tuple((parts, was.get(cell)) for cell, parts in now.items() if cell[0] in keys)))
    return _Pair(carry, in_force, tuple(same))


def _merged(fmt: Format, sums: tuple[RowSum, ...]) -> dict[Cell, tuple[Cell, ...]]:
    """Each cell of a format's tables as read against another format's: -> the cells that add up to it
    (see _rows)."""
    return {(t.key, row, c.key): tuple((t.key, p, c.key) for p in parts)
            for t in fmt.tables() for row, parts in _rows(t, sums) for c in t.columns}


def _rows(table: Table, sums: tuple[RowSum, ...]) -> list[tuple[str, tuple[str, ...]]]:
    """A table's rows as read against another format's, in order: (row, this table's rows that add up
    to it); a group of rows this format splits (and the other prints as one) is that one row, in the
    place of the group's first."""
    rows: list[tuple[str, tuple[str, ...]]] = [(r.key, (r.key,)) for r in table.rows]
    for s in sums:
        parts = dict(rows)
        if s.table != table.key or s.row in parts or not all(r in parts for r in s.parts):
            continue
        at = [k for k, _ in rows].index(s.parts[0])
        rows = [x for x in rows if x[0] not in s.parts]
        rows.insert(at, (s.row, tuple(x for r in s.parts for x in parts[r])))
    return rows


def _carry_over(fmt: Format, plan: Plan, pair: _Pair, tables: dict[str, Any], last: LastYear, name: str,
                ctx: Context, findings: list[Finding]) -> bool | None:
    compared, bad = 0, []
    for path, at, from_label in pair.carry:
        now = plain_number(_get(tables, path[1:]))
        was = _sum_of(last.figures, at)
        if now is None or was is None:
            continue
        compared += 1
        if now != was:
            bad.append((path, now, was, from_label))
    # a wrong figure makes its total wrong too: the total is named only when it is the only one
    shown = [b for b in bad if b[0] not in plan.computed] or bad
    for path, now, was, from_label in shown:
        findings.append(make("PREV_CARRY_MISMATCH", what=f"{fmt.table(path[1]).short}{fmt.describe(path)}",
                             previous=name, from_row=from_label, expected=_int(was), actual=_int(now),
                             **ctx.locate(path)))
    return None if not compared else not bad


def _in_force(fmt: Format, last_fmt: Format, pair: _Pair, tables: dict[str, Any], last: LastYear, name: str,
              ctx: Context, findings: list[Finding]) -> None:
    if pair.in_force is None:
        inforce = fmt.text_checks.documents[0][2]
        table = fmt.table(inforce[1])
        findings.append(make("PREV_NOT_COMPARABLE", previous=name, last_format=last_fmt.name,
                             what=f"{table.short}{table.title or ''}的「{table.column(inforce[3]).label}」",
                             **ctx.locate(inforce)))
        return
    for issued, repealed, inforce, at in pair.in_force:
        i, r, n = (plain_number(_get(tables, p[1:])) for p in (issued, repealed, inforce))
        before = _sum_of(last.figures, at)
        if i is None or r is None or n is None or before is None:
            continue
        if n != before + i - r:
            findings.append(make("PREV_IN_FORCE_MISMATCH", what=fmt.describe(inforce), previous=name,
                                 last=_int(before), issued=_int(i), repealed=_int(r), expected=_int(before + i - r),
                                 actual=_int(n), **ctx.locate(inforce)))


def _same_figures(pair: _Pair, tables: dict[str, Any], last: LastYear, name: str, ctx: Context,
                  findings: list[Finding]) -> None:
    for short, first, cells in pair.same:
        if _all_as_before(tables, cells, last.figures):
            findings.append(make("PREV_SAME_FIGURES", what=short, previous=name, **ctx.locate(first)))


def _all_as_before(tables: dict[str, Any], cells: tuple[tuple[tuple[Cell, ...], tuple[int, ...] | None], ...],
                   was: tuple[Any, ...]) -> bool:
    """Whether every figure this year has in these cells is last year's (and one is not zero); stops
    at the first that differs, which is where almost every pair of reports stops."""
    nonzero = False
    for now_at, was_at in cells:
        x = sum_at(tables, now_at)
        if x is None:
            continue
        if _sum_of(was, was_at) != x:
            return False
        nonzero = nonzero or x != 0
    return nonzero


def _sum_of(figures: tuple[Any, ...], at: tuple[int, ...] | None) -> float | None:
    """Last year's figure (or sum of figures) at these places; None when one was not read."""
    if at is None:
        return None
    total = 0.0
    for i in at:
        v = figures[i] if i < len(figures) else None
        if v is None:
            return None
        total += v
    return total


def _shape(fmt: Format, key: str, sums: tuple[RowSum, ...]) -> tuple[Any, ...]:
    """A table's column keys and row keys, split groups read as the row another format prints."""
    try:
        t = fmt.table(key)
    except KeyError:
        return ()
    return tuple(c.key for c in t.columns), tuple(row for row, _ in _rows(t, sums))


def _text_reuse(q: _Texts, parts: list[Section], counted: Counts, findings: list[Finding]) -> float:
    """Per part, and over the whole narrative: part by part, 2 × Σ common ÷ Σ (n₁ + n₂), so that the
    whole counts what each part took from the same part last year."""
    common = total = 0
    for s, (n_this, n_last, shared) in zip(parts, counted):
        common, total = common + shared, total + n_this + n_last
        if len(q.now.get(s.key, "")) < MIN_PART or len(q.last.texts.get(s.key, "")) < MIN_PART or not n_this + n_last:
            continue
        ratio = 2 * shared / (n_this + n_last)
        if ratio > REUSE_LIMIT:
            findings.append(make("PREV_TEXT_REUSED", what=f"「{s.title}」", previous=q.name, ratio=f"{ratio:.0%}",
                                 actual=round(ratio, 3), **q.ctx.locate(("fields", s.fields[0].key))))
    whole = 2 * common / total if total else 0.0
    if whole > REUSE_LIMIT:
        findings.append(make("PREV_TEXT_REUSED", what="报告正文（全部文字）", previous=q.name, ratio=f"{whole:.0%}",
                             actual=round(whole, 3)))
    return round(whole, 3)
