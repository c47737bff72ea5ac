"""Which files a batch reads: files named directly, and every file below named folders."""
from __future__ import annotations

import os
from typing import Iterable

from converter.errors import NianbaoError

_SKIP_PREFIXES = (".", "~$")      # hidden files and Office lock files


def collect_inputs(inputs: Iterable[str | os.PathLike[str]], exclude: str | os.PathLike[str] | None = None) -> list[str]:
    """Files named directly, plus every file below named folders (hidden and lock files skipped),
    each once, in the order given. Plain strings throughout, not Path objects: pathlib interns every
    name it parses for the life of the process, and a province's batch is tens of thousands of files.
    Overlap is found by comparing the named inputs with each other, so no per-file set is kept."""
    excluded = os.path.realpath(exclude) if exclude else None
    out: list[str] = []
    files_named: set[str] = set()
    folders_walked: set[str] = set()
    for item in (os.fspath(i) for i in inputs):
        key = os.path.abspath(item)
        if key in files_named or key in folders_walked or any(_inside(key, f) for f in folders_walked):
            continue                      # listed already, by itself or within a folder named before it
        if not os.path.isdir(item):
            files_named.add(key)
            out.append(item)
            continue
        for root, dirs, files in os.walk(item):
            here = os.path.abspath(root)
            dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                             and os.path.join(here, d) not in folders_walked
                             and (excluded is None or os.path.realpath(os.path.join(root, d)) != excluded))
            out += [os.path.join(root, f) for f in sorted(files)
                    if not f.startswith(_SKIP_PREFIXES) and os.path.join(here, f) not in files_named]
        folders_walked.add(key)
    return out


def _inside(path: str, folder: str) -> bool:
    return path.startswith(folder.rstrip(os.sep) + os.sep)


class OutputOverlap(NianbaoError):
    """The output folder (or file) is one of the inputs: a second run would read its own outputs."""


def refuse_overlap(inputs: Iterable[str | os.PathLike[str]], out: str | os.PathLike[str]) -> None:
    """Raise OutputOverlap when `out` is an input folder itself, or an input file: what a command writes
    there (reports, PDF, web pages, index.html, 校验结果.xlsx, .json) would be read back as inputs by the
    next run, or overwrite an input. An output folder *inside* an input folder is fine: it is excluded
    from the inputs (collect_inputs' `exclude`)."""
    target = os.path.realpath(out)
    for item in (os.fspath(i) for i in inputs):
        if os.path.realpath(item) != target:
            continue
        if os.path.isdir(item):
            raise OutputOverlap(f"输出文件夹不能是输入文件夹本身：{out}（否则生成的文件会在下次运行时被当作输入读取）；"
                                f"请另选一个输出文件夹，例如 {os.path.join(item, '输出')}")
        raise OutputOverlap(f"输出文件不能是输入文件本身：{out}")
