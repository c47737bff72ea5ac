"""The PDF of a report (typst): every paragraph and figure in its text, in reading order; fonts
embedded; metadata; real ruled tables with repeated headers; as long as LibreOffice's PDF of our .docx."""
import copy
import itertools
import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import office
import pdfplumber
import pytest
from publishing import pdf_pages, pdftotext, squash, table_rows_found, valid_samples

from converter.render.blocks import Paragraph, TableBlock, report_blocks, report_title
from converter.render.docx import render_report
from converter.render.fonts import ROLES, font_plan
from converter.render.pdf import font_substitutions, render_pdf

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing (make fonts)")

SAMPLES = valid_samples()
PUNCTUATION = "，。、；：？！”’）》」』"


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    """name -> (data, format, path of the PDF) for every valid sample."""
    folder = tmp_path_factory.mktemp("pdf")
    out = {}
    for name, data, fmt in SAMPLES:
        path = folder / f"{name}.pdf"
        path.write_bytes(render_pdf(data, fmt))
        out[name] = (data, fmt, path)
    return out


def test_there_are_valid_samples():
    assert len(SAMPLES) >= 4
    assert {fmt.id for _, _, fmt in SAMPLES} == {"2019", "2021"}


@pytest.mark.parametrize("name", [s[0] for s in SAMPLES])
def test_text_holds_every_paragraph_in_reading_order(pdfs, name):
    data, fmt, path = pdfs[name]
    text = squash(pdftotext(path))
    at = 0
    for block in report_blocks(data, fmt):
        if isinstance(block, Paragraph) and block.text:
            want = squash(block.text)
            found = text.find(want, at)
            assert found >= 0, f"paragraph missing or out of order: {block.text[:40]}"
            at = found + len(want)


@pytest.mark.parametrize("name", [s[0] for s in SAMPLES])
def test_text_holds_every_table_figure_row_by_row(pdfs, name):
    data, fmt, path = pdfs[name]
    rows = []
    for block in report_blocks(data, fmt):
        if isinstance(block, TableBlock):
            texts = block.texts
            cells = sorted(texts.items())
            for r in sorted({row for row, _ in texts}):
                rows.append([t for (row, _), t in cells if row == r])
    assert len(rows) > 30
    assert table_rows_found(pdftotext(path, layout=True), rows) == []


@pytest.mark.parametrize("name", [s[0] for s in SAMPLES])
def test_every_font_embedded_as_subset(pdfs, name):
    _, _, path = pdfs[name]
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    fonts = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert len(fonts) >= 3                   # title/body, 黑体, 楷体 at least
    for f in fonts:
        emb, sub = f[-5], f[-4]
        assert (emb, sub) == ("yes", "yes"), f
        assert re.match(r"^[A-Z]{6}\+", f[0]), f


def test_metadata_title_author_language(pdfs):
    for data, fmt, path in pdfs.values():
        with pdfplumber.open(path) as pdf:
            assert pdf.metadata["Title"] == report_title(data, fmt)
            assert pdf.metadata["Author"] == data["fields"]["unit"]
            assert pdf.doc.catalog.get("Lang") == b"zh-CN"


