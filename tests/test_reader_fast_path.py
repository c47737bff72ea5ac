"""The reader's fast path (xlsx_xml._fast_cells: a sheet's cells by regular expressions) against lxml
on the same bytes: for every sheet of the samples, and for each of many edits that a conforming parser
reads differently or refuses (entities, line ends, attribute normalisation, duplicate attributes,
namespaces, encodings, forbidden characters, cells outside rows…), the fast path either gives exactly
what lxml gives or declines (and lxml reads the sheet, as before). A whole workbook with such edits
gives the same findings and data as before the fast path existed."""
import random
import re
import zipfile

import pytest
from conftest import SAMPLES

from converter.intake import xlsx_xml
from converter.intake.safe_zip import read_member
from converter.intake.workbook import read_workbook

SAMPLE = SAMPLES / "青山镇人民政府-2024.xlsx"
NUMBERS = "三、依申请公开"


def _sheets(path):
    with zipfile.ZipFile(path) as z:
        return {n: read_member(z, n, 1 << 25) for n in z.namelist() if n.startswith("xl/worksheets/sheet")}


def _by_lxml(raw):
    """coordinate -> (holds a formula, value text, style, type) as the lxml path sees the cells; or the
    exception it raises."""
    try:
        cells = xlsx_xml.XmlWorkbook._parse_sheet(xlsx_xml.XmlWorkbook.__new__(xlsx_xml.XmlWorkbook), "x", raw)
    except Exception as e:        # noqa: BLE001  (what lxml refuses, the fast path must decline)
        return e
    out = {}
    for ref, c in cells.items():
        values = [ch.text for ch in c if ch.tag == xlsx_xml._V]
        out[ref] = (any(ch.tag == xlsx_xml._F for ch in c), (values[-1] or None) if values else None,
                    c.get("s") or None, c.get("t"), any(ch.tag == xlsx_xml._IS for ch in c))
    return out


def _by_fast(raw):
    cells = xlsx_xml._fast_cells(raw)
    if cells is None:
        return None
    return {ref: (bool(t[4]), t[5].decode() or None, t[2].decode() or None, t[3][4:-1].decode() if t[3] else None,
                  False) for ref, t in cells.items()}


def _same_or_declined(raw):
    fast = _by_fast(raw)
    if fast is None:
        return False
    slow = _by_lxml(raw)
    assert not isinstance(slow, Exception), f"fast path read what lxml refuses: {slow}"
    assert list(fast) == list(slow)
    assert fast == slow
    return True


def test_every_sample_sheet_takes_the_fast_path_and_reads_as_lxml_reads_it():
    taken = 0
    for path in sorted(SAMPLES.glob("*.xlsx")):
        for raw in _sheets(path).values():
            taken += _same_or_declined(raw)
    assert taken >= 7 * 9 - 1


# (what, old bytes, new bytes): edits the fast path must decline or read exactly as lxml does
EDITS = [
    ("entity in a value", b"<v>", b"<v>&#49;"),
    ("amp in a value", b"<v>", b"<v>&amp;"),
    ("undefined entity in a formula", b"<f>", b"<f>&nbsp;"),
    ("character reference in a formula", b"<f>", b"<f>&#65;"),
    ("predefined entity in a formula", b"<f>", b"<f>&lt;&gt;&quot;&apos;&amp;"),
    ("carriage return in a value", b"<v>", b"<v>\r\n"),
    ("tab in an attribute", b' s="', b' s="\t'),
    ("line feed in an attribute", b' t="', b' t="\n'),
    ("duplicate attribute", b'<c r="', b'<c s="1" r="'),
    ("duplicate row attribute", b'<row r="', b'<row r="9" r="'),
    ("attributes out of order", b' s="', b' cm="1" s="'),
    ("unknown attribute", b'<row r="', b'<row foo="1" r="'),
    ("undeclared prefix", b'<row r="', b'<row x14ac:dyDescent="0.25" r="'),
    ("prefixed element", b"<v>", b"<x:v>"),
    ("namespace declaration", b"<row ", b'<row xmlns="urn:other" '),
    ("empty row", b"<row ", b'<row r="999"/><row '),
    ("cell outside a row", b"</row>", b'</row><c r="Z99"><v>1</v></c>'),
    ("nested row", b"</row>", b'<row r="998"></row></row>'),
    ("unclosed row", b"</row>", b""),
    ("extra row end", b"</row>", b"</row></row>"),
    ("control character", b"<v>", b"<v>\x01"),
    ("vertical tab", b"<v>", b"<v>\x0b"),
    ("U+FFFE", b"<v>", "<v>\ufffe".encode()),
    ("U+FFFF", b"<v>", "<v>\uffff".encode()),
    ("fullwidth yen", b"<v>", "<v>￥".encode()),
    ("cdata end in a value", b"<v>", b"<v>]]>"),
    ("invalid UTF-8", b"<v>", b"<v>\xff"),
    ("truncated UTF-8", b"<v>", b"<v>\xe4\xb8"),
    ("whitespace between tags", b"</c>", b"</c>\n"),
    ("whitespace in an end tag", b"</c>", b"</c >"),
    ("inline string", b'<c r="', b'<c r="ZZ1" t="inlineStr"><is><t>x</t></is></c><c r="'),
    ("non-canonical reference", b'<c r="', b'<c r="$A$1"/><c r="'),
    ("lower-case reference", b'<c r="', b'<c r="a1"/><c r="'),
    ("cell without reference", b'<c r="', b'<c/><c r="'),
    ("value before formula", b"<f>", b"<v>1</v><f>"),
    ("two values", b"</v>", b"</v><v>2</v>"),
    ("comment", b"</row>", b"<!-- x --></row>"),
    ("processing instruction", b"</row>", b"<?x y?></row>"),
    ("single-quoted attribute", b' s="', b" s2='1' s=\""),
    ("attribute without value", b'<c r="', b'<c hidden r="'),
    ("empty value element", b"<v>", b"<v/><v>"),
    ("empty type attribute", b' s="', b' t="" s="'),
    ("empty type attribute in order", b'"><v>', b'" t=""><v>'),
    ("spaces in a value", b"<v>", b"<v> "),
    ("formula with attributes", b"<f>", b'<f aca="false">'),
]


