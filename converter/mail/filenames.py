"""Attachment file names, however mailers write them:

* RFC 2231 (``filename*=UTF-8''%E5%8D%97...``, also continued ``filename*0*=``…);
* RFC 2047 encoded words, even inside quotes where the RFC forbids them (Foxmail, old Outlook);
* encoded words labelled gb2312 that hold GBK-only characters (喆, 镕…): decoded as gb18030;
* raw 8-bit GBK or UTF-8 bytes in the header.

Works on raw header text as parsed with the compat32 policy (8-bit bytes kept as surrogate escapes).
"""
from __future__ import annotations

import base64
import binascii
import quopri
import re
import urllib.parse
import zipfile

_WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "x-gbk": "gb18030", "euc-cn": "gb18030",
          "gb_2312-80": "gb18030", "big5": "big5hkscs", "ascii": "utf-8", "us-ascii": "utf-8"}
_ENCODED_WORD = re.compile(r"=\?([^?*]+)(?:\*[^?]*)?\?([BbQq])\?([^?]*)\?=")
_BETWEEN_WORDS = re.compile(r"(\?=)\s+(=\?)")


def wider(charset: str | None) -> str:
    """The charset to decode a label with (gb2312 → gb18030, which holds every GBK character)."""
    cs = (charset or "utf-8").strip().lower()
    return _WIDER.get(cs, cs)


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Bytes in a declared charset (widened: gb2312 → gb18030), else UTF-8, else gb18030."""
    tries = [wider(charset)] if charset else []
    tries += ["utf-8", "gb18030"]
    for cs in tries:
        try:
            return data.decode(cs)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("gb18030", errors="replace")


def decode_words(value: str) -> str:
    """Decode every RFC 2047 encoded word in a string; adjacent words join without the space."""
    value = _BETWEEN_WORDS.sub(r"\1\2", value)

    def one(m: re.Match) -> str:
        charset, enc, payload = m.group(1), m.group(2).upper(), m.group(3)
        try:
            if enc == "B":
                data = base64.b64decode(payload + "=" * (-len(payload) % 4))
            else:
                data = quopri.decodestring(payload.replace("_", " ").encode("ascii"), header=True)
        except (binascii.Error, ValueError, UnicodeEncodeError):
            return m.group(0)
        return decode_bytes(data, charset)
    return _ENCODED_WORD.sub(one, value)


def raw_to_text(value: str) -> str:
    """A header value that may carry raw 8-bit bytes (as surrogate escapes or latin-1 stand-ins)."""
    if any("\udc80" <= ch <= "\udcff" for ch in value):
        return decode_bytes(value.encode("ascii", "surrogateescape"))
    return value


def _params(header: str) -> list[tuple[str, str]]:
    """(name, value) of the ;-separated parameters of a raw header, quotes removed."""
    out = []
    for m in re.finditer(r';\s*([^=\s;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)', header):
        name, value = m.group(1).lower(), m.group(2).strip()
        if value.startswith('"') and value.endswith('"') and len(value) >= 2:
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        out.append((name, value))
    return out


def filename_from_headers(disposition: str | None, content_type: str | None) -> str | None:
    """The attachment's file name from the raw Content-Disposition / Content-Type headers."""
    for header, key in ((disposition, "filename"), (content_type, "name")):
        if not header:
            continue
        header = re.sub(r"\r?\n[ \t]", " ", header)
        params = _params(header)
        extended = sorted(((n, v) for n, v in params if n == key + "*" or re.fullmatch(re.escape(key) + r"\*\d+\*?", n)),
                          key=lambda nv: _section(nv[0]))
        if extended:
            return _rfc2231(extended)
        plain = next((v for n, v in params if n == key), None)
        if plain:
            return decode_words(raw_to_text(plain)).strip()
    return None


def _rfc2231(parts: list[tuple[str, str]]) -> str:
    charset = None
    data = b""
    for i, (name, value) in enumerate(parts):
        encoded = name.endswith("*")
        if i == 0 and encoded and value.count("'") >= 2:
            charset, _, value = value.split("'", 2)
        if encoded:
            data += urllib.parse.unquote_to_bytes(value)
        else:
            data += raw_to_text(value).encode("utf-8")
    return decode_bytes(data, charset or "utf-8").strip()


def _section(name: str) -> int:
    m = re.search(r"\*(\d+)", name)
    return int(m.group(1)) if m else -1


def zip_member_name(info: zipfile.ZipInfo) -> str:
    """A zip member's name: UTF-8 when flagged, otherwise the bytes Windows wrote (GBK in China)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    return decode_bytes(raw)
