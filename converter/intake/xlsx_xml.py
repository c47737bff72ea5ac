"""A small, fast .xlsx reader: only what intake needs (sheet names, workbook-level defined names, cell
values and whether a cell holds a formula), parsed straight from the package XML with lxml.

It gives the same values as openpyxl's reader (the reference engine, see reader.py): numbers as int
or float by the same rule, shared and inline strings, booleans, error codes, numbers in a date style
as datetimes. A test compares the two engines on every sample and on LibreOffice-saved files."""
from __future__ import annotations

import datetime as _dt
import posixpath
import re
import zipfile
from typing import Any

from lxml import etree

from converter.cell_ref import col_letter

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_C, _V, _F, _IS, _T, _R, _SI, _ROW = (NS + x for x in ("c", "v", "f", "is", "t", "r", "si", "row"))
_COORD = re.compile(r"^([A-Z]{1,3})(\d+)$")
_BUILTIN_DATES = frozenset(range(14, 23)) | {45, 46, 47}
_LITERALS = re.compile(r'"[^"]*"|\\.|_.|\*.|\[(?![hms]+\])[^\]]*\]', re.I)
_DATE_STYLES: dict[tuple[int, int], frozenset[int]] = {}
# Parsed workbook parts by (part, CRC, size): a batch made from one template shares one part byte for
# byte. Shared, never mutated by readers except `memo`, which the reader fills with what it derives
# from the part alone (the resolved defined names).
_WORKBOOKS: dict[tuple[Any, ...], tuple[Any, ...]] = {}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def looks_like_date(code: str | None) -> bool:
    """A number format code that shows a date or time (first section; literals and colours ignored)."""
    if not code:
        return False
    code = _LITERALS.sub("", code.split(";")[0])
    return re.search(r"[dmhys]", code, re.I) is not None


