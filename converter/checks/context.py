"""What every check takes besides the report data."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from converter.cell_ref import a1, parse_a1
from converter.definition.model import DataPath, Equation
from converter.definition.plan import Plan, compile


@dataclass
class Context:
    """What the checks need besides the data: the plan, where each input was read from (defined-name
    destinations of a workbook, or a table and row of a published report), paths a reader already
    reported, and today's date."""
    plan: Plan
    locations: dict[DataPath, tuple[str, str]] = field(default_factory=dict)
    reported: set[DataPath] = field(default_factory=set)   # paths already carrying a reader finding
    today: _dt.date = field(default_factory=_dt.date.today)
    published: str = ""        # 发布日期 (ISO) where the published page shows one
    unit_kind: str = ""        # the roster's 单位类型, when given (which publication deadline applies)

    def __post_init__(self) -> None:
        self.plan = compile(self.plan)

    def locate_check(self, eq: Equation) -> dict[str, str]:
        """sheet= and cell= of an equation's live check cell: where the template put it, moved as far
        as the workbook moved the cell it is anchored on. Data that has no such cell (a published
        report) gives the anchor's own location."""
        where = self.locate(eq.anchor)
        if eq not in self.plan.check_cells:
            return where
        sheet, row, col = self.plan.check_cells[eq]
        r0, c0 = self.plan.anchor_cells[eq]
        found = parse_a1(where["cell"])
        if found is None:
            return where if eq.anchor in self.locations else {"sheet": sheet, "cell": a1(row, col)}
        r1, c1 = found
        return {"sheet": where["sheet"], "cell": a1(row + r1 - r0, col + c1 - c0)}

    def locate(self, path: DataPath) -> dict[str, str]:
        """sheet= and cell= of an input, for a finding: where it was read, else the template's cell."""
        sheet, cell = self.locations.get(path) or self.plan.locations.get(path, ("", ""))
        return {"sheet": sheet, "cell": cell}
