"""Write a zip (an OOXML package) from parts, some of them compressed once in advance.

zipfile can only compress as it writes; a Word package is 95 % constant parts (styles, theme,
footer), so the batch renderer deflates those once per process and only the document itself per
report. Entries carry a fixed 1980-01-01 timestamp, so equal content gives equal bytes."""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

_DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1     # 1980-01-01 00:00
_UTF8 = 0x0800


@dataclass(frozen=True)
class Entry:
    """A zip member compressed in advance: name, CRC, size and the raw deflate stream."""
    name: bytes
    crc: int
    size: int
    data: bytes          # raw deflate stream


def deflate(name: str, content: bytes, level: int = 6) -> Entry:
    """A part compressed now, to be packaged any number of times."""
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    data = c.compress(content) + c.flush()
    return Entry(name.encode("utf-8"), zlib.crc32(content), len(content), data)


def package(entries: list[Entry]) -> bytes:
    """The zip of these entries, in order."""
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for e in entries:
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, _UTF8, 8, _DOS_TIME, _DOS_DATE,
                             e.crc, len(e.data), e.size, len(e.name), 0) + e.name
        out += (header, e.data)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, _UTF8, 8, _DOS_TIME, _DOS_DATE,
                                   e.crc, len(e.data), e.size, len(e.name), 0, 0, 0, 0, 0, offset) + e.name)
        offset += len(header) + len(e.data)
    cd = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(cd), offset, 0)
    return b"".join(out) + cd + end
