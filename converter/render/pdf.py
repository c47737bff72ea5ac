"""Report data -> the PDF of the report, typeset by typst (pip-installable, no office suite).

The content is `render.blocks.report_blocks`, the layout the Word report uses, so a table's columns,
merges and widths come from one place. The page follows GB/T 9704: A4, margins 37/35/28/26 mm,
22 lines of 28 characters, title 22 pt 小标宋, body 16 pt 仿宋 indented two characters, headings 黑体
and 楷体, page numbers 「— N —」 in 14 pt 宋体. Text is passed to typst as string literals, never as
markup, so a unit's text cannot change the layout.

Speed (measured with perf and cProfile, 2026-12): building the source is ~1% of a report's time; the
rest is typst's own compile — page layout ~50% (the three tables ~30%: each auto-height row is laid
out once to measure and once to place), PDF export ~25% (subsetting the CFF CJK fonts ~15%, deflate
~6%), its cache eviction after every compile ~9%. One compiler per process (fonts scanned once, font
files read once, on its first compile) is reused; ways of writing the same document (cells without
x/y, table styles set in scope, unbreakable cells) measured no faster."""
from __future__ import annotations

import datetime
import os
import threading
from typing import Callable

import typst

from converter.definition.layout import CORNER, HEADER, LABEL, TITLE, Grid
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
from converter.render.style import load_style

from .fonts import FontPlan, font_dirs, font_plan

TEXT_WIDTH_PT = 156 / 25.4 * 72          # the 156 mm 版心
LINE_PITCH_PT = 225 / 25.4 * 72 / 22     # 22 lines in the 225 mm 版心 (28.99 pt)
BODY_PT = 16
# 28 characters of 16 pt are 448 pt, the 版心 is 442.2 pt: tighten each character a little, as
# Word's character grid does
TRACKING_PT = -(28 * BODY_PT - TEXT_WIDTH_PT) / 28 - 0.02

_PREAMBLE = """\
#set document(title: {title}, author: {author}, date: none)
#set text(lang: "zh", region: "cn", font: ({body_fonts}), size: {body}pt, tracking: {tracking}pt,
  top-edge: 0.88em, bottom-edge: -0.12em, cjk-latin-spacing: none, overhang: false)
#set page(paper: "a4", margin: (top: {top}mm, bottom: {bottom}mm, left: {left}mm, right: {right}mm),
  footer-descent: 7mm,
  footer: context align(center, text(font: ({song_fonts}), size: 14pt, tracking: 0pt,
    "— " + counter(page).display() + " —")))
#set par(first-line-indent: (amount: 2em, all: true), leading: {leading}pt, spacing: {leading}pt,
  justify: true)
#set block(above: {leading}pt, below: {leading}pt)
#show heading: set text(size: {body}pt, weight: "regular")
#show heading.where(level: 1): it => block(width: 100%, above: 0pt, below: 28pt, sticky: true,
  align(center, text(font: ({title_fonts}), size: 22pt, weight: {title_weight}, tracking: 0pt,
  top-edge: "ascender", bottom-edge: "descender", it.body)))
#show heading.where(level: 2): it => block(sticky: true, above: {leading}pt, below: {leading}pt,
  h(2em) + text(font: ({hei_fonts}), it.body))
#show heading.where(level: 3): it => block(sticky: true, above: {leading}pt, below: {leading}pt,
  h(2em) + text(font: ({kai_fonts}), it.body))
#set table(stroke: 0.5pt, inset: (x: 2pt, y: 3pt), align: center + horizon)
#show table: set par(first-line-indent: 0pt, justify: false, leading: 0.25em, spacing: 0.25em)
#show table: set text(font: ({song_fonts}), tracking: 0pt, top-edge: "ascender", bottom-edge: "descender")
#let t(s) = table.cell(s)
"""

