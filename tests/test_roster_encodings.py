"""What Excel and text editors on Windows save a roster as (issue 15 point 5), and the encoding our
own text files declare."""
import email
import email.policy

import pytest

from converter.definition.formats import get
from converter.mail.distribute import distribute
from converter.mail.roster import read_roster

ROWS = [["单位名称", "邮箱", "联系人"], ["喆山镇人民政府", "zs@units.test", "李四"], ["𠮷野家镇", "jy@units.test", "王五"]]


def _text(sep, newline):
    return newline.join(sep.join(r) for r in ROWS) + newline


@pytest.mark.parametrize("encoding, sep, newline", [
    ("utf-8", ",", "\n"), ("utf-8-sig", ",", "\r\n"),           # 「CSV UTF-8（逗号分隔）」 has a BOM
    ("gb18030", ",", "\r\n"),                                    # 「CSV（逗号分隔）」 on Chinese Windows
    ("utf-16", "\t", "\r\n"),                                    # 「Unicode 文本」: UTF-16LE with BOM, tabs
    ("utf-16-le", "\t", "\r\n"), ("utf-16-be-bom", "\t", "\n"), ("utf-8", "\t", "\r"),
])
def test_roster_csv_in_every_encoding_excel_writes(tmp_path, encoding, sep, newline):
    text = _text(sep, newline)
    if encoding == "utf-16-be-bom":
        raw = b"\xfe\xff" + text.encode("utf-16-be")
    elif encoding == "utf-16":
        raw = b"\xff\xfe" + text.encode("utf-16-le")
    else:
        raw = text.encode(encoding)
    path = tmp_path / "名单.csv"
    path.write_bytes(raw)
    roster = read_roster(path)
    assert [(u.name, u.email, u.contact) for u in roster.units] == [tuple(r) for r in ROWS[1:]]


def test_cover_emails_declare_their_encoding(tmp_path):
    path = tmp_path / "名单.csv"
    path.write_bytes(_text(",", "\r\n").encode("utf-8-sig"))
    out = distribute(read_roster(path), get("2021"), 2024, tmp_path / "out", sender="office@gov.test")
    assert len(out) == 2
    for o in out:
        msg = email.message_from_bytes(o.eml.read_bytes(), policy=email.policy.default)
        body = msg.get_body(("plain",))
        assert body.get_content_charset() == "utf-8"
        assert o.unit in body.get_content()
    names = sorted(p.name for p in (tmp_path / "out").glob("*.eml"))
    assert names == sorted(["喆山镇人民政府.eml", "𠮷野家镇.eml"])


def test_units_differing_only_by_case_or_normalization_are_one_unit(tmp_path):
    import unicodedata

    from converter.mail.roster import RosterError
    path = tmp_path / "名单.csv"
    path.write_text("单位名称,邮箱\nABC局,a@units.test\nabc局,b@units.test\n", encoding="utf-8")
    with pytest.raises(RosterError, match="与第 2 行重复"):
        read_roster(path)
    path.write_text(f"单位名称,邮箱\nCafé局,a@units.test\n{unicodedata.normalize('NFD', 'Café局')},b@units.test\n",
                    encoding="utf-8")
    with pytest.raises(RosterError, match="与第 2 行重复"):
        read_roster(path)
