"""The `nianbao` command: a thin layer over the library. Each command group is a module with its
parsers beside their handlers (reports.py, mail.py). A NianbaoError becomes one Chinese line and exit
status 2; Ctrl-C and SIGTERM stop a command the same tidy way (exit status 130, 143); a closed
output pipe (… | head) ends it quietly (exit status 141, as a shell gives a command killed by SIGPIPE)."""
from __future__ import annotations

import argparse
import signal
import sys
import threading
from contextlib import contextmanager
from typing import Any, Iterator

from converter import __version__
from converter.cli import mail, reports, summary
from converter.errors import NianbaoError


def parser() -> argparse.ArgumentParser:
    """The whole command line."""
    p = argparse.ArgumentParser(
        prog="nianbao",
        description="政府信息公开工作年度报告：生成 Excel 填报模板，校验各单位报送的报告（工作簿、Word、网页、PDF），"
                    "批量生成 Word、PDF 和网页年报，汇总全地区数据。",
        epilog="示例：nianbao template -o 年报填报模板.xlsx --year 2024；nianbao build 收件箱/ -o 年报/")
    p.add_argument("--version", action="version", version=f"nianbao {__version__}")
    sub = p.add_subparsers(dest="command", metavar="命令")
    for add in (reports.add_template, reports.add_check, reports.add_build, reports.add_extract, mail.add_distribute, mail.add_collect,
                mail.add_status, mail.add_feedback, summary.add_summary, reports.add_schema):
        add(sub)
    return p


class Terminated(KeyboardInterrupt):
    """SIGTERM (a service manager stopping us, `kill`): handled exactly like Ctrl-C, so a batch stops
    the same tidy way, with what was finished in place and listed."""


def _raise_terminated(signum: int, frame: Any) -> None:
    raise Terminated()


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """While a command runs, SIGTERM raises Terminated (main thread only: signals are delivered there)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTERM"):
        yield
        return
    old = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def _stdout_gone() -> bool:
    """Whether nobody reads stdout any more (a pipe whose reader closed it); where that cannot be
    asked (Windows has no poll), a broken pipe is taken to be stdout's."""
    import select
    if not hasattr(select, "poll"):
        return True
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(ev & (select.POLLERR | select.POLLHUP) for _, ev in poller.poll(0))
    except (OSError, ValueError, AttributeError):
        return True


def _discard_stdout() -> None:
    """Point stdout at the null device, so that what is still buffered does not fail again at exit."""
    import os
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):     # no real stdout (embedded, captured): nothing to do
        pass


def safe_streams() -> None:
    """Make stdout and stderr unable to fail on a character: a Windows console redirected to a file
    writes in the ANSI code page (GBK), which has no emoji nor CJK Extension B characters, and
    LANG=C gives ASCII. Such characters are written as escapes (\\U00020bb7), visibly, never raised."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):     # a stream already in use in a way that forbids it
                pass


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit status."""
    safe_streams()
    p = parser()
    args = p.parse_args(argv)
    if args.command is None:
        p.print_help()
        return 2
    try:
        with _terminate_as_interrupt():
            status = int(args.handler(args))
            sys.stdout.flush()       # a reader gone away is then met here, not at the interpreter's exit
            return status
    except BrokenPipeError as e:
        if not _stdout_gone():
            print(f"错误：{e.strerror or e}：{e.filename or ''}", file=sys.stderr)
            return 2
        # whoever read our output stopped reading (nianbao check … | head): stop quietly, as other
        # command-line tools do, with the status a shell gives a command killed by SIGPIPE
        _discard_stdout()
        return 141
    except KeyboardInterrupt as e:
        print("已中断。" if not isinstance(e, Terminated) else "已中断（收到终止信号）。", file=sys.stderr)
        return 143 if isinstance(e, Terminated) else 130
    except NianbaoError as e:
        print(f"错误：{e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"错误：{e.strerror or e}：{e.filename or ''}", file=sys.stderr)
        return 2
