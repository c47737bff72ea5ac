"""The `nianbao` command: a thin layer over the library. Each subcommand calls one library function
of the same name and prints its result. Heavy modules are imported inside the commands, so
`nianbao --help` answers at once."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__

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
    c.add_argument("--jobs", type=int, default=1, metavar="N", help="并行进程数（默认 1）")

    b = sub.add_parser("build", help="批量转换为 Word 年报",
                       description="校验并批量转换：每个通过校验的工作簿生成一份 Word 年报，"
                                   "并在输出文件夹写出 校验结果.xlsx。有未转换的文件时退出码为 1。",
                       epilog="示例：nianbao build 收件箱/ -o 年报/ --jobs 2")
    b.add_argument("inputs", nargs="+", metavar="INPUT", help="工作簿文件或文件夹")
    b.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="输出文件夹")
    b.add_argument("--jobs", type=int, default=1, metavar="N", help="并行进程数（默认 1）")
    b.add_argument("--quiet", action="store_true", help="不显示进度条和逐个文件的结果")

    s = sub.add_parser("schema", help="输出报告数据的 JSON Schema",
                       description="输出某一格式报告数据的 JSON Schema（draft 2020-12）。",
                       epilog="示例：nianbao schema --format 2019")
    s.add_argument("--format", choices=FORMAT_IDS, default="2021")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help()
        return 2
    try:
        return {"template": cmd_template, "check": cmd_check, "build": cmd_build, "schema": cmd_schema}[
            args.command](args)
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except OSError as e:
        print(f"错误：{e.strerror or e}：{e.filename or ''}", file=sys.stderr)
        return 2


def cmd_template(args) -> int:
    from .formats import get
    from .template import write_template
    write_template(args.output, get(args.format), unit=args.unit, year=args.year)
    print(f"已生成填报模板：{args.output}（{get(args.format).name}）")
    return 0


def _missing(paths) -> list[str]:
    return [p for p in paths if not Path(p).exists()]


def cmd_check(args) -> int:
    from .batch import check_files
    missing = _missing(args.paths)
    if missing:
        print("错误：找不到 " + "、".join(missing), file=sys.stderr)
        return 2
    report = check_files(args.paths, jobs=args.jobs, progress=sys.stderr.isatty() and not args.json)
    if args.json:
        json.dump([f.to_dict() for f in report.findings()], sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        _print_tasks(report, show_ok=True)
        _print_summary(report)
    return 0 if report.valid else 1


def cmd_build(args) -> int:
    from .batch import CHECK_REPORT_NAME, build
    missing = _missing(args.inputs)
    if missing:
        print("错误：找不到 " + "、".join(missing), file=sys.stderr)
        return 2
    report = build(args.inputs, args.output, jobs=max(1, args.jobs),
                   progress=sys.stderr.isatty() and not args.quiet)
    if not args.quiet:
        _print_tasks(report, show_ok=False)
    _print_summary(report)
    print(f"Word 年报和 {CHECK_REPORT_NAME} 已写入：{args.output}")
    return 0 if report.valid else 1


def cmd_schema(args) -> int:
    from .formats import get
    from .schema import build_schema
    json.dump(build_schema(get(args.format)), sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


def _print_tasks(report, show_ok: bool) -> None:
    from .batch import STATUS_ZH
    from .findings import SEVERITY_ZH
    for t in report.tasks:
        if not t.findings and not show_ok:
            continue
        who = f"（{t.unit}{t.year or ''}）" if t.unit else ""
        print(f"{t.file}{who}：{STATUS_ZH[t.status]}")
        for f in t.findings:
            where = f.location or "-"
            print(f"  {SEVERITY_ZH[f.severity]}  {where}  {f.message}  [{f.code}]")


def _print_summary(report) -> None:
    s = report.stats
    done = f"已转换 {s['converted']}，" if s["converted"] else (f"校验通过 {s['checked']}，" if s["checked"] else "")
    failed = f"，处理出错 {s['failed']}" if s["failed"] else ""
    print(f"共 {s['files']} 个文件：{done}未通过校验 {s['rejected']}，无法读取 {s['unreadable']}{failed}；"
          f"错误 {s['errors']} 处，提示 {s['warnings']} 处。")
