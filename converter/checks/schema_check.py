"""Level 1: the JSON Schema. Each schema error becomes a finding with a stable code and the cell of
the value it is about, never a raw jsonschema message."""
from __future__ import annotations

from typing import Iterable

from converter.checks.findings import Finding, make
from converter.definition.model import AMOUNT, COUNT, DELTA, ITEMS, LINE, MONEY, TEXT, YEAR
from converter.definition.schema import validator

_SPECIAL = {  # basic-information fields have their own codes
    ("unit", "type"): "UNIT_MISSING", ("unit", "minLength"): "UNIT_MISSING",
    ("year", "type"): "YEAR_MISSING",
}


def check_schema(data: dict, ctx) -> Iterable[Finding]:
    fmt = ctx.fmt
    if plainly_valid(data, fmt):
        return          # the full validator would find nothing; it runs whenever this is unsure
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


def _is_num(v) -> bool:
    return (type(v) is int) or (type(v) is float and v == v and v not in (float("inf"), float("-inf")))


_CHECKS = {
    COUNT: lambda v: type(v) is int and v >= 0,
    DELTA: lambda v: type(v) is int,
    MONEY: lambda v: _is_num(v) and v >= 0,
    AMOUNT: lambda v: _is_num(v) and v >= 0,
    YEAR: lambda v: type(v) is int and 2008 <= v <= 2100,
    LINE: lambda v: type(v) is str,
    TEXT: lambda v: type(v) is str,
}


def plainly_valid(data: dict, fmt) -> bool:
    """A strict, fast test of the common case: True only when the schema certainly accepts the data.
    It may say False for data the schema accepts (e.g. 3.0 as a count); the schema then decides."""
    plan = fmt._cache.get("fast_schema")
    if plan is None:
        fields = [(f.key, f.kind, f.required, f.items) for _, f in fmt.fields()]
        tables = [(t.key, [r.key for r in t.rows], [(c.key, _CHECKS[c.kind]) for c in t.columns])
                  for t in fmt.tables()]
        plan = fmt._cache["fast_schema"] = (fields, tables, {k for k, *_ in fields}, {t[0] for t in tables})
    fields, tables, field_keys, table_keys = plan
    if type(data) is not dict or data.get("format") != fmt.id or not set(data) <= _TOP:
        return False
    if type(data.get("template_version", "")) is not str:
        return False
    f, t = data.get("fields"), data.get("tables")
    if type(f) is not dict or type(t) is not dict or f.keys() != field_keys or t.keys() != table_keys:
        return False
    for key, kind, required, items in fields:
        v = f[key]
        if kind == ITEMS:
            if type(v) is not list or len(v) > items or not all(type(x) is str and x for x in v):
                return False
        elif not _CHECKS[kind](v) or (required and kind in (LINE, TEXT) and not v):
            return False
    for key, rows, cols in tables:
        table = t[key]
        if type(table) is not dict or len(table) != len(rows):
            return False
        for r in rows:
            row = table.get(r)
            if type(row) is not dict or len(row) != len(cols):
                return False
            for c, ok in cols:
                if c not in row or not ok(row[c]):
                    return False
    return True


_TOP = {"format", "template_version", "fields", "tables"}


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
    if key == "year" and (err.validator != "type" or isinstance(value, str)):
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
