"""Bad inputs to the published-report reader: each gets a clear Chinese finding and no exception,
and reading goes on with the next file."""
from __future__ import annotations

import shutil
import struct
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document as WordDocument
from office import soffice
from published_truth import FIXTURES

from converter.checks.findings import ERROR
from converter.intake.published import read_published, sniff_kind


def _codes(r):
    return [f.code for f in r.findings]


def _only_errors_no_data(r, code):
    assert r.data is None
    assert all(f.file == r.file for f in r.findings)     # each finding names its file
    assert code in _codes(r)
    f = next(f for f in r.findings if f.code == code)
    assert f.severity == ERROR and any("\u4e00" <= ch <= "\u9fff" for ch in f.message)
    return f


def test_word_file_that_is_not_a_report(tmp_path):
    doc = WordDocument()
    doc.add_paragraph("关于召开2024年度安全生产工作会议的通知")
    doc.add_paragraph("各科室：定于下周一召开会议，请准时参加。")
    table = doc.add_table(rows=3, cols=3)
    for i, row in enumerate(table.rows):
        for j, cell in enumerate(row.cells):
            cell.text = ["姓名", "科室", "电话"][j] if i == 0 else f"{i}{j}"
    path = tmp_path / "会议通知.docx"
    doc.save(path)
    f = _only_errors_no_data(read_published(path), "PUB_NOT_REPORT")
    assert "不是政府信息公开工作年度报告" in f.message and "1 个表格" in f.message


def test_web_page_without_tables(tmp_path):
    path = tmp_path / "新闻.html"
    path.write_text("<html><head><meta charset='gbk'><title>新闻</title></head><body><p>今日要闻</p></body></html>",
                    encoding="gbk")
    f = _only_errors_no_data(read_published(path), "PUB_NOT_REPORT")
    assert "文中没有表格" in f.message


@pytest.mark.skipif(not soffice(), reason="LibreOffice is not installed")
def test_encrypted_pdf(tmp_path, lo_profile):
    import os
    import subprocess
    src = tmp_path / "年报.html"
    src.write_text("<html><body><p>某某县2024年政府信息公开工作年度报告</p></body></html>", encoding="utf-8")
    target = ('pdf:writer_web_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
              '"DocumentOpenPassword":{"type":"string","value":"secret"}}')
    subprocess.run([soffice(), "--headless", "--norestore", f"-env:UserInstallation={lo_profile.as_uri()}",
                    "--convert-to", target, "--outdir", str(tmp_path), str(src)], capture_output=True,
                   timeout=180, env=dict(os.environ, HOME=str(lo_profile)), check=True)
    pdf = tmp_path / "年报.pdf"
    assert b"/Encrypt" in pdf.read_bytes()
    assert sniff_kind(pdf) == "pdf"
    f = _only_errors_no_data(read_published(pdf), "PUB_PDF_ENCRYPTED")
    assert "密码" in f.message


@pytest.mark.parametrize("cut", [200, 2000, 20000])
def test_broken_pdf(tmp_path, cut):
    src = (FIXTURES / "hongze_2023.pdf").read_bytes()
    path = tmp_path / "截断.pdf"
    path.write_bytes(src[:cut])
    r = read_published(path)
    assert r.data is None or r.findings
    assert any(f.severity == ERROR for f in r.findings)


def test_garbage_pdf(tmp_path):
    path = tmp_path / "坏.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    f = _only_errors_no_data(read_published(path), "PUB_FILE_UNREADABLE")
    assert "PDF" in f.message


def _bomb(path: Path, size: int, lie: bool) -> None:
    """A .docx whose document.xml inflates to `size` bytes; with `lie`, the zip declares it small."""
    shutil.copy(FIXTURES / "pingtan_2024_word.docx", path)
    with zipfile.ZipFile(FIXTURES / "pingtan_2024_word.docx") as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename == "word/document.xml":
                with out.open("word/document.xml", "w", force_zip64=True) as fh:
                    fh.write(b"<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'>")
                    block = b" " * (1 << 20)
                    for _ in range(size >> 20):
                        fh.write(block)
            else:
                out.writestr(info, src.read(info))
    if lie:
        # declare 1000 bytes in the local and central headers: the reader must count what it inflates
        data = bytearray(path.read_bytes())
        name = b"word/document.xml"
        i = data.find(b"PK\x03\x04")
        while i != -1:
            n = struct.unpack_from("<H", data, i + 26)[0]
            if data[i + 30:i + 30 + n] == name:
                struct.pack_into("<I", data, i + 22, 1000)
            i = data.find(b"PK\x03\x04", i + 4)
        i = data.find(b"PK\x01\x02")
        while i != -1:
            n = struct.unpack_from("<H", data, i + 28)[0]
            if data[i + 46:i + 46 + n] == name and struct.unpack_from("<I", data, i + 24)[0] != 0xFFFFFFFF:
                struct.pack_into("<I", data, i + 24, 1000)
            i = data.find(b"PK\x01\x02", i + 4)
        path.write_bytes(bytes(data))


@pytest.mark.parametrize("lie", [False, True])
def test_zip_bomb_docx(tmp_path, lie):
    path = tmp_path / "炸弹.docx"
    _bomb(path, 40 << 20, lie)
    assert path.stat().st_size < 1 << 20
    start = time.monotonic()
    r = read_published(path)
    assert time.monotonic() - start < 10
    assert r.data is None
    # told the truth, the declared size is refused; lied to, the inflated bytes are counted as they come
    # (converter/intake/safe_zip.py): either way too large, never 40 MB in memory
    assert _codes(r) == ["PUB_FILE_TOO_LARGE"]
    assert r.findings[0].file == str(path)