def test_gbt9704_page(pdfs):
    _data, _fmt, path = next(iter(pdfs.values()))
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        assert (round(page.width), round(page.height)) == (595, 842)
        mm = 72 / 25.4
        chars = [c for c in page.chars if not c["text"].isspace()]
        body = [c for c in chars if round(c["size"]) == 16]
        title = [c for c in chars if round(c["size"]) == 22]
        assert title and body
        assert min(c["x0"] for c in chars) >= 28 * mm - 1
        # CJK punctuation at a line end is set half width (pdfplumber still reports the full width)
        right = [c["x0"] + c["size"] / 2 if c["text"] in PUNCTUATION else c["x1"] for c in chars]
        assert max(right) <= page.width - 26 * mm + 1
        assert min(c["top"] for c in chars) >= 37 * mm - 1
        # the title is centred in the 版心
        line = [c for c in title if abs(c["top"] - title[0]["top"]) < 2]
        middle = (min(c["x0"] for c in line) + max(c["x1"] for c in line)) / 2
        assert abs(middle - (28 * mm + 156 * mm / 2)) < 3
        # fixed line pitch: body lines 28.99 pt apart, 28 characters on a full line
        tops = sorted({round(c["top"], 1) for c in body})
        steps = [b - a for a, b in itertools.pairwise(tops) if b - a < 40]
        assert steps and all(abs(s - 225 * mm / 22) < 0.2 for s in steps)
        lines = [sorted((c for c in body if round(c["top"], 1) == t), key=lambda c: c["x0"]) for t in tops]
        pitches = [b["x0"] - a["x0"] for line in lines for a, b in itertools.pairwise(line)
                   if "\u4e00" <= a["text"] <= "\u9fff" and "\u4e00" <= b["text"] <= "\u9fff"]
        pitch = max(set(pitches), key=pitches.count)
        assert 28 * pitch <= 156 * mm < 29 * pitch
        # 「— 1 —」 centred below the 版心, 14 pt
        foot = [c for c in page.chars if c["top"] > page.height - 35 * mm]
        assert "".join(c["text"] for c in foot).replace(" ", "") == "—1—"
        assert all(round(c["size"]) == 14 for c in foot)


def test_tables_are_ruled_text_not_images(pdfs):
    _data, _fmt, path = pdfs["南岭镇人民政府-2024"]
    with pdfplumber.open(path) as pdf:
        assert all(not p.images for p in pdf.pages)
        found = [t.extract() for p in pdf.pages for t in p.find_tables()]
    cells = {c for t in found for row in t for c in row if c}
    assert "自然人" in cells and "行政复议" in cells


def _table3_pages(pdf_path) -> tuple[set[int], set[int]]:
    """Pages holding table 三's body rows, and pages holding its header row."""
    body, head = set(), set()
    with pdfplumber.open(pdf_path) as pdf:
        for i, page in enumerate(pdf.pages):
            text = re.sub(r"\s+", "", page.extract_text() or "")
            if "结转下年度继续办理" in text or "本年新收政府信息公开申请数量" in text:
                body.add(i)
            if "申请人情况" in text:
                head.add(i)
    return body, head


def test_table_header_rows_repeat_on_the_next_page(tmp_path):
    _name, data, fmt = next(s for s in SAMPLES if s[2].id == "2021")
    # lengthen the preface a line at a time until table 三 breaks across a page
    for lines in range(60):
        d = copy.deepcopy(data)
        d["fields"]["preface"] = "\n".join(["这是为测试分页而加的一整行文字，共二十八个字符长度的一行啊。"] * (lines + 1))
        path = tmp_path / "long.pdf"
        path.write_bytes(render_pdf(d, fmt))
        body, head = _table3_pages(path)
        if len(body) > 1:
            break
    else:
        pytest.fail("table 三 never broke across pages")
    assert body <= head, (body, head)


def test_typst_syntax_in_a_units_text_is_printed_as_is(tmp_path):
    _name, data, fmt = SAMPLES[0]
    d = copy.deepcopy(data)
    nasty = '#set page(width: 1cm) "quote" \\ back $x^2$ *bold* _em_ [c] <label> @ref // not a comment = no heading'
    d["fields"]["preface"] = nasty
    d["fields"]["unit"] = data["fields"]["unit"] + "#\"\\"
    path = tmp_path / "nasty.pdf"
    path.write_bytes(render_pdf(d, fmt))
    assert squash(nasty) in squash(pdftotext(path))
    with pdfplumber.open(path) as pdf:
        assert pdf.metadata["Author"] == d["fields"]["unit"]
        assert round(pdf.pages[0].width) == 595


def test_substitutions_name_each_missing_official_font():
    plan = font_plan(())
    subs = font_substitutions()
    installed = {f.casefold() for f in plan.fonts.families()}
    for role, (official, names, _) in ROLES.items():
        has_official = any(n.casefold() in installed for n in names)
        assert (official in subs) == (not has_official)
        if official in subs:
            assert subs[official] == plan.families[role] and plan.families[role].casefold() in installed


