"""Report data -> the finished Word report (python-docx), in report terms: title, preface, the six
parts with their headings, narrative paragraphs and the official tables. GB/T 9704 page set-up.
All XML-level work is in docx_xml."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from converter.render import docx_xml, zip_writer
from converter.definition.formats import get as get_format
from converter.definition.layout import layout_group
from converter.definition.model import AMOUNT, ITEMS, TEXT, Format, TableGroup

BODY_FONT, TITLE_FONT, H1_FONT, H2_FONT, TABLE_FONT = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"
LINE_PITCH = Pt(28.95)                 # 22 lines in the 225 mm 版心
TEXT_WIDTH_TWIPS = int(156 / 25.4 * 1440)


def report_title(data: dict, fmt: Format) -> str:
    f = data["fields"]
    return docx_xml.legal(fmt.title.format(unit=f["unit"], year=f["year"]))


def preface(data: dict, fmt: Format) -> str:
    f = data["fields"]
    if f.get("preface"):
        return f["preface"]
    published = fmt.published.format(website=f["website"]) if f.get("website") else ""
    return fmt.preface.format(unit=f["unit"], year=f["year"], published=published)


def number_text(v) -> str:
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else f"{v:.6f}".rstrip("0").rstrip(".")
    return str(v)


def paragraphs(text: str) -> list[str]:
    return [docx_xml.legal(line) for line in text.split("\n") if line.strip()]


TITLE_STYLE, H1_STYLE, H2_STYLE = "报告标题", "一级标题", "二级标题"
TABLE_STYLE, TABLE_SMALL_STYLE = "表格文字", "表格文字（小）"


def report_blocks(data: dict, fmt: Format) -> list[tuple]:
    """What the report says, in order: ("p", style name or None, text) and
    ("table", grid, texts, widths, style name). Both writers below render exactly this."""
    blocks: list[tuple] = [("p", TITLE_STYLE, report_title(data, fmt))]
    blocks += [("p", None, p) for p in paragraphs(preface(data, fmt))]
    fields = data["fields"]
    for section in fmt.sections:
        if not section.heading:
            continue
        blocks.append(("p", H1_STYLE, section.heading))
        text_of_section = "\n".join(v if isinstance(v, str) else "\n".join(v) if isinstance(v, list) else ""
                                    for v in (fields.get(f.key) for f in section.fields))
        for f in section.fields:
            if not f.in_report:
                continue
            if f.heading:
                blocks.append(("p", H2_STYLE, f.heading))
            value = fields.get(f.key)
            if f.kind == TEXT:
                blocks += [("p", None, p) for p in paragraphs(value or "")]
            elif f.kind == ITEMS:
                blocks += [("p", None, p) for item in value or [] for p in paragraphs(item)]
            elif f.kind == AMOUNT and f.sentence:
                if f.skip_if_mentioned and f.skip_if_mentioned in text_of_section:
                    continue
                zero, some = f.sentence
                template = zero if not value else some
                blocks.append(("p", None, template.format(year=fields["year"], value=number_text(value or 0))))
        if section.group:
            blocks.append(_table(section.group, data))
            blocks.append(("p", None, ""))   # Word needs a paragraph between a table and what follows
    return blocks


def render_report(data: dict, fmt: Format | None = None) -> bytes:
    """The Word document for valid report data, as .docx bytes (the fast writer used in batches)."""
    fmt = fmt or get_format(data["format"])
    shell = _shell()
    ids = shell.style_ids
    body = []
    for block in report_blocks(data, fmt):
        if block[0] == "p":
            body.append(docx_xml.paragraph_xml(block[2], ids[block[1]] if block[1] else None))
        else:
            _, grid, texts, widths, style = block
            body.append(docx_xml.table_xml(grid, texts, widths, ids[style]))
    document = shell.prefix + "".join(body) + shell.suffix
    # level 1: a tenth of level 6's time for about 1 KB more per report
    entries = [zip_writer.deflate(name, document.encode("utf-8"), 1) if entry is None else entry
               for name, entry in shell.entries]
    return zip_writer.package(entries)


def render_report_reference(data: dict, fmt: Format | None = None) -> bytes:
    """The same document through python-docx's own API: the reference the fast writer is tested against."""
    fmt = fmt or get_format(data["format"])
    doc = _new_document()
    for block in report_blocks(data, fmt):
        if block[0] == "p":
            if block[2]:
                doc.add_paragraph(block[2], style=block[1])
            else:
                doc.add_paragraph(style=block[1])
        else:
            _reference_table(doc, *block[1:])
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _reference_table(doc, grid, texts, widths, style) -> None:
    """A table through python-docx's API only (slow: Table.cell() is quadratic; fine for a reference)."""
    from docx.shared import Twips
    from converter.definition.layout import CORNER, HEADER, TITLE
    table = doc.add_table(rows=grid.height, cols=grid.width)
    table.style = doc.styles["Table Grid"]
    for i, w in enumerate(widths):
        table.columns[i].width = Twips(w)
    for cell in grid.cells:
        target = table.cell(cell.row, cell.col)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(table.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
        paragraph = target.paragraphs[0]
        paragraph.style = doc.styles[style]
        text = texts.get((cell.row, cell.col), cell.text)
        if text:
            paragraph.add_run(text).bold = True if cell.role in (HEADER, CORNER, TITLE) else None
    for r in range(grid.header_rows):
        trpr = table.rows[r]._tr.get_or_add_trPr()
        trpr.append(trpr.makeelement(qn("w:tblHeader"), {}))


@dataclass(frozen=True)
class _Shell:
    prefix: str                  # word/document.xml up to and including <w:body>
    suffix: str                  # the section properties and the closing tags
    entries: list                # (part name, precompressed entry or None for word/document.xml)
    style_ids: dict[str, str]


_SHELL: _Shell | None = None


def _shell() -> _Shell:
    """The package every report shares, built once per process with python-docx."""
    global _SHELL
    if _SHELL is None:
        doc = _new_document()
        ids = {s.name: s.style_id for s in doc.styles}
        buf = io.BytesIO()
        doc.save(buf)
        entries = []
        with zipfile.ZipFile(buf) as z:
            for name in z.namelist():
                if name == "word/document.xml":
                    xml = z.read(name).decode("utf-8")
                    cut = xml.index("<w:body>") + len("<w:body>")
                    prefix, suffix = xml[:cut], xml[xml.index("<w:sectPr", cut):]
                    entries.append((name, None))
                else:
                    entries.append((name, zip_writer.deflate(name, z.read(name), 9)))
        _SHELL = _Shell(prefix, suffix, entries, ids)
    return _SHELL


def _table(group: TableGroup, data: dict) -> tuple:
    grid = layout_group(group)
    tables = data["tables"]
    texts = {(c.row, c.col): number_text(tables[c.path[1]][c.path[2]][c.path[3]]) for c in grid.data_cells()}
    return ("table", grid, texts, _widths(grid), TABLE_SMALL_STYLE if grid.width >= 10 else TABLE_STYLE)


def _widths(grid) -> list[int]:
    total = TEXT_WIDTH_TWIPS
    if grid.label_cols == 0:
        return [total // grid.width] * grid.width
    weights = {1: [1.0], 2: [1, 2], 3: [0.9, 1.5, 3.4]}[grid.label_cols]
    label_total = total * (0.34 if grid.label_cols == 1 else 0.50)
    labels = [int(label_total * w / sum(weights)) for w in weights]
    data_w = (total - sum(labels)) // (grid.width - grid.label_cols)
    return labels + [data_w] * (grid.width - grid.label_cols)


def _new_document():
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

    styles = doc.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            docx_xml.set_fonts(rpr, BODY_FONT)
    normal = styles["Normal"]
    _style(normal, BODY_FONT, 16, indent=True)
    for name, font, size, align, outline in (("报告标题", TITLE_FONT, 22, WD_ALIGN_PARAGRAPH.CENTER, None),
                                              ("一级标题", H1_FONT, 16, None, 0),
                                              ("二级标题", H2_FONT, 16, None, 1)):
        st = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = normal
        st.next_paragraph_style = normal
        _style(st, font, size, indent=align is None)
        if align is not None:
            st.paragraph_format.alignment = align
            st.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            st.paragraph_format.space_after = Pt(28)
        if outline is not None:
            st.paragraph_format.keep_with_next = True
            ppr = st.element.get_or_add_pPr()
            ol = ppr.makeelement(qn("w:outlineLvl"), {qn("w:val"): str(outline)})
            ppr.append(ol)
    for name, size in ((TABLE_STYLE, 10.5), (TABLE_SMALL_STYLE, 9)):
        st = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = normal
        _style(st, TABLE_FONT, size, indent=False)
        st.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    return doc


def _style(style, font: str, size: int, indent: bool) -> None:
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
