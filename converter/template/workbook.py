"""Format -> the standard 填报模板 workbook (xlsxwriter), drawn from the sheet plan in fixed steps:
sheet → labels → inputs with defined names → totals as formulas → validations → live checks and
conditional formatting → protection and widths."""
from __future__ import annotations

import datetime as _dt
import io
import os
from typing import Any

import xlsxwriter

from converter import __version__
from converter.cell_ref import a1
from converter.definition.kinds import ITEMS, TEXT
from converter.definition.layout import CORNER, HEADER, LABEL, TITLE, TOTAL, Grid
from converter.definition.model import META_NAMES, META_SHEET, TEMPLATE_ID, DataPath, Equation, Format, defined_name
from converter.definition.plan import Plan, compile
from converter.definition.sheet_plan import FIELD_LABEL_COL, NOTE_ROW, STATUS_ROW, TITLE_ROW, SheetPlan
from converter.files import write_bytes_atomic
from converter.template.evaluate import (
    FAIL_MARK,
    Evaluation,
    check_formula,
    fields_status_formula,
    fields_status_text,
    grid_status_formula,
    grid_status_text,
)

GUIDE_SHEET = "填报说明"
REQUIRED_MARK = "（必填）"

def make_template(fmt: Format | Plan, unit: str | None = None, year: int | None = None,
                  values: dict[DataPath, Any] | None = None) -> bytes:
    """The template as .xlsx bytes; `unit`, `year` and `values` ({path: value}) are written in.

    A value goes in as it is given: a str as text (even in a number cell, as a clerk might type it),
    a number as a number, a list into an items range. A value given for a total replaces its formula.
    Every formula is stored with its true result for these values, so that an application that does
    not recalculate on opening shows the truth.
    """
    plan = compile(fmt)
    values = {tuple(k): v for k, v in (values or {}).items()}
    if unit is not None:
        values[("fields", "unit")] = unit
    if year is not None:
        values[("fields", "year")] = int(year)
    ev = Evaluation(plan, values)
    fmt = plan.fmt
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                   "strings_to_urls": False, "strings_to_numbers": False})
    # Fixed metadata, so that regenerating an unchanged format gives identical files.
    wb.set_properties({"title": f"政府信息公开工作年度报告填报模板（{fmt.name}）", "author": "nianbao",
                       "created": _dt.datetime(2024, 1, 1), "comments": f"nianbao {fmt.template_version}"})
    st = _Styles(wb)
    plans = plan.sheets
    guide = wb.add_worksheet(GUIDE_SHEET)
    statuses = {}
    for sheet in plans:
        ws = wb.add_worksheet(sheet.section.sheet)
        statuses[sheet.section.sheet] = _draw_section(wb, ws, st, plan, sheet, ev)
    _draw_guide(guide, st, fmt, plans, statuses)
    _draw_meta(wb, st, fmt)
    if values:
        _prefill(wb, plans, st, values)
    guide.activate()
    wb.close()
    return out.getvalue()


def write_template(path: str | os.PathLike[str], fmt: Format | Plan, unit: str | None = None,
                   year: int | None = None, values: dict[DataPath, Any] | None = None) -> None:
    """make_template(), written atomically to `path`."""
    write_bytes_atomic(path, make_template(fmt, unit, year, values))


class _Styles:
    def __init__(self, wb: Any):
        base = {"font_name": "宋体", "font_size": 11, "valign": "vcenter", "text_wrap": True}
        box = dict(base, border=1)
        self.title = wb.add_format(dict(base, bold=True, font_size=14, text_wrap=False))
        self.title_wrap = wb.add_format(dict(base, bold=True, font_size=14))
        self.note = wb.add_format(dict(base, font_color="#595959", font_size=10, text_wrap=False))
        self.status = wb.add_format(dict(base, bold=True, font_color="#1F4E79", text_wrap=False))
        self.header = wb.add_format(dict(box, bold=True, align="center", bg_color="#DDEBF7"))
        self.table_title = wb.add_format(dict(box, bold=True, align="left", bg_color="#DDEBF7"))
        self.label = wb.add_format(dict(box, align="left"))
        self.input = wb.add_format(dict(box, align="center", bg_color="#FFF2CC", locked=False))
        self.text_input = wb.add_format(dict(box, align="left", valign="top", bg_color="#FFF2CC", locked=False))
        self.total = wb.add_format(dict(box, align="center", bold=True, bg_color="#E7E6E6"))
        self.check = wb.add_format(dict(box, align="center", font_size=10))
        self.check_label = wb.add_format(dict(box, align="left", font_size=10, italic=True))
        self.fail = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
        self.plain = wb.add_format(dict(base))


