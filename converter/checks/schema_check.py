"""Level 1: the JSON Schema. Each schema error becomes a finding with a stable code and the cell of
the value it is about, never a raw jsonschema message."""
from __future__ import annotations

from typing import Iterable

from ..findings import Finding, make
from ..schema import validator

_SPECIAL = {  # basic-information fields have their own codes
    ("unit", "type"): "UNIT_MISSING", ("unit", "minLength"): "UNIT_MISSING",
    ("year", "type"): "YEAR_MISSING",
}


def check_schema(data: dict, ctx) -> Iterable[Finding]:
    fmt = ctx.fmt
    order = fmt.path_order()
    errors = sorted(validator(fmt).iter_errors(data), key=lambda e: order.get(tuple(e.absolute_path), -1))
    for err in errors:
        path = tuple(err.absolute_path)
        if path in ctx.reported:
            continue
        if not _known(fmt, path):
            yield make("VALUE_INVALID", what="/".join(map(str, path)) or "报告数据", detail=err.message[:200])
            continue
        yield _finding(fmt, path, err, ctx)


def _known(fmt, path) -> bool:
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


def _finding(fmt, path, err, ctx) -> Finding:
    where = ctx.locate(path)
    what = fmt.describe(path)
    value = err.instance
    key = path[1] if path[0] == "fields" else None
    if key == "year" and err.validator != "type" or (key == "year" and isinstance(value, str)):
        return make("YEAR_INVALID", actual=value, **where)
    special = _SPECIAL.get((key, err.validator))
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


def _num(v):
    return int(v) if isinstance(v, float) and v.is_integer() else v
