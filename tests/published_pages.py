"""Test helper: report data -> the web page a government site would show for it (the same blocks the
Word report is made of: title, preface, headings, paragraphs and the official tables with their
merges), so label variants can be made by editing the page's text."""
from __future__ import annotations

import html

from converter.definition.model import Format
from converter.render.blocks import Paragraph, report_blocks


def table_html(grid, texts) -> str:
    rows: dict[int, list] = {}
    for c in grid.cells:
        rows.setdefault(c.row, []).append(c)
    out = ["<table border='1' cellspacing='0'>"]
    for r in range(grid.height):
        out.append("<tr>")
        for c in sorted(rows.get(r, []), key=lambda c: c.col):
            text = texts.get((c.row, c.col), c.text)
            attrs = (f" rowspan='{c.rowspan}'" if c.rowspan > 1 else "") + (f" colspan='{c.colspan}'" if c.colspan > 1 else "")
            out.append(f"<td{attrs}><p>{html.escape(text)}&nbsp;</p></td>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def page_html(data: dict, fmt: Format, replace_table: dict[str, str] | None = None, charset: str | None = "utf-8") -> str:
    """The page; `replace_table` maps a table key (e.g. "p4") to HTML printed instead of its table."""
    body = []
    for block in report_blocks(data, fmt):
        if isinstance(block, Paragraph):
            if block.text:
                body.append(f"<p>{html.escape(block.text)}</p>".replace("\n", "<br>"))
        else:
            grid, texts = block.grid, block.texts
            keys = {c.path[1] for c in grid.data_cells()}
            hit = next((v for k, v in (replace_table or {}).items() if k in keys), None)
            body.append(hit if hit is not None else table_html(grid, texts))
    meta = f"<meta http-equiv='Content-Type' content='text/html; charset={charset}'>" if charset else ""
    return (f"<html><head>{meta}<title>年报</title></head><body><div class='nav'>首页 &gt; 政府信息公开年报</div>"
            f"<div class='info'>发布日期：2025-01-15</div><div class='content'>{''.join(body)}</div>"
            "<div class='footer'>版权所有：某某县人民政府</div></body></html>")
