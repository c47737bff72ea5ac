"""PDF with a text layer (a Word/WPS export) -> :class:`Document`, with pdfplumber (the reference
engine; :mod:`pdfium` is the fast one, the default).

Tables come from the ruling lines (the cell boxes they enclose) put on a grid of their distinct x and y
edges, so merged cells keep their spans; each word goes to the cell holding its centre. Running text
is the words outside tables, cut into paragraphs at first-line indents and short last lines. A page
without text but with a picture is recorded as a picture page: its tables cannot be read."""
from __future__ import annotations

import bisect
import re
import warnings
from dataclasses import dataclass, field
from typing import Any

from converter.checks.findings import make

from .document import Cell, Document, Paragraph, Table

MAX_PAGES = 200
_SNAP = 2.0          # points: edges closer than this are one grid line


def read_pdf(path: str) -> Document:
    """A PDF file -> Document; encrypted, damaged or scanned files give problems, not exceptions."""
    doc = Document(file=path, kind="pdf")
    try:
        import pdfplumber
        from pdfminer.pdfdocument import PDFPasswordIncorrect
    except ImportError:      # pragma: no cover - a dependency of the package
        doc.problems.append(make("PUB_FILE_UNREADABLE", detail="未安装 pdfplumber，无法读取 PDF"))
        return doc
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pdfplumber.open(path) as pdf:
                if len(pdf.pages) > MAX_PAGES:
                    doc.problems.append(make("PUB_FILE_TOO_LARGE", detail=f"PDF 共 {len(pdf.pages)} 页"))
                    return doc
                meta_title = pdf.metadata.get("Title") if isinstance(pdf.metadata, dict) else None
                if isinstance(meta_title, str):
                    doc.title = meta_title.strip()
                for number, page in enumerate(pdf.pages, 1):
                    _page(page, number, doc)
                    page.close()
    except PDFPasswordIncorrect:
        doc.problems.append(make("PUB_PDF_ENCRYPTED"))
        return doc
    except Exception as e:  # noqa: BLE001 - pdfminer raises many kinds on damaged files; none may stop a batch
        inner = e.args[0] if e.args and isinstance(e.args[0], Exception) else e   # pdfplumber wraps them
        name = type(inner).__name__
        if "Password" in name or "Encrypt" in name or "password" in str(inner).lower():
            doc.problems.append(make("PUB_PDF_ENCRYPTED"))
        else:
            detail = f"{name}: {inner}" if str(inner) else name
            doc.problems.append(make("PUB_FILE_UNREADABLE", detail=f"PDF 文件已损坏（{detail}）"[:200]))
        return doc
    return finish_pdf(doc)


def _snap(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _SNAP:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    i = bisect.bisect_left(edges, v - _SNAP)
    return min(i, len(edges) - 1)


def _page(page: Any, number: int, doc: Document) -> None:
    words = page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False)
    images = [(im["x1"] - im["x0"]) * (im["bottom"] - im["top"]) for im in page.images]
    tables = [[c for c in found.cells if c] for found in page.find_tables()]
    assemble(words, tables, images, number, doc)


def assemble(words: list[dict], tables: list[list[tuple]], images: list[float], number: int, doc: Document) -> None:
    """One page into `doc`: `words` as dicts with x0, x1, top, bottom, text (top-down coordinates),
    `tables` as lists of cell boxes (x0, top, x1, bottom), `images` as the areas of its pictures."""
    if not words and images:
        doc.images.append(number)
        return
    if any(area > 20000 for area in images):
        doc.images.append(number)
    boxes: list[tuple[tuple, list[_Placed]]] = []
    edges_of: dict[int, list[float]] = {}
    for cells in tables:
        if not cells:
            continue
        bbox = (min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells), max(c[3] for c in cells))
        xs = _snap([c[0] for c in cells] + [c[2] for c in cells])
        ys = _snap([c[1] for c in cells] + [c[3] for c in cells])
        placed = []
        for x0, top, x1, bottom in cells:
            col, row = _index(xs, x0), _index(ys, top)
            placed.append(_Placed(row, col, max(1, _index(ys, bottom) - row), max(1, _index(xs, x1) - col),
                                  (x0, top, x1, bottom)))
        boxes.append((bbox, placed))
        edges_of[id(placed)] = xs
    rest = []
    for w in words:
        cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
        box = next((b for b in boxes if b[0][0] - 1 <= cx <= b[0][2] + 1 and b[0][1] - 1 <= cy <= b[0][3] + 1), None)
        if box is None:
            rest.append(w)
            continue
        for p in box[1]:
            b = p.bbox
            if b[0] <= cx <= b[2] and b[1] <= cy <= b[3]:
                p.words.append(w)
                break
        else:
            rest.append(w)      # on the table's border, in no cell: running text
    for _, placed in boxes:
        width = max(p.col + p.colspan for p in placed)
        multi = sorted({p.row for p in placed if p.colspan < width})
        kept = []
        for p in placed:
            # a page frame drawn as a table: one-column tables and full-width rows above or below
            # the real grid hold running text
            frame = width <= 1 or not multi or (p.colspan == width and p.rowspan == 1
                                                 and (p.row < multi[0] or p.row > multi[-1]))
            if frame:
                rest.extend(p.words)
            else:
                kept.append(p)
        if len(kept) < 2:
            continue
        first = min(p.row for p in kept)
        doc.tables.append(Table([Cell(p.row - first, p.col, p.rowspan, p.colspan, _lines(p.words), number)
                                 for p in kept], page=number, edges=tuple(edges_of[id(placed)])))
    doc.paragraphs.extend(_paragraphs(rest, number))


