"""One sanitiser for every name nianbao writes (issue 15 point 3, issue 12 points 5, 10, 11, 12),
checked against Windows' rules with ntpath on Linux."""
import ntpath
import os
import shutil
import subprocess
import sys
import unicodedata

import openpyxl
import pytest
from conftest import SAMPLES, zero_values

from converter.batch import build
from converter.batch.extract import extract
from converter.batch.outputs import output_name
from converter.definition.formats import get
from converter.files import NAME_BYTES, fit_path, name_key, readable, safe_filename
from converter.mail.collect import safe
from converter.template.workbook import make_template

DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def windows_accepts(name: str) -> bool:
    """Windows' rules for one path component, as ntpath and the Win32 documentation state them."""
    if getattr(ntpath, "isreserved", None) and ntpath.isreserved(name):       # Python 3.13+
        return False
    return (ntpath.basename(name) == name and not ntpath.splitdrive(name)[0]
            and not any(c in '<>:"/\\|?*' or ord(c) < 32 for c in name)
            and name == name.rstrip(". ") and name.split(".")[0].rstrip(" ").upper() not in DEVICES
            and len(name.encode("utf-8")) <= NAME_BYTES)


HOSTILE = ["CON", "con.xlsx", "Nul", "COM1.tar.gz", "LPT9 ", "AUX .xlsx", "单位.", "单位. . ", "  ..",
           'a<b>c:d"e/f\\g|h?i*j\x01k\x7f', "xslx\u202eexe.xlsx", "..\\..\\evil", "C:\\Windows\\x", "",
           "局" * 300, "𠮷" * 100 + ".xlsx"]


@pytest.mark.parametrize("name", HOSTILE)
def test_every_sanitised_name_is_one_windows_accepts(name):
    for made in (safe_filename(name), safe_filename(name, suffix=".docx"), safe(name), output_name(name, 2024, "2021")):
        assert windows_accepts(made), made
        assert "\u202e" not in made


def test_device_names_trailing_dots_and_bidi():
    assert safe_filename("CON", suffix=".xlsx") == "_CON.xlsx"
    assert safe("CON.xlsx") == "_CON.xlsx"
    assert safe_filename("单位.") == safe_filename("单位")           # what Windows would make of it anyway
    assert safe_filename("COM10") == "COM10"                            # not a device
    assert safe_filename("xslx\u202eexe", suffix=".xlsx") == "xslxexe.xlsx"


def test_long_names_are_cut_by_bytes_keeping_the_year_and_extension():
    unit = "很长的单位名称" * 30          # 210 characters, 630 bytes
    name = output_name(unit, 2024, "2021")
    assert len(name.encode("utf-8")) + len("（12345）-正文.html".encode("utf-8")) <= NAME_BYTES
    assert name.endswith("2024年政府信息公开工作年度报告") and name.startswith("很长的单位名称")
    kept = safe("附件" * 200 + ".xlsx")
    assert kept.endswith(".xlsx") and len(kept.encode("utf-8")) <= NAME_BYTES - 40
    assert len(safe_filename("𠮷" * 100, suffix=".eml").encode("utf-8")) <= NAME_BYTES     # never half a character


def test_paths_stay_within_windows_260_characters(tmp_path):
    folder = str(tmp_path / ("深" * 60))
    stem = fit_path(folder, "单" * 200, "2024年政府信息公开工作年度报告（12345）-正文.html")
    full = os.path.join(os.path.abspath(folder), stem + "2024年政府信息公开工作年度报告（12345）-正文.html")
    assert len(full.encode("utf-16-le")) // 2 <= 259 and stem.startswith("单")
    assert fit_path(folder, "短名", ".docx") == "短名"


def test_case_and_normalization_are_one_name():
    assert name_key("ABC局") == name_key("abc局")
    assert name_key(unicodedata.normalize("NFD", "Café")) == name_key("Café")
    assert name_key("ＡＢＣ局") == name_key("abc局")
    assert safe_filename(unicodedata.normalize("NFD", "Café")) == "Café"      # written NFC


def _unit_workbook(path, unit):
    fmt = get("2021")
    path.write_bytes(make_template(fmt, values=zero_values(fmt, unit=unit)))


def test_a_long_unit_name_is_converted(tmp_path):
    """Issue 12 point 10: a unit name over ~69 Chinese characters failed with OUTPUT_FAILED."""
    (tmp_path / "in").mkdir()
    _unit_workbook(tmp_path / "in" / "a.xlsx", "长" * 120 + "人民政府")
    report = build([tmp_path / "in"], tmp_path / "out", outputs=None)
    assert [t.status for t in report.tasks] == ["converted"], report.tasks[0].findings
    (doc,) = (tmp_path / "out").glob("*.docx")
    assert doc.name.endswith("2024年政府信息公开工作年度报告.docx")


@pytest.mark.parametrize("first, second", [("ABC局", "abc局"), ("Café局", unicodedata.normalize("NFD", "Café局")),
                                           ("单位.", "单位")])
def test_names_one_file_system_confuses_are_duplicates(tmp_path, first, second):
    """Issue 12 point 11: two files and no DUPLICATE_UNIT, which overwrite each other on Windows and macOS."""
    (tmp_path / "in").mkdir()
    _unit_workbook(tmp_path / "in" / "1.xlsx", first)
    _unit_workbook(tmp_path / "in" / "2.xlsx", second)
    report = build([tmp_path / "in"], tmp_path / "out")
    assert [f.code for f in report.tasks[1].findings] == ["DUPLICATE_UNIT"]
    names = sorted(p.name for p in (tmp_path / "out").glob("*.docx"))
    assert len(names) == 2 and len({name_key(n) for n in names}) == 2


