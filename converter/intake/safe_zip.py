"""Reading zip members without trusting what the archive says about them.

`zipfile` inflates a member in one piece and only afterwards cuts it to the size the archive declares,
so a member that declares 4 KB and inflates to 512 MB takes 512 MB before anything can object. Here a
member is inflated in small pieces and counted as it goes: past the cap it is refused, whatever the
archive declares. Encrypted members and compression methods other than stored and deflate (Deflate64,
bzip2, LZMA…, which no office program writes) are refused with their own error, before any reading.

Used for every zip read in intake (workbooks) and meant for the Word reader too."""
from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

CHUNK = 1 << 16
# what opening a damaged zip, or listing it, raises (RuntimeError: an entry with a password;
# NotImplementedError: an odd method)
ZIP_ERRORS = (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError)
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_METHODS = {1: "Shrink", 6: "Implode", 9: "Deflate64", 12: "bzip2", 14: "LZMA", 93: "Zstandard",
            95: "XZ", 98: "PPMd", 99: "AES"}


class ZipMemberError(Exception):
    """A member that cannot be read safely. `member` is its name, `reason` says why (in Chinese)."""

    def __init__(self, member: str, reason: str):
        super().__init__(f"{member}：{reason}")
        self.member = member
        self.reason = reason


class MemberTooLarge(ZipMemberError):
    """The member inflates (or declares it inflates) past the cap."""


class MemberEncrypted(ZipMemberError):
    """The member is flagged as encrypted."""


class MemberUnsupported(ZipMemberError):
    """The member uses a compression method other than stored or deflate."""


class MemberDamaged(ZipMemberError):
    """The member's bytes do not match its entry: bad header, truncated, wrong size or CRC."""


def _mb(n: int) -> str:
    return f"{n / (1 << 20):.0f} MB"


def check_entry(info: zipfile.ZipInfo, cap: int) -> None:
    """Raise the typed error for an entry that must not be read (encrypted, unsupported method, declared
    size over `cap`); return None for one that may be read. Reads nothing."""
    if info.flag_bits & 0x41:           # bit 0: encrypted; bit 6: strong encryption
        raise MemberEncrypted(info.filename, "已加密")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        method = _METHODS.get(info.compress_type, f"第 {info.compress_type} 种")
        raise MemberUnsupported(info.filename, f"使用了不支持的压缩方式（{method}）")
    if info.file_size > cap:
        raise MemberTooLarge(info.filename, f"解压后 {_mb(info.file_size)}")


def iter_member(z: zipfile.ZipFile, name: str | zipfile.ZipInfo, cap: int) -> Iterator[bytes]:
    """The inflated bytes of one member, in pieces of at most CHUNK bytes. Raises KeyError for a
    missing member, MemberTooLarge as soon as more than `cap` bytes came out, and the other
    ZipMemberError kinds for encrypted, unsupported or damaged members."""
    info = name if isinstance(name, zipfile.ZipInfo) else z.getinfo(name)
    check_entry(info, cap)
    fp = _seek_data(z, info)
    left = info.compress_size
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    total = crc = 0
    while True:
        if inflater is None:
            if left <= 0:
                break
            piece = _read(fp, left, info)
            left -= len(piece)
        else:
            if inflater.eof:
                break
            if inflater.unconsumed_tail:
                src = inflater.unconsumed_tail
            elif left > 0:
                src = _read(fp, left, info)
                left -= len(src)
            else:
                src = b""          # input all given; zlib may still hold output of a long match
            try:
                piece = inflater.decompress(src, CHUNK)
            except zlib.error as e:
                raise MemberDamaged(info.filename, f"压缩数据损坏（{e}）") from None
            if not piece and not src:
                break
        total += len(piece)
        if total > cap:
            raise MemberTooLarge(info.filename, f"解压后超过 {_mb(cap)}（声明为 {info.file_size} 字节）")
        crc = zlib.crc32(piece, crc)
        if piece:
            yield piece
    if inflater is not None and not inflater.eof:
        raise MemberDamaged(info.filename, "压缩数据不完整")
    if total != info.file_size or crc != info.CRC:
        raise MemberDamaged(info.filename, "大小或校验值与目录不符")


def _seek_data(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> Any:
    """The archive's file, positioned at the member's data, once its local header was checked."""
    fp = z.fp
    if fp is None:
        raise ValueError("zip file closed")
    fp.seek(info.header_offset)
    head = fp.read(_LOCAL_HEADER.size)
    if len(head) != _LOCAL_HEADER.size or head[:4] != b"PK\x03\x04":
        raise MemberDamaged(info.filename, "本地文件头损坏")
    fields = _LOCAL_HEADER.unpack(head)
    flags, name_len, extra_len = fields[3], fields[10], fields[11]
    local_name = fp.read(name_len).decode("utf-8" if flags & 0x800 else "cp437", "replace")
    if local_name != info.orig_filename:
        raise MemberDamaged(info.filename, "目录与文件头中的名称不一致")
    fp.seek(extra_len, 1)
    return fp


def stored_member(z: zipfile.ZipFile, name: str | zipfile.ZipInfo, cap: int) -> bytes:
    """The member's bytes as stored (compressed), not inflated: equal stored bytes mean equal content,
    so they serve as a cache key without inflating. MemberTooLarge when more than `cap` are stored."""
    info = name if isinstance(name, zipfile.ZipInfo) else z.getinfo(name)
    if info.compress_size > cap:
        raise MemberTooLarge(info.filename, f"压缩后超过 {_mb(cap)}")
    data = _seek_data(z, info).read(info.compress_size)
    if len(data) != info.compress_size:
        raise MemberDamaged(info.filename, "数据不完整")
    return data


def _read(fp: Any, left: int, info: zipfile.ZipInfo) -> bytes:
    data = fp.read(min(CHUNK, left))
    if not data:
        raise MemberDamaged(info.filename, "数据不完整")
    return data


def read_member(z: zipfile.ZipFile, name: str | zipfile.ZipInfo, cap: int) -> bytes:
    """The whole inflated member as bytes, never more than `cap` of them (see iter_member)."""
    return b"".join(iter_member(z, name, cap))


def duplicate_member(z: zipfile.ZipFile) -> str | None:
    """The first name that occurs twice in the archive (compared case-insensitively, as OPC part names
    are), or None. A package with two parts of one name is invalid and readers disagree on which wins."""
    seen: set[str] = set()
    for name in z.namelist():
        key = name.casefold()
        if key in seen:
            return name
        seen.add(key)
    return None
