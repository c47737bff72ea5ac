"""Checks against last year's report (--previous, issue 11): each rule both ways on generated data, the
matching of units, last year in JSON and in the other format, the real consecutive pairs of the corpus,
and where the findings show (CLI, --json, 校验结果.xlsx)."""
import copy
import json
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import openpyxl
import pytest
from conftest import SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st
from test_text_tables import PUBLISHED, put, report

from converter.batch.previous import load_previous
from converter.batch.run import build, check_files
from converter.checks import Context
from converter.checks.crossyear import LastYear, Previous, check_previous, compact, unit_match_key
from converter.checks.text_reuse import _word_chars, reuse_ratio, shared_bigrams
from converter.definition.formats import get
from converter.definition.plan import compile

TEXT_2023 = ("2023年，本县坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实政府信息公开条例，"
             "围绕县委县政府中心工作，持续深化政务公开，不断提升政府透明度和公信力。")
TEXT_OTHER = ("本年度重点推进基层政务公开标准化规范化建设，梳理乡镇街道公开事项清单，组织业务培训三次，"
              "开展网站栏目普查，整改链接失效等问题，群众满意度明显提高。")


def last_of(data, file="去年/测试县人民政府2023.json") -> LastYear:
    return compact(file, data, data["format"])


def compare(this, last):
    plan = compile(get(this["format"]))
    return check_previous(this, plan, last, Context(plan))


def pair(format_last="2021"):
    last = report(format_last, year=2023)
    this = report(year=2024)
    for key, said in zip(("active", "onrequest", "management", "platform", "supervision"), "甲乙丙丁戊"):
        last["fields"][key] = f"上年度第{said}项工作按计划推进。"     # last year wrote otherwise
    last["fields"]["problems"] = ["上年度存在的问题主要是公开意识不强、信息发布不够及时。"]
    last["fields"]["improvements"] = ["上年度计划加强培训，完善审核机制，提升公开质量。"]
    return this, last


def test_nothing_to_say_when_this_year_follows_last_year():
    this, last = pair()
    put(last, "p3", "carryover", "natural", 2)
    put(last, "p3", "carryover", "total", 2)
    put(this, "p3", "carried", "natural", 2)
    put(this, "p3", "carried", "total", 2)
    put(last, "a1", "normative", "inforce", 10)
    put(this, "a1", "normative", "issued", 3)
    put(this, "a1", "normative", "repealed", 1)
    put(this, "a1", "normative", "inforce", 12)
    this["fields"]["summary"], last["fields"]["summary"] = TEXT_OTHER, TEXT_2023
    c = compare(this, last_of(last))
    assert c.findings == [] and c.carry_ok is True and c.reuse is not None and c.reuse < 0.5
    assert c.previous_file.endswith("测试县人民政府2023.json")


def test_carried_over_differs_from_last_years_carry_over():
    this, last = pair()
    put(last, "p3", "carryover", "natural", 2)
    put(last, "p3", "carryover", "total", 2)
    c = compare(this, last_of(last))
    assert c.carry_ok is False
    [f] = c.findings                              # the wrong cell; its total is not named again
    assert (f.code, f.severity, f.expected, f.actual) == ("PREV_CARRY_MISMATCH", "error", 2, 0)
    assert "测试县人民政府2023.json" in f.message and "四、结转下年度继续办理" in f.message
    assert "「二、上年结转政府信息公开申请数量」行「自然人」列" in f.message
    assert f.sheet == "三、依申请公开" and f.cell


def test_documents_in_force_follow_from_last_year():
    this, last = pair()
    put(last, "a1", "regulations", "inforce", 10)
    put(this, "a1", "regulations", "issued", 2)
    put(this, "a1", "regulations", "inforce", 13)
    [f] = compare(this, last_of(last)).findings
    assert (f.code, f.severity, f.expected, f.actual) == ("PREV_IN_FORCE_MISMATCH", "warning", 12, 13)
    put(this, "a1", "regulations", "inforce", 12)
    assert compare(this, last_of(last)).findings == []


def test_last_year_in_the_2019_format_is_not_comparable_for_documents():
    this, last = pair("2019")
    [f] = compare(this, last_of(last)).findings
    assert f.code == "PREV_NOT_COMPARABLE" and "2019 年版" in f.message


