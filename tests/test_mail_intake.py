"""Intake from mail, piece by piece: filename encodings, zips, forwards, sources, the roster."""
import mailbox
import shutil

import mailers
import pytest
from conftest import SAMPLES

from converter.mail import sources
from converter.mail.attachments import info, parse, workbooks_in
from converter.mail.collect import collect
from converter.mail.roster import RosterError, read_roster

WB = (SAMPLES / "青山镇人民政府-2024.xlsx").read_bytes()
NAME = "喆山镇人民政府2024年政务公开年报.xlsx"     # 喆 is in GBK but not in GB2312


@pytest.mark.parametrize("build", [mailers.rfc2231, mailers.rfc2047_in_quotes, mailers.gb2312_label, mailers.raw_gbk],
                         ids=["rfc2231", "rfc2047-in-quotes", "gb2312-label-gbk-chars", "raw-8bit-gbk"])
def test_attachment_names_in_every_encoding(build):
    found = workbooks_in(parse(build(NAME, WB, sender="a@units.test")))
    assert [(a.filename, a.data == WB, a.via) for a in found] == [(NAME, True, "")]


def test_zip_with_gbk_member_names():
    raw = mailers.zipped("年报材料.zip", {"镕城街道/镕城街道年报.xlsx": WB, "说明.docx": b"x"}, sender="a@units.test")
    found = workbooks_in(parse(raw))
    assert [(a.filename, a.via) for a in found] == [("镕城街道年报.xlsx", "压缩包 年报材料.zip")]


def test_forwarded_message():
    inner = mailers.gb2312_label(NAME, WB, sender="clerk@units.test", msgid="<inner@x>")
    found = workbooks_in(parse(mailers.forwarded(inner, sender="boss@units.test")))
    assert [(a.filename, a.via) for a in found] == [(NAME, "转发邮件")]


def test_message_info():
    meta = info(parse(mailers.rfc2231(NAME, WB, sender="张三 <Zhang@Units.test>", subject="报送：喆山镇", msgid="<a1@x>")))
    assert (meta.sender, meta.subject, meta.message_id) == ("zhang@units.test", "报送：喆山镇", "<a1@x>")
    assert meta.date.year == 2025


def test_mbox_maildir_and_eml_sources(tmp_path):
    raws = [mailers.rfc2231(NAME, WB, sender="a@units.test", msgid=f"<{i}@x>") for i in range(3)]
    box = mailbox.mbox(tmp_path / "in.mbox")
    for r in raws:
        box.add(r)
    box.flush()
    md = mailbox.Maildir(tmp_path / "md")
    for r in raws:
        md.add(r)
    (tmp_path / "eml").mkdir()
    for i, r in enumerate(raws):
        (tmp_path / "eml" / f"{i}.eml").write_bytes(r)
    for src in (sources.from_mbox(tmp_path / "in.mbox"), sources.from_maildir(tmp_path / "md"),
                sources.from_eml_dir(tmp_path / "eml")):
        got = [raw for _, raw in src]
        assert len(got) == 3 and all(len(workbooks_in(parse(g))) == 1 for g in got)


def test_broken_message_is_logged_and_the_run_goes_on(tmp_path):
    msgs = [("bad", mailers.BROKEN), ("empty", b""), ("good", mailers.rfc2231(NAME, WB, sender="a@units.test"))]
    report = collect(msgs, tmp_path / "inbox")
    assert len(report.added) == 1 and report.added[0].unit == "青山镇人民政府"
    assert [s["source"] for s in report.skipped] == ["empty"]
    assert report.without_workbook == 1


def test_imap_folder_names_in_modified_utf7():
    assert sources.imap_utf7("INBOX") == "INBOX"
    assert sources.imap_utf7("已发送") == "&XfJT0ZAB-"
    assert sources.imap_utf7("年报&报送") == "&XnRipQ-&-&YqWQAQ-"


