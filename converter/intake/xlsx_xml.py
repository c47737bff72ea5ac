"""A small, fast .xlsx reader: only what intake needs (sheet names, workbook-level defined names, cell
values and whether a cell holds a formula), parsed straight from the package XML with lxml.

It gives the same values as openpyxl's reader (the reference engine, see reader.py): numbers as int
or float by the same rule, shared and inline strings, booleans, error codes, numbers in a date style
as datetimes. A test compares the two engines on every sample and on LibreOffice-saved files.

It reads what a conforming XML parser reads: comments and processing instructions are dropped by the
parser (so text around them joins up, as the XML infoset says), CDATA is text, and the shortcut that
parses only <sheetData> is taken only where no comment, CDATA, processing instruction or DOCTYPE could
make a byte search find the wrong element (see _cut_sheet_data). Every part is read through safe_zip
and counted against the limits of limits.py."""
from __future__ import annotations

import datetime as _dt
import posixpath
import re
import zipfile
from collections import OrderedDict
from contextlib import suppress
from functools import lru_cache
from operator import itemgetter
from typing import Any

from lxml import etree

from converter.cell_ref import col_letter
from converter.intake.limits import MAX_PART, MarkupBudget
from converter.intake.limits import charge as _charge
from converter.intake.safe_zip import MemberDamaged, MemberTooLarge, ZipMemberError, check_entry, read_member, stored_member

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_C, _V, _F, _IS, _T, _R, _SI, _ROW = (NS + x for x in ("c", "v", "f", "is", "t", "r", "si", "row"))
_COORD = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")       # what openpyxl accepts in a cell's r
_CANONICAL_REFS = re.compile(r"(?:[A-Z]{1,3}[1-9][0-9]{0,6} )*")
_LONG_INT = re.compile(r"\s*[+-]?\d+\s*")
STRICT = "http://purl.oclc.org/ooxml/"
_ROW_CELLS = etree.XPath("//m:row/m:c", namespaces={"m": NS[1:-1]})
_NOTHING = (None, False)
_FORMULA = (None, True)
_BUILTIN_DATES = frozenset(range(14, 23)) | {45, 46, 47}
_LITERALS = re.compile(r'"[^"]*"|\\.|_.|\*.|\[(?![hms]+\])[^\]]*\]', re.I)
_DATE_STYLES: dict[bytes, frozenset[int]] = {}    # by the styles part's stored bytes
# Parsed workbook parts by their stored bytes: a batch made from one template shares one part byte for
# byte. Shared, never mutated by readers except `memo`, which the reader fills with what it derives
# from the part alone (the resolved defined names).
_WORKBOOKS: dict[tuple[Any, ...], tuple[Any, ...]] = {}
_CACHED_PART = 256 << 10      # parts above this are not kept as cache keys: a batch of hostile files
                             # would otherwise keep 64 of them
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                          remove_comments=True, remove_pis=True)
# The shortcut of _sheet_root: an optional BOM and XML declaration, then the root's start tag (attribute
# values may hold ">", never "<").
_DECLARATION = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml\s[^<>?]*\?>\s*")
_ROOT_HEAD = re.compile(rb"""<worksheet(?:\s+[^\s=<>/"']+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*\s*>""")


def looks_like_date(code: str | None) -> bool:
    """A number format code that shows a date or time (first section; literals and colours ignored)."""
    if not code:
        return False
    code = _LITERALS.sub("", code.split(";")[0])
    return re.search(r"[dmhys]", code, re.I) is not None


def serial_to_datetime(value: float, date1904: bool = False) -> Any:
    """A spreadsheet serial day number as a datetime (a time for a fraction of a day), as Excel counts."""
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


def _number(text: str) -> int | float | str:
    """int or float, as openpyxl converts them. An integer of more digits than Python converts (4,300)
    is returned as its text: it gets a finding on its cell (clean.number), not the whole file."""
    try:
        if "." in text or "E" in text or "e" in text:
            return float(text)
        return int(text)
    except ValueError:
        if _LONG_INT.fullmatch(text):
            return text.strip()
        raise


