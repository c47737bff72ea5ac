"""The HTML page of a report: semantic tables with the official merges, narrative under <h2>/<h3>,
nothing external or scripted; printed by a real headless Chromium to A4 PDF and PNG without overflow."""
import copy
import re
import subprocess
from urllib.parse import unquote

import lxml.html
import pdfplumber
import pytest
from PIL import Image
from publishing import (
    chromium,
    chromium_run,
    pdftotext,
    squash,
    table_rows_found,
    valid_samples,
)

from converter.render.blocks import (
    H1_STYLE,
    H2_STYLE,
    TITLE_STYLE,
    Paragraph,
    TableBlock,
    report_blocks,
    report_title,
)
from converter.render.html import (
    IndexRow,
    index_html,
    render_html,
    render_html_fragment,
)

SAMPLES = valid_samples()
MM = 72 / 25.4


def _grid_of(table) -> dict:
    """(row, col) -> (rowspan, colspan, text, tag) of an HTML table, placed as a browser places cells."""
    taken: set = set()
    out = {}
    for r, tr in enumerate(table.iter("tr")):
        c = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while (r, c) in taken:
                c += 1
            rs, cs = int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))
            out[(r, c)] = (rs, cs, cell.text_content(), cell.tag)
            taken |= {(r + i, c + j) for i in range(rs) for j in range(cs)}
            c += cs
    return out


def _scopes(table) -> dict:
    """(row, col) -> scope of each <th>: the cells are placed in document order, row by row."""
    placed = [k for k, v in sorted(_grid_of(table).items()) if v[3] == "th"]
    return dict(zip(placed, (th.get("scope") for th in table.iter("th")), strict=True))