_COMPILER_LOCK = threading.Lock()
_COMPILERS: dict[tuple[str, ...], typst.Compiler] = {}
# typst compiles on a thread pool: a process forked after its first compile hangs in its own first
# compile (the pool's threads are not in the child). The pid that compiled first tells.
_COMPILED_IN: int | None = None


def quote(text: str) -> str:
    """A typst string literal holding `text` exactly."""
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "\\n")
    return f'"{out}"'


def _fonts(family: str, plan: FontPlan) -> str:
    """A typst font list: the chosen family, then the body font and a last resort, for missing glyphs."""
    names = [f for f in (family, plan.families["body"], plan.families["song"]) if f]
    names = list(dict.fromkeys(names)) or ["Noto Serif CJK SC"]
    return ", ".join(quote(n) for n in names) + ("," if len(names) == 1 else "")


GB_MARGINS = {"top": 37.0, "bottom": 35.0, "left": 28.0, "right": 26.0}     # mm, GB/T 9704


def typst_source(data: dict, fmt: Format, plan: FontPlan, margins: dict[str, float] | None = None) -> str:
    """The typst document of the report (exposed for debugging and for tests of the markup)."""
    return blocks_source(report_blocks(data, fmt), report_title(data, fmt), str(data["fields"].get("unit") or ""), plan,
                         margins)


def blocks_source(blocks: list[Block], title: str, author: str, plan: FontPlan,
                  margins: dict[str, float] | None = None) -> str:
    """The typst document of any report blocks (a report's, a summary's)."""
    out = [_PREAMBLE.format(
        title=quote(title), author=quote(author),
        body_fonts=_fonts(plan.families["body"], plan), song_fonts=_fonts(plan.families["song"], plan),
        title_fonts=_fonts(plan.families["title"], plan), hei_fonts=_fonts(plan.families["hei"], plan),
        kai_fonts=_fonts(plan.families["kai"], plan),
        title_weight='"regular"' if plan.official["title"] else '"bold"',
        body=BODY_PT, tracking=f"{TRACKING_PT:.3f}", leading=f"{LINE_PITCH_PT - BODY_PT:.3f}",
        **{k: f"{v:.1f}" for k, v in (margins or GB_MARGINS).items()})]
    for block in blocks:
        if isinstance(block, Paragraph):
            style, text = block.style, block.text
            if not text:
                continue             # Word's spacer paragraph after a table: block spacing does it here
            if style == TITLE_STYLE:
                out.append(f"#heading(level: 1, outlined: false, {quote(text)})\n")
            elif style == H1_STYLE:
                out.append(f"#heading(level: 2, {quote(text)})\n")
            elif style == H2_STYLE:
                out.append(f"#heading(level: 3, {quote(text)})\n")
            else:
                out.append(f"#par({quote(text)})\n")
        else:
            out.append(_table(block.grid, block.texts, list(block.widths), block.style))
    return "\n".join(out)


def _table(grid: Grid, texts: dict, widths: list[int], style: str) -> str:
    total = sum(widths)
    size = "9pt" if style == TABLE_SMALL_STYLE else "10.5pt"
    cols = ", ".join(f"{w / total * 100:.3f}%" for w in widths)
    head: list[str] = []
    body: list[str] = []
    for c in sorted(grid.cells, key=lambda c: (c.row, c.col)):
        text = texts.get((c.row, c.col), c.text)
        content = quote(text)
        if c.role in (HEADER, CORNER, TITLE):
            content = f"strong({content})"
        spans = ""
        if c.rowspan > 1:
            spans += f", rowspan: {c.rowspan}"
        if c.colspan > 1:
            spans += f", colspan: {c.colspan}"
        if c.role in (LABEL, TITLE):     # as in the Word table: labels and block titles flush left
            spans += ", align: left + horizon"
        cell = f"table.cell(x: {c.col}, y: {c.row}{spans}, {content})"
        (head if c.header and c.row < grid.header_rows else body).append(cell)
    parts = []
    if head:
        parts.append("table.header(repeat: true,\n  " + ",\n  ".join(head) + ")")
    parts += body
    return (f"#block(width: 100%, text(size: {size}, table(columns: ({cols}),\n  "
            + ",\n  ".join(parts) + ")))\n")


