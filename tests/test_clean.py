import pytest

from converter.definition import values as clean
from converter.definition.kinds import COUNT, DELTA, MONEY, YEAR


@pytest.mark.parametrize("raw, kind, expected", [
    (None, COUNT, None), ("", COUNT, None), ("   ", COUNT, None),
    (12, COUNT, 12), (12.0, COUNT, 12), ("12", COUNT, 12), ("12.0", COUNT, 12), (" 12 ", COUNT, 12),
    ("１２", COUNT, 12), ("１ ２", COUNT, 12), ("1,234", COUNT, 1234), ("\u300012\u3000", COUNT, 12),
    ("2.5", COUNT, 2.5), ("-3", DELTA, -3), ("－３", DELTA, -3), ("0.30000000000000004", MONEY, 0.3),
    (12.35, MONEY, 12.35), ("3件", COUNT, "3件"), ("无", COUNT, "无"), (True, COUNT, "True"),
    ("2024年", YEAR, 2024), ("２０２４年度", YEAR, 2024), (2024.0, YEAR, 2024),
])
def test_number(raw, kind, expected):
    got = clean.number(raw, kind)
    assert got == expected and type(got) is type(expected)


def test_text_keeps_line_breaks_as_paragraphs():
    assert clean.text("第一段 \r\n第二段_x000D_\n\n") == "第一段\n第二段"
    assert clean.text(None) == ""
    assert clean.text(3.0) == "3"


def test_items_skip_blank_rows():
    assert clean.items(["一是", None, "  ", "二是"]) == ["一是", "二是"]
