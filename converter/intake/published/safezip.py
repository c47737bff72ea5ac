"""Reading one part of a zip package without trusting its declared sizes: bytes are counted as they
are inflated and the read stops at a cap, so a "zip bomb" costs at most the cap in memory."""
from __future__ import annotations

import zipfile

MAX_PART = 32 << 20      # a long Word report's document.xml is a few MB


class PartTooLarge(Exception):
    """A part inflates beyond the cap; args[0] is the part's name."""


def read_part(z: zipfile.ZipFile, name: str, cap: int = MAX_PART) -> bytes:
    """The bytes of part `name`, or PartTooLarge once more than `cap` bytes have come out of it.
    KeyError when the part is missing; zipfile/zlib errors when it is damaged."""
    info = z.getinfo(name)
    if info.file_size > cap:
        raise PartTooLarge(name)
    chunks = []
    total = 0
    with z.open(info) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > cap:
                raise PartTooLarge(name)
            chunks.append(chunk)
    return b"".join(chunks)
