"""Read a .docx back: paragraphs with their styles, and each table as its merged-cell grid."""
from __future__ import annotations

import io
import zipfile

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _root(blob: bytes, part="word/document.xml"):
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return etree.fromstring(z.read(part))


def _text(el) -> str:
    return "".join(t.text or "" for t in el.iter(W + "t"))


def paragraphs(blob: bytes) -> list[tuple[str, str]]:
    """(style id, text) of each body paragraph outside tables."""
    body = _root(blob).find(W + "body")
    out = []
    for p in body.findall(W + "p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        out.append((style.get(W + "val") if style is not None else "", _text(p)))
    return out


def tables(blob: bytes) -> list[dict]:
    """Each table as {"cells": {(row, col): (text, rowspan, colspan)}, "header_rows": n, "width": n}."""
    body = _root(blob).find(W + "body")
    out = []
    for tbl in body.findall(W + "tbl"):
        cells, open_v = {}, {}
        header_rows = 0
        rows = tbl.findall(W + "tr")
        for r, tr in enumerate(rows):
            if tr.find(f"{W}trPr/{W}tblHeader") is not None and header_rows == r:
                header_rows += 1
            c = 0
            for tc in tr.findall(W + "tc"):
                pr = tc.find(W + "tcPr")
                span_el = pr.find(W + "gridSpan") if pr is not None else None
                span = int(span_el.get(W + "val")) if span_el is not None else 1
                vm = pr.find(W + "vMerge") if pr is not None else None
                if vm is not None and vm.get(W + "val") != "restart":
                    top = open_v[c]
                    text, rs, cs = cells[top]
                    cells[top] = (text, rs + 1, cs)
                else:
                    cells[(r, c)] = (_text(tc), 1, span)
                    if vm is not None:
                        open_v[c] = (r, c)
                c += span
        width = sum(int(g.get(W + "w") and 1) for g in tbl.find(W + "tblGrid"))
        out.append({"cells": cells, "header_rows": header_rows, "width": width, "height": len(rows)})
    return out


def part(blob: bytes, name: str):
    return _root(blob, name)
