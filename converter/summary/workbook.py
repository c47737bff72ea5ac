"""汇总.xlsx: the summary as a workbook, written row by row (XlsxWriter's constant-memory mode).

Sheets: 汇总表 (the region's tables 二, 三, 四 drawn from the format's own grids, the same merged
headers as the template, each cell a number; the scope above them; one block per level of the
hierarchy; other formats' own rows apart), 分单位数据 (a row per unit, every figure a column under two
header rows of official labels, with state and findings), 问题汇总 (per finding code: how many units,
which) and 图表 (native charts: applications received per unit, results by kind)."""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import replace
from typing import IO, Any, Callable

from converter.batch.status import Status
from converter.cell_ref import col_letter
from converter.checks.findings import catalogue
from converter.definition.layout import CORNER, HEADER, TITLE, Grid, layout_group
from converter.definition.model import DataPath, Table, TableGroup
from converter.definition.plan import Plan
from converter.files import atomic_writer
from converter.summary import text
from converter.summary.aggregate import LevelSums, partial_paths, specific_paths
from converter.summary.collect import Summary
from converter.summary.unit_rows import INFO_HEAD, UnitRows, columns

SUMMARY_SHEET, UNITS_SHEET, FINDINGS_SHEET, CHART_SHEET = "汇总表", "分单位数据", "问题汇总", "图表"
SUMMARY_WIDTHS = [14.0, 14.0, 34.0]     # 汇总表's label columns (table 三 has three); then data columns
DATA_WIDTH = 10.0


def write_summary_xlsx(s: Summary, path: str | os.PathLike[str]) -> None:
    """Write 汇总.xlsx for a summary (atomically: a reader never sees half a workbook)."""
    import xlsxwriter
    path = os.fspath(path)
    work = tempfile.mkdtemp(prefix=".nianbao-summary-", dir=os.path.dirname(os.path.abspath(path)))
    try:
        draft = os.path.join(work, "汇总.xlsx")
        wb = xlsxwriter.Workbook(draft, {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False, "strings_to_numbers": False, "tmpdir": work})
        st = _Styles(wb)
        _summary_sheet(wb, st, s)
        with tempfile.TemporaryFile(dir=work) as rows:
            chart_rows, n, by_code, unit_rows = _units_sheet(wb, st, s, rows)
            _findings_sheet(wb, st, by_code)
            _chart_sheet(wb, st, s, chart_rows)
            # XlsxWriter names each sheet's part by its position: sheet1.xml, sheet2.xml…
            part = f"xl/worksheets/sheet{[w.name for w in wb.worksheets()].index(UNITS_SHEET) + 1}.xml"
            wb.close()
            _splice(draft, part, unit_rows, n + 2, len(INFO_HEAD) + len(figure_columns(s)) - 1)
        with open(draft, "rb") as src, atomic_writer(path) as fh:
            shutil.copyfileobj(src, fh)
    finally:
        shutil.rmtree(work, ignore_errors=True)


class _Styles:
    def __init__(self, wb: Any):
        base = {"border": 1, "valign": "vcenter", "text_wrap": True, "font_size": 10}
        self.title = wb.add_format({"bold": True, "font_size": 14, "align": "center"})
        self.note = wb.add_format({"text_wrap": True, "valign": "top", "font_size": 10})
        self.heading = wb.add_format({"bold": True, "font_size": 11})
        self.head = wb.add_format({**base, "bold": True, "align": "center", "bg_color": "#DDEBF7"})
        self.label = wb.add_format({**base})
        self.count = wb.add_format({**base, "num_format": "0"})
        self.money = wb.add_format({**base, "num_format": "0.00##"})
        self.partial = wb.add_format({**base, "num_format": "0.####", "bg_color": "#FFF2CC"})
        self.total = wb.add_format({**base, "num_format": "0.####", "bg_color": "#EDEDED"})
        self.text = wb.add_format({"font_size": 10})
        self.good = wb.add_format({"font_size": 10, "bg_color": "#C6EFCE"})
        self.bad = wb.add_format({"font_size": 10, "bg_color": "#FFC7CE"})
        self.missing = wb.add_format({"font_size": 10, "bg_color": "#FFEB9C"})


