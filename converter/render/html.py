"""Report data -> HTML: a self-contained page for the website's 政府信息公开年报 column, the article body
with inline styles for CMSs that strip <style>, and the index page of a batch.

The content is `render.blocks.report_blocks`, the layout the Word report uses: headings become <h2>/<h3>,
narrative <p>, tables keep the official merged headers as colspan/rowspan, with <caption>,
<th scope> and column widths from the same twips. No scripts, no external resources: fonts are named,
never downloaded."""
from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from converter.definition.layout import LABEL, TITLE, Grid
from converter.definition.model import Format
from converter.render.blocks import (
    H1_STYLE,
    H2_STYLE,
    TABLE_SMALL_STYLE,
    TITLE_STYLE,
    Block,
    Paragraph,
    report_blocks,
    report_title,
)

_SERIF = '"方正小标宋简体", "FZXiaoBiaoSong-B05S", "Songti SC", "STSong", "Noto Serif CJK SC", "Source Han Serif SC", serif'
_FANG = ('"仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "STFangsong", "Noto Serif CJK SC", '
         '"Source Han Serif SC", serif')
_HEI = '"黑体", "SimHei", "STHeiti", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif'
_KAI = '"楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "STKaiti", "AR PL UKai CN", "AR PL UKai", serif'
_SONG = '"宋体", "SimSun", "Songti SC", "STSong", "Noto Serif CJK SC", "Source Han Serif SC", serif'

# One set of declarations per element kind: the page's stylesheet is built from it, and the fragment
# puts the same declarations inline, so the two cannot drift apart.
_CSS: dict[str, str] = {
    "article": f"font-family: {_FANG}; font-size: 16pt; line-height: 28.95pt; color: #000; max-width: 156mm; "
               "margin: 0 auto",
    "h1": f"font-family: {_SERIF}; font-size: 22pt; font-weight: normal; line-height: 1.45; "
          "text-align: center; margin: 0 0 28pt 0",
    "h2": f"font-family: {_HEI}; font-size: 16pt; font-weight: normal; line-height: 28.95pt; "
          "text-indent: 2em; margin: 0",
    "h3": f"font-family: {_KAI}; font-size: 16pt; font-weight: normal; line-height: 28.95pt; "
          "text-indent: 2em; margin: 0",
    "p": "text-indent: 2em; margin: 0; text-align: justify; word-break: break-all",
    "table": f"font-family: {_SONG}; font-size: 10.5pt; line-height: 1.3; width: 100%; "
             "table-layout: fixed; border-collapse: collapse; margin: 0 0 14pt 0",
    "table.small": f"font-family: {_SONG}; font-size: 9pt; line-height: 1.25; width: 100%; "
                   "table-layout: fixed; border-collapse: collapse; margin: 0 0 14pt 0",
    "caption": "caption-side: top; text-align: left; padding: 0 0 6pt 0",
    "caption.hidden": "font-size: 1px; line-height: 1px; height: 1px; overflow: hidden; color: transparent; "
               "caption-side: top",
    "th": "border: 0.5pt solid #000; padding: 2pt 3pt; font-weight: bold; text-align: center; "
          "vertical-align: middle; word-break: break-all",
    "th.label": "border: 0.5pt solid #000; padding: 2pt 3pt; font-weight: normal; text-align: left; "
                "vertical-align: middle; word-break: break-all",
    "th.title": "border: 0.5pt solid #000; padding: 2pt 3pt; font-weight: bold; text-align: left; "
                "vertical-align: middle",
    "td": "border: 0.5pt solid #000; padding: 2pt 3pt; text-align: center; vertical-align: middle; "
          "word-break: break-all",
}

_PRINT_CSS = f"""
@page {{ size: A4; margin: 37mm 26mm 35mm 28mm;
  @bottom-center {{ content: "— " counter(page) " —"; font-family: {_SONG}; font-size: 14pt;
    vertical-align: top; padding-top: 7mm; }} }}
@media screen {{ body {{ margin: 2em 1em; }} }}
@media screen and (max-width: 620px) {{ .scroll {{ overflow-x: auto; }} }}
@media print {{
  body {{ margin: 0; }}
  article {{ max-width: none; }}
  thead {{ display: table-header-group; }}
  h1, h2, h3 {{ break-after: avoid; }}
  p {{ orphans: 2; widows: 2; }}
}}
"""


