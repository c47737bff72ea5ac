"""Any input a coordinator has -> ReadResult: the project's own workbook, or a report that already
exists as a Word file, a web page or a PDF (read by its labels: converter/intake/published). What a
file is comes from its bytes, not its name."""
from __future__ import annotations

import os

from converter.intake.published import read_published, sniff_kind
from converter.intake.result import ReadResult
from converter.intake.workbook import read_workbook

PUBLISHED_KINDS = frozenset({"docx", "html", "pdf", "doc"})


def read_report(path: str | os.PathLike[str]) -> ReadResult:
    """Read one input of any kind nianbao reads; never raises for a bad file (findings say why)."""
    # only a regular file is opened to see what it is (a FIFO would block); the workbook reader
    # reports anything else
    if os.path.isfile(path) and sniff_kind(path) in PUBLISHED_KINDS:
        return read_published(path)
    return read_workbook(path)