@pytest.mark.parametrize(("name", "data", "fmt"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_tables_carry_the_official_merges_and_every_figure(name, data, fmt):
    doc = lxml.html.fromstring(render_html(data, fmt))
    tables = doc.findall(".//table")
    blocks = [b for b in report_blocks(data, fmt) if isinstance(b, TableBlock)]
    assert len(tables) == len(blocks) == 3
    for table, block in zip(tables, blocks):
        grid, texts, widths = block.grid, block.texts, block.widths
        got = _grid_of(table)
        want = {(c.row, c.col): (c.rowspan, c.colspan, texts.get((c.row, c.col), c.text),
                                 "td" if c.path else "th") for c in grid.cells}
        assert got == want
        assert len(table.findall("./thead/tr")) == grid.header_rows
        assert table.find("caption") is not None and table.find("caption").text_content()
        scopes = {(c.row, c.col): {"label": "row", "title": "colgroup"}.get(c.role, "col")
                  for c in grid.cells if not c.path}
        assert _scopes(table) == scopes
        cols = [float(re.search(r"width: ([\d.]+)%", c.get("style")).group(1)) for c in table.iter("col")]
        assert len(cols) == grid.width
        assert [round(w, 1) for w in cols] == [round(w / sum(widths) * 100, 1) for w in widths]


@pytest.mark.parametrize(("name", "data", "fmt"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_narrative_in_order_under_headings(name, data, fmt):
    doc = lxml.html.fromstring(render_html(data, fmt))
    got = [(e.tag, e.text_content()) for e in doc.iter("h1", "h2", "h3", "p")]
    tag = {TITLE_STYLE: "h1", H1_STYLE: "h2", H2_STYLE: "h3", None: "p"}
    want = [(tag[b.style], b.text.replace("\n", "")) for b in report_blocks(data, fmt) if isinstance(b, Paragraph) and b.text]
    assert got == want
    assert doc.find(".//title").text == report_title(data, fmt)
    assert doc.get("lang") == "zh-CN"


@pytest.mark.parametrize("render", [render_html, render_html_fragment])
def test_no_script_and_nothing_external(render):
    for _, data, fmt in SAMPLES:
        d = copy.deepcopy(data)
        d["fields"]["preface"] = '<script>alert(1)</script> <img src="http://x.example/a.png"> & "q"'
        html = render(d, fmt)
        doc = lxml.html.fromstring(html)
        assert not list(doc.iter("script", "img", "iframe", "link", "object", "embed"))
        assert "<script" not in html.lower() and "url(" not in html and "@import" not in html
        for e in doc.iter():
            for attr, value in e.attrib.items():
                assert not attr.startswith("on")
                assert "//" not in value or attr == "style", (attr, value)
        assert d["fields"]["preface"] in doc.text_content()


def test_fragment_is_one_article_styled_inline():
    for _, data, fmt in SAMPLES:
        html = render_html_fragment(data, fmt)
        assert "<style" not in html and "<head" not in html and "class=\"scroll\"" not in html
        doc = lxml.html.fragment_fromstring(html)
        assert doc.tag == "article"
        for e in doc.iter("article", "h1", "h2", "h3", "p", "table", "th", "td"):
            assert "font" in e.get("style", "") or "border" in e.get("style", "") or e.tag in ("p",), e.tag
        assert all("border" in e.get("style") for e in doc.iter("th", "td"))
        page = lxml.html.fromstring(render_html(data, fmt))
        assert [e.text_content() for e in doc.iter("p", "td", "th")] == \
            [e.text_content() for e in page.iter("p", "td", "th")]


def test_index_lists_every_unit_with_status_and_links():
    rows = [IndexRow("南岭镇人民政府", 2024, "通过", True, "南岭镇人民政府-2024.docx", "南岭镇人民政府-2024.pdf",
                     "南岭镇人民政府-2024.html"),
            IndexRow("云溪县<教育局>", 2024, "未通过（4 个错误）", False)]
    doc = lxml.html.fromstring(index_html(rows))
    body = doc.findall(".//tbody/tr")
    assert len(body) == 2
    assert body[1].find("th").text == "云溪县<教育局>"
    links = [unquote(a.get("href")) for a in body[0].iter("a")]
    assert links == ["南岭镇人民政府-2024.docx", "南岭镇人民政府-2024.pdf", "南岭镇人民政府-2024.html"]
    assert all(re.fullmatch(r"[\w.%-]+", a.get("href"), re.ASCII) for a in body[0].iter("a"))
    assert not list(body[1].iter("a"))
    assert "未通过（4 个错误）" in body[1].text_content()
    assert "bad" in body[1].findall("td")[1].get("class")
    assert "共 2 个单位，通过 1 个" in doc.text_content()


needs_chromium = pytest.mark.skipif(chromium() is None, reason="chromium missing (make fonts)")


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """name -> (data, fmt, PDF path, PNG path) of each valid sample's page printed by Chromium."""
    folder = tmp_path_factory.mktemp("html")
    out = {}
    for name, data, fmt in SAMPLES:
        page = folder / f"{name}.html"
        page.write_text(render_html(data, fmt), encoding="utf-8")
        pdf, png = folder / f"{name}.pdf", folder / f"{name}.png"
        chromium_run(page.as_uri(), "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
        # 794 px is A4's width at 96 px/in: the screen view at the width of a printed page
        chromium_run(page.as_uri(), "--hide-scrollbars", "--window-size=794,3000", f"--screenshot={png}")
        out[name] = (data, fmt, pdf, png)
    return out


@needs_chromium
def test_printed_a4_nothing_overflows_or_shrinks(printed):
    for name, (data, fmt, pdf_path, _) in printed.items():
        with pdfplumber.open(pdf_path) as pdf:
            sizes = []
            for page in pdf.pages:
                assert (round(page.width), round(page.height)) == (595, 842), name
                marks = [c for c in page.chars if not c["text"].isspace()] + page.rects + page.lines
                assert marks
                # the 版心 (28 mm left, 26 mm right), with a point for border widths
                assert min(m["x0"] for m in marks) >= 28 * MM - 1.5, name
                assert max(m["x1"] for m in marks) <= page.width - 26 * MM + 1.5, name
                sizes += [round(c["size"], 1) for c in page.chars]
            # not shrunk to fit: the body is still 16 pt and the title 22 pt
            assert sizes.count(16.0) > 500 and 22.0 in sizes, name


@needs_chromium
def test_printed_text_holds_every_paragraph_and_figure(printed):
    for name, (data, fmt, pdf_path, _) in printed.items():
        text = squash(pdftotext(pdf_path))
        for b in report_blocks(data, fmt):
            if isinstance(b, Paragraph) and b.text:
                assert squash(b.text) in text, (name, b.text[:30])
        rows = []
        for b in report_blocks(data, fmt):
            if isinstance(b, TableBlock):
                for r in sorted({row for row, _ in b.texts}):
                    rows.append([t for (row, _), t in sorted(b.texts.items()) if row == r])
        assert table_rows_found(pdftotext(pdf_path, layout=True), rows) == [], name
        assert "— 1 —" in pdftotext(pdf_path).replace("—1—", "— 1 —")


@needs_chromium
def test_printed_png_margins_blank(printed, tmp_path):
    """The printed pages as PNG: both side margins empty on every page."""
    for name, (_, _, pdf_path, _) in printed.items():
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf_path), str(tmp_path / name)], check=True)
        pngs = sorted(tmp_path.glob(f"{name}-*.png"))
        assert pngs
        for i, png in enumerate(pngs):
            with Image.open(png) as img:
                gray = img.convert("L")
                w, h = gray.size
                px = 60 / 25.4                       # pixels per mm
                assert gray.crop((0, 0, int(27 * px), h)).getextrema()[0] > 200, png.name
                assert gray.crop((w - int(25 * px), 0, w, h)).getextrema()[0] > 200, png.name
                assert gray.getextrema()[0] < 100, png.name     # not blank
                if i == 0:      # not shrunk to fit: the justified preface reaches the column's right edge
                    dark = [x for x in range(w) if gray.crop((x, 0, x + 1, h)).getextrema()[0] < 128]
                    assert max(dark) >= (210 - 26 - 2) * px, png.name


@needs_chromium
def test_screen_png_within_the_column(printed):
    """On screen the article is a 156 mm column in the middle of the window: nothing right of it."""
    for name, (*_, png) in printed.items():
        with Image.open(png) as img:
            gray = img.convert("L")
            w, h = gray.size
            assert w == 794
            right = (w + 156 / 25.4 * 96) / 2
            assert gray.crop((int(right) + 4, 0, w, h)).getextrema()[0] > 200, name
            assert gray.crop((0, 0, w, 600)).getextrema()[0] < 100, name
