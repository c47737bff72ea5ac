"""Any input a coordinator has -> ReadResult: the project's own workbook, or a report that already
exists as a Word file, a web page or a PDF (read by its labels: converter/intake/published). What a
file is comes from its bytes, not its name."""
from __future__ import annotations

import os

from converter.intake.result import ReadResult
from converter.intake.workbook import read_workbook

PUBLISHED_KINDS = frozenset({"docx", "html", "pdf", "doc"})
_TAIL = 1 << 16


def read_report(path: str | os.PathLike[str]) -> ReadResult:
    """Read one input of any kind nianbao reads; never raises for a bad file (findings say why)."""
    # only a regular file is opened to see what it is (a FIFO would block); the workbook reader
    # reports anything else
    if os.path.isfile(path) and _kind(path) in PUBLISHED_KINDS:
        # the published-report readers are imported when first needed: a batch of workbooks never
        # needs them, and they are a good part of what a command imports before its workers start
        from converter.intake.published import read_published
        return read_published(path)
    return read_workbook(path)


def _kind(path: str | os.PathLike[str]) -> str | None:
    """What the file is. A zip package (a workbook, most often) is told from the part names in its
    central directory at the file's end, without opening it as a zip: the batch's common case costs
    one read."""
    try:
        with open(path, "rb") as fh:
            if fh.read(2) == b"PK":
                size = fh.seek(0, os.SEEK_END)
                fh.seek(max(0, size - _TAIL))
                tail = fh.read()
                if b"word/document.xml" in tail:
                    return "docx"
                if b"xl/workbook.xml" in tail:
                    return "xlsx"
    except OSError:
        return None
    from converter.intake.published import sniff_kind
    return sniff_kind(path)