def _number_bytes(raw: bytes) -> int | float | str:
    """_number of a fast-path cell's <v> bytes: int() and float() read an ASCII literal from bytes as
    from text (the branch taken by the same test: UTF-8 never holds ".", "E" or "e" inside another
    character); anything else (digits of other scripts, a long integer, no number at all) goes
    through _number on the text, which gives or raises what it always did."""
    try:
        if 46 in raw or 69 in raw or 101 in raw:      # ".", "E", "e" (a byte is looked for far faster than bytes)
            return float(raw)
        return int(raw)
    except ValueError:
        return _number(raw.decode())


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def main_part(z: zipfile.ZipFile) -> str | None:
    """The package's main document part, from _rels/.rels (normally xl/workbook.xml)."""
    return package_main(z)[0]


def package_main(z: zipfile.ZipFile) -> tuple[str | None, bool]:
    """(the main document part or None, whether the package is Strict Open XML), from _rels/.rels.
    Raises safe_zip's errors for a relationships part that cannot be read safely. A batch made from
    one template shares this part byte for byte: what it gave is kept by the part's identity (see
    part_key)."""
    key = part_key(z, "_rels/.rels")
    found = _PACKAGES.get(key) if key else None
    if found is None:
        found = _package_main(z)
        if key:
            if len(_PACKAGES) > 64:
                _PACKAGES.clear()
            _PACKAGES[key] = found
    return found


def _package_main(z: zipfile.ZipFile) -> tuple[str | None, bool]:
    try:
        raw = read_member(z, "_rels/.rels", MAX_PART)
        MarkupBudget().spend("_rels/.rels", raw)
        rels = _parse("_rels/.rels", raw)
    except (KeyError, etree.LxmlError):
        return None, False
    for rel in rels.iter(PKG_REL + "Relationship"):
        kind = rel.get("Type", "")
        if kind.endswith("/officeDocument"):
            return rel.get("Target", "").lstrip("/"), kind.startswith(STRICT)
    return None, False


def part_key(z: zipfile.ZipFile, name: str) -> tuple[Any, ...] | None:
    """What identifies a small part, for the caches of what reading it gives: its stored bytes with
    the entry's declared size, CRC, method and flags. None for a missing or larger part, or one that
    cannot be read safely (reading it then says why, as it always did)."""
    try:
        info = z.getinfo(name)
        check_entry(info, MAX_PART)
        if info.file_size > _CACHED_SHEET_SIZE:
            return None
        stored = stored_member(z, info, _CACHED_PART)
    except (KeyError, ZipMemberError):
        return None
    return stored, info.file_size, info.CRC, info.compress_type, info.flag_bits


_PACKAGES: dict[tuple[Any, ...], tuple[str | None, bool]] = {}