def _draw_section(wb: Any, ws: Any, st: _Styles, fplan: Plan, plan: SheetPlan, ev: Evaluation) -> str:
    """Draw one sheet; returns what its status line shows."""
    s = plan.section
    ws.write_string(TITLE_ROW, 0, s.title, st.title)
    ws.write_string(NOTE_ROW, 0, s.note, st.note)
    ws.set_row(TITLE_ROW, 24)
    if plan.grid is None:
        status = _draw_fields(wb, ws, st, plan, ev)
        ws.freeze_panes(STATUS_ROW + 1, 0)
    else:
        status = _draw_grid(wb, ws, st, fplan, plan, ev)
        # a clerk at row 30 still sees which column is which, and at column J which row
        rows = plan.origin + plan.grid.header_rows if plan.grid.header_rows else STATUS_ROW + 1
        ws.freeze_panes(rows, plan.grid.label_cols)
    ws.protect("", {"format_columns": True, "format_rows": True})
    ws.set_landscape()
    ws.fit_to_pages(2 if plan.grid is not None and plan.grid.label_cols == 0 else 1, 0)
    return status


def _define(wb: Any, sheet: str, name: str, r1: int, c1: int, r2: int | None = None, c2: int | None = None) -> None:
    if r2 is None or c2 is None or (r1, c1) == (r2, c2):
        ref = a1(r1, c1, True)
    else:
        ref = f"{a1(r1, c1, True)}:{a1(r2, c2, True)}"
    wb.define_name(name, f"='{sheet}'!{ref}")


def _draw_fields(wb: Any, ws: Any, st: _Styles, plan: SheetPlan, ev: Evaluation) -> str:
    s = plan.section
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 96)
    blanks: list[str] = []
    headings: list[str] = []
    blank_count = empty_count = 0
    for f in s.fields:
        r1, c1, r2, c2 = plan.fields[f.key]
        path = ("fields", f.key)
        if f.kind is ITEMS:
            ws.write_string(plan.item_labels[f.key], 0, f.label, st.header)
            ws.write_string(plan.item_labels[f.key], 1, "每行一条（段），不用的行留空", st.note)
            for i, r in enumerate(range(r1, r2 + 1), 1):
                ws.write_number(r, 0, i, st.label)
                ws.write_blank(r, 1, None, st.text_input)
                ws.set_row(r, 45)
            if f.heading:
                headings.append(f"(COUNTA({a1(r1, c1)}:{a1(r2, c2)})=0)")
                empty_count += ev.empty_items(path)
        else:
            ws.write_string(r1, FIELD_LABEL_COL, f.label + (REQUIRED_MARK if f.required else ""), st.label)
            ws.write_blank(r1, c1, None, st.input if f.kind.numeric else st.text_input)
            ws.set_row(r1, 150 if f.kind is TEXT else 22)
            validation = f.kind.validation()
            if validation:
                ws.data_validation(r1, c1, r1, c1, dict(validation, error_title="输入有误"))
            elif f.prompt:
                ws.data_validation(r1, c1, r1, c1, {"validate": "any", "input_title": f.label[:32],
                                                    "input_message": f.prompt[:255]})
            if f.required:
                blanks.append(f"COUNTBLANK({a1(r1, c1)})")
                blank_count += ev.blank(path)
            elif f.heading and f.kind is TEXT:
                headings.append(f"COUNTBLANK({a1(r1, c1)})")
                empty_count += ev.blank(path)
        _define(wb, s.sheet, defined_name(path), r1, c1, r2, c2)
    text = fields_status_text(blank_count if blanks else None, empty_count if headings else None)
    ws.write_formula(STATUS_ROW, 0, fields_status_formula("+".join(blanks), "+".join(headings)), st.status, text)
    return text


def _sum(cells: list[str]) -> str:
    return "SUM(" + ",".join(cells) + ")"


