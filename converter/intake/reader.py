"""Any input a coordinator has -> ReadResult: the project's own workbook, or a report that already
exists as a Word file, a web page or a PDF (read by its labels: converter/intake/published). What a
file is comes from its bytes, not its name."""
from __future__ import annotations

import os

from converter.intake.result import ReadResult
from converter.intake.sniff import sniff
from converter.intake.workbook import read_workbook

PUBLISHED_KINDS = frozenset({"docx", "html", "pdf", "doc"})
_TAIL = 1 << 16
IN_MEMORY = 16 << 20     # a zip package up to this size is read whole, once, and opened in memory


def read_report(path: str | os.PathLike[str]) -> ReadResult:
    """Read one input of any kind nianbao reads; never raises for a bad file (findings say why)."""
    # only a regular file is opened to see what it is (a FIFO would block); the workbook reader
    # reports anything else
    if os.path.isfile(path):
        kind, whole = _kind(path)
        if kind in PUBLISHED_KINDS:
            # the published-report readers are imported when first needed: a batch of workbooks never
            # needs them, and they are a good part of what a command imports before its workers start
            from converter.intake.published import read_published
            return read_published(path, whole=whole)
        if whole is not None:
            return read_workbook(path, whole=whole)
        unknown = _none_of_ours(path) if kind is None else None
        if unknown is not None:
            return unknown
    return read_workbook(path)


def _none_of_ours(path: str | os.PathLike[str]) -> ReadResult | None:
    """For a file that is no package nor any published kind: the finding that it is none of what is
    read here (a text file named .docx, a picture), rather than the workbook reader's "not an Excel
    workbook", which is wrong for a command that reads Word files, web pages and PDFs too; None for a
    file the workbook reader has a better word for (empty, old .xls, encrypted, unreadable)."""
    problem = sniff(path, not_ours="PUB_KIND_UNKNOWN")
    if problem is None or problem.code != "PUB_KIND_UNKNOWN":
        return None
    return ReadResult(file=os.fspath(path), findings=[problem])


def _kind(path: str | os.PathLike[str]) -> tuple[str | None, bytes | None]:
    """What the file is, and for a zip package of at most IN_MEMORY bytes, its bytes. A package (a
    workbook, most often) is told from the part names in its central directory at the file's end,
    without opening it as a zip; a workbook or Word file is then read from these bytes: the batch's
    common case costs one read of the file."""
    try:
        with open(path, "rb") as fh:
            if fh.read(2) == b"PK":
                size = fh.seek(0, os.SEEK_END)
                whole = None
                if size <= IN_MEMORY:
                    fh.seek(0)
                    whole = fh.read()
                    tail = whole[-_TAIL:]
                else:
                    fh.seek(max(0, size - _TAIL))
                    tail = fh.read()
                if b"word/document.xml" in tail:
                    return "docx", whole
                return ("xlsx" if b"xl/workbook.xml" in tail else None), whole
    except OSError:
        return None, None
    from converter.intake.published import sniff_kind
    return sniff_kind(path), None
