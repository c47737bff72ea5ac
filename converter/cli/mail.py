"""The mail commands (distribute, collect, status, feedback): each parser beside its handler, a thin
wrapper over converter.mail, imported only when one of them runs."""
from __future__ import annotations

import argparse
import datetime as _dt
import sys
from pathlib import Path
from typing import Any, Iterator

from converter.cli.common import UserError, add_format_option
from converter.cli.previous import add_previous_option, load_previous_option


def add_distribute(sub: Any) -> None:
    """`nianbao distribute`."""
    d = sub.add_parser("distribute", help="按名单生成并下发填报表（邮件）",
                       description="按名单为每个单位生成预填单位名称和年度的填报表，并各写一封附带填报表的通知邮件"
                                   "（默认保存为 .eml；加 --send 通过 SMTP 发送，中断后重新运行只发送未发出的）。",
                       epilog="示例：nianbao distribute --roster 名单.xlsx --year 2024 -o 发件箱/ "
                              "--from 'gkb@example.gov.cn' --send --smtp smtps://gkb@smtp.example.gov.cn:465")
    d.add_argument("--roster", required=True, metavar="名单.xlsx", help="名单（.xlsx 或 .csv）：单位名称、邮箱、联系人")
    d.add_argument("--year", required=True, type=int, metavar="YYYY", help="报告年度")
    d.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="发件箱文件夹")
    add_format_option(d)
    d.add_argument("--previous", metavar="DIR",
                   help="上一年度各单位的报告（工作簿、Word、网页、PDF 或 JSON 数据）文件夹，用于预填由上年度结转而来的申请数量")
    d.add_argument("--from", dest="sender", required=True, metavar="邮箱", help="发件人地址，如 政务公开办 <gkb@example.gov.cn>")
    d.add_argument("--org", default="", metavar="名称", help="落款（发件单位名称）")
    d.add_argument("--deadline", default="", metavar="日期", help="报送截止日期，写入通知，如 2025年1月15日")
    d.add_argument("--cover", metavar="FILE", help="通知正文模板（UTF-8 文本，首行可写“主题：…”）")
    _send_options(d)
    d.set_defaults(handler=cmd_distribute)


def add_collect(sub: Any) -> None:
    """`nianbao collect`."""
    co = sub.add_parser("collect", help="从邮箱收取各单位报送的工作簿",
                        description="从邮箱收取附件中的工作簿（含压缩包内和转发邮件中的），按工作簿内的单位名称对应名单，"
                                    "保留每个版本，以邮件日期最新的为准，写出收件记录。只读取，不删除、不移动、不标记邮件。",
                        epilog="示例：nianbao collect --imap imaps://gkb@imap.163.com/INBOX --roster 名单.xlsx "
                               "-o 收件箱/ --since 2025-01-01")
    src = co.add_mutually_exclusive_group(required=True)
    src.add_argument("--imap", metavar="URL", help="imaps://用户名@服务器/文件夹（密码见环境变量 NIANBAO_IMAP_PASSWORD）")
    src.add_argument("--mbox", metavar="FILE", help="mbox 邮箱文件")
    src.add_argument("--maildir", metavar="DIR", help="Maildir 文件夹")
    src.add_argument("--eml", metavar="DIR", help="存放 .eml 文件的文件夹")
    co.add_argument("-o", "--output", required=True, metavar="收件箱", help="收件箱文件夹")
    co.add_argument("--roster", metavar="名单.xlsx", help="名单：用于对应单位并提示名单外的发件人")
    co.add_argument("--since", metavar="YYYY-MM-DD", help="只收取此日期及以后的邮件")
    co.add_argument("--insecure", action="store_true", help="允许不加密的 IMAP 连接（仅用于本机测试）")
    co.set_defaults(handler=cmd_collect)


