"""Level 3: the 勾稽 rules. Every equation declared by the format is recomputed from the values;
an equation with a blank or non-numeric operand is skipped (that cell has its own finding)."""
from __future__ import annotations

from typing import Any, Iterable

from converter.checks.context import Context
from converter.checks.findings import Finding, rule_finding
from converter.definition.model import value_at


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _show(v: int | float) -> int | float:
    return int(v) if isinstance(v, float) and v.is_integer() else round(v, 6)


def check_equations(data: dict[str, Any], ctx: Context) -> Iterable[Finding]:
    """One finding per equation that does not hold, at the rule's anchor cell."""
    fmt = ctx.plan.fmt
    for eq in ctx.plan.equations:
        try:
            lhs = [value_at(data, p) for p in eq.lhs]
            rhs = [value_at(data, p) for p in eq.rhs]
        except (KeyError, TypeError):
            continue          # structure errors are the schema's to report
        if not all(map(_number, lhs + rhs)):
            continue
        left, right = sum(lhs), sum(rhs)
        if abs(left - right) < 1e-6:
            continue
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