def _compiler(dirs: tuple[str, ...], plan: FontPlan) -> typst.Compiler:
    with _COMPILER_LOCK:
        compiler = _COMPILERS.get(dirs)
        if compiler is None:
            compiler = _COMPILERS[dirs] = typst.Compiler(font_paths=plan.fonts)
        return compiler


def _margins(style: str | None) -> dict[str, float] | None:
    """A reference document's margins in mm, where it gives them."""
    if not style:
        return None
    page = load_style(style).page
    return {k: page[k] / 1440 * 25.4 if k in page else v for k, v in GB_MARGINS.items()}


def warm_up(fonts: str | os.PathLike | None = None) -> None:
    """Scan the fonts and create the compiler, without compiling: safe before forking workers (a
    compile is not: see render_pdf)."""
    dirs = font_dirs(fonts)
    _compiler(dirs, font_plan(dirs))


def font_substitutions(fonts: str | os.PathLike | None = None) -> dict[str, str]:
    """Official font name -> the free font `render_pdf` uses instead, on this machine (with `fonts`,
    an extra font folder). Empty when every official font is installed."""
    return font_plan(font_dirs(fonts)).substitutions()


def render_pdf(data: dict, fmt: Format, fonts: str | os.PathLike | None = None, style: str | None = None) -> bytes:
    """The PDF of valid report data in format `fmt`, as bytes: fonts embedded (subset), title, author
    (the unit) and language zh-CN in the metadata, tagged so text extracts in reading order.
    `fonts` is an extra folder searched for fonts; `style` a reference .docx whose margins the page
    takes (as far as a house style maps onto the PDF). Raises RuntimeError (a Chinese message) when no
    CJK font is installed for some role, when typst fails, or in a process forked after this one
    compiled (it would hang there: fork after `warm_up`, or spawn)."""
    return _compile(lambda plan: typst_source(data, fmt, plan, _margins(style)), fonts)


def render_blocks_pdf(blocks: list[Block], title: str, author: str = "",
                      fonts: str | os.PathLike | None = None) -> bytes:
    """The PDF of any report blocks (a summary's, say), typeset as a report is; raises as render_pdf."""
    return _compile(lambda plan: blocks_source(blocks, title, author, plan), fonts)


def _compile(make_source: Callable[[FontPlan], str], fonts: str | os.PathLike | None) -> bytes:
    dirs = font_dirs(fonts)
    plan = font_plan(dirs)
    if plan.missing():
        # typst would print boxes for every Chinese character: refuse rather than publish that
        raise RuntimeError(f"找不到中文字体（{'、'.join(plan.missing())}）：请安装方正小标宋简体、仿宋_GB2312、"
                           "黑体、楷体_GB2312，或免费的 Noto CJK / Fandol 字体，或用 --fonts 指定字体文件夹")
    source = make_source(plan)
    global _COMPILED_IN
    if _COMPILED_IN is not None and _COMPILED_IN != os.getpid():
        raise RuntimeError("PDF 排版引擎不能在 fork 出的子进程中使用：父进程已经排版过（请在 fork 前只调用 warm_up）")
    compiler = _compiler(dirs, plan)
    try:
        with _COMPILER_LOCK:      # one compiler object is not meant to run two documents at once
            pdf = compiler.compile(input=source.encode("utf-8"), format="pdf",
                                   timestamp=_timestamp())
            _COMPILED_IN = _COMPILED_IN or os.getpid()
    except typst.TypstError as e:
        raise RuntimeError(f"PDF 排版失败：{e.message}") from e
    assert isinstance(pdf, bytes)
    return pdf


def _timestamp() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
