"""The neutral document model every published-report parser produces: paragraphs of running text and
tables of (possibly merged) cells, in document order, with the page they are on where a page exists
(PDF), the document's title and published date where it shows them, and the problems met while
reading (findings, e.g. a table pasted as a picture). The label matcher reads only this model, so a
Word file, a web page and a PDF are read by the same rules."""
from __future__ import annotations

import operator
from dataclasses import dataclass, field

from converter.checks.findings import Finding


@dataclass(frozen=True)
class Cell:
    """One cell of a table: its top-left grid position, its spans and its text (line breaks kept)."""
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str
    page: int | None = None


_new = object.__new__
_COLUMN = operator.attrgetter("col")


def new_cell(row: int, col: int, rowspan: int, colspan: int, text: str, page: int | None = None) -> Cell:
    """Cell(row, col, rowspan, colspan, text, page), built without the frozen dataclass's
    __init__ (one object.__setattr__ call per field): the same object, its fields written straight
    into its __dict__ as that __init__ writes them, in a third of the time. Cells are made by the
    hundred for every document read."""
    cell = _new(Cell)
    fields = cell.__dict__
    fields["row"] = row
    fields["col"] = col
    fields["rowspan"] = rowspan
    fields["colspan"] = colspan
    fields["text"] = text
    fields["page"] = page
    return cell


@dataclass
class Table:
    """A table as a list of cells on a grid; `index` counts tables in document order from 1."""
    cells: list[Cell]
    index: int = 0
    page: int | None = None
    edges: tuple[float, ...] = ()   # PDF: the x positions of the grid's column lines (points)

    @property
    def height(self) -> int:
        """How many rows the table has."""
        return max((c.row + c.rowspan for c in self.cells), default=0)

    @property
    def width(self) -> int:
        """How many columns the table has."""
        return max((c.col + c.colspan for c in self.cells), default=0)

    def rows(self) -> list[list[Cell]]:
        """For each grid row, the cells covering it (a row-spanning cell appears in every row it
        covers), ordered by column."""
        out: list[list[Cell]] = [[] for _ in range(self.height)]
        for c in self.cells:
            if c.rowspan == 1:
                out[c.row].append(c)
            else:
                for r in range(c.row, c.row + c.rowspan):
                    out[r].append(c)
        for row in out:
            row.sort(key=_COLUMN)
        return out


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of text, with the page it is on (PDF)."""
    text: str
    page: int | None = None


def new_paragraph(text: str, page: int | None = None) -> Paragraph:
    """Paragraph(text, page), built as new_cell builds a Cell: a Word file has hundreds."""
    paragraph = _new(Paragraph)
    fields = paragraph.__dict__
    fields["text"] = text
    fields["page"] = page
    return paragraph


@dataclass
class Document:
    """What a parser read: `kind` is "docx", "html" or "pdf"."""
    file: str
    kind: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    title: str = ""                # the page's <title> or the document's core title, if any
    published: str = ""            # 发布日期 as shown on a web page, ISO yyyy-mm-dd
    problems: list[Finding] = field(default_factory=list)
    images: list[int] = field(default_factory=list)   # pictures in the body (PDF: their page numbers)


def grid_from_rows(rows: list[list[tuple[str, int, int]]]) -> list[Cell]:
    """HTML-style rows of (text, rowspan, colspan) -> cells on a grid, skipping the slots that
    cells from rows above still cover (the rowspan/colspan placement rule of HTML tables)."""
    # Only slots covered from rows above can be met: a cell's own row is left behind it as the
    # column moves right. So only cells spanning rows note what they cover, per row below.
    below: dict[int, set[int]] = {}
    cells: list[Cell] = []
    append = cells.append
    height = len(rows)
    for r, row in enumerate(rows):
        taken = below.pop(r, None)
        c = 0
        for text, rowspan, colspan in row:
            if taken:
                while c in taken:
                    c += 1
            # a span of 1 (most cells) is already what the clamps below make of it, and spans no
            # rows below
            if colspan != 1:
                colspan = max(1, min(colspan, 200))
            if rowspan != 1:
                rowspan = max(1, min(rowspan, height - r))
                for dr in range(1, rowspan):
                    below.setdefault(r + dr, set()).update(range(c, c + colspan))
            append(new_cell(r, c, rowspan, colspan, text))
            c += colspan
    return cells
