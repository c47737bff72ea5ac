"""`--previous PATH...`: last year's reports, for the checks across years (check, build, status, feedback)."""
from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from converter.cli.common import require_existing

_DUPLICATES_SHOWN = 5


def add_previous_option(p: argparse.ArgumentParser) -> None:
    """Add --previous PATH... to a command."""
    p.add_argument("--previous", nargs="+", metavar="PATH",
                   help="上一年度的报告（工作簿、Word、网页、PDF，或 nianbao extract 生成的 JSON）文件或文件夹（可含多个年度）："
                        "按单位名称（有名单时按单位代码）对应，核对上年结转、现行有效件数、与上年重复的数字和文字")


def load_previous_option(args: argparse.Namespace, roster: Any = None, listed_in: str = "") -> Any:
    """Last year's reports named by --previous (None without it); says on stderr how many were read
    and which could not be used (the copies of a report, when many, in part: `listed_in` says where
    they are all listed). A roster's 单位代码 match units across years."""
    if not getattr(args, "previous", None):
        return None
    from converter.batch.previous import load_previous
    require_existing(args.previous)
    codes = {u.name: u.code for u in roster.units} if roster is not None else None
    prev = load_previous(args.previous, codes, jobs=getattr(args, "jobs", 0))
    years = prev.years()
    duplicates = [f for f in prev.findings if f.code == "PREV_DUPLICATE"]
    unusable = [f for f in prev.findings if f.code != "PREV_DUPLICATE"]
    notes = [f"{'、'.join(map(str, years))} 年度，每份报告与本单位上一年度的报告核对"] if len(years) > 1 else []
    if prev.cached:
        notes.append(f"{prev.cached} 个文件自上次读取后未改动，沿用上次读取的结果")
    if prev.copies:
        notes.append(f"另有同名的 .pdf、.html 等其他版本 {len(prev.copies)} 个，未重复读取")
    if prev.own_files:
        names = "、".join(dict.fromkeys(os.path.basename(p) for p in prev.own_files))
        notes.append(f"nianbao 生成的 {names} 不是报告，未读取")
    print(f"上年报告：读取 {len(prev)} 个单位" + (f"的 {len(prev.reports())} 份报告" if len(years) > 1 else "")
          + (f"（{'；'.join(notes)}）" if notes else "")
          + (f"，{len(unusable)} 个文件无法使用" if unusable else "")
          + (f"，{len(duplicates)} 个文件与同一单位的另一份报告重复，未使用" if duplicates else ""),
          file=sys.stderr)
    for f in unusable:
        print(f"  {f.message}", file=sys.stderr)
    # the copies (a report as .docx and as .pdf, say) matter less than files that could not be read,
    # and a folder of them would bury those: a few, and the count
    for f in duplicates[:_DUPLICATES_SHOWN]:
        print(f"  {f.message}", file=sys.stderr)
    if len(duplicates) > _DUPLICATES_SHOWN:
        print(f"  ……另有 {len(duplicates) - _DUPLICATES_SHOWN} 个重复的报告未使用{listed_in}", file=sys.stderr)
    return prev
