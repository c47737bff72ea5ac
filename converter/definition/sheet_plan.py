"""Where everything of a format goes in the workbook: pure positions, no xlsxwriter.

The template draws this plan; checks on data that did not come from a workbook use it for their
default cell locations. A workbook that was read supplies its own locations (from defined names).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from converter.definition.kinds import ITEMS
from converter.definition.layout import Grid
from converter.definition.model import DataPath, Rule, Section

TITLE_ROW, NOTE_ROW, STATUS_ROW = 0, 1, 2
FIRST_ROW = 4          # fields and tables start here (0-based)
FIELD_LABEL_COL, FIELD_INPUT_COL = 0, 1


@dataclass
class SheetPlan:
    """One worksheet: where each field, table cell and check cell goes (0-based rows and columns)."""
    section: Section
    fields: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)  # key -> r1, c1, r2, c2
    item_labels: dict[str, int] = field(default_factory=dict)   # ITEMS key -> row of its sub-heading
    grid: Grid | None = None
    origin: int = FIRST_ROW
    check_rows: list[tuple[Rule, int]] = field(default_factory=list)
    check_cols: list[tuple[Rule, int]] = field(default_factory=list)
    cells: dict[DataPath, tuple[int, int]] = field(default_factory=dict)   # every input's first cell

    def cell_of(self, path: DataPath) -> tuple[int, int]:
        """(row, column) of an input of this sheet."""
        return self.cells[path]


def plan_section(section: Section, rules: tuple[Rule, ...], grid: Grid | None) -> SheetPlan:
    """The plan of one section's sheet, given the format's rules and the section's table grid."""
    plan = SheetPlan(section)
    r = FIRST_ROW
    for f in section.fields:
        if f.kind is ITEMS:
            plan.item_labels[f.key] = r
            plan.fields[f.key] = (r + 1, FIELD_INPUT_COL, r + f.items, FIELD_INPUT_COL)
            r += f.items + 2
        else:
            plan.fields[f.key] = (r, FIELD_INPUT_COL, r, FIELD_INPUT_COL)
            r += 1
    if section.group and grid is not None:
        plan.origin = r
        plan.grid = grid
        for c in grid.data_cells():
            assert c.path is not None
            plan.cells[c.path] = (r + c.row, c.col)
        keys = {t.key for t in section.group.tables}
        own = [rule for rule in rules if rule.table in keys]
        below = r + grid.height
        for rule in own:
            if rule.over == "cols":
                plan.check_rows.append((rule, below))
                below += 1
        right = grid.width
        for rule in own:
            if rule.over == "rows":
                plan.check_cols.append((rule, right))
                right += 1
    for key, (r1, c1, _, _) in plan.fields.items():
        plan.cells[("fields", key)] = (r1, c1)
    return plan
