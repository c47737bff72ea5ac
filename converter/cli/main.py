"""The `nianbao` command: a thin layer over the library. Each command group is a module with its
parsers beside their handlers (reports.py, mail.py). A NianbaoError becomes one Chinese line and exit
status 2."""
from __future__ import annotations

import argparse
import sys

from converter import __version__
from converter.cli import mail, reports, summary
from converter.errors import NianbaoError


def parser() -> argparse.ArgumentParser:
    """The whole command line."""
    p = argparse.ArgumentParser(
        prog="nianbao",
        description="政府信息公开工作年度报告：生成 Excel 填报模板，校验各单位报送的工作簿，批量转换为 Word 年报。",
        epilog="示例：nianbao template -o 年报填报模板.xlsx --year 2024；nianbao build 收件箱/ -o 年报/")
    p.add_argument("--version", action="version", version=f"nianbao {__version__}")
    sub = p.add_subparsers(dest="command", metavar="命令")
    for add in (reports.add_template, reports.add_check, reports.add_build, reports.add_extract, mail.add_distribute, mail.add_collect,
                mail.add_status, mail.add_feedback, summary.add_summary, reports.add_schema):
        add(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit status."""
    p = parser()
    args = p.parse_args(argv)
    if args.command is None:
        p.print_help()
        return 2
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except NianbaoError as e:
        print(f"错误：{e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"错误：{e.strerror or e}：{e.filename or ''}", file=sys.stderr)
        return 2
