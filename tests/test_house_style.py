"""`build --style reference.docx`: the coordinator's page, header and fonts, from a Word file made in
an office suite (here LibreOffice), applied to every report."""
import io
import shutil
import subprocess
import sys
import zipfile

import office
import pytest
from conftest import SAMPLES

FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:font-face-decls><style:font-face style:name="楷体" svg:font-family="楷体"/></office:font-face-decls>
 <office:styles>
  <style:style style:name="Standard" style:family="paragraph">
   <style:text-properties style:font-name-asian="楷体" fo:font-size="15pt" style:font-size-asian="15pt"/></style:style>
 </office:styles>
 <office:automatic-styles>
  <style:style style:name="Head" style:family="paragraph"><style:paragraph-properties fo:border-bottom="0.5pt solid #c00000"/>
   <style:text-properties fo:color="#c00000"/></style:style>
  <style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm"
   fo:margin-top="2.5cm" fo:margin-bottom="2.5cm" fo:margin-left="3cm" fo:margin-right="3cm"/><style:header-style/></style:page-layout>
 </office:automatic-styles>
 <office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1">
  <style:header><text:p text:style-name="Head">云溪县政务公开办</text:p></style:header></style:master-page></office:master-styles>
 <office:body><office:text><text:p text:style-name="Standard">参考文档</text:p></office:text></office:body>
</office:document>
"""


@pytest.fixture(scope="module")
def reference(tmp_path_factory, lo_profile):
    src = tmp_path_factory.mktemp("ref") / "样式参考.fodt"
    src.write_text(FODT, encoding="utf-8")
    return office.convert(src, src.parent / "docx", "docx:MS Word 2007 XML", lo_profile)


def test_reports_take_the_house_style(reference, tmp_path, lo_profile):
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy(SAMPLES / "青山镇人民政府-2024.xlsx", inbox)
    r = subprocess.run([sys.executable, "-m", "converter", "build", str(inbox), "-o", str(tmp_path / "out"),
                        "--style", str(reference)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    report = next((tmp_path / "out").glob("*.docx"))
    import re
    with zipfile.ZipFile(reference) as z:
        margins = re.search(r"<w:pgMar[^>]*>", z.read("word/document.xml").decode()).group(0)
    theirs = dict(re.findall(r'w:(top|left|right|bottom)="(\d+)"', margins))
    with zipfile.ZipFile(report) as z:
        document = z.read("word/document.xml").decode()
        styles = z.read("word/styles.xml").decode()
        headers = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/header"))
    ours = dict(re.findall(r'w:(top|left|right|bottom)="(\d+)"', re.search(r"<w:pgMar[^>]*>", document).group(0)))
    assert ours == theirs and theirs["left"] == "1701"                  # the reference's margins (3 cm at the sides)
    assert 'w:footer="0"' not in document                               # it has no footer: ours (page numbers) stays in place
    assert "云溪县政务公开办" in headers and "w:pBdr" in headers                  # the letterhead and its line
    assert 'w:eastAsia="楷体"' in styles                                          # the body font
    pdf = office.convert(report, tmp_path / "pdf", "pdf", lo_profile)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "云溪县政务公开办" in text and "青山镇人民政府" in text


def test_a_reference_that_is_not_a_word_file(tmp_path):
    bad = tmp_path / "样式.docx"
    bad.write_bytes(b"not a docx")
    r = subprocess.run([sys.executable, "-m", "converter", "build", str(SAMPLES), "-o", str(tmp_path / "out"),
                        "--style", str(bad)], capture_output=True, text=True)
    assert r.returncode == 2 and "样式参考文档" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    assert io


def test_the_pdf_takes_the_reference_margins(reference, tmp_path):
    """As far as a house style maps onto the PDF: the page's margins."""
    import pdfplumber

    from converter.definition.formats import get
    from converter.intake import read_workbook
    from converter.render.pdf import render_pdf
    r = read_workbook(SAMPLES / "青山镇人民政府-2024.xlsx")
    plain, styled = tmp_path / "plain.pdf", tmp_path / "styled.pdf"
    plain.write_bytes(render_pdf(r.data, get(r.format_id)))
    styled.write_bytes(render_pdf(r.data, get(r.format_id), style=str(reference)))
    with pdfplumber.open(plain) as a, pdfplumber.open(styled) as b:
        left_a = min(w["x0"] for w in a.pages[0].extract_words())
        left_b = min(w["x0"] for w in b.pages[0].extract_words())
    mm = 72 / 25.4
    assert abs(left_a - 28 * mm) < 3 * mm and abs(left_b - 30 * mm) < 3 * mm and left_b > left_a
