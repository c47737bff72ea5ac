"""Workbook -> report data (a plain dict matching the JSON Schema), read by defined names.

Intake runs in levels and stops at the first that fails: is it a workbook (sniff) → does it open →
is it ours (version sheet) → which format and version → are all defined names intact → values,
cleaned. Cell positions are never hard-coded: a name's destination is where its value is, and that
destination is what findings point at.

Two engines give the same result: "xml" (default; xlsx_xml, fast, parses only what is needed) and
"openpyxl" (the reference). Both expose sheetnames, defined_names and get(sheet, cell), each value
paired with whether the cell holds a formula (the fast one also get_many, every cell at once).
"""
from __future__ import annotations

import functools
import io
import os
import re
import warnings
import zipfile
import zlib
from typing import Any, Protocol

from lxml import etree

from converter.checks.findings import Finding, make
from converter.definition.formats import FORMATS
from converter.definition.kinds import ITEMS, NumberKind
from converter.definition.model import META_NAMES, TEMPLATE_ID, DataPath, defined_name
from converter.definition.plan import Plan, compile
from converter.intake.limits import MAX_PART, MarkupBudget
from converter.intake.result import ReadResult
from converter.intake.safe_zip import (
    MemberDamaged,
    MemberEncrypted,
    MemberTooLarge,
    ZipMemberError,
    check_entry,
    duplicate_member,
    read_member,
)
from converter.intake.sniff import package_problem, sniff
from converter.intake.totals import fill_totals
from converter.intake.xlsx_xml import XmlWorkbook, column_cells, package_main

