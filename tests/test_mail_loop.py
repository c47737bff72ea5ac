"""The whole distribution-and-collection loop on loopback, against real servers: aiosmtpd (SMTP with
STARTTLS and login) and pymap (IMAP with STARTTLS). Nothing in smtplib or imaplib is mocked."""
import io
import json
import os
import smtplib
import ssl
import subprocess
import sys

import clerk
import mailers
import openpyxl
import pytest
import servers

from converter.mail.attachments import info, parse, workbooks_in

COORD = "coord@gov.test"
BUREAUS = ["教育", "民政", "财政", "交通运输", "水利", "农业农村", "商务", "文化和旅游", "卫生健康", "应急管理", "审计",
           "统计", "林业", "医疗保障", "司法", "人力资源和社会保障", "住房和城乡建设", "生态环境", "自然资源", "市场监督管理"]
UNITS = ["喆山镇人民政府", "镕城街道办事处"] + [f"云溪县{b}局" for b in BUREAUS]      # 22; 喆 and 镕 are GBK-only
EMAIL = {u: f"unit{i:02d}@units.test" for i, u in enumerate(UNITS)}

EXPECTED = {"通过": {0, 1, 2, 3, 4, 5, 7, 9, 11, 13, 14, 15, 16, 17}, "有错误": {6, 8}, "无法读取": {12},
            "未报送": {10, 18, 19, 20, 21}}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mail")
    cert, key = servers.make_cert(tmp)
    imap = servers.Imap(cert, key, tmp / "pymap.log")
    smtp = servers.Smtp(cert, key, deliver=lambda raw, rcpt: imap.append(raw) if COORD in rcpt else None)
    roster = tmp / "名单.csv"
    roster.write_text("单位名称,邮箱,联系人\n" + "".join(f"{u},{EMAIL[u]},联系人{i}\n" for i, u in enumerate(UNITS)),
                      encoding="utf-8")
    env = dict(os.environ, SSL_CERT_FILE=str(cert), NIANBAO_SMTP_PASSWORD=servers.PASSWORD,
               NIANBAO_IMAP_PASSWORD=servers.PASSWORD)
    yield {"tmp": tmp, "cert": cert, "imap": imap, "smtp": smtp, "roster": roster, "env": env}
    smtp.stop()
    imap.stop()


def nianbao(world, *args):
    return subprocess.run([sys.executable, "-m", "converter", *args], capture_output=True, text=True, env=world["env"],
                          cwd=world["tmp"])


def fill(blob: bytes, unit: str | None = None, wrong: bool = False) -> bytes:
    """What a clerk does with the workbook they were sent (by defined name, to keep the test short)."""
    return clerk.fill_by_names(blob, unit=unit, wrong=wrong)


def send_raw(world, raw: bytes, sender: str):
    ctx = ssl.create_default_context(cafile=str(world["cert"]))
    with smtplib.SMTP("127.0.0.1", world["smtp"].port) as s:
        s.starttls(context=ctx)
        s.login(servers.USER, servers.PASSWORD)
        s.sendmail(sender, [COORD], raw)