def add_status(sub: Any) -> None:
    """`nianbao status`."""
    stt = sub.add_parser("status", help="查看各单位报送情况",
                         description="对照名单列出：已报送并通过、有错误、无法读取、未报送的单位。",
                         epilog="示例：nianbao status --roster 名单.xlsx 收件箱/")
    stt.add_argument("--roster", required=True, metavar="名单.xlsx")
    stt.add_argument("inbox", metavar="收件箱")
    stt.add_argument("-o", "--output", metavar="FILE.xlsx", help="报送情况表（默认 收件箱/报送情况.xlsx）")
    stt.add_argument("--html", nargs="?", const="", metavar="FILE.html",
                     help="另写一页报送情况网页（默认 收件箱/报送情况.html）：各单位状态、问题、工作簿和年报链接，浏览器直接打开")
    stt.add_argument("--reports", metavar="年报/", help="nianbao build 的输出文件夹：网页中链接各单位的年报")
    add_previous_option(stt)
    stt.set_defaults(handler=cmd_status)


def add_feedback(sub: Any) -> None:
    """`nianbao feedback`."""
    fb = sub.add_parser("feedback", help="给有错误的单位写回复邮件",
                        description="对最新报送的工作簿有错误的单位，逐一写出回复邮件（列出每个问题并附校验结果），"
                                    "回复到该单位的来信（In-Reply-To）。默认保存为 .eml；加 --send 通过 SMTP 发送。",
                        epilog="示例：nianbao feedback --roster 名单.xlsx 收件箱/ -o 回复/ --from gkb@example.gov.cn")
    fb.add_argument("--roster", required=True, metavar="名单.xlsx")
    fb.add_argument("inbox", metavar="收件箱")
    fb.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="回复邮件文件夹")
    fb.add_argument("--from", dest="sender", required=True, metavar="邮箱", help="发件人地址")
    fb.add_argument("--org", default="", metavar="名称", help="落款（发件单位名称）")
    add_previous_option(fb)
    _send_options(fb)
    fb.set_defaults(handler=cmd_feedback)


def _send_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--send", action="store_true", help="通过 SMTP 发送（否则只写 .eml 文件）")
    p.add_argument("--smtp", metavar="URL", help="smtps://用户名@服务器:465 或 smtp://用户名@服务器:587"
                                                "（密码见环境变量 NIANBAO_SMTP_PASSWORD，或运行时输入）")
    p.add_argument("--insecure", action="store_true", help="允许不加密的 SMTP 连接（仅用于本机测试）")


def _roster(path: str) -> Any:
    from converter.mail.roster import RosterError, read_roster
    try:
        return read_roster(path)
    except RosterError as e:
        raise UserError("名单有误：\n  " + "\n  ".join(e.problems)) from None


def _send(messages: list[tuple[str, Any]], args: argparse.Namespace, log_path: Path) -> int:
    from converter.mail.smtp import send_all
    if not args.smtp:
        raise UserError("使用 --send 时需要 --smtp 服务器地址")
    report = send_all(messages, args.smtp, log_path, insecure=args.insecure)
    print(f"已发送 {len(report.sent)} 封" + (f"，此前已发送 {len(report.already)} 封（跳过）" if report.already else "")
          + (f"，失败 {len(report.failed)} 封" if report.failed else "") + "。")
    for key, why in report.failed.items():
        print(f"  发送失败：{key}：{why}", file=sys.stderr)
    return 1 if report.failed else 0


def cmd_distribute(args: argparse.Namespace) -> int:
    """`nianbao distribute`."""
    from converter.definition.formats import get
    from converter.mail.distribute import distribute
    roster = _roster(args.roster)
    cover = Path(args.cover).read_text(encoding="utf-8") if args.cover else None
    out = distribute(roster, get(args.format), args.year, args.output, args.sender, args.org, args.deadline,
                     cover, args.previous)
    carried = sum(o.carried_over for o in out)
    print(f"已为 {len(out)} 个单位生成填报表和通知邮件：{args.output}"
          + (f"（其中 {carried} 个预填了上年度结转的申请数量）" if args.previous else ""))
    if not args.send:
        return 0
    return _send([(o.unit, o.message) for o in out], args, Path(args.output) / "发送记录.json")