class XmlWorkbook:
    """A workbook read straight from its package XML: sheet names, defined names, cell values."""
    def __init__(self, z: zipfile.ZipFile, main: str = "xl/workbook.xml"):
        self._zip = z
        self._main = main
        self._budget = MarkupBudget()
        self._load_workbook()
        self._sheets: dict[str, dict] = {}
        self._strings: list | None = None     # <si> elements, or their texts' bytes (_fast_strings)
        self._date_styles: frozenset[int] | None = None
        self._style_is_date: dict[bytes, bool] = {}     # a fast-path cell's s="…" -> a date style

    def close(self) -> None:
        """Release the file."""
        self._zip.close()

    def _raw(self, name: str) -> bytes:
        """A part's bytes, inflated under the size cap and counted against the workbook's markup budget."""
        raw = read_member(self._zip, name, MAX_PART)
        self._budget.spend(name, raw)
        return raw

    def _xml(self, name: str) -> Any:
        return _parse(name, self._raw(name))

    def _cache_key(self, name: str) -> bytes | None:
        """The part's stored bytes when it is small enough to serve as a cache key; None when it is
        missing or larger."""
        try:
            return stored_member(self._zip, name, _CACHED_PART)
        except (KeyError, MemberTooLarge):
            return None

    sheetnames: list[str]
    defined_names: dict[str, str]
    date1904: bool
    memo: dict[str, Any]
    _paths: dict[str, str]
    _parts: dict[str, str]

    def _load_workbook(self) -> None:
        """Sheets, defined names and related parts. Workbooks made from one template share this part
        byte for byte, so the result is cached by the bytes of the part and its relationships (by
        bytes, not by the CRCs the zip declares: a CRC is easily forged to match another part's)."""
        rels_part = posixpath.join(posixpath.dirname(self._main), "_rels", posixpath.basename(self._main) + ".rels")
        main_key, rels_key = self._cache_key(self._main), self._cache_key(rels_part)
        key = (self._main, main_key, rels_key) if main_key and rels_key else None
        hit = _WORKBOOKS.get(key) if key else None
        if hit is None:
            raw_main = self._raw(self._main)
            try:
                raw_rels: bytes | None = self._raw(rels_part)
            except KeyError:
                raw_rels = None
            self._parse_workbook(raw_main, raw_rels)
            hit = (self.sheetnames, self._paths, self.defined_names, self.date1904, self._parts, {})
            if key:
                if len(_WORKBOOKS) > 64:
                    _WORKBOOKS.clear()
                _WORKBOOKS[key] = hit
        self.sheetnames, self._paths, self.defined_names, self.date1904, self._parts, self.memo = hit

    def _parse_workbook(self, raw_main: bytes, raw_rels: bytes | None) -> None:
        root = _parse(self._main, raw_main)
        base = posixpath.dirname(self._main)
        self._parts = {}
        rels = {}
        if raw_rels is not None:
            for rel in _parse("rels", raw_rels).iter(PKG_REL + "Relationship"):
                rels[rel.get("Id")] = rel.get("Target") or ""
                kind = rel.get("Type", "").rsplit("/", 1)[-1]
                if kind in ("sharedStrings", "styles"):
                    target = rel.get("Target", "")
                    self._parts[kind] = (target.lstrip("/") if target.startswith("/")
                                         else posixpath.normpath(posixpath.join(base, target)))
        self.sheetnames = []
        self._paths = {}
        for sheet in root.iter(NS + "sheet"):
            name = sheet.get("name")
            target = rels.get(sheet.get(R_NS + "id"), "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
            self.sheetnames.append(name)
            self._paths[name] = path
        self.defined_names = {}
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
            part = self._related("sharedStrings", "xl/sharedStrings.xml")
            try:
                raw = self._raw(part)
            except KeyError:
                self._strings = []
            else:
                fast = _fast_strings(raw)
                self._strings = list(_parse(part, raw).iter(_SI)) if fast is None else fast
        if not 0 <= index < len(self._strings):
            raise MemberDamaged(self._related("sharedStrings", "xl/sharedStrings.xml"),
                                f"共享字符串编号 {index} 超出范围（共 {len(self._strings)} 个）")
        item = self._strings[index]
        if not isinstance(item, str):
            text = _entities(item.decode()) if isinstance(item, bytes) else _string_item(item)
            item = self._strings[index] = text.replace("x005F_", "")
        return item

    def _dates(self) -> frozenset[int]:
        if self._date_styles is None:
            part = self._related("styles", "xl/styles.xml")
            key = self._cache_key(part)
            cached = _DATE_STYLES.get(key) if key else None
            if cached is None:
                try:
                    raw = self._raw(part)
                except KeyError:
                    raw = b""
                cached = self._parse_date_styles(part, raw)
                if key:
                    if len(_DATE_STYLES) > 64:
                        _DATE_STYLES.clear()
                    _DATE_STYLES[key] = cached
            self._date_styles = cached
        return self._date_styles

    @staticmethod
    def _parse_date_styles(part: str, raw: bytes) -> frozenset[int]:
        """Style indexes whose number format shows a date; a batch shares one styles part, so the
        result is cached by the part's stored bytes."""
        if not raw:
            return frozenset()
        root = _parse(part, raw)
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
            cells = self._sheets[name] = self._load_sheet(self._paths[name])
        return cells

    def _load_sheet(self, path: str) -> dict:
        """The sheet's cells (see _parse_sheet). A sheet whose stored bytes, declared size and CRC equal
        those of a sheet read before (in a batch, the sheets a unit does not fill) is not inflated and
        parsed again: what parsing it gave is reused, and the part is still charged to the budget."""
        key = part_key(self._zip, path)
        hit = _SHEETS.get(key) if key else None
        if key and hit is not None:
            with suppress(KeyError):        # another thread may have just dropped it: no matter
                _SHEETS.move_to_end(key)
            self._budget.spend_charge(path, hit[0])
            return hit[1]
        raw = self._raw(path)
        cells = _fast_cells(raw)
        if cells is None:
            return self._parse_sheet(path, raw)
        if key:
            # kept from its second sighting on: a sheet only one unit has would push out the ones a
            # batch repeats
            seen = hash(key)         # a collision only keeps a sheet it need not: harmless
            if seen in _SEEN:
                _SHEETS[key] = (_charge(raw), cells)
                if len(_SHEETS) > _CACHED_SHEETS:
                    with suppress(KeyError):
                        _SHEETS.popitem(last=False)
            else:
                _SEEN[seen] = None
                if len(_SEEN) > _SEEN_SHEETS:
                    with suppress(KeyError):
                        _SEEN.popitem(last=False)
        return cells

    @staticmethod
    def _sheet_root(path: str, raw: bytes) -> Any:
        """The sheet's cells. Only <sheetData> is parsed when it can be cut out safely: conditional
        formats and validations are most of a template sheet's XML and intake needs none of them."""
        cut = _cut_sheet_data(raw)      # never holds a DOCTYPE: it has no "<!" before <sheetData> ends
        return _parse(path, raw) if cut is None else etree.fromstring(cut, _PARSER)

    def _parse_sheet(self, path: str, raw: bytes) -> dict:
        """canonical coordinate ("D6") -> cell element; values are converted only for the cells asked
        for. Cells are the children of <row> elements, as openpyxl reads them (a stray <c> elsewhere
        is not a cell); a later cell of one coordinate replaces an earlier one."""
        root = self._sheet_root(path, raw)
        cells = _ROW_CELLS(root)
        out = {}
        for c in cells:                 # the common case: every cell carries its canonical reference
            ref = c.get("r")
            if ref is None:
                break
            out[ref] = c
        else:
            if not out or _CANONICAL_REFS.fullmatch(" ".join(out) + " "):
                return out
        out = {}
        row_no = 0
        for row in root.iter(_ROW):
            r_attr = row.get("r")
            row_no = int(r_attr) if r_attr else row_no + 1
            col_no = 0
            for c in row.iterchildren(_C):
                ref = c.get("r")
                if ref:
                    m = _COORD.match(ref)
                    if m is None or int(m.group(2)) == 0:
                        raise MemberDamaged(path, f"单元格引用“{ref[:20]}”无效")
                    col_no = _col_number(m.group(1).upper())
                    ref = f"{m.group(1).upper()}{int(m.group(2))}"
                else:
                    col_no += 1
                    ref = f"{col_letter(col_no - 1)}{row_no}"
                out[ref] = c
        return out

    def _cell(self, c: Any) -> tuple[Any, bool]:
        if type(c) is tuple:
            return self._fast_cell(c)
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
        return self._convert(t, c.get("s"), v), False

    def _fast_cell(self, c: tuple[bytes, ...]) -> tuple[Any, bool]:
        """_cell for a cell's token from _fast_cells (see _token_pattern)."""
        if c[4]:
            return None, True
        if not c[5]:                          # (the fast path never holds an <is>)
            return None, False
        if c[3]:
            t = c[3][4:-1].decode()
            return (None if t == "inlineStr" else self._convert(t, c[2].decode() if c[2] else None, c[5].decode())), False
        # a number (no t="…"), as _convert gives it, its style's being a date remembered: get_many
        # takes the cells of a style known not to be one without a call per cell
        value = _number(c[5].decode())
        style = c[2]
        if style and not isinstance(value, str):
            is_date = self._style_is_date.get(style)
            if is_date is None:
                is_date = self._style_is_date[style] = int(style.decode()) in self._dates()
            if is_date:
                try:
                    value = serial_to_datetime(value, self.date1904)
                except (OverflowError, ValueError):
                    value = "#VALUE!"
        return value, False

    def _convert(self, t: str, style: str | None, v: str) -> Any:
        """A cell's value from its type, style and the text of its <v>."""
        if t == "n":
            value = _number(v)
            if style and not isinstance(value, str) and int(style) in self._dates():
                try:
                    value = serial_to_datetime(value, self.date1904)
                except (OverflowError, ValueError):
                    value = "#VALUE!"
            return value
        if t == "s":
            return self._shared_string(int(v))
        if t == "b":
            return bool(int(v))
        return v        # "str", "e" (an error code such as #N/A), "d"

    # -- the interface reader.py uses ----------------------------------------------------------
    def get(self, sheet: str, coord: str) -> tuple[Any, bool]:
        """(value, holds a formula) of one cell."""
        cells = self._sheets.get(sheet)
        if cells is None:
            cells = self._sheet(sheet)
        c = cells.get(coord)
        return _NOTHING if c is None else self._cell(c)

    def get_many(self, wanted: list[tuple[str, str]]) -> tuple[list[tuple[Any, bool]], Exception | None]:
        """(value, holds a formula) of each (sheet, cell) of `wanted`, in order, exactly as get() gives
        them, with the common case (a plain number in a style known not to be a date, see _fast_cell)
        taken here without a call per cell. Up to the first cell whose reading raises: then (the cells before it, what it
        raised), so that the caller can fail where one get() after another would have failed."""
        out: list[tuple[Any, bool]] = []
        append = out.append
        sheets = self._sheets
        style_is_date = self._style_is_date
        get = self.get
        last: str | None = None
        cells: dict[str, Any] = {}
        try:
            for sheet, coord in wanted:
                if sheet != last:
                    found = sheets.get(sheet)
                    cells = self._sheet(sheet) if found is None else found
                    last = sheet
                c = cells.get(coord)
                if c is None:
                    append(_NOTHING)
                elif type(c) is not tuple or c[3] or (c[2] and c[5] and not c[4] and style_is_date.get(c[2]) is not False):
                    append(get(sheet, coord))
                elif c[4]:
                    append(_FORMULA)          # what _fast_cell gives a formula
                elif not c[5]:
                    append(_NOTHING)          # and a cell without a value
                else:
                    append((_number_bytes(c[5]), False))
        except Exception as e:      # noqa: BLE001  (handed to the caller, which raises it in its place)
            return out, e
        return out, None


def column_cells(first: str, last: str) -> list[str]:
    """The cells of a one-column range, top to bottom ("B3", "B5" -> B3, B4, B5)."""
    m1, m2 = _COORD.match(first), _COORD.match(last)
    assert m1 is not None and m2 is not None
    return [f"{m1.group(1)}{r}" for r in range(int(m1.group(2)), int(m2.group(2)) + 1)]


def _parse(part: str, raw: bytes) -> Any:
    """The root element of a part. A DOCTYPE is refused: OPC forbids it, and the entities it may
    declare would be read differently by each engine."""
    root = etree.fromstring(raw, _PARSER)
    if root.getroottree().docinfo.doctype:
        raise MemberDamaged(part, "含有 DOCTYPE 声明（Office 文件不允许）")
    return root


# -- the fast path of a sheet: its <sheetData> read by regular expressions -----------------------------
# It is taken only for XML it reads exactly as the parser would: UTF-8 and XML 1.0 (the root's start tag
# is checked by lxml, once per distinct start tag), the main namespace as the default and never
# redeclared, cells in rows in <sheetData> with nothing else between the tags, every cell with its
# canonical reference, attributes in the order every office program writes them, no entity except the
# predefined ones inside formulas, no character XML forbids and nothing the parser would normalise
# (carriage returns, tabs or line feeds in attribute values). Anything else is parsed by lxml, as before.
_SHEETS: OrderedDict[tuple[Any, ...], tuple[int, dict]] = OrderedDict()    # see _load_sheet
_CACHED_SHEETS = 32
_SEEN: OrderedDict[int, None] = OrderedDict()   # the keys' hashes of sheets read once, newest last
_SEEN_SHEETS = 128
_CACHED_SHEET_SIZE = 256 << 10
_FAST_MAX = 4 << 20    # larger sheets go to lxml, whose own limits (a text node's length…) then apply
_ATTR_VALUE = rb'"[^"<>&\t\n]*+"'
_CONTROL = bytes([*range(9), *range(11, 32)])       # forbidden in XML, or a carriage return
_FIRST = itemgetter(0)
_SECOND = itemgetter(1)     # of a token: "c" for a cell, "r" for a row's start tag, "/" for its end
_ROWS_OF_CELLS = re.compile(rb"(?:rc*+/)*+")       # what the tokens' kinds may be
# attributes in the schema's order, each at most once (as every office program writes them): a
# duplicate attribute, which the parser refuses, never matches
_ROW_ATTRS = ("r", "spans", "s", "customFormat", "ht", "hidden", "customHeight", "outlineLevel", "collapsed",
              "thickTop", "thickBot", "ph")
_FORMULA_ATTRS = ("t", "aca", "ref", "dt2D", "dtr", "del1", "del2", "r1", "r2", "ca", "si", "bx")


def _attrs(names: tuple[str, ...]) -> bytes:
    return b"".join(rb"(?: %s=%s)?+" % (n.encode(), _ATTR_VALUE) for n in names)


def _token_pattern(x14ac: bool) -> re.Pattern[bytes]:
    """A whole cell, or a row's start or end tag: (token, reference, style, ' t="…"', "<f", value), the
    last five empty for a row's tags. An empty row (<row …/>) is not a token: rare, and left to lxml.
    Possessive throughout: no part of a token can match in two ways, and backtracking costs time."""
    row = (rb"<row" + _attrs(_ROW_ATTRS) + (rb"(?: x14ac:dyDescent=" + _ATTR_VALUE + rb")?+" if x14ac else b"")
           + rb">|</row>")
    text = rb"[^<&]*+(?:&(?:amp|lt|gt|quot|apos);[^<&]*+)*+"
    formula = rb"(<f)(?:>" + text + rb"</f>|" + _attrs(_FORMULA_ATTRS) + rb"(?:/>|>" + text + rb"</f>))"
    cell = (rb'<c r="([A-Z]{1,3}+[1-9][0-9]{0,6}+)"(?: s="([^"<>&\t\n]*+)")?+( t="[^"<>&\t\n]*+")?+'
            rb"(?:/>|>(?:" + formula + rb")?+(?:<v>([^<&]*+)</v>|<v/>)?+</c>)")
    return re.compile(rb"(" + cell + rb"|" + row + rb")")


_TOKENS: dict[bool, re.Pattern[bytes]] = {False: _token_pattern(False)}    # by whether x14ac is declared


@lru_cache(maxsize=64)      # a batch's sheets share a handful of heads
def _fast_head(head: bytes) -> bool | None:
    """Whether the sheet's declaration and root start tag allow the fast path (None: not), and if so
    whether they declare the x14ac prefix (rows written by Excel carry x14ac:dyDescent)."""
    if _plain_root(head + b"</worksheet>", "worksheet"):
        return "x14ac" in etree.fromstring(head + b"</worksheet>", _PARSER).nsmap
    return None


def _fast_cells(raw: bytes) -> dict | None:
    """canonical coordinate -> the token of every cell (see _token_pattern), as _parse_sheet would find
    them; None when the sheet is not one the fast path reads exactly
    (see above): then lxml parses it."""
    if len(raw) > _FAST_MAX:
        return None
    span = _sheet_data_span(raw)
    if span is None:
        return None
    head, a, b = span
    if raw[a:a + 11] != b"<sheetData>":
        return None
    x14ac = _fast_head(head)
    if x14ac is None:
        return None
    body = raw[a + 11:b - 12]
    if not _plain_text(body):
        return None
    # a body that, but for the text of its values, is one read before (a batch's sheets are the
    # template's with other figures): its cells are those, with these values (see _SKELETONS)
    pieces = _VALUE.split(body)
    skeleton = b"<v></v>".join(pieces[0::2])
    values = pieces[1::2]
    key = (x14ac, len(skeleton), len(values))
    for known, base, valued in _SKELETONS.get(key, ()):
        if known == skeleton:
            cells = dict(base)
            for coord, i, t in valued:
                v = values[i]
                if v != t[5]:
                    cells[coord] = (t[0], t[1], t[2], t[3], t[4], v)
            return cells
    pattern = _TOKENS.get(x14ac)
    if pattern is None:
        pattern = _TOKENS[x14ac] = _token_pattern(x14ac)
    tokens = pattern.findall(body)
    # the tokens cover the body, and are rows of cells (each row's cells between its tags) and nothing else
    if (sum(map(len, map(_FIRST, tokens))) != len(body)
            or not _ROWS_OF_CELLS.fullmatch(bytes(map(_SECOND, map(_FIRST, tokens))))):
        return None
    cells = {t[1].decode(): t for t in tokens if t[1]}
    if len(skeleton) <= _CACHED_SHEET_SIZE:
        _remember_skeleton(key, skeleton, cells, tokens, len(values))
    return cells


# Sheets read by their skeleton: a sheet's body with the text of every <v>…</v> taken out. Where a
# "<v>" can stand in a body the tokens cover (only as a cell's value element: formula text and
# attribute values hold no "<"), each match of _VALUE is one cell's value group, so a body whose
# skeleton equals a read one's gives the same tokens with its own values in those groups; the body is
# still checked by _plain_text first (the values may hold what it refuses), and a value holding "&"
# or "<" is not taken out, so its body's skeleton is another. A token read so keeps the text ([0]) of
# the token it stands for.
_VALUE = re.compile(rb"<v>([^<&]*+)</v>")
_SKELETONS: dict[tuple[bool, int, int], list[tuple[bytes, dict[str, Any], list[tuple[str, int, Any]]]]] = {}
_CACHED_SKELETONS = 32


def _remember_skeleton(key: tuple[bool, int, int], skeleton: bytes, cells: dict[str, Any], tokens: list[Any],
                       count: int) -> None:
    """Keep what a sheet's tokens gave, by its skeleton: the cells, and for each cell whose token holds a
    value element, which of the body's values it is."""
    latest: dict[str, tuple[int | None, Any]] = {}
    k = 0
    for t in tokens:
        if b"<v>" in t[0]:
            if t[1]:
                latest[t[1].decode()] = (k, t)
            k += 1
        elif t[1]:
            latest[t[1].decode()] = (None, t)
    if k != count:          # never, by the argument above; then nothing is kept
        return
    valued = [(coord, i, t) for coord, (i, t) in latest.items() if i is not None]
    if sum(map(len, _SKELETONS.values())) >= _CACHED_SKELETONS:
        _SKELETONS.clear()
    _SKELETONS.setdefault(key, []).append((skeleton, dict(cells), valued))


# The fast path of the shared strings: a table of plain strings (<si><t>…</t></si>), as the template
# and most office programs write it, on the same terms as a sheet's (see above).
_SST_HEAD = re.compile(rb"""<sst(?:\s+[^\s=<>/"']+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*\s*>""")
_SST_ITEM = re.compile(rb'(<si><t(?: xml:space="preserve")?+(?:/>|>([^<]*+)</t>)</si>)')
_NOT_PREDEFINED = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)")


