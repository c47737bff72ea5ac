"""Every kind of bad input gets its own clear Chinese finding naming the file, and a batch goes on."""
import io
import shutil

import office
import openpyxl
import pytest
from conftest import SAMPLES

from converter.batch import build
from converter.intake.workbook import read_workbook

GOOD = SAMPLES / "青山镇人民政府-2024.xlsx"


def codes(path):
    r = read_workbook(path)
    assert r.data is None
    return [f.code for f in r.findings], r.findings


def test_missing_file(tmp_path):
    assert codes(tmp_path / "nope.xlsx")[0] == ["FILE_MISSING"]


def test_empty_file(tmp_path):
    (tmp_path / "e.xlsx").write_bytes(b"")
    assert codes(tmp_path / "e.xlsx")[0] == ["FILE_EMPTY"]


def test_text_file_named_xlsx(tmp_path):
    (tmp_path / "t.xlsx").write_text("单位名称,南岭镇\n", encoding="utf-8")
    assert codes(tmp_path / "t.xlsx")[0] == ["FILE_NOT_XLSX"]


def test_word_document(tmp_path):
    import docx
    docx.Document().save(tmp_path / "report.xlsx")
    code, found = codes(tmp_path / "report.xlsx")
    assert code == ["FILE_NOT_XLSX"] and "Word" in found[0].message


def test_corrupt_zip(tmp_path):
    blob = GOOD.read_bytes()
    (tmp_path / "c.xlsx").write_bytes(blob[: len(blob) // 2])
    assert codes(tmp_path / "c.xlsx")[0] == ["FILE_CORRUPT"]


def test_part_that_unpacks_to_an_absurd_size(tmp_path):
    """A "zip bomb": 70 MB of blanks in a sheet, 70 KB on disk. Refused unread, before it takes memory."""
    import zipfile
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(GOOD) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * (70 << 20), 1)
            dst.writestr(info.filename, data)
    assert bomb.stat().st_size < 1 << 20
    found, findings = codes(bomb)
    assert found == ["FILE_TOO_LARGE"] and "sheet2.xml 解压后 70 MB" in findings[0].message


def test_password_protected(tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile
    out = io.BytesIO()
    with open(GOOD, "rb") as fh:
        OOXMLFile(fh).encrypt("secret", out)
    (tmp_path / "p.xlsx").write_bytes(out.getvalue())
    assert codes(tmp_path / "p.xlsx")[0] == ["FILE_ENCRYPTED"]


def test_old_xls_saved_by_libreoffice(tmp_path, lo_profile):
    xls = office.convert(GOOD, tmp_path / "xls", "xls", lo_profile)
    code, found = codes(xls)
    assert code == ["FILE_XLS"] and "另存为" in found[0].message


def test_not_our_template(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "单位名称"
    wb.save(tmp_path / "other.xlsx")
    assert codes(tmp_path / "other.xlsx")[0] == ["NOT_OUR_TEMPLATE"]


def _edit(tmp_path, edit, name="edited.xlsx"):
    wb = openpyxl.load_workbook(GOOD)
    edit(wb)
    wb.save(tmp_path / name)
    return tmp_path / name


def test_unknown_template_version(tmp_path):
    p = _edit(tmp_path, lambda wb: wb["版本信息"].__setitem__("B3", "2099.9"))
    code, found = codes(p)
    assert code == ["UNKNOWN_VERSION"] and "2099.9" in found[0].message


def test_unknown_format(tmp_path):
    p = _edit(tmp_path, lambda wb: wb["版本信息"].__setitem__("B2", "2030"))
    assert codes(p)[0] == ["UNKNOWN_FORMAT"]


def test_renamed_sheet(tmp_path):
    p = _edit(tmp_path, lambda wb: setattr(wb["三、依申请公开"], "title", "三、申请"))
    code, found = codes(p)
    assert code == ["SHEET_MISSING"] and found[0].sheet == "三、依申请公开"


def test_deleted_sheet(tmp_path):
    p = _edit(tmp_path, lambda wb: wb.remove(wb["四、复议诉讼"]))
    code, found = codes(p)
    assert code == ["SHEET_MISSING"] and "「四、复议诉讼」" in found[0].message


def test_deleted_sheet_names_become_ref_errors(tmp_path):
    def edit(wb):
        for name, dn in wb.defined_names.items():
            if "四、复议诉讼" in dn.attr_text:
                dn.attr_text = "#REF!"          # what Excel and LibreOffice leave behind
    code, found = codes(_edit(tmp_path, edit))
    assert code == ["SHEET_MISSING"] and found[0].sheet == "四、复议诉讼"


def test_deleted_defined_name(tmp_path):
    p = _edit(tmp_path, lambda wb: wb.defined_names.pop("T_p3_deny3_natural"))
    code, found = codes(p)
    assert code == ["NAME_MISSING"]
    assert found[0].sheet == "三、依申请公开" and "危及“三安全一稳定”" in found[0].message


def test_a_batch_goes_on_past_every_bad_file(tmp_path, lo_profile):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(GOOD, inbox / "good.xlsx")
    (inbox / "empty.xlsx").write_bytes(b"")
    (inbox / "notes.txt").write_text("hello")
    (inbox / "half.xlsx").write_bytes(GOOD.read_bytes()[:3000])
    shutil.copy(_edit(tmp_path, lambda wb: wb.remove(wb["基本信息"])), inbox / "nosheet.xlsx")
    (inbox / "~$good.xlsx").write_bytes(b"lock file")       # Office lock files are skipped
    report = build([inbox], tmp_path / "out")
    status = {t.file.split("/")[-1]: t.status for t in report.tasks}
    assert status == {"good.xlsx": "converted", "empty.xlsx": "unreadable", "notes.txt": "unreadable",
                      "half.xlsx": "unreadable", "nosheet.xlsx": "unreadable"}
    for t in report.tasks:
        assert all(f.file == t.file for f in t.findings)
    assert (tmp_path / "out" / "青山镇人民政府2024年政府信息公开工作年度报告.docx").exists()


@pytest.mark.parametrize("name", ["empty.xlsx"])
def test_messages_are_chinese(tmp_path, name):
    (tmp_path / name).write_bytes(b"")
    _, found = codes(tmp_path / name)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in found[0].message)


def test_damaged_part_inside_an_intact_zip(tmp_path):
    """The zip directory is fine but a sheet's compressed bytes are not: caught on reading, per file."""
    import zipfile
    blob = bytearray(GOOD.read_bytes())
    with zipfile.ZipFile(GOOD) as z:
        info = z.getinfo("xl/worksheets/sheet5.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 20, start + 60):
        blob[i] ^= 0x5A
    (tmp_path / "d.xlsx").write_bytes(bytes(blob))
    for engine in ("xml", "openpyxl"):
        r = read_workbook(tmp_path / "d.xlsx", engine=engine)
        assert r.data is None and [f.code for f in r.findings] == ["FILE_CORRUPT"]