def test_old_word_and_unknown_files(tmp_path):
    missing = read_published(tmp_path / "无.docx")
    assert _codes(missing) == ["FILE_MISSING"]
    empty = tmp_path / "空.docx"
    empty.write_bytes(b"")
    assert _codes(read_published(empty)) == ["FILE_EMPTY"]
    picture = tmp_path / "图.html"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    assert sniff_kind(picture) is None
    assert _codes(read_published(picture)) == ["PUB_KIND_UNKNOWN"]


def test_any_input_reader_says_what_it_reads_for_a_file_of_no_kind(tmp_path):
    """read_report (check, build, --previous, the inbox) reads Word files, web pages and PDFs too: a
    text file named .docx or a picture is not "not an Excel workbook, use the template" but none of
    the kinds read, named; an empty file or an old .xls keeps its own finding."""
    from converter.intake.reader import read_report
    text = tmp_path / "报告.docx"
    text.write_text("洪泽区2023年报告（见附件）", encoding="utf-8")
    picture = tmp_path / "报告.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    empty = tmp_path / "空.docx"
    empty.write_bytes(b"")
    old = tmp_path / "旧.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert [(f.code, "Word（.docx）" in f.message) for f in read_report(text).findings] == [("PUB_KIND_UNKNOWN", True)]
    [f] = read_report(picture).findings
    assert f.code == "PUB_KIND_UNKNOWN" and "而是图片" in f.message
    assert _codes(read_report(empty)) == ["FILE_EMPTY"]
    assert _codes(read_report(old)) == ["FILE_XLS"]


def test_a_batch_goes_on_after_bad_files(tmp_path):
    bad = tmp_path / "坏.pdf"
    bad.write_bytes(b"%PDF-1.4\nbroken")
    good = FIXTURES / "pingtan_2024.html"
    results = [read_published(p) for p in (bad, good, bad)]
    assert [r.data is not None for r in results] == [False, True, False]


def _png(path: Path, width: int = 600, height: int = 300) -> Path:
    """A real grey-scale PNG (a stand-in for a table pasted as a picture)."""
    import zlib
    raw = b"".join(b"\x00" + bytes((x * 7 + y * 3) % 256 for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path


PARTS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
         "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")


def test_word_report_with_tables_pasted_as_pictures(tmp_path):
    from docx.shared import Mm
    picture = _png(tmp_path / "表.png")
    doc = WordDocument()
    doc.add_paragraph("某某县人民政府2024年政府信息公开工作年度报告")
    for heading in PARTS:
        doc.add_paragraph(heading)
        doc.add_paragraph("本年度无。")
        if heading[0] in "二三四":
            doc.add_picture(str(picture), width=Mm(150))
    path = tmp_path / "图片表格.docx"
    doc.save(path)
    f = _only_errors_no_data(read_published(path), "PUB_TABLE_IS_IMAGE")
    assert "表格为图片，无法读取数字" in f.message


@pytest.mark.skipif(not soffice(), reason="LibreOffice is not installed")
def test_scanned_pdf(tmp_path, lo_profile):
    from docx.shared import Mm
    from office import convert
    doc = WordDocument()
    doc.add_picture(str(_png(tmp_path / "扫描.png")), width=Mm(150))
    doc.save(tmp_path / "扫描件.docx")
    pdf = convert(tmp_path / "扫描件.docx", tmp_path / "out", "pdf", lo_profile)
    f = _only_errors_no_data(read_published(pdf), "PUB_TABLE_IS_IMAGE")
    assert "扫描件" in f.message


@pytest.mark.skipif(not soffice(), reason="LibreOffice is not installed")
def test_old_word_file_is_read_through_libreoffice(tmp_path, lo_profile):
    from office import convert
    from published_truth import cells, load
    src = tmp_path / "平潭2024.docx"
    shutil.copy(FIXTURES / "pingtan_2024_word.docx", src)
    doc = convert(src, tmp_path / "out", "doc:MS Word 97", lo_profile)
    assert sniff_kind(doc) == "doc"
    before = doc.read_bytes()
    r = read_published(doc)
    assert doc.read_bytes() == before
    _, expected = cells(load("pingtan_2024"))
    assert {p: r.data["tables"][p[1]][p[2]][p[3]] for p in expected} == expected


def test_damaged_copies_never_raise(tmp_path):
    """Bytes flipped, files cut short, pieces of markup cut out: a finding or data, never an exception."""
    import io
    import random
    rnd = random.Random(20241)
    sources = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".html", ".pdf", ".docx"))
    for i in range(60):
        src = sources[i % len(sources)]
        data = bytearray(src.read_bytes())
        how = i % 3
        if how == 0:
            for _ in range(rnd.randint(1, 40)):
                data[rnd.randrange(len(data))] = rnd.randrange(256)
        elif how == 1:
            data = data[:rnd.randrange(len(data))]
        elif src.suffix == ".docx":
            out = io.BytesIO()
            with zipfile.ZipFile(io.BytesIO(bytes(data))) as zin, zipfile.ZipFile(out, "w") as zout:
                for info in zin.infolist():
                    part = bytearray(zin.read(info))
                    if info.filename == "word/document.xml":
                        for _ in range(20):
                            at = rnd.randrange(len(part))
                            del part[at:at + rnd.randint(1, 40)]
                    zout.writestr(info, bytes(part))
            data = bytearray(out.getvalue())
        else:
            for _ in range(20):
                at = rnd.randrange(len(data))
                del data[at:at + rnd.randint(1, 200)]
        path = tmp_path / f"{i}{src.suffix}"
        path.write_bytes(bytes(data))
        r = read_published(path)
        assert r.data is not None or r.findings