def test_every_figure_as_last_year():
    this, last = pair()
    c = compare(this, last_of(last))
    assert c.findings == []                       # all zero: nothing repeated
    for d in (this, last):
        put(d, "p4", "main", "rupheld", 1)
        put(d, "p4", "main", "rtotal", 1)
        put(d, "a5", "licensing", "decisions", 40)
    found = compare(this, last_of(last)).findings
    assert sorted((f.code, f.message[:2]) for f in found) == [("PREV_SAME_FIGURES", "表二"), ("PREV_SAME_FIGURES", "表四")]
    put(this, "a5", "licensing", "decisions", 41)
    assert [f.message[:2] for f in compare(this, last_of(last)).findings] == ["表四"]


@pytest.mark.parametrize("layout", ["2021", "2019"])
def test_a_format_registered_again_under_an_id_is_read_by_its_own_places(layout):
    """A test's or plug-in's format under an id used before with another layout: last year's figures
    are found where this one puts them (positions kept by id would read another table's cells)."""
    from dataclasses import replace

    from converter.definition.formats import registered
    for base in ("2019" if layout == "2021" else "2021", layout):       # the other layout first
        with registered(replace(get(base), id="plugin", superseded_by=None)) as fmt:
            last, this = report(base, year=2023), report(base, year=2024)
            last["format"] = this["format"] = "plugin"
            for c in last["tables"]["p3"]["carryover"]:
                last["tables"]["p3"]["carryover"][c] = 7
                this["tables"]["p3"]["carried"][c] = 7
            was = last_of(last)
            assert was.value(("tables", "p3", "carryover", "natural")) == 7
            plan = compile(fmt)
            found = check_previous(this, plan, was, Context(plan))
            assert found.carry_ok and not [f for f in found.findings if f.code == "PREV_CARRY_MISMATCH"]


def test_table_three_compared_with_2019_through_the_row_sum():
    this, last = pair("2019")
    for col in ("natural", "total"):
        put(last, "p3", "new", col, 5)
        put(last, "p3", "other", col, 5)
        put(this, "p3", "new", col, 5)
        put(this, "p3", "other1", col, 2)
        put(this, "p3", "other3", col, 3)
    found = [f for f in compare(this, last_of(last)).findings if f.code == "PREV_SAME_FIGURES"]
    assert [f.message[:2] for f in found] == ["表三"]
    put(this, "p3", "other3", "natural", 4)
    assert [f for f in compare(this, last_of(last)).findings if f.code == "PREV_SAME_FIGURES"] == []


def test_text_reused_from_last_year():
    this, last = pair()
    this["fields"]["summary"] = TEXT_2023.replace("2023", "2024") * 3
    last["fields"]["summary"] = TEXT_2023 * 3
    c = compare(this, last_of(last))
    reused = [f for f in c.findings if f.code == "PREV_TEXT_REUSED"]
    assert reused and "「一、总体情况」" in reused[0].message and "%" in reused[0].message
    assert reused[0].actual > 0.7 and c.reuse > 0.5
    this["fields"]["summary"] = TEXT_OTHER
    assert [f for f in compare(this, last_of(last)).findings if f.code == "PREV_TEXT_REUSED"] == []


def test_reuse_ratio_is_dice_over_character_bigrams():
    assert reuse_ratio("政务公开", "政务，公开！") == 1.0          # punctuation and spaces do not count
    assert reuse_ratio("政务公开", "财政预算") == 0.0
    assert reuse_ratio("ABCD", "ABXY") == pytest.approx(2 * 1 / (3 + 3))
    assert reuse_ratio("", "") == 0.0
    assert reuse_ratio("政务公开_公开", "政务公开公开") == 1.0    # nor does an underscore (what [\s\W_] drops)
    assert reuse_ratio("𠮷野家𠮷野", "𠮷野") == pytest.approx(2 * 1 / (4 + 1))   # beyond the BMP, a pair counted twice once


def _reference_counts(a: str, b: str) -> tuple[int, int, int]:
    """The measure written the plain way: a Counter of 2-character strings on each side."""
    from collections import Counter
    x, y = (re.sub(r"[\s\W_]+", "", t) for t in (a, b))
    ca, cb = Counter(x[i:i + 2] for i in range(len(x) - 1)), Counter(y[i:i + 2] for i in range(len(y) - 1))
    return sum(ca.values()), sum(cb.values()), sum((ca & cb).values())


_CHARS = "政务公开信息申请答复　 ，。、；：“”（）_-—\n\tAa1２Ⅷ①𠮷😀\ud800\ud801é"


