"""Recompute the totals the template fills by formula. A formula's cached value is never trusted:
a total cell that still holds a formula takes the sum of its inputs; a total a clerk overtyped keeps
the typed value and is checked like any other."""
from __future__ import annotations

from typing import Any

from converter.definition.model import DataPath
from converter.definition.plan import Plan


def fill_totals(data: dict[str, Any], plan: Plan, formula_paths: set[DataPath]) -> None:
    """Give every total that still holds its formula the sum of its operands; operands that are not
    numbers count as 0 here (each is reported on its own cell)."""
    tables = data["tables"]
    for path, rhs in plan.total_order:
        if path not in formula_paths:
            continue
        total: int | float = 0
        for _, t, r, c in rhs:
            v = tables[t][r][c]
            if type(v) is int or type(v) is float:
                total += v
        tables[path[1]][path[2]][path[3]] = total