def _stylesheet() -> str:
    rules = [f"article.nianbao {{ {_CSS['article']}; }}"]
    for kind, css in _CSS.items():
        if kind == "article":
            continue
        tag, _, cls = kind.partition(".")
        rules.append(f"article.nianbao {tag}{'.' + cls if cls else ''} {{ {css}; }}")
    return "\n".join(rules) + _PRINT_CSS


_STYLESHEET = _stylesheet()


class _Attrs:
    """The attribute that styles an element: a class (page) or inline declarations (fragment)."""

    def __init__(self, inline: bool):
        self.inline = inline
        self._memo: dict[str, str] = {}

    def __call__(self, kind: str) -> str:
        hit = self._memo.get(kind)
        if hit is None:
            _tag, _, cls = kind.partition(".")
            if self.inline:
                hit = f' style="{escape(_CSS[kind])}"'
            else:
                hit = f' class="{cls}"' if cls else ""
            self._memo[kind] = hit
        return hit


_PAGE_ATTRS, _INLINE_ATTRS = _Attrs(False), _Attrs(True)


def _article(data: dict, fmt: Format, attrs: _Attrs) -> str:
    return _article_of(report_blocks(data, fmt), attrs)


def _article_of(blocks: list[Block], attrs: _Attrs) -> str:
    out: list[str] = []
    heading = ""
    for block in blocks:
        if isinstance(block, Paragraph):
            style, text = block.style, block.text
            if not text:
                continue                 # Word's spacer paragraph after a table
            t = escape(text, quote=False).replace("\n", "<br>")
            if style == TITLE_STYLE:
                out.append(f"<h1{attrs('h1')}>{t}</h1>")
            elif style == H1_STYLE:
                heading = text
                out.append(f"<h2{attrs('h2')}>{t}</h2>")
            elif style == H2_STYLE:
                out.append(f"<h3{attrs('h3')}>{t}</h3>")
            else:
                out.append(f"<p{attrs('p')}>{t}</p>")
        else:
            grid, texts, widths, style = block.grid, block.texts, list(block.widths), block.style
            # A heading right above its table goes into the table's <caption>: the caption is part of
            # the table box, so a printed page never ends with the heading and the table on the next.
            head = out.pop() if out and out[-1].startswith("<h2") and heading else None
            out.append(_table(grid, texts, widths, style, heading, head, attrs))
    lead = f' class="nianbao" style="{escape(_CSS["article"])}"' if attrs.inline else ' class="nianbao"'
    return f"<article{lead}>\n" + "\n".join(out) + "\n</article>"


def _table(grid: Grid, texts: dict, widths: list[int], style: str, caption: str, head_html: str | None,
           attrs: _Attrs) -> str:
    total = sum(widths)
    kind = "table.small" if style == TABLE_SMALL_STYLE else "table"
    cols = "".join(f'<col style="width: {w / total * 100:.2f}%">' for w in widths)
    if head_html:
        cap = f"<caption{attrs('caption')}>{head_html}</caption>"
    elif caption:     # names the table for screen readers only: the heading shows further up
        cap = f"<caption{attrs('caption.hidden')}>{escape(caption.split('、', 1)[-1], quote=False)}</caption>"
    else:
        cap = ""
    rows: list[list[str]] = [[] for _ in range(grid.height)]
    for c in sorted(grid.cells, key=lambda c: (c.row, c.col)):
        span = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (f' colspan="{c.colspan}"' if c.colspan > 1 else "")
        if c.path is not None:
            rows[c.row].append(f"<td{span}{attrs('td')}>{escape(texts.get((c.row, c.col), ''), quote=False)}</td>")
            continue
        # "row" and "col" cover every row or column the cell spans; "rowgroup"/"colgroup" would
        # stretch a header over the whole <tbody> or the one <colgroup>
        if c.role == LABEL:
            scope, k = "row", "th.label"
        elif c.role == TITLE:           # a block title across the whole width, over the rows below it
            scope, k = "colgroup", "th.title"
        else:
            scope, k = "col", "th"
        rows[c.row].append(f'<th scope="{scope}"{span}{attrs(k)}>{escape(c.text, quote=False)}</th>')
    head = "".join(f"<tr>{''.join(r)}</tr>" for r in rows[:grid.header_rows])
    body = "".join(f"<tr>{''.join(r)}</tr>" for r in rows[grid.header_rows:])
    table = (f"<table{attrs(kind)}>{cap}<colgroup>{cols}</colgroup>"
             + (f"<thead>{head}</thead>" if head else "") + f"<tbody>{body}</tbody></table>")
    return table if attrs.inline else f'<div class="scroll">{table}</div>'


