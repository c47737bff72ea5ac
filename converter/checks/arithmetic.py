"""Level 3: the 勾稽 rules. Every equation declared by the format is recomputed from the values;
an equation with a blank or non-numeric operand is skipped (that cell has its own finding)."""
from __future__ import annotations

from typing import Any, Iterable

from converter.checks.context import Context
from converter.checks.findings import Finding, rule_finding
from converter.definition.model import DataPath, Equation, value_at
from converter.definition.plan import Plan
from converter.definition.values import PLAIN_NUMBERS


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _show(v: int | float) -> int | float:
    return int(v) if isinstance(v, float) and v.is_integer() else round(v, 6)


def _cells(paths: tuple[DataPath, ...]) -> tuple[tuple[str, str, str], ...] | None:
    """(table, row, column) of each path when all are table cells; None otherwise."""
    cells = tuple(p[1:] for p in paths if len(p) == 4 and p[0] == "tables")
    return cells if len(cells) == len(paths) else None


class _Sides:
    """A plan's equations with their sides' cells (see _cells), and, when every operand of every
    equation is a table cell, the cells all of them read (`cells`, each once) with each side as
    indexes into those (`indexed`), so that a report whose cells are all plain numbers (the common
    case) is summed from one list."""

    def __init__(self, equations: tuple[Equation, ...]):
        self.sides = tuple((eq, _cells(eq.lhs), _cells(eq.rhs)) for eq in equations)
        self.cells: list[tuple[str, str, str]] | None = None
        self.indexed: list[tuple[Equation, tuple[int, ...], tuple[int, ...]]] = []
        at: dict[tuple[str, str, str], int] = {}
        for eq, lhs, rhs in self.sides:
            if lhs is None or rhs is None:
                self.indexed = []
                return
            self.indexed.append((eq, tuple(at.setdefault(c, len(at)) for c in lhs),
                                 tuple(at.setdefault(c, len(at)) for c in rhs)))
        self.cells = list(at)


def _plan_sides(plan: Plan) -> _Sides:
    """The _Sides of a plan's equations (computed once per plan, see Plan.derived)."""
    return _Sides(plan.equations)


def _side(data: dict[str, Any], paths: tuple[DataPath, ...], cells: Any) -> list[Any]:
    """The values of one side (KeyError or TypeError when the data lacks one), as value_at finds them."""
    if cells is None:
        return [value_at(data, p) for p in paths]
    tables = data["tables"]
    return [tables[t][r][c] for t, r, c in cells]


def _plain_values(data: dict[str, Any], cells: list[tuple[str, str, str]] | None) -> list[Any] | None:
    """The values of `cells` when every one is there and an int or a float; None otherwise."""
    if cells is None:
        return None
    try:
        tables = data["tables"]
        values = [tables[t][r][c] for t, r, c in cells]
    except (KeyError, TypeError):
        return None
    return values if {*map(type, values)} <= PLAIN_NUMBERS else None


def _broken(plan_sides: _Sides, data: dict[str, Any]) -> Iterable[tuple[Equation, int | float, int | float]]:
    """(equation, left, right) of each equation that does not hold."""
    values = _plain_values(data, plan_sides.cells)
    if values is not None:
        for eq, li, ri in plan_sides.indexed:
            # summed in the order of the sides' operands, as below: the same floats
            left, right = sum([values[i] for i in li]), sum([values[i] for i in ri])
            if not abs(left - right) < 1e-6:     # (a NaN is a difference)
                yield eq, left, right
        return
    for eq, lhs_cells, rhs_cells in plan_sides.sides:
        try:
            lhs = _side(data, eq.lhs, lhs_cells)
            rhs = _side(data, eq.rhs, rhs_cells)
        except (KeyError, TypeError):
            continue          # structure errors are the schema's to report
        # every operand an int or a float (the common case, told at once), or else each one a number
        if not ({*map(type, lhs), *map(type, rhs)} <= PLAIN_NUMBERS or (all(map(_number, lhs)) and all(map(_number, rhs)))):
            continue
        left, right = sum(lhs), sum(rhs)
        if not abs(left - right) < 1e-6:
            yield eq, left, right


def check_equations(data: dict[str, Any], ctx: Context) -> Iterable[Finding]:
    """One finding per equation that does not hold, at the rule's anchor cell."""
    fmt = ctx.plan.fmt
    for eq, left, right in _broken(ctx.plan.derived(_plan_sides), data):
        rule = eq.rule
        table = fmt.table(rule.table)
        if rule.over == "rows":
            label = table.row(eq.at).label
            where = f"「{label}」行" if label else table.name
        else:
            where = f"「{table.column(eq.at).label}」列"
        detail = rule.message.format(where=where, lhs=_show(left), rhs=_show(right))
        if rule.at_check:      # no one cell is wrong: point at the check cell, name both sides
            yield rule_finding(rule, detail, **ctx.locate_check(eq))
        else:
            yield rule_finding(rule, detail, expected=_show(right), actual=_show(left), **ctx.locate(eq.anchor))
