"""Twins made with LibreOffice of the corpus web pages, as a unit's files would look: the page saved
as Word (.docx) and printed to PDF. Each is read to the page's transcription; where LibreOffice's
page breaks cut a label or a table badly, a cell may stay null, always with a finding, never wrong."""
from __future__ import annotations

import pytest
from office import convert, soffice
from published_truth import FIXTURES, cells, load

from converter.intake.published import read_published

pytestmark = pytest.mark.skipif(not soffice(), reason="LibreOffice is not installed")

EXACT = [("pingtan_2024", "docx:MS Word 2007 XML"), ("pingtan_2024", "pdf:writer_web_pdf_Export"),
         ("pingtan_2019", "pdf:writer_web_pdf_Export"), ("shuyang_fgj_2023", "docx:MS Word 2007 XML")]


def _twin(stem: str, target: str, tmp_path, lo_profile):
    return read_published(convert(FIXTURES / f"{stem}.html", tmp_path, target, lo_profile))


def _cells(r, expected):
    return {p: r.data["tables"][p[1]][p[2]][p[3]] for p in expected}


@pytest.mark.parametrize("stem,target", EXACT, ids=lambda x: x.split(":")[0])
def test_twin_reads_as_the_page(stem, target, tmp_path, lo_profile):
    truth = load(stem)
    _, expected = cells(truth)
    r = _twin(stem, target, tmp_path, lo_profile)
    assert r.format_id == truth["format"]
    assert _cells(r, expected) == expected
    assert truth["issuer_short"] in r.data["fields"]["unit"] and r.data["fields"]["year"] == truth["year"]


def test_badly_cut_pdf_twin_is_never_wrong(tmp_path, lo_profile):
    _, expected = cells(load("shuyang_fgj_2023"))
    r = _twin("shuyang_fgj_2023", "pdf:writer_web_pdf_Export", tmp_path, lo_profile)
    got = _cells(r, expected)
    wrong = {p: (expected[p], got[p]) for p in expected if got[p] != expected[p]}
    assert all(v is None for _, v in wrong.values())          # unread, never misread
    assert set(wrong) <= r.reported                           # and each has its finding
    assert len(wrong) <= 5                                    # only table 四's squeezed block


@pytest.mark.parametrize("target", ["html:HTML (StarWriter)", "html:XHTML Writer File:UTF8"], ids=["html", "xhtml"])
def test_word_report_exported_as_a_web_page(target, tmp_path, lo_profile):
    """A unit's Word report put on the site as a page exported by the word processor."""
    from converter.definition.formats import get
    from converter.intake.workbook import read_workbook
    from converter.render.docx import render_report
    sample = read_workbook("samples/青山镇人民政府-2024.xlsx")
    src = tmp_path / "青山镇.docx"
    src.write_bytes(render_report(sample.data, get(sample.format_id)))
    page = convert(src, tmp_path / "out", target, lo_profile)
    r = read_published(page)
    assert r.data["tables"] == sample.data["tables"]
    assert r.data["fields"]["summary"] == sample.data["fields"]["summary"]