def test_roster_errors(tmp_path):
    p = tmp_path / "名单.csv"
    p.write_text("单位名称,邮箱,联系人\n甲镇,a@x.cn,\n甲镇,b@x.cn,\n乙镇,not-an-address,\n丙镇,a@x.cn,\n", encoding="utf-8")
    with pytest.raises(RosterError) as e:
        read_roster(p)
    text = "\n".join(e.value.problems)
    assert "第 3 行：单位“甲镇”与第 2 行重复" in text and "“乙镇”的邮箱“not-an-address”格式不正确" in text
    assert "邮箱“a@x.cn”与第 2 行重复" in text
    p.write_text("名称,地址\n甲镇,a@x.cn\n", encoding="utf-8")
    with pytest.raises(RosterError, match="找不到表头"):
        read_roster(p)
    p.write_text("单位名称,联系人\n甲镇,张三\n", encoding="utf-8")
    with pytest.raises(RosterError, match="缺少列“邮箱”"):
        read_roster(p)


def test_roster_from_xlsx_and_gbk_csv(tmp_path):
    import openpyxl
    wb = openpyxl.Workbook()
    wb.active.append(["单位名称", "邮箱", "联系人", "单位代码"])
    wb.active.append(["喆山镇人民政府", "zs@units.test", "李四", "001"])
    wb.save(tmp_path / "r.xlsx")
    assert read_roster(tmp_path / "r.xlsx").units[0].code == "001"
    (tmp_path / "r.csv").write_bytes("单位名称,邮箱\n喆山镇人民政府,zs@units.test\n".encode("gbk"))
    assert read_roster(tmp_path / "r.csv").units[0].name == "喆山镇人民政府"


def test_distribute_prefills_last_years_carryover(tmp_path, f2021):
    from conftest import zero_values

    from converter.intake.workbook import read_workbook
    from converter.mail.distribute import distribute
    from converter.mail.roster import read_roster
    from converter.template.workbook import make_template
    last = tmp_path / "2023"
    last.mkdir()
    carry = {"natural": 3, "commercial": 1, "research": 0, "nonprofit": 0, "legal": 2, "other": 0}
    values = zero_values(f2021, unit="喆山镇人民政府", year=2023)
    values |= {("tables", "p3", "new", k): v for k, v in carry.items()}
    values |= {("tables", "p3", "carryover", k): v for k, v in carry.items()}
    (last / "喆山镇.xlsx").write_bytes(make_template(f2021, values=values))
    roster = tmp_path / "r.csv"
    roster.write_text("单位名称,邮箱\n喆山镇人民政府,zs@units.test\n镕城街道办事处,rc@units.test\n", encoding="utf-8")
    out = distribute(read_roster(roster), f2021, 2024, tmp_path / "out", "coord@gov.test", previous=last)
    assert [o.carried_over for o in out] == [True, False]
    this_year = read_workbook(out[0].workbook).data
    assert this_year["fields"]["unit"] == "喆山镇人民政府" and this_year["fields"]["year"] == 2024
    assert {k: v for k, v in this_year["tables"]["p3"]["carried"].items() if k != "total"} == carry
    assert this_year["tables"]["p3"]["carried"]["total"] == 6
    assert out[1].eml.exists() and b"rc@units.test" in out[1].eml.read_bytes()
    # for 2025, the 2023 report's 结转下年度 is not that year's 上年结转: nothing filled in
    later = distribute(read_roster(roster), f2021, 2025, tmp_path / "out2025", "coord@gov.test", previous=last)
    assert [o.carried_over for o in later] == [False, False]
    # an archive of 2022 and 2023: for 2024, the 2023 report's figures (not the first read, 2022's)
    (tmp_path / "archive").mkdir()
    shutil.copytree(last, tmp_path / "archive" / "2023")
    older = {k: v + 5 for k, v in carry.items()}
    values = zero_values(f2021, unit="喆山镇人民政府", year=2022)
    values |= {("tables", "p3", "new", k): v for k, v in older.items()}
    values |= {("tables", "p3", "carryover", k): v for k, v in older.items()}
    (tmp_path / "archive" / "2022").mkdir()
    (tmp_path / "archive" / "2022" / "喆山镇.xlsx").write_bytes(make_template(f2021, values=values))
    both = distribute(read_roster(roster), f2021, 2024, tmp_path / "out-archive", "coord@gov.test",
                      previous=tmp_path / "archive")
    filled = read_workbook(both[0].workbook).data["tables"]["p3"]["carried"]
    assert {k: v for k, v in filled.items() if k != "total"} == carry