def test_the_whole_loop(world):
    tmp, smtp, imap = world["tmp"], world["smtp"], world["imap"]

    # 1. distribute through SMTP; one recipient's server refuses, so the first run stops short of it
    smtp.reject_to = {EMAIL[UNITS[5]]}
    args = ("distribute", "--roster", str(world["roster"]), "--year", "2024", "-o", "发件箱", "--from",
            f"政务公开办 <{COORD}>", "--org", "云溪县政务公开办", "--send", "--smtp", smtp.url)
    r = nianbao(world, *args)
    assert r.returncode == 1 and "已发送 21 封" in r.stdout and "失败 1 封" in r.stdout, r.stdout + r.stderr
    smtp.reject_to = set()
    r = nianbao(world, *args)
    assert r.returncode == 0 and "已发送 1 封，此前已发送 21 封" in r.stdout, r.stdout + r.stderr
    sent = {rcpt[0]: content for _, rcpt, content in smtp.received}
    assert set(sent) == set(EMAIL.values()) and len(smtp.received) == 22
    blank = {}
    for u in UNITS:
        msg = parse(sent[EMAIL[u]])
        [att] = workbooks_in(msg)
        assert att.filename == f"{u}2024年政府信息公开工作年度报告填报表.xlsx"
        assert "联系人" in msg.get_payload()[0].get_payload(decode=True).decode()
        blank[u] = att.data
    assert openpyxl.load_workbook(io.BytesIO(blank[UNITS[0]]))["基本信息"]["B5"].value == UNITS[0]

    # 2. units reply, each the way its mailer writes attachment names
    day = 1736899200          # 2025-01-15
    replies = []

    def reply(i, builder, wb, date, sender=None, msgid=None, name=None):
        u = UNITS[i]
        raw = builder(name or f"{u}.xlsx", wb, sender=sender or EMAIL[u], date=date, msgid=msgid or f"<r{i}-{date}@units.test>")
        replies.append(raw)
        send_raw(world, raw, sender or EMAIL[u])

    reply(0, mailers.rfc2231, fill(blank[UNITS[0]]), day)
    reply(1, mailers.rfc2047_in_quotes, fill(blank[UNITS[1]]), day)
    reply(2, mailers.gb2312_label, fill(blank[UNITS[2]]), day, name="喆山镇转报.xlsx")
    reply(3, mailers.raw_gbk, fill(blank[UNITS[3]]), day, name="镕城报送.xlsx")
    z = mailers.zipped("年报.zip", {f"{UNITS[4]}/镕城版本.xlsx": fill(blank[UNITS[4]])}, sender=EMAIL[UNITS[4]],
                       date=day, msgid="<zip@units.test>")
    send_raw(world, z, EMAIL[UNITS[4]])
    inner = mailers.rfc2231(f"{UNITS[5]}.xlsx", fill(blank[UNITS[5]]), sender="clerk@units.test", msgid="<in5@x>")
    send_raw(world, mailers.forwarded(inner, sender=EMAIL[UNITS[5]], date=day, msgid="<fw5@units.test>"), EMAIL[UNITS[5]])
    reply(6, mailers.rfc2231, fill(blank[UNITS[6]], wrong=True), day)
    reply(7, mailers.rfc2231, fill(blank[UNITS[7]], wrong=True), day)                 # wrong, then fixed
    reply(7, mailers.rfc2231, fill(blank[UNITS[7]]), day + 86400)
    reply(8, mailers.rfc2231, fill(blank[UNITS[8]]), day)                             # right, then broken
    reply(8, mailers.rfc2231, fill(blank[UNITS[8]], wrong=True), day + 86400)
    reply(9, mailers.rfc2231, fill(blank[UNITS[9]]), day, sender="someone@personal.test")   # not on the roster
    reply(10, mailers.rfc2231, fill(blank[UNITS[10]], unit=UNITS[17]), day)          # claims another unit
    reply(11, mailers.rfc2231, fill(blank[UNITS[11]]), day, msgid="<dup@units.test>")
    send_raw(world, replies[-1], EMAIL[UNITS[11]])                                     # the same message twice
    reply(12, mailers.rfc2231, b"", day)                                               # an empty file
    for i in (13, 14, 15, 16):
        reply(i, mailers.rfc2231, fill(blank[UNITS[i]]), day)
    reply(13, mailers.rfc2231, fill(blank[UNITS[13]], wrong=True), day - 200 * 86400)  # before --since
    imap.append(mailers.BROKEN)                                                        # a broken message

    # 3. collect over IMAP (STARTTLS), twice
    collect = ("collect", "--imap", imap.url, "--roster", str(world["roster"]), "-o", "收件箱", "--since", "2025-01-01")
    r = nianbao(world, *collect)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "新收到工作簿 19 份，重复 1 份" in r.stdout, r.stdout
    again = nianbao(world, *collect)
    assert "新收到工作簿 0 份" in again.stdout, again.stdout
    assert imap.seen_flags() == []            # read-only: nothing marked as read
    records = json.loads((tmp / "收件箱" / "收件记录.json").read_text(encoding="utf-8"))["records"]
    by_unit = {}
    for rec in records:
        by_unit.setdefault(rec["unit"], []).append(rec)
    assert len(by_unit[UNITS[7]]) == 2 and len(by_unit[UNITS[11]]) == 1
    assert {rec["filename"] for rec in records} >= {"喆山镇转报.xlsx", "镕城报送.xlsx", "镕城版本.xlsx"}
    assert any("不在名单中" in n for rec in by_unit[UNITS[9]] for n in rec["notes"])
    assert any("发件人属于“云溪县财政局”" in n or "但发件人属于" in n for rec in by_unit[UNITS[17]] for n in rec["notes"])

    # 4. status
    r = nianbao(world, "status", "--roster", str(world["roster"]), "收件箱")
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(tmp / "收件箱" / "报送情况.xlsx")
    state = {row[0]: row[3] for row in wb.active.iter_rows(min_row=2, values_only=True)}
    got = {}
    for i, u in enumerate(UNITS):
        got.setdefault(state[u], set()).add(i)
    assert got == EXPECTED

    # 5. feedback, sent and threaded
    before = len(smtp.received)
    r = nianbao(world, "feedback", "--roster", str(world["roster"]), "收件箱", "-o", "回复", "--from", COORD,
                "--send", "--smtp", smtp.url)
    assert r.returncode == 0 and "已发送 3 封" in r.stdout, r.stdout + r.stderr
    sent_back = {rcpt[0]: parse(content) for _, rcpt, content in smtp.received[before:]}
    assert set(sent_back) == {EMAIL[UNITS[i]] for i in (6, 8, 12)}
    newest8 = max(by_unit[UNITS[8]], key=lambda rec: rec["date"])
    m8 = sent_back[EMAIL[UNITS[8]]]
    assert m8["In-Reply-To"] == newest8["message_id"] and m8["References"] == newest8["message_id"]
    body = m8.get_payload()[0].get_payload(decode=True).decode()
    assert "【三、依申请公开 D34】" in body and "第一项加第二项之和" in body
    assert [a.filename for a in workbooks_in(m8)] == [f"校验结果-{UNITS[8]}.xlsx"]
    again = nianbao(world, "feedback", "--roster", str(world["roster"]), "收件箱", "-o", "回复", "--from", COORD,
                    "--send", "--smtp", smtp.url)
    assert "已发送 0 封，此前已发送 3 封" in again.stdout

    # 6. build the newest valid submissions
    r = nianbao(world, "build", "收件箱/最新", "-o", "年报")
    assert r.returncode == 1
    docs = sorted(p.name for p in (tmp / "年报").glob("*.docx"))
    assert len(docs) == 14 and f"{UNITS[7]}2024年政府信息公开工作年度报告.docx" in docs
    assert f"{UNITS[8]}2024年政府信息公开工作年度报告.docx" not in docs
    assert info(parse(replies[0])).sender == EMAIL[UNITS[0]]


