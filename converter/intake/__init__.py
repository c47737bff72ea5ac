"""Stage 1: a file -> report data, in levels that stop at the first failure.

In: a path. Out: a :class:`~converter.intake.result.ReadResult` — the report data (a plain dict that
the format's JSON Schema describes, or None), where each value was found (sheet and cell), and the
findings of intake (not a workbook, damaged, not ours, unknown version, names lost, a formula typed
into an input). Order: sniff.py (is it a workbook at all, from its bytes) → workbook.py (open it with
xlsx_xml.py, the fast engine, or openpyxl, the reference; identify format and version by the hidden
版本信息 sheet; resolve every defined name; read and clean each value by its kind) → totals.py
(recompute every total that still holds its formula; a cached result is never trusted).
"""
from __future__ import annotations

from converter import lazy_exports

_EXPORTS = {
    "ReadResult": "converter.intake.result",
    "read_workbook": "converter.intake.workbook",
    "read_report": "converter.intake.reader",
    "read_published": "converter.intake.published",
}
__all__ = sorted(_EXPORTS)

__getattr__ = lazy_exports(_EXPORTS)