def serial_to_datetime(value: float, date1904: bool = False):
    if date1904:
        return _dt.datetime(1904, 1, 1) + _dt.timedelta(days=value)
    day, fraction = divmod(value, 1)
    delta = _dt.timedelta(milliseconds=round(fraction * 86400 * 1000))
    if 0 <= value < 1 and delta.days == 0:
        secs = delta.seconds
        return _dt.time(secs // 3600, secs // 60 % 60, secs % 60, delta.microseconds)
    if 0 < value < 60:
        day += 1          # the serial numbers before 1900-03-01 count the non-existent 1900-02-29
    return _dt.datetime(1899, 12, 30) + _dt.timedelta(days=day) + delta


def _number(text: str):
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def main_part(z: zipfile.ZipFile) -> str | None:
    """The package's main document part, from _rels/.rels (normally xl/workbook.xml)."""
    try:
        rels = etree.fromstring(z.read("_rels/.rels"), _PARSER)
    except (KeyError, etree.LxmlError):
        return None
    for rel in rels.iter(PKG_REL + "Relationship"):
        if rel.get("Type", "").endswith("/officeDocument"):
            return rel.get("Target", "").lstrip("/")
    return None


class XmlWorkbook:
    def __init__(self, z: zipfile.ZipFile, main: str = "xl/workbook.xml"):
        self._zip = z
        self._main = main
        self._load_workbook()
        self._sheets: dict[str, dict] = {}
        self._strings: list | None = None
        self._date_styles: frozenset[int] | None = None

    def close(self) -> None:
        self._zip.close()

    def _xml(self, name: str):
        return etree.fromstring(self._zip.read(name), _PARSER)

    def _load_workbook(self) -> None:
        """Sheets, defined names and related parts. Workbooks made from one template share this part
        byte for byte, so the result is cached by the CRCs of the part and its relationships."""
        rels_part = posixpath.join(posixpath.dirname(self._main), "_rels", posixpath.basename(self._main) + ".rels")
        try:
            a, b = self._zip.getinfo(self._main), self._zip.getinfo(rels_part)
            key = (self._main, a.CRC, a.file_size, b.CRC, b.file_size)
        except KeyError:
            key = None
        hit = _WORKBOOKS.get(key) if key else None
        if hit is None:
            self._parse_workbook()
            hit = (self.sheetnames, self._paths, self.defined_names, self.date1904, self._parts, {})
            if key:
                if len(_WORKBOOKS) > 64:
                    _WORKBOOKS.clear()
                _WORKBOOKS[key] = hit
        self.sheetnames, self._paths, self.defined_names, self.date1904, self._parts, self.memo = hit

    def _parse_workbook(self) -> None:
        root = self._xml(self._main)
        base = posixpath.dirname(self._main)
        self._parts: dict[str, str] = {}
        rels = {}
        try:
            rels_part = posixpath.join(base, "_rels", posixpath.basename(self._main) + ".rels")
            for rel in self._xml(rels_part).iter(PKG_REL + "Relationship"):
                rels[rel.get("Id")] = rel.get("Target")
                kind = rel.get("Type", "").rsplit("/", 1)[-1]
                if kind in ("sharedStrings", "styles"):
                    target = rel.get("Target", "")
                    self._parts[kind] = (target.lstrip("/") if target.startswith("/")
                                         else posixpath.normpath(posixpath.join(base, target)))
        except KeyError:
            pass
        self.sheetnames: list[str] = []
        self._paths: dict[str, str] = {}
        for sheet in root.iter(NS + "sheet"):
            name = sheet.get("name")
            target = rels.get(sheet.get(R_NS + "id"), "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
            self.sheetnames.append(name)
            self._paths[name] = path
        self.defined_names: dict[str, str] = {}
        for dn in root.iter(NS + "definedName"):
            if dn.get("localSheetId") is None:           # sheet-scoped names are not ours
                self.defined_names[dn.get("name")] = dn.text or ""
        pr = root.find(NS + "workbookPr")
        self.date1904 = pr is not None and pr.get("date1904") in ("1", "true")

    def _related(self, kind: str, default: str) -> str:
        return self._parts.get(kind, default)

    # -- lazily parsed parts -------------------------------------------------------------------
    def _shared_string(self, index: int) -> str:
        """Shared strings are converted on demand: most of the table is the template's labels."""
        if self._strings is None:
            try:
                root = self._xml(self._related("sharedStrings", "xl/sharedStrings.xml"))
                self._strings = list(root.iter(_SI))
            except KeyError:
                self._strings = []
        item = self._strings[index]
        if not isinstance(item, str):
            item = self._strings[index] = _string_item(item).replace("x005F_", "")
        return item

    def _dates(self) -> frozenset[int]:
        if self._date_styles is None:
            part = self._related("styles", "xl/styles.xml")
            try:
                info = self._zip.getinfo(part)
                key = (info.CRC, info.file_size)
            except KeyError:
                key = None
            cached = _DATE_STYLES.get(key) if key else None
            if cached is None:
                cached = self._parse_date_styles(part)
                if key:
                    _DATE_STYLES[key] = cached
            self._date_styles = cached
        return self._date_styles

    def _parse_date_styles(self, part: str) -> frozenset[int]:
        """Style indexes whose number format shows a date; a batch shares one styles part, so the
        result is cached by the part's CRC and size."""
        try:
            root = self._xml(part)
        except KeyError:
            return frozenset()
        found = set()
        custom = {int(n.get("numFmtId")): n.get("formatCode") for n in root.iter(NS + "numFmt")}
        xfs = root.find(NS + "cellXfs")
        for i, xf in enumerate(xfs if xfs is not None else ()):
            fid = int(xf.get("numFmtId", 0))
            if fid in _BUILTIN_DATES or (fid in custom and looks_like_date(custom[fid])):
                found.add(i)
        return frozenset(found)

    def _sheet(self, name: str) -> dict:
        cells = self._sheets.get(name)
        if cells is None:
            cells = self._sheets[name] = self._parse_sheet(self._paths[name])
        return cells

    def _sheet_root(self, path: str):
        """The sheet's cells. Only <sheetData> is parsed when it can be cut out cleanly: conditional
        formats and validations are most of a template sheet's XML and intake needs none of them."""
        raw = self._zip.read(path)
        start = raw.find(b"<worksheet")
        a = raw.find(b"<sheetData")
        b = raw.find(b"</sheetData>", a)
        if start < 0 or a < 0 or b < 0:
            return etree.fromstring(raw, _PARSER)      # prefixed or empty: parse it all
        head = raw[start:raw.index(b">", start) + 1]   # keeps every namespace declaration
        if head.endswith(b"/>"):
            return etree.fromstring(raw, _PARSER)
        return etree.fromstring(head + raw[a:b + 12] + b"</worksheet>", _PARSER)

    def _parse_sheet(self, path: str) -> dict:
        """coordinate -> cell element; values are converted only for the cells asked for."""
        root = self._sheet_root(path)
        out = {}
        for c in root.iter(_C):          # the common case: every cell carries its reference
            ref = c.get("r")
            if ref is None:
                break
            out[ref] = c
        else:
            return out
        out = {}
        row_no = 0
        for row in root.iter(_ROW):
            r_attr = row.get("r")
            row_no = int(r_attr) if r_attr else row_no + 1
            col_no = 0
            for c in row.iter(_C):
                ref = c.get("r")
                if ref:
                    m = _COORD.match(ref)
                    col_no = _col_number(m.group(1))
                else:
                    col_no += 1
                    ref = f"{col_letter(col_no - 1)}{row_no}"
                out[ref] = c
        return out

    def _cell(self, c):
        v = node = None
        for child in c:
            tag = child.tag
            if tag == _F:
                return None, True
            if tag == _V:
                v = child.text or None
            elif tag == _IS:
                node = child
        t = c.get("t", "n")
        if t == "inlineStr":
            return (_string_item(node) if node is not None else None), False
        if v is None:
            return None, False
        if t == "n":
            value = _number(v)
            style = c.get("s")
            if style and int(style) in self._dates():
                try:
                    value = serial_to_datetime(value, self.date1904)
                except (OverflowError, ValueError):
                    value = "#VALUE!"
            return value, False
        if t == "s":
            return self._shared_string(int(v)), False
        if t == "b":
            return bool(int(v)), False
        return v, False        # "str", "e" (an error code such as #N/A), "d"

    # -- the interface reader.py uses ----------------------------------------------------------
    def get(self, sheet: str, coord: str):
        c = self._sheet(sheet).get(coord)
        return (None, False) if c is None else self._cell(c)

    def column(self, sheet: str, first: str, last: str) -> list:
        m1, m2 = _COORD.match(first), _COORD.match(last)
        col = m1.group(1)
        return [self.get(sheet, f"{col}{r}") for r in range(int(m1.group(2)), int(m2.group(2)) + 1)]


def _string_item(node) -> str:
    """Text of an <si> or <is>: the plain <t>, plus the <t> of each rich-text run (phonetic runs skipped)."""
    parts = []
    t = node.find(_T)
    if t is not None and t.text:
        parts.append(t.text)
    for run in node.iter(_R):
        rt = run.find(_T)
        if rt is not None and rt.text:
            parts.append(rt.text)
    return "".join(parts)
