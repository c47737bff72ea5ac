"""`--previous PATH...`: last year's reports, for the checks across years (check, build, status, feedback)."""
from __future__ import annotations

import argparse
import sys
from typing import Any

from converter.cli.common import require_existing


def add_previous_option(p: argparse.ArgumentParser) -> None:
    """Add --previous PATH... to a command."""
    p.add_argument("--previous", nargs="+", metavar="PATH",
                   help="上一年度的报告（工作簿、Word、网页、PDF，或 nianbao extract 生成的 JSON）文件或文件夹："
                        "按单位名称（有名单时按单位代码）对应，核对上年结转、现行有效件数、与上年重复的数字和文字")


def load_previous_option(args: argparse.Namespace, roster: Any = None) -> Any:
    """Last year's reports named by --previous (None without it); says on stderr how many were read
    and which could not be used. A roster's 单位代码 match units across years."""
    if not getattr(args, "previous", None):
        return None
    from converter.batch.previous import load_previous
    require_existing(args.previous)
    codes = {u.name: u.code for u in roster.units} if roster is not None else None
    prev = load_previous(args.previous, codes, jobs=getattr(args, "jobs", 0))
    print(f"上年报告：读取 {len(prev)} 个单位"
          + (f"（{prev.cached} 个文件自上次读取后未改动，沿用上次读取的结果）" if prev.cached else "")
          + (f"，{len(prev.findings)} 个文件无法使用" if prev.findings else ""), file=sys.stderr)
    for f in prev.findings:
        print(f"  {f.message}", file=sys.stderr)
    return prev
