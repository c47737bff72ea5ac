"""Issue 12, hostile mail for `collect`: each defect of the hostile corpus as a fixture built here, run
through the real command (or the library it wraps). One bad message never stops a mailbox, never
leaves a traceback, never writes what it should refuse."""
import json
import os
import subprocess
import sys

import mailers
import pytest
from conftest import SAMPLES, zero_values
from fixtures.hostile.zipbomb import bomb_zip

from converter.definition.formats import get
from converter.mail import manifest
from converter.mail.attachments import MAX_MEMBER, info, parse, workbooks_in
from converter.mail.collect import collect
from converter.template.workbook import make_template

WB = (SAMPLES / "青山镇人民政府-2024.xlsx").read_bytes()
GOOD_NAME = "青山镇2024年报.xlsx"


def nianbao(*args):
    return subprocess.run([sys.executable, "-m", "converter", *args], capture_output=True, text=True, timeout=300)


def _no_traceback(r):
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout, r.stderr


def _zip_mail(zip_bytes: bytes, zip_name: str = "年报材料.zip", msgid: str = "<bomb@x>") -> bytes:
    from urllib.parse import quote
    ph = (f"Content-Type: application/x-zip-compressed\r\nContent-Disposition: attachment;"
          f" filename*=UTF-8''{quote(zip_name.encode())}\r\n").encode()
    return mailers.with_part_headers(ph, zip_bytes, sender="a@units.test", msgid=msgid)


def test_zip_bomb_attachment_is_refused_logged_and_the_run_goes_on(tmp_path):
    bomb = _zip_mail(bomb_zip({"年报.xlsx": 1024}))          # 1 GB inside ...
    assert len(bomb) < 2 << 20                                # ... a mail of 1.4 MB
    eml = tmp_path / "eml"
    eml.mkdir()
    (eml / "1-bomb.eml").write_bytes(bomb)
    (eml / "2-good.eml").write_bytes(mailers.rfc2231(GOOD_NAME, WB, sender="b@units.test", msgid="<good@x>"))
    inbox = tmp_path / "inbox"
    # the command in a process of its own, which reports its peak memory
    code = ("import resource, sys; from converter.cli.main import main; rc = main(sys.argv[1:]); "
            "print('peak-kb', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); sys.exit(rc)")
    r = subprocess.run([sys.executable, "-c", code, "collect", "--eml", str(eml), "-o", str(inbox)],
                       capture_output=True, text=True, timeout=300)
    _no_traceback(r)
    assert r.returncode == 0, r.stderr
    assert int(r.stderr.split("peak-kb ")[1].split()[0]) < 400 << 10
    assert "1-bomb.eml" in r.stderr and "年报.xlsx 解压后超过" in r.stderr and "未收取" in r.stderr
    stored = list((inbox / "历次版本").iterdir())
    assert len(stored) == 1 and stored[0].stat().st_size == len(WB)      # nothing big written
    assert [p.name for p in (inbox / "最新").iterdir()] == ["青山镇人民政府.xlsx"]
    logged = json.loads((inbox / "收件记录.json").read_text(encoding="utf-8"))["skipped"]
    assert [s["source"] for s in logged] == [str(eml / "1-bomb.eml")]
    assert (eml / "1-bomb.eml").read_bytes() == bomb                     # input untouched


def test_zip_bomb_lying_about_its_size_is_refused_as_it_inflates():
    refused: list[str] = []
    found = workbooks_in(parse(_zip_mail(bomb_zip({"年报.xlsx": (MAX_MEMBER >> 20) + 8}, declared=4096))), refused)
    assert found == []
    assert len(refused) == 1 and "年报.xlsx 解压后超过 32 MB" in refused[0]


def test_encrypted_zip_member_is_logged_not_taken():
    data = bytearray(bomb_zip({"加密.xlsx": 1, "年报.xlsx": 0}))
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    data[local + 6], data[central + 8] = 0x01, 0x01          # the first member flagged encrypted
    refused: list[str] = []
    found = workbooks_in(parse(_zip_mail(bytes(data))), refused)
    assert [a.filename for a in found] == ["年报.xlsx"]
    assert len(refused) == 1 and "加密.xlsx 无法解压（已加密）" in refused[0]


