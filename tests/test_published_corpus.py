"""Real published reports (tests/fixtures/published, copied from the shared corpus): every table
cell equals its transcription, unit, year and format are right, the known rule failures are found
by the same checks as a workbook's, and the blank national form gives nulls and errors, never zeros."""
from __future__ import annotations

import re

import pytest
from published_truth import FIXTURES, cells, load

from converter.checks import Context, run_checks
from converter.checks.findings import ERROR, has_errors
from converter.definition import compile
from converter.definition.formats import get
from converter.intake.published import read_published, sniff_kind

REPORTS = sorted(p.name for p in FIXTURES.iterdir() if p.suffix in (".html", ".pdf", ".docx"))
RULES = ("P3_ROW_TOTAL", "P3_RESULT_TOTAL", "P3_COLUMN_BALANCE", "P4_BLOCK_TOTAL")
KNOWN_FAILURES = {"hongze_2023": ["P4_BLOCK_TOTAL", "P4_BLOCK_TOTAL"]}


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0]


@pytest.fixture(scope="module")
def results():
    return {name: read_published(FIXTURES / name) for name in REPORTS}


def test_the_corpus_is_all_there():
    assert len(REPORTS) == 10
    kinds = sorted(sniff_kind(FIXTURES / n) for n in REPORTS)
    assert kinds == ["docx"] * 4 + ["html"] * 3 + ["pdf"] * 3


@pytest.mark.parametrize("name", REPORTS)
def test_every_cell_equals_the_transcription(name, results):
    truth = load(_stem(name))
    fmt, expected = cells(truth)
    r = results[name]
    assert r.format_id == truth["format"]
    assert r.data is not None and r.data["format"] == truth["format"]
    got = {p: r.data["tables"][p[1]][p[2]][p[3]] for p in compile(fmt).cell_paths}
    wrong = {p: (expected[p], got[p]) for p in expected if got[p] != expected[p] or type(got[p]) is not type(expected[p])}
    assert not wrong


@pytest.mark.parametrize("name", REPORTS)
def test_unit_and_year_from_the_title(name, results):
    truth = load(_stem(name))
    fields = results[name].data["fields"]
    if truth["issuer_short"] is None:
        assert fields["unit"] == "" and fields["year"] is None
    else:
        assert truth["issuer_short"] in fields["unit"]
        assert fields["year"] == truth["year"]


@pytest.mark.parametrize("name", REPORTS)
def test_known_rule_failures_are_reported_as_printed(name, results):
    r = results[name]
    fmt = get(r.format_id)
    found = [f for f in run_checks(r.data, fmt, Context(fmt, r.locations, r.reported)) if f.code in RULES]
    assert [f.code for f in found] == KNOWN_FAILURES.get(_stem(name), [])
    for f in found:     # where: the table and the cell as the reader of the document sees them
        assert f.sheet == "表四" and "总计" in f.cell and "第 4 页" in f.cell


def test_hongze_table_four_findings_name_block_and_page(results):
    r = results["hongze_2023.pdf"]
    fmt = get("2021")
    messages = [f.message for f in run_checks(r.data, fmt, Context(fmt, r.locations, r.reported))
                if f.code == "P4_BLOCK_TOTAL"]
    assert "“行政复议”" in messages[0] and "（11），实为 0" in messages[0]
    assert "复议后起诉" in messages[1] and "（5），实为 0" in messages[1]
    assert r.locations[("tables", "p4", "main", "atotal")] == ("表四", "「行政诉讼·复议后起诉·总计」列，第 4 页")


@pytest.mark.parametrize("name", ["hongze_2023.pdf", "hongze_2024.pdf"])
def test_other_printed_as_one_row_goes_to_other3_with_a_finding(name, results):
    r = results[name]
    codes = [f.code for f in r.findings]
    assert "PUB_ROW_MERGED" in codes
    assert "PUB_LABEL_VARIANT" in codes           # 2.其他法律行政止公开 (misprint) read by its official label
    assert ("tables", "p3", "other1", "natural") in r.reported
    assert r.data["tables"]["p3"]["other1"]["natural"] is None


def test_blank_cells_stay_null_never_zero(results):
    r = results["shuyang_fgj_2023.html"]
    p3 = r.data["tables"]["p3"]
    for row in p3.values():
        for key in ("commercial", "research", "nonprofit", "legal", "other"):
            assert row[key] is None
    fmt = get("2021")
    blanks = [f for f in run_checks(r.data, fmt, Context(fmt, r.locations, r.reported)) if f.code == "VALUE_BLANK"]
    # one finding per blank column of 表三, naming the column and how many of its cells are blank
    assert len(blanks) == 5 and all(f.sheet == "表三" for f in blanks)
    assert sum(int(f.message.split("列 ")[1].split(" 个")[0]) for f in blanks) == 125
    assert "「法律服务机构」列 25 个单元格未填写" in "".join(f.message for f in blanks)


def test_the_blank_national_form_is_nulls_and_errors(results):
    r = results["template_2021_blank.docx"]
    fmt = get("2021")
    values = [r.data["tables"][p[1]][p[2]][p[3]] for p in compile(fmt).cell_paths]
    assert values and all(v is None for v in values)
    assert r.data["fields"]["fee"] is None
    checked = run_checks(r.data, fmt, Context(fmt, r.locations, r.reported))
    assert has_errors(r.findings + checked)
    blank = [f for f in checked if f.code == "VALUE_BLANK"]        # grouped by column or row, each with its count
    counted = sum(int(f.message.split(" 个单元格")[0].rsplit(" ", 1)[1]) if " 个单元格" in f.message else 1 for f in blank)
    assert counted == len(values) and len(blank) < len(values)
    assert any(f.code == "PUB_TITLE_UNREADABLE" and f.severity == ERROR for f in r.findings)


@pytest.mark.parametrize("name", REPORTS)
def test_narrative_parts_come_from_their_headings(name, results):
    truth = load(_stem(name))["narrative"]
    fields = results[name].data["fields"]

    def bare(s: str) -> str:
        return re.sub(r"\s", "", s)

    for key in ("summary", "active", "onrequest", "management", "platform", "supervision"):
        assert bare(fields[key]) in truth["一"]
    for item in fields["problems"] + fields["improvements"]:
        assert bare(item) in truth["五"]
    assert fields["summary"] or fields["active"]
    heading = re.match(r"六、其他需要报告的事项", truth["六"])
    assert bare(fields["othertext"]) == truth["六"][heading.end() if heading else 0:]


@pytest.mark.parametrize("name,fee", [("hongze_2023.pdf", 0), ("huaian_city_2024.pdf", 3940),
                                      ("pingtan_2024.html", 0), ("shuyang_fgj_2023.html", 0),
                                      ("pingtan_2019.html", None)])
def test_fee_from_part_six(name, fee, results):
    r = results[name]
    assert r.data["fields"]["fee"] == fee
    assert ("PUB_FEE_NOT_STATED" in [f.code for f in r.findings]) == (fee is None)


def test_web_page_published_date(results):
    assert results["pingtan_2019.html"].locations  # read at all
    from converter.intake.published.html import read_html
    assert read_html(str(FIXTURES / "pingtan_2019.html")).published == "2020-01-20"
