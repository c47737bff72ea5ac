"""Where everything of a format goes in the workbook: pure positions, no xlsxwriter.

The template draws this plan; checks on data that did not come from a workbook use it for their
default cell locations. A workbook that was read supplies its own locations (from defined names).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from converter.cell_ref import a1
from converter.definition.layout import Grid, layout_group
from converter.definition.model import ITEMS, Format, Path, Rule, Section

TITLE_ROW, NOTE_ROW, STATUS_ROW = 0, 1, 2
FIRST_ROW = 4          # fields and tables start here (0-based)
FIELD_LABEL_COL, FIELD_INPUT_COL = 0, 1


@dataclass
class SheetPlan:
    section: Section
    fields: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)  # key -> r1, c1, r2, c2
    item_labels: dict[str, int] = field(default_factory=dict)   # ITEMS key -> row of its sub-heading
    grid: Grid | None = None
    origin: int = FIRST_ROW
    check_rows: list[tuple[Rule, int]] = field(default_factory=list)
    check_cols: list[tuple[Rule, int]] = field(default_factory=list)

    def cell_of(self, path: Path) -> tuple[int, int]:
        return self._cells[path]

    def __post_init__(self):
        self._cells: dict[Path, tuple[int, int]] = {}


def plan_section(fmt: Format, section: Section) -> SheetPlan:
    plan = SheetPlan(section)
    r = FIRST_ROW
    for f in section.fields:
        if f.kind == ITEMS:
            plan.item_labels[f.key] = r
            plan.fields[f.key] = (r + 1, FIELD_INPUT_COL, r + f.items, FIELD_INPUT_COL)
            r += f.items + 2
        else:
            plan.fields[f.key] = (r, FIELD_INPUT_COL, r, FIELD_INPUT_COL)
            r += 1
    if section.group:
        plan.origin = r
        grid = layout_group(section.group, set(fmt.computed()))
        plan.grid = grid
        for c in grid.data_cells():
            plan._cells[c.path] = (r + c.row, c.col)
        keys = {t.key for t in section.group.tables}
        rules = [rule for rule in fmt.rules if rule.table in keys]
        below = r + grid.height
        for rule in rules:
            if rule.over == "cols":
                plan.check_rows.append((rule, below))
                below += 1
        right = grid.width
        for rule in rules:
            if rule.over == "rows":
                plan.check_cols.append((rule, right))
                right += 1
    for key, (r1, c1, _, _) in plan.fields.items():
        plan._cells[("fields", key)] = (r1, c1)
    return plan


def plan_format(fmt: Format) -> list[SheetPlan]:
    cached = fmt._cache.get("plan")
    if cached is None:
        cached = fmt._cache["plan"] = [plan_section(fmt, s) for s in fmt.sections]
    return cached


def default_locations(fmt: Format) -> dict[Path, tuple[str, str]]:
    """path -> (sheet, A1 cell) as laid out by a fresh template."""
    locs = fmt._cache.get("locations")
    if locs is None:
        locs = {}
        for plan in plan_format(fmt):
            for path, (row, col) in plan._cells.items():
                locs[path] = (plan.section.sheet, a1(row, col))
        fmt._cache["locations"] = locs
    return locs
