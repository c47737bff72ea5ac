"""Rules between the narrative and the tables of one report (issue 11), each both ways on generated data,
and on the real published reports of tests/fixtures/published (no false alarms where texts agree)."""
import datetime as dt
import pathlib

import pytest
from conftest import zero_values

from converter.checks import Context, run_checks
from converter.checks.text_tables import deadline
from converter.definition.formats import get
from converter.definition.plan import compile
from converter.intake.reader import read_report

PUBLISHED = pathlib.Path(__file__).parent / "fixtures" / "published"
NEW_CODES = {"TEXT_FIGURE_MISMATCH", "FEE_TEXT_MISMATCH", "FEE_UNIT_SUSPECT", "DOCS_IN_FORCE_LOW", "TEXT_OTHER_YEAR",
             "PROBLEMS_PERFUNCTORY", "PUBLISHED_LATE"}


def report(format_id="2021", unit="测试县人民政府", year=2024) -> dict:
    """Valid report data, every figure 0 (totals included), a sentence in each narrative field."""
    fmt = get(format_id)
    plan = compile(fmt)
    data: dict = {"format": fmt.id, "fields": {}, "tables": {}}
    for p, v in zero_values(fmt, unit=unit, year=year).items():
        if p[0] == "fields":
            data["fields"][p[1]] = v
    for p in plan.cell_paths:
        if p[0] == "tables":
            data["tables"].setdefault(p[1], {}).setdefault(p[2], {})[p[3]] = 0
    data["fields"].setdefault("othertext", "")
    return data


def put(data, table, row, col, v):
    data["tables"][table][row][col] = v


def codes(data, **ctx):
    plan = compile(get(data["format"]))
    return [f for f in run_checks(data, plan, Context(plan, today=dt.date(2025, 6, 1), **ctx)) if f.code in NEW_CODES]


def only(data, **ctx):
    return [f.code for f in codes(data, **ctx)]


def test_generated_report_has_none_of_them():
    assert only(report()) == []
    assert only(report("2019", year=2020)) == []


def test_quoted_applications_against_table_three():
    d = report()
    put(d, "p3", "new", "total", 95)
    d["fields"]["onrequest"] = "2024年，区政府办受理政府信息公开申请 17 件，均已在法定期限内予以答复。"
    [f] = codes(d)
    assert f.code == "TEXT_FIGURE_MISMATCH" and (f.expected, f.actual) == (95, 17)
    assert "受理政府信息公开申请 17 件" in f.message and "「一、本年新收政府信息公开申请数量」行「总计」列" in f.message
    assert f.sheet == "三、依申请公开" and f.cell             # the table's cell, not the text's
    d["fields"]["onrequest"] = "2024年，共收到政府信息公开申请95件，均已在法定期限内予以答复。"
    assert only(d) == []
    put(d, "p3", "carried", "total", 3)                       # 共收到 may count last year's too
    d["fields"]["onrequest"] = "2024年，共收到政府信息公开申请98件（含上年结转3件）。"
    assert only(d) == []
    put(d, "p3", "new", "total", 1234)
    put(d, "p3", "carried", "total", 0)
    d["fields"]["onrequest"] = "全年共收到政府信息公开申请1,234件。"                 # a thousands separator
    assert only(d) == []
    d["fields"]["onrequest"] = "依申请公开工作规范有序，均已依法答复。"          # nothing countable
    assert only(d) == []


@pytest.mark.parametrize("text,row,col,table", [
    ("上年结转申请4件。", "carried", "total", "p3"),
    ("予以公开12件。", "granted", "total", "p3"),
    ("全年办结申请30件。", "total", "total", "p3"),
    ("结转下年度继续办理2件。", "carryover", "total", "p3"),
    ("发生政府信息公开行政复议案件3件。", "main", "rtotal", "p4"),
    ("本年制发行政规范性文件6件，", "normative", "issued", "a1"),
    ("废止规章2件。", "regulations", "repealed", "a1"),
    ("现行有效规范性文件40件。", "normative", "inforce", "a1"),
])
def test_each_quoted_figure_both_ways(text, row, col, table):
    d = report()
    d["fields"]["active"] = text
    number = int("".join(ch for ch in text if ch.isdigit()))
    assert only(d) == ["TEXT_FIGURE_MISMATCH"]               # the table says 0
    put(d, table, row, col, number)
    if table == "a1" and col in ("issued", "repealed"):       # keep 现行有效 ≥ 制发 − 废止
        put(d, table, row, "inforce", number)
    assert "TEXT_FIGURE_MISMATCH" not in only(d)


def test_lawsuits_are_both_blocks_of_table_four():
    d = report()
    d["fields"]["supervision"] = "全年发生行政诉讼3件。"
    put(d, "p4", "main", "dtotal", 1)
    assert only(d) == ["TEXT_FIGURE_MISMATCH"]
    put(d, "p4", "main", "atotal", 2)
    assert only(d) == []


def test_blank_cells_are_not_compared():
    d = report()
    put(d, "p3", "granted", "total", None)
    d["fields"]["onrequest"] = "予以公开12件。"
    assert only(d) == []


def test_fee_against_part_six():
    d = report()
    d["fields"]["othertext"] = "本年度未收取政府信息公开信息处理费。"
    assert only(d) == []
    d["fields"]["fee"] = 150
    [f] = codes(d)
    assert f.code == "FEE_TEXT_MISMATCH" and f.actual == 150 and "未收取" in f.message
    d["fields"]["fee"] = 0
    put(d, "p3", "other2", "total", 2)                        # dropped for an unpaid fee
    [f] = codes(d)
    assert f.code == "FEE_TEXT_MISMATCH" and f.actual == 2 and "逾期未按收费通知" in f.message
    d = report()
    d["fields"]["fee"] = 20
    d["fields"]["othertext"] = "本年度共收取政府信息公开信息处理费 50 元。"
    [f] = codes(d)
    assert (f.code, f.expected, f.actual) == ("FEE_TEXT_MISMATCH", 20, 50)
    d["fields"]["fee"] = 50
    assert only(d) == []