@pytest.mark.parametrize("what,old,new", EDITS, ids=[e[0] for e in EDITS])
def test_an_edit_is_read_as_lxml_reads_it_or_left_to_lxml(what, old, new):
    for name, raw in _sheets(SAMPLE).items():
        at = raw.find(b"<sheetData>")
        for hit in (raw.find(old, at), raw.rfind(old)):
            if hit < at:
                continue
            _same_or_declined(raw[:hit] + new + raw[hit + len(old):])


def test_heads_the_fast_path_declines():
    raw = _sheets(SAMPLE)["xl/worksheets/sheet5.xml"]
    assert _same_or_declined(raw)
    for head_edit in (
        (b'encoding="UTF-8"', b'encoding="ISO-8859-1"'),
        (b'version="1.0"', b'version="1.1"'),
        (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
         b'<worksheet xmlns="urn:other" xmlns:m="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'),
        (b"<worksheet ", b'<worksheet a="1" a="2" '),
        (b"<sheetData>", b'<sheetData xmlns:q="urn:q">'),
    ):
        edited = raw.replace(*head_edit, 1)
        assert edited != raw
        assert not _same_or_declined(edited), head_edit


def test_declared_x14ac_rows_as_excel_writes_them_take_the_fast_path():
    raw = _sheets(SAMPLE)["xl/worksheets/sheet5.xml"]
    raw = raw.replace(b"<worksheet ", b'<worksheet xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/'
                      b'2009/9/ac" ', 1)
    raw = re.sub(rb'(<row [^>]*?)>', rb'\1 x14ac:dyDescent="0.25">', raw)
    assert _same_or_declined(raw)


def test_random_bytes_inserted_into_sheet_data_never_read_differently():
    rng = random.Random(14)
    pieces = [b"<", b">", b"/", b'"', b"&", b"&amp;", b";", b"\r", b"\t", b"\n", b" ", b"=", b"c", b"row", b"</c>",
              b"<v>", b"</v>", b"<f>", b"</f>", b"<row>", b"</row>", b"\x00", b"\xef\xbf\xbe", b"]]>", b"r=\"A1\""]
    raws = list(_sheets(SAMPLE).values())
    taken = 0
    for _ in range(1500):
        raw = rng.choice(raws)
        a, b = raw.find(b"<sheetData>"), raw.find(b"</sheetData>") + 12
        at = rng.randrange(a, b)
        if rng.random() < 0.5:
            raw = raw[:at] + rng.choice(pieces) + raw[at:]
        else:
            raw = raw[:at] + raw[at + rng.randrange(1, 4):]
        taken += _same_or_declined(raw)
    assert taken > 0         # some edits (inside values, say) keep the sheet on the fast path


def test_a_sheet_with_other_values_is_read_from_the_skeleton_kept_and_as_lxml_reads_it():
    """A body that differs from one read before only in the text of its values is read from that
    one's skeleton (xlsx_xml._SKELETONS, no new one kept) and gives what lxml gives; values the fast
    path refuses are still refused, and a value holding markup makes another skeleton."""
    raw = _sheets(SAMPLE)["xl/worksheets/sheet5.xml"]
    xlsx_xml._SKELETONS.clear()
    assert _same_or_declined(raw)
    assert sum(map(len, xlsx_xml._SKELETONS.values())) == 1
    rng = random.Random(5)
    numbers = re.sub(rb"<v>(\d+)</v>", lambda m: b"<v>%d</v>" % rng.randrange(10 ** 6), raw)
    emptied = re.sub(rb"<v>(\d+)</v>", b"<v></v>", raw, count=5)
    texts = re.sub(rb"<v>(\d+)</v>", "<v>１２ 3.5e1 ￥</v>".encode(), raw, count=3)
    for edited in (numbers, emptied, texts):
        assert edited != raw
        assert _same_or_declined(edited)
    assert sum(map(len, xlsx_xml._SKELETONS.values())) == 1
    for refused in (b"<v>\x01</v>", b"<v>]]></v>", b"<v>\xff</v>", b"<v>&amp;</v>", b"<v>\r</v>"):
        assert xlsx_xml._fast_cells(re.sub(rb"<v>(\d+)</v>", refused, raw, count=1)) is None, refused
    assert sum(map(len, xlsx_xml._SKELETONS.values())) == 1


