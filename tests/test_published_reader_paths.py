"""What the Word and web-page readers' fast paths must keep (issue 10, speed): the text of a
paragraph with and without tabs and breaks (a paragraph's tab stops are not text), tracked deletions holding tabs and pictures, cells
whose properties come after their text, content controls around cells, hidden elements next to
cells styled "border: none", control characters in a page, the rowspan/colspan grid, a page's
line breaks with and without its source's (and a cell inside a cell's block), field codes left in
the tree, and a Word file read from memory as from its path. Each is a small real .docx or
page (or a real published report) read by the reader itself."""
from __future__ import annotations

import re
import struct
import zipfile

from converter.intake.published.document import Document, grid_from_rows
from converter.intake.published.docx import read_docx
from converter.intake.published.html import parse_html

NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx(tmp_path, body: str):
    path = tmp_path / "t.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", f'<?xml version="1.0" encoding="UTF-8"?><w:document {NS}><w:body>{body}'
                                        "</w:body></w:document>")
    return read_docx(str(path))


def _run(*parts: str) -> str:
    return "<w:r>" + "".join(parts) + "</w:r>"


def test_paragraph_text_with_and_without_tabs_and_breaks(tmp_path):
    doc = _docx(tmp_path, "".join([
        "<w:p>" + _run("<w:t>一、</w:t>", "<w:t>总体情况</w:t>") + "</w:p>",
        "<w:p>" + _run("<w:t>甲</w:t>", "<w:tab/>", "<w:t>乙</w:t>", "<w:br/>", "<w:t>丙</w:t>", "<w:noBreakHyphen/>") + "</w:p>",
        # a tab only inside a tracked deletion: not shown, so the paragraph is its w:t alone
        "<w:p><w:del>" + _run("<w:tab/>", "<w:delText>旧</w:delText>") + "</w:del>" + _run("<w:t>新</w:t>") + "</w:p>",
        "<w:p/>",
    ]))
    assert [p.text for p in doc.paragraphs] == ["一、总体情况", "甲 乙\n丙-", "新", ""]


def test_tab_stops_of_a_paragraph_are_not_text(tmp_path):
    # w:pPr/w:tabs/w:tab defines where tabs stop (Word and WPS write them on numbered headings and
    # in tables); only a w:tab in a run is a tab in the text
    stops = '<w:pPr><w:tabs><w:tab w:val="left" w:pos="840"/><w:tab w:val="right" w:pos="8300"/></w:tabs></w:pPr>'
    doc = _docx(tmp_path, "".join([
        "<w:p>" + stops + _run("<w:t>一、总体情况</w:t>") + "</w:p>",
        "<w:p>" + stops + _run("<w:t>甲</w:t>", "<w:tab/>", "<w:t>乙</w:t>") + "</w:p>",
        "<w:tbl><w:tr>" + _cell("项目") + _cell("件数") + "</w:tr><w:tr>" + _cell("新收")
        + "<w:tc><w:p>" + stops + _run("<w:t>12</w:t>") + "</w:p></w:tc></w:tr></w:tbl>",
    ]))
    assert [p.text for p in doc.paragraphs][:2] == ["一、总体情况", "甲 乙"]
    assert [c.text for c in doc.tables[0].cells] == ["项目", "件数", "新收", "12"]


def test_pictures_in_the_body_and_in_a_deletion(tmp_path):
    doc = _docx(tmp_path, "<w:p>" + _run("<w:drawing/>") + "</w:p><w:p><w:del>" + _run("<w:pict/>") + "</w:del></w:p>")
    assert len(doc.images) == 1
    assert len(_docx(tmp_path, "<w:p>" + _run("<w:drawing/>", "<w:object/>") + "</w:p>").images) == 2


def _cell(text: str, props: str = "", props_last: bool = False) -> str:
    p = "<w:p>" + _run(f"<w:t>{text}</w:t>") + "</w:p>"
    tc_pr = f"<w:tcPr>{props}</w:tcPr>" if props else ""
    return "<w:tc>" + (p + tc_pr if props_last else tc_pr + p) + "</w:tc>"


