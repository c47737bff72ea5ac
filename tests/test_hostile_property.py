"""Property: whatever damage a valid workbook suffers — random byte flips, overwrites and truncations of
the zip, or random edits of its XML (re-zipped) — read_workbook gives a result or findings, never an
exception; and when both engines read it, they read the same data.

Deterministic by default (a fixed series of examples, so the suite never turns red by chance); set
NIANBAO_FUZZ=N to try N random examples per property instead."""
import os
import zipfile

from conftest import SAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converter.intake.workbook import read_workbook

GOOD = SAMPLES / "青山镇人民政府-2024.xlsx"
BLOB = GOOD.read_bytes()
with zipfile.ZipFile(GOOD) as _z:
    PARTS = {info.filename: _z.read(info) for info in _z.infolist()}
_XML_TARGETS = sorted(n for n in PARTS if n.endswith((".xml", ".rels")))

_FUZZ = int(os.environ.get("NIANBAO_FUZZ", "0"))
PROPERTY = settings(max_examples=_FUZZ or 200, deadline=None, derandomize=not _FUZZ, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Snippets an edit may put in: markup a byte search or a careless parser gets wrong, and values of
# every cell type.
SNIPPETS = [b"<!--", b"-->", b"<![CDATA[", b"]]>", b"<?pi x?>", b"<sheetData>", b"</sheetData>", b"<row>",
            b"</row>", b'<c r="B5" t="s"><v>7</v></c>', b'<c r="D8"><v>5</v></c>', (b'<c r="D8" t="inlineStr">'
            b"<is><t>x</t></is></c>"), b' t="s"', b' t="b"', b' t="e"', b' t="str"', b' t="d"', b' s="3"',
            b' r="D8"', b' r="d8"', b' r="D08"', b"<v>", b"</v>", b"<v>1E+400</v>", b"<v>-1</v>",
            b"<v>99999999999999999999</v>", b"&amp;", b"&lt;", b"&#0;", b"&#x4e00;", b"\x00", b"\xff",
            b'"', b"'", b"<", b">", b"=", b"/", b" ", b"9", b"0.5", b"\xe4\xb8\x80", b"<!DOCTYPE x>",
            b'xmlns="urn:x"', b'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"']


def _check(path) -> None:
    a = read_workbook(path, engine="xml")
    b = read_workbook(path, engine="openpyxl")
    assert a.ok or a.findings, "neither data nor a finding"
    assert b.ok or b.findings, "neither data nor a finding (openpyxl)"
    if a.ok and b.ok:
        assert a.data == b.data
        assert a.findings == b.findings


# A mutation is drawn as a short list of operations (so a failing example prints as a few tuples, not as
# the whole workbook) and applied in the test.
_BYTE_OPS = st.lists(st.tuples(st.sampled_from(["flip", "overwrite", "truncate", "delete"]),
                               st.floats(0, 1, exclude_max=True), st.binary(min_size=1, max_size=16)),
                     min_size=1, max_size=4)
# Most edits keep the XML well-formed (at a tag boundary, inside a value or an attribute), so that
# both engines read the result and their data can be compared; the rest damage it anywhere.
_READ_PARTS = sorted(n for n in _XML_TARGETS if n.startswith("xl/"))
VALUES = [b"", b"0", b"7", b"-3", b"1.5", b"1E+400", b"2.5e-3", b" 12 ", b"0x10", b"NaN", b"99999999999999999999",
          b"\xe4\xb8\x80", b"&amp;", b"&#x31;", b"<![CDATA[42]]>", b"4<!-- -->2", b"4<?p?>2", b"TRUE", b"#N/A"]
ATTRS = [(b' t="', [b"s", b"n", b"b", b"e", b"str", b"inlineStr", b"d", b"x", b""]),
         (b' s="', [b"0", b"1", b"3", b"12", b"13", b"-1", b"x", b""]),
         (b' r="', [b"B5", b"b5", b"B05", b"$B$5", b"D8", b"A0", b"ZZZ9", b"5B", b""])]
_XML_OPS = st.lists(st.tuples(st.sampled_from(_READ_PARTS + _XML_TARGETS),
                              st.sampled_from(["at_tag", "at_tag", "value", "value", "attr", "attr", "insert",
                                               "replace", "delete", "duplicate"]),
                              st.floats(0, 1), st.sampled_from(SNIPPETS), st.integers(1, 200)),
                    min_size=1, max_size=3)


def damaged_bytes(ops) -> bytes:
    blob = bytearray(BLOB)
    for kind, where, chunk in ops:
        if len(blob) < 2:
            break
        at = int(where * len(blob))
        if kind == "flip":
            blob[at] ^= chunk[0] or 1
        elif kind == "overwrite":
            blob[at:at + len(chunk)] = chunk
        elif kind == "truncate":
            del blob[max(at, 1):]
        else:
            del blob[at:at + 4 * len(chunk)]
    return bytes(blob)


def damaged_xml(ops) -> dict[str, bytes]:
    parts = dict(PARTS)
    for name, kind, where, snippet, n in ops:
        data = bytearray(parts[name])
        at = int(where * len(data))
        if kind == "at_tag":
            at = data.find(b"<", at)
            data[at:at] = snippet if at >= 0 else b""
        elif kind == "value":
            at = data.find(b"<v>", at)
            end = data.find(b"</v>", at)
            if at >= 0 and end >= 0:
                data[at + 3:end] = VALUES[n % len(VALUES)]
        elif kind == "attr":
            prefix, choices = ATTRS[n % len(ATTRS)]
            at = data.find(prefix, at)
            end = data.find(b'"', at + len(prefix)) if at >= 0 else -1
            if end >= 0:
                data[at + len(prefix):end] = choices[n // len(ATTRS) % len(choices)]
        elif kind == "insert":
            data[at:at] = snippet
        elif kind == "replace":
            data[at:at + n % 12 + 1] = snippet
        elif kind == "delete":
            del data[at:at + n % 40 + 1]
        else:
            data[at:at] = data[at:at + n]
        parts[name] = bytes(data)
    return parts


@PROPERTY
@given(ops=_BYTE_OPS)
def test_random_byte_damage_gives_a_result_or_a_finding(tmp_path_factory, ops):
    path = tmp_path_factory.mktemp("bytes") / "damaged.xlsx"
    path.write_bytes(damaged_bytes(ops))
    _check(path)


@PROPERTY
@given(ops=_XML_OPS)
def test_random_xml_damage_gives_a_result_or_a_finding_and_engines_agree(tmp_path_factory, ops):
    path = tmp_path_factory.mktemp("xml") / "damaged.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in damaged_xml(ops).items():
            z.writestr(name, data)
    _check(path)
