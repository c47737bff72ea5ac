"""Format -> JSON Schema (draft 2020-12) of its report data, and the fast path that answers "certainly
valid" without running the validator. Both are derived from the same kinds (kinds.py), field by field
and cell by cell, so they cannot drift apart. The schemas are committed under schema/ by
`make generate`; a test fails when the committed copy is stale."""
from __future__ import annotations

from typing import Any

from converter.definition.model import Field, Format

_TOP = frozenset({"format", "template_version", "fields", "tables"})


def _field(f: Field) -> dict[str, Any]:
    return {"title": f.label, **f.kind.schema(required=f.required, items=f.items)}


def build_schema(fmt: Format) -> dict[str, Any]:
    """The JSON Schema of a format's report data, as a plain dict."""
    fields = {f.key: _field(f) for _, f in fmt.fields()}
    tables = {}
    for t in fmt.tables():
        rows = {}
        for r in t.rows:
            cols = {c.key: {"title": "／".join(c.path), **c.kind.schema()} for c in t.columns}
            rows[r.key] = {"title": "／".join(r.path) or t.name, "type": "object", "properties": cols,
                           "required": list(cols), "additionalProperties": False}
        tables[t.key] = {"title": t.title or t.name, "type": "object", "properties": rows,
                         "required": list(rows), "additionalProperties": False}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://nianbao.invalid/schema/report-{fmt.id}.schema.json",
        "title": f"政府信息公开工作年度报告数据（{fmt.name}，{fmt.document}）",
        "type": "object",
        "required": ["format", "fields", "tables"],
        "properties": {
            "format": {"const": fmt.id},
            "template_version": {"type": "string"},
            "fields": {"type": "object", "properties": fields, "required": list(fields),
                       "additionalProperties": False},
            "tables": {"type": "object", "properties": tables, "required": list(tables),
                       "additionalProperties": False},
        },
        "additionalProperties": False,
    }


class FastPath:
    """A strict, fast test of the common case: True only when the schema certainly accepts the data.
    It may say False for data the schema accepts (e.g. 3.0 as a count); the validator then decides."""

    def __init__(self, fmt: Format):
        self.format_id = fmt.id
        self.fields = [(f.key, f.kind.accepts, f.required, f.items) for _, f in fmt.fields()]
        self.tables = [(t.key, [r.key for r in t.rows], [(c.key, c.kind.accepts) for c in t.columns])
                       for t in fmt.tables()]
        self.field_keys = {f[0] for f in self.fields}
        self.table_keys = {t[0] for t in self.tables}

    def __call__(self, data: Any) -> bool:
        if type(data) is not dict or data.get("format") != self.format_id or not set(data) <= _TOP:
            return False
        if type(data.get("template_version", "")) is not str:
            return False
        f, t = data.get("fields"), data.get("tables")
        if type(f) is not dict or type(t) is not dict or f.keys() != self.field_keys or t.keys() != self.table_keys:
            return False
        for key, accepts, required, items in self.fields:
            if not accepts(f[key], required, items):
                return False
        for key, rows, cols in self.tables:
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
