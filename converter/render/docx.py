"""Report blocks -> the finished Word report, in report terms: title, preface, the six parts with their
headings, narrative paragraphs and the official tables; GB/T 9704 page set-up. The document's styles
and page are set up through python-docx's API; every piece of raw WordprocessingML is in docx_xml.

Two writers draw the same blocks: `render_report` (fast: the package every report shares is built
once per process, each table's constant XML once per format) and `render_report_reference`
(python-docx's own API only), which a test holds the fast one to."""
from __future__ import annotations

import functools
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Mm, Pt, RGBColor, Twips

from converter.definition.formats import get as get_format
from converter.definition.layout import CORNER, HEADER, TITLE
from converter.definition.model import Format
from converter.definition.plan import Plan, compile
from converter.render import docx_xml, zip_writer
from converter.render.blocks import (
    H1_STYLE,
    H2_STYLE,
    TABLE_SMALL_STYLE,
    TABLE_STYLE,
    TITLE_STYLE,
    Block,
    Paragraph,
    TableBlock,
    column_widths,
    report_blocks,
    report_title,
    table_style,
)
from converter.render.style import apply_page, apply_part, load_style

BODY_FONT, TITLE_FONT, H1_FONT, H2_FONT, TABLE_FONT = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"
LINE_PITCH = Pt(28.95)                 # 22 lines in the 225 mm 版心
# 28 characters of 16-point 仿宋 in the 156 mm 版心 (442.2 pt): 28 × 16 pt is 448 pt, so body text is
# condensed by 0.25 pt a character (28 × 15.75 = 441 pt), in twentieths of a point
BODY_CONDENSE = -5


def render_report(data: dict[str, Any], fmt: Format | Plan | None = None, style: str | None = None) -> bytes:
    """The Word document for valid report data, as .docx bytes (the fast writer used in batches);
    `style` is a reference .docx whose page, header, footer and fonts the report takes."""
    plan = compile(fmt if fmt is not None else get_format(data["format"]))
    shell = _shell(style)
    ids = shell.style_ids
    tables = plan.derived(_compiled_tables)
    body = []
    for block in report_blocks(data, plan):
        if isinstance(block, Paragraph):
            body.append(docx_xml.paragraph_xml(block.text, ids[block.style] if block.style else None))
        else:
            body.append(docx_xml.fill_table(tables[block.section], block.texts))
    return _package(shell, "".join(body), _core(data, plan))


def render_blocks(blocks: list[Block], title: str, author: str, date: str) -> bytes:
    """A Word document of any report blocks (a summary's, say) in the report's page set-up and styles;
    `date` is ISO 8601 (the document's date property)."""
    shell = _shell()
    ids = shell.style_ids
    body = []
    for block in blocks:
        if isinstance(block, Paragraph):
            body.append(docx_xml.paragraph_xml(block.text, ids[block.style] if block.style else None))
        else:
            compiled = docx_xml.compile_table(block.grid, block.widths, ids[block.style])
            body.append(docx_xml.fill_table(compiled, block.texts))
    return _package(shell, "".join(body), docx_xml.core_xml(title, author, date))


def _package(shell: _Shell, body: str, core: bytes) -> bytes:
    document = shell.prefix + body + shell.suffix
    # level 1: a tenth of level 6's time for about 1 KB more per report
    entries = [entry if entry is not None else
               zip_writer.deflate(name, core, 1) if name == docx_xml.CORE_PART else
               zip_writer.deflate(name, document.encode("utf-8"), 1)
               for name, entry in shell.entries]
    return zip_writer.package(entries)


def _core(data: dict[str, Any], plan: Plan) -> bytes:
    """The report's document properties: its title, the unit as author, and the end of the report year
    as its date (not the build's: a re-run leaves an unchanged report byte for byte the same)."""
    f = data["fields"]
    return docx_xml.core_xml(report_title(data, plan), str(f["unit"]), f"{f['year']}-12-31T00:00:00Z")


def _compiled_tables(plan: Plan) -> dict[str, tuple[list[str], list[tuple[int, int]]]]:
    """Each section's table XML with slots for its figures (kept on the plan: built once per format;
    the table styles' ids are the same in every house style)."""
    ids = _shell().style_ids
    out = {}
    for section in plan.fmt.sections:
        if section.group:
            grid = plan.grid(section.group)
            out[section.key] = docx_xml.compile_table(grid, column_widths(grid), ids[table_style(grid)])
    return out


def render_report_reference(data: dict[str, Any], fmt: Format | Plan | None = None, style: str | None = None) -> bytes:
    """The same document through python-docx's own API: the reference the fast writer is tested against."""
    plan = compile(fmt if fmt is not None else get_format(data["format"]))
    doc = _new_document(style)
    for block in report_blocks(data, plan):
        if isinstance(block, Paragraph):
            if block.text:
                doc.add_paragraph(block.text, style=block.style)
            else:
                doc.add_paragraph(style=block.style)
        else:
            _reference_table(doc, block)
    saved = io.BytesIO()
    doc.save(saved)
    with zipfile.ZipFile(saved) as z:
        parts = docx_xml.finish_package([(n, z.read(n)) for n in z.namelist()])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in parts:
            z.writestr(name, _core(data, plan) if name == docx_xml.CORE_PART else content)
    return out.getvalue()


