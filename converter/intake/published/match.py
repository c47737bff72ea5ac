"""Document tables -> the format's table cells, by labels only.

Rows of every document table are read in order. A row of header labels (no numbers) sets, for each
grid column it covers, the stack of header labels above that column; a row whose label cells carry a
known row label is a data row, and each of its number cells goes to the format column whose labels
head its grid column. A table continued on the next page (the same grid, or in a PDF columns at the
same positions) keeps the headers of the part before. Nothing is placed by position: a row or column whose label is not found
stays null with a finding."""
from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from converter.checks.findings import Finding, make
from converter.definition.formats import FORMATS
from converter.definition.kinds import COUNT, DELTA, Kind
from converter.definition.model import Column, DataPath, Format, Row, Table

from .document import Cell, Document
from .document import Table as DocTable
from .labels import Labels, labels_of, norm, strip_number
from .words import DASHES

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GAPS = re.compile(r"[\s\u00a0\u3000,]+")
_UNIT = re.compile(r"(万元|元|件|个|项|条|次)$")


def sheet_of(table: Table) -> str:
    """What a reader of the printed report calls the table holding `table` (表二 for every block of it)."""
    return table.short or table.name


@dataclass
class Matched:
    """What one format made of a document's tables."""
    fmt: Format
    raw: dict[DataPath, list[Cell]] = field(default_factory=dict)    # cell path -> the document cells read
    rows_found: set[tuple[str, str]] = field(default_factory=set)
    cols_found: set[tuple[str, str]] = field(default_factory=set)
    findings: list[tuple[DataPath | None, Finding]] = field(default_factory=list)
    # groups of rows printed as one row (（六）其他处理 without its sub-rows): (the cell, the group's
    # label, its rows, the row that took the figures)
    merged: list[tuple[Cell, str, tuple[Row, ...], Row]] = field(default_factory=list)
    tables_found: set[str] = field(default_factory=set)
    claimed: dict[Cell, DataPath] = field(default_factory=dict)   # a cell spanning rows -> the row it went to

    @property
    def score(self) -> int:
        """How well the format matched: rows found count more than columns."""
        return len(self.rows_found) * 4 + len(self.cols_found)


@functools.lru_cache(maxsize=65536)
def classify(text: str) -> str:
    """"empty", "dash", "number" or "text" for a cell's text."""
    s = norm(text).replace(",", "")
    if not s:
        return "empty"
    if s in DASHES or set(s) <= set("/-—－–\\"):
        return "dash"
    if _NUMBER.match(_UNIT.sub("", s)):
        return "number"
    return "text"


@functools.lru_cache(maxsize=65536)
def parse_number(text: str, kind: Kind) -> Any:
    """A printed number -> int/float (units such as 元 dropped), or None when it is not one."""
    s = unicodedata.normalize("NFKC", text)
    s = _GAPS.sub("", s)
    s = _UNIT.sub("", s)
    if not _NUMBER.match(s):
        return None
    if "." in s:
        v = float(s)
        if v.is_integer() and kind in (COUNT, DELTA):
            return int(v)
        return round(v, 6)
    return int(s)


# A document table as match_tables reads it: the table, its width, and for each grid row its cells,
# what each holds (classify) and their normalised texts. The same under every format.
TableRows = tuple[DocTable, int, list[tuple[list[Cell], list[str], list[str]]]]


def table_rows(doc: Document) -> list[TableRows]:
    """The rows of every table of `doc` with their cells' kinds and normalised texts: what
    match_tables reads, worked out once for a document read under several formats."""
    out = []
    for table in doc.tables:
        rows = [(row_cells, [classify(c.text) for c in row_cells], [norm(c.text) for c in row_cells])
                for row_cells in table.rows()]
        out.append((table, table.width, rows))
    return out


def match_tables(doc: Document, fmt: Format, tables: list[TableRows] | None = None) -> Matched:
    """Read every document table against `fmt`'s labels (`tables`: table_rows(doc), when the
    caller has it already)."""
    labels = labels_of(fmt)
    m = Matched(fmt)
    context = _Context()
    last = None
    last_width = 0
    for table, width, rows in (table_rows(doc) if tables is None else tables):
        if last is None or width != last_width:
            context = _carried(context, last, table)
        last, last_width = table, width
        after_data = False
        for row_cells, kinds, texts in rows:
            if _is_header(texts, kinds, labels):
                if after_data:
                    context = _Context()
                    after_data = False
                context.cache.clear()
                for c, t in zip(row_cells, texts):
                    if not t:
                        continue
                    for g in range(c.col, c.col + c.colspan):
                        stack = context.stacks.setdefault(g, [])
                        if not stack or stack[-1] != t:
                            stack.append(t)
                continue
            if _data_row(row_cells, kinds, texts, context, labels, m):
                after_data = True
    return m