class Cells:
    """Cells of a sheet gathered, then written in row order: XlsxWriter's constant-memory mode writes a
    row out as soon as a later row is touched, so a cell merged down over several rows is written here
    as its top-left value and blank cells below, and the merge is declared on its own."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], tuple[Any, Any]] = {}
        self.merges: list[tuple[int, int, int, int]] = []
        self.heights: dict[int, float] = {}

    def fit(self, r: int, c: int, text: str, widths: list[float], rowspan: int = 1, colspan: int = 1) -> None:
        """Make rows r.. tall enough for `text` wrapped in columns c.. of these widths (characters)."""
        room = max(sum(widths[c:c + colspan]) - 1, 2)
        lines = -(-_width(text) // room)
        need = (lines * LINE_HEIGHT + 3) / rowspan
        for i in range(rowspan):
            self.heights[r + i] = max(self.heights.get(r + i, 15), need)

    def put(self, r: int, c: int, value: Any, style: Any, rowspan: int = 1, colspan: int = 1) -> None:
        """A value (str, number or None) at (r, c), over `rowspan` x `colspan` cells."""
        for i in range(rowspan):
            for j in range(colspan):
                self.cells[(r + i, c + j)] = (value if i == j == 0 else None, style)
        if rowspan > 1 or colspan > 1:
            self.merges.append((r, c, r + rowspan - 1, c + colspan - 1))

    def write(self, ws: Any) -> None:
        """Write everything gathered, row by row, and declare the merges."""
        # a row's height is set before the row is touched: in constant-memory mode setting it moves on
        for r, h in sorted(self.heights.items()):
            ws.set_row(r, h)
        for (r, c), (v, style) in sorted(self.cells.items()):
            if v is None:
                ws.write_blank(r, c, None, style)
            elif isinstance(v, str):
                ws.write_string(r, c, v, style)
            else:
                ws.write_number(r, c, v, style)
        # the merge list XlsxWriter's merge_range() keeps: declared directly, its cells written above
        ws.merge.extend([list(m) for m in self.merges])
        self.cells.clear()
        self.merges.clear()
        self.heights.clear()


LINE_HEIGHT = 13.5      # points per wrapped line of 10-point text


def _width(text: str) -> int:
    """Width in Excel character units: a CJK character takes about two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def draw_grid(out: Cells, st: _Styles, top: int, grid: Grid, value: Callable[[DataPath], Any], plan: Plan,
              partial: set[DataPath] | frozenset[DataPath] = frozenset(), widths: list[float] | None = None) -> int:
    """Draw a table grid at row `top`: labels and headers as the format lays them out, each data cell
    `value(path)` as a number. Returns the row after it."""
    for c in grid.cells:
        if c.path is None:
            style = st.head if c.role in (HEADER, CORNER, TITLE) else st.label
            out.put(top + c.row, c.col, c.text, style, c.rowspan, c.colspan)
            if widths:
                out.fit(top + c.row, c.col, c.text, widths, c.rowspan, c.colspan)
            continue
        style = (st.partial if c.path in partial else st.total if c.role != "input"
                 else st.money if plan.kinds[c.path].unit else st.count)
        out.put(top + c.row, c.col, value(c.path), style, 1, c.colspan)
    return top + grid.height


def specific_grid(plan: Plan, table: Table, paths: set[DataPath]) -> Grid | None:
    """The part of a table with cells in `paths`: its rows and columns that hold any, as a grid drawn
    from the format's own labels (None when the table has none)."""
    rows = tuple(r for r in table.rows if any(("tables", table.key, r.key, c.key) in paths for c in table.columns))
    cols = tuple(c for c in table.columns if any(("tables", table.key, r.key, c.key) in paths for r in table.rows))
    if not rows or not cols:
        return None
    return layout_group(TableGroup((replace(table, rows=rows, columns=cols),)), frozenset())


def _summary_sheet(wb: Any, st: _Styles, s: Summary) -> None:
    ws = wb.add_worksheet(SUMMARY_SHEET)
    plan = s.primary
    width = max(plan.grid(sec.group).width for sec in plan.fmt.sections if sec.group)
    widths = SUMMARY_WIDTHS + [DATA_WIDTH] * (width - len(SUMMARY_WIDTHS))
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    out = Cells()
    out.put(0, 0, text.title(s), st.title, 1, width)
    r = 1
    for line in text.scope_lines(s):
        out.put(r, 0, line, st.note, 1, width)
        out.fit(r, 0, line, widths, 1, width)
        r += 1
    others = s.plans()[1:]
    partial = partial_paths(plan, others)
    for lv in s.levels:
        r += 1
        if len(s.levels) > 1:
            out.put(r, 0, text.level_line(lv), st.heading)
            r += 1
        r = _level_tables(out, st, r, lv, plan, partial, widths)
        for other in others:
            if other.id not in lv.by_format:
                continue
            r = _specific_tables(out, st, r, lv, plan, other, widths)
    out.write(ws)
    ws.freeze_panes(1, 0)


