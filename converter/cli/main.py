"""The `nianbao` command: a thin layer over the library. Each subcommand calls one library function
of the same name and prints its result. Heavy modules are imported inside the commands, so
`nianbao --help` answers at once."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from converter import __version__

FORMAT_IDS = ("2021", "2019")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="nianbao",
        description="政府信息公开工作年度报告：生成 Excel 填报模板，校验各单位报送的工作簿，批量转换为 Word 年报。",
        epilog="示例：nianbao template -o 年报填报模板.xlsx --year 2024；nianbao build 收件箱/ -o 年报/")
    p.add_argument("--version", action="version", version=f"nianbao {__version__}")
    sub = p.add_subparsers(dest="command", metavar="命令")

    t = sub.add_parser("template", help="生成 Excel 填报模板",
                       description="生成标准 Excel 填报模板（每部分一个工作表，带公式、校验和填写提示）。",
                       epilog="示例：nianbao template -o 年报填报模板.xlsx --year 2024 --unit 南岭镇人民政府")
    t.add_argument("-o", "--output", required=True, metavar="FILE.xlsx", help="输出的模板文件")
    t.add_argument("--format", choices=FORMAT_IDS, default="2021",
                   help="报告格式：2021（现行，国办公开办函〔2021〕30号，默认）或 2019（试行）")
    t.add_argument("--unit", metavar="名称", help="预先填写的单位名称")
    t.add_argument("--year", type=int, metavar="YYYY", help="预先填写的报告年度")

    c = sub.add_parser("check", help="校验填好的工作簿",
                       description="校验工作簿：数据完整性、格式、勾稽关系。有错误时退出码为 1。",
                       epilog="示例：nianbao check 收件箱/ ；nianbao check 南岭镇.xlsx --json")
    c.add_argument("paths", nargs="+", metavar="PATH", help="工作簿文件或文件夹")
    c.add_argument("--json", action="store_true", help="以 JSON 列表输出全部问题")
    c.add_argument("--jobs", type=int, default=0, metavar="N", help="并行进程数（默认按 CPU 核数自动选择）")

    b = sub.add_parser("build", help="批量转换为 Word 年报",
                       description="校验并批量转换：每个通过校验的工作簿生成一份 Word 年报，"
                                   "并在输出文件夹写出 校验结果.xlsx。有未转换的文件时退出码为 1。",
                       epilog="示例：nianbao build 收件箱/ -o 年报/ --jobs 2")
    b.add_argument("inputs", nargs="+", metavar="INPUT", help="工作簿文件或文件夹")
    b.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="输出文件夹")
    b.add_argument("--jobs", type=int, default=0, metavar="N", help="并行进程数（默认按 CPU 核数自动选择）")
    b.add_argument("--quiet", action="store_true", help="不显示进度条和逐个文件的结果")

    d = sub.add_parser("distribute", help="按名单生成并下发填报表（邮件）",
                       description="按名单为每个单位生成预填单位名称和年度的填报表，并各写一封附带填报表的通知邮件"
                                   "（默认保存为 .eml；加 --send 通过 SMTP 发送，中断后重新运行只发送未发出的）。",
                       epilog="示例：nianbao distribute --roster 名单.xlsx --year 2024 -o 发件箱/ "
                              "--from 'gkb@example.gov.cn' --send --smtp smtps://gkb@smtp.example.gov.cn:465")
    d.add_argument("--roster", required=True, metavar="名单.xlsx", help="名单（.xlsx 或 .csv）：单位名称、邮箱、联系人")
    d.add_argument("--year", required=True, type=int, metavar="YYYY", help="报告年度")
    d.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="发件箱文件夹")
    d.add_argument("--format", choices=FORMAT_IDS, default="2021", help="报告格式（默认 2021）")
    d.add_argument("--previous", metavar="DIR", help="上一年度各单位的工作簿，用于预填“上年结转”")
    d.add_argument("--from", dest="sender", required=True, metavar="邮箱", help="发件人地址，如 政务公开办 <gkb@example.gov.cn>")
    d.add_argument("--org", default="", metavar="名称", help="落款（发件单位名称）")
    d.add_argument("--deadline", default="", metavar="日期", help="报送截止日期，写入通知，如 2025年1月15日")
    d.add_argument("--cover", metavar="FILE", help="通知正文模板（UTF-8 文本，首行可写“主题：…”）")
    _mail_send_options(d)

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

    stt = sub.add_parser("status", help="查看各单位报送情况",
                         description="对照名单列出：已报送并通过、有错误、无法读取、未报送的单位。",
                         epilog="示例：nianbao status --roster 名单.xlsx 收件箱/")
    stt.add_argument("--roster", required=True, metavar="名单.xlsx")
    stt.add_argument("inbox", metavar="收件箱")
    stt.add_argument("-o", "--output", metavar="FILE.xlsx", help="报送情况表（默认 收件箱/报送情况.xlsx）")

    fb = sub.add_parser("feedback", help="给有错误的单位写回复邮件",
                        description="对最新报送的工作簿有错误的单位，逐一写出回复邮件（列出每个问题并附校验结果），"
                                    "回复到该单位的来信（In-Reply-To）。默认保存为 .eml；加 --send 通过 SMTP 发送。",
                        epilog="示例：nianbao feedback --roster 名单.xlsx 收件箱/ -o 回复/ --from gkb@example.gov.cn")
    fb.add_argument("--roster", required=True, metavar="名单.xlsx")
    fb.add_argument("inbox", metavar="收件箱")
    fb.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="回复邮件文件夹")
    fb.add_argument("--from", dest="sender", required=True, metavar="邮箱", help="发件人地址")
    fb.add_argument("--org", default="", metavar="名称", help="落款（发件单位名称）")
    _mail_send_options(fb)

    s = sub.add_parser("schema", help="输出报告数据的 JSON Schema",
                       description="输出某一格式报告数据的 JSON Schema（draft 2020-12）。",
                       epilog="示例：nianbao schema --format 2019")
    s.add_argument("--format", choices=FORMAT_IDS, default="2021")
    return p


def _mail_send_options(p) -> None:
    p.add_argument("--send", action="store_true", help="通过 SMTP 发送（否则只写 .eml 文件）")
    p.add_argument("--smtp", metavar="URL", help="smtps://用户名@服务器:465 或 smtp://用户名@服务器:587"
                                                "（密码见环境变量 NIANBAO_SMTP_PASSWORD，或运行时输入）")
    p.add_argument("--insecure", action="store_true", help="允许不加密的 SMTP 连接（仅用于本机测试）")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help()
        return 2
    try:
        from converter.cli import mail as mail_cli
        commands = {"template": cmd_template, "check": cmd_check, "build": cmd_build, "schema": cmd_schema,
                    "distribute": mail_cli.cmd_distribute, "collect": mail_cli.cmd_collect,
                    "status": mail_cli.cmd_status, "feedback": mail_cli.cmd_feedback}
        return commands[args.command](args)
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except UserError as e:
        print(f"错误：{e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"错误：{e.strerror or e}：{e.filename or ''}", file=sys.stderr)
        return 2


class UserError(Exception):
    """A problem the user can fix (bad roster, unreachable mailbox, no password): one line, exit 2."""


def cmd_template(args) -> int:
    from converter.definition.formats import get
    from converter.template.workbook import write_template
    write_template(args.output, get(args.format), unit=args.unit, year=args.year)
    print(f"已生成填报模板：{args.output}（{get(args.format).name}）")
    return 0


def _missing(paths) -> list[str]:
    return [p for p in paths if not Path(p).exists()]


def cmd_check(args) -> int:
    from converter.batch.pipeline import check_files
    missing = _missing(args.paths)
    if missing:
        print("错误：找不到 " + "、".join(missing), file=sys.stderr)
        return 2
    progress = sys.stderr.isatty() and not args.json
    if args.json:
        stream = _JsonList(sys.stdout)
        report = check_files(args.paths, jobs=args.jobs, on_task=stream.add, keep_tasks=False)
        stream.close()
    else:
        report = check_files(args.paths, jobs=args.jobs, progress=progress,
                             on_task=lambda t: _print_task(t, show_ok=True, bar=progress), keep_tasks=False)
        _print_summary(report)
    return 0 if report.valid else 1


class _JsonList:
    """The findings as one JSON list, written as each file completes."""

    def __init__(self, out):
        self.out = out
        self.first = True
        out.write("[")

    def add(self, task) -> None:
        for f in task.findings:
            self.out.write(("\n " if self.first else ",\n ") + json.dumps(f.to_dict(), ensure_ascii=False))
            self.first = False

    def close(self) -> None:
        self.out.write("\n]\n")


def cmd_build(args) -> int:
    from converter.batch.pipeline import CHECK_REPORT_NAME, build
    missing = _missing(args.inputs)
    if missing:
        print("错误：找不到 " + "、".join(missing), file=sys.stderr)
        return 2
    progress = sys.stderr.isatty() and not args.quiet
    show = None if args.quiet else (lambda t: _print_task(t, show_ok=False, bar=progress))
    report = build(args.inputs, args.output, jobs=args.jobs, progress=progress, on_task=show, keep_tasks=False)
    _print_summary(report)
    written = os.path.basename(report.check_report)
    if written != CHECK_REPORT_NAME:
        print(f"提示：{CHECK_REPORT_NAME} 无法覆盖（可能正在 Excel 或 WPS 中打开），本次校验结果另存为 {written}",
              file=sys.stderr)
    print(f"Word 年报和 {written} 已写入：{args.output}")
    return 0 if report.valid else 1


def cmd_schema(args) -> int:
    from converter.definition.formats import get
    from converter.definition.schema import build_schema
    json.dump(build_schema(get(args.format)), sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


def _print_task(t, show_ok: bool, bar: bool) -> None:
    """One file's result, printed as it completes (above the progress bar when there is one)."""
    from converter.batch.pipeline import STATUS_ZH
    from converter.checks.findings import SEVERITY_ZH
    if not t.findings and not show_ok:
        return
    who = f"（{t.unit}{t.year or ''}）" if t.unit else ""
    lines = [f"{t.file}{who}：{STATUS_ZH[t.status]}"]
    lines += [f"  {SEVERITY_ZH[f.severity]}  {f.location or '-'}  {f.message}  [{f.code}]" for f in t.findings]
    if bar:
        from tqdm import tqdm
        tqdm.write("\n".join(lines), file=sys.stdout)
    else:
        print("\n".join(lines))


def _print_summary(report) -> None:
    s = report.stats
    done = f"已转换 {s['converted']}，" if s["converted"] else (f"校验通过 {s['checked']}，" if s["checked"] else "")
    failed = f"，处理出错 {s['failed']}" if s["failed"] else ""
    print(f"共 {s['files']} 个文件：{done}未通过校验 {s['rejected']}，无法读取 {s['unreadable']}{failed}；"
          f"错误 {s['errors']} 处，提示 {s['warnings']} 处。")
