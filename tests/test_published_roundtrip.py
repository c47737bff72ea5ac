"""Our own reports read back: every sample built into its Word report (and printed as a web page)
reads back to the data it was built from; and the label variants real reports print are read by
their labels, with findings where a cell is not a number."""
from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from published_pages import page_html

from converter.checks import Context, run_checks
from converter.definition.formats import get
from converter.intake.published import read_published
from converter.intake.workbook import read_workbook
from converter.render.blocks import preface
from converter.render.docx import render_report

SAMPLES = sorted((Path(__file__).parent.parent / "samples").glob("*.xlsx"))
NOT_PRINTED = ("contact", "phone")          # basic information the report does not show


def _sample(path: Path):
    r = read_workbook(path)
    assert r.data is not None
    return r.data, get(r.format_id)


def _expected_fields(data: dict, fmt) -> dict:
    """What a reader of the printed report can know: the preface as printed (generated when the unit
    left it blank), the narrative as printed, contact and phone not at all."""
    f = dict(data["fields"])
    f["preface"] = preface(data, fmt)
    # the website is known where the printed preface names it in the standard sentence
    if not f["website"] or fmt.published.format(website=f["website"]) not in f["preface"]:
        f["website"] = ""
    for key in NOT_PRINTED:
        f[key] = ""
    return f


def _printed_other(fields: dict, fmt) -> str:
    """Part 六 as printed: the renderer adds the fee sentence unless the text speaks of the fee."""
    text = fields["othertext"]
    field = fmt.field("fee")
    if field.sentence and field.skip_if_mentioned not in text:
        zero, some = field.sentence
        value = fields["fee"]
        shown = str(int(value)) if float(value).is_integer() else str(value)
        sentence = (zero if not value else some).format(year=fields["year"], value=shown)
        text = "\n".join(x for x in (text, sentence) if x)
    return text


def _compare(data: dict, fmt, back) -> None:
    assert back.format_id == fmt.id
    got = back.data
    for t, rows in data["tables"].items():
        for r, cols in rows.items():
            for c, value in cols.items():
                printed = got["tables"][t][r][c]
                path = ("tables", t, r, c)
                if isinstance(value, (int, float)) or value is None:
                    assert printed == value and type(printed) is type(value), path
                else:   # a workbook cell that was not a number is printed as text: read as its number, if any
                    digits = re.sub(r"\D", "", value)
                    assert printed == (int(digits) if digits else None), path
    expected = _expected_fields(data, fmt)
    for key, value in expected.items():
        if key == "othertext":
            assert got["fields"][key] == _printed_other(data["fields"], fmt)
        else:
            assert got["fields"][key] == value, key


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_own_word_report_reads_back(sample, tmp_path):
    data, fmt = _sample(sample)
    path = tmp_path / f"{sample.stem}.docx"
    path.write_bytes(render_report(data, fmt))
    back = read_published(path)
    _compare(data, fmt, back)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_own_report_as_a_web_page_reads_back(sample, tmp_path):
    data, fmt = _sample(sample)
    path = tmp_path / f"{sample.stem}.html"
    path.write_text(page_html(data, fmt), encoding="utf-8")
    back = read_published(path)
    _compare(data, fmt, back)


def _clean_2021():
    data, fmt = _sample(next(p for p in SAMPLES if "青山镇" in p.name))
    return data, fmt


