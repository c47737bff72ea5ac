"""Format -> JSON Schema (draft 2020-12) of its report data. Committed under schema/ by
`make generate`; a test fails when the committed copy is stale."""
from __future__ import annotations

from converter.definition.model import AMOUNT, COUNT, DELTA, ITEMS, LINE, MONEY, TEXT, YEAR, Field, Format

_CELL = {
    COUNT: {"type": "integer", "minimum": 0},
    MONEY: {"type": "number", "minimum": 0},
    DELTA: {"type": "integer"},
}


def _field(f: Field) -> dict:
    if f.kind == YEAR:
        s = {"type": "integer", "minimum": 2008, "maximum": 2100}
    elif f.kind == AMOUNT:
        s = {"type": "number", "minimum": 0}
    elif f.kind == ITEMS:
        s = {"type": "array", "items": {"type": "string", "minLength": 1}, "maxItems": f.items}
    elif f.kind in (TEXT, LINE):
        s = {"type": "string"}
        if f.required:
            s["minLength"] = 1
    else:
        raise ValueError(f.kind)
    return {"title": f.label, **s}


def build_schema(fmt: Format) -> dict:
    fields = {f.key: _field(f) for _, f in fmt.fields()}
    tables = {}
    for t in fmt.tables():
        rows = {}
        for r in t.rows:
            cols = {c.key: {"title": "／".join(c.path), **_CELL[c.kind]} for c in t.columns}
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


def validator(fmt: Format):
    v = fmt._cache.get("validator")
    if v is None:
        from jsonschema import Draft202012Validator
        v = fmt._cache["validator"] = Draft202012Validator(build_schema(fmt))
    return v