def _carried(context: _Context, before: DocTable | None, table: DocTable) -> _Context:
    """The header labels a table continued on the next page keeps: a table of the same grid keeps
    them by column; a PDF table whose grid differs (a page break cut it where a row's cells merge)
    by the position of its columns, where each new column lies under columns of one heading."""
    if before is None or not table.edges or not before.edges or before.page is None or table.page != before.page + 1:
        return _Context()
    carried = _Context()
    old = before.edges
    for g in range(len(table.edges) - 1):
        lo, hi = table.edges[g], table.edges[g + 1]
        under = [context.stacks.get(k) for k in range(len(old) - 1) if lo - 2 <= (old[k] + old[k + 1]) / 2 <= hi + 2]
        stacks = {tuple(st) for st in under if st}
        if len(stacks) == 1:
            carried.stacks[g] = list(stacks.pop())
    return carried


def _is_header(texts: list[str], kinds: list[str], labels: Labels) -> bool:
    """A row of header labels: no numbers, and its labels known (a cell cut by a page break, such as
    the corner's second half, may be unknown when at least two others are known)."""
    if "number" in kinds or "dash" in kinds:
        return False
    filled = [t for t in texts if t]
    words = labels.header_words
    known = len([t for t in filled if t in words])
    return bool(filled) and (known == len(filled) or (known >= 2 and known * 2 > len(filled)))


@dataclass
class _Context:
    """The header labels above each grid column, and what was derived from them (until they change)."""
    stacks: dict[int, list[str]] = field(default_factory=dict)
    cache: dict = field(default_factory=dict)


def _data_columns(context: _Context, labels: Labels) -> set[int]:
    hit = context.cache.get("data")
    if hit is None:
        hit = context.cache["data"] = {g for g, stack in context.stacks.items()
                                       if stack and stack[-1] in labels.all_forms}
    return hit


def _row_of(label_texts: list[str], labels: Labels, m: Matched) -> tuple[Table, Row, str] | tuple[Table, None, str] | None:
    """The format row a data row's labels name: (table, row, how) with how "exact", "variant" or
    "merged" (a group label printed as one row), or None."""
    if not label_texts:
        return None
    last = label_texts[-1]
    hits = labels.rows.get(last)
    if hits and len(hits) == 1 and last not in labels.header_words:
        return hits[0][0], hits[0][1], "exact"
    if last in labels.parents:
        return labels.parents[last][0], None, "merged"
    stripped = strip_number(last)
    hits = labels.rows.get(stripped)
    if hits and len(hits) == 1 and stripped not in labels.header_words and stripped != last:
        return hits[0][0], hits[0][1], "exact"
    if last in labels.header_words or len(last) < 4:
        return None
    hit = _cut(last, m.fmt.id) or _closest(last, m.fmt.id)
    return None if hit is None else (hit[0], hit[1], "variant")


@functools.lru_cache(maxsize=4096)
def _cut(last: str, format_id: str) -> tuple[Table, Row] | None:
    """A label cut short (a page break inside the cell): the one official label that starts with
    it, numbered alike, at least six characters of it printed."""
    if len(last) < 6 or not re.match(r"^(\d+\.|\(.\)|.、)", last):
        return None
    labels = labels_of(FORMATS[format_id])
    found = {entries[0] for key, entries in labels.rows.items()
             if len(entries) == 1 and key.startswith(last) and key != last}
    return found.pop() if len(found) == 1 else None


@functools.lru_cache(maxsize=4096)
def _closest(last: str, format_id: str) -> tuple[Table, Row] | None:
    """A misprint: the one official row label `last` is closest to, with the same item number."""
    labels = labels_of(FORMATS[format_id])
    best, best_ratio = None, 0.0
    second = 0.0
    for key, entries in labels.rows.items():
        if len(entries) != 1 or key in labels.header_words:
            continue
        matcher = difflib.SequenceMatcher(None, last, key)
        if matcher.real_quick_ratio() < 0.8 or matcher.quick_ratio() < 0.8:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio, second = entries[0], ratio, best_ratio
        elif ratio > second:
            second = ratio
    if best is not None and best_ratio >= 0.8 and best_ratio - second > 0.05:
        number = re.match(r"^(\d+\.|\(.\)|.、)", last)
        official = norm(best[1].label)
        if number is None or official.startswith(number.group(1)):
            return best
    return None


def _column_map(table: Table, context: _Context, labels: Labels) -> dict[int, str]:
    """grid column -> the key of `table`'s column heading it (by the header labels above it)."""
    hit = context.cache.get(table.key)
    if hit is None:
        hit = context.cache[table.key] = _columns_of(table, context.stacks, labels)
    return hit


def _columns_of(table: Table, stacks: dict[int, list[str]], labels: Labels) -> dict[int, str]:
    out: dict[int, str] = {}
    leaves = labels.by_leaf.get(table.key, {})
    for g, stack in stacks.items():
        if not stack:
            continue
        cands = leaves.get(stack[-1], [])
        if len(cands) > 1:
            key = _scored(labels, table.key, tuple(stack), cands)
            if key is not None:
                out[g] = key
        elif cands:
            out[g] = cands[0].key
    return out


_SCORED_KEPT = 4096      # choices remembered per format (Labels.scored), before they are forgotten


