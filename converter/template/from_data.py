"""Report data -> the values of a filled workbook, so that `template --from FILE.json` gives a
workbook that reads back to the same data: every value written as it is, a total kept as its live
formula where the formula gives the figure in the data, written as printed where it does not (a
published report's wrong total stays wrong, and is checked), left blank where the data has none."""
from __future__ import annotations

from typing import Any

from converter.definition.model import DataPath, Format, value_at
from converter.definition.plan import Plan, compile
from converter.template.evaluate import Evaluation


def values_from_data(fmt: Format | Plan, data: dict[str, Any]) -> dict[DataPath, Any]:
    """{path: value} for make_template(); "" blanks a total's formula."""
    plan = compile(fmt)
    values: dict[DataPath, Any] = {}
    for path in plan.paths:
        if path in plan.computed:
            continue
        try:
            v = value_at(data, path)
        except (KeyError, TypeError):
            continue
        if v is not None:
            values[path] = v
    ev = Evaluation(plan, values)
    for path, _ in plan.total_order:          # a total after the totals it sums
        try:
            v = value_at(data, path)
        except (KeyError, TypeError):
            continue
        if v is None:
            values[path] = ""
        elif not (type(v) in (int, float) and ev.total(path) == v):
            values[path] = v
        ev = Evaluation(plan, values)
    return values
