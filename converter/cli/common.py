"""What the command groups share: the error a user can fix, shared options, and how a batch's results
are printed (one file's result as it completes, the summary at the end)."""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from typing import Any, TextIO

from converter.batch.status import Status
from converter.checks.findings import SEVERITY_ZH
from converter.definition import formats
from converter.errors import NianbaoError


class UserError(NianbaoError):
    """A problem with the command line itself (a missing file, a bad date): one line, exit 2."""


def add_format_option(p: argparse.ArgumentParser) -> None:
    """--format, its choices and default from the format registry."""
    p.add_argument("--format", choices=formats.ids(), default=formats.default().id,
                   help="报告格式：" + formats.describe_choices())


def add_jobs_option(p: argparse.ArgumentParser) -> None:
    """--jobs N."""
    p.add_argument("--jobs", type=int, default=0, metavar="N", help="并行进程数（默认按 CPU 核数自动选择）")


def require_existing(paths: list[str]) -> None:
    """UserError naming every path that does not exist."""
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        raise UserError("找不到 " + "、".join(missing))


class Utf8Out:
    """Standard output as UTF-8 bytes, whatever the console's encoding: JSON is UTF-8 (RFC 8259), and
    a Windows console redirected to a file would otherwise write it in GBK. Text already written to
    sys.stdout is flushed first, so the two never interleave out of order."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stdout

    def write(self, text: str) -> int:
        """Write text as UTF-8 (a lone surrogate, from a file name that is not UTF-8, as an escape)."""
        buffer = getattr(self.stream, "buffer", None)
        if buffer is None:          # a text-only stream (an IDE's console): it takes str
            return self.stream.write(text)
        self.stream.flush()
        buffer.write(text.encode("utf-8", "backslashreplace"))
        buffer.flush()
        return len(text)

    def flush(self) -> None:
        """Nothing is held back."""
        self.stream.flush()


class JsonList:
    """The findings as one JSON list, written as each file completes (UTF-8 bytes: see Utf8Out)."""

    def __init__(self, out: TextIO | Utf8Out | None = None):
        self.out = out or Utf8Out()
        self.first = True
        self.out.write("[")

    def add(self, task: Any) -> None:
        """Write a task's findings."""
        self.add_findings(task.findings)

    def add_findings(self, findings: Any) -> None:
        """Write findings."""
        for f in findings:
            self.out.write(("\n " if self.first else ",\n ") + json.dumps(f.to_dict(), ensure_ascii=False))
            self.first = False

    def close(self) -> None:
        """End the list."""
        self.out.write("\n]\n")


_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")


def shown(text: str) -> str:
    """Text from a file or a workbook as printed: bidi controls (U+202E…), which would reorder the
    line on screen and disguise a name, as visible escapes."""
    return _BIDI.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def print_task(t: Any, show_ok: bool, bar: bool) -> None:
    """One file's result, printed as it completes (above the progress bar when there is one)."""
    if not t.findings and not show_ok:
        return
    who = f"（{shown(t.unit)}{t.year or ''}）" if t.unit else ""
    lines = [f"{shown(t.file)}{who}：{Status(t.status).label}"]
    lines += [f"  {SEVERITY_ZH[f.severity]}  {f.location or '-'}  {shown(f.message)}  [{f.code}]" for f in t.findings]
    if bar:
        from tqdm import tqdm
        tqdm.write("\n".join(lines), file=sys.stdout)
    else:
        print("\n".join(lines))


def print_summary(report: Any) -> None:
    """The batch's counts in one line."""
    s = report.stats
    shown = [st for st in Status if st is not Status.MISSING
             and (s[st.value] or st in (Status.REJECTED, Status.UNREADABLE))]
    counts = "，".join(f"{st.label} {s[st.value]}" for st in shown)
    print(f"共 {s['files']} 个文件：{counts}；错误 {s['errors']} 处，提示 {s['warnings']} 处。")
