"""Level 1: the JSON Schema. Each schema error becomes a finding with a stable code and the cell of
the value it is about, never a raw jsonschema message. The plan's fast path answers first for the
common, certainly valid case."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

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
    for err in errors:
        path: DataPath = tuple(str(p) for p in err.absolute_path)
        if path in ctx.reported:
            continue
        if not _known(plan.fmt, path):
            yield make("VALUE_INVALID", what="/".join(path) or "报告数据", detail=err.message[:200])
            continue
        yield _finding(plan.fmt, path, err, ctx)


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
