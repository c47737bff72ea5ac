"""Reading workbooks: by defined name, tolerant of how clerks type, never trusting cached values."""
import io
import shutil
import zipfile

import openpyxl

from converter.intake.workbook import read_workbook
from converter.template.workbook import make_template


def test_blank_template_reads_as_blanks(fmt, tmp_path):
    p = tmp_path / "t.xlsx"
    p.write_bytes(make_template(fmt))
    r = read_workbook(p)
    assert r.ok and r.findings == []
    assert r.data["tables"]["p3"]["new"]["natural"] is None
    assert r.data["tables"]["p3"]["new"]["total"] == 0          # recomputed formula, from blanks
    assert r.data["fields"]["problems"] == []


def test_values_text_numbers_and_paragraphs(f2021, workbook):
    p = workbook(f2021, {("tables", "p3", "new", "natural"): "１２", ("tables", "p3", "new", "legal"): " 3 ",
                         ("tables", "p3", "new", "other"): "2.0", ("fields", "active"): "第一段\n第二段",
                         ("fields", "problems"): ["一是", "二是"]})
    r = read_workbook(p)
    assert r.data["tables"]["p3"]["new"]["natural"] == 12
    assert r.data["tables"]["p3"]["new"]["total"] == 17
    assert r.data["fields"]["active"] == "第一段\n第二段"
    assert r.data["fields"]["problems"] == ["一是", "二是"]
    assert r.locations[("tables", "p3", "new", "natural")] == ("三、依申请公开", "D8")


def test_reads_by_defined_name_not_position(f2021, workbook, tmp_path):
    p = workbook(f2021, {("tables", "p3", "new", "natural"): 5})
    wb = openpyxl.load_workbook(p)
    ws = wb["三、依申请公开"]
    ws["D40"] = 9                                       # the clerk's value now lives elsewhere...
    wb.defined_names["T_p3_new_natural"].attr_text = "'三、依申请公开'!$D$40"   # ...and the name follows it
    wb.save(tmp_path / "moved.xlsx")
    r = read_workbook(tmp_path / "moved.xlsx")
    assert r.data["tables"]["p3"]["new"]["natural"] == 9
    assert r.locations[("tables", "p3", "new", "natural")] == ("三、依申请公开", "D40")


def test_renamed_sheet_with_names_updated_still_reads(f2021, workbook, tmp_path):
    p = workbook(f2021, {("tables", "p4", "main", "rupheld"): 2})
    wb = openpyxl.load_workbook(p)
    wb["四、复议诉讼"].title = "复议诉讼"
    for name, dn in wb.defined_names.items():      # what Excel does when a sheet is renamed
        dn.attr_text = dn.attr_text.replace("'四、复议诉讼'!", "'复议诉讼'!")
    wb.save(tmp_path / "renamed.xlsx")
    r = read_workbook(tmp_path / "renamed.xlsx")
    assert r.ok and r.data["tables"]["p4"]["main"]["rupheld"] == 2
    assert r.locations[("tables", "p4", "main", "rtotal")][0] == "复议诉讼"


def _set_cached_value(path, sheet_index: int, cell: str, cached: str):
    """Rewrite a formula cell's cached <v> in the sheet XML, as a lying spreadsheet might have saved it."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == f"xl/worksheets/sheet{sheet_index}.xml":
                text = data.decode()
                start = text.index(f'<c r="{cell}"')
                end = text.index("</c>", start)
                cell_xml = text[start:end]
                new = cell_xml[:cell_xml.index("<v>") + 3] + cached + cell_xml[cell_xml.index("</v>"):]
                data = (text[:start] + new + text[end:]).encode()
            zout.writestr(item, data)
    shutil.move(tmp, path)


def test_cached_formula_values_are_never_trusted(f2021, workbook):
    p = workbook(f2021, {("tables", "p3", "new", "natural"): 4, ("tables", "p3", "new", "commercial"): 1})
    _set_cached_value(p, 5, "J8", "999")            # sheet5 = 三、依申请公开, J8 = 一's 总计
    assert openpyxl.load_workbook(p, data_only=True)["三、依申请公开"]["J8"].value == 999
    assert read_workbook(p).data["tables"]["p3"]["new"]["total"] == 5


def test_overtyped_total_is_kept_for_checking(f2021, workbook):
    p = workbook(f2021, {("tables", "p3", "new", "natural"): 4, ("tables", "p3", "new", "total"): 7})
    assert read_workbook(p).data["tables"]["p3"]["new"]["total"] == 7


def test_formula_typed_in_an_input(f2021, workbook, tmp_path):
    p = workbook(f2021)
    wb = openpyxl.load_workbook(p)
    wb["三、依申请公开"]["D8"] = "=1+2"
    wb.save(tmp_path / "f.xlsx")
    r = read_workbook(tmp_path / "f.xlsx")
    assert [(f.code, f.cell) for f in r.findings] == [("VALUE_FORMULA", "D8")]


def test_inputs_are_not_modified(f2021, workbook):
    p = workbook(f2021)
    before = p.read_bytes()
    read_workbook(p)
    assert p.read_bytes() == before


def test_template_bytes_roundtrip_through_openpyxl(f2019, workbook):
    p = workbook(f2019, {("tables", "a5", "licensing", "change"): -2, ("tables", "a9", "procurement", "amount"): 56.8})
    r = read_workbook(p)
    assert r.data["tables"]["a5"]["licensing"]["change"] == -2
    assert r.data["tables"]["a9"]["procurement"]["amount"] == 56.8
    assert io  # noqa


def test_excel_escapes_and_control_characters_become_clean_text(f2021, workbook, tmp_path):
    """Text pasted from Word into Excel carries soft line breaks and control characters, which Excel
    stores as _x000B_, _x0001_ (ECMA-376 ST_Xstring): decoded, U+000B as a line break, the rest dropped
    with a warning; both engines agree, and the Word report has clean paragraphs."""
    import zipfile as _zip

    from converter.render import render_report
    p = workbook(f2021, {("fields", "active"): "坚持以习近平\x0b新时代\x01思想为指导", ("fields", "onrequest"): "PLACEHOLDER"})
    raw = tmp_path / "escaped.xlsx"
    with _zip.ZipFile(p) as zin, _zip.ZipFile(raw, "w", _zip.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/sharedStrings.xml":
                data = data.replace(b"PLACEHOLDER", b"\xe4\xb8\x80\xe6\x98\xaf_x000B__x0001_\xe4\xba\x8c\xe6\x98\xaf_x000c_end")
            zout.writestr(item, data)
    for path in (p, raw):
        a, b = read_workbook(path, engine="xml"), read_workbook(path, engine="openpyxl")
        assert a.data == b.data and a.findings == b.findings
    r = read_workbook(raw)
    assert r.data["fields"]["active"] == "坚持以习近平\n新时代思想为指导"
    assert r.data["fields"]["onrequest"] == "一是\n二是\nend"
    dropped = [f for f in r.findings if f.code == "TEXT_CONTROL_DROPPED"]
    assert [(f.severity, f.cell) for f in dropped] == [("warning", "B6"), ("warning", "B7")]
    assert "U+0001" in dropped[0].message
    with _zip.ZipFile(io.BytesIO(render_report(r.data, f2021))) as z:
        xml = z.read("word/document.xml").decode()
    assert "_x00" not in xml and "新时代思想为指导" in xml and ">一是<" in xml and ">二是<" in xml
