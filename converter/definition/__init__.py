"""Stage 0, the format data and what is derived from it. Everything else takes a compiled plan.

    formats/      one data module per national format (sections, tables with verbatim labels, fields,
                  rules with their finding codes and messages, carry-over rows, title); the registry
    model.py      the immutable types a format is made of; DataPath, the address of an input
    kinds.py      what each kind of cell means (schema, Excel validation, clean-up, fast path, unit)
    values.py     the clean-ups a kind applies to a raw cell value
    layout.py     a table group -> a grid of merged cells (one layout for the workbook, Word, PDF, HTML)
    sheet_plan.py where every input and check cell goes in the workbook
    schema.py     format -> JSON Schema, and the fast path derived from the same kinds
    plan.py       compile(format) -> Plan: all of the above, built once per format

In: nothing (this is data). Out: ``compile(get("2021"))``, the Plan every stage takes.
"""
from converter.definition.formats import default, get, ids
from converter.definition.plan import Plan, compile

__all__ = ["Plan", "compile", "default", "get", "ids"]
