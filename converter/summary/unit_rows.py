"""分单位数据's unit rows as sheet XML, one member after another (XlsxWriter spends some 20 µs a cell:
10,000 units of 200 figures would take a minute; workbook.py splices these rows into the sheet).

A summary of plain files (no roster) knows each unit's row as its report arrives, if no unit turns up
twice, no parent is compared with its children and the guess of the columns holds (the tables'
format, the other formats' own columns): :func:`draft` writes the rows then, while the workers are
still reading, and the writer takes them (:meth:`UnitRows.fits`) instead of writing them again from
the spool after the last report. What does not fit is written from the spool, as it always was."""
from __future__ import annotations

import os
import tempfile
from operator import itemgetter
from typing import IO, Any, Sequence

from converter.batch.status import Status
from converter.batch.xlsx_stream import text as xml_text
from converter.cell_ref import col_letter
from converter.checks.findings import Finding
from converter.definition.model import DataPath
from converter.definition.plan import Plan
from converter.definition.values import PLAIN_NUMBERS
from converter.summary.aggregate import Member, included, specific_paths

TOP_UNITS = 30          # the per-unit chart shows the units with the most applications, at most this many
INFO_HEAD = ("序号", "单位名称", "上级单位", "报表格式", "状态", "错误数", "提示数", "问题代码", "文件")

Columns = list[tuple[Plan, DataPath]]
Places = list[tuple[str, int]]       # of a format: (column letter, index in its figures), in column order


def columns(primary: Plan, others: Sequence[Plan]) -> Columns:
    """The figure columns of 分单位数据: the primary format's cells, then other formats' own cells."""
    out = [(primary, p) for p in primary.cell_paths]
    for other in others:
        out += [(other, p) for p in specific_paths(primary, other)]
    return out


class UnitRows:
    """分单位数据's unit rows, written to `out` as members are added (in row order), with what the
    rest of the workbook needs of them: the chart's units and, per finding code, the units that have it."""

    def __init__(self, primary: Plan, cols: Columns, include_invalid: bool, out: IO[bytes]):
        self.primary = primary
        self.cols = cols
        self.include_invalid = include_invalid
        self.out = out
        self.letters = [col_letter(c) for c in range(len(INFO_HEAD) + len(cols))]
        hl = primary.fmt.highlights
        self.received = ("tables", hl.table, hl.received, hl.total) if hl else None
        self.n = 0
        self.chart: list[tuple[str, float]] = []
        self.by_code: dict[str, list[str]] = {}
        # per format: where each of its figures goes, the index of each of its paths, and what writes
        # a row whose figures are all numbers (see add)
        self.layouts: dict[str, tuple[Places, dict[DataPath, int], Any, str, list[str]]] = {}
        self.names: dict[str | None, str] = {}

    def places(self, format_id: str) -> Places:
        """Where the figures of a format go in these columns."""
        own = {p: j for j, p in enumerate(_plan(format_id).cell_paths)}
        first = len(INFO_HEAD)
        return [(self.letters[first + c], own[p]) for c, (_, p) in enumerate(self.cols) if p in own]

    def add(self, m: Member, findings: list[Finding]) -> None:
        """Write the next member's row (`findings`: the summary's own findings on it)."""
        self.n += 1
        i = self.n
        r = i + 2
        letters = self.letters
        warnings = m.warnings + len(findings)
        codes = list(m.codes) + [f.code for f in findings if f.code not in m.codes]
        for code in codes:
            self.by_code.setdefault(code, []).append(m.unit)
        state = m.status.label + ("（已计入）" if m.status is Status.REJECTED and included(m, self.include_invalid) else "")
        name = self.names.get(m.format_id)
        if name is None:
            name = self.names[m.format_id] = _format_name(m.format_id)
        info = (i, m.unit, m.parent, name, state, m.errors, warnings, "、".join(codes), os.path.basename(m.file))
        cells = [_xml_cell(letters[c], r, v) for c, v in enumerate(info)]
        if m.figures is not None and m.format_id is not None:
            layout = self.layouts.get(m.format_id)
            if layout is None:
                own = {p: j for j, p in enumerate(_plan(m.format_id).cell_paths)}
                places = self.places(m.format_id)
                # every figure present (the common case): the row's cells in one join
                pick = itemgetter(*[j for _, j in places]) if len(places) > 1 else None
                # the text between two values: the end of one cell and the start of the next (its row
                # number a NUL, replaced once per row), so that a row is one join of the values' reprs
                opening = f'<c r="{places[0][0]}\0"><v>' if places else ""
                glue = [f'</v></c><c r="{letter}\0"><v>' for letter, _ in places[1:]]
                layout = self.layouts[m.format_id] = (places, own, pick, opening, glue)
            places, own, pick, opening, glue = layout
            figures = m.figures
            values = pick(figures) if pick is not None else ()
            if values and set(map(type, values)) <= PLAIN_NUMBERS:
                parts: list[str] = [""] * (2 * len(values) - 1)
                parts[0::2] = map(repr, values)
                parts[1::2] = glue
                cells.append((opening + "".join(parts) + "</v></c>").replace("\0", str(r)))
            else:
                for letter, j in places:
                    v = figures[j]
                    if v is not None:
                        cells.append(_xml_cell(letter, r, v))
            received = self.received
            if received is not None and received in own and figures[own[received]] is not None \
                    and included(m, self.include_invalid):
                self.chart.append((m.unit, figures[own[received]]))
                if len(self.chart) > TOP_UNITS * 4:
                    self.chart = sorted(self.chart, key=lambda x: -x[1])[:TOP_UNITS]
        self.out.write(f'<row r="{r}">{"".join(cells)}</row>'.encode("utf-8"))

    def top_units(self) -> list[tuple[str, float]]:
        """(unit, applications received) of the units with the most, for the chart."""
        return sorted(self.chart, key=lambda x: -x[1])[:TOP_UNITS]

    def fits(self, primary: Plan, cols: Columns, include_invalid: bool, members: int) -> bool:
        """Whether these rows are the ones the workbook's own columns give for its `members` members
        in row order (the caller knows that no member has findings of the summary's own): the same
        tables' format, every row there, and each format's figures in the same columns."""
        if primary.id != self.primary.id or include_invalid != self.include_invalid or members != self.n:
            return False
        actual = UnitRows(primary, cols, include_invalid, self.out)
        return all(layout[0] == actual.places(f) for f, layout in self.layouts.items())

    def close(self) -> None:
        """Remove the rows' file."""
        self.out.close()


def draft(primary: Plan, others: Sequence[Plan], include_invalid: bool) -> UnitRows:
    """Rows written ahead, in a temporary file, for the columns of these formats (see the module doc)."""
    return UnitRows(primary, columns(primary, others), include_invalid,
                    tempfile.TemporaryFile(prefix="nianbao-summary-rows-"))


def _xml_cell(letter: str, row: int, v: Any) -> str:
    if isinstance(v, str):
        return f'<c r="{letter}{row}" t="inlineStr"><is><t>{xml_text(v)}</t></is></c>' if v else ""
    return f'<c r="{letter}{row}"><v>{v!r}</v></c>'


def _plan(format_id: str) -> Plan:
    from converter.definition.formats import get
    from converter.definition.plan import compile
    return compile(get(format_id))


def _format_name(format_id: str | None) -> str:
    return _plan(format_id).fmt.name if format_id else ""
