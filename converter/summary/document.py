"""The summary as a report: 「<title><year>年政府信息公开工作年度报告汇总数据」, a short generated account
and the region's tables 二, 三, 四 in the official layout (the format's own grids), other formats' own
rows apart — as report blocks, drawn by the report's Word and web-page renderers."""
from __future__ import annotations

import datetime

from converter.render.blocks import H1_STYLE, H2_STYLE, TITLE_STYLE, Block, Paragraph, TableBlock, column_widths, number_text, table_style
from converter.summary import text
from converter.summary.aggregate import LevelSums, specific_paths
from converter.summary.collect import Summary
from converter.summary.workbook import specific_grid


def summary_blocks(s: Summary) -> list[Block]:
    """What the summary report says, in order: title, scope and account, then each part's table."""
    blocks: list[Block] = [Paragraph(TITLE_STYLE, text.title_lines(s))]
    blocks += [Paragraph(None, line) for line in text.scope_lines(s) + text.account(s)[1:]]
    for lv in s.levels:
        if len(s.levels) > 1:
            blocks.append(Paragraph(H1_STYLE, text.level_line(lv)))
        blocks += _level_blocks(s, lv)
    return blocks


def _level_blocks(s: Summary, lv: LevelSums) -> list[Block]:
    """One level's tables: the primary format's, then other formats' own rows apart."""
    plan = s.primary
    blocks: list[Block] = []
    heading = H2_STYLE if len(s.levels) > 1 else H1_STYLE
    for sec in plan.fmt.sections:
        if not sec.group:
            continue
        blocks.append(Paragraph(heading, sec.heading or sec.title))
        grid = plan.grid(sec.group)
        texts = {(c.row, c.col): number_text(lv.cell(plan, c.path)) for c in grid.data_cells() if c.path}
        blocks.append(TableBlock(sec.key, grid, texts, column_widths(grid), table_style(grid)))
        blocks.append(Paragraph(None, ""))
    for other in s.plans()[1:]:
        sums = lv.by_format.get(other.id)
        if sums is None:
            continue
        paths = set(specific_paths(plan, other))
        blocks.append(Paragraph(heading, f"附：仅见于 {other.fmt.name}的项目（{sums.units} 个单位之和）"))
        for t in other.fmt.tables():
            part = specific_grid(other, t, paths)
            if part is None:
                continue
            grid = part
            blocks.append(Paragraph(None, f"{t.short}{t.title or ''}"))
            texts = {(c.row, c.col): number_text(sums.get(c.path)) for c in grid.data_cells() if c.path}
            blocks.append(TableBlock(t.key, grid, texts, column_widths(grid), table_style(grid)))
            blocks.append(Paragraph(None, ""))
    return blocks


def render_summary_docx(s: Summary) -> bytes:
    """The Word summary report, as .docx bytes."""
    from converter.render.docx import render_blocks
    year = s.year or datetime.date.today().year
    return render_blocks(summary_blocks(s), text.title(s), s.title, f"{year}-12-31T00:00:00Z")


def render_summary_pdf(s: Summary, fonts: str | None = None) -> bytes:
    """The summary report as PDF, typeset as a report is (RuntimeError when no CJK font is installed)."""
    from converter.render.pdf import render_blocks_pdf
    return render_blocks_pdf(summary_blocks(s), text.title(s), s.title, fonts)


def render_summary_html(s: Summary) -> str:
    """The summary report as one self-contained web page."""
    from converter.render.html import render_blocks_html
    return render_blocks_html(summary_blocks(s), text.title(s), s.title)