def test_zip_of_many_large_members_stops_at_the_total_cap():
    refused: list[str] = []
    zip_bytes = bomb_zip({f"{i}.xlsx": 30 for i in range(4)} | {"z.xlsx": 0})
    found = workbooks_in(parse(_zip_mail(zip_bytes)), refused)
    assert sum(len(a.data) for a in found) <= 64 << 20 and len(found) == 2
    assert len(refused) == 1 and "2.xlsx 起，其余文件均未收取" in refused[0]


def test_many_zip_attachments_in_one_message_share_one_cap():
    """Ten small zips, each under the caps on its own: one message still inflates to 64 MB at most."""
    from urllib.parse import quote
    b = b"----=_NextPart_many"
    zip_bytes = bomb_zip({"a.xlsx": 20})
    parts = b"".join(b"--" + b + (f"\r\nContent-Type: application/zip\r\nContent-Disposition: attachment;"
                                   f" filename*=UTF-8''{quote(f'{i}.zip')}\r\nContent-Transfer-Encoding: base64\r\n\r\n").encode()
                     + mailers._b64(zip_bytes) + b"\r\n" for i in range(10))
    raw = (b"From: a@units.test\r\nMessage-ID: <many@x>\r\nMIME-Version: 1.0\r\n"
           b'Content-Type: multipart/mixed; boundary="' + b + b'"\r\n\r\n' + parts + b"--" + b + b"--\r\n")
    refused: list[str] = []
    found = workbooks_in(parse(raw), refused)
    assert len(found) == 3 and sum(len(a.data) for a in found) <= 64 << 20
    assert len(refused) == 1 and "合计超过 64 MB" in refused[0]


def _unit_workbook(unit: str) -> bytes:
    fmt = get("2021")
    return make_template(fmt, values=zero_values(fmt, unit=unit) | {("fields", "year"): 2024})


def test_long_attachment_and_unit_names_do_not_block_the_mailbox(tmp_path):
    long_name = "关于报送" + "政府信息公开工作年度报告" * 8 + ".xlsx"          # about 100 characters
    long_unit = "云溪县" + "人民政府办公室政务公开科" * 8 + "局"                 # about 100 characters
    assert len(long_name.encode()) > 255 and len(long_unit.encode()) > 255
    eml = tmp_path / "eml"
    eml.mkdir()
    (eml / "1.eml").write_bytes(mailers.rfc2231(long_name, WB, sender="a@units.test", msgid="<long-name@x>"))
    (eml / "2.eml").write_bytes(mailers.rfc2231("年报.xlsx", _unit_workbook(long_unit), sender="b@units.test",
                                                msgid="<long-unit@x>"))
    (eml / "3.eml").write_bytes(mailers.rfc2231(GOOD_NAME, _unit_workbook("南岭镇人民政府"), sender="c@units.test",
                                                msgid="<good@x>"))
    inbox = tmp_path / "inbox"
    for _ in range(2):                               # and a re-run adds nothing, fails nowhere
        r = nianbao("collect", "--eml", str(eml), "-o", str(inbox))
        _no_traceback(r)
        assert r.returncode == 0, r.stderr
    assert "重复 3 份" in r.stdout
    records = json.loads((inbox / "收件记录.json").read_text(encoding="utf-8"))["records"]
    assert sorted(r["unit"] for r in records) == sorted(["青山镇人民政府", long_unit, "南岭镇人民政府"])
    assert next(r for r in records if r["unit"] == "青山镇人民政府")["filename"] == long_name
    for p in inbox.rglob("*"):
        assert len(p.name.encode()) <= 255
    newest = sorted(p.name for p in (inbox / "最新").iterdir())
    assert len(newest) == 3 and any(n.startswith("云溪县人民政府办公室") and n.endswith(".xlsx") for n in newest)
    assert all(n.endswith(".xlsx") for n in newest)


