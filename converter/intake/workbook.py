"""Workbook -> report data (a plain dict matching the JSON Schema), read by defined names.

Intake runs in levels and stops at the first that fails: is it a workbook (sniff) → does it open →
is it ours (version sheet) → which format and version → are all defined names intact → values,
cleaned. Cell positions are never hard-coded: a name's destination is where its value is, and that
destination is what findings point at.

Two engines give the same result: "xml" (default; xlsx_xml, fast, parses only what is needed) and
"openpyxl" (the reference). Both expose sheetnames, defined_names, get(sheet, cell) and
column(sheet, first, last), each value paired with whether the cell holds a formula.
"""
from __future__ import annotations

import functools
import os
import re
import warnings
import zipfile
import zlib

from lxml import etree
from dataclasses import dataclass, field

from converter.intake import clean
from converter.intake.limits import MAX_PART, MarkupBudget
from converter.intake.safe_zip import (MemberDamaged, MemberEncrypted, MemberTooLarge, ZipMemberError,
                                       check_entry, duplicate_member, read_member)
from converter.checks.findings import Finding, make
from converter.definition.formats import FORMATS
from converter.definition.model import ITEMS, META_NAMES, TEMPLATE_ID, Format, Path, defined_name
from converter.intake.sniff import package_problem, sniff
from converter.intake.totals import fill_totals

_DAMAGED = (KeyError, ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error, etree.LxmlError)
_PARSED = (".xml", ".rels", ".vml")      # the parts a reader may parse (pictures are never read)
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


def read_workbook(path: str | os.PathLike, engine: str = "xml") -> ReadResult:
    """Read one workbook with the given engine ("xml" or "openpyxl"): the report data, or findings
    saying why it cannot be read. Every zip member is inflated under a cap (safe_zip) and every parsed
    part counted against limits.py, so no workbook takes more than a few hundred MB."""
    result = ReadResult(file=str(path))
    problem = sniff(path)
    if problem:
        result.findings.append(problem)
        return result
    from converter.intake.xlsx_xml import package_main
    try:
        z = zipfile.ZipFile(path)
    except PermissionError:
        result.findings.append(make("FILE_NO_PERMISSION"))
        return result
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as e:
        # NotImplementedError: a damaged directory entry claiming a zip version zipfile does not know
        result.findings.append(make("FILE_CORRUPT", detail=f"压缩包结构错误：{e}"[:200]))
        return result
    wb = None
    try:
        problem = _zip_problem(z)
        if problem:
            result.findings.append(problem)
            return result
        main, strict = package_main(z)
        if strict:
            result.findings.append(make("FILE_STRICT_XML"))
            return result
        problem = package_problem(set(z.namelist()), main)
        if problem:
            result.findings.append(problem)
            return result
        if engine == "xml":
            from converter.intake.xlsx_xml import XmlWorkbook
            wb = XmlWorkbook(z, main or "xl/workbook.xml")
        else:
            _prescan(z)
            wb = _OpenpyxlBook(path)
        return _read_open(wb, result)
    except ZipMemberError as e:
        result.data = None
        result.findings.append(_member_finding(e))
        return result
    except _DAMAGED as e:      # a part missing, unreadable or failing its CRC
        result.data = None
        result.findings.append(make("FILE_CORRUPT", detail=f"{type(e).__name__}: {e}"[:200]))
        return result
    except Exception as e:     # openpyxl fails on damaged packages in many more ways
        if engine == "xml":
            raise
        result.data = None
        result.findings.append(make("FILE_CORRUPT", detail=f"{type(e).__name__}: {e}"[:200]))
        return result
    finally:
        if wb is not None:
            wb.close()
        z.close()


def _zip_problem(z: zipfile.ZipFile) -> Finding | None:
    """What the zip directory alone shows: two parts of one name (OPC forbids it, and readers differ on
    which one wins), an encrypted member, a compression method no office program writes, or a part
    declaring an absurd size (damage, or a "zip bomb"; one that lies about its size is caught while
    inflating, see safe_zip). Pictures are never read, so their sizes do not count."""
    duplicate = duplicate_member(z)
    if duplicate:
        return make("FILE_CORRUPT", detail=f"压缩包中有两个同名部件 {duplicate}"[:200])
    for info in z.infolist():
        try:
            check_entry(info, MAX_PART if info.filename.lower().endswith(_PARSED) else 1 << 62)
        except ZipMemberError as e:
            return _member_finding(e)
    return None


def _member_finding(e: ZipMemberError) -> Finding:
    if isinstance(e, MemberTooLarge):
        return make("FILE_TOO_LARGE", detail=f"{e.member} {e.reason}"[:200])
    if isinstance(e, MemberEncrypted):
        return make("FILE_ENCRYPTED")
    return make("FILE_CORRUPT", detail=f"{e.member}：{e.reason}"[:200])


def _prescan(z: zipfile.ZipFile) -> None:
    """For the openpyxl engine, which reads members with zipfile: inflate every part it may parse under
    the cap first, and count its markup against the same budget the fast engine uses."""
    budget = MarkupBudget()
    for info in z.infolist():
        if info.filename.lower().endswith(_PARSED):
            raw = read_member(z, info, MAX_PART)
            budget.spend(info.filename, raw)
            if b"<!DOCTYPE" in raw:
                raise MemberDamaged(info.filename, "含有 DOCTYPE 声明（Office 文件不允许）")