def test_cells_with_spans_merges_content_controls_and_late_properties(tmp_path):
    rows = [
        "<w:tr>" + _cell("标签") + _cell("12", '<w:gridSpan w:val="2"/>', props_last=True) + "</w:tr>",
        "<w:tr>" + _cell("a", '<w:vMerge w:val="restart"/>') + "<w:sdt><w:sdtPr/><w:sdtContent>" + _cell("3")
        + _cell("4") + "</w:sdtContent></w:sdt></w:tr>",
        "<w:tr>" + _cell("", "<w:vMerge/>") + _cell("5") + _cell("6")
        + '<w:trPr><w:gridBefore w:val="0"/></w:trPr></w:tr>',
    ]
    doc = _docx(tmp_path, "<w:tbl>" + "".join(rows) + "</w:tbl>")
    (table,) = doc.tables
    cells = {(c.row, c.col): (c.text, c.rowspan, c.colspan) for c in table.cells}
    # w:gridBefore counts before the row's cells wherever w:trPr stands (a value below 1 reads as 1)
    assert cells == {(0, 0): ("标签", 1, 1), (0, 1): ("12", 1, 2), (1, 0): ("a", 1, 1), (1, 1): ("3", 1, 1),
                     (1, 2): ("4", 1, 1), (2, 1): ("", 1, 1), (2, 2): ("5", 1, 1), (2, 3): ("6", 1, 1)}


def _page(body: str, head: bytes = b'<meta charset="utf-8">') -> Document:
    raw = b"<html><head>" + head + b"</head><body>" + body.encode("utf-8") + b"</body></html>"
    return parse_html(raw, Document(file="t.html", kind="html"))


def test_hidden_elements_and_cells_styled_border_none():
    cell = '<td style="border-left: none; border-top: none">{}</td>'
    doc = _page('<div style="display: none">隐藏</div><p style="visibility : hidden">也隐藏</p>'
                '<p hidden>还隐藏</p><p style="DISPLAY:NONE">大写不算</p>'
                "<table>" + "".join(f"<tr>{cell.format('标签')}{cell.format(n)}</tr>" for n in range(1, 40)) + "</table>")
    assert [p.text for p in doc.paragraphs] == ["大写不算"]
    assert [c.text for c in doc.tables[0].cells[:4]] == ["标签", "1", "标签", "2"]


def test_line_breaks_of_a_page_with_and_without_its_source_line_breaks():
    body = """
<div>前言<p>第一段</p>
<p>第二段<br>续行</p></div>
<table><tr><td>
  <p>版面左</p>
  <table>
    <tr><th>项目</th><th>数量</th></tr>
    <tr><td><p>本年</p><p>新增</p></td><td> 12 </td></tr>
  </table>
</td><td>版面右</td></tr></table>
<table><tr><td>单列一</td></tr><tr><td><p>单列二</p><p>续</p></td></tr></table>
<ul><li>甲</li><li>乙</li></ul>尾
"""
    # the page as saved (line breaks between the tags) and with no white space between the tags
    for page in (body, re.sub(r">\s+<", "><", body).strip()):
        doc = _page(page)
        assert [p.text for p in doc.paragraphs] == ["前言", "第一段", "第二段", "续行", "版面左", "版面右", "单列一",
                                                    "单列二", "续", "甲", "乙", "尾"]
        (table,) = doc.tables
        assert [(c.text, c.row, c.col) for c in table.cells] == [("项目", 0, 0), ("数量", 0, 1), ("本年\n新增", 1, 0),
                                                                 ("12", 1, 1)]
    # a cell inside a block of a cell, with no table between (the parser keeps it there): its line
    # breaks are part of the outer cell's text
    doc = _page("<table><tr><td>项目</td><td>数量</td></tr><tr><td>本年</td><td>12<div>前<td>格</td>中</div></td></tr>"
                "</table>")
    assert [c.text for c in doc.tables[0].cells] == ["项目", "数量", "本年", "12\n前\n格\n中"]


def test_control_characters_are_dropped_from_a_page():
    for raw in ("<p>一\x01二\ufffe三\x1f</p>".encode(), "<p>一\x01二三</p>".encode("gb18030")):
        head = b'<meta charset="utf-8">' if b"\xef" in raw else b'<meta charset="gbk">'
        doc = parse_html(b"<html><head>" + head + b"</head><body>" + raw + b"</body></html>",
                         Document(file="t.html", kind="html"))
        assert [p.text for p in doc.paragraphs] == ["一二三"]
    assert [p.text for p in _page("<p>一\t二</p>").paragraphs] == ["一\t二"]


