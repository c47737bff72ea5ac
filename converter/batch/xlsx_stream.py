"""A spreadsheet written row by row to disk, so memory stays flat however many rows a batch has.

The low-level half of 校验结果.xlsx (check_report_xlsx.py says what goes in it). It knows only what
that report needs: text and number cells, a few cell styles, column widths, a frozen header row, an
autofilter and landscape printing one page wide with the header repeated. Rows go to an anonymous
temporary file per sheet (nothing is left behind if the process dies); close() streams them into the
zip. Text is always written as an inline string, never as a formula."""
from __future__ import annotations

import math
import re
import tempfile
import time
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import Any, BinaryIO, Iterable, Sequence

from converter.cell_ref import a1, col_letter
from converter.files import readable, temp_prefix

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)        # fixed: equal content gives equal bytes
# characters XML 1.0 cannot carry at all; a unit's text may hold them (pasted from anywhere)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_TEXT = 32767                         # Excel's limit for one cell; longer text makes it "repair" the file
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


LINE_HEIGHT = 14.25                      # points per line of 11-point 宋体


def display_width(s: str) -> int:
    """Width in column units: a CJK or full-width character takes two, others one."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def text_lines(value: str, width: float) -> int:
    """How many lines a wrapped cell of this column width shows."""
    usable = max(1.0, width - 1)
    return sum(max(1, math.ceil(display_width(line) / usable)) for line in value.split("\n"))


def text(value: str) -> str:
    """A value made safe for XML content and attributes (a file name that is not UTF-8 made readable)."""
    value = readable(value)
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("\ufffd", value)
    return value.translate(_ESCAPE)


@dataclass(frozen=True)
class Style:
    """One cell look. The workbook numbers styles in the order they are added (0 is Excel's default)."""
    bold: bool = False
    color: str | None = None         # font colour, RRGGBB
    fill: str | None = None          # solid background, RRGGBB
    border: bool = False             # thin lines all round
    wrap: bool = False
    top: bool = False                # vertical alignment top
    center: bool = False             # horizontal alignment centre


class Sheet:
    """One worksheet whose rows are spooled to a temporary file until the workbook is saved."""
    def __init__(self, name: str, widths: Iterable[float], spool_dir: str | None):
        self.name = name
        self.widths = tuple(widths)
        self.letters = [col_letter(i) for i in range(len(self.widths))]
        self.rows = 0
        self.autofilter: tuple[int, int] | None = None     # (last row, last column), set before close
        # named like every other temporary output (.~…part) where the system cannot hide it (Windows)
        self._data = tempfile.TemporaryFile("w+", encoding="utf-8", dir=spool_dir, prefix=temp_prefix(),
                                            suffix=".part")

    def append(self, values: Sequence[Any], styles: Sequence[int], wrap: bool = False) -> None:
        """One row below the last; `styles[i]` is the style number of cell i. Numbers stay numbers,
        anything else becomes text. With `wrap`, the row is as tall as its longest wrapped cell needs
        (applications do not grow a row for wrapped text by themselves when opening a file)."""
        self.rows += 1
        r = self.rows
        cells = []
        for letter, v, s in zip(self.letters, values, styles):
            if v is None or v == "":
                continue
            if type(v) is int or (type(v) is float and math.isfinite(v)):
                cells.append(f'<c r="{letter}{r}" s="{s}"><v>{v!r}</v></c>')
            else:
                cells.append(f'<c r="{letter}{r}" s="{s}" t="inlineStr"><is><t xml:space="preserve">'
                             f'{text(str(v)[:MAX_TEXT])}</t></is></c>')
        height = ""
        if wrap:
            lines = max((text_lines(str(v), w) for v, w in zip(values, self.widths) if v is not None and v != ""),
                        default=1)
            if lines > 1:
                height = f' ht="{min(409, LINE_HEIGHT * lines + 3):g}" customHeight="1"'
        self._data.write(f'<row r="{r}"{height}>{"".join(cells)}</row>')

    def skip(self, n: int = 1) -> None:
        """Leave `n` rows empty."""
        self.rows += n

    def _head(self) -> str:
        # Excel stores a width as characters plus 5 pixels of padding (of 7 per character)
        cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w + 5 / 7:.2f}" customWidth="1"/>'
                       for i, w in enumerate(self.widths))
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<worksheet xmlns="{_NS}" xmlns:r="{_REL}">'
                f'<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
                f'<dimension ref="A1:{self.letters[-1]}{max(self.rows, 1)}"/>'
                f'<sheetViews><sheetView workbookViewId="0">'
                f'<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                f'<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
                f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>')

    def _ref(self, absolute: bool = False) -> str | None:
        if not self.autofilter:
            return None
        last_row, last_col = self.autofilter
        return f"{a1(0, 0, absolute)}:{a1(max(last_row, 1), last_col, absolute)}"

    def _tail(self) -> str:
        ref = self._ref()
        return ("</sheetData>" + (f'<autoFilter ref="{ref}"/>' if ref else "")
                + '<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
                '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
                "</worksheet>")

    def write_to(self, zf: zipfile.ZipFile, part: str) -> None:
        """Stream the sheet's XML into the zip as `part`."""
        info = zipfile.ZipInfo(part, _ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        self._data.flush()
        self._data.seek(0)
        with zf.open(info, "w", force_zip64=True) as out:
            out.write(self._head().encode("utf-8"))
            while chunk := self._data.read(1 << 16):
                out.write(chunk.encode("utf-8"))
            out.write(self._tail().encode("utf-8"))

    def discard(self) -> None:
        """Drop the spooled rows."""
        self._data.close()


class StreamingWorkbook:
    """add_style() and add_sheet() first, then append rows to any sheet in any order, then save()."""

    def __init__(self, font: str = "宋体", spool_dir: str | None = None, title: str = ""):
        self.font = font
        self.title = title
        self.created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        self.spool_dir = spool_dir
        self.styles: list[Style] = [Style()]
        self.sheets: list[Sheet] = []

    def add_style(self, style: Style) -> int:
        """Register a cell style; returns its number for Sheet.append."""
        self.styles.append(style)
        return len(self.styles) - 1

    def add_sheet(self, name: str, widths: Iterable[float]) -> Sheet:
        """A new sheet with these column widths (in characters)."""
        sheet = Sheet(name, widths, self.spool_dir)
        self.sheets.append(sheet)
        return sheet

    def save(self, target: str | BinaryIO) -> None:
        """Write the package to `target` (a path or a binary file object). May be called again (to
        another target); discard() drops the spooled rows when done."""
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            for part, xml in self._fixed_parts().items():
                info = zipfile.ZipInfo(part, _ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, xml)
            for i, sheet in enumerate(self.sheets, 1):
                sheet.write_to(zf, f"xl/worksheets/sheet{i}.xml")

    def discard(self) -> None:
        """Drop every sheet's spooled rows."""
        for sheet in self.sheets:
            sheet.discard()

    # -- the parts that do not grow with the rows ---------------------------------------------------
    def _fixed_parts(self) -> dict[str, str]:
        head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        sheets = range(1, len(self.sheets) + 1)
        types = ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 '<Override PartName="/xl/workbook.xml" '
                 'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                 '<Override PartName="/xl/styles.xml" '
                 'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                 '<Override PartName="/xl/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>'
                 '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
                 '<Override PartName="/docProps/app.xml" '
                 'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
                 + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType='
                           f'"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                           for i in sheets) + "</Types>")
        root_rels = (f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" Type="{_REL}/officeDocument" '
                     'Target="xl/workbook.xml"/>'
                     '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
                     'metadata/core-properties" Target="docProps/core.xml"/>'
                     f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
                     '</Relationships>')
        wb_rels = (f'<Relationships xmlns="{_PKG_REL}">'
                   + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                             for i in sheets)
                   + f'<Relationship Id="rId{len(self.sheets) + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
                   + f'<Relationship Id="rId{len(self.sheets) + 2}" Type="{_REL}/theme" Target="theme/theme1.xml"/>'
                   "</Relationships>")
        names = []
        for i, sheet in enumerate(self.sheets):
            quoted = "'" + sheet.name.replace("'", "''") + "'"
            ref = sheet._ref(absolute=True)
            if ref:
                names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                             f"{text(quoted)}!{ref}</definedName>")
            names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">{text(quoted)}!$1:$1</definedName>')
        workbook = (f'<workbook xmlns="{_NS}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews><sheets>'
                    + "".join(f'<sheet name="{text(s.name)}" sheetId="{i}" r:id="rId{i}"/>'
                              for i, s in enumerate(self.sheets, 1))
                    + "</sheets>" + (f"<definedNames>{''.join(names)}</definedNames>" if names else "")
                    + "</workbook>")
        core = ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                f'<dc:title>{text(self.title)}</dc:title><dc:creator>nianbao</dc:creator>'
                f'<dcterms:created xsi:type="dcterms:W3CDTF">{self.created}</dcterms:created>'
                f'<dcterms:modified xsi:type="dcterms:W3CDTF">{self.created}</dcterms:modified></cp:coreProperties>')
        app = ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
               "<Application>nianbao</Application></Properties>")
        return {"[Content_Types].xml": head + types, "_rels/.rels": head + root_rels,
                "docProps/core.xml": head + core, "docProps/app.xml": head + app,
                "xl/workbook.xml": head + workbook, "xl/_rels/workbook.xml.rels": head + wb_rels,
                "xl/styles.xml": head + self._styles(), "xl/theme/theme1.xml": head + _theme(self.font)}

    def _styles(self) -> str:
        fonts, fills, xfs = [], [], []
        for s in self.styles:
            font = ("<b/>" if s.bold else "") + '<sz val="11"/>' + (f'<color rgb="FF{s.color}"/>' if s.color else "")
            font = f'<font>{font}<name val="{text(self.font)}"/><charset val="134"/></font>'
            if font not in fonts:
                fonts.append(font)
            fill = s.fill and f'<fill><patternFill patternType="solid"><fgColor rgb="FF{s.fill}"/></patternFill></fill>'
            if fill and fill not in fills:
                fills.append(fill)
            align = ""
            if s.wrap or s.top or s.center:
                align = ("<alignment" + (' horizontal="center"' if s.center else "")
                         + (' vertical="top"' if s.top else "") + (' wrapText="1"' if s.wrap else "") + "/>")
            xfs.append(f'<xf numFmtId="0" fontId="{fonts.index(font)}" '
                       f'fillId="{fills.index(fill) + 2 if fill else 0}" borderId="{1 if s.border else 0}" xfId="0"'
                       + (' applyFont="1"' if font != fonts[0] else "") + (' applyFill="1"' if fill else "")
                       + (' applyBorder="1"' if s.border else "")
                       + (f' applyAlignment="1">{align}</xf>' if align else "/>"))
        fills = ['<fill><patternFill patternType="none"/></fill>', '<fill><patternFill patternType="gray125"/></fill>',
                 *fills]
        thin = '<{0} style="thin"><color auto="1"/></{0}>'
        borders = ("<border><left/><right/><top/><bottom/><diagonal/></border>"
                   f"<border>{''.join(thin.format(side) for side in ('left', 'right', 'top', 'bottom'))}<diagonal/></border>")
        return (f'<styleSheet xmlns="{_NS}"><fonts count="{len(fonts)}">{"".join(fonts)}</fonts>'
                f'<fills count="{len(fills)}">{"".join(fills)}</fills><borders count="2">{borders}</borders>'
                '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
                f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
                '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def _theme(font: str) -> str:
    """The theme part Excel writes into every workbook (its colours and fonts; East Asian font set)."""
    names = ("dk1", "lt1", "dk2", "lt2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6", "hlink",
             "folHlink")
    colours = ("000000", "FFFFFF", "44546A", "E7E6E6", "4472C4", "ED7D31", "A5A5A5", "FFC000", "5B9BD5", "70AD47",
               "0563C1", "954F72")
    scheme = "".join(f'<a:{n}><a:srgbClr val="{c}"/></a:{n}>' for n, c in zip(names, colours))
    fonts = f'<a:latin typeface="Calibri"/><a:ea typeface="{text(font)}"/><a:cs typeface=""/>'
    solid = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    line = f'<a:ln w="6350">{solid}</a:ln>'
    return ('<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="Office Theme">'
            f'<a:themeElements><a:clrScheme name="Office">{scheme}</a:clrScheme>'
            f'<a:fontScheme name="Office"><a:majorFont>{fonts}</a:majorFont><a:minorFont>{fonts}</a:minorFont>'
            f'</a:fontScheme><a:fmtScheme name="Office"><a:fillStyleLst>{solid * 3}</a:fillStyleLst>'
            f'<a:lnStyleLst>{line * 3}</a:lnStyleLst>'
            f'<a:effectStyleLst>{"<a:effectStyle><a:effectLst/></a:effectStyle>" * 3}</a:effectStyleLst>'
            f'<a:bgFillStyleLst>{solid * 3}</a:bgFillStyleLst></a:fmtScheme></a:themeElements></a:theme>')