def _fast_strings(raw: bytes) -> list[Any] | None:
    """The bytes of each shared string's text (entities not yet replaced: see _entities), or None when
    the table is not one the fast path reads exactly: then lxml parses it."""
    if len(raw) > _FAST_MAX or not raw.endswith(b"</sst>"):
        return None
    declaration = _DECLARATION.match(raw)
    begin = declaration.end() if declaration else 0
    head = _SST_HEAD.match(raw, begin)
    if head is None:
        return None
    if not _plain_root(raw[:head.end()] + b"</sst>", "sst"):
        return None
    body = raw[head.end():-6]
    if not _plain_text(body) or (b"&" in body and _NOT_PREDEFINED.search(body)):
        return None
    items = _SST_ITEM.findall(body)
    if sum(map(len, map(_FIRST, items))) != len(body):
        return None
    return [t[1] for t in items]


def _plain_text(body: bytes) -> bool:
    """Whether markup holds only what the fast paths read as the parser does: UTF-8, no character XML
    forbids (nor a carriage return, which the parser turns into a line feed), no "]]>" (forbidden in
    text). Single-byte and single-character searches first: they are the fast ones."""
    if b"]" in body and b"]]>" in body:
        return False
    if len(body.translate(None, _CONTROL)) != len(body):
        return False
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return "\ufffe" not in text and "\uffff" not in text


