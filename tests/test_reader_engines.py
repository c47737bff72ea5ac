"""The fast XML engine and the openpyxl reference engine read every workbook the same way."""
import datetime as dt
import shutil

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from converter.intake.workbook import read_workbook
from converter.intake.xlsx_xml import looks_like_date
from conftest import SAMPLES
import office


def same(path):
    a, b = read_workbook(path, engine="xml"), read_workbook(path, engine="openpyxl")
    assert a.data == b.data
    assert a.findings == b.findings
    assert a.locations == b.locations
    return a


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.xlsx")), ids=lambda p: p.stem)
def test_samples(path):
    same(path)


def test_libreoffice_saved(tmp_path, lo_profile):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("云溪县教育局-2024.xlsx", "南岭镇人民政府-2024.xlsx"):
        shutil.copy(SAMPLES / name, src / name)
        same(office.convert(src / name, tmp_path / "lo", "xlsx", lo_profile))


def test_odd_cell_types(tmp_path):
    wb = openpyxl.load_workbook(SAMPLES / "青山镇人民政府-2024.xlsx")
    ws = wb["三、依申请公开"]
    ws["D8"] = dt.datetime(2024, 3, 5)            # a date typed into a count
    ws["D8"].number_format = "yyyy/m/d"
    ws["E8"] = True
    ws["F8"] = "#N/A"
    ws["G8"] = 1e20
    ws["H8"] = 3.0
    ws["I8"] = "=D8+1"
    wb["一、总体情况"]["B6"] = CellRichText(["普通", TextBlock(InlineFont(b=True), "加粗"), "文字"])
    wb["基本信息"]["B5"] = "=不是公式的单位名"
    wb["基本信息"]["B5"].data_type = "s"
    wb.save(tmp_path / "odd.xlsx")
    r = same(tmp_path / "odd.xlsx")
    assert r.data["fields"]["active"] == "普通加粗文字"
    assert r.data["fields"]["unit"] == "=不是公式的单位名"
    assert r.data["tables"]["p3"]["new"]["natural"] == "2024-03-05T00:00:00"
    assert [f.code for f in r.findings] == ["VALUE_FORMULA"]


@pytest.mark.parametrize("code, is_date", [
    ("yyyy/m/d", True), ('yyyy"年"m"月"d"日"', True), ("h:mm", True), ("[h]:mm:ss", True),
    ("0.00", False), ('0"天"', False), ("#,##0;[Red]-#,##0", False), ("General", False), ("@", False),
    ('"d"0', False), ("[$-804]yyyy年m月", True),
])
def test_date_format_detection(code, is_date):
    assert looks_like_date(code) is is_date


# Markup a byte search can mistake for the sheet (issue 12): a fake <sheetData> in a comment or a
# processing instruction, "</sheetData>" inside CDATA, a comment inside a number. Both engines must
# read what a conforming XML parser reads, and read it alike.
@pytest.mark.parametrize("name", ["comment_with_fake_sheet", "pi_with_fake_sheet", "cdata_closing_sheet_data",
                                  "comment_inside_number"])
def test_markup_a_byte_search_could_mistake(tmp_path, name):
    import sys
    from conftest import FIXTURES
    sys.path.insert(0, str(FIXTURES / "hostile"))
    import make_hostile
    r = same(make_hostile.build(name, tmp_path))
    assert r.data["fields"]["unit"] in ("青山镇人民政府", "青山</sheetData>镇")


@pytest.mark.parametrize("prefix", [
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!-- <sheetData/> -->',
    b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?><?pi <sheetData></sheetData>?>',
])
def test_sheet_starting_with_a_comment_or_pi_before_the_root(tmp_path, prefix):
    """The shortcut that parses only <sheetData> is not taken; the sheet is read in full, alike."""
    import re
    import zipfile
    src = SAMPLES / "青山镇人民政府-2024.xlsx"
    out = tmp_path / "prefixed.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = prefix + re.sub(rb"^<\?xml[^>]*\?>\s*", b"", data)
            zout.writestr(info.filename, data)
    assert same(out).data == same(src).data
