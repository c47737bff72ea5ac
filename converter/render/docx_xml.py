"""The only module that touches WordprocessingML directly: East Asian fonts, merged tables built as
XML in one pass (python-docx's Table.cell() is quadratic), and the 「— N —」 page-number field.

Element order inside w:tcPr, w:pPr and w:rPr follows the OOXML schema, or Word asks to repair."""
from __future__ import annotations

import re
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
    lines = "<w:br/>".join(f'<w:t xml:space="preserve">{xml_text(line)}</w:t>' for line in text.split("\n"))
    return f"<w:p>{ppr}<w:r>{lines}</w:r></w:p>"


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
        if text:      # a figure needs no escaping
            out.append(f'<w:r><w:t xml:space="preserve">{text if text.isdigit() else xml_text(text)}</w:t></w:r>')
        else:
            out.append("")
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


# -- the package: what Word shows in 文件 → 信息, and the compatibility it opens in ------------------
_DOC_FONTS = (("Times New Roman", None, "00", "roman"), ("宋体", "SimSun", "86", "auto"),
              ("仿宋_GB2312", "仿宋", "86", "modern"), ("方正小标宋简体", "宋体", "86", "auto"),
              ("黑体", "SimHei", "86", "modern"), ("楷体_GB2312", "楷体", "86", "modern"))
_W_NS_DECL = f'xmlns:w="{W_NS}"'
_XML_HEAD = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
CORE_PART = "docProps/core.xml"


def core_xml(title: str, author: str, date: str) -> bytes:
    """docProps/core.xml: the report's title, the unit as author, `date` (W3CDTF) as created and modified."""
    esc = escape(legal(title)), escape(legal(author))
    return (_XML_HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{esc[0]}</dc:title><dc:creator>{esc[1]}</dc:creator><cp:lastModifiedBy>{esc[1]}"
            "</cp:lastModifiedBy><cp:revision>1</cp:revision>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{date}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{date}</dcterms:modified>'
            "<dc:language>zh-CN</dc:language></cp:coreProperties>").encode("utf-8")


def finish_package(parts: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """A saved python-docx package made ours: no stale thumbnail, an app.xml naming nianbao (no page or
    word counts: Word computes them), and a font table of the fonts the report uses."""
    out = []
    for name, data in parts:
        if name == "docProps/thumbnail.jpeg":
            continue
        if name == "[Content_Types].xml":
            data = data.replace(b'<Default Extension="jpeg" ContentType="image/jpeg"/>', b"")
        elif name == "_rels/.rels":
            data = re.sub(rb'<Relationship Id="\w+" Type="[^"]*/thumbnail" Target="[^"]*"/>', b"", data)
        elif name == "docProps/app.xml":
            data = (_XML_HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'extended-properties"><Application>nianbao</Application><DocSecurity>0</DocSecurity>'
                    "</Properties>").encode("utf-8")
        elif name == "word/fontTable.xml":
            fonts = "".join(f'<w:font w:name="{n}">' + (f'<w:altName w:val="{alt}"/>' if alt else "")
                            + f'<w:charset w:val="{cs}"/><w:family w:val="{fam}"/><w:pitch w:val="variable"/></w:font>'
                            for n, alt, cs, fam in _DOC_FONTS)
            data = (_XML_HEAD + f"<w:fonts {_W_NS_DECL}>{fonts}</w:fonts>").encode("utf-8")
        out.append((name, data))
    return out


def set_compatibility(settings: Any) -> None:
    """Word 2013+ layout (compatibilityMode 15: no 兼容模式 banner) and Chinese as the East Asian language."""
    for cs in settings.iter(qn("w:compatSetting")):
        if cs.get(qn("w:name")) == "compatibilityMode":
            cs.set(qn("w:val"), "15")
    for lang in settings.iter(qn("w:themeFontLang")):
        lang.set(qn("w:eastAsia"), "zh-CN")


def set_default_language(styles_element: Any) -> None:
    """The document defaults' languages: Chinese text is Chinese (w:lang w:eastAsia="zh-CN")."""
    for lang in styles_element.iter(qn("w:lang")):
        lang.set(qn("w:eastAsia"), "zh-CN")


def set_line_grid(sect_pr: Any, line_pitch_twips: int) -> None:
    """The section's line grid (w:docGrid type lines): GB/T 9704's 22 lines a page."""
    for old in sect_pr.findall(qn("w:docGrid")):
        sect_pr.remove(old)
    sect_pr.append(sect_pr.makeelement(qn("w:docGrid"), {qn("w:type"): "lines",
                                                        qn("w:linePitch"): str(line_pitch_twips)}))


def set_character_spacing(rpr: Any, twips: int) -> None:
    """Condense (negative) or expand a run's characters by `twips` twentieths of a point (w:spacing)."""
    spacing = rpr.find(qn("w:spacing"))
    if spacing is None:
        spacing = rpr.makeelement(qn("w:spacing"), {})
        rpr.append(spacing)
    spacing.set(qn("w:val"), str(twips))


def no_snap_to_grid(ppr: Any) -> None:
    """A paragraph style that keeps its own line height instead of the page's line grid (tables, the title)."""
    ppr.append(ppr.makeelement(qn("w:snapToGrid"), {qn("w:val"): "0"}))
