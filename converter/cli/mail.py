"""The mail commands of the CLI (distribute, collect, status, feedback): thin wrappers over
converter.mail, importing it only when one of them runs."""
from __future__ import annotations

import datetime as _dt
import sys
from pathlib import Path

from converter.cli.main import UserError


def _roster(path):
    from converter.mail.roster import RosterError, read_roster
    try:
        return read_roster(path)
    except RosterError as e:
        raise UserError("名单有误：\n  " + "\n  ".join(e.problems)) from None


def _send(messages, args, log_path: Path) -> int:
    from converter.mail.passwords import NoPassword
    from converter.mail.smtp import SmtpError, send_all
    if not args.smtp:
        raise UserError("使用 --send 时需要 --smtp 服务器地址")
    try:
        report = send_all(messages, args.smtp, log_path, insecure=args.insecure)
    except (SmtpError, NoPassword) as e:
        raise UserError(str(e)) from None
    print(f"已发送 {len(report.sent)} 封" + (f"，此前已发送 {len(report.already)} 封（跳过）" if report.already else "")
          + (f"，失败 {len(report.failed)} 封" if report.failed else "") + "。")
    for key, why in report.failed.items():
        print(f"  发送失败：{key}：{why}", file=sys.stderr)
    return 1 if report.failed else 0


def cmd_distribute(args) -> int:
    from converter.definition.formats import get
    from converter.mail.distribute import distribute
    roster = _roster(args.roster)
    cover = Path(args.cover).read_text(encoding="utf-8") if args.cover else None
    out = distribute(roster, get(args.format), args.year, args.output, args.sender, args.org, args.deadline,
                     cover, args.previous)
    carried = sum(o.carried_over for o in out)
    print(f"已为 {len(out)} 个单位生成填报表和通知邮件：{args.output}"
          + (f"（其中 {carried} 个预填了上年结转）" if args.previous else ""))
    if not args.send:
        return 0
    return _send([(o.unit, o.message) for o in out], args, Path(args.output) / "发送记录.json")


def cmd_collect(args) -> int:
    from converter.mail import sources
    from converter.mail.collect import collect
    from converter.mail.passwords import NoPassword
    roster = _roster(args.roster) if args.roster else None
    since = None
    if args.since:
        try:
            since = _dt.date.fromisoformat(args.since)
        except ValueError:
            raise UserError(f"--since 应为 YYYY-MM-DD，实为 {args.since}") from None
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
    except (sources.SourceError, NoPassword) as e:
        raise UserError(str(e)) from None
    finally:
        if bar:
            bar.close()
    for r in report.added:
        notes = "；".join(r.notes)
        print(f"  新收到：{r.unit or '（未识别单位）'} 第 {r.version} 版 《{r.filename}》 {r.status}"
              + (f"（{notes}）" if notes else ""))
    for s in report.skipped:
        print(f"  跳过无法解析的邮件：{s['source']}：{s['reason']}", file=sys.stderr)
    print(f"读取邮件 {report.messages} 封：新收到工作簿 {len(report.added)} 份，重复 {report.duplicates} 份，"
          f"无工作簿附件 {report.without_workbook} 封，无法解析 {len(report.skipped)} 封。收件记录：{args.output}")
    return 0


def cmd_status(args) -> int:
    from converter.atomic import write_bytes_atomic
    from converter.mail.status import status, status_xlsx, summary
    roster = _roster(args.roster)
    if not Path(args.inbox).is_dir():
        raise UserError(f"找不到收件箱：{args.inbox}")
    rows = status(roster, args.inbox)
    width = max(len(r.unit) for r in rows) if rows else 4
    for r in rows:
        extra = f"第 {r.versions} 版，{r.last_date}" if r.versions else ""
        if r.errors:
            extra += f"，错误 {r.errors} 处"
        if not r.on_roster:
            extra += "，不在名单中"
        print(f"{r.unit}{'　' * (width - len(r.unit))}  {r.state}  {extra}")
    out = Path(args.output) if args.output else Path(args.inbox) / "报送情况.xlsx"
    write_bytes_atomic(out, status_xlsx(rows))
    counts = summary(rows)
    print(f"名单共 {len([r for r in rows if r.on_roster])} 个单位：" + "，".join(f"{k} {v}" for k, v in counts.items())
          + f"。报送情况表：{out}")
    return 0


def cmd_feedback(args) -> int:
    from converter.mail.feedback import feedback
    roster = _roster(args.roster)
    if not Path(args.inbox).is_dir():
        raise UserError(f"找不到收件箱：{args.inbox}")
    replies = feedback(roster, args.inbox, args.output, args.sender, args.org)
    for r in replies:
        print(f"  回复 {r.unit}（{r.to}）：{r.eml}")
    print(f"共写出回复邮件 {len(replies)} 封：{args.output}")
    if not args.send or not replies:
        return 0
    return _send([(f"{r.unit}|{r.message['In-Reply-To'] or r.unit}", r.message) for r in replies], args,
                 Path(args.output) / "发送记录.json")
