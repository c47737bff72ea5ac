"""Level 0 of intake: is this file an .xlsx workbook at all? Decided from its bytes, not its name.
`sniff` looks at the first bytes; `package_problem` at the parts of an opened zip."""
from __future__ import annotations

import os
import stat

from converter.checks.findings import Finding, make

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")


def sniff(path: str | os.PathLike, not_ours: str = "FILE_NOT_XLSX") -> Finding | None:
    """A level-0 finding for a file we cannot read as a workbook, or None when it looks like one.
    Only a regular file is opened: a FIFO, device or socket would block a read (or never end), so it
    is reported unopened; and the file is opened without blocking in case it was swapped since. A
    file that is no zip package at all gets the code `not_ours` (for a caller that reads other kinds
    too, one that says so), with what it seems to be."""
    try:
        kind = _special(os.stat(path).st_mode)
        if kind:
            return make("FILE_NOT_XLSX", detail=f"，而是{kind}")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fd)
            kind = _special(st.st_mode)
            if kind:
                return make("FILE_NOT_XLSX", detail=f"，而是{kind}")
            size = st.st_size
            head = fh.read(8)
            if head == _OLE:
                # An encrypted .xlsx is an OLE container holding an EncryptionInfo stream; else it is .xls
                fh.seek(0)
                blob = fh.read(min(size, 4 << 20))
                return make("FILE_ENCRYPTED") if _ENCRYPTION_STREAM in blob else make("FILE_XLS")
    except FileNotFoundError:
        return make("FILE_MISSING")
    except PermissionError:
        return make("FILE_NO_PERMISSION")
    except OSError as e:
        return make("FILE_CORRUPT", detail=e.strerror or str(e))
    if size == 0:
        return make("FILE_EMPTY")
    if not head.startswith(b"PK"):
        return make(not_ours, detail=_guess(head))
    return None


def _special(mode: int) -> str | None:
    """What a file that is not a regular one is, in Chinese; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "命名管道（FIFO）"
    if stat.S_ISSOCK(mode):
        return "套接字（socket）"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    if stat.S_ISDIR(mode):
        return "文件夹"
    return "特殊文件"


def package_problem(names: set[str], main_part: str | None) -> Finding | None:
    """For an opened zip: a finding when it is not a spreadsheet package."""
    if main_part and main_part.startswith("xl/") and main_part in names:
        return None
    if "word/document.xml" in names:
        return make("FILE_NOT_XLSX", detail="，而是 Word 文档")
    if "content.xml" in names:
        return make("FILE_NOT_XLSX", detail="，而是 OpenDocument（.ods/.odt）文件，请另存为 .xlsx")
    if "xl/workbook.xml" in names:
        return None
    return make("FILE_NOT_XLSX", detail="，而是其他压缩文件")


def _guess(head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return "，而是 PDF 文件"
    if head[:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xe1"):
        return "，而是图片"
    if head[:5] in (b"<?xml", b"<html", b"<!DOC"):
        return "，而是网页或 XML 文件"
    if head.startswith(b"Rar!") or head.startswith(b"7z"):
        return "，而是压缩包"
    return ""