def _read_page(tmp_path, text: str, encoding="utf-8", name="page.html"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return read_published(path)


def test_gbk_page_without_declaration_nested_in_a_layout_table(tmp_path):
    data, fmt = _clean_2021()
    page = page_html(data, fmt, charset=None)
    page = page.replace("<div class='content'>", "<table><tr><td>菜单</td></tr><tr><td><div class='content'>")
    page = page.replace("<div class='footer'>", "</td></tr></table><div class='footer'>")
    back = _read_page(tmp_path, page, "gbk")
    assert back.data["tables"] == data["tables"]
    assert back.data["fields"]["unit"] == data["fields"]["unit"]


def test_label_variants_are_read_by_their_labels(tmp_path):
    data, fmt = _clean_2021()
    page = page_html(data, fmt)
    variants = {
        "（一）予以公开": "(一)予以公开",                       # half-width brackets
        "1.属于国家秘密": "１．属于国家秘密",                   # full-width digits and point
        "2.重复申请": "2、重复申请",                           # 、 for the point
        "“三安全一稳定”": "三安全一稳定",                       # quotes left out
        "行政规范性文件": "规范性文件",                         # the 2019 wording in a 2021 report
        "一、本年新收政府信息公开申请数量": "一、本年新收政府信息<br>公开申请 数量",   # line break, space
        "本年制发件数": "本年制发<br/>件数",
    }
    for old, new in variants.items():
        assert old in page
        page = page.replace(old, new)
    back = _read_page(tmp_path, page)
    assert back.data["tables"] == data["tables"]
    assert not [f for f in back.findings if f.code.startswith("PUB_") and f.sheet]


def test_dashes_and_words_in_cells_are_null_with_findings(tmp_path):
    data, fmt = _clean_2021()
    marked = copy.deepcopy(data)
    marked["tables"]["p3"]["deny1"]["natural"] = "/"
    marked["tables"]["p3"]["deny2"]["natural"] = "—"
    marked["tables"]["p3"]["deny3"]["natural"] = "无"
    marked["tables"]["p3"]["deny4"]["natural"] = "-"
    marked["tables"]["a5"]["licensing"]["decisions"] = "见附件"
    back = _read_page(tmp_path, page_html(marked, fmt))
    p3 = back.data["tables"]["p3"]
    assert [p3[k]["natural"] for k in ("deny1", "deny2", "deny3", "deny4")] == [None] * 4
    assert back.data["tables"]["a5"]["licensing"]["decisions"] is None
    dashes = [f for f in back.findings if f.code == "PUB_CELL_DASH"]
    assert len(dashes) == 4 and dashes[0].sheet == "表三" and "「1.属于国家秘密」行「自然人」列" in dashes[0].cell
    unreadable = [f for f in back.findings if f.code == "PUB_CELL_UNREADABLE"]
    assert len(unreadable) == 1 and "见附件" in unreadable[0].message
    # the reader's own findings stand for these cells: the schema check does not repeat them
    checked = run_checks(back.data, fmt, Context(fmt, back.locations, back.reported))
    assert not [f for f in checked if f.code == "VALUE_BLANK"]


P4_TWO_PARTS = """<table border='1'>
<tr><td colspan='6'>行政复议</td></tr>
<tr><td colspan='2'>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>
<tr><td>1</td><td>2</td><td>3</td><td>4</td><td>5</td><td>23</td></tr>
<tr><td colspan='6'>行政诉讼</td></tr>
<tr><td colspan='6'>未经复议直接起诉</td></tr>
<tr><td colspan='2'>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>
<tr><td colspan='2'>0</td><td>1</td><td>0</td><td>0</td><td>1</td></tr>
<tr><td colspan='6'>复议后起诉</td></tr>
<tr><td colspan='2'>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>
<tr><td colspan='2'>－</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
</table>"""


def test_table_four_printed_in_parts_with_a_number_split_over_two_cells(tmp_path):
    data, fmt = _clean_2021()
    back = _read_page(tmp_path, page_html(data, fmt, replace_table={"p4": P4_TWO_PARTS}))
    p4 = back.data["tables"]["p4"]["main"]
    assert [p4[k] for k in ("rupheld", "rcorrected", "rother", "rpending", "rtotal")] == [12, 3, 4, 5, 23]
    assert [p4[k] for k in ("dupheld", "dcorrected", "dother", "dpending", "dtotal")] == [0, 1, 0, 0, 1]
    assert [p4[k] for k in ("aupheld", "acorrected", "aother", "apending", "atotal")] == [None, 0, 0, 0, 0]
    codes = [f.code for f in back.findings]
    assert "PUB_CELL_SPLIT" in codes and "PUB_CELL_DASH" in codes
    checked = run_checks(back.data, fmt, Context(fmt, back.locations, back.reported))
    assert [f.code for f in checked if f.code.startswith("P4")] == ["P4_BLOCK_TOTAL"]   # 12+3+4+5 ≠ 23


def test_2019_report_without_block_nine(tmp_path):
    data, fmt = _sample(next(p for p in SAMPLES if "石门乡" in p.name))
    assert fmt.id == "2019"
    page = page_html(data, fmt)
    page = re.sub(r"<tr><td colspan='4'><p>第二十条第（九）项.*?(?=</table>)", "", page, flags=re.DOTALL)
    assert "政府集中采购" not in page
    back = _read_page(tmp_path, page)
    assert back.format_id == "2019"
    assert back.data["tables"]["a9"]["procurement"] == {"projects": None, "amount": None}
    assert [f.code for f in back.findings if f.sheet] == ["PUB_BLOCK_ABSENT"]
    for key in ("a1", "a5", "a6", "a8", "p3", "p4"):
        assert back.data["tables"][key] == data["tables"][key]


def test_a_row_label_not_found_is_null_with_a_finding(tmp_path):
    data, fmt = _clean_2021()
    page = page_html(data, fmt).replace("4.保护第三方合法权益", "4.另有规定的其他情形")
    back = _read_page(tmp_path, page)
    assert all(v is None for v in back.data["tables"]["p3"]["deny4"].values())
    missing = [f for f in back.findings if f.code == "PUB_ROW_NOT_FOUND"]
    assert len(missing) == 1 and "4.保护第三方合法权益" in missing[0].message
    assert back.data["tables"]["p3"]["deny5"] == data["tables"]["p3"]["deny5"]


def test_published_date_and_parts_of_the_page(tmp_path):
    data, fmt = _clean_2021()
    from converter.intake.published.html import read_html
    path = tmp_path / "p.html"
    path.write_text(page_html(data, fmt), encoding="utf-8")
    assert read_html(str(path)).published == "2025-01-15"
    page = page_html(data, fmt).replace("<p>五、存在的主要问题及改进情况</p>", "")
    back = _read_page(tmp_path, page, name="no5.html")
    assert [f.code for f in back.findings] == ["PUB_PART_MISSING"]