@lru_cache(maxsize=64)      # a batch's parts share a handful of roots
def _plain_root(xml: bytes, name: str) -> bool:
    """Whether a root element alone (`xml`: declaration, start and end tag) is one the fast paths read:
    XML 1.0 in UTF-8, the root of that name in the main namespace, which is the default."""
    try:
        root = etree.fromstring(xml, _PARSER)
    except etree.LxmlError:
        return False
    info = root.getroottree().docinfo
    return bool(root.tag == NS + name and root.nsmap.get(None) == NS[1:-1] and info.xml_version == "1.0"
                and (info.encoding or "").upper() == "UTF-8" and not info.doctype)


def _entities(text: str) -> str:
    """Text with the predefined entities replaced (the only ones the fast paths let through)."""
    if "&" not in text:
        return text
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(entity, char)
    return text


def _sheet_data_span(raw: bytes) -> tuple[bytes, int, int] | None:
    """(declaration and root start tag, where <sheetData begins, where </sheetData> ends), or None when
    a byte search could be fooled (see _cut_sheet_data)."""
    declaration = _DECLARATION.match(raw)
    begin = declaration.end() if declaration else 0
    head = _ROOT_HEAD.match(raw, begin)
    if head is None:
        return None
    a = raw.find(b"<sheetData", head.end())
    if a < 0 or raw[a + 10:a + 11] not in (b">", b" ", b"\t", b"\r", b"\n"):
        return None
    b = raw.find(b"</sheetData>", a)
    if b < 0 or raw.find(b"xmlns", head.end(), a) >= 0 or raw.find(b"<sheetData", a + 10) >= 0:
        return None
    # "<!" (comment, CDATA, DOCTYPE) or "<?": looked for only where "!" or "?" occurs at all, since a
    # one-byte search is many times faster than a two-byte one in markup full of "<"
    if (raw.find(b"!", begin, b) >= 0 and raw.find(b"<!", begin, b) >= 0) or (
            raw.find(b"?", begin, b) >= 0 and raw.find(b"<?", begin, b) >= 0):
        return None
    return raw[:begin] + head.group(), a, b + 12


def _cut_sheet_data(raw: bytes) -> bytes | None:
    """The sheet's XML cut down to its declaration, the root's start tag, <sheetData>…</sheetData> and
    the root's end tag; None when a byte search could be fooled and the whole part must be parsed: a
    comment, CDATA, processing instruction or DOCTYPE before the end of <sheetData> (any of them can
    hold a fake "<sheetData>" or "</sheetData>"), a namespace declared between the root and
    <sheetData>, more than one <sheetData>, or anything else than the expected shape."""
    span = _sheet_data_span(raw)
    if span is None:
        return None
    head, a, b = span
    return head + raw[a:b] + b"</worksheet>"


def _string_item(node: Any) -> str:
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