def _renamed_font(src, dst, family: str) -> None:
    """Copy a TrueType font (or collection) giving it another family name: a font that exists only
    in `dst`'s folder, not among the system fonts."""
    blob = bytearray(src.read_bytes())
    def u16(at):
        return struct.unpack_from(">H", blob, at)[0]
    def u32(at):
        return struct.unpack_from(">I", blob, at)[0]
    starts = ([u32(12 + 4 * i) for i in range(u32(8))] if blob[:4] == b"ttcf" else [0])
    for start in starts:
        for i in range(u16(start + 4)):
            rec = start + 12 + 16 * i
            if bytes(blob[rec:rec + 4]) != b"name":
                continue
            table = u32(rec + 8)
            strings = table + u16(table + 4)
            for j in range(u16(table + 2)):
                r = table + 6 + 12 * j
                platform, name_id, length, offset = u16(r), u16(r + 6), u16(r + 8), u16(r + 10)
                if name_id not in (1, 16):
                    continue
                new = family.encode("utf-16-be" if platform in (0, 3) else "latin-1")
                assert len(new) <= length
                blob[strings + offset:strings + offset + len(new)] = new
                struct.pack_into(">H", blob, r + 8, len(new))
    dst.write_bytes(bytes(blob))


def test_an_extra_font_folder_is_searched(tmp_path):
    """A 楷体 that exists only in the `fonts=` folder is found and used instead of a substitute."""
    ukai = Path("/usr/share/fonts/truetype/arphic/ukai.ttc")
    if not ukai.exists():
        pytest.skip("fonts-arphic-ukai missing (make fonts)")
    if font_plan(()).official["kai"] or "kaiti" in {f.casefold() for f in font_plan(()).fonts.families()}:
        pytest.skip("a 楷体 is installed: nothing to find in the folder")
    folder = tmp_path / "fonts"
    folder.mkdir()
    _renamed_font(ukai, folder / "kaiti.ttc", "KaiTi")
    assert "楷体_GB2312" in font_substitutions()
    assert "楷体_GB2312" not in font_substitutions(folder)
    assert font_plan((str(folder),)).families["kai"] == "KaiTi"
    _name, data, fmt = SAMPLES[0]
    path = tmp_path / "kaiti.pdf"
    path.write_bytes(render_pdf(data, fmt, fonts=folder))
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "UKai" in out                      # the renamed font's PostScript name is unchanged


def test_page_count_within_one_of_libreoffice(pdfs, tmp_path):
    if office.soffice() is None:
        pytest.skip("LibreOffice missing (make office)")
    for name, (data, fmt, path) in pdfs.items():
        docx = tmp_path / f"{name}.docx"
        docx.write_bytes(render_report(data, fmt))
        lo = office.convert(docx, tmp_path / "lo", "pdf", tmp_path / "profile")
        assert abs(pdf_pages(path) - pdf_pages(lo)) <= 1, name


_FORK_SCRIPT = """
import os, sys
sys.path.insert(0, sys.argv[1])
from publishing import valid_samples
from converter.render.pdf import render_pdf, warm_up
_, data, fmt = valid_samples()[0]

def child(expect_error):
    pid = os.fork()
    if pid == 0:
        try:
            ok = render_pdf(data, fmt).startswith(b"%PDF")
            os._exit(0 if ok and not expect_error else 3)
        except RuntimeError as e:
            os._exit(4 if expect_error and "fork" in str(e) else 5)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])

warm_up()
print(child(expect_error=False))       # warmed, not compiled: the worker renders
render_pdf(data, fmt)
print(child(expect_error=True))        # compiled before the fork: a clear error, not a hang
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")
def test_forked_workers_render_after_warm_up_and_refuse_after_a_compile():
    proc = subprocess.run([sys.executable, "-c", _FORK_SCRIPT, str(Path(__file__).parent)],
                          capture_output=True, text=True, timeout=120, check=True)
    assert proc.stdout.split() == ["0", "4"], proc.stderr
