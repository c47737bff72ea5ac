"""The only module that touches WordprocessingML directly: East Asian fonts, merged tables built as
XML in one pass (python-docx's Table.cell() is quadratic), and the 「— N —」 page-number field.

Element order inside w:tcPr, w:pPr and w:rPr follows the OOXML schema, or Word asks to repair."""
from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from docx.oxml import parse_xml
from docx.oxml.ns import qn

from converter.definition.layout import CORNER, HEADER, LABEL, TITLE, Grid
from converter.render.blocks import legal

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def set_fonts(rpr: Any, east_asia: str, latin: str = "Times New Roman") -> None:
    """Give a w:rPr explicit fonts, East Asian included, and drop theme fonts that would win over them."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr in _THEME_ATTRS:
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:cs"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:hint"), "eastAsia")


def run_props(font: str, half_points: int, bold: bool = False) -> str:
    """A w:rPr with explicit fonts (East Asian included) and size."""
    b = "<w:b/><w:bCs/>" if bold else ""
    return (f'<w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman" '
            f'w:eastAsia="{font}" w:hint="eastAsia"/>{b}<w:sz w:val="{half_points}"/>'
            f'<w:szCs w:val="{half_points}"/></w:rPr>')


def xml_text(text: str) -> str:
    """Text safe inside w:t."""
    return escape(legal(text)) if text != "\x00SLOT\x00" else text


def paragraph_xml(text: str, style_id: str | None = None) -> str:
    """A w:p with one run of text, in a paragraph style."""
    ppr = f'<w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>' if style_id else ""
    if not text:
        return f"<w:p>{ppr}</w:p>" if ppr else "<w:p/>"
    return f'<w:p>{ppr}<w:r><w:t xml:space="preserve">{xml_text(text)}</w:t></w:r></w:p>'


def compile_table(grid: Grid, widths: tuple[int, ...], style_id: str) -> tuple[list[str], list[tuple[int, int]]]:
    """The table's constant XML, cut where the data cells' runs go: (pieces, slots), len(pieces) ==
    len(slots) + 1. Computed once per table layout (the renderer keeps it on the format's plan); a
    report only fills the slots."""
    marker = "\x00SLOT\x00"
    data = {(c.row, c.col) for c in grid.data_cells()}
    xml = _table_xml_plain(grid, {k: marker for k in data}, list(widths), style_id)
    run = f'<w:r><w:t xml:space="preserve">{marker}</w:t></w:r>'
    pieces = xml.split(run)
    slots = sorted(data)     # cells are emitted row by row, left to right
    return pieces, slots


def fill_table(compiled: tuple[list[str], list[tuple[int, int]]], texts: dict[tuple[int, int], str]) -> str:
    """A compiled table with each slot's text filled in."""
    pieces, slots = compiled
    out = [pieces[0]]
    for slot, piece in zip(slots, pieces[1:]):
        text = texts.get(slot)
        out.append(f'<w:r><w:t xml:space="preserve">{xml_text(text)}</w:t></w:r>' if text else "")
        out.append(piece)
    return "".join(out)


def _table_xml_plain(grid: Grid, texts: dict[tuple[int, int], str], widths: list[int], style_id: str) -> str:
    cover: dict[tuple[int, int], tuple] = {}
    for cell in grid.cells:
        for i in range(cell.rowspan):
            cover[(cell.row + i, cell.col)] = (cell, i == 0)
    out = [f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
           '<w:tblBorders>' + "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
           + '</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="40" w:type="dxa"/>'
           '<w:right w:w="40" w:type="dxa"/></w:tblCellMar><w:tblLook w:val="0000"/></w:tblPr><w:tblGrid>']
    out += [f'<w:gridCol w:w="{w}"/>' for w in widths]
    out.append("</w:tblGrid>")
    for r in range(grid.height):
        header = r < grid.header_rows
        out.append("<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if header else "") + "</w:trPr>")
        c = 0
        while c < grid.width:
            entry = cover.get((r, c))
            if entry is None:          # a hole cannot happen in a well-formed layout; fill it anyway
                out.append(_tc(widths[c], 1, None, "", "center", False, style_id))
                c += 1
                continue
            cell, first = entry
            vmerge = None if cell.rowspan == 1 else ("restart" if first else "continue")
            text = texts.get((cell.row, cell.col), cell.text) if first else ""
            align = "left" if cell.role in (LABEL, TITLE) else "center"
            bold = cell.role in (HEADER, CORNER, TITLE)
            width = sum(widths[c:c + cell.colspan])
            out.append(_tc(width, cell.colspan, vmerge, text, align, bold, style_id))
            c += cell.colspan
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _tc(width: int, span: int, vmerge: str | None, text: str, align: str, bold: bool, style_id: str) -> str:
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        props += "<w:vMerge/>"
    props += '<w:vAlign w:val="center"/>'
    run = ""
    if text:
        rpr = "<w:rPr><w:b/><w:bCs/></w:rPr>" if bold else ""
        run = f'<w:r>{rpr}<w:t xml:space="preserve">{xml_text(text)}</w:t></w:r>'
    return (f'<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:pPr><w:pStyle w:val="{style_id}"/><w:jc w:val="{align}"/>'
            f'</w:pPr>{run}</w:p></w:tc>')


def page_number_paragraph(font: str = "宋体", half_points: int = 28) -> Any:
    """「— N —」, centred: em dashes around a PAGE field."""
    rpr = run_props(font, half_points)
    return parse_xml(
        f'<w:p xmlns:w="{W_NS}"><w:pPr><w:ind w:firstLine="0" w:firstLineChars="0"/><w:jc w:val="center"/></w:pPr>'
        f'<w:r>{rpr}<w:t xml:space="preserve">— </w:t></w:r>'
        f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r>{rpr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
        f'<w:r>{rpr}<w:t>1</w:t></w:r>'
        f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'
        f'<w:r>{rpr}<w:t xml:space="preserve"> —</w:t></w:r></w:p>')


def split_body(document_xml: str) -> tuple[str, str]:
    """word/document.xml cut around the body's content: (up to and including <w:body>, from the
    section properties on)."""
    cut = document_xml.index("<w:body>") + len("<w:body>")
    return document_xml[:cut], document_xml[document_xml.index("<w:sectPr", cut):]


def set_default_fonts(styles_element: Any, east_asia: str) -> None:
    """The document defaults' run fonts (w:docDefaults/w:rPrDefault/w:rPr), East Asian included."""
    defaults = styles_element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            set_fonts(rpr, east_asia)


def set_outline_level(ppr: Any, level: int) -> None:
    """A paragraph style's outline level (w:outlineLvl), so headings show in Word's navigation pane."""
    ppr.append(ppr.makeelement(qn("w:outlineLvl"), {qn("w:val"): str(level)}))


def repeat_as_header(tr: Any) -> None:
    """Mark a table row (w:tr) to repeat at the top of each page (w:tblHeader)."""
    trpr = tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {}))
