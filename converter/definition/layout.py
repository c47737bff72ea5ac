"""Table group -> a grid of (possibly merged) cells, the one layout both the workbook and the
Word report draw. Merges are derived from the label paths: consecutive rows (or columns) that share a
label prefix share one merged label cell, and a leaf label stretches across the remaining label
columns (or header rows)."""
from __future__ import annotations

from dataclasses import dataclass

from converter.definition.model import Column, DataPath, Table, TableGroup

TITLE, CORNER, HEADER, LABEL, INPUT, TOTAL = "title", "corner", "header", "label", "input", "total"


@dataclass(frozen=True)
class Cell:
    """One cell of a grid: position, spans, role (title, header, label, input, total) and text or data path."""
    row: int
    col: int
    rowspan: int
    colspan: int
    role: str
    text: str = ""
    path: DataPath | None = None   # data cells only
    header: bool = False       # part of a header band (repeated on each Word page)


@dataclass(frozen=True)
class Grid:
    """A table group laid out: its cells, size, label columns and leading header rows."""
    width: int
    height: int
    cells: tuple[Cell, ...]
    label_cols: int
    header_rows: int            # leading rows that form the header of a one-block group

    def data_cells(self) -> list[Cell]:
        """The cells that hold a value (inputs and totals), row by row."""
        return [c for c in self.cells if c.path is not None]


def spans(paths: list[tuple[str, ...]], depth: int) -> list[tuple[str, int, int, int, int]]:
    """(label, level, start, run, across) for each label cell: `run` items along, `across` levels deep."""
    out = []
    for level in range(depth):
        i = 0
        while i < len(paths):
            p = paths[i]
            if len(p) <= level:
                i += 1
                continue
            if level == len(p) - 1:     # a leaf: its own cell, stretched to the last level
                out.append((p[level], level, i, 1, depth - level))
                i += 1
                continue
            j = i + 1
            while j < len(paths) and len(paths[j]) > level + 1 and paths[j][:level + 1] == p[:level + 1]:
                j += 1
            out.append((p[level], level, i, j - i, 1))
            i = j
    return out


def layout_group(group: TableGroup, computed: set[DataPath] | frozenset[DataPath] = frozenset()) -> Grid:
    """The grid of a group of tables; `computed` are the paths of totals (role TOTAL, not INPUT).
    Pure: the compiled plan of a format keeps each group's grid."""
    label_cols = max(t.label_cols for t in group.tables)
    width = label_cols + max(len(t.columns) for t in group.tables)
    cells: list[Cell] = []
    r = 0
    header_rows = 0
    single = len(group.tables) == 1
    for t in group.tables:
        r, h = _layout_table(t, r, width, label_cols, computed, cells, single)
        header_rows = header_rows or h
    return Grid(width, r, tuple(cells), label_cols, header_rows if single else 0)


def _with_unit(c: Column) -> tuple[str, ...]:
    """A column's header labels, the leaf saying its unit (万元) where the official label does not."""
    if c.kind.unit and c.kind.unit not in c.label:
        return c.path[:-1] + (f"{c.label}（{c.kind.unit}）",)
    return c.path


def _layout_table(t: Table, r: int, width: int, label_cols: int, computed: set[DataPath] | frozenset[DataPath],
                  cells: list[Cell],
                  single: bool) -> tuple[int, int]:
    start = r
    ncols = len(t.columns)
    extra = width - label_cols - ncols       # a narrower block's last column stretches to the edge

    def stretch(col_index: int, span: int) -> int:
        return span + extra if col_index + span == ncols else span

    if t.title:
        cells.append(Cell(r, 0, 1, width, TITLE, t.title, header=single))
        r += 1
    depth = max(len(c.path) for c in t.columns)
    if t.corner and label_cols:
        cells.append(Cell(r, 0, depth, label_cols, CORNER, t.corner, header=single))
    for label, level, i, run, across in spans([_with_unit(c) for c in t.columns], depth):
        cells.append(Cell(r + level, label_cols + i, across, stretch(i, run), HEADER, label, header=single))
    r += depth
    header_rows = r - start
    if label_cols:
        for label, level, i, run, across in spans([row.path for row in t.rows], label_cols):
            cells.append(Cell(r + i, level, run, across, LABEL, label))
    for i, row in enumerate(t.rows):
        for j, col in enumerate(t.columns):
            path = ("tables", t.key, row.key, col.key)
            cells.append(Cell(r + i, label_cols + j, 1, stretch(j, 1), TOTAL if path in computed else INPUT,
                              path=path))
    return r + len(t.rows), header_rows