def _level_tables(out: Cells, st: _Styles, r: int, lv: LevelSums, plan: Plan, partial: set[DataPath],
                  widths: list[float]) -> int:
    for sec in plan.fmt.sections:
        if not sec.group:
            continue
        out.put(r, 0, sec.heading or sec.title, st.heading)
        r = draw_grid(out, st, r + 1, plan.grid(sec.group), lambda p: lv.cell(plan, p), plan, partial, widths) + 1
    return r


def _specific_tables(out: Cells, st: _Styles, r: int, lv: LevelSums, primary: Plan, other: Plan,
                     widths: list[float]) -> int:
    paths = set(specific_paths(primary, other))
    sums = lv.by_format[other.id]
    out.put(r, 0, f"仅见于 {other.fmt.name}的项目（{sums.units} 个单位之和，{primary.fmt.name}无此项，未计入上表）",
                    st.heading)
    r += 1
    for t in other.fmt.tables():
        grid = specific_grid(other, t, paths)
        if grid is None:
            continue
        out.put(r, 0, f"{t.short}{t.title or ''}", st.text)
        r = draw_grid(out, st, r + 1, grid, sums.get, other, widths=widths) + 1
    return r


def figure_columns(s: Summary) -> list[tuple[Plan, DataPath]]:
    """The figure columns of 分单位数据: the primary format's cells, then other formats' own cells."""
    plans = s.plans()
    return columns(plans[0], plans[1:])


def column_labels(plan: Plan, path: DataPath, primary: Plan) -> tuple[str, str]:
    """The two header labels of a figure column: table and row (with column groups), and the column."""
    t = plan.fmt.table(path[1])
    row, col = t.row(path[2]), t.column(path[3])
    top = [t.short, t.title or ""] + list(row.path) + list(col.path[:-1])
    if plan is not primary:
        top.insert(0, f"〔{plan.fmt.name}〕")
    leaf = col.label + (f"（{col.kind.unit}）" if col.kind.unit and col.kind.unit not in col.label else "")
    return " ".join(x for x in top if x), leaf


def _units_sheet(wb: Any, st: _Styles, s: Summary,
                 rows: IO[bytes]) -> tuple[list[tuple[str, float]], int, dict[str, list[str]], IO[bytes]]:
    """Write 分单位数据's two header rows through XlsxWriter and its unit rows as sheet XML (see
    unit_rows) into `rows`, unless the summary drafted the same rows as its reports arrived; the rows
    are spliced into the sheet when the workbook is closed. Returns (unit, applications received) for
    the chart, the number of unit rows, per finding code the units that have it (for 问题汇总: the
    members are read back from the spool once at most, here), and the file that holds the rows."""
    ws = wb.add_worksheet(UNITS_SHEET)
    cols = figure_columns(s)
    primary = s.primary
    first = len(INFO_HEAD)
    head = Cells()
    for c, h in enumerate(INFO_HEAD):
        head.put(0, c, h, st.head, 2, 1)
    labels = [column_labels(plan, p, primary) for plan, p in cols]
    c = 0
    while c < len(labels):
        end = c
        while end + 1 < len(labels) and labels[end + 1][0] == labels[c][0]:
            end += 1
        head.put(0, first + c, labels[c][0], st.head, 1, end - c + 1)
        c = end + 1
    for c, (_, leaf) in enumerate(labels):
        head.put(1, first + c, leaf, st.head)
    head.heights.update({0: 75, 1: 45})
    head.write(ws)
    ws.set_column(0, 0, 5)
    ws.set_column(1, 2, 24)
    ws.set_column(3, 7, 9)
    ws.set_column(8, 8, 30)
    ws.set_column(first, first + len(cols), 11)
    n = len(s.order)
    last = first + len(cols) - 1
    # the state column coloured by its value (native conditional formats: no per-cell style needed)
    state_col = INFO_HEAD.index("状态")
    for label, style in ((Status.PASSED.label, st.good), (Status.MISSING.label, st.missing)):
        ws.conditional_format(2, state_col, max(n + 1, 2), state_col,
                              {"type": "text", "criteria": "begins with", "value": label, "format": style})
    ws.conditional_format(2, state_col, max(n + 1, 2), state_col,
                          {"type": "no_errors", "format": st.bad})
    ws.autofilter(1, 0, max(n + 1, 2), last)
    ws.freeze_panes(2, 2)
    found = s.draft
    if found is not None and not s.findings and found.fits(primary, cols, s.include_invalid, n):
        return found.top_units(), n, found.by_code, found.out     # written while the reports were read
    out = UnitRows(primary, cols, s.include_invalid, rows)
    for m in s.members():
        out.add(m, s.findings.get(m.key, []))
    return out.top_units(), n, out.by_code, rows


