"""Every file nianbao writes: named by one sanitiser, written atomically (to a temporary file beside the
target, then renamed over it). Temporary names start with ".~" and end with ".part", so an
interrupted run's leftovers are easy to find (batch.build removes them)."""
from __future__ import annotations

import itertools
import os
import re
from contextlib import contextmanager
from typing import BinaryIO, Iterator, TypeVar

_COUNTER = itertools.count()
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def _open_temp(directory: str) -> tuple[int, str]:
    # mode 0o666 lets the umask decide, as for any file the user creates (mkstemp would give 0600)
    while True:
        tmp = os.path.join(directory, f".~{os.getpid()}-{next(_COUNTER)}.part")
        try:
            return os.open(tmp, _FLAGS, 0o666), tmp
        except FileExistsError:      # left by an earlier process that had the same pid
            continue


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def safe_filename(name: str, limit: int, fallback: str) -> str:
    """A name usable as a file name on Windows and Linux alike (unit text can hold anything)."""
    return _UNSAFE.sub("_", name).strip(" .")[:limit] or fallback


@contextmanager
def atomic_writer(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """`with atomic_writer(p) as fh: fh.write(...)`: p appears whole, or not at all."""
    path = os.fspath(path)
    fd, tmp = _open_temp(os.path.dirname(path) or ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


P = TypeVar("P", bound="str | os.PathLike[str]")


def write_bytes_atomic(path: P, data: bytes, make_dirs: bool = True) -> P:
    """Write `data` to `path` atomically (creating its folder unless make_dirs is False); returns path."""
    if make_dirs:
        target = path if isinstance(path, str) else path.__fspath__()
        os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
    with atomic_writer(path) as fh:
        fh.write(data)
    return path


_TEMP_NAME = re.compile(r"\.~(\d+)-\w+\.part")


def temp_prefix() -> str:
    """The start of this process's temporary names (".~<pid>-"): every temporary file nianbao makes
    in an output folder starts with it, so that a leftover can be told from another run's file in flight."""
    return f".~{os.getpid()}-"


def temp_owner(name: str) -> int | None:
    """The pid of the process that writes the temporary file `name`, or None when it is not one of
    ours (only names made by _open_temp or with temp_prefix() count as leftovers)."""
    m = _TEMP_NAME.fullmatch(name)
    return int(m.group(1)) if m else None