def _reference_table(doc: Any, block: TableBlock) -> None:
    """A table through python-docx's API only (slow: Table.cell() is quadratic; fine for a reference)."""
    grid = block.grid
    table = doc.add_table(rows=grid.height, cols=grid.width)
    table.style = doc.styles["Table Grid"]
    for i, w in enumerate(block.widths):
        table.columns[i].width = Twips(w)
    for cell in grid.cells:
        target = table.cell(cell.row, cell.col)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(table.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
        paragraph = target.paragraphs[0]
        paragraph.style = doc.styles[block.style]
        paragraph.paragraph_format.keep_with_next = True
        text = block.texts.get((cell.row, cell.col), cell.text)
        if text:
            paragraph.add_run(text).bold = True if cell.role in (HEADER, CORNER, TITLE) else None
    for r in range(grid.header_rows):
        docx_xml.repeat_as_header(table.rows[r]._tr)


@dataclass(frozen=True)
class _Shell:
    prefix: str                  # word/document.xml up to and including <w:body>
    suffix: str                  # the section properties and the closing tags
    entries: list[tuple[str, zip_writer.Entry | None]]   # None: a per-report part (document, core properties)
    style_ids: dict[str, str]


@functools.cache
def _shell(style: str | None = None) -> _Shell:
    """The package every report shares (in a house style), built once per process with python-docx."""
    doc = _new_document(style)
    ids = {s.name: s.style_id for s in doc.styles}
    buf = io.BytesIO()
    doc.save(buf)
    entries: list[tuple[str, zip_writer.Entry | None]] = []
    prefix = suffix = ""
    with zipfile.ZipFile(buf) as z:
        parts = docx_xml.finish_package([(n, z.read(n)) for n in z.namelist()])
    for name, content in parts:
        if name == "word/document.xml":
            prefix, suffix = docx_xml.split_body(content.decode("utf-8"))
            entries.append((name, None))
        elif name == docx_xml.CORE_PART:
            entries.append((name, None))       # per report
        else:
            entries.append((name, zip_writer.deflate(name, content, 9)))
    return _Shell(prefix, suffix, entries, ids)


def warm_up(style: str | None = None) -> None:
    """Build the shared package now (before worker processes fork, so that they inherit it)."""
    _shell(style)


def _new_document(style: str | None = None) -> Any:
    """The document every report starts from: GB/T 9704 page and styles, or the house style of a
    reference document where it says otherwise."""
    house = load_style(style) if style else None
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(25)
    section.header_distance = Mm(15)
    footer = section.footer
    for p in list(footer.paragraphs):
        p._p.getparent().remove(p._p)
    footer._element.append(docx_xml.page_number_paragraph())
    if house:
        apply_page(section, house)
        if house.header:
            apply_part(section.header, house.header, house.images)
        if house.footer:
            apply_part(section.footer, house.footer, house.images)

    docx_xml.set_line_grid(section._sectPr, round(LINE_PITCH.pt * 20))
    docx_xml.set_compatibility(doc.settings.element)
    styles = doc.styles
    docx_xml.set_default_fonts(styles.element, BODY_FONT)
    docx_xml.set_default_language(styles.element)
    normal = styles["Normal"]
    _style(normal, BODY_FONT, 16, indent=True)
    docx_xml.set_character_spacing(normal.element.get_or_add_rPr(), BODY_CONDENSE)
    for name, font, size, align, outline in ((TITLE_STYLE, TITLE_FONT, 22, WD_ALIGN_PARAGRAPH.CENTER, None),
                                              (H1_STYLE, H1_FONT, 16, None, 0),
                                              (H2_STYLE, H2_FONT, 16, None, 1)):
        st = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = normal
        st.next_paragraph_style = normal
        _style(st, font, size, indent=align is None)
        if align is not None:
            st.paragraph_format.alignment = align
            st.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            docx_xml.no_snap_to_grid(st.element.get_or_add_pPr())
            st.paragraph_format.space_after = Pt(28)
        if outline is not None:
            st.paragraph_format.keep_with_next = True
            docx_xml.set_outline_level(st.element.get_or_add_pPr(), outline)
    for name, table_size in ((TABLE_STYLE, 10.5), (TABLE_SMALL_STYLE, 9.0)):
        st = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = normal
        _style(st, TABLE_FONT, table_size, indent=False)
        docx_xml.set_character_spacing(st.element.get_or_add_rPr(), 0)
        docx_xml.no_snap_to_grid(st.element.get_or_add_pPr())
        st.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if house:
        for role, name in (("body", "Normal"), ("title", TITLE_STYLE), ("h1", H1_STYLE), ("h2", H2_STYLE)):
            role_font = house.fonts.get(role)
            if role_font and role_font.east_asia:
                docx_xml.set_fonts(styles[name].element.get_or_add_rPr(), role_font.east_asia)
            if role_font and role_font.size:
                styles[name].font.size = Pt(role_font.size)
    return doc


def _style(style: Any, font: str, size: float, indent: bool) -> None:
    style.font.size = Pt(size)
    style.font.bold = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    docx_xml.set_fonts(style.element.get_or_add_rPr(), font)
    pf = style.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = LINE_PITCH
    pf.first_line_indent = Pt(size * 2) if indent else Pt(0)
    pf.widow_control = False