def test_device_name_as_unit(tmp_path):
    (tmp_path / "in").mkdir()
    _unit_workbook(tmp_path / "in" / "1.xlsx", "CON")
    build([tmp_path / "in"], tmp_path / "out")
    assert [p.name for p in (tmp_path / "out").glob("*.docx")][0].startswith("CON2024")   # the title: no device name
    assert output_name("CON", None, None) == "_CON"


def test_extract_names_are_sanitised_and_unique(tmp_path):
    (tmp_path / "in").mkdir()
    shutil.copy(SAMPLES / "青山镇人民政府-2024.xlsx", tmp_path / "in" / "CON.xlsx")
    os.mkdir(tmp_path / "in" / "sub")
    shutil.copy(SAMPLES / "青山镇人民政府-2024.xlsx", tmp_path / "in" / "sub" / "con.xlsx")
    extract([tmp_path / "in"], str(tmp_path / "out"))
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["_CON.json", "_con（2）.json"]


GBK_NAME = "南岭镇年报".encode("gbk") + b".xlsx"
BAD_NAME = b"\xff\xfe-\xc4.xlsx"       # decodes in no encoding


@pytest.fixture
def undecodable(tmp_path):
    inbox = os.fsencode(tmp_path / "in")
    os.mkdir(inbox)
    for name in (GBK_NAME, BAD_NAME, b"zz.xlsx"):
        shutil.copy(SAMPLES / "青山镇人民政府-2024.xlsx", os.path.join(inbox, name))
    return tmp_path


def test_readable_decodes_gbk_and_escapes_the_rest():
    assert readable(os.fsdecode(b"in/" + GBK_NAME)) == "in/南岭镇年报.xlsx"
    assert readable(os.fsdecode(BAD_NAME)).startswith("\\xff\\xfe-")
    assert readable("收件箱/普通.xlsx") == "收件箱/普通.xlsx"


@pytest.mark.parametrize("env", [{}, {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8:strict"},
                                 {"PYTHONIOENCODING": "gbk"}], ids=["default", "strict-utf8", "gbk"])
def test_input_names_that_are_not_utf8_are_listed_and_converted(undecodable, env):
    """Issue 12 point 5: build died in the check-report writer and 校验结果.xlsx listed one file."""
    full = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "LANG", "LC_ALL")} | env
    r = subprocess.run([sys.executable, "-m", "converter", "build", "in", "-o", "out"], cwd=undecodable,
                       capture_output=True, env=full)
    encoding = env.get("PYTHONIOENCODING", "utf-8").split(":")[0]
    out, err = r.stdout.decode(encoding), r.stderr.decode(encoding)
    assert r.returncode == 0 and "Traceback" not in err, err
    assert "南岭镇年报.xlsx" in out and "\\xff\\xfe-" in out
    assert len(list((undecodable / "out").glob("*.docx"))) == 3
    rows = [row for row in openpyxl.load_workbook(undecodable / "out" / "校验结果.xlsx")["汇总"].iter_rows(min_row=2, values_only=True)
            if isinstance(row[0], int)]
    assert sorted(row[1] for row in rows) == sorted(["zz.xlsx", "南岭镇年报.xlsx", readable(os.fsdecode(BAD_NAME))])
    r = subprocess.run([sys.executable, "-m", "converter", "check", "in", "--json"], cwd=undecodable,
                       capture_output=True, env=full)
    assert r.returncode == 0 and r.stdout.decode("utf-8").strip().startswith("[")


def test_collect_names_device_units_and_attachments_safely(tmp_path):
    """Issue 12 point 12: a unit named CON became 最新/CON.xlsx; an attachment name keeps its extension."""
    import mailers

    from converter.mail.collect import collect
    fmt = get("2021")
    wb = make_template(fmt, values=zero_values(fmt, unit="CON"))
    msgs = [("m1", mailers.rfc2231("CON\u202e.xlsx", wb, sender="a@units.test", msgid="<1@x>"))]
    report = collect(msgs, tmp_path / "inbox")
    assert len(report.added) == 1
    newest = [p.name for p in (tmp_path / "inbox" / "最新").iterdir()]
    stored = [p.name for p in (tmp_path / "inbox" / "历次版本").iterdir()]
    assert newest == ["_CON.xlsx"]
    assert all(windows_accepts(n) and n.endswith("_CON.xlsx") for n in stored), stored


def test_output_paths_fit_windows_260_characters(tmp_path):
    """A deep output folder and a long unit name: the name is cut so the path fits, year kept."""
    (tmp_path / "in").mkdir()
    _unit_workbook(tmp_path / "in" / "a.xlsx", "很长的单位名称" * 12)
    out = tmp_path / ("输出" * 40)
    report = build([tmp_path / "in"], out)
    assert report.tasks[0].status == "converted", report.tasks[0].findings
    (doc,) = out.glob("*.docx")
    assert len(str(doc.resolve()).encode("utf-16-le")) // 2 <= 259
    assert doc.name.startswith("很长的单位名称") and doc.name.endswith("2024年政府信息公开工作年度报告.docx")
