"""A report's table cells as one flat tuple of numbers, in the order of its plan's cell_paths.

A summary adds up every unit's cells, and last year's reports wait in memory (and in the cache) for
the cross-year checks: as a tuple of numbers, a report's figures cost a fraction of its nested tables
to keep, to send between processes and to load (a dict per row is what made last year's reports slow
to load)."""
from __future__ import annotations

from typing import Any

from converter.definition.model import DataPath
from converter.definition.plan import Plan
from converter.definition.values import PLAIN_NUMBERS

_PLAIN_OR_NONE = PLAIN_NUMBERS | {type(None)}


def figures(tables: dict[str, Any], plan: Plan) -> tuple[Any, ...]:
    """Every table cell's number (None where unread, or not a number), in the order of the plan's
    cell_paths: each row's cells taken at once when the row is there and all its cells are numbers or
    missing (the common case)."""
    out: list[Any] = []
    for (table, row), keys in plan.derived(_row_runs):
        try:
            values = list(map(tables[table][row].get, keys))
        except (KeyError, TypeError, AttributeError):
            values = None
        if values is not None and {*map(type, values)} <= _PLAIN_OR_NONE:
            out += values
        else:
            out += [_cell(tables, table, row, k) for k in keys]
    return tuple(out)


def cell_index(plan: Plan) -> dict[DataPath, int]:
    """("tables", table, row, column) -> its place in figures() (computed once per plan)."""
    return plan.derived(_cell_index)


def _cell_index(plan: Plan) -> dict[DataPath, int]:
    return {p: i for i, p in enumerate(plan.cell_paths)}


def _row_runs(plan: Plan) -> list[tuple[tuple[str, str], list[str]]]:
    """The plan's cell_paths as runs of one row: [((table, row), [column, …])], in their order."""
    runs: list[tuple[tuple[str, str], list[str]]] = []
    for p in plan.cell_paths:
        if runs and runs[-1][0] == (p[1], p[2]):
            runs[-1][1].append(p[3])
        else:
            runs.append(((p[1], p[2]), [p[3]]))
    return runs


def _cell(tables: dict[str, Any], table: str, row: str, column: str) -> Any:
    try:
        v = tables[table][row][column]
    except (KeyError, TypeError):
        return None
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None