def test_date_in_year_9999_counts_as_no_date(tmp_path):
    raw = mailers.rfc2231(GOOD_NAME, WB, sender="a@units.test", msgid="<y9999@x>")
    start = raw.index(b"Date: ")
    end = raw.index(b"\r\n", start)
    raw = raw[:start] + b"Date: Fri, 31 Dec 9999 23:59:59 -1200" + raw[end:]
    assert info(parse(raw)).date is None
    eml = tmp_path / "eml"
    eml.mkdir()
    (eml / "9999.eml").write_bytes(raw)
    r = nianbao("collect", "--eml", str(eml), "-o", str(tmp_path / "inbox"))
    _no_traceback(r)
    assert r.returncode == 0 and "新收到工作簿 1 份" in r.stdout, r.stderr
    assert [p.name.startswith("无日期_") for p in (tmp_path / "inbox" / "历次版本").iterdir()] == [True]


def test_a_message_that_cannot_be_saved_is_logged_and_the_run_goes_on(tmp_path):
    """An attachment whose stored name is taken by a folder (as a file system error stands for any)."""
    from converter.mail.collect import safe
    inbox = tmp_path / "inbox"
    good = mailers.rfc2231(GOOD_NAME, WB, sender="a@units.test", msgid="<a@x>")
    report = collect([("first", good)], inbox)
    stored = inbox / report.added[0].stored
    stored.unlink()
    stored.mkdir()                                  # the same name, now a folder: saving it fails
    other = mailers.rfc2231(GOOD_NAME, _unit_workbook("南岭镇人民政府"), sender="b@units.test", msgid="<b@x>")
    blocked = mailers.rfc2231(GOOD_NAME, WB, sender="a@units.test", msgid="<a@x>")
    report = collect([("blocked", blocked), ("other", other)], inbox)
    assert [r.unit for r in report.added] == ["南岭镇人民政府"]
    assert [s["source"] for s in report.skipped] == ["blocked"] and "无法保存" in report.skipped[0]["reason"]
    assert any("已从收件记录中移除" in n for n in report.notices)
    assert safe("a" * 300 + ".xlsx").endswith(".xlsx")


def test_folder_named_like_an_eml_file_is_skipped_with_a_message(tmp_path):
    eml = tmp_path / "eml"
    (eml / "0-目录.eml").mkdir(parents=True)
    (eml / "1.eml").write_bytes(mailers.rfc2231(GOOD_NAME, WB, sender="a@units.test"))
    r = nianbao("collect", "--eml", str(eml), "-o", str(tmp_path / "inbox"))
    _no_traceback(r)
    assert r.returncode == 0, r.stderr
    assert "0-目录.eml：是文件夹，不是邮件文件" in r.stderr and "新收到工作簿 1 份" in r.stdout


def test_stored_version_deleted_by_hand_does_not_break_later_collects(tmp_path):
    eml = tmp_path / "eml"
    eml.mkdir()
    (eml / "1.eml").write_bytes(mailers.rfc2231(GOOD_NAME, WB, sender="a@units.test", msgid="<one@x>"))
    inbox = tmp_path / "inbox"
    assert nianbao("collect", "--eml", str(eml), "-o", str(inbox)).returncode == 0
    for p in (inbox / "历次版本").iterdir():
        p.unlink()
    (eml / "2.eml").write_bytes(mailers.rfc2231(GOOD_NAME, _unit_workbook("南岭镇人民政府"), sender="b@units.test",
                                                msgid="<two@x>"))
    r = nianbao("collect", "--eml", str(eml), "-o", str(inbox))
    _no_traceback(r)
    assert r.returncode == 0, r.stderr
    assert "已不存在，已从收件记录中移除" in r.stderr
    assert "新收到工作簿 2 份" in r.stdout                   # the deleted one is stored again from its message
    assert len(list((inbox / "历次版本").iterdir())) == 2 and len(list((inbox / "最新").iterdir())) == 2
    r = nianbao("collect", "--eml", str(eml), "-o", str(inbox))
    assert r.returncode == 0 and "新收到工作簿 0 份" in r.stdout and "注意" not in r.stderr