@dataclass
class _Placed:
    """A cell box of a pdfplumber table put on its grid, with the words whose centre it holds."""
    row: int
    col: int
    rowspan: int
    colspan: int
    bbox: tuple
    words: list[dict] = field(default_factory=list)


def _group_lines(words: list[dict]) -> list[list[dict]]:
    lines: list[list[dict]] = []
    # by the bottom: a comma's box is lower than a character's, but not its foot
    for w in sorted(words, key=lambda w: (round(w["bottom"]), w["x0"])):
        if lines and abs(lines[-1][0]["bottom"] - w["bottom"]) <= 3:
            lines[-1].append(w)
        else:
            lines.append([w])
    for line in lines:
        line.sort(key=lambda w: w["x0"])
    return lines


def _join(line: list[dict]) -> str:
    out = ""
    prev = None
    for w in line:
        if prev is not None and w["x0"] - prev["x1"] > 3:
            out += " "
        out += w["text"]
        prev = w
    return out


def _lines(words: list[dict]) -> str:
    return "\n".join(_join(line) for line in _group_lines(words))


def _paragraphs(words: list[dict], page: int) -> list[Paragraph]:
    lines = [line for line in _group_lines(words) if not _PAGE_NUMBER.match(_join(line))]
    if not lines:
        return []
    left = min(line[0]["x0"] for line in lines)
    right = max(line[-1]["x1"] for line in lines)
    out: list[Paragraph] = []
    current = ""
    prev_short = True
    for line in lines:
        text = _join(line)
        indent = line[0]["x0"] - left > 12
        if current and (indent or prev_short):
            out.append(Paragraph(current, page))
            current = ""
        current += text
        prev_short = right - line[-1]["x1"] > 24
    if current:
        out.append(Paragraph(current, page))
    return out


_PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d+\s*(页)?[-—–\s]*$")
_HEADING = re.compile(r"^\s*([一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十]+|\d+[、.．])")
_ENDS = tuple("。！？；：!?;:）)”")


def finish_pdf(doc: Document) -> Document:
    """What both PDF readers do last: tables numbered, paragraphs joined across page breaks, and a PDF
    with no text layer but pictures said to be a scan."""
    for i, t in enumerate(doc.tables, 1):
        t.index = i
    doc.paragraphs = _join_pages(doc.paragraphs)
    if not any(p.text.strip() for p in doc.paragraphs) and not doc.tables and doc.images:
        doc.problems.append(make("PUB_TABLE_IS_IMAGE", detail="（PDF 没有文字层，可能是扫描件）"))
    return doc


def _join_pages(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """A paragraph cut by a page break is one paragraph: the first text of a page continues the
    last of the page before when that one stops mid-sentence. Page numbers are dropped."""
    out: list[Paragraph] = []
    for p in paragraphs:
        if _PAGE_NUMBER.match(p.text):
            continue
        prev = out[-1] if out else None
        if (prev is not None and prev.page != p.page and not prev.text.rstrip().endswith(_ENDS)
                and len(prev.text) > 40 and not _HEADING.match(p.text)):
            out[-1] = Paragraph(prev.text + p.text, prev.page)
        else:
            out.append(p)
    return out