def test_implicit_tls_and_refused_login(world, tmp_path):
    smtp = servers.Smtp(world["cert"], world["cert"].with_name("key.pem"), implicit_tls=True)
    try:
        roster = tmp_path / "r.csv"
        roster.write_text("单位名称,邮箱\n甲镇,a@units.test\n", encoding="utf-8")
        def args(out):
            return ("distribute", "--roster", str(roster), "--year", "2024", "-o", str(tmp_path / out), "--from", COORD,
                    "--send", "--smtp", smtp.url)
        env = dict(world["env"], NIANBAO_SMTP_PASSWORD="wrong")
        r = subprocess.run([sys.executable, "-m", "converter", *args("a")], capture_output=True, text=True, env=env)
        assert r.returncode == 2 and "登录" in r.stderr
        r = nianbao(world, *args("a"))
        assert r.returncode == 0 and len(smtp.received) == 1
        del env["NIANBAO_SMTP_PASSWORD"]        # no password anywhere, and no terminal to ask on
        r = subprocess.run([sys.executable, "-m", "converter", *args("b")], capture_output=True, text=True, env=env,
                           stdin=subprocess.DEVNULL)
        assert r.returncode == 2 and "NIANBAO_SMTP_PASSWORD" in r.stderr
    finally:
        smtp.stop()