# Excel stores characters XML cannot hold as _xHHHH_ (ECMA-376 ST_Xstring); text pasted from Word
# carries soft line breaks (U+000B) and other control characters that way.
_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")
_LINE_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})
_NOT_XML = re.compile("[\x00-\x08\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

_DAMAGED = (KeyError, ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error, etree.LxmlError)
_PARSED = (".xml", ".rels", ".vml")      # the parts a reader may parse (pictures are never read)
_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")


Places = dict[DataPath, tuple[str, str, str]]     # path -> (sheet, first cell, last cell)


class Book(Protocol):
    """What the reader needs of an engine (xlsx_xml.XmlWorkbook, or openpyxl behind OpenpyxlBook)."""
    sheetnames: list[str]
    defined_names: dict[str, str]
    memo: dict[str, Any]       # shared by workbooks whose workbook part is identical

    def get(self, sheet: str, coord: str) -> tuple[Any, bool]:
        """(value, holds a formula) of one cell."""

    def close(self) -> None:
        """Release the file."""


def read_workbook(path: str | os.PathLike[str], engine: str = "xml", whole: bytes | None = None) -> ReadResult:
    """Read one workbook with the given engine ("xml", fast, the default; or "openpyxl", the reference
    the tests compare it with): the report data, or findings saying why it cannot be read; never
    raises for a bad file. Every zip member is inflated under a cap (safe_zip) and every parsed part
    counted against limits.py, so no workbook takes more than a few hundred MB. `whole`: the file's
    bytes, when the caller has read them (a zip package; see reader.read_report)."""
    result = ReadResult(file=str(path))
    problem = sniff(path) if whole is None or not whole.startswith(b"PK") else None
    if problem:
        result.findings.append(problem)
        return result
    try:
        z = zipfile.ZipFile(path if whole is None or engine != "xml" else io.BytesIO(whole))
    except PermissionError:
        result.findings.append(make("FILE_NO_PERMISSION"))
        return result
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as e:
        # NotImplementedError: a damaged directory entry claiming a zip version zipfile does not know
        result.findings.append(make("FILE_CORRUPT", detail=f"压缩包结构错误：{e}"[:200]))
        return result
    wb: Book | None = None
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
            wb = XmlWorkbook(z, main or "xl/workbook.xml")
        else:
            _prescan(z)
            wb = OpenpyxlBook(path)
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


class OpenpyxlBook:
    """The reference engine, openpyxl, behind the interface the reader uses."""

    def __init__(self, path: str | os.PathLike[str]):
        import openpyxl  # imported here so the CLI starts fast
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # e.g. "Data Validation extension is not supported"
            self._wb = openpyxl.load_workbook(path, data_only=False, keep_links=False, rich_text=False)
        self.sheetnames = self._wb.sheetnames
        self.defined_names = {name: dn.attr_text or "" for name, dn in self._wb.defined_names.items()}
        self.memo: dict[str, Any] = {}

    def close(self) -> None:
        """Release the file."""
        self._wb.close()

    @staticmethod
    def _pair(cell: Any) -> tuple[Any, bool]:
        formula = cell.data_type == "f"     # by stored type: text that starts with "=" is text
        return (None if formula else cell.value), formula

    def get(self, sheet: str, coord: str) -> tuple[Any, bool]:
        """(value, holds a formula) of one cell."""
        return self._pair(self._wb[sheet][coord])


def _read_open(wb: Book, result: ReadResult) -> ReadResult:
    names = wb.defined_names
    plan = _identify(wb, names, result)
    if plan is None:
        return result
    result.format_id = plan.id
    places = _resolve_names(wb, names, plan, result)
    if places is None:
        return result
    result.data = _values(wb, plan, places, result)
    return result


@functools.lru_cache(maxsize=4096)
def _parse_ref(text: str) -> tuple[str, str, str] | None:
    m = _REF.match(text.strip().lstrip("="))
    if not m:
        return None
    sheet = (m.group(1) or "").replace("''", "'") or m.group(2)
    first = f"{m.group(3)}{m.group(4)}"
    last = f"{m.group(5)}{m.group(6)}" if m.group(5) else first
    return sheet, first, last


def _meta(wb: Book, names: dict[str, str], key: str) -> str | None:
    ref = _parse_ref(names.get(META_NAMES[key], ""))
    if not ref or ref[0] not in wb.sheetnames:
        return None
    value, _ = wb.get(ref[0], ref[1])
    return None if value is None else str(value).strip()


def _identify(wb: Book, names: dict[str, str], result: ReadResult) -> Plan | None:
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
    return compile(fmt)


def _resolve_names(wb: Book, names: dict[str, str], plan: Plan, result: ReadResult) -> Places | None:
    """path -> (sheet, first cell, last cell); None (with findings) when the structure is broken.
    Workbooks whose workbook part is identical share `wb.memo`, so intact structures are resolved
    once per batch."""
    key = "places:" + plan.id
    places = wb.memo.get(key)
    if places is None:
        places = _resolve(wb, names, plan, result)
        if places is not None:
            wb.memo[key] = places
    return places


def _resolve(wb: Book, names: dict[str, str], plan: Plan, result: ReadResult) -> Places | None:
    places: Places = {}
    broken: dict[str, list[Finding]] = {}      # by the section's sheet, to report a lost sheet once
    lost_sheets: dict[str, int] = {}
    sheetnames = set(wb.sheetnames)
    fmt = plan.fmt
    for path in plan.paths:
        name = defined_name(path)
        text = names.get(name)
        ref = _parse_ref(text) if text else None
        if ref is not None and ref[0] in sheetnames:
            places[path] = ref
            continue
        section = plan.section(path)
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
    total: dict[str, int] = {}
    for path in plan.paths:
        sheet = plan.section(path).sheet
        total[sheet] = total.get(sheet, 0) + 1
    for sheet, found in broken.items():
        if lost_sheets.get(sheet, 0) == total[sheet]:
            result.findings.append(make("SHEET_MISSING", sheet=sheet))   # the whole sheet is gone
        else:
            result.findings.extend(found)
    return None


def decode_text(raw: str) -> tuple[str, list[str]]:
    """A string as the user typed it: _xHHHH_ escapes decoded, soft line and page breaks as line
    breaks, characters XML cannot hold dropped. Returns the text and what was dropped (U+0001 …)."""
    if "_x" in raw:
        raw = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), raw)
    if "\x0b" in raw or "\x0c" in raw:
        raw = raw.translate(_LINE_BREAKS)
    if _NOT_XML.search(raw) is None:
        return raw, []
    dropped = [f"U+{ord(c):04X}" for c in _NOT_XML.findall(raw)]
    return _NOT_XML.sub("", raw), dropped


def _clean_strings(raw: Any, path: DataPath, sheet: str, cell: str, plan: Plan, result: ReadResult) -> Any:
    """decode_text() on a cell's string (or an items range's strings), with a warning for what was dropped."""
    text: Any
    if type(raw) is str:
        text, dropped = decode_text(raw)
    elif type(raw) is list:
        decoded = [decode_text(v) if type(v) is str else (v, []) for v in raw]
        text, dropped = [v for v, _ in decoded], [d for _, ds in decoded for d in ds]
    else:
        return raw
    if dropped:
        result.findings.append(make("TEXT_CONTROL_DROPPED", sheet=sheet, cell=cell, what=plan.fmt.describe(path),
                                    actual="、".join(dict.fromkeys(dropped))))
    return text


