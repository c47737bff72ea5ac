"""Every file nianbao writes: named by one sanitiser, written atomically (to a temporary file beside the
target, then renamed over it). Temporary names start with ".~" and end with ".part", so an
interrupted run's leftovers are easy to find (batch.build removes them)."""
from __future__ import annotations

import itertools
import os
import re
import unicodedata
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


NAME_BYTES = 255       # a file name's limit on ext4, NTFS (255 UTF-16 units) and APFS, taken as UTF-8 bytes
PATH_CHARS = 259       # Windows' MAX_PATH (260) less the terminating NUL, in UTF-16 units

# Replaced by "_": what Windows forbids in a name (and "/" everywhere), control characters.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
# Removed: bidi controls (a U+202E makes 「exe.xlsx」 of 「xslx.exe」 on screen) and zero-width marks.
_INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
# Windows device names, with any extension ("CON.xlsx" is the console too); ¹²³ count as digits there.
_RESERVED = re.compile(r"(CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|(COM|LPT)[1-9\u00b9\u00b2\u00b3])", re.IGNORECASE)


# a run of non-ASCII characters holding undecoded bytes: GBK bytes that happen to be valid UTF-8 (a
# few do) come back as characters inside such a run, so the whole run is decoded again
_NON_ASCII = re.compile("[^\x00-\x7f]+")
_SURROGATE = re.compile("[\udc80-\udcff]")


def readable(name: str) -> str:
    """A file name (or a path, or a message quoting one) as a person should see it. A name that is
    not valid UTF-8 (a Windows zip's GBK names, as unzip leaves them) reaches Python with its bytes
    as lone surrogates: each run of non-ASCII characters holding them is decoded as GBK (GB 18030)
    where it decodes, otherwise shown as escapes (\\xb5); the rest of the text is left as it is."""
    if not _SURROGATE.search(name):
        return name
    return _NON_ASCII.sub(_decode_run, name)


def _decode_run(m: re.Match[str]) -> str:
    if not _SURROGATE.search(m.group()):
        return m.group()
    raw = m.group().encode("utf-8", "surrogateescape")     # the bytes as the file system holds them
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("ascii", "backslashreplace")


def name_key(name: str) -> str:
    """What two names must differ in to be two files on Windows and macOS: their NFKC form, case-folded
    (ABC局 and abc局, Café in NFC and in NFD, full-width and half-width letters are one name)."""
    return unicodedata.normalize("NFKC", name).casefold()


def cut_bytes(text: str, limit: int) -> str:
    """The longest start of text that is at most `limit` UTF-8 bytes (never half a character)."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= limit:
        return text
    return data[:max(0, limit)].decode("utf-8", "ignore")


def safe_filename(name: str, limit: int = NAME_BYTES, fallback: str = "未命名", suffix: str = "") -> str:
    """`name` + `suffix` as a file name any file system takes (unit text can hold anything); returns it.

    The one sanitiser for every name nianbao writes: a name that is not UTF-8 made readable, NFC
    (macOS would store NFD otherwise), bidi controls and zero-width marks removed, the characters
    Windows forbids (<>:"/\\|?* and control characters) replaced by "_", leading spaces and trailing
    dots and spaces removed (Windows strips them: 「单位.」 would be 「单位」), a device name (CON,
    NUL, COM1…, with or without extension) prefixed with "_", and the name cut (at its end, the
    suffix kept) to `limit` UTF-8 bytes. An empty result becomes `fallback`."""
    suffix = _UNSAFE.sub("_", suffix).rstrip(". ")
    stem = cut_bytes(clean_name(name), limit - len(suffix.encode("utf-8"))).rstrip(". ") or fallback
    if _RESERVED.fullmatch(stem.split(".")[0].rstrip(" ")):
        stem = "_" + stem
    return stem + suffix


def clean_name(name: str) -> str:
    """safe_filename's cleaning alone (no cut, no device names): for a part of a name."""
    stem = unicodedata.normalize("NFC", _INVISIBLE.sub("", readable(name)))
    return _UNSAFE.sub("_", stem).strip(" ").rstrip(". ")


def fit_path(folder: str, stem: str, longest_suffix: str, fallback: str = "未命名") -> str:
    """`stem` cut so that folder/stem+suffix stays within Windows' 260-character path limit (counted
    in UTF-16 units, as Windows does); the stem is kept whole when it fits, and never cut below a
    few characters: a folder that leaves no room is reported when the file cannot be written."""
    room = PATH_CHARS - _utf16(os.path.abspath(folder)) - 1 - _utf16(longest_suffix)
    if _utf16(stem) <= room:
        return stem
    room = max(room, 8)
    out = []
    for ch in stem:
        room -= _utf16(ch)
        if room < 0:
            break
        out.append(ch)
    return "".join(out).rstrip(". ") or fallback


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


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