def cmd_collect(args: argparse.Namespace) -> int:
    """`nianbao collect`."""
    from converter.batch.status import Status
    from converter.mail import sources
    from converter.mail.collect import collect
    roster = _roster(args.roster) if args.roster else None
    since = None
    if args.since:
        try:
            since = _dt.date.fromisoformat(args.since)
        except ValueError:
            raise UserError(f"--since 应为 YYYY-MM-DD，实为 {args.since}") from None
    messages: Iterator[tuple[str, bytes | str]]
    if args.imap:
        messages = sources.from_imap(args.imap, since, insecure=args.insecure)
    elif args.mbox:
        messages = sources.from_mbox(args.mbox)
    elif args.maildir:
        messages = sources.from_maildir(args.maildir)
    else:
        if not Path(args.eml).is_dir():
            raise UserError(f"找不到文件夹：{args.eml}")
        messages = sources.from_eml_dir(args.eml)
    bar = None
    if sys.stderr.isatty():
        from tqdm import tqdm
        bar = tqdm(unit="封", desc="收取", file=sys.stderr)
    try:
        report = collect(messages, args.output, roster, since, progress=bar.update if bar else None)
    finally:
        if bar:
            bar.close()
    for r in report.added:
        notes = "；".join(r.notes)
        print(f"  新收到：{r.unit or '（未识别单位）'} 第 {r.version} 版 《{r.filename}》 {Status.parse(r.status).label}"
              + (f"（{notes}）" if notes else ""))
    for s in report.skipped:
        print(f"  跳过：{s['source']}：{s['reason']}", file=sys.stderr)
    for note in report.notices:
        print(f"  注意：{note}", file=sys.stderr)
    print(f"读取邮件 {report.messages} 封：新收到工作簿 {len(report.added)} 份，重复 {report.duplicates} 份，"
          f"无工作簿附件 {report.without_workbook} 封，未能处理 {len(report.skipped)} 项。收件记录：{args.output}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """`nianbao status`."""
    from converter.files import write_bytes_atomic
    from converter.mail.status import status, status_xlsx, summary
    roster = _roster(args.roster)
    if not Path(args.inbox).is_dir():
        raise UserError(f"找不到收件箱：{args.inbox}")
    notices: list[str] = []
    rows = status(roster, args.inbox, notices, load_previous_option(args, roster))
    for note in notices:
        print(f"注意：{note}", file=sys.stderr)
    width = max(len(r.unit) for r in rows) if rows else 4
    for r in rows:
        extra = f"第 {r.versions} 版，{r.last_date}" if r.versions else ""
        if r.errors:
            extra += f"，错误 {r.errors} 处"
        if not r.on_roster:
            extra += "，不在名单中"
        print(f"{r.unit}{'　' * (width - len(r.unit))}  {r.state.label}  {extra}")
    out = Path(args.output) if args.output else Path(args.inbox) / "报送情况.xlsx"
    write_bytes_atomic(out, status_xlsx(rows))
    if args.html is not None:
        from converter.mail.status_page import PAGE_NAME, status_html
        page = Path(args.html) if args.html else Path(args.inbox) / PAGE_NAME
        write_bytes_atomic(page, status_html(rows, args.inbox, page, args.reports).encode("utf-8"))
        print(f"报送情况网页：{page}")
    counts = summary(rows)
    print(f"名单共 {len([r for r in rows if r.on_roster])} 个单位：" + "，".join(f"{k} {v}" for k, v in counts.items())
          + f"。报送情况表：{out}")
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    """`nianbao feedback`."""
    from converter.mail.feedback import feedback
    roster = _roster(args.roster)
    if not Path(args.inbox).is_dir():
        raise UserError(f"找不到收件箱：{args.inbox}")
    replies = feedback(roster, args.inbox, args.output, args.sender, args.org, load_previous_option(args, roster))
    for r in replies:
        print(f"  回复 {r.unit}（{r.to}）：{r.eml}")
    print(f"共写出回复邮件 {len(replies)} 封：{args.output}")
    if not args.send or not replies:
        return 0
    return _send([(f"{r.unit}|{r.message['In-Reply-To'] or r.unit}", r.message) for r in replies], args,
                 Path(args.output) / "发送记录.json")
