"""Word (.docx, from Word or WPS) -> :class:`Document`, read from the package's XML with lxml.

Tables keep their merges (w:gridSpan, w:vMerge, w:gridBefore); text is gathered from every run of a
paragraph however it is split; tracked changes are read as shown (insertions kept, deletions and
moved-away text dropped); field codes are skipped and their shown result kept. Nested tables are
tables of their own; a one-column table (a frame around text) is read as paragraphs."""
from __future__ import annotations

import zipfile
import zlib
from typing import Any

from lxml import etree

from converter.checks.findings import make
from converter.intake.limits import MAX_PART
from converter.intake.safe_zip import MemberTooLarge, ZipMemberError, duplicate_member, read_member

from .document import Cell, Document, Paragraph, Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC, _T, _SDT = W + "p", W + "tbl", W + "tr", W + "tc", W + "t", W + "sdt"
_SKIP = {W + "del", W + "moveFrom", W + "instrText", W + "delText", W + "rPr", W + "pPr",
         "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
_CORE_TITLE = "{http://purl.org/dc/elements/1.1/}title"


def read_docx(path: str) -> Document:
    """A .docx file -> Document; an unreadable package gives a Document whose `problems` say why."""
    doc = Document(file=path, kind="docx")
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "word/document.xml" not in names:
                doc.problems.append(make("PUB_FILE_UNREADABLE", detail="不是 Word 文档（缺少 word/document.xml）"))
                return doc
            twice = duplicate_member(z)
            if twice:
                doc.problems.append(make("PUB_FILE_UNREADABLE", detail=f"Word 文档已损坏（部件 {twice} 出现两次）"))
                return doc
            xml = read_member(z, "word/document.xml", MAX_PART)
            if "docProps/core.xml" in names:
                try:
                    core = etree.fromstring(read_member(z, "docProps/core.xml", 1 << 20), _PARSER)
                    doc.title = (core.findtext(_CORE_TITLE) or "").strip()
                except (etree.LxmlError, ZipMemberError, ValueError):
                    pass
    except MemberTooLarge as e:
        doc.problems.append(make("PUB_FILE_TOO_LARGE", detail=f"{e.member} 解压后超过 {MAX_PART >> 20} MB"))
        return doc
    except ZipMemberError as e:
        doc.problems.append(make("PUB_FILE_UNREADABLE", detail=f"Word 文档无法读取（{e}）"[:200]))
        return doc
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, KeyError, NotImplementedError,
            RuntimeError) as e:     # RuntimeError: an entry with a password; NotImplementedError: an odd method
        doc.problems.append(make("PUB_FILE_UNREADABLE", detail=f"Word 文档已损坏（{type(e).__name__}: {e}）"[:200]))
        return doc
    try:
        root = etree.fromstring(xml, _PARSER)
    except etree.LxmlError as e:
        doc.problems.append(make("PUB_FILE_UNREADABLE", detail=f"Word 文档内容无法解析（{e}）"[:200]))
        return doc
    # tracked deletions, moved-away text, field codes and fallback copies of drawings are not shown
    etree.strip_elements(root, *_SKIP - {W + "rPr", W + "pPr"}, with_tail=False)
    body = root.find(W + "body")
    if body is not None:
        _walk(body, doc)
        # pictures in the body (a table pasted as a picture cannot be read)
        doc.images = [1] * sum(1 for _ in body.iter(W + "drawing", W + "pict", W + "object"))
    for i, t in enumerate(doc.tables, 1):
        t.index = i
    return doc


def _walk(container: Any, doc: Document) -> None:
    for el in container:
        tag = el.tag
        if tag == _P:
            doc.paragraphs.append(Paragraph(paragraph_text(el)))
        elif tag == _TBL:
            _table(el, doc)
        elif tag == _SDT:
            content = el.find(W + "sdtContent")
            if content is not None:
                _walk(content, doc)


_SHOWN = {W + "tab": " ", W + "br": "\n", W + "cr": "\n", W + "noBreakHyphen": "-"}


def paragraph_text(p: Any) -> str:
    """The text a reader sees in a paragraph: runs, hyperlinks, inserted text, field results (what is
    not shown was stripped from the tree when it was parsed)."""
    return "".join(el.text or "" if el.tag == _T else _SHOWN[el.tag] for el in p.iter(_T, *_SHOWN))


def _val(el: Any, name: str) -> str | None:
    found = el.find(name)
    return None if found is None else found.get(W + "val", "")


def _int(text: str | None, default: int = 1) -> int:
    try:
        return max(1, min(int(text or default), 200))
    except ValueError:
        return default


def _table(tbl: Any, doc: Document) -> None:
    """Cells with their merges; nested tables become tables of their own, after this one."""
    cells: list[list] = []        # [row, col, rowspan, colspan, text]
    open_merge: dict[int, list] = {}   # grid col -> the cell a vMerge continues
    nested = []
    r = -1
    for tr in tbl.iterchildren(_TR):
        r += 1
        col = 0
        trpr = tr.find(W + "trPr")
        if trpr is not None:
            before = trpr.find(W + "gridBefore")
            if before is not None:
                col += _int(before.get(W + "val"), 0)
        for tc in tr.iterchildren(_TC, _SDT):
            if tc.tag == _SDT:      # a content control around a cell
                inner = tc.find(W + "sdtContent")
                tcs = [] if inner is None else list(inner.iterchildren(_TC))
            else:
                tcs = [tc]
            for cell in tcs:
                tcpr = cell.find(W + "tcPr")
                span, merge = 1, None
                if tcpr is not None:
                    span = _int(_val(tcpr, W + "gridSpan"))
                    merge = _val(tcpr, W + "vMerge")
                lines = []
                for child in cell:
                    if child.tag == _P:
                        lines.append(paragraph_text(child))
                    elif child.tag == _TBL:
                        nested.append(child)
                text = "\n".join(lines)
                if merge is not None and merge != "restart" and col in open_merge:
                    above = open_merge[col]
                    above[2] = r - above[0] + 1
                    if text.strip():
                        above[4] = (above[4] + "\n" + text).strip("\n")
                else:
                    entry = [r, col, 1, span, text]
                    cells.append(entry)
                    for c in range(col, col + span):
                        open_merge.pop(c, None)
                    if merge is not None:
                        open_merge[col] = entry
                col += span
    table = Table([Cell(*e) for e in cells])
    if table.width <= 1 or nested:
        # a frame around text (or a layout table): its text is running text
        for e in cells:
            for line in e[4].split("\n"):
                doc.paragraphs.append(Paragraph(line))
    else:
        doc.tables.append(table)
    for inner_tbl in nested:
        _table(inner_tbl, doc)
