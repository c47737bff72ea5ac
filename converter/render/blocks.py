"""Report data -> what the report says, in order, as blocks every renderer draws the same way:
paragraphs with a style name, and tables as laid-out grids with their figures and column widths.
Layout decisions that more than one renderer needs (titles, the generated preface and fee sentence,
how a number is printed, column widths) are made here, once."""
from __future__ import annotations

import re
import unicodedata
from typing import Any, NamedTuple, Union

from converter.definition.formats import get as get_format
from converter.definition.kinds import AMOUNT, ITEMS, TEXT
from converter.definition.layout import Grid
from converter.definition.model import Format, Section
from converter.definition.plan import Plan, compile

TITLE_STYLE, H1_STYLE, H2_STYLE = "报告标题", "一级标题", "二级标题"
TABLE_STYLE, TABLE_SMALL_STYLE = "表格文字", "表格文字（小）"
TEXT_WIDTH_TWIPS = int(156 / 25.4 * 1440)     # the GB/T 9704 版心 is 156 mm wide
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Paragraph(NamedTuple):
    """A paragraph: `style` is one of the style names above, or None for body text; a "\n" in the
    text is a line break within the paragraph."""
    style: str | None
    text: str


class TableBlock(NamedTuple):
    """A table group drawn as its grid: `texts` maps a data cell's (row, col) to its printed figure,
    `widths` are the column widths in twips, `style` the paragraph style of its cells."""
    section: str                 # the key of the section it belongs to
    grid: Grid
    texts: dict[tuple[int, int], str]
    widths: tuple[int, ...]
    style: str


Block = Union[Paragraph, TableBlock]


def legal(text: str) -> str:
    """Without the control characters XML 1.0 forbids (a unit's text may carry them)."""
    return _ILLEGAL.sub("", text)


TITLE_LINE = 20          # full-width characters in one line of the 22-point title across the 156 mm 版心


def report_title(data: dict[str, Any], fmt: Format | Plan) -> str:
    """The report's title, from the format's title pattern."""
    f = data["fields"]
    return legal(compile(fmt).fmt.report_title(f["unit"], f["year"]))


def title_lines(data: dict[str, Any], fmt: Format | Plan) -> str:
    """The title as printed: a title too long for one line is broken between words — after
    「…年」 (before 「政府信息公开…」) or after the unit's name — never inside a word such as 年度."""
    title = report_title(data, fmt)
    if _width(title) <= TITLE_LINE * 2:
        return title
    f = data["fields"]
    unit, year = legal(str(f["unit"])), f"{f['year']}年"
    breaks = [i + len(year) for i in [title.find(year, len(unit))] if i >= 0] + [len(unit)]
    fitting = [b for b in breaks if 0 < b < len(title) and _width(title[:b]) <= TITLE_LINE * 2]
    cut = fitting[0] if fitting else breaks[-1]
    return title if not 0 < cut < len(title) else title[:cut] + "\n" + title[cut:]


def _width(s: str) -> int:
    """Width in half-width units (a CJK character is two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def preface(data: dict[str, Any], fmt: Format | Plan) -> str:
    """The unit's own preface, or the format's standard one."""
    fmt = compile(fmt).fmt
    f = data["fields"]
    if f.get("preface"):
        return str(f["preface"])
    published = fmt.published.format(website=f["website"]) if f.get("website") else ""
    return fmt.preface.format(unit=f["unit"], year=f["year"], published=published)


def number_text(v: Any) -> str:
    """A figure as printed: whole numbers without a decimal point, decimals without trailing zeros."""
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else f"{v:.6f}".rstrip("0").rstrip(".")
    return str(v)


def paragraphs(text: str) -> list[str]:
    """The non-empty lines of a text, each a paragraph."""
    return [legal(line) for line in text.split("\n") if line.strip()]


def report_blocks(data: dict[str, Any], fmt: Format | Plan | None = None) -> list[Block]:
    """What the report says, in order: title, preface, then each part with its headings, narrative
    and tables. Every renderer draws exactly this."""
    plan = compile(fmt if fmt is not None else get_format(data["format"]))
    blocks: list[Block] = [Paragraph(TITLE_STYLE, title_lines(data, plan))]
    blocks += [Paragraph(None, p) for p in paragraphs(preface(data, plan))]
    fields = data["fields"]
    for section in plan.fmt.sections:
        if not section.heading:
            continue
        blocks.append(Paragraph(H1_STYLE, section.heading))
        blocks += _narrative(section, fields)
        if section.group:
            blocks.append(table_block(plan, section, data))
            blocks.append(Paragraph(None, ""))   # Word needs a paragraph between a table and what follows
    return blocks


def _narrative(section: Section, fields: dict[str, Any]) -> list[Block]:
    out: list[Block] = []
    text_of_section = "\n".join(v if isinstance(v, str) else "\n".join(v) if isinstance(v, list) else ""
                                for v in (fields.get(f.key) for f in section.fields))
    for f in section.fields:
        if not f.in_report:
            continue
        if f.heading:
            out.append(Paragraph(H2_STYLE, f.heading))
        value = fields.get(f.key)
        if f.kind is TEXT:
            out += [Paragraph(None, p) for p in paragraphs(value or "")]
        elif f.kind is ITEMS:
            out += [Paragraph(None, p) for item in value or [] for p in paragraphs(item)]
        elif f.kind is AMOUNT and f.sentence:
            if f.skip_if_mentioned and f.skip_if_mentioned in text_of_section:
                continue
            zero, some = f.sentence
            template = zero if not value else some
            out.append(Paragraph(None, template.format(year=fields["year"], value=number_text(value or 0))))
    return out


def table_block(plan: Plan, section: Section, data: dict[str, Any]) -> TableBlock:
    """A section's tables, with the report's figures."""
    assert section.group is not None
    grid = plan.grid(section.group)
    tables = data["tables"]
    texts = {}
    for c in grid.data_cells():
        assert c.path is not None
        texts[(c.row, c.col)] = number_text(tables[c.path[1]][c.path[2]][c.path[3]])
    return TableBlock(section.key, grid, texts, column_widths(grid), table_style(grid))


def table_style(grid: Grid) -> str:
    """Wide tables (三, 四) take the small table style."""
    return TABLE_SMALL_STYLE if grid.width >= 10 else TABLE_STYLE


def column_widths(grid: Grid) -> tuple[int, ...]:
    """Column widths in twips that fill the 版心: label columns weighted, data columns equal."""
    total = TEXT_WIDTH_TWIPS
    if grid.label_cols == 0:
        return (total // grid.width,) * grid.width
    weights = {1: [1.0], 2: [1.0, 2.0], 3: [0.9, 1.5, 3.4]}[grid.label_cols]
    label_total = total * (0.34 if grid.label_cols == 1 else 0.50)
    labels = [int(label_total * w / sum(weights)) for w in weights]
    data_w = (total - sum(labels)) // (grid.width - grid.label_cols)
    return tuple(labels + [data_w] * (grid.width - grid.label_cols))