def test_fee_in_wan_yuan_that_looks_like_yuan():
    d = report()
    put(d, "a8", "fees", "amount", 75_450_000)
    [f] = codes(d)
    assert f.code == "FEE_UNIT_SUSPECT" and f.actual == 75_450_000
    for fine in (7545, 96171.6, 18651.06, 0):
        put(d, "a8", "fees", "amount", fine)
        assert only(d) == []


def test_documents_in_force_below_net_issued():
    d = report()
    put(d, "a1", "normative", "issued", 5)
    put(d, "a1", "normative", "inforce", 3)
    [f] = codes(d)
    assert f.code == "DOCS_IN_FORCE_LOW" and "制发 5 件减废止 0 件" in f.message
    put(d, "a1", "normative", "inforce", 8)
    assert only(d) == []
    put(d, "a1", "normative", "repealed", 4)                  # 5 − 4 = 1 ≤ 3
    put(d, "a1", "normative", "inforce", 3)
    assert only(d) == []


def test_narrative_naming_another_year():
    d = report()
    d["fields"]["summary"] = "2023年，我单位坚持以公开为常态。"
    [f] = codes(d)
    assert f.code == "TEXT_OTHER_YEAR" and f.actual == 2023 and "2023年，我单位坚持以公开为常态。" in f.message
    for fine in ("2024年，我单位坚持以公开为常态。", "2025年，我局将继续推进。", "与2023年相比，申请数量有所增加。"):
        d["fields"]["summary"] = fine
        assert only(d) == []


def test_part_five_perfunctory():
    d = report()
    for problems, improvements in ((["无"], ["无"]), ([], []), (["暂无。"], ["继续做好政务公开工作，加强队伍建设。"])):
        d["fields"]["problems"], d["fields"]["improvements"] = problems, improvements
        assert only(d) == ["PROBLEMS_PERFUNCTORY"], (problems, improvements)
    d["fields"]["problems"] = ["政策解读的形式还不够丰富，个别栏目更新不够及时。"]
    assert only(d) == []


def test_published_after_the_deadline():
    dept = report(unit="测试县发展和改革局")
    gov = report(unit="测试县人民政府")
    assert only(dept, published="2025-01-20") == [] and only(gov, published="2025-03-31") == []
    [f] = codes(dept, published="2025-02-10")
    assert f.code == "PUBLISHED_LATE" and f.expected == "2025-01-31" and "晚 10 天" in f.message
    assert only(gov, published="2025-04-01") == ["PUBLISHED_LATE"]
    assert only(gov, published="2025-02-10") == []
    # the roster's unit type decides over the name
    assert only(gov, published="2025-02-10", unit_kind="政府部门") == ["PUBLISHED_LATE"]
    assert deadline(2024, "某某区管委会") == (dt.date(2025, 3, 31), "县级以上人民政府")
    assert only(dept) == []                                   # no date shown: nothing to say


# -- the real reports ---------------------------------------------------------------------------
def _corpus():
    return sorted(p for p in PUBLISHED.iterdir() if p.suffix in (".pdf", ".html", ".docx") and "template" not in p.name)


@pytest.mark.parametrize("path", _corpus(), ids=lambda p: p.name)
def test_corpus_texts_that_agree_give_no_warning(path):
    r = read_report(path)
    plan = compile(get(r.format_id))
    found = [f for f in run_checks(r.data, plan, Context(plan, r.locations, r.reported, published=r.published))
             if f.code in NEW_CODES]
    if path.name == "hongze_2024.pdf":        # its text says 17 applications, its table 95: caught
        [f] = found
        assert f.code == "TEXT_FIGURE_MISMATCH" and (f.expected, f.actual) == (95, 17)
        assert "第 3 页" in f.cell
    else:
        assert found == []


@pytest.fixture
def site(tmp_path):
    """A loopback web server: pingtan_2024 as published on 2025-05-06 (after 3月31日), and a page dated
    2025-02-01 that links to hongze_2024.pdf (a 人民政府: in time)."""
    import functools
    import http.server
    import shutil
    import threading
    page = (PUBLISHED / "pingtan_2024.html").read_bytes()
    (tmp_path / "late.html").write_bytes(page.replace(b"<head>", b'<head><meta name="pubdate" content="2025-05-06">', 1))
    shutil.copy(PUBLISHED / "hongze_2024.pdf", tmp_path / "hongze_2024.pdf")
    (tmp_path / "linked.html").write_text('<html><head><meta name="pubdate" content="2025-04-20"></head><body>'
                                          '<p>洪泽区2024年政府信息公开工作年度报告</p><a href="hongze_2024.pdf">年报全文</a>'
                                          "</body></html>", encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_published_date_of_fetched_pages_and_their_attachments(site):
    from converter.batch.run import check_files
    tasks = check_files([], urls=[f"{site}/late.html", f"{site}/linked.html"], allow_private=True).tasks
    late = {t.file.rsplit("/", 1)[-1]: [f for f in t.findings if f.code == "PUBLISHED_LATE"] for t in tasks}
    assert [f.actual for f in late["late.html"]] == ["2025-05-06"]
    assert "县级以上人民政府的发布期限 2025-03-31" in late["late.html"][0].message      # 平潭综合实验区
    # the PDF the page links to: the page's date, its findings under the page's URL
    assert [(f.actual, f.expected) for f in late["linked.html"]] == [("2025-04-20", "2025-03-31")]