class _OpenpyxlBook:
    """The reference engine, openpyxl, behind the interface the reader uses."""

    def __init__(self, path):
        import openpyxl   # imported here so the CLI starts fast
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # e.g. "Data Validation extension is not supported"
            self._wb = openpyxl.load_workbook(path, data_only=False, keep_links=False, rich_text=False)
        self.sheetnames = self._wb.sheetnames
        self.defined_names = {name: dn.attr_text or "" for name, dn in self._wb.defined_names.items()}

    def close(self) -> None:
        self._wb.close()

    @staticmethod
    def _pair(cell):
        formula = cell.data_type == "f"     # by stored type: text that starts with "=" is text
        return (None if formula else cell.value), formula

    def get(self, sheet: str, coord: str):
        return self._pair(self._wb[sheet][coord])

    def column(self, sheet: str, first: str, last: str) -> list:
        return [self._pair(row[0]) for row in self._wb[sheet][f"{first}:{last}"]]


def _read_open(wb, result: ReadResult) -> ReadResult:
    names = wb.defined_names
    fmt = _identify(wb, names, result)
    if fmt is None:
        return result
    result.format_id = fmt.id
    places = _resolve_names(wb, names, fmt, result)
    if places is None:
        return result
    result.data = _values(wb, fmt, places, result)
    return result


@functools.lru_cache(maxsize=4096)
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
    value, _ = wb.get(ref[0], ref[1])
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
    return list(fmt.path_order())


_PLACES: dict = {}


def _resolve_names(wb, names: dict[str, str], fmt: Format, result: ReadResult):
    """path -> (sheet, first cell, last cell); None (with findings) when the structure is broken.
    The fast engine hands out one names dict per distinct workbook part, so intact structures are
    resolved once per batch."""
    hit = _PLACES.get((id(names), fmt.id))
    if hit is not None and hit[0] is names and hit[1] == tuple(wb.sheetnames):
        return hit[2]
    places = _resolve(wb, names, fmt, result)
    if places is not None:
        if len(_PLACES) > 64:
            _PLACES.clear()
        _PLACES[(id(names), fmt.id)] = (names, tuple(wb.sheetnames), places)
    return places


def _resolve(wb, names: dict[str, str], fmt: Format, result: ReadResult):
    places: dict[Path, tuple[str, str, str]] = {}
    broken: dict[str, list[Finding]] = {}      # by the section's sheet, to report a lost sheet once
    lost_sheets: dict[str, int] = {}
    sheetnames = set(wb.sheetnames)
    for path in _all_paths(fmt):
        name = defined_name(path)
        text = names.get(name)
        ref = _parse_ref(text) if text else None
        if ref is not None and ref[0] in sheetnames:
            places[path] = ref
            continue
        section = fmt.section_of(path)
        what = fmt.describe(path)
        if text is None:
            f = make("NAME_MISSING", sheet=section.sheet, what=what, name=name)
        elif ref is None:
            f = make("NAME_BROKEN", sheet=section.sheet, what=what, name=name, actual=text)
            lost_sheets[section.sheet] = lost_sheets.get(section.sheet, 0) + 1
        else:
            f = make("SHEET_MISSING", sheet=section.sheet)
            lost_sheets[section.sheet] = lost_sheets.get(section.sheet, 0) + 1
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


def _value_plan(fmt: Format) -> list[tuple]:
    """(path, kind, is_a_computed_total, is_a_number) per input, in layout order (the schema's order)."""
    plan = fmt._cache.get("value_plan")
    if plan is None:
        computed = fmt.computed()
        plan = fmt._cache["value_plan"] = [
            (p, fmt.kind_of(p), p in computed, fmt.kind_of(p) in clean.NUMERIC) for p in fmt.path_order()]
    return plan


def _values(wb, fmt: Format, places, result: ReadResult) -> dict:
    fields: dict = {}
    tables: dict = {t.key: {r.key: {} for r in t.rows} for t in fmt.tables()}
    data = {"format": fmt.id, "template_version": fmt.template_version, "fields": fields, "tables": tables}
    formulas: set[Path] = set()
    locations, get, number, text = result.locations, wb.get, clean.number, clean.text
    for path, kind, is_total, numeric in _value_plan(fmt):
        sheet, first, last = places[path]
        locations[path] = (sheet, first)
        if kind == ITEMS:
            value = clean.items(v for v, formula in wb.column(sheet, first, last) if not formula)
        else:
            raw, formula = get(sheet, first)
            if formula:
                value = None
                if is_total:
                    formulas.add(path)
                else:
                    result.findings.append(make("VALUE_FORMULA", sheet=sheet, cell=first, what=fmt.describe(path)))
                    result.reported.add(path)
            else:
                value = number(raw, kind) if numeric else text(raw)
        if path[0] == "fields":
            fields[path[1]] = value
        else:
            tables[path[1]][path[2]][path[3]] = value
    if formulas:
        fill_totals(data, fmt, formulas)
    return data
