"""A published report file -> :class:`converter.reader.ReadResult`: sniff what it is from its bytes,
parse it into a :class:`Document`, read the tables by their labels under the format they fit
(2019 or 2021), read the narrative, and collect the findings with locations a reader of that
document can find (「表三「（七）总计」行「自然人」列，第 3 页」)."""
from __future__ import annotations

import io
import os
import pathlib
import shutil
import subprocess
import tempfile
import zipfile
from typing import Any

from converter.checks.findings import Finding, make
from converter.definition.formats import FORMATS
from converter.definition.kinds import ITEMS, LINE, TEXT, Kind
from converter.definition.model import Column, DataPath, Format, Row, Table
from converter.definition.plan import Plan, compile
from converter.intake.result import ReadResult
from converter.intake.safe_zip import ZIP_ERRORS

from .document import Document
from .labels import labels_of, norm
from .match import Matched, classify, match_tables, parse_number, sheet_of, table_rows
from .narrative import read_narrative

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff_kind(path: str | os.PathLike) -> str | None:
    """"xlsx", "docx", "html", "pdf" or "doc" (an old binary Word/WPS file) from the file's first
    bytes (and, for a zip, its part names); None for anything else or an unreadable file."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
            if head.startswith(_OLE):
                head += fh.read(1 << 20)
    except OSError:
        return None
    if head.startswith(b"PK"):
        return _zip_kind(path)
    return sniff_bytes(head)


def sniff_bytes(data: bytes) -> str | None:
    """The same decision from a file's first bytes (a zip is told apart by its part names)."""
    head = data[:4096]
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(_OLE):
        # Word 97–2003 and WPS files are OLE containers; so are .xls and encrypted OOXML files
        blob = data[:1 << 20]
        if "WordDocument".encode("utf-16-le") in blob or b"W\x00P\x00S" in blob:
            return "doc"
        return None
    if head.startswith(b"PK"):
        return _zip_kind(io.BytesIO(data))
    text = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if text.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore").encode("ascii", errors="ignore").lstrip().lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<meta", b"<!--", b"<?xml", b"<body", b"<div",
                        b"<table", b"<p", b"<title")) or b"<html" in head.lower():
        return "html"
    return None


def _zip_kind(source: Any) -> str | None:
    try:
        with zipfile.ZipFile(source) as z:
            return _names_kind(z)
    except ZIP_ERRORS:
        return None


def _names_kind(z: zipfile.ZipFile) -> str | None:
    """"docx", "xlsx" or None for an open zip package, from its part names."""
    names = set(z.namelist())
    if "word/document.xml" in names:
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return None


def parse(path: str, kind: str) -> Document:
    """The Document of a file of a known kind."""
    if kind == "docx":
        from .docx import read_docx
        return read_docx(path)
    if kind == "html":
        from .html import read_html
        return read_html(path)
    try:
        from .pdfium import read_pdf_fast
    except ImportError:         # pragma: no cover - pypdfium2 comes with pdfplumber
        from .pdf import read_pdf
        return read_pdf(path)
    return read_pdf_fast(path)


def read_published(path: str | os.PathLike, whole: bytes | None = None) -> ReadResult:
    """See :func:`_read`; every finding carries the file's path. `whole`: the file's bytes when the
    caller already read them (read_report does for a zip package): the file is not read again."""
    result = _read(path, whole)
    result.findings = [f.with_file(result.file) for f in result.findings]
    return result


def _read(path: str | os.PathLike, whole: bytes | None = None) -> ReadResult:
    """A Word file, web page or PDF -> ReadResult (file, data, format_id, locations, findings,
    reported). `data` is shaped as schema/report-<format>.schema.json with None for every blank or
    unreadable cell; totals are as printed. Never raises for a bad file: its findings say why."""
    result = ReadResult(file=str(path))
    if whole is not None and whole.startswith(b"PK"):
        # a package in memory is opened once: to tell what it is from its part names, and to read it
        try:
            z = zipfile.ZipFile(io.BytesIO(whole))
        except ZIP_ERRORS:
            kind = None
        else:
            with z:
                kind = _names_kind(z)
                if kind == "docx":
                    from .docx import read_docx_zip
                    doc = read_docx_zip(str(path), z)
            if kind == "docx":
                return read_document(doc, result)
        return _not_a_report(kind, result)
    if not os.path.exists(path):
        result.findings.append(make("FILE_MISSING"))
        return result
    if os.path.getsize(path) == 0:
        result.findings.append(make("FILE_EMPTY"))
        return result
    kind = sniff_kind(path)
    if kind == "doc":
        return _read_old_word(str(path), result)
    if kind not in ("docx", "html", "pdf"):
        return _not_a_report(kind, result)
    doc = parse(str(path), kind)
    return read_document(doc, result)