def _draw_grid(wb: Any, ws: Any, st: _Styles, fplan: Plan, plan: SheetPlan, ev: Evaluation) -> str:
    s, grid, o = plan.section, plan.grid, plan.origin
    assert grid is not None and s.group is not None
    computed = fplan.computed
    styles = {TITLE: st.table_title, CORNER: st.header, HEADER: st.header, LABEL: st.label}
    for c in grid.cells:
        r1, c1, r2, c2 = o + c.row, c.col, o + c.row + c.rowspan - 1, c.col + c.colspan - 1
        if c.path is None:
            if (r1, c1) == (r2, c2):
                ws.write_string(r1, c1, c.text, styles[c.role])
            else:
                ws.merge_range(r1, c1, r2, c2, c.text, styles[c.role])
            continue
        fmt_cell = st.total if c.role == TOTAL else st.input
        if c.colspan > 1:
            ws.merge_range(r1, c1, r2, c2, "", fmt_cell)
        if c.role == TOTAL:
            eq = computed[c.path]
            ws.write_formula(r1, c1, "=" + _sum([a1(*plan.cell_of(p)) for p in eq.rhs]), fmt_cell, ev.total(c.path))
        else:
            ws.write_blank(r1, c1, None, fmt_cell)
        _define(wb, s.sheet, defined_name(c.path), r1, c1)

    # Validations, one per column of each block; invalid pasted text is marked red.
    blank_ranges = []
    blank_count = 0
    for t in s.group.tables:
        blank_count += sum(ev.blank(("tables", t.key, r.key, c.key)) for r in t.rows for c in t.columns)
        rows = [plan.cell_of(("tables", t.key, r.key, t.columns[0].key))[0] for r in t.rows]
        for column in t.columns:
            x = plan.cell_of(("tables", t.key, t.rows[0].key, column.key))[1]
            ws.data_validation(rows[0], x, rows[-1], x, dict(column.kind.validation() or {}, error_title="输入有误"))
        first_col = plan.cell_of(("tables", t.key, t.rows[0].key, t.columns[0].key))[1]
        last_col = first_col + len(t.columns) - 1
        ws.conditional_format(rows[0], first_col, rows[-1], last_col, {
            "type": "formula", "criteria": f'=AND({a1(rows[0], first_col)}<>"",NOT(ISNUMBER({a1(rows[0], first_col)})))',
            "format": st.fail})
        blank_ranges.append(f"{a1(rows[0], first_col)}:{a1(rows[-1], last_col)}")

    # Live checks: one row per column-rule, one column per row-rule, and the failing cells in red.
    check_cells = []
    fail_count = 0
    label_cols = grid.label_cols
    for rule, row in plan.check_rows:
        if label_cols > 1:
            ws.merge_range(row, 0, row, label_cols - 1, "校验：" + rule.check_label, st.check_label)
        elif label_cols == 1:
            ws.write_string(row, 0, "校验：" + rule.check_label, st.check_label)
        for eq in (e for e in fplan.equations if e.rule is rule):
            check_cells.append(_draw_check(ws, st, plan, eq, row, plan.cell_of(eq.anchor)[1], ev))
            fail_count += ev.fails(eq)
    for rule, at in plan.check_cols:
        top = o + min(c.row for c in grid.cells if c.header) if grid.header_rows else o
        ws.merge_range(top, at, top + max(grid.header_rows, 1) - 1, at, "校验：" + rule.check_label, st.check_label)
        ws.set_column(at, at, 16)
        for eq in (e for e in fplan.equations if e.rule is rule):
            check_cells.append(_draw_check(ws, st, plan, eq, plan.cell_of(eq.anchor)[0], at, ev))
            fail_count += ev.fails(eq)

    blanks = "+".join(f"COUNTBLANK({r})" for r in blank_ranges)
    fails = "+".join(f'COUNTIF({c},"{FAIL_MARK}*")' for c in check_cells) or "0"
    text = grid_status_text(blank_count, fail_count, bool(check_cells))
    ws.write_formula(STATUS_ROW, 0, grid_status_formula(blanks, fails, bool(check_cells)), st.status, text)
    _set_grid_widths(ws, grid, plan)
    return text


def _draw_check(ws: Any, st: _Styles, plan: SheetPlan, eq: Equation, row: int, col: int, ev: Evaluation) -> str:
    lhs_cells = [a1(*plan.cell_of(p)) for p in eq.lhs]
    rhs_cells = [a1(*plan.cell_of(p)) for p in eq.rhs]
    ws.write_formula(row, col, check_formula(lhs_cells, rhs_cells), st.check, ev.check_text(eq))
    marked = dict.fromkeys((eq.anchor, *eq.lhs, *eq.rhs))   # every cell of the rule; ordered, so regenerating is byte-identical
    for p in marked:
        r, c = plan.cell_of(p)
        ws.conditional_format(r, c, r, c, {"type": "formula", "criteria": f'=LEFT({a1(row, col)},1)="{FAIL_MARK}"',
                                           "format": st.fail})
    ws.conditional_format(row, col, row, col, {"type": "text", "criteria": "begins with", "value": FAIL_MARK,
                                               "format": st.fail})
    return a1(row, col)