@given(st.lists(st.tuples(st.text(_CHARS, max_size=40), st.text(_CHARS, max_size=40)), min_size=1, max_size=4))
@settings(max_examples=300, deadline=None)
def test_bigrams_counted_as_arrays_equal_the_plain_count(parts):
    got = shared_bigrams([a for a, _ in parts], [b for _, b in parts])
    assert [tuple(s) for s in got] == [_reference_counts(a, b) for a, b in parts]


def test_word_characters_are_what_the_pattern_keeps():
    codes = np.arange(0x110000, dtype=np.uint32)
    kept = _word_chars(codes[:0x10000])
    dropped = re.compile(r"[\s\W_]")
    assert [i for i in range(0x10000) if bool(kept[i]) == bool(dropped.match(chr(i)))] == []
    astral = codes[0x10000::997]
    assert list(_word_chars(astral)) == [not dropped.match(chr(int(c))) for c in astral]


def test_units_matched_by_normalised_name_code_or_region_never_guessed():
    assert unit_match_key("洪泽区 人民政府（办公室）") == unit_match_key("洪泽区政府(办公室)")
    last = LastYear("a.json", "淮安市洪泽区人民政府", 2023, "2021", (), {})
    prev = Previous()
    prev.add(last)
    assert prev.match("洪泽区人民政府") is last                # the region in front, one candidate
    assert prev.match("淮安市洪泽区人民政府") is last
    assert prev.match("泽区人民政府") is None                  # not a region prefix
    assert prev.match("淮安市人民政府") is None
    other = LastYear("b.json", "宿迁市洪泽区人民政府", 2023, "2021", (), {})
    prev.add(other)
    assert prev.match("洪泽区人民政府") is None                # two candidates: not guessed
    renamed = LastYear("c.json", "县发改委", 2023, "2021", (), {})
    coded = Previous(codes={unit_match_key("县发展和改革局"): "001", unit_match_key("县发改委"): "001"})
    coded.add(renamed)
    assert coded.match("县发展和改革局") is renamed             # renamed, same 单位代码


