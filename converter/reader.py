"""Workbook -> report data (a plain dict matching the JSON Schema), read by defined names.

Intake runs in levels and stops at the first that fails: is it a workbook (sniff) → does openpyxl
open it → is it ours (version sheet) → which format and version → are all defined names intact →
values, cleaned. Cell positions are never hard-coded: a name's destination is where its value is, and
that destination is what findings point at.
"""
from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass, field

from . import clean
from .findings import Finding, make
from .formats import FORMATS
from .model import ITEMS, META_NAMES, TEMPLATE_ID, Format, Path, defined_name
from .sniff import sniff
from .totals import fill_totals, put

_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")


@dataclass
class ReadResult:
    file: str
    data: dict | None = None                 # None when the workbook could not be read
    format_id: str | None = None
    locations: dict[Path, tuple[str, str]] = field(default_factory=dict)   # path -> (sheet, "D6")
    findings: list[Finding] = field(default_factory=list)
    reported: set[Path] = field(default_factory=set)   # paths the reader already has a finding for

    @property
    def ok(self) -> bool:
        return self.data is not None


def read_workbook(path: str | os.PathLike) -> ReadResult:
    result = ReadResult(file=str(path))
    problem = sniff(path)
    if problem:
        result.findings.append(problem)
        return result
    try:
        wb = _open(path)
    except Exception as e:    # openpyxl raises many kinds for a damaged package
        result.findings.append(make("FILE_CORRUPT", detail=f"{type(e).__name__}: {e}"[:200]))
        return result
    try:
        return _read_open(wb, result)
    finally:
        wb.close()


def _open(path):
    import openpyxl   # imported here so the CLI starts fast
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # e.g. "Data Validation extension is not supported"
        return openpyxl.load_workbook(path, data_only=False, keep_links=False, rich_text=False)


def _read_open(wb, result: ReadResult) -> ReadResult:
    names = _names(wb)
    fmt = _identify(wb, names, result)
    if fmt is None:
        return result
    result.format_id = fmt.id
    places = _resolve_names(wb, names, fmt, result)
    if places is None:
        return result
    result.data = _values(wb, fmt, places, result)
    return result


def _names(wb) -> dict[str, str]:
    out = {}
    for name, dn in wb.defined_names.items():
        out[name] = dn.attr_text or ""
    return out


def _parse_ref(text: str):
    m = _REF.match(text.strip().lstrip("="))
    if not m:
        return None
    sheet = (m.group(1) or "").replace("''", "'") or m.group(2)
    first = f"{m.group(3)}{m.group(4)}"
    last = f"{m.group(5)}{m.group(6)}" if m.group(5) else first
    return sheet, first, last


def _meta(wb, names: dict[str, str], key: str) -> str | None:
    ref = _parse_ref(names.get(META_NAMES[key], ""))
    if not ref or ref[0] not in wb.sheetnames:
        return None
    value = wb[ref[0]][ref[1]].value
    return None if value is None else str(value).strip()


def _identify(wb, names: dict[str, str], result: ReadResult) -> Format | None:
    if _meta(wb, names, "template_id") != TEMPLATE_ID:
        result.findings.append(make("NOT_OUR_TEMPLATE"))
        return None
    format_id = _meta(wb, names, "format")
    fmt = FORMATS.get(format_id or "")
    if fmt is None:
        result.findings.append(make("UNKNOWN_FORMAT", actual=format_id or "（空）"))
        return None
    version = _meta(wb, names, "version")
    if version not in fmt.accepted_versions:
        result.findings.append(make("UNKNOWN_VERSION", actual=version or "（空）",
                                    expected="、".join(fmt.accepted_versions)))
        return None
    return fmt


def _all_paths(fmt: Format) -> list[Path]:
    return [("fields", f.key) for _, f in fmt.fields()] + fmt.cell_paths()


def _resolve_names(wb, names: dict[str, str], fmt: Format, result: ReadResult):
    """path -> (sheet, first cell, last cell); None (with findings) when the structure is broken."""
    places: dict[Path, tuple[str, str, str]] = {}
    broken: dict[str, list[Finding]] = {}      # by the section's sheet, to report a lost sheet once
    lost_sheets: dict[str, int] = {}
    for path in _all_paths(fmt):
        section = fmt.section_of(path)
        name = defined_name(path)
        what = fmt.describe(path)
        text = names.get(name)
        ref = _parse_ref(text) if text else None
        if text is None:
            f = make("NAME_MISSING", sheet=section.sheet, what=what, name=name)
        elif ref is None:
            f = make("NAME_BROKEN", sheet=section.sheet, what=what, name=name, actual=text)
            lost_sheets[section.sheet] = lost_sheets.get(section.sheet, 0) + 1
        elif ref[0] not in wb.sheetnames:
            f = make("SHEET_MISSING", sheet=section.sheet)
            lost_sheets[section.sheet] = lost_sheets.get(section.sheet, 0) + 1
        else:
            places[path] = ref
            continue
        broken.setdefault(section.sheet, []).append(f)
    if not broken:
        return places
    total = {}
    for path in _all_paths(fmt):
        total[fmt.section_of(path).sheet] = total.get(fmt.section_of(path).sheet, 0) + 1
    for sheet, found in broken.items():
        if lost_sheets.get(sheet, 0) == total[sheet]:
            result.findings.append(make("SHEET_MISSING", sheet=sheet))   # the whole sheet is gone
        else:
            result.findings.extend(found)
    return None


def _is_formula(cell) -> bool:
    """By the cell's stored type: text that merely starts with "=" is text."""
    return cell.data_type == "f"


def _values(wb, fmt: Format, places, result: ReadResult) -> dict:
    data: dict = {"format": fmt.id, "template_version": fmt.template_version, "fields": {}, "tables": {}}
    computed = fmt.computed()
    formulas: set[Path] = set()
    for path, (sheet, first, last) in places.items():
        ws = wb[sheet]
        result.locations[path] = (sheet, first)
        kind = fmt.kind_of(path)
        if kind == ITEMS:
            cells = [row[0] for row in ws[f"{first}:{last}"]]
            put(data, path, clean.items(c.value for c in cells if not _is_formula(c)))
            continue
        cell = ws[first]
        raw = cell.value
        if _is_formula(cell):
            if path in computed:
                formulas.add(path)
                put(data, path, None)
            else:
                result.findings.append(make("VALUE_FORMULA", sheet=sheet, cell=first, what=fmt.describe(path),
                                            actual=str(getattr(raw, "text", raw))[:60]))
                result.reported.add(path)
                put(data, path, None)
            continue
        put(data, path, clean.for_kind(raw, kind))
    fill_totals(data, fmt, formulas)
    for t in fmt.tables():       # keep the schema's key order: rows and columns as declared
        data["tables"][t.key] = {r.key: {c.key: data["tables"][t.key][r.key][c.key] for c in t.columns}
                                 for r in t.rows}
    return data