def _steps(wb: Book, plan: Plan, places: Places) -> tuple[dict[DataPath, tuple[str, str]], list[tuple[Any, ...]],
                                                         list[tuple[str, str]]]:
    """The value plan resolved against the places: (path -> (sheet, first cell), in the plan's order;
    one step per path: (path, sheet, first, last, kind, is a total, is a number kind, is a field,
    where its cells begin and end in the third); every cell read, (sheet, cell), in order: a step's
    one cell, or each cell of an items range).
    Workbooks whose workbook part is identical share the places, and so the steps (kept in wb.memo)."""
    key = "steps:" + plan.id
    found = wb.memo.get(key)
    if found is not None and found[0] is places:
        return found[1], found[2], found[3]
    locations: dict[DataPath, tuple[str, str]] = {}
    steps = []
    wanted: list[tuple[str, str]] = []
    for path, kind, is_total in plan.value_plan:
        sheet, first, last = places[path]
        locations[path] = (sheet, first)
        begin = len(wanted)
        if kind is ITEMS:
            wanted += [(sheet, cell) for cell in column_cells(first, last)]
        else:
            wanted.append((sheet, first))
        steps.append((path, sheet, first, kind, is_total, isinstance(kind, NumberKind), path[0] == "fields",
                      begin, len(wanted)))
    wb.memo[key] = (places, locations, steps, wanted)
    return locations, steps, wanted


def _cells(wb: Book, wanted: list[tuple[str, str]]) -> tuple[list[tuple[Any, bool]], Exception | None]:
    """(value, holds a formula) of each cell, in order, up to the first whose reading raises: then (the
    cells before it, what it raised). The fast engine reads them at once (XmlWorkbook.get_many)."""
    many = getattr(wb, "get_many", None)
    if many is not None:
        found: tuple[list[tuple[Any, bool]], Exception | None] = many(wanted)
        return found
    out = []
    try:
        for sheet, cell in wanted:
            out.append(wb.get(sheet, cell))
    except Exception as e:      # noqa: BLE001  (raised again by the caller, in its place)
        return out, e
    return out, None


def _values(wb: Book, plan: Plan, places: Places, result: ReadResult) -> dict[str, Any]:
    fmt = plan.fmt
    fields: dict[str, Any] = {}
    tables: dict[str, Any] = {t.key: {r.key: {} for r in t.rows} for t in fmt.tables()}
    data = {"format": fmt.id, "template_version": fmt.template_version, "fields": fields, "tables": tables}
    formulas: set[DataPath] = set()
    locations, steps, wanted = _steps(wb, plan, places)
    # every cell read first; a cell whose reading failed fails its step, after the steps before it
    # have done what they do (findings), as when each step read its own cells
    cells, failed = _cells(wb, wanted)
    read = len(cells)
    path: DataPath = ()
    try:
        for path, sheet, first, kind, is_total, is_number, is_field, begin, end in steps:
            if end > read:
                assert failed is not None
                raise failed
            if kind is ITEMS:
                raws = [v for v, formula in cells[begin:end] if not formula]
                value = kind.clean(_clean_strings(raws, path, sheet, first, plan, result))
            else:
                raw, formula = cells[begin]
                if formula:
                    value = None
                    if is_total:
                        formulas.add(path)
                    else:
                        result.findings.append(make("VALUE_FORMULA", sheet=sheet, cell=first, what=fmt.describe(path)))
                        result.reported.add(path)
                elif is_number and type(raw) is int:
                    value = raw             # what NumberKind.clean gives an int
                else:
                    if type(raw) is str:
                        raw = _clean_strings(raw, path, sheet, first, plan, result)
                    value = kind.clean(raw)
            if is_field:
                fields[path[1]] = value
            else:
                tables[path[1]][path[2]][path[3]] = value
    except BaseException:
        for p, where in locations.items():      # where each value was looked for, up to the one that failed
            result.locations[p] = where
            if p == path:
                break
        raise
    result.locations.update(locations)
    if formulas:
        fill_totals(data, plan, formulas)
    return data