def test_load_previous_reads_json_and_any_report_kind(tmp_path):
    data = report(unit="测试县人民政府", year=2023)
    (tmp_path / "good.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    dup = copy.deepcopy(data)
    (tmp_path / "same-unit.json").write_text(json.dumps(dup, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "other.json").write_text(json.dumps({"a": 1}), encoding="utf-8")
    prev = load_previous([tmp_path, PUBLISHED / "hongze_2023.pdf"])
    assert sorted(prev.by_key) == ["洪泽区政府", "测试县政府"]
    assert sorted((os.path.basename(f.file), f.code) for f in prev.findings) == [
        ("bad.json", "PREV_UNREADABLE"), ("other.json", "PREV_UNREADABLE"), ("same-unit.json", "PREV_DUPLICATE")]
    assert next(f.message for f in prev.findings if "same-unit" in f.file) == (
        "上年报告 same-unit.json 与 good.json 同为测试县人民政府 2023 年度的报告，只使用 good.json")


def test_a_folder_of_several_years_compares_each_report_with_the_year_before_its_own(tmp_path):
    """An archive of every year's reports as --previous: each unit's of the year before is used, not the
    first read; an older one only when that is missing (and then said); copies of one year said."""
    prev = Previous()
    for year, name in ((2021, "2021/a.json"), (2023, "2023/a.json"), (2022, "2022/a.json"), (None, "undated/a.json")):
        assert prev.add(LastYear(name, "测试县人民政府", year, "2021", (), {})) is None
    copy_ = LastYear("2023/a.pdf", "测试县 人民政府", 2023, "2021", (), {})
    assert prev.add(copy_).file == "2023/a.json" and len(prev) == 1 and len(prev.reports()) == 4
    assert prev.years() == [2021, 2022, 2023]
    assert prev.match("测试县政府", 2024).file == "2023/a.json"
    assert prev.match("测试县政府", 2023).file == "2022/a.json"
    assert prev.match("测试县政府", 2022).file == "2021/a.json"
    assert prev.match("测试县政府", 2021).file == "undated/a.json"       # nothing earlier: the undated one
    assert prev.match("测试县政府").file == "2023/a.json"                # no year: the latest
    older = Previous()
    older.add(LastYear("2021.json", "测试县人民政府", 2021, "2021", (), {}))
    older.add(LastYear("2025.json", "测试县人民政府", 2025, "2021", (), {}))
    assert older.match("测试县政府", 2024).file == "2021.json"           # the latest before, said as not consecutive
    assert older.match("测试县政府", 2021) is None                       # only its own year and later: nothing
    assert older.match("测试县政府", None, file="2025.json").file == "2021.json"   # never the report itself
    if hasattr(os, "symlink"):            # nor through a link to it, or another spelling of its path
        linked = tmp_path / "linked.pdf"
        (tmp_path / "a.pdf").write_bytes(b"%PDF-")
        linked.symlink_to(tmp_path / "a.pdf")
        undated = Previous()
        undated.add(LastYear(str(tmp_path / "a.pdf"), "测试县人民政府", None, "2021", (), {}))
        assert undated.match("测试县政府", None, file=str(linked)) is None
        assert undated.match("测试县政府", None, file=str(tmp_path / "x" / ".." / "a.pdf")) is None
    assert [last.file for last in older.of_unit("测试县政府", 2021)] == ["2021.json", "2025.json"]
    renamed = Previous()                # 洪泽区 in 2023, 淮安市洪泽区 in 2024: one unit, two names
    renamed.add(LastYear("2023.json", "洪泽区人民政府", 2023, "2021", (), {}))
    renamed.add(LastYear("2024.json", "淮安市洪泽区人民政府", 2024, "2021", (), {}))
    assert renamed.match("淮安市洪泽区人民政府", 2024).file == "2023.json"
    assert renamed.match("淮安市洪泽区人民政府", 2025).file == "2024.json"
    assert renamed.match("洪泽区人民政府", 2025).file == "2024.json"
    assert renamed.match("洪泽区人民政府").file == "2023.json"       # no year: the name itself
    coded = Previous(codes={unit_match_key("县发改委"): "001", unit_match_key("县发展和改革局"): "001"})
    coded.add(LastYear("2023/发改委.json", "县发改委", 2023, "2021", (), {}))
    coded.add(LastYear("2024/发改局.json", "县发展和改革局", 2024, "2021", (), {}))
    assert coded.match("县发展和改革局", 2025).file == "2024/发改局.json"     # renamed: both names, one code
    assert coded.match("县发展和改革局", 2024).file == "2023/发改委.json"
    assert coded.match("县发改委", 2025).file == "2024/发改局.json"
    undated = Previous()
    undated.add(LastYear("a.pdf", "测试县人民政府", None, "2021", (), {}))
    assert undated.add(LastYear("b.pdf", "测试县人民政府", None, "2021", (), {})).file == "a.pdf"


def test_archive_folder_end_to_end(tmp_path):
    """--previous on an archive of two years and a copy: each unit's report of the year before is
    compared (read first, the 2022 one would give PREV_NOT_CONSECUTIVE), and the copy is said on stderr,
    in --json and on 校验结果.xlsx's 问题明细."""
    from converter.intake.reader import read_report
    data = read_report(PUBLISHED / "hongze_2023.pdf").data
    for year in (2022, 2023):
        (tmp_path / str(year)).mkdir()
        (tmp_path / str(year) / "洪泽区.json").write_text(
            json.dumps(data | {"fields": data["fields"] | {"year": year}}, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "副本").mkdir()
    (tmp_path / "副本" / "洪泽区.json").write_bytes((tmp_path / "2023" / "洪泽区.json").read_bytes())
    archive = [tmp_path / "2022", tmp_path / "2023", tmp_path / "副本"]
    done = _nianbao("check", PUBLISHED / "hongze_2024.pdf", "--json", "--previous", *archive)
    found = json.loads(done.stdout)
    codes = [f["code"] for f in found]
    assert "PREV_NOT_CONSECUTIVE" not in codes and "PREV_UNMATCHED" not in codes and "PREV_TEXT_REUSED" in codes
    [dup] = [f for f in found if f["code"] == "PREV_DUPLICATE"]
    assert dup["file"].endswith(os.path.join("副本", "洪泽区.json")) and "2023 年度" in dup["message"]
    assert "读取 1 个单位的 2 份报告（2022、2023 年度" in done.stderr, done.stderr
    assert "1 个文件与同一单位的另一份报告重复" in done.stderr
    built = _nianbao("build", PUBLISHED / "hongze_2024.pdf", "-o", tmp_path / "out", "--previous", *archive, "--quiet")
    wb = openpyxl.load_workbook(tmp_path / "out" / "校验结果.xlsx")
    assert built.returncode == 0 and list(wb["与上年比"].values)[1][2:4] == ("洪泽区.json", "一致")
    [row] = [r for r in wb["问题明细"].values if r[-1] == "PREV_DUPLICATE"]
    assert row[:4] == ("洪泽区.json", None, "提示", "上年报告") and "副本" in row[6]
    assert "上年报告 1 个文件未使用" in list(wb["汇总"].values)[-1][0]


# -- the real consecutive years of the corpus -----------------------------------------------------
def test_hongze_2023_to_2024():
    prev = load_previous([PUBLISHED / "hongze_2023.pdf"])
    [t] = check_files([PUBLISHED / "hongze_2024.pdf"], previous=prev).tasks
    codes = [f.code for f in t.findings]
    assert t.compare is not None and t.compare.carry_ok is True          # 0 carried from 0
    assert "PREV_CARRY_MISMATCH" not in codes and "PREV_IN_FORCE_MISMATCH" not in codes   # 5 + 3 − 0 = 8
    assert "PREV_SAME_FIGURES" not in codes
    whole = [f for f in t.findings if f.code == "PREV_TEXT_REUSED" and "全部文字" in f.message]
    assert whole and 0.5 < t.compare.reuse < 0.8 and "hongze_2023.pdf" in whole[0].message


def test_one_copy_of_each_report_and_not_our_own_files():
    from converter.batch.previous import report_copies
    paths = ["a/x.pdf", "a/x.docx", "a/x.html", "a/x-正文.HTML", "a/y.pdf", "a/y-正文.html", "a/z-正文.html",
             "a/校验结果.xlsx", "a/校验结果-20250110-093000.xlsx", "a/notes.txt", "a/notes.pdf", "a/w.docx", "a/w.json",
             "b/x.pdf", "b/x.docx", "a/y.pdf"]
    groups, own = report_copies(paths)
    assert groups == [["a/x.docx", "a/x.html", "a/x.pdf", "a/x-正文.HTML"], ["a/y.pdf", "a/y-正文.html"], ["a/z-正文.html"],
                      ["a/notes.txt"], ["a/notes.pdf"], ["a/w.json", "a/w.docx"], ["b/x.pdf"], ["b/x.docx"]]
    assert own == ["a/校验结果.xlsx", "a/校验结果-20250110-093000.xlsx"]      # b was not written by build: no groups


def test_a_copy_that_cannot_be_used_gives_way_to_the_next(tmp_path):
    """In a build folder, a name.json beside name.pdf that is no report data (a scraper's notes): the
    PDF is read after it, and the JSON said; the fragment copy is still not read."""
    from converter.render.html import index_html
    shutil.copy(PUBLISHED / "hongze_2023.pdf", tmp_path / "洪泽区.pdf")
    (tmp_path / "洪泽区.json").write_text(json.dumps({"url": "http://example.gov.cn/"}), encoding="utf-8")
    (tmp_path / "洪泽区-正文.html").write_text("<article></article>", encoding="utf-8")
    (tmp_path / "index.html").write_text(index_html([]), encoding="utf-8")
    prev = load_previous([tmp_path], cache=False)
    assert [last.file for last in prev.reports()] == [str(tmp_path / "洪泽区.pdf")]
    assert [(os.path.basename(f.file), f.code) for f in prev.findings] == [("洪泽区.json", "PREV_UNREADABLE")]
    assert prev.copies == [str(tmp_path / "洪泽区-正文.html")] and prev.own_files == [str(tmp_path / "index.html")]


def test_the_corpus_folder_with_its_transcriptions_beside_the_reports():
    """tests/fixtures/published holds each report with a hand transcription of the same name (.json, not
    report data) and is no build folder: every report is read."""
    prev = load_previous([PUBLISHED], cache=False)
    assert len(prev.reports()) >= 6 and not prev.copies


def test_last_years_build_folder_as_previous(tmp_path):
    """--previous on the folder `build --pdf --html --html-fragment` wrote last year: each report read
    once (its .docx), 校验结果.xlsx and index.html passed over, nothing said to be unreadable or a copy."""
    from converter.batch.pipeline import Outputs
    last = tmp_path / "年报2024"
    build([SAMPLES], last, outputs=Outputs(pdf=True, html=True, fragment=True))
    done = _nianbao("check", SAMPLES / "青山镇人民政府-2024.xlsx", "--json", "--previous", last)
    found = json.loads(done.stdout)
    assert [f["code"] for f in found if f["code"] in ("PREV_UNREADABLE", "PREV_DUPLICATE", "PREV_UNMATCHED")] == []
    assert "另有同名的 .pdf、.html 等其他版本 15 个，未重复读取" in done.stderr
    assert "nianbao 生成的 index.html、校验结果.xlsx 不是报告，未读取" in done.stderr
    # an index.html that is not ours (a unit's page saved under that name) is read as a report
    (last / "index.html").write_text("<html><body><p>某单位年报</p></body></html>", encoding="utf-8")
    again = _nianbao("check", SAMPLES / "青山镇人民政府-2024.xlsx", "--json", "--previous", last)
    assert [f["file"].endswith("index.html") for f in json.loads(again.stdout) if f["code"] == "PREV_UNREADABLE"] == [True]


def test_hongze_with_both_years_as_previous():
    """Both years given (洪泽区人民政府 2023, 淮安市洪泽区人民政府 2024): 2024 is compared with 2023,
    found under the name without the region, not with itself."""
    prev = load_previous([PUBLISHED / "hongze_2024.pdf", PUBLISHED / "hongze_2023.pdf"])
    assert len(prev.reports()) == 2 and prev.years() == [2023, 2024]
    [t] = check_files([PUBLISHED / "hongze_2024.pdf"], previous=prev).tasks
    assert t.compare.previous_file.endswith("hongze_2023.pdf") and t.compare.carry_ok is True
    assert not [f for f in t.findings if f.code in ("PREV_NOT_CONSECUTIVE", "PREV_SAME_FIGURES")]


def test_hongze_2023_against_an_archive_of_2023_and_2024_has_nothing_earlier():
    """Checking 2023 with the archive holding it and 2024: not compared with itself nor with the later
    year (which would be 100 % reuse, or figures said to repeat), but said."""
    prev = load_previous([PUBLISHED / "hongze_2023.pdf", PUBLISHED / "hongze_2024.pdf"])
    [t] = check_files([PUBLISHED / "hongze_2023.pdf"], previous=prev).tasks
    [f] = [f for f in t.findings if f.code.startswith("PREV_")]
    assert t.compare is None and f.code == "PREV_NONE_EARLIER"
    assert f.message == ("上年报告中“洪泽区人民政府”只有 2023、2024 年度的报告（hongze_2023.pdf、hongze_2024.pdf），"
                         "没有 2022 年度或更早的，未作跨年度核对")


def test_hongze_in_force_that_does_not_follow(tmp_path):
    """hongze 2023 as JSON, with last year's 现行有效 changed: the 2024 figure no longer follows."""
    from converter.intake.reader import read_report
    r = read_report(PUBLISHED / "hongze_2023.pdf")
    r.data["tables"]["a1"]["normative"]["inforce"] = 4
    r.data["tables"]["p3"]["carryover"]["natural"] = 1
    (tmp_path / "hz2023.json").write_text(json.dumps(r.data, ensure_ascii=False), encoding="utf-8")
    [t] = check_files([PUBLISHED / "hongze_2024.pdf"], previous=load_previous([tmp_path])).tasks
    found = {f.code: f for f in t.findings}
    assert found["PREV_IN_FORCE_MISMATCH"].expected == 7 and found["PREV_IN_FORCE_MISMATCH"].actual == 8
    assert found["PREV_CARRY_MISMATCH"].expected == 1 and "hz2023.json" in found["PREV_CARRY_MISMATCH"].message
    assert t.status.value == "rejected" and t.compare.carry_ok is False


def test_pingtan_2019_to_2024_across_formats():
    """Five years apart: neither 上年结转 nor 现行有效件数 is checked, and that is said; the text is."""
    prev = load_previous([PUBLISHED / "pingtan_2019.html"])
    [t] = check_files([PUBLISHED / "pingtan_2024.html"], previous=prev).tasks
    [f] = [f for f in t.findings if f.code.startswith("PREV_")]
    assert f.code == "PREV_NOT_CONSECUTIVE" and "2019 年度，不是 2023 年度" in f.message
    assert t.compare is not None and t.compare.carry_ok is None and t.compare.reuse < 0.5


def test_pingtan_2019_as_the_year_before_is_not_comparable_in_table_two(tmp_path):
    """Its data as the 2023 report: the 2019 format's 表二 does not give 现行有效件数 to follow."""
    from converter.intake.reader import read_report
    r = read_report(PUBLISHED / "pingtan_2019.html")
    r.data["fields"]["year"] = 2023
    (tmp_path / "pingtan.json").write_text(json.dumps(r.data, ensure_ascii=False), encoding="utf-8")
    [t] = check_files([PUBLISHED / "pingtan_2024.html"], previous=load_previous([tmp_path])).tasks
    codes = [f.code for f in t.findings if f.code.startswith("PREV_")]
    assert codes == ["PREV_NOT_COMPARABLE"] and t.compare.carry_ok is True


def test_unit_without_last_year_is_said():
    prev = load_previous([PUBLISHED / "hongze_2023.pdf"])
    [t] = check_files([PUBLISHED / "huaian_city_2024.pdf"], previous=prev).tasks
    [f] = [f for f in t.findings if f.code.startswith("PREV_")]
    assert f.code == "PREV_UNMATCHED" and "淮安市人民政府" in f.message and t.compare is None


# -- where the findings show ----------------------------------------------------------------------
def _nianbao(*args):
    return subprocess.run([sys.executable, "-m", "converter", *map(str, args)], capture_output=True,
                          text=True, encoding="utf-8", timeout=300)


def test_cli_check_and_build_with_previous(tmp_path):
    last = tmp_path / "last"
    out = _nianbao("extract", PUBLISHED / "hongze_2023.pdf", "-o", last / "hz2023.json")
    assert (last / "hz2023.json").exists(), out.stdout + out.stderr     # (exit 1: table 四 has errors)
    got = _nianbao("check", PUBLISHED / "hongze_2024.pdf", "--previous", last, "--json")
    assert got.returncode == 0, got.stderr
    codes = [f["code"] for f in json.loads(got.stdout)]
    assert "PREV_TEXT_REUSED" in codes and "TEXT_FIGURE_MISMATCH" in codes
    plain = _nianbao("check", PUBLISHED / "hongze_2024.pdf", "--previous", last / "hz2023.json")
    assert "PREV_TEXT_REUSED" in plain.stdout and "hz2023.json" in plain.stdout
    built = _nianbao("build", PUBLISHED / "hongze_2024.pdf", PUBLISHED / "huaian_city_2024.pdf", "-o", tmp_path / "out",
                     "--previous", last, "--quiet")
    assert built.returncode == 0, built.stderr
    wb = openpyxl.load_workbook(tmp_path / "out" / "校验结果.xlsx")
    rows = list(wb["与上年比"].values)
    assert rows[0][:5] == ("文件", "单位名称", "上年报告", "上年结转是否一致", "文字重复率（%）")
    assert rows[1][:4] == ("hongze_2024.pdf", "淮安市洪泽区人民政府", "hz2023.json", "一致") and 50 < rows[1][4] < 80
    assert rows[2][2] == "（未找到上年报告）"
    assert "PREV_TEXT_REUSED" in [r[-1] for r in wb["问题明细"].values]


def test_build_without_previous_has_no_comparison_sheet(tmp_path):
    build([PUBLISHED / "hongze_2024.pdf"], tmp_path)
    assert openpyxl.load_workbook(tmp_path / "校验结果.xlsx").sheetnames == ["汇总", "问题明细"]


def two_years(tmp_path, n, change):
    """n units: last year's reports as JSON in tmp_path/last, this year's as workbooks in tmp_path/in,
    each pair (report data) first given to change(i, last, this)."""
    from converter.template import values_from_data, write_template
    last_dir, inputs = tmp_path / "last", tmp_path / "in"
    last_dir.mkdir()
    inputs.mkdir()
    for i in range(n):
        unit = f"测试{i:02d}镇人民政府"
        last, this = report(unit=unit, year=2023), report(unit=unit, year=2024)
        change(i, last, this)
        (last_dir / f"{i}.json").write_text(json.dumps(last, ensure_ascii=False), encoding="utf-8")
        write_template(inputs / f"{i:02d}.xlsx", get("2021"), values=values_from_data(get("2021"), this))
    return last_dir, inputs


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_many_units_in_worker_processes(tmp_path, monkeypatch, method):
    """Last year's reports reach the worker processes, forked or spawned: 20 units, two workers."""
    monkeypatch.setenv("NIANBAO_START_METHOD", method)

    def carried(i, last, this):
        put(last, "p3", "carryover", "natural", i % 2)
        put(last, "p3", "carryover", "total", i % 2)
    last_dir, inputs = two_years(tmp_path, 20, carried)
    prev = load_previous([last_dir], jobs=2)
    assert len(prev) == 20
    tasks = check_files([inputs], jobs=2, previous=prev).tasks
    assert [t.compare.carry_ok for t in tasks] == [i % 2 == 0 for i in range(20)]


def test_texts_compared_at_the_end_of_a_run_as_one_by_one(tmp_path):
    """check_files compares the texts of 16 reports at a time, after reading and checking them; each
    report's findings, in their order, its status and its ratio are what comparing it alone gives."""
    from converter.batch.pipeline import process_file

    def texts(i, last, this):
        last["fields"]["summary"] = (TEXT_2023 * (1 + i % 4)).replace("2023", "2022")
        this["fields"]["summary"] = TEXT_2023 * (1 + i % 4) if i % 3 else TEXT_OTHER * 2
        if i == 7:
            this["fields"]["problems"] = []                        # a part on one side only
    last_dir, inputs = two_years(tmp_path, 21, texts)
    prev = load_previous([last_dir])
    batched = check_files([inputs], jobs=1, previous=prev).tasks         # runs of 16 and 5
    alone = [process_file(str(p), previous=prev) for p in sorted(inputs.iterdir())]
    assert [(t.file, t.status, t.findings, t.compare and t.compare.reuse) for t in batched] == \
           [(t.file, t.status, t.findings, t.compare and t.compare.reuse) for t in alone]
    part_one_reused = [i for i, t in enumerate(batched) if any("「一、总体情况」" in f.message for f in t.findings)]
    assert part_one_reused == [i for i in range(21) if i % 3]


def test_status_feedback_and_distribute_with_last_year(tmp_path):
    """The mail commands: status and feedback name the cross-year findings (the 上年结转 error makes a
    reply, which lists it and attaches 校验结果 with a 与上年比 sheet); distribute reads JSON too."""
    import io

    from converter.mail import sources
    from converter.mail.collect import collect
    from converter.mail.compose import attach, new_message
    from converter.mail.distribute import distribute
    from converter.mail.feedback import feedback
    from converter.mail.roster import read_roster
    from converter.mail.status import status
    from converter.template import values_from_data, write_template
    roster_file = tmp_path / "名单.csv"
    roster_file.write_text("单位名称,邮箱,单位代码\n洪山镇人民政府,hs@units.test,001\n", encoding="utf-8")
    roster = read_roster(roster_file)
    last_dir = tmp_path / "2023"
    last_dir.mkdir()
    last = report(unit="洪山镇政府", year=2023)          # last year's name differs; the code is the roster's
    put(last, "p3", "carryover", "natural", 2)
    put(last, "p3", "carryover", "total", 2)
    (last_dir / "洪山镇2023.json").write_text(json.dumps(last, ensure_ascii=False), encoding="utf-8")
    this = report(unit="洪山镇人民政府", year=2024)
    wb = tmp_path / "洪山镇.xlsx"
    write_template(wb, get("2021"), values=values_from_data(get("2021"), this))
    mails = tmp_path / "mails"
    mails.mkdir()
    msg = new_message("hs@units.test", "coord@gov.test", "洪山镇年报", "请查收")
    attach(msg, wb.read_bytes(), "洪山镇.xlsx")
    (mails / "1.eml").write_bytes(msg.as_bytes())
    inbox = tmp_path / "收件箱"
    collect(sources.from_eml_dir(mails), inbox, roster)
    prev = load_previous([last_dir], {u.name: u.code for u in roster.units})
    [row] = status(roster, inbox, previous=prev)
    assert row.state.value == "rejected" and "PREV_CARRY_MISMATCH" in [f.code for f in row.findings]
    assert row.compare is not None and row.compare.carry_ok is False
    [reply] = feedback(roster, inbox, tmp_path / "回复", "coord@gov.test", previous=prev)
    body = reply.message.get_body(("plain",)).get_content()
    assert "上年报告（洪山镇2023.json）" in body
    xlsx = next(p for p in reply.message.iter_attachments())
    sheets = openpyxl.load_workbook(io.BytesIO(xlsx.get_content())).sheetnames
    assert "与上年比" in sheets
    assert [r.errors for r in status(roster, inbox)] == [0]       # without --previous
    [out] = distribute(roster, get("2021"), 2024, tmp_path / "发件箱", "coord@gov.test", previous=last_dir)
    assert out.carried_over


def test_bigrams_of_more_parts_than_a_number_has_bits_for():
    this, last = [f"甲乙{i}丙" for i in range(1200)], [f"甲乙{i}丁" for i in range(1200)]
    got = shared_bigrams(this, last)
    assert [tuple(s) for s in got] == [_reference_counts(a, b) for a, b in zip(this, last)]
