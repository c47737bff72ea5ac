"""What every check takes besides the report data."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from converter.definition.model import DataPath
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

    def __post_init__(self) -> None:
        self.plan = compile(self.plan)

    def locate(self, path: DataPath) -> dict[str, str]:
        """sheet= and cell= of an input, for a finding: where it was read, else the template's cell."""
        sheet, cell = self.locations.get(path) or self.plan.locations.get(path, ("", ""))
        return {"sheet": sheet, "cell": cell}