@pytest.mark.parametrize("damage", ["truncated", "not-a-manifest"])
def test_damaged_manifest_is_kept_aside_and_rebuilt(tmp_path, damage):
    eml = tmp_path / "eml"
    eml.mkdir()
    (eml / "1.eml").write_bytes(mailers.rfc2231(GOOD_NAME, WB, sender="a@units.test", msgid="<one@x>"))
    (eml / "2.eml").write_bytes(mailers.rfc2231(GOOD_NAME, _unit_workbook("南岭镇人民政府"), sender="b@units.test",
                                                msgid="<two@x>"))
    inbox = tmp_path / "inbox"
    assert nianbao("collect", "--eml", str(eml), "-o", str(inbox)).returncode == 0
    path = inbox / "收件记录.json"
    good = json.loads(path.read_text(encoding="utf-8"))
    broken = path.read_bytes()[: len(path.read_bytes()) // 2] if damage == "truncated" else b'{"records": 3}'
    path.write_bytes(broken)
    roster = tmp_path / "名单.csv"
    roster.write_text("单位名称,邮箱,联系人\n青山镇人民政府,a@units.test,甲\n南岭镇人民政府,b@units.test,乙\n", encoding="utf-8")

    r = nianbao("status", "--roster", str(roster), str(inbox))
    _no_traceback(r)
    assert r.returncode == 0, r.stderr
    assert "收件记录已损坏" in r.stderr and r.stderr.count("\n") == 1
    assert r.stdout.count("通过") >= 2
    aside = [p for p in inbox.iterdir() if ".损坏-" in p.name]
    assert len(aside) == 1 and aside[0].read_bytes() == broken          # kept as it was

    r = nianbao("collect", "--eml", str(eml), "-o", str(inbox))
    _no_traceback(r)
    assert r.returncode == 0, r.stderr
    assert "重建收件记录" in r.stderr and "新收到工作簿 0 份" in r.stdout and "重复 2 份" in r.stdout
    rebuilt = json.loads(path.read_text(encoding="utf-8"))["records"]
    key = ("unit", "message_id", "sender", "date", "filename", "stored", "sha256", "version", "newest")
    assert sorted(tuple(r[k] for k in key) for r in rebuilt) == sorted(tuple(r[k] for k in key) for r in good["records"])
    assert os.path.exists(inbox / "收件记录.xlsx")


def test_manifest_rebuild_from_versions_alone(tmp_path):
    inbox = tmp_path / "inbox"
    collect([("m", mailers.rfc2231(GOOD_NAME, WB, sender="a@units.test", msgid="<m@x>"))], inbox)
    (inbox / "收件记录.json").write_text("{", encoding="utf-8")
    notices: list[str] = []
    records = manifest.load(inbox, notices)
    assert [(r.unit, r.newest, r.filename, r.date[:4]) for r in records] == [("青山镇人民政府", True, GOOD_NAME, "2025")]
    assert len(notices) == 1 and "收件记录已损坏" in notices[0]


def test_two_long_unit_names_cut_to_the_same_name_keep_both_newest(tmp_path):
    stem = "云溪县" + "人民政府办公室政务公开科" * 7
    units = [stem + "甲局", stem + "乙局"]
    msgs = [(u, mailers.rfc2231("年报.xlsx", _unit_workbook(u), sender=f"{i}@units.test", msgid=f"<{i}@x>"))
            for i, u in enumerate(units)]
    report = collect(msgs, tmp_path / "inbox")
    assert sorted(r.unit for r in report.added) == sorted(units) and not report.notices
    newest = sorted((tmp_path / "inbox" / "最新").iterdir())
    assert len(newest) == 2 and all(len(p.name.encode()) <= 255 for p in newest)
    assert {p.read_bytes() for p in newest} == {_unit_workbook(u) for u in units}
