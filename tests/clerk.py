"""Fill a workbook as a clerk would: find cells by their visible labels (never by defined name), and
type into them with openpyxl."""
from __future__ import annotations

import openpyxl


def _cells(ws):
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str):
                yield c


def find(ws, text: str, *, after_row: int = 0, col_max: int | None = None):
    for c in _cells(ws):
        # a label as the clerk sees it may add what is required or the unit: 「…（必填）」, 「…（万元）」
        if c.value in (text, text + "（必填）", text + "（万元）") and c.row > after_row and (col_max is None or c.column <= col_max):
            return c
    raise LookupError(f"{ws.title}: no cell labelled {text!r}")


def header_column(ws, *labels: str) -> int:
    """The column of a header path, e.g. ("行政诉讼", "复议后起诉", "总计"): each label is looked for
    within the span of its parent."""
    lo, hi = 1, ws.max_column
    row = 0
    for label in labels:
        for c in _cells(ws):
            if c.value == label and lo <= c.column <= hi and c.row > row:
                row = c.row
                lo, hi = c.column, c.column + _width(ws, c) - 1
                break
        else:
            raise LookupError(f"{ws.title}: no header {labels!r}")
    return lo


def _width(ws, cell) -> int:
    for rng in ws.merged_cells.ranges:
        if rng.min_row == cell.row and rng.min_col == cell.column:
            return rng.max_col - rng.min_col + 1
    return 1


def row_of(ws, label: str, after_row: int = 0) -> int:
    return find(ws, label, after_row=after_row, col_max=3).row


def type_value(ws, row: int, col: int, value) -> None:
    ws.cell(row=row, column=col).value = value


def open_book(path):
    return openpyxl.load_workbook(path)


def fill_by_names(blob: bytes, values: dict | None = None, unit: str | None = None, wrong: bool = False) -> bytes:
    """A complete, valid filling of a workbook (every input 0, the narrative present), by defined name;
    `values` ({path: value}) on top; `wrong` unbalances table 三; `unit` overwrites the unit name."""
    import io

    from converter.definition import compile
    from converter.definition.formats import get
    from converter.definition.model import defined_name
    wb = openpyxl.load_workbook(io.BytesIO(blob))
    fmt = get(str(wb["版本信息"]["B2"].value))

    def cell(path):
        sheet, ref = wb.defined_names[defined_name(path)].attr_text.split("!")
        return wb[sheet.strip("'")][ref.replace("$", "").split(":")[0]]
    for p in compile(fmt).cell_paths:
        if p not in compile(fmt).computed:
            cell(p).value = 0
    cell(("fields", "fee")).value = 0
    for key in ("active", "onrequest", "management", "platform", "supervision"):
        cell(("fields", key)).value = "本年度工作情况。"
    cell(("fields", "problems")).value = "一是政策解读形式较为单一。"
    cell(("fields", "improvements")).value = "一是丰富政策解读形式。"
    for p, v in (values or {}).items():
        cell(p).value = v
    if wrong:
        cell(("tables", "p3", "carryover", "natural")).value = (values or {}).get(("tables", "p3", "carryover", "natural"), 0) + 1
    if unit:
        cell(("fields", "unit")).value = unit
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
