"""Where a batch's reports go: each gets its final name (the report's title), two reports of one unit
never overwrite each other, and a report whose content did not change is left as it is."""
from __future__ import annotations

import errno
import os
import sys

from converter.batch.report import Task
from converter.batch.status import Status
from converter.checks.findings import make
from converter.definition.formats import get as get_format
from converter.files import (
    NAME_BYTES,
    PATH_CHARS,
    clean_name,
    cut_bytes,
    fit_path,
    name_key,
    readable,
    safe_filename,
    temp_owner,
    write_bytes_atomic,
)

RESULTS_NAME = "校验结果.xlsx"
# What may follow a report's name: a number for a second report of a unit (（12345）) and the longest
# suffix (-正文.html).
SUFFIX_ROOM = "（12345）-正文.html"


def output_name(unit: str, year: int | None, format_id: str | None, folder: str | None = None) -> str:
    """A report's file name (without extension): its title, made safe for any file system. A long
    unit name is cut (by UTF-8 bytes, to the file system's 255) so that the year and the rest of
    the title stay; given the output `folder`, also so that the whole path stays within Windows'
    260 characters."""
    fmt = get_format(format_id) if format_id else None
    before, after = "", ""
    if fmt is not None and year:
        before, _, after = fmt.report_title("\0", year).partition("\0")
    unit = cut_bytes(clean_name(unit) or "未命名单位", NAME_BYTES - len((before + after + SUFFIX_ROOM).encode("utf-8")))
    if folder is not None:
        unit = fit_path(folder, unit, before + after + SUFFIX_ROOM, fallback="未命名单位")
    return safe_filename(before + unit + after, fallback="未命名单位")


def remove_leftovers(outdir: str) -> None:
    """Temporary files of unfinished work (an interrupted run), and only those: a temporary file's name
    carries the pid of the process writing it (files._open_temp), and a file of a process that is still
    running (another build into the same folder) is its file in flight, left alone. Streamed: pathlib's
    glob would first list the whole folder, tens of thousands of reports, in memory."""
    with os.scandir(outdir) as entries:
        for e in entries:
            pid = temp_owner(e.name)
            if pid is None or (pid != os.getpid() and process_running(pid)):
                continue
            try:
                os.unlink(e.path)
            except FileNotFoundError:
                pass
            except PermissionError:      # Windows: a file another process holds open cannot be removed
                pass


def process_running(pid: int) -> bool:
    """Whether a process with this pid is running now (a pid reused by another program counts as
    running: its file is then kept, which is the safe way to be wrong)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        return _windows_process_running(pid)
    try:
        os.kill(pid, 0)           # signal 0: nothing is sent, only whether the process exists
    except ProcessLookupError:
        return False
    except OSError:               # PermissionError: it exists, under another user
        return True
    return True


def _windows_process_running(pid: int) -> bool:
    # os.kill(pid, 0) would terminate the process on Windows: ask the kernel instead
    import ctypes
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)     # type: ignore[attr-defined,unused-ignore]
    kernel32.OpenProcess.restype = ctypes.c_void_p        # a handle is pointer-sized, not an int
    kernel32.OpenProcess.argtypes = (ctypes.c_ulong, ctypes.c_int, ctypes.c_ulong)
    kernel32.GetExitCodeProcess.argtypes = (ctypes.c_void_p, ctypes.POINTER(ctypes.c_ulong))
    kernel32.CloseHandle.argtypes = (ctypes.c_void_p,)
    handle = kernel32.OpenProcess(0x1000, False, pid)     # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        denied = ctypes.get_last_error() == 5     # type: ignore[attr-defined,unused-ignore]
        return bool(denied)                       # access denied: it exists, under another user
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == 259         # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


class Placer:
    """Gives each document its final name; two reports of one unit and year never overwrite each other:
    the later one gets （2）, （3）… and a DUPLICATE_UNIT warning naming the first.

    Tasks arrive in the order of `paths`. The registry of names taken keeps only a hash of each name
    and the position of its input: a province's batch would otherwise hold every name twice."""

    def __init__(self, outdir: str, paths: list[str]):
        self.outdir = str(outdir)
        self.paths = paths
        self.position = -1
        # hash of an output name -> position of the input that has it (64-bit: a false match among
        # 100,000 names has odds of about 1 in 3 billion)
        self.taken: dict[int, int] = {}

    def place(self, t: Task) -> None:
        """Write a task's documents under their final name (or record why one could not be written)."""
        self.position += 1
        if not t.documents:
            return
        base = output_name(t.unit or os.path.splitext(os.path.basename(t.file))[0], t.year, t.format_id,
                           folder=self.outdir)
        # names one file system would take for one file (ABC局 and abc局, NFC and NFD) are one name
        name, n = base, 1
        while hash(name_key(name)) in self.taken:
            n += 1
            name = f"{base}（{n}）"
        if n > 1:
            first = self.paths[self.taken[hash(name_key(base))]]
            t.findings.append(make("DUPLICATE_UNIT", detail=readable(os.path.basename(first))).with_file(t.file))
        self.taken[hash(name_key(name))] = self.position
        documents, t.documents = t.documents, None
        t.outputs = []
        for suffix, content in documents.items():
            final = os.path.join(self.outdir, name + suffix)
            try:
                if not _same_content(final, content):
                    write_bytes_atomic(final, content, make_dirs=False)
            except OSError as e:   # e.g. the old report is open in Word (Windows locks it): this file only
                t.findings.append(make("OUTPUT_FAILED", detail=name + suffix, actual=_reason(e, final)).with_file(t.file))
                t.status = Status.FAILED
                continue
            t.outputs.append(final)
            if suffix == ".docx":
                t.output = final


def _reason(e: OSError, path: str = "") -> str:
    if e.errno == errno.ENAMETOOLONG:
        return "文件名或路径过长，请换一个较短的输出文件夹"
    if os.name == "nt" and len(os.path.abspath(path)) > PATH_CHARS:
        return f"路径超过 Windows 的 {PATH_CHARS + 1} 个字符限制，请换一个较短的输出文件夹"
    if isinstance(e, PermissionError):
        return "没有写入权限，或文件正被其他程序占用"
    if isinstance(e, IsADirectoryError):
        return "已有同名文件夹"
    if e.errno == errno.ENOSPC:
        return "磁盘空间已满"
    return e.strerror or type(e).__name__


def _same_content(path: str, data: bytes) -> bool:
    """A re-run leaves a report that has not changed as it is (its date too, so the coordinator sees
    which reports a resubmission changed). Reports are byte-for-byte reproducible, so equal bytes
    mean nothing changed."""
    try:
        if os.path.getsize(path) != len(data):
            return False
        with open(path, "rb") as fh:
            return fh.read() == data
    except OSError:
        return False