def _not_a_report(kind: str | None, result: ReadResult) -> ReadResult:
    """`result` with the finding for a file that is none of the kinds read here."""
    detail = "（这是 Excel 工作簿，请按填报模板读取）" if kind == "xlsx" else ""
    result.findings.append(make("PUB_KIND_UNKNOWN", detail=detail))
    return result


def soffice() -> str | None:
    """LibreOffice's command, when it is installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _read_old_word(path: str, result: ReadResult) -> ReadResult:
    """A .doc/.wps file: saved as .docx by LibreOffice (headless, in a profile of its own) and read
    as that; without LibreOffice, a finding asking for a .docx."""
    office = soffice()
    if office is None:
        result.findings.append(make("PUB_DOC_OLD", detail="，本机未安装 LibreOffice，无法自动转换"))
        return result
    with tempfile.TemporaryDirectory(prefix="nianbao-doc-") as tmp:
        src = os.path.join(tmp, "in" + os.path.splitext(path)[1].lower())
        shutil.copyfile(path, src)         # the input is never touched, and its name needs no quoting
        profile = pathlib.Path(tmp, "profile").as_uri()
        try:
            subprocess.run([office, "--headless", "--norestore", f"-env:UserInstallation={profile}",
                            "--convert-to", "docx:MS Word 2007 XML", "--outdir", tmp, src],
                           capture_output=True, timeout=120, env=dict(os.environ, HOME=tmp), check=False)
        except (OSError, subprocess.TimeoutExpired) as e:
            result.findings.append(make("PUB_DOC_OLD", detail=f"，LibreOffice 转换失败（{type(e).__name__}）"))
            return result
        converted = os.path.join(tmp, "in.docx")
        if not os.path.exists(converted):
            result.findings.append(make("PUB_DOC_OLD", detail="，LibreOffice 无法打开该文件"))
            return result
        from .docx import read_docx
        doc = read_docx(converted)
        doc.file = path
        return read_document(doc, result)


def read_document(doc: Document, result: ReadResult) -> ReadResult:
    """Fill `result` from a parsed Document."""
    result.findings.extend(doc.problems)
    result.published = doc.published
    if doc.problems and not doc.tables and not doc.paragraphs:
        return result
    matches = _matches(doc)
    matches.sort(key=lambda m: -m.score)
    best = matches[0]
    if best.score == 0:
        result.findings.append(_no_tables(doc))
        return result
    if len(matches) > 1 and matches[1].score == best.score:
        result.findings.append(make("PUB_FORMAT_UNDETECTED", choices="或".join(f.name for f in FORMATS.values()),
                                    detail="几种格式的表格标签都符合，表格无法区分"))
        return result
    fmt = best.fmt
    result.format_id = fmt.id
    result.data = _data(doc, fmt, best, result)
    return result


def describe(fmt: Format, path: DataPath) -> str:
    """A cell as a reader of the printed table names it: 「（七）总计」行「自然人」列; in a table without
    row labels (表四) the column by its whole header, 「行政诉讼·复议后起诉·总计」列."""
    t = fmt.table(path[1])
    if t.rows[0].path:
        return fmt.describe(path)
    return f"「{'·'.join(t.column(path[3]).path)}」列"


def _distinctive(fmt: Format) -> frozenset[tuple[str, str]]:
    """(table, column) keys of `fmt` whose header labels no other format prints."""
    return compile(fmt).derived(_distinctive_columns)


def _distinctive_columns(plan: Plan) -> frozenset[tuple[str, str]]:
    fmt = plan.fmt
    mine = labels_of(fmt)
    others: set[str] = set()
    for other in FORMATS.values():
        if other is not fmt:
            others |= labels_of(other).all_forms
    return frozenset((t.key, c.key) for t in fmt.tables() for c in t.columns
                     if not (mine.column_names[norm(c.label)] & others))


def _matches(doc: Document) -> list[Matched]:
    """The document read under each format; once one format has found columns only it has (such as
    2021's 本年制发件数), the others need not be tried."""
    out = []
    tables = table_rows(doc)
    for fmt in FORMATS.values():
        m = match_tables(doc, fmt, tables)
        out.append(m)
        if m.cols_found & _distinctive(fmt):
            break
    return out


def _no_tables(doc: Document) -> Finding:
    """Why no table could be read: pictures in a document that has a report's parts, or not a report."""
    from .narrative import clean_paragraphs, part_of
    parts = {hit[0] for p in clean_paragraphs(doc.paragraphs)[:2000] if (hit := part_of(p.text))}
    if doc.images and (parts & {2, 3, 4} or not any(p.text.strip() for p in doc.paragraphs)):
        return make("PUB_TABLE_IS_IMAGE", detail="（文中的统计表是图片，不是文字表格）")
    if parts & {2, 3, 4}:
        return make("PUB_TABLE_NOT_FOUND", what="年报的统计表（表二、表三、表四）")
    detail = "（文中没有表格）" if not doc.tables else f"（文中 {len(doc.tables)} 个表格都不是年报统计表）"
    return make("PUB_NOT_REPORT", detail=detail)


_Layout = list[tuple[Table, list[tuple[Row, list[tuple[Column, DataPath, tuple[str, str], tuple[str, str]]]]]]]


def _cell_layout(plan: Plan) -> _Layout:
    """The format's table cells in layout order, each with what reading it needs: for each table,
    for each row, (column, path, the cell as a reader of the printed report names it: (table,
    「row」行「column」列), (table key, column key))."""
    fmt = plan.fmt
    return [(t, [(r, [(c, path, (sheet_of(t), describe(fmt, path)), (t.key, c.key))
                      for c in t.columns for path in [("tables", t.key, r.key, c.key)]])
                 for r in t.rows])
            for t in fmt.tables()]


def _data(doc: Document, fmt: Format, m: Matched, result: ReadResult) -> dict:
    narrative = read_narrative(doc.paragraphs, fmt, doc.title)
    fields: dict = {}
    for _, f in fmt.fields():
        value = narrative.fields.get(f.key)
        if value is None and f.kind in (TEXT, LINE):
            value = ""
        if value is None and f.kind == ITEMS:
            value = []
        fields[f.key] = value
    for section, f in fmt.fields():
        part = section.heading or "标题和前言"
        result.locations[("fields", f.key)] = (part, f"「{f.heading or f.label}」")
    result.findings.extend(narrative.findings)
    result.reported.update(("fields", k) for k in narrative.reported)
    tables: dict = {t.key: {r.key: {} for r in t.rows} for t in fmt.tables()}
    findings = result.findings
    # the pages of the cells read, where there are pages (PDF)
    pages = {p: cells[0].page for p, cells in m.raw.items() if cells and cells[0].page}
    merged_away = {(t.key, r.key) for t in fmt.tables() for _, _, group, target in m.merged
                   for r in group if r is not target and r in t.rows}
    layout = compile(fmt).derived(_cell_layout)
    locations, reported = result.locations, result.reported
    raw, cols_found = m.raw, m.cols_found
    for t, rows in layout:
        found = t.key in m.tables_found
        if not found:
            absent_block = t.optional
            code = "PUB_TABLE_NOT_FOUND"
            if doc.images and not absent_block:
                findings.append(make("PUB_TABLE_IS_IMAGE", sheet=sheet_of(t),
                                     detail=f"：{sheet_of(t)}（{t.name}）"))
            elif absent_block:
                findings.append(make("PUB_BLOCK_ABSENT", sheet=sheet_of(t), what=t.name))
            else:
                findings.append(make(code, sheet=sheet_of(t), what=f"{sheet_of(t)}（{t.name}）"))
        for r, cells_of_row in rows:
            row_found = (t.key, r.key) in m.rows_found
            if found and not row_found and (t.key, r.key) not in merged_away:
                findings.append(make("PUB_ROW_NOT_FOUND", sheet=sheet_of(t), cell=f"「{r.label}」行",
                                     what=sheet_of(t), actual=r.label))
            values = tables[t.key][r.key]
            read = found and row_found
            for c, path, named, column in cells_of_row:
                # every cell of every report: its name, plus the page where there is one (PDF)
                on_page = pages.get(path) if pages else None
                locations[path] = (named[0], named[1] + f"，第 {on_page} 页") if on_page else named
                values[c.key] = None
                if not read or column not in cols_found:
                    reported.add(path)
                    continue
                cells = raw.get(path)
                if cells:        # no document cell read: the value stays None, with no finding
                    values[c.key] = _value(path, cells, c.kind, result, named[0] + named[1])
        if found:
            for c in t.columns:
                if (t.key, c.key) not in m.cols_found and any((t.key, r.key) in m.rows_found for r in t.rows):
                    findings.append(make("PUB_COLUMN_NOT_FOUND", sheet=sheet_of(t), what=sheet_of(t),
                                         actual=c.label if t.rows[0].path else "·".join(c.path)))
    for cell, _, group, target in m.merged:
        table = next(t for t in fmt.tables() if target in t.rows)
        page = f"，第 {cell.page} 页" if cell.page else ""
        label = target.path[-2] if len(target.path) > 1 else target.label
        findings.append(make("PUB_ROW_MERGED", sheet=sheet_of(table), cell=f"「{label}」行" + page,
                             what=f"{sheet_of(table)}「{label}」", actual=target.label))
        for r in group:
            if r is not target:
                for c in table.columns:
                    result.reported.add(("tables", table.key, r.key, c.key))
    findings.extend(finding for _, finding in m.findings)
    return {"format": fmt.id, "fields": fields, "tables": tables}


def _value(path: DataPath, cells: list[Any], kind: Kind, result: ReadResult, what: str) -> Any:
    """The value of a cell from the document cells read for it (`what` names it in findings)."""
    if len(cells) == 1:
        # the common case, one cell holding a number: what the general case below gives for it
        text = cells[0].text
        if not text.startswith("\x00"):
            cls = classify(text)
            if cls == "empty":
                return None
            if cls == "number":
                value = parse_number(text, kind)
                if value is not None:
                    return value
    sheet, where = result.locations[path]
    texts = [c.text for c in cells]
    if any(t.startswith("\x00") for t in texts):
        shown = texts[0].lstrip("\x00").replace("\n", " ")
        if classify(shown) != "empty":
            result.findings.append(make("PUB_CELL_AMBIGUOUS", sheet=sheet, cell=where, what=what, actual=shown))
            result.reported.add(path)
        return None
    filled = [t for t in texts if classify(t) != "empty"]
    if not filled:
        return None
    if len(filled) > 1:
        joined = "".join(t.strip() for t in filled)
        value = parse_number(joined, kind) if all(classify(t) == "number" for t in filled) else None
        if value is None:
            result.findings.append(make("PUB_CELL_UNREADABLE", sheet=sheet, cell=where, what=what,
                                        actual=" ".join(filled)))
            result.reported.add(path)
            return None
        result.findings.append(make("PUB_CELL_SPLIT", sheet=sheet, cell=where, what=what,
                                    actual="、".join(t.strip() for t in filled), expected=value))
        return value
    text = filled[0]
    cls = classify(text)
    if cls == "dash":
        result.findings.append(make("PUB_CELL_DASH", sheet=sheet, cell=where, what=what, actual=text.strip()))
        result.reported.add(path)
        return None
    value = parse_number(text, kind) if cls == "number" else None
    if value is None:
        result.findings.append(make("PUB_CELL_UNREADABLE", sheet=sheet, cell=where, what=what,
                                    actual=text.strip().replace("\n", " ")))
        result.reported.add(path)
    return value