INDEX_GENERATOR = "nianbao index"     # index.html says what it is, so that reading it back as a report is skipped


def _page(title: str, author: str, body: str, css: str, generator: str = "nianbao") -> str:
    meta = f'<meta name="author" content="{escape(author)}">\n' if author else ""
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<meta name=\"generator\" content=\"{generator}\">\n"
            f"<title>{escape(title, quote=False)}</title>\n{meta}<style>\n{css}\n</style>\n</head>\n"
            f"<body>\n{body}\n</body>\n</html>\n")


def render_html(data: dict, fmt: Format) -> str:
    """One self-contained HTML page of the report (valid report data in format `fmt`): semantic tables,
    print CSS for A4 with page numbers 「— N —」, no scripts, no external resources."""
    return _page(report_title(data, fmt), str(data["fields"].get("unit") or ""),
                 _article(data, fmt, _PAGE_ATTRS), _STYLESHEET)


def render_blocks_html(blocks: list[Block], title: str, author: str = "") -> str:
    """One self-contained HTML page of any report blocks (a summary's, say), drawn as a report's are."""
    return _page(title, author, _article_of(blocks, _PAGE_ATTRS), _STYLESHEET)


def render_html_fragment(data: dict, fmt: Format) -> str:
    """The report as one <article> element with inline styles only, for a CMS that strips <style>
    (and <head>): paste it into the article body."""
    return _article(data, fmt, _INLINE_ATTRS) + "\n"


@dataclass(frozen=True)
class IndexRow:
    """One unit's line in index.html. File names are relative to the index (None: not written)."""
    unit: str
    year: int | str
    status: str                 # what the check said, in Chinese, e.g. "通过" or "未通过（3 个错误）"
    ok: bool = True             # False marks the row as needing attention
    docx: str | None = None
    pdf: str | None = None
    html: str | None = None


_INDEX_CSS = f"""
body {{ font-family: {_SONG}; margin: 2em auto; max-width: 60em; padding: 0 1em; color: #000; }}
h1 {{ font-family: {_SERIF}; font-weight: normal; font-size: 20pt; text-align: center; }}
table {{ border-collapse: collapse; width: 100%; font-size: 11pt; }}
th, td {{ border: 1px solid #666; padding: 4pt 6pt; text-align: left; vertical-align: top; }}
th {{ background: #eee; }}
td.bad {{ color: #b00000; font-weight: bold; }}
td.good {{ color: #006000; }}
@page {{ size: A4; margin: 20mm; }}
"""


def _link(name: str | None, label: str) -> str:
    if not name:
        return "<td>—</td>"
    return f'<td><a href="{escape(quote(name))}">{label}</a></td>'


def index_html(rows: list[IndexRow], title: str = "政府信息公开工作年度报告") -> str:
    """index.html of an output folder: every unit's report with its check status and links to the
    .docx, .pdf and .html written for it (relative links, so the folder can be moved or uploaded)."""
    body = ["<main>", f"<h1>{escape(title, quote=False)}</h1>",
            f"<p>共 {len(rows)} 个单位，通过 {sum(r.ok for r in rows)} 个。</p>",
            ('<table>\n<caption>各单位年度报告</caption>\n<thead><tr><th scope="col">单位</th>'
            '<th scope="col">年度</th><th scope="col">校验结果</th><th scope="col">Word</th>'
            '<th scope="col">PDF</th><th scope="col">网页</th></tr></thead>\n<tbody>')]
    for r in rows:
        body.append(f'<tr><th scope="row">{escape(r.unit, quote=False)}</th><td>{escape(str(r.year), quote=False)}</td>'
                    f'<td class="{"good" if r.ok else "bad"}">{escape(r.status, quote=False)}</td>'
                    + _link(r.docx, "下载") + _link(r.pdf, "下载") + _link(r.html, "查看") + "</tr>")
    body += ["</tbody>\n</table>", "</main>"]
    return _page(title, "", "\n".join(body), _INDEX_CSS, INDEX_GENERATOR)
