"""Web page (.html/.htm as saved from a government site, or exported by Word) -> :class:`Document`.

The encoding is taken from a byte-order mark, else the page's own declaration, else UTF-8 when the
bytes are valid UTF-8, else GB18030 (which reads GBK and GB2312 too). Tables keep rowspan/colspan;
a table holding other tables, or of one column, is layout: its text is running text. Hidden
elements, scripts and styles are not read. The page's 发布日期 is recorded when it shows one."""
from __future__ import annotations

import codecs
import functools
import os
import re
from typing import Any

from lxml import etree

from converter.checks.findings import make

from .document import Document, Table, grid_from_rows, new_paragraph

MAX_PAGE = 16 << 20
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_XML_ENC = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "header",
          "footer", "blockquote", "pre", "tr", "dl", "dt", "dd", "center", "form", "hr", "caption", "address",
          "main", "aside", "nav", "figure", "figcaption"}
_SKIP = {"script", "style", "head", "noscript", "template", "select", "option", "iframe", "object", "svg"}
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_PUBLISHED = re.compile(r"(?:发布|公开|成文)(?:日期|时间)\s*[:：]?\s*(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PARSER = etree.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, collect_ids=False)
_META_DATE = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time")
# Elements that may be hidden: a `hidden` attribute, or a style saying "none" or "hidden" (the same
# elements as //*[@hidden or contains(@style, 'none') or contains(@style, 'hidden')], found by testing
# each style attribute once instead of twice per element)
_MAYBE_HIDDEN = etree.XPath("//@hidden/.. | //@style[contains(., 'none') or contains(., 'hidden')]/..")


def _text_of(el: Any) -> str:
    """All the text under an element, in document order: what "".join(el.itertext()) gives in a
    tree without comments and processing instructions (the parser removes both), in one C call.
    XPath's string() and the text serialiser both take libxml2's node content
    (xmlNodeGetContent / xmlNodeBufGetContent), so they give the same text; the serialiser
    skips XPath's per-call context set-up (about half the cost for a table cell)."""
    return etree.tostring(el, method="text", encoding=str, with_tail=False)


def decode(raw: bytes) -> str:
    """Bytes of a page -> text, by BOM, declaration, UTF-8 validity, then GB18030."""
    return _decode(raw)[0]


def _decode(raw: bytes) -> tuple[str, bool]:
    """decode(raw), and whether the text is all of `raw` read as strict UTF-8."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if raw.startswith(bom):
            return raw[len(bom):].decode(enc, errors="replace"), False
    head = raw[:4096]
    m = _XML_ENC.search(head) or _CHARSET.search(head)
    declared = m.group(1).decode("ascii").lower() if m else ""
    if declared in _GB:
        return raw.decode("gb18030", errors="replace"), False
    try:
        return raw.decode("utf-8"), True
    except UnicodeDecodeError:
        pass
    if declared and declared not in ("utf-8", "utf8"):
        try:
            return raw.decode(declared, errors="replace"), False
        except LookupError:
            pass
    return raw.decode("gb18030", errors="replace"), False


# U+0000–U+001F (but tab, LF, CR) are those bytes in UTF-8, and no multi-byte sequence holds a byte
# below 0x80: the bytes tell it faster than a search of the text
_CONTROL_BYTES = bytes(range(0x20)).translate(None, b"\t\n\r")


def _no_controls(raw: bytes, text: str) -> bool:
    """For bytes that are valid UTF-8 and `text`, their decoding: whether the text holds none of
    _CONTROL's characters. The control characters below U+0020 are looked for in the bytes; U+FFFE
    and U+FFFF, one code unit each, in the text (a search for one character is a memchr, while
    their three-byte forms start with EF, the lead byte of the full-width punctuation of every
    Chinese page)."""
    return (len(raw.translate(None, _CONTROL_BYTES)) == len(raw)
            and "\ufffe" not in text and "\uffff" not in text)


# collect_ids=False: nothing here looks elements up by id (no id() in XPath, no getElementById),
# and an HTML parser never refuses a page for its ids, so the table of ids is not built
_UTF8_PARSER = etree.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, encoding="utf-8",
                                collect_ids=False)
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*\?>")
_LEADING_SPACE = re.compile(rb"\s*")     # bytes: ASCII white space only, as bytes.strip() has it


def _starts_with_tag(raw: bytes) -> bool:
    """Whether the first byte that is not ASCII white space is "<"."""
    m = _LEADING_SPACE.match(raw)
    i = m.end() if m else 0
    return raw[i:i + 1] == b"<"


def _utf8_root(raw: bytes, text: str) -> Any:
    """The page's tree parsed from its UTF-8 bytes, or None where this shortcut does not apply.

    For a page in UTF-8 without control characters, the text parse_html would parse is the bytes
    decoded, less a leading XML declaration; lxml hands a str to libxml2 in its own form (UTF-16
    for Chinese text), which libxml2 turns back into these very UTF-8 bytes before parsing: giving
    it the bytes, with the encoding stated (so that no <meta charset> can change it), builds the
    same tree without the two conversions. It applies only where both ways provably read the same text: the first character
    that is not ASCII white space is "<" (so the declaration is cut at the same place, and what is
    left is not empty), what is left does not begin with another "<?xml" (lxml refuses a str that
    declares an encoding), and lxml raises nothing and finds a root (else the text is parsed as
    before and gives the same finding)."""
    if not (_starts_with_tag(raw) and _no_controls(raw, text)):
        return None
    rest = _XML_DECL.sub(b"", raw, count=1)
    if not _starts_with_tag(rest) or rest.startswith(b"<?xml"):
        return None
    try:
        return etree.fromstring(rest, _UTF8_PARSER)
    except (etree.LxmlError, ValueError):
        return None


def _read_capped(fh: Any, cap: int) -> bytes:
    """fh.read(cap): the same bytes, without the buffer of `cap` bytes that BufferedReader.read
    allocates up front (16 MB for every page). The file's size, as stat gives it, is read in one
    piece plus one byte; only when that byte came too (the file is longer than stat said) is
    the rest read up to the cap."""
    size = os.fstat(fh.fileno()).st_size
    first = min(size + 1, cap)
    raw: bytes = fh.read(first)
    if len(raw) == first and first < cap:
        raw += fh.read(cap - first)
    return raw


def read_html(path: str) -> Document:
    """A saved web page -> Document (problems say why when it cannot be read)."""
    doc = Document(file=path, kind="html")
    try:
        with open(path, "rb") as fh:
            raw = _read_capped(fh, MAX_PAGE + 1)
    except OSError as e:
        doc.problems.append(make("PUB_FILE_UNREADABLE", detail=e.strerror or str(e)))
        return doc
    if len(raw) > MAX_PAGE:
        doc.problems.append(make("PUB_FILE_TOO_LARGE", detail=f"网页超过 {MAX_PAGE >> 20} MB"))
        return doc
    return parse_html(raw, doc)


def parse_html(raw: bytes, doc: Document) -> Document:
    """Fill `doc` from the page's bytes."""
    text, utf8 = _decode(raw)
    root = _utf8_root(raw, text) if utf8 else None
    if root is None:
        if not (utf8 and _no_controls(raw, text)):
            text = _CONTROL.sub("", text)     # control characters are not text, and lxml refuses them
        text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
        if not text.strip():
            doc.problems.append(make("PUB_FILE_UNREADABLE", detail="网页内容为空"))
            return doc
        try:
            # plain elements (no lxml.html element classes): the walk below is the hot path of a batch
            root = etree.fromstring(text, _PARSER)
        except (etree.LxmlError, ValueError) as e:
            doc.problems.append(make("PUB_FILE_UNREADABLE", detail=f"网页无法解析（{e}）"[:200]))
            return doc
        if root is None:
            doc.problems.append(make("PUB_FILE_UNREADABLE", detail="网页没有内容"))
            return doc
    title = root.find(".//title")
    if title is not None:
        doc.title = _clean("".join(title.itertext()))
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").lower()
        if name in _META_DATE and not doc.published:
            m = re.match(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", (meta.get("content") or "").strip())
            if m:
                doc.published = _iso(*m.groups())
    body = root.find("body")
    doc.images = [1 for img in (body if body is not None else root).iter("img")
                  if _big_image(img.get("width"), img.get("height"))]
    _read_body(body if body is not None else root, doc)
    if not doc.published:
        for p in doc.paragraphs[:80]:
            m = _PUBLISHED.search(p.text)
            if m:
                doc.published = _iso(*m.groups())
                break
    for i, t in enumerate(doc.tables, 1):
        t.index = i
    return doc


_LEADING_NUMBER = re.compile(r"\s*(\d+)")


def _px(v: str | None) -> int | None:
    m = _LEADING_NUMBER.match(v or "")
    return int(m.group(1)) if m else None


def _big_image(width: str | None, height: str | None) -> bool:
    """An <img> that could be a table: not an icon (when its size is given)."""
    w, h = _px(width), _px(height)
    return (w is None or w >= 200) and (h is None or h >= 100)


def _iso(y: str, m: str, d: str) -> str:
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


def _clean(s: str) -> str:
    return re.sub(r"[ \t\r\n\u00a0]+", " ", s).strip()


def _hidden(el: Any) -> bool:
    style = el.get("style")
    if style and _hidden_style(style):
        return True
    return el.get("hidden") is not None


@functools.lru_cache(maxsize=4096)
def _hidden_style(style: str) -> bool:
    """A style that hides its element (a page repeats a few styles on hundreds of cells)."""
    return ("none" in style or "hidden" in style) and _HIDDEN.search(style) is not None


def _rows(table: Any) -> list[Any]:
    """The table's own rows (thead/tbody/tfoot included), not those of nested tables."""
    out = []
    for child in table:
        if not isinstance(child.tag, str):
            continue
        tag = child.tag.lower()
        if tag == "tr":
            out.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            out.extend(c for c in child if isinstance(c.tag, str) and c.tag.lower() == "tr")
    return out


def _span(value: str | None) -> int:
    if not value:
        return 1
    if value.isdigit():
        return max(1, min(int(value), 500))
    m = re.match(r"\s*(\d+)", value)
    return max(1, min(int(m.group(1)), 500)) if m else 1


_LINE_EDGE = " \t\r\u00a0"


# a line break, blank lines and the line break ending them: one line break gives the same lines
_BLANK_LINES = re.compile(r"\n[\n \t\r\u00a0]*\n")


def _lines(text: str) -> list[str]:
    # one comprehension, no generator inside it; the runs of blank lines (a page's text has about
    # a thousand lines, most of them blank between block elements) made one line break first
    return [line for raw in _BLANK_LINES.sub("\n", text).split("\n") if (line := raw.strip(_LINE_EDGE))]


# The elements of a table's own grid: their line breaks matter only to the running text, never to
# the text of a cell (which holds none of them), so they are written once the data tables are gone
_GRID = ("tr", "td", "th", "table")
_BLOCK_IN_CELLS = tuple(sorted(_BLOCK - {"tr"}))


def _read_body(body: Any, doc: Document) -> None:
    """Tables and running text, with the loops in lxml's C code: hidden and non-text elements go,
    line breaks are written into the tree (<br>, block boundaries), each data table is read and
    then taken out, and what text is left, in order, is the running text.

    The line breaks of the grid elements (tr, td, th, table) are written after the data tables
    are read and taken out, into those left: a cell's text never holds them (a break at the very
    start of a cell is stripped), so writing them into the tables taken out is wasted work. That
    holds where every tr, td and th under a table of cells is one of its rows or of their cells
    (none inside a cell); on a page where one is not, they are written first, as everything else."""
    # the non-text elements taken out with their content in one C loop, the text that follows
    # each kept in place (what _drop does for one element)
    etree.strip_elements(body, *_SKIP, with_tail=False)
    for el in _MAYBE_HIDDEN(body):
        if _hidden(el) and el.getparent() is not None:
            _drop(el)
    for el in body.iter("br"):
        el.tail = "\n" + (el.tail or "")
    candidates = []         # tables holding no table, with their rows of cells
    later = True
    for table in body.iter("table"):
        if any(True for _ in table.iterdescendants("table")):
            continue          # layout: its cells are running text
        rows = []
        count = 0
        for tr in _rows(table):
            cells = [td for td in tr if td.tag == "td" or td.tag == "th"]   # a comment's tag is a function
            rows.append(cells)
            count += len(cells) + 1
        if later and count != sum(1 for _ in table.iter("tr", "td", "th")):
            later = False     # a row or cell where a table's grid does not put it
        candidates.append((table, rows))
    _break_around(body.iter(*(_BLOCK_IN_CELLS if later else (*_BLOCK, *_GRID))))
    data = []
    tostring, edge = etree.tostring, _LINE_EDGE + "\n"
    for table, rows in candidates:
        spec = []
        for cells in rows:
            row = []
            for td in cells:
                rowspan, colspan = td.get("rowspan"), td.get("colspan")
                # the cell's text (_text_of, inlined: this runs for every cell) as "\n".join(_lines(text)),
                # without splitting the common cell of one line: when the text stripped of edge
                # characters and line breaks has no line break left, it is that one line
                text = tostring(td, method="text", encoding=str, with_tail=False)
                one = text.strip(edge)
                row.append((one if "\n" not in one else "\n".join(_lines(text)),
                            _span(rowspan) if rowspan else 1, _span(colspan) if colspan else 1))
            spec.append(row)
        t = Table(grid_from_rows(spec))
        if t.width > 1:
            data.append((table, t))
    for table, t in data:
        doc.tables.append(t)
        _drop(table, marker="\n")
    if later:
        _break_around(body.iter(*_GRID))
    doc.paragraphs.extend(map(new_paragraph, _lines(_text_of(body))))


def _break_around(elements: Any) -> None:
    """A line break written before the text and before the tail of each element. A text or tail
    that already starts with one is left as it is: a second line break next to it would only add
    an empty line, and the lines of a page or cell are its non-empty lines (this saves most of the
    writes on a page saved with its source's line breaks)."""
    for el in elements:
        text = el.text
        if text is None or text[:1] != "\n":
            el.text = "\n" + (text or "")
        tail = el.tail
        if tail is None or tail[:1] != "\n":
            el.tail = "\n" + (tail or "")


def _drop(el: Any, marker: str = "") -> None:
    """Take an element out of the tree, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    tail = marker + (el.tail or "")
    previous = el.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(el)