def _scored(labels: Labels, table_key: str, stack: tuple[str, ...], cands: list[Column]) -> str | None:
    """The key of the one candidate column with the most upper labels heading this grid column,
    or None when two tie."""
    memo = (table_key, stack)
    if memo in labels.scored:
        return labels.scored[memo]
    scored = []
    above = set(stack)
    for c in cands:
        # how many of the column's upper labels head this grid column (in any printed form)
        score = 0
        for p in c.path[:-1]:
            key = norm(p)
            forms = labels.column_names.get(key)
            if not (above.isdisjoint(forms) if forms is not None else key not in above):
                score += 1
        scored.append((score, c))
    scored.sort(key=lambda x: -x[0])
    chosen = None if scored[0][0] == scored[1][0] else scored[0][1].key
    if len(labels.scored) >= _SCORED_KEPT:
        labels.scored.clear()
    labels.scored[memo] = chosen
    return chosen


def _data_row(row_cells: list[Cell], kinds: list[str], texts: list[str], context: _Context,
              labels: Labels, m: Matched) -> bool:
    data_cols = _data_columns(context, labels)
    label_cells = []
    for c, k, t in zip(row_cells, kinds, texts):
        # a cell of one grid column is under a data column when that column is one; a cell under
        # a data column is a value, never a label
        if (c.col in data_cols) if c.colspan == 1 else not data_cols.isdisjoint(range(c.col, c.col + c.colspan)):
            continue
        if t and (k == "text" or not data_cols):
            label_cells.append((c, t))
    label_texts: list[str] = []
    for _, t in label_cells:
        if not label_texts or label_texts[-1] != t:
            label_texts.append(t)
    found = _row_of(label_texts, labels, m)
    if found is None:
        for bare in labels.unlabelled:
            colmap = _column_map(bare, context, labels)
            # a whole block of its header (表四 may be printed block by block)
            if (len(set(colmap.values())) >= min(5, len(bare.columns)) and not label_texts
                    and all(k != "text" for k in kinds)):
                # table 四 printed block by block has a row of numbers under each block; a
                # second row under columns already read is not another reading of them
                row_key = bare.rows[0].key
                keys = {colmap[g] for c in row_cells for g in range(c.col, c.col + c.colspan) if g in colmap}
                if any(("tables", bare.key, row_key, k) not in m.raw for k in keys):
                    _take(bare, bare.rows[0], row_cells, colmap, m)
                return True
        return False
    table, row, how = found
    colmap = _column_map(table, context, labels)
    if not colmap:
        return False
    if how == "merged":
        group = labels.parents[label_texts[-1]][1]
        target = next((r for r in group if r.absorbs_group), None)      # （六）其他处理 -> 3.其他
        if target is not None and not any((table.key, r.key) in m.rows_found for r in group):
            m.merged.append((label_cells[-1][0], label_cells[-1][0].text, group, target))
            _take(table, target, row_cells, colmap, m)
            return True
        return False
    assert row is not None
    if (table.key, row.key) in m.rows_found:
        return True          # printed twice (a repeated table): the first one counts
    if how == "variant":
        m.findings.append((("tables", table.key, row.key, table.columns[0].key),
                           make("PUB_LABEL_VARIANT", sheet=sheet_of(table),
                                cell=f"「{row.label}」行", what=f"{sheet_of(table)}「{row.label}」行",
                                actual=re.sub(r"\s+", "", label_cells[-1][0].text), expected=row.label)))
    _take(table, row, row_cells, colmap, m)
    return True


def _take(table: Table, row: Row, row_cells: list[Cell], colmap: dict[int, str], m: Matched) -> None:
    table_key, row_key = table.key, row.key
    m.rows_found.add((table_key, row_key))
    m.tables_found.add(table_key)
    cols_found, raw = m.cols_found, m.raw
    for c in row_cells:
        if c.colspan == 1:
            key = colmap.get(c.col)
            if key is None:
                continue
            if c.rowspan == 1:
                # the common cell (one grid slot): what the general case below does for it
                cols_found.add((table_key, key))
                path = ("tables", table_key, row_key, key)
                cells = raw.get(path)
                if cells is None:
                    raw[path] = [c]
                elif c not in cells:
                    cells.append(c)
                continue
            keys = {key}
        else:
            keys = {colmap[g] for g in range(c.col, c.col + c.colspan) if g in colmap}
            if not keys:
                continue
        for key in keys:
            m.cols_found.add((table.key, key))
        path = ("tables", table.key, row.key, next(iter(keys)) if len(keys) == 1 else "")
        if c.rowspan > 1 and classify(c.text) != "empty":
            # a number cell over grid rows of more than one report row: which row it is is unknown
            owner = m.claimed.setdefault(c, path)
            if owner != path:
                _ambiguous(m, owner, c)
                _ambiguous(m, path, c)
                continue
        if len(keys) > 1:
            # one printed cell under several columns: which column it belongs to is unknown
            for key in keys:
                _ambiguous(m, ("tables", table.key, row.key, key), c)
            continue
        if c not in m.raw.get(path, []):
            m.raw.setdefault(path, []).append(c)


def _ambiguous(m: Matched, path: DataPath, c: Cell) -> None:
    m.raw[path] = [Cell(c.row, c.col, c.rowspan, c.colspan, "\x00" + c.text.lstrip("\x00"), c.page)]
