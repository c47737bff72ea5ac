"""The C allocator's settings for reading large XML trees (Linux with glibc only; elsewhere nothing).

A Word file's document.xml becomes tens of thousands of small libxml2 nodes (about 120 bytes each).
With glibc's default settings, freeing such a tree parks every node in the allocator's "fastbins"
uncoalesced, and the next larger request (the next file's bytes, a long string) makes glibc walk
and merge all of them at once (malloc_consolidate): about a tenth of the CPU time of reading a
corpus Word file, spent on memory gone cold since. With fastbins off (mallopt M_MXFAST = 0), a
freed node is merged with its free neighbours as it is freed, while it is still in the cache; the
per-size caches in front of the bins (tcache) still serve the small requests of the next parse."""
from __future__ import annotations

import ctypes
import sys

_M_MXFAST = 1           # mallopt's parameter number for the fastbin size limit (malloc.h)
_done: list[bool] = []


def no_fastbins() -> bool:
    """Turn glibc's fastbins off for this process, once; True when glibc took the setting. It
    changes how freed memory is kept, never what a program computes."""
    if not _done:
        _done.append(_set_mxfast_zero())
    return _done[0]


def _set_mxfast_zero() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    if not hasattr(libc, "gnu_get_libc_version"):       # not glibc (musl's mallopt does nothing)
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MXFAST, 0) == 1)