def test_a_workbook_with_edited_sheets_gives_the_findings_it_gave_before(tmp_path):
    """End to end: the edited workbook read with the fast path and with lxml alone (the fast path
    switched off by making every sheet too large for it) gives the same data and findings."""
    part = "xl/worksheets/sheet5.xml"
    for what, old, new in EDITS:
        dst = tmp_path / f"{len(what)}-{abs(hash(what))}.xlsx"
        with zipfile.ZipFile(SAMPLE) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                data = zin.read(info)
                if info.filename == part and old in data:
                    data = data.replace(old, new, 1)
                zout.writestr(info.filename, data)
        fast = read_workbook(dst)
        saved = xlsx_xml._FAST_MAX
        xlsx_xml._FAST_MAX = -1
        xlsx_xml._SHEETS.clear()
        try:
            slow = read_workbook(dst)
        finally:
            xlsx_xml._FAST_MAX = saved
            xlsx_xml._SHEETS.clear()
        assert (fast.data, fast.findings, fast.locations) == (slow.data, slow.findings, slow.locations), what


def _strings_by_lxml(raw):
    try:
        root = xlsx_xml._parse("x", raw)
    except Exception as e:        # noqa: BLE001
        return e
    return [xlsx_xml._string_item(si) for si in root.iter(xlsx_xml._SI)]


def _same_strings_or_declined(raw):
    fast = xlsx_xml._fast_strings(raw)
    if fast is None:
        return False
    slow = _strings_by_lxml(raw)
    assert not isinstance(slow, Exception), f"fast path read what lxml refuses: {slow}"
    assert [xlsx_xml._entities(t.decode()) for t in fast] == slow
    return True


def _shared_strings(path):
    with zipfile.ZipFile(path) as z:
        return read_member(z, "xl/sharedStrings.xml", 1 << 25)


def test_every_sample_string_table_takes_the_fast_path_and_reads_as_lxml_reads_it():
    assert all(_same_strings_or_declined(_shared_strings(p)) for p in sorted(SAMPLES.glob("*.xlsx")))


STRING_EDITS = [
    ("predefined entities", b"<t>", b"<t>&lt;&gt;&amp;&quot;&apos;&amp;lt;"),
    ("character reference", b"<t>", b"<t>&#65;"),
    ("undefined entity", b"<t>", b"<t>&nbsp;"),
    ("bare ampersand", b"<t>", b"<t>a & b"),
    ("rich text", b"<si><t>", b"<si><r><t>a</t></r><t>"),
    ("phonetic run", b"</t></si>", b"</t><rPh sb=\"0\" eb=\"1\"><t>x</t></rPh></si>"),
    ("carriage return", b"<t>", b"<t>a\r\nb"),
    ("line feed", b"<t>", b"<t>a\nb"),
    ("attribute on an item", b"<si>", b'<si a="1">'),
    ("other attribute on a text", b"<t>", b'<t b="1">'),
    ("empty text", b"<si><t>", b"<si><t/></si><si><t>"),
    ("whitespace between items", b"</si><si>", b"</si> <si>"),
    ("control character", b"<t>", b"<t>\x02"),
    ("U+FFFF", b"<t>", "<t>\uffff".encode()),
    ("cdata end", b"<t>", b"<t>]]>"),
    ("invalid UTF-8", b"<t>", b"<t>\xc3"),
    ("comment after the root", b"</sst>", b"</sst><!-- x -->"),
    ("other encoding", b'encoding="UTF-8"', b'encoding="GBK"'),
    ("other namespace", b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
     b'<sst xmlns="urn:other"'),
    ("prefixed items", b"<si>", b"<x:si>"),
]


@pytest.mark.parametrize("what,old,new", STRING_EDITS, ids=[e[0] for e in STRING_EDITS])
def test_a_string_table_edit_is_read_as_lxml_reads_it_or_left_to_lxml(what, old, new):
    raw = _shared_strings(SAMPLE)
    assert old in raw
    _same_strings_or_declined(raw.replace(old, new, 1))
    _same_strings_or_declined(raw[::-1].replace(old[::-1], new[::-1], 1)[::-1])
