"""Recompute the totals the template fills by formula. A formula's cached value is never trusted:
a total cell that still holds a formula takes the sum of its inputs; a total a clerk overtyped keeps
the typed value and is checked like any other."""
from __future__ import annotations

from converter.definition.model import Format, Path


def get(data: dict, path: Path):
    node = data
    for k in path:
        node = node[k]
    return node


def put(data: dict, path: Path, value) -> None:
    node = data
    for k in path[:-1]:
        node = node.setdefault(k, {})
    node[path[-1]] = value


def _order(fmt: Format) -> list[tuple[Path, tuple[Path, ...]]]:
    """Computed totals with their operands, each after the totals it sums (computed once per format)."""
    order = fmt._cache.get("total_order")
    if order is None:
        computed = fmt.computed()
        order, placed = [], set()

        def visit(path):
            if path in placed:
                return
            for p in computed[path].rhs:
                if p in computed:
                    visit(p)
            placed.add(path)
            order.append((path, computed[path].rhs))
        for path in computed:
            visit(path)
        fmt._cache["total_order"] = order
    return order


def fill_totals(data: dict, fmt: Format, formula_paths: set[Path]) -> None:
    """Give every total that still holds its formula the sum of its operands; operands that are not
    numbers count as 0 here (each is reported on its own cell)."""
    tables = data["tables"]
    for path, rhs in _order(fmt):
        if path not in formula_paths:
            continue
        total = 0
        for _, t, r, c in rhs:
            v = tables[t][r][c]
            if (type(v) is int or type(v) is float):
                total += v
        tables[path[1]][path[2]][path[3]] = total
