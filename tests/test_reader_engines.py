"""The fast XML engine and the openpyxl reference engine read every workbook the same way."""
import datetime as dt
import shutil

import office
import openpyxl
import pytest
from conftest import SAMPLES
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from converter.intake.workbook import read_workbook
from converter.intake.xlsx_xml import looks_like_date


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


def _hostile():
    """tests/fixtures/hostile/make_hostile.py: the builders of the hostile workbooks of issue 12."""
    import sys

    from conftest import FIXTURES
    sys.path.insert(0, str(FIXTURES / "hostile"))
    import make_hostile
    return make_hostile


# Markup a byte search can mistake for the sheet (issue 12): a fake <sheetData> in a comment or a
# processing instruction, "</sheetData>" inside CDATA, a comment inside a number. Both engines must
# read what a conforming XML parser reads, and read it alike.
@pytest.mark.parametrize("name", ["comment_with_fake_sheet", "pi_with_fake_sheet", "cdata_closing_sheet_data",
                                  "comment_inside_number"])
def test_markup_a_byte_search_could_mistake(tmp_path, name):
    r = same(_hostile().build(name, tmp_path))
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


def _edit_unit_sheet(tmp_path, edit) -> "object":
    """The sample with its 基本信息 sheet's XML passed through edit(bytes) -> bytes."""
    make_hostile = _hostile()
    part = make_hostile.sheet_part("基本信息")
    return make_hostile.rezip(tmp_path / "edited.xlsx", lambda n, d: edit(d) if n == part else d)


_FAKE = '<row r="5"><c r="B5" t="inlineStr"><is><t>冒名单位</t></is></c></row>'.encode()


@pytest.mark.parametrize("label, edit", [
    # a fake <sheetData> in another namespace, before the real one
    ("other namespace", lambda d: d.replace(b"<sheetData>", b'<x:sheetData xmlns:x="urn:other">' + _FAKE.replace(
        b"<row", b"<x:row").replace(b"</row>", b"</x:row>") + b"</x:sheetData><sheetData>", 1)),
    # a default namespace declared on an element between the root and <sheetData>
    ("namespace declared before", lambda d: d.replace(b"<sheetData>", b'<sheetPr xmlns="urn:other"/><sheetData>', 1)),
    # ">" inside an attribute value of the root's start tag
    ("> in a root attribute", lambda d: d.replace(b"<worksheet ", b'<worksheet xml:lang="a>b" ', 1)),
    # a cell outside any row, after the rows: not a cell
    ("stray cell", lambda d: d.replace(b"</sheetData>", _FAKE[len(b'<row r="5">'):-len(b"</row>")] + b"</sheetData>", 1)),
    # references written lower-case and zero-padded, as openpyxl accepts them
    ("odd references", lambda d: d.replace(b'r="B5"', b'r="b05"', 1)),
])
def test_sheets_a_shortcut_could_misread(tmp_path, label, edit):
    r = same(_edit_unit_sheet(tmp_path, edit))
    assert r.data["fields"]["unit"] == "青山镇人民政府", label


def test_doctype_with_an_entity_is_refused_by_both_engines(tmp_path):
    """An entity could hold a value that each engine expands differently (or not at all); OPC forbids
    a DOCTYPE in a package part."""
    def edit(d: bytes) -> bytes:
        d = d.replace(b"<worksheet ", b'<!DOCTYPE worksheet [<!ENTITY u "\xe5\x86\x92\xe5\x90\x8d">]><worksheet ', 1)
        return d.replace(b'<c r="B5" s="6" t="s"><v>117</v></c>', b'<c r="B5" t="inlineStr"><is><t>&u;</t></is></c>')
    path = _edit_unit_sheet(tmp_path, edit)
    for engine in ("xml", "openpyxl"):
        r = read_workbook(path, engine=engine)
        assert r.data is None and [f.code for f in r.findings] == ["FILE_CORRUPT"]
        assert "DOCTYPE" in r.findings[0].message
