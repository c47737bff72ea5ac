"""The Word reports as LibreOffice lays them out, page by page (text with positions, from the PDF):
no page starts with an empty line, a table that fits on a page is never split, no block title is left
alone at the bottom of a page, the title breaks between words, and a body line holds 28 characters."""
import shutil

import office
import pdfplumber
import pytest
from conftest import SAMPLES

from converter.batch import build

TOP_MARGIN_PT = 37 / 25.4 * 72
LINE_PT = 28.95


@pytest.fixture(scope="module")
def pages(tmp_path_factory, lo_profile):
    """sample name -> [text of each page as lines, each line (top, text)]"""
    out = tmp_path_factory.mktemp("reports")
    report = build([SAMPLES], out, jobs=1)
    docs = [t.output for t in report.tasks if t.output]
    assert len(docs) == 5
    pdf_dir = tmp_path_factory.mktemp("pdf")
    src = tmp_path_factory.mktemp("docx")
    result = {}
    for d in docs:
        name = d.rsplit("/", 1)[-1]
        shutil.copy(d, src / name)
        pdf = office.convert(src / name, pdf_dir, "pdf", lo_profile)
        with pdfplumber.open(pdf) as doc:
            result[name] = [_lines(p) for p in doc.pages]
    return result


def _lines(page):
    rows = {}
    for w in page.extract_words(keep_blank_chars=True):
        rows.setdefault(round(w["top"]), []).append(w)
    return [(top, "".join(w["text"] for w in sorted(ws, key=lambda w: w["x0"])).replace(" ", ""))
            for top, ws in sorted(rows.items())]


def _page_of(doc, text):
    return next((i for i, lines in enumerate(doc) if any(text in t for _, t in lines)), None)


def test_no_page_starts_with_an_empty_line(pages):
    for name, doc in pages.items():
        for i, lines in enumerate(doc):
            first = lines[0][0]
            assert first < TOP_MARGIN_PT + LINE_PT * 0.7, (name, i + 1, lines[0])


def test_tables_that_fit_are_not_split(pages):
    for name, doc in pages.items():
        first, last = _page_of(doc, "一、本年新收政府信息公开申请数量"), _page_of(doc, "四、结转下年度继续办理")
        assert first is not None and first == last, (name, first, last)
        heading = _page_of(doc, "三、收到和处理政府信息公开申请情况")
        assert heading == first, name               # the heading stays with its table
        assert _page_of(doc, "第二十条第（一）项") == _page_of(doc, "行政事业性收费"), name   # table 二 whole


def test_no_block_title_alone(pages):
    for name, doc in pages.items():
        for i, lines in enumerate(doc):
            texts = [t for _, t in lines]
            for j, t in enumerate(texts):
                if t.startswith("第二十条第"):
                    assert len(texts) > j + 3, (name, i + 1, t)        # its header and two rows follow it


def test_title_breaks_between_words(pages):
    for name, doc in pages.items():
        unit = name.split("20")[0]
        head = [t for _, t in doc[0][:3]]
        assert head[1] == "政府信息公开工作年度报告", (name, head)
        assert head[0].startswith(unit) and head[0].endswith("年"), (name, head)


def test_a_body_line_holds_28_characters(pages):
    doc = pages["南岭镇人民政府2024年政府信息公开工作年度报告.docx"]
    widths = [len(t) for _, t in doc[0] if len(t) >= 20 and not any(c.isdigit() for c in t)]
    assert widths and max(widths) == 28, widths
