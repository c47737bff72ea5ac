"""Word (.docx, from Word or WPS) -> :class:`Document`, read from the package's XML with lxml.

Tables keep their merges (w:gridSpan, w:vMerge, w:gridBefore); text is gathered from every run of a
paragraph however it is split; tracked changes are read as shown (insertions kept, deletions and
moved-away text dropped); field codes are skipped and their shown result kept. Nested tables are
tables of their own; a one-column table (a frame around text) is read as paragraphs."""
from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterable
from typing import Any, NamedTuple

from lxml import etree

from converter.checks.findings import Finding, make
from converter.intake.allocator import no_fastbins
from converter.intake.limits import MAX_PART
from converter.intake.safe_zip import ZIP_ERRORS, MemberTooLarge, ZipMemberError, duplicate_member, read_member

from .document import Document, Table, new_cell, new_paragraph

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC, _T, _SDT = W + "p", W + "tbl", W + "tr", W + "tc", W + "t", W + "sdt"
_SDT_CONTENT, _TR_PR, _TC_PR, _VAL = W + "sdtContent", W + "trPr", W + "tcPr", W + "val"
_GRID_BEFORE, _GRID_SPAN, _V_MERGE = W + "gridBefore", W + "gridSpan", W + "vMerge"
_SKIP = {W + "del", W + "moveFrom", W + "instrText", W + "delText", W + "rPr", W + "pPr",
         "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}
_NOT_SHOWN = tuple(sorted(_SKIP - {W + "rPr", W + "pPr"}))
# Field codes and deleted text hold text only, and only w:t and the _SHOWN marks are read as text:
# left in the tree they change nothing, so a document with no other hidden parts (the common case:
# a page or TOC field) is not stripped, which would take another pass over the whole tree and two
# more searches afterwards.
_TEXT_ONLY = frozenset({W + "instrText", W + "delText"})
_PICTURES = (W + "drawing", W + "pict", W + "object")
_SPANS = (_GRID_SPAN, _V_MERGE)
_NO_SPANS = (None, None)
_SHOWN = {W + "tab": " ", W + "br": "\n", W + "cr": "\n", W + "noBreakHyphen": "-"}
_TAB, _TABS = W + "tab", W + "tabs"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
_CORE_TITLE = "{http://purl.org/dc/elements/1.1/}title"


_DAMAGED = (*ZIP_ERRORS, zlib.error, KeyError)      # and reading a part of it


def read_docx(path: str) -> Document:
    """A .docx file -> Document; an unreadable package gives a Document whose `problems` say why."""
    try:
        z = zipfile.ZipFile(path)
    except (ZipMemberError, *_DAMAGED) as e:
        doc = Document(file=path, kind="docx")
        doc.problems.append(_package_problem(e))
        return doc
    with z:
        return read_docx_zip(path, z)


def read_docx_zip(path: str, z: zipfile.ZipFile) -> Document:
    """The Document of the .docx package `z`, already open (read from the file `path`); an
    unreadable package gives a Document whose `problems` say why."""
    no_fastbins()       # the tree built below is freed in one go: see converter/intake/allocator.py
    doc = Document(file=path, kind="docx")
    try:
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
    except (ZipMemberError, *_DAMAGED) as e:
        doc.problems.append(_package_problem(e))
        return doc
    try:
        root = etree.fromstring(xml, _PARSER)
    except etree.LxmlError as e:
        doc.problems.append(make("PUB_FILE_UNREADABLE", detail=f"Word 文档内容无法解析（{e}）"[:200]))
        return doc
    body = _first(root, W + "body")
    if body is not None:
        # Tracked deletions, moved-away text, field codes and fallback copies of drawings are not
        # shown: they are stripped from the body (nothing outside it is read). One pass in C finds
        # them and the pictures; a second one strips, only when there is something to strip (field
        # codes and deleted text alone are left: see _TEXT_ONLY).
        # The same pass finds the cells' w:gridSpan and w:vMerge (a handful of elements), so that
        # a cell need not loop over all the children of its w:tcPr to find them.
        found = _sorted_out(body.iter(*_NOT_SHOWN, *_PICTURES, *_SHOWN, *_SPANS))
        spans: dict[Any, list[Any]] | None
        if found.strip:
            etree.strip_elements(body, *_NOT_SHOWN, with_tail=False)
            pictures = sum(1 for _ in body.iter(*_PICTURES))
            spans = None        # some of those found may have been stripped: cells look themselves
        else:
            pictures = found.pictures
            spans = _spans_by_parent(found.spans)
        _walk(body, doc, _with_shown(found.shown), spans)
        # pictures in the body (a table pasted as a picture cannot be read)
        doc.images = [1] * pictures
    for i, t in enumerate(doc.tables, 1):
        t.index = i
    return doc


def _package_problem(e: Exception) -> Finding:
    """The finding for a package that cannot be opened or read."""
    if isinstance(e, MemberTooLarge):
        return make("PUB_FILE_TOO_LARGE", detail=f"{e.member} 解压后超过 {MAX_PART >> 20} MB")
    if isinstance(e, ZipMemberError):
        return make("PUB_FILE_UNREADABLE", detail=f"Word 文档无法读取（{e}）"[:200])
    return make("PUB_FILE_UNREADABLE", detail=f"Word 文档已损坏（{type(e).__name__}: {e}）"[:200])


class _Found(NamedTuple):
    """What the one search of the body found, sorted out by kind (each in document order)."""
    strip: bool                         # hidden parts other than text-only ones (see _TEXT_ONLY)
    pictures: int
    shown: list[Any]                    # tabs, breaks, no-break hyphens
    spans: list[tuple[Any, str]]        # (w:gridSpan or w:vMerge element, its tag)


def _sorted_out(found: Iterable[Any]) -> _Found:
    """The elements of the body's search sorted out by kind, each element's tag read once."""
    strip = False
    pictures = 0
    shown = []
    spans = []
    for el in found:
        tag = el.tag
        if tag in _SPANS:
            spans.append((el, tag))
        elif tag in _SHOWN:
            if tag != _TAB or el.getparent().tag != _TABS:     # not a tab stop of the paragraph's style
                shown.append(el)
        elif tag in _PICTURES:
            pictures += 1
        elif not strip and (tag not in _TEXT_ONLY or len(el)):
            strip = True
    return _Found(strip, pictures, shown, spans)


def _spans_by_parent(found: list[tuple[Any, str]]) -> dict[Any, list[Any]]:
    """For each element holding a w:gridSpan or w:vMerge among `found` ((element, tag), all of them
    in the body, in document order): [its first w:gridSpan child or None, its first w:vMerge child
    or None]. The keys are the parents' element objects, which the dict keeps alive, so that lxml
    hands out the very same objects when the walk meets those elements again."""
    out: dict[Any, list[Any]] = {}
    for el, tag in found:
        entry = out.get(parent := el.getparent())
        if entry is None:
            entry = out[parent] = [None, None]
        i = 0 if tag == _GRID_SPAN else 1
        if entry[i] is None:
            entry[i] = el
    return out


def _with_shown(shown: list[Any]) -> set[Any]:
    """The paragraphs holding one of the tabs, breaks or no-break hyphens `shown` (any still in the
    tree): only they need paragraph_text's search for those; the others are their w:t alone."""
    marked = set()
    seen = set()        # elements whose ancestors were all looked at already
    for el in shown:
        parent = el.getparent()
        while parent is not None and parent not in seen:
            seen.add(parent)
            if parent.tag == _P:
                marked.add(parent)
            parent = parent.getparent()
    return marked


def _text(p: Any, with_shown: set[Any]) -> str:
    """paragraph_text(p); a paragraph without tabs or breaks in it needs only its w:t (a search for
    one tag costs half of a search for five)."""
    if p in with_shown:
        return paragraph_text(p)
    out = []
    for t in p.iter(_T):
        text = t.text
        if text:
            out.append(text)
    return "".join(out)


def _walk(container: Any, doc: Document, with_shown: set[Any], spans: dict[Any, list[Any]] | None) -> None:
    paragraphs = doc.paragraphs
    for el in container:
        tag = el.tag
        if tag == _P:
            paragraphs.append(new_paragraph(_text(el, with_shown)))
        elif tag == _TBL:
            _table(el, doc, with_shown, spans)
        elif tag == _SDT:
            content = _first(el, _SDT_CONTENT)
            if content is not None:
                _walk(content, doc, with_shown, spans)


_TEXT_TAGS = (_T, *_SHOWN)


def paragraph_text(p: Any) -> str:
    """The text a reader sees in a paragraph: runs, hyperlinks, inserted text, field results (what is
    not shown was stripped from the tree when it was parsed)."""
    # a plain loop over lxml's C-level iteration: this runs for every paragraph of a batch
    out = []
    for el in p.iter(_TEXT_TAGS):
        tag = el.tag
        if tag == _T:
            text = el.text
            if text:
                out.append(text)
        elif tag != _TAB or el.getparent().tag != _TABS:
            # a w:tab in w:pPr/w:tabs defines a tab stop; only one in a run is a tab in the text
            out.append(_SHOWN[tag])
    return "".join(out)


def _first(el: Any, tag: str) -> Any:
    """`el.find(tag)`: its first child of that tag, or None. A plain loop over the children: cheaper
    than ElementPath, and than iterchildren(tag), whose tag matcher is built on every call."""
    for child in el:
        if child.tag == tag:
            return child
    return None


def _int(text: str | None, default: int = 1) -> int:
    try:
        return max(1, min(int(text or default), 200))
    except ValueError:
        return default


def _table(tbl: Any, doc: Document, with_shown: set[Any], spans: dict[Any, list[Any]] | None) -> None:
    """Cells with their merges; nested tables become tables of their own, after this one."""
    cells: list[list] = []        # [row, col, rowspan, colspan, text]
    open_merge: dict[int, list] = {}   # grid col -> the cell a vMerge continues
    nested = []
    r = -1
    width = 0       # Table.width: the furthest grid column a cell reaches
    # children are looped over and their tags compared here rather than filtered by
    # iterchildren(tag), whose tag matcher costs more than the loop for a handful of children
    for tr in tbl:
        if tr.tag != _TR:
            continue
        r += 1
        col = 0
        trpr = _first(tr, _TR_PR)
        if trpr is not None:
            before = _first(trpr, _GRID_BEFORE)
            if before is not None:
                col += _int(before.get(_VAL), 0)
        for tc in tr:
            tag = tc.tag
            if tag == _TC:
                tcs: Iterable[Any] = (tc,)
            elif tag == _SDT:      # a content control around a cell
                inner = _first(tc, _SDT_CONTENT)
                tcs = () if inner is None else [x for x in inner if x.tag == _TC]
            else:
                continue
            for cell in tcs:
                # one pass over the cell's children: its first w:tcPr (spans), paragraphs, tables
                span, merge = 1, None
                lines = []
                props_seen = False
                for child in cell:
                    tag = child.tag
                    if tag == _P:
                        lines.append(_text(child, with_shown))
                    elif tag == _TC_PR and not props_seen:
                        props_seen = True
                        if spans is not None:
                            grid_span, v_merge = spans.get(child, _NO_SPANS)
                        else:
                            grid_span = v_merge = None      # the first of each
                            for prop in child:
                                if prop.tag == _GRID_SPAN:
                                    if grid_span is None:
                                        grid_span = prop
                                elif prop.tag == _V_MERGE and v_merge is None:
                                    v_merge = prop
                        if grid_span is not None:
                            span = _int(grid_span.get(_VAL, ""))
                        if v_merge is not None:
                            merge = v_merge.get(_VAL, "")
                    elif tag == _TBL:
                        nested.append(child)
                text = lines[0] if len(lines) == 1 else "\n".join(lines)
                if merge is not None and merge != "restart" and col in open_merge:
                    above = open_merge[col]
                    above[2] = r - above[0] + 1
                    if text.strip():
                        above[4] = (above[4] + "\n" + text).strip("\n")
                else:
                    entry = [r, col, 1, span, text]
                    cells.append(entry)
                    if open_merge:
                        for c in range(col, col + span):
                            open_merge.pop(c, None)
                    if merge is not None:
                        open_merge[col] = entry
                    if col + span > width:
                        width = col + span
                col += span
    if width <= 1 or nested:
        # a frame around text (or a layout table): its text is running text
        for e in cells:
            for line in e[4].split("\n"):
                doc.paragraphs.append(new_paragraph(line))
    else:
        doc.tables.append(Table([new_cell(*e) for e in cells]))
    for inner_tbl in nested:
        _table(inner_tbl, doc, with_shown, spans)