def _set_grid_widths(ws: Any, grid: Grid, plan: SheetPlan) -> None:
    if grid.label_cols == 3:
        ws.set_column(0, 0, 8)
        ws.set_column(1, 1, 16)
        ws.set_column(2, 2, 40)
    elif grid.label_cols == 1:
        ws.set_column(0, 0, 24)
    # table 四's 15 figures: narrower columns, printed on two pages wide rather than at 5 pt
    ws.set_column(grid.label_cols, grid.width - 1, 12 if grid.label_cols else 9)
    widths = {0: 8, 1: 16, 2: 40} if grid.label_cols == 3 else {0: 24}
    for c in grid.cells:
        if c.role == "corner" and grid.label_cols == 3:
            ws.set_row(plan.origin + c.row, 36)
        elif c.role == LABEL and c.rowspan == 1:
            width = sum(widths.get(c.col + i, 12) for i in range(c.colspan))
            lines = -(-len(c.text) * 2 // width)      # a CJK character is about two width units
            if lines > 1:
                ws.set_row(plan.origin + c.row, 15 * lines)


def _draw_guide(ws: Any, st: _Styles, fmt: Format, plans: tuple[SheetPlan, ...], statuses: dict[str, str]) -> None:
    ws.set_column(0, 0, 110)
    lines = [
        (f"政府信息公开工作年度报告填报模板（{fmt.name}，{fmt.document}）", st.title_wrap),
        ("", None),
        (f"1. 请只在黄色单元格中填写，标有“{REQUIRED_MARK}”的必须填写；灰色单元格是自动计算的总计，不需要填写。", st.plain),
        ("2. 数字请填写整数（金额可含小数）；无数据请填 0，不要留空。", st.plain),
        ("3. 各表下方或右侧的“校验”单元格实时显示勾稽关系：✓ 为正确，✗ 为不符，请核对标红的单元格。", st.plain),
        ("4. 文字内容可在单元格内按 Alt+Enter 换行分段（WPS 相同）。", st.plain),
        ("5. 请不要插入或删除行、列，不要修改或删除工作表；保存为 .xlsx 格式后报送。", st.plain),
        ("", None),
        ("各工作表填写状态：", st.status),
    ]
    for i, (text, style) in enumerate(lines):
        if style is not None:
            ws.write_string(i, 0, text, style)
    ws.set_row(0, 40)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    r = len(lines)
    for plan in plans:
        sheet = plan.section.sheet
        ws.write_formula(r, 0, f"=\"{sheet}：\"&'{sheet}'!{a1(STATUS_ROW, 0)}", st.plain, f"{sheet}：{statuses[sheet]}")
        r += 1
    ws.protect("", {"format_columns": True, "format_rows": True})


def _draw_meta(wb: Any, st: _Styles, fmt: Format) -> None:
    ws = wb.add_worksheet(META_SHEET)
    rows = [("模板标识", TEMPLATE_ID, META_NAMES["template_id"]),
            ("报告格式", fmt.id, META_NAMES["format"]),
            ("模板版本", fmt.template_version, META_NAMES["version"]),
            ("生成工具", f"nianbao {__version__}", None)]
    for i, (label, value, name) in enumerate(rows):
        ws.write_string(i, 0, label)
        ws.write_string(i, 1, value)
        if name:
            _define(wb, META_SHEET, name, i, 1)
    ws.protect("")
    ws.hide()


def _prefill(wb: Any, plans: tuple[SheetPlan, ...], st: _Styles, values: dict[DataPath, Any]) -> None:
    sheets = {ws.name: ws for ws in wb.worksheets()}
    owner = {}
    for plan in plans:
        for path in plan.cells:
            owner[path] = plan
    for path, value in values.items():
        plan = owner[tuple(path)]
        ws = sheets[plan.section.sheet]
        r, c = plan.cell_of(tuple(path))
        is_field = path[0] == "fields"
        style = st.text_input if is_field and not isinstance(value, (int, float)) else st.input
        for i, v in enumerate(value if isinstance(value, list) else [value]):
            if v is None:
                continue
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                ws.write_number(r + i, c, v, style)
            else:
                ws.write_string(r + i, c, str(v), style)
