"""The email round trip on this machine alone: `make mail-demo`.

Starts an SMTP server (aiosmtpd, STARTTLS + login) and an IMAP server (pymap, STARTTLS) on 127.0.0.1,
then runs the real commands one by one — distribute, (units reply), collect, status, feedback, build —
printing each command and what it said. Everything is written under out/mail-demo/."""
from __future__ import annotations

import os
import shlex
import shutil
import smtplib
import ssl
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import clerk  # noqa: E402  (the tests' clerk, who fills workbooks)
import mailers  # noqa: E402  (the tests' byte-exact message builders)
import servers  # noqa: E402  (the tests' loopback servers)

COORD = "gkb@yunxi.test"
UNITS = [("喆山镇人民政府", "zs@units.test", "王芳"), ("镕城街道办事处", "rc@units.test", "李强"),
         ("云溪县教育局", "jy@units.test", "陈静"), ("云溪县民政局", "mz@units.test", "赵敏"),
         ("云溪县水利局", "sl@units.test", "刘洋"), ("云溪县审计局", "sj@units.test", "周婷")]


def main() -> int:
    work = ROOT / "out" / "mail-demo"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    cert, key = servers.make_cert(work)
    imap = servers.Imap(cert, key, work / "imap.log")
    smtp = servers.Smtp(cert, key, deliver=lambda raw, rcpt: imap.append(raw) if COORD in rcpt else None)
    env = dict(os.environ, SSL_CERT_FILE=str(cert), NIANBAO_SMTP_PASSWORD=servers.PASSWORD,
               NIANBAO_IMAP_PASSWORD=servers.PASSWORD)
    try:
        (work / "名单.csv").write_text("单位名称,邮箱,联系人\n" + "".join(f"{u},{e},{c}\n" for u, e, c in UNITS),
                                     encoding="utf-8")

        def run(*args):
            print(f"\n$ nianbao {' '.join(shlex.quote(a) for a in args)}", flush=True)
            r = subprocess.run([sys.executable, "-m", "converter", *args], cwd=work, env=env, text=True,
                               capture_output=True)
            print((r.stdout + r.stderr).rstrip())
            return r

        print(f"SMTP {smtp.url}   IMAP {imap.url}   (loopback, STARTTLS, self-signed certificate)")
        run("distribute", "--roster", "名单.csv", "--year", "2024", "-o", "发件箱", "--from", f"政务公开办 <{COORD}>",
            "--org", "云溪县政务公开办", "--send", "--smtp", smtp.url)

        print("\n… the units fill in the workbooks they received and reply (two units stay silent) …")
        sent = {rcpt[0]: content for _, rcpt, content in smtp.received}
        from converter.mail.attachments import parse, workbooks_in
        blank = {e: workbooks_in(parse(sent[e]))[0].data for _, e, _ in UNITS}
        day = 1736899200
        replies = [
            (mailers.gb2312_label, "zs@units.test", "喆山镇年报.xlsx", _fill(blank["zs@units.test"]), day),
            (mailers.raw_gbk, "rc@units.test", "镕城街道年报.xlsx", _fill(blank["rc@units.test"]), day),
            (mailers.rfc2231, "jy@units.test", "教育局.xlsx", _fill(blank["jy@units.test"], wrong=True), day),
            (mailers.rfc2231, "mz@units.test", "民政局.xlsx", _fill(blank["mz@units.test"], wrong=True), day),
            (mailers.rfc2047_in_quotes, "mz@units.test", "民政局（修改后）.xlsx", _fill(blank["mz@units.test"]),
             day + 86400),
        ]
        ctx = ssl.create_default_context(cafile=str(cert))
        for i, (build, sender, name, data, date) in enumerate(replies):
            raw = build(name, data, sender=sender, to=COORD, date=date, msgid=f"<reply{i}@units.test>")
            with smtplib.SMTP("127.0.0.1", smtp.port) as s:
                s.starttls(context=ctx)
                s.login(servers.USER, servers.PASSWORD)
                s.sendmail(sender, [COORD], raw)
            print(f"  {sender} → {COORD}: 《{name}》")

        run("collect", "--imap", imap.url, "--roster", "名单.csv", "-o", "收件箱")
        run("status", "--roster", "名单.csv", "收件箱")
        run("feedback", "--roster", "名单.csv", "收件箱", "-o", "回复", "--from", COORD, "--send", "--smtp", smtp.url)
        run("build", "收件箱/最新", "-o", "年报", "--quiet")
        print(f"\nEverything is in {work}")
    finally:
        smtp.stop()
        imap.stop()
    return 0


def _fill(blob: bytes, wrong: bool = False) -> bytes:
    """Three applications, two granted; the wrong one forgets to balance the carry-over."""
    return clerk.fill_by_names(blob, {("tables", "p3", "new", "natural"): 3, ("tables", "p3", "granted", "natural"): 2,
                                      ("tables", "p3", "carryover", "natural"): 1}, wrong=wrong)


if __name__ == "__main__":
    sys.exit(main())
