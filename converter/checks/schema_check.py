"""Level 1: the JSON Schema. Each schema error becomes a finding with a stable code and the cell of
the value it is about, never a raw jsonschema message. The plan's fast path answers first for the
common, certainly valid case."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from converter.cell_ref import parse_a1
from converter.checks.context import Context
from converter.checks.findings import Finding, make
from converter.definition.kinds import YEAR
from converter.definition.model import DataPath, Format

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError


_SPECIAL = {  # basic-information fields have their own codes
    ("unit", "type"): "UNIT_MISSING", ("unit", "minLength"): "UNIT_MISSING",
    ("year", "type"): "YEAR_MISSING",
}


def check_schema(data: dict[str, Any], ctx: Context) -> Iterable[Finding]:
    """A finding per schema violation, in layout order; nothing when the fast path is sure."""
    plan = ctx.plan
    if plan.plainly_valid(data):
        return          # the full validator would find nothing; it runs whenever this is unsure
    order = plan.path_order
    errors = sorted(plan.validator.iter_errors(data), key=lambda e: order.get(tuple(str(p) for p in e.absolute_path), -1))
    blanks: list[DataPath] = []
    for err in errors:
        path: DataPath = tuple(str(p) for p in err.absolute_path)
        if path in ctx.reported:
            continue
        if not _known(plan.fmt, path):
            yield make("VALUE_INVALID", what="/".join(path) or "报告数据", detail=err.message[:200])
            continue
        if path[0] == "tables" and err.validator == "type" and err.instance is None:
            blanks.append(path)          # reported together below: one finding per blank row or column
            continue
        yield _finding(plan.fmt, path, err, ctx)
    yield from _blank_findings(plan.fmt, blanks, ctx)


def _blank_findings(fmt: Format, blanks: list[DataPath], ctx: Context) -> Iterable[Finding]:
    """Blank table cells, grouped: the cells of one column (or one row) of one table left blank are
    one finding with their range, so that a blank block of 120 cells reads as 5 findings, not 120.
    Per table, the grouping (by column or by row) that gives fewer findings is used."""
    by_table: dict[str, list[DataPath]] = {}
    for p in blanks:
        by_table.setdefault(p[1], []).append(p)
    for key, paths in by_table.items():
        table = fmt.table(key)
        groups = []
        for axis in (3, 2):                # by column, then by row
            g: dict[str, list[DataPath]] = {}
            for p in paths:
                g.setdefault(p[axis], []).append(p)
            groups.append((axis, g))
        axis, chosen = min(groups, key=lambda ag: len(ag[1]))
        for along, members in chosen.items():
            if len(members) == 1:
                p = members[0]
                yield make("VALUE_BLANK", what=fmt.describe(p), **ctx.locate(p))
                continue
            label = table.column(along).label if axis == 3 else table.row(along).label
            what = ((table.title or "") + (f"「{label}」列" if axis == 3 else f"「{label}」行" if label else table.name)
                    + f" {len(members)} 个单元格")
            yield make("VALUE_BLANK", what=what, **_span(ctx, members))


def _span(ctx: Context, paths: list[DataPath]) -> dict[str, str]:
    """The location of several cells: 'H12:H30' when they are one run of cells, else 'H12,H13,H20'."""
    where = [ctx.locate(p) for p in paths]
    sheet = where[0]["sheet"]
    cells = [w["cell"] for w in where]
    parsed = [parse_a1(c) for c in cells]
    if any(w["sheet"] != sheet for w in where) or None in parsed:
        return {"sheet": sheet, "cell": ""}      # not a spreadsheet (a published report): the message names them
    rows = sorted(p[0] for p in parsed if p)
    cols = sorted(p[1] for p in parsed if p)
    one_column = cols[0] == cols[-1] and rows[-1] - rows[0] == len(rows) - 1
    one_row = rows[0] == rows[-1] and cols[-1] - cols[0] == len(cols) - 1
    if one_column or one_row:
        return {"sheet": sheet, "cell": f"{cells[0]}:{cells[-1]}"}
    return {"sheet": sheet, "cell": ",".join(cells)}


def _known(fmt: Format, path: DataPath) -> bool:
    try:
        if len(path) == 2 and path[0] == "fields":
            fmt.field(path[1])
            return True
        if len(path) == 4 and path[0] == "tables":
            fmt.table(path[1]).row(path[2])
            fmt.table(path[1]).column(path[3])
            return True
    except KeyError:
        pass
    return False


def _finding(fmt: Format, path: DataPath, err: ValidationError, ctx: Context) -> Finding:
    where = ctx.locate(path)
    what = fmt.describe(path)
    value = err.instance
    key = path[1] if path[0] == "fields" else None
    if key == "year" and (err.validator != "type" or isinstance(value, str)):
        return make("YEAR_INVALID", actual=value, minimum=YEAR.minimum, **where)
    special = _SPECIAL.get((key or "", str(err.validator)))
    if special and (value is None or value == ""):
        return make(special, **where)
    if err.validator == "type":
        if value is None:
            return make("VALUE_BLANK", what=what, **where)
        if isinstance(value, float):
            return make("VALUE_NOT_INTEGER", what=what, actual=_num(value), **where)
        return make("VALUE_NOT_NUMBER", what=what, actual=value, **where)
    if err.validator == "minimum":
        return make("VALUE_NEGATIVE", what=what, actual=_num(value), **where)
    return make("VALUE_INVALID", what=what, actual=value, detail=err.message[:200], **where)


def _num(v: Any) -> Any:
    return int(v) if isinstance(v, float) and v.is_integer() else v
