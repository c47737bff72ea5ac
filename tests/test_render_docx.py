"""The Word report: content from the data, official tables, GB/T 9704 typesetting."""
import re

import docx_read
import pytest
from conftest import FIXTURES, SAMPLES

from converter.definition.layout import layout_group
from converter.intake.workbook import read_workbook
from converter.render.docx import render_report

W = docx_read.W
HEADING = re.compile(r"^([一二三四五六]、|[（(][一二三四五][）)])")


@pytest.fixture(scope="module")
def nanling():
    r = read_workbook(SAMPLES / "南岭镇人民政府-2024.xlsx")
    return r.data, render_report(r.data)


def _norm(s: str) -> str:
    s = s.replace("(", "（").replace(")", "）").replace(",", "，")
    return re.sub(r"\s+", "", s)


def _example():
    lines = (FIXTURES / "example-report-nanling-2024.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and "\t" not in line and not line.startswith("---")]


def test_nanling_holds_every_paragraph_of_the_example(nanling):
    _, blob = nanling
    text = _norm("".join(t for _, t in docx_read.paragraphs(blob)))
    example = _example()
    body = [line for line in example[1:] if len(line) > 20 and not HEADING.match(line)]   # not title or headings
    assert len(body) >= 15
    missing = [line for line in body if _norm(line.lstrip("- ")) not in text]
    assert missing == []


def test_nanling_holds_every_heading(nanling):
    _, blob = nanling
    heads = [t for style, t in docx_read.paragraphs(blob) if style in ("一级标题", "二级标题")]
    heads_norm = [_norm(h) for h in heads]
    example_heads = [line for line in _example() if HEADING.match(line)]
    assert len(example_heads) == 6 + 5 + 2
    for h in example_heads:
        core = _norm(re.sub(r"[（(]依申请公开[)）]$", "", h)).replace("情况", "")
        ordinal = core[:3] if core.startswith("（") else core[:2]
        rest = core[len(ordinal):]
        assert any(x.startswith(ordinal) and rest in x.replace("情况", "") for x in heads_norm), h


def test_title_and_preface(nanling):
    data, blob = nanling
    paras = docx_read.paragraphs(blob)
    assert paras[0] == ("报告标题", "南岭镇人民政府2024年政府信息公开工作年度报告")
    assert paras[1][1].startswith("根据《中华人民共和国政府信息公开条例》的要求")


def test_generated_preface_when_blank(f2021, workbook):
    r = read_workbook(workbook(f2021, {("fields", "website"): "测试县人民政府门户网站"}))
    paras = docx_read.paragraphs(render_report(r.data))
    assert "2024年1月1日起至2024年12月31日止" in paras[1][1] and "测试县人民政府门户网站" in paras[1][1]


def test_tables_have_official_shape_and_every_figure(nanling):
    data, blob = nanling
    from converter.definition.formats import get
    fmt = get("2019")
    tables = docx_read.tables(blob)
    groups = [s.group for s in fmt.sections if s.group]
    assert len(tables) == len(groups) == 3
    for group, table in zip(groups, tables):
        grid = layout_group(group)
        assert table["height"] == grid.height and table["width"] == grid.width
        expected = {(c.row, c.col): (c.rowspan, c.colspan) for c in grid.cells}
        assert {k: (v[1], v[2]) for k, v in table["cells"].items()} == expected
        for c in grid.cells:
            text = table["cells"][(c.row, c.col)][0]
            assert text == (c.text if c.path is None else "0")


def test_example_table_labels_all_present(nanling):
    _, blob = nanling
    labels = {_norm(v[0]) for t in docx_read.tables(blob) for v in t["cells"].values()}
    example = (FIXTURES / "example-report-nanling-2024.txt").read_text(encoding="utf-8")
    for line in example.splitlines():
        if "\t" not in line:
            continue
        for cell in line.split("\t"):
            cell = cell.strip()
            if cell and cell != "0" and set(cell) != {"-"} and not cell.startswith(("（本列", "(本列", "项加")):
                assert _norm(cell) in labels, cell


def test_header_rows_repeat_and_no_added_rows(nanling):
    _, blob = nanling
    t2, t3, t4 = docx_read.tables(blob)
    assert t3["header_rows"] == 3 and t4["header_rows"] == 3
    assert t3["height"] == 3 + 23         # 2019: 23 official rows under a 3-row header


def test_fonts_are_east_asian_and_page_is_gbt9704(nanling):
    _, blob = nanling
    styles = docx_read.part(blob, "word/styles.xml")
    fonts = {}
    for st in styles.iter(W + "style"):
        rf = st.find(f"{W}rPr/{W}rFonts")
        if rf is not None:
            fonts[st.get(W + "styleId")] = rf.get(W + "eastAsia")
    assert fonts["Normal"] == "仿宋_GB2312"
    names = {st.find(W + "name").get(W + "val"): st.get(W + "styleId") for st in styles.iter(W + "style")}
    assert fonts[names["报告标题"]] == "方正小标宋简体"
    assert fonts[names["一级标题"]] == "黑体" and fonts[names["二级标题"]] == "楷体_GB2312"
    doc = docx_read.part(blob, "word/document.xml")
    pg = doc.find(f".//{W}sectPr/{W}pgSz")
    mar = doc.find(f".//{W}sectPr/{W}pgMar")
    assert (int(pg.get(W + "w")), int(pg.get(W + "h"))) == (11906, 16838)
    mm = {k: round(int(mar.get(W + k)) / 1440 * 25.4) for k in ("top", "bottom", "left", "right")}
    assert mm == {"top": 37, "bottom": 35, "left": 28, "right": 26}
    assert all(rf.get(W + "eastAsia") for rf in doc.iter(W + "rFonts"))


def test_page_numbers(nanling):
    _, blob = nanling
    import io
    import zipfile
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        footer = next(n for n in z.namelist() if n.startswith("word/footer"))
    xml = docx_read.part(blob, footer)
    text = "".join(t.text for t in xml.iter(W + "t"))
    assert text == "— 1 —" and any("PAGE" in (i.text or "") for i in xml.iter(W + "instrText"))


def test_fee_sentence_added_unless_mentioned(f2021, workbook):
    r = read_workbook(workbook(f2021, {("fields", "fee"): 150}))
    text = "".join(t for _, t in docx_read.paragraphs(render_report(r.data)))
    assert "本机关2024年度共收取政府信息公开信息处理费150元。" in text
    r = read_workbook(workbook(f2021, {("fields", "othertext"): "本年度未收取信息处理费。"}))
    text = "".join(t for _, t in docx_read.paragraphs(render_report(r.data)))
    assert "未收取政府信息公开信息处理费" not in text


def test_money_and_negative_figures(f2019, workbook):
    r = read_workbook(workbook(f2019, {("tables", "a5", "licensing", "change"): -2,
                                       ("tables", "a9", "procurement", "amount"): 56.8, ("fields", "year"): 2020}))
    texts = [v[0] for v in docx_read.tables(render_report(r.data))[0]["cells"].values()]
    assert "-2" in texts and "56.8" in texts


def _dump(blob: bytes):
    """Everything a reader sees: each paragraph's style and text, each table's cells with their spans."""
    return docx_read.paragraphs(blob), docx_read.tables(blob)


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.xlsx")), ids=lambda p: p.stem)
def test_fast_writer_matches_python_docx_reference(path):
    from converter.render.docx import render_report_reference
    r = read_workbook(path)
    fast, ref = render_report(r.data), render_report_reference(r.data)
    assert _dump(fast) == _dump(ref)
    # the document text, byte for byte
    text = lambda b: "\n".join(t for _, t in docx_read.paragraphs(b)).encode()    # noqa: E731
    assert text(fast) == text(ref)
    # every other part of the package is the same
    import io
    import zipfile
    with zipfile.ZipFile(io.BytesIO(fast)) as a, zipfile.ZipFile(io.BytesIO(ref)) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if name != "word/document.xml":
                assert a.read(name) == b.read(name), name
        assert a.testzip() is None


def test_control_characters_in_unit_text(f2021, workbook):
    from converter.render.docx import render_report_reference
    r = read_workbook(workbook(f2021, {("fields", "active"): "第一段\x0b\x07含控制字符"}))
    assert _dump(render_report(r.data)) == _dump(render_report_reference(r.data))


def test_document_properties_are_the_reports(nanling):
    """What Word's 文件 → 信息 shows: the report's title and the unit, not python-docx's defaults."""
    import io
    import zipfile
    _, blob = nanling
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        names = z.namelist()
        core, app = z.read("docProps/core.xml").decode(), z.read("docProps/app.xml").decode()
        settings, styles, fonts = (z.read(n).decode() for n in ("word/settings.xml", "word/styles.xml", "word/fontTable.xml"))
        rels, types = z.read("_rels/.rels").decode(), z.read("[Content_Types].xml").decode()
    assert "<dc:title>南岭镇人民政府2024年政府信息公开工作年度报告</dc:title>" in core
    assert "<dc:creator>南岭镇人民政府</dc:creator>" in core and "2024-12-31T00:00:00Z" in core
    assert "python-docx" not in core and "2013" not in core
    assert "<Application>nianbao</Application>" in app and "Macintosh" not in app and "<Pages>" not in app
    assert "docProps/thumbnail.jpeg" not in names and "thumbnail" not in rels and "jpeg" not in types
    assert 'w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"' in settings
    assert 'w:eastAsia="zh-CN"' in styles and "ja-JP" not in settings and 'w:eastAsia="en-US"' not in styles
    for font in ("仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"):
        assert f'w:name="{font}"' in fonts
    assert "Cambria" not in fonts and "ＭＳ 明朝" not in fonts
