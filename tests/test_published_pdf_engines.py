"""The two PDF engines read the same: PDFium (fast, the default) and pdfplumber (the reference) give
identical tables, cell by cell with their spans, and the same running text on every corpus PDF."""
from __future__ import annotations

import pytest
from published_truth import FIXTURES

from converter.intake.published.pdf import read_pdf
from converter.intake.published.pdfium import read_pdf_fast

PDFS = sorted(p.name for p in FIXTURES.glob("*.pdf"))


def _shape(doc):
    return [[(c.row, c.col, c.rowspan, c.colspan, c.text, c.page) for c in t.cells] for t in doc.tables]


@pytest.mark.parametrize("name", PDFS)
def test_engines_agree(name):
    fast, reference = read_pdf_fast(str(FIXTURES / name)), read_pdf(str(FIXTURES / name))
    assert fast.tables and _shape(fast) == _shape(reference)
    assert [(p.text, p.page) for p in fast.paragraphs] == [(p.text, p.page) for p in reference.paragraphs]
    assert fast.problems == reference.problems == []


def test_engines_agree_on_bad_files(tmp_path):
    broken = tmp_path / "坏.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    assert [f.code for f in read_pdf_fast(str(broken)).problems] == ["PUB_FILE_UNREADABLE"]
    assert [f.code for f in read_pdf(str(broken)).problems] == ["PUB_FILE_UNREADABLE"]