def test_grid_of_row_and_column_spans():
    cells = grid_from_rows([[("a", 2, 1), ("b", 1, 2)], [("c", 1, 1), ("d", 3, 1)], [("e", 1, 1), ("f", 1, 1)]])
    assert [(c.text, c.row, c.col, c.rowspan, c.colspan) for c in cells] == [
        ("a", 0, 0, 2, 1), ("b", 0, 1, 1, 2), ("c", 1, 1, 1, 1), ("d", 1, 2, 2, 1), ("e", 2, 0, 1, 1), ("f", 2, 1, 1, 1)]


def test_pages_in_utf8_with_declarations():
    def read(raw: bytes) -> Document:
        return parse_html(raw, Document(file="t.html", kind="html"))
    page = "<html><head>{}</head><body><p>一、总体情况</p></body></html>"
    # an XML declaration before the page, white space before it, a <meta> naming another encoding
    for raw in ('<?xml version="1.0" encoding="utf-8"?>' + page.format(""),
                ' \n<?xml version="1.0"?>' + page.format('<meta charset="iso-8859-1">')):
        assert [p.text for p in read(raw.encode()).paragraphs] == ["一、总体情况"], raw
    # an ideographic space before the page is text of its own (read from the decoded text)
    assert [p.text for p in read(("\u3000" + page.format("")).encode()).paragraphs] == ["\u3000", "一、总体情况"]
    # a second declaration that names an encoding: the page cannot be parsed, as before
    doc = read(('<?xml version="1.0"?><?xml version="1.0" encoding="utf-8"?>' + page.format("")).encode())
    assert not doc.paragraphs and [f.code for f in doc.problems] == ["PUB_FILE_UNREADABLE"]
    assert [f.code for f in read(b'<?xml version="1.0"?> \n').problems] == ["PUB_FILE_UNREADABLE"]


def test_field_codes_are_left_in_place_only_when_they_hold_text_alone(tmp_path):
    field = _run("<w:fldChar/>") + _run("<w:instrText> PAGE </w:instrText>") + _run("<w:t>3</w:t>")
    table = ("<w:tbl><w:tr>" + _cell("标签") + _cell("12", '<w:gridSpan w:val="2"/>') + "</w:tr><w:tr>"
             + _cell("a") + _cell("4") + _cell("5") + "</w:tr></w:tbl>")
    doc = _docx(tmp_path, "<w:p>" + field + "</w:p><w:p>" + _run("<w:delText>旧</w:delText>", "<w:t>新</w:t>")
                + "</w:p>" + table + "<w:p>" + _run("<w:drawing/>") + "</w:p>")
    assert [p.text for p in doc.paragraphs] == ["3", "新", ""]
    assert [(c.text, c.col, c.colspan) for c in doc.tables[0].cells] == [
        ("标签", 0, 1), ("12", 1, 2), ("a", 0, 1), ("4", 1, 1), ("5", 2, 1)]
    assert len(doc.images) == 1
    # a field code holding elements (not what Word writes) is stripped with all it holds
    odd = _docx(tmp_path, "<w:p>" + _run("<w:instrText>PAGE<w:t>藏</w:t></w:instrText>", "<w:t>显</w:t>") + "</w:p>")
    assert [p.text for p in odd.paragraphs] == ["显"]


def test_a_word_file_read_from_memory_reads_as_from_its_path(tmp_path):
    from published_truth import FIXTURES

    from converter.intake import read_report
    from converter.intake.published import read_published

    def seen(r):
        return r.data, r.format_id, r.locations, [repr(f) for f in r.findings], r.reported
    good = FIXTURES / "shuyang_fgj_2023_word.docx"
    assert read_report(good).data is not None
    assert seen(read_report(good)) == seen(read_published(good))
    # a package whose document part is damaged: the same finding either way
    raw = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as z:
        info = z.getinfo("word/document.xml")
    name_len, extra_len = struct.unpack_from("<2H", raw, info.header_offset + 26)     # the local header's
    start = info.header_offset + 30 + name_len + extra_len + 100
    raw[start:start + 64] = bytes(64)
    bad = tmp_path / "bad.docx"
    bad.write_bytes(bytes(raw))
    from_memory, from_path = seen(read_report(bad)), seen(read_published(bad))
    assert from_memory[0] is None and from_memory == from_path
    assert "PUB_FILE_UNREADABLE" in from_memory[3][0]


def test_glibc_fastbins_are_turned_off_once():
    import platform
    import sys

    from converter.intake.allocator import no_fastbins
    first = no_fastbins()
    assert no_fastbins() is first
    assert first is (sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc")
