"""For tests that run a batch in processes: an inbox of copies of one workbook, and the processes a
running batch has, read from /proc (Linux), to kill workers mid-batch or check that none outlives it."""
import os
import shutil
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "青山镇人民政府-2024.xlsx"     # a valid workbook


def inbox_of_copies(tmp_path: Path, n: int, workbook: Path = SAMPLE) -> Path:
    """tmp_path/inbox holding n copies of `workbook` (by default SAMPLE), named 000.xlsx, 001.xlsx…"""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(n):
        shutil.copy(workbook, inbox / f"{i:03d}.xlsx")
    return inbox


def child_pids(pid: int) -> list[int]:
    """Processes whose parent is `pid`."""
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    # the command name in parentheses may hold spaces; the parent pid is the second field after it
                    if int(fh.read().rsplit(")", 1)[1].split()[1]) == pid:
                        kids.append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return kids


def worker_pids(pid: int) -> list[int]:
    """The batch's worker processes: children of `pid` that are forked copies of it (same command
    line) or spawned interpreters (multiprocessing's spawn_main), not its resource tracker."""
    with open(f"/proc/{pid}/cmdline", "rb") as fh:
        own = fh.read()
    out = []
    for kid in child_pids(pid):
        try:
            with open(f"/proc/{kid}/cmdline", "rb") as fh:
                cmd = fh.read()
        except OSError:
            continue
        if cmd == own or b"spawn_main" in cmd:
            out.append(kid)
    return out