def _splice(path: str, sheet_part: str, rows: IO[bytes], last_row: int, last_col: int) -> None:
    """Put the streamed unit rows into a closed workbook's sheet, after its header rows, and widen the
    sheet's dimension to cover them."""
    tmp = path + ".rows"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename != sheet_part:
                dst.writestr(item, data)
                continue
            xml = data.decode("utf-8")
            xml = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{col_letter(last_col)}{last_row}"/>', xml, count=1)
            head, sep, tail = xml.partition("</sheetData>")
            with dst.open(zipfile.ZipInfo(item.filename, date_time=item.date_time), "w") as out:
                out.write(head.encode("utf-8"))
                rows.seek(0)
                shutil.copyfileobj(rows, out)
                out.write((sep + tail).encode("utf-8"))
    os.replace(tmp, path)


def _findings_sheet(wb: Any, st: _Styles, units: dict[str, list[str]]) -> None:
    """问题汇总: per finding code (units: code -> the units that have it, in order), how many units, which."""
    ws = wb.add_worksheet(FINDINGS_SHEET)
    cat = catalogue()
    head = ("问题代码", "严重程度", "问题", "单位数", "单位")
    for c, h in enumerate(head):
        ws.write_string(0, c, h, st.head)
    ordered = sorted(units.items(), key=lambda kv: (cat[kv[0]].severity != "error" if kv[0] in cat else True, -len(kv[1])))
    for r, (code, names) in enumerate(ordered, 1):
        entry = cat.get(code)
        ws.write_string(r, 0, code, st.text)
        ws.write_string(r, 1, {"error": "错误", "warning": "提示"}.get(entry.severity, "") if entry else "", st.text)
        ws.write_string(r, 2, entry.title if entry else "", st.text)
        ws.write_number(r, 3, len(names), st.text)
        ws.write_string(r, 4, "、".join(names), st.text)
    ws.set_column(0, 0, 26)
    ws.set_column(2, 2, 26)
    ws.set_column(4, 4, 80)
    ws.autofilter(0, 0, max(len(ordered), 1), len(head) - 1)
    ws.freeze_panes(1, 0)


def _chart_sheet(wb: Any, st: _Styles, s: Summary, top_units: list[tuple[str, float]]) -> None:
    ws = wb.add_worksheet(CHART_SHEET)
    plan = s.primary
    h = plan.fmt.highlights
    if h is None:
        return
    table = plan.fmt.table(h.table)
    out = Cells()
    out.put(0, 0, "单位", st.head)
    out.put(0, 1, table.row(h.received).label, st.head)
    for i, (unit, v) in enumerate(top_units, 1):
        out.put(i, 0, unit, st.text)
        out.put(i, 1, v, st.text)
    groups = text.results_by_kind(s)
    out.put(0, 3, "办理结果", st.head)
    out.put(0, 4, "件数（汇总）", st.head)
    for i, (label, n) in enumerate(groups, 1):
        out.put(i, 3, label, st.text)
        out.put(i, 4, n, st.text)
    out.write(ws)
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 16)
    ws.set_column(3, 3, 16)
    ws.set_column(4, 4, 12)
    if top_units:
        bar = wb.add_chart({"type": "bar"})
        n = len(top_units)
        bar.add_series({"name": table.row(h.received).label, "categories": [CHART_SHEET, 1, 0, n, 0],
                        "values": [CHART_SHEET, 1, 1, n, 1], "data_labels": {"value": True}})
        bar.set_title({"name": f"各单位{text.short_label(table.row(h.received).label)}（前 {n} 个单位）"})
        bar.set_legend({"none": True})
        bar.set_y_axis({"reverse": True})
        bar.set_size({"width": 720, "height": max(320, 22 * n + 80)})
        ws.insert_chart(0, 6, bar)
    col = wb.add_chart({"type": "column"})
    col.add_series({"name": "办理结果", "categories": [CHART_SHEET, 1, 3, len(groups), 3],
                    "values": [CHART_SHEET, 1, 4, len(groups), 4], "data_labels": {"value": True}})
    col.set_title({"name": "依申请公开办理结果（汇总）"})
    col.set_legend({"none": True})
    col.set_size({"width": 720, "height": 360})
    ws.insert_chart(max(len(top_units), len(groups)) + 3 if not top_units else max(22, len(top_units) + 4), 6, col)
