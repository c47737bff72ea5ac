"""Messages built byte for byte the way real mailers write attachment names, for intake tests."""
from __future__ import annotations

import base64
import email.utils
import io
import zipfile

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _b64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


def _headers(sender, to, subject, date, msgid, extra=b"") -> bytes:
    subj = "=?utf-8?B?" + base64.b64encode(subject.encode()).decode() + "?="
    return (f"From: {sender}\r\nTo: {to}\r\nSubject: {subj}\r\nDate: {email.utils.formatdate(date)}\r\n"
            f"Message-ID: {msgid}\r\nMIME-Version: 1.0\r\n").encode() + extra


def with_part_headers(part_headers: bytes, data: bytes, *, sender, to="coord@gov.test", subject="报送年报",
                      date=1737000000, msgid="<m@x>") -> bytes:
    """multipart/mixed with a text part and one attachment whose headers are given raw."""
    b = b"----=_NextPart_000_0001"
    return (_headers(sender, to, subject, date, msgid)
            + b'Content-Type: multipart/mixed; boundary="' + b + b'"\r\n\r\n'
            + b"--" + b + b"\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + _b64("请查收附件。".encode()) + b"\r\n"
            + b"--" + b + b"\r\n" + part_headers + b"Content-Transfer-Encoding: base64\r\n\r\n" + _b64(data)
            + b"\r\n--" + b + b"--\r\n")


def rfc2231(filename: str, data: bytes, **kw) -> bytes:
    """Thunderbird, Gmail, Python: filename*=UTF-8''percent-encoded."""
    from urllib.parse import quote
    enc = quote(filename.encode("utf-8"))
    ph = (f'Content-Type: {XLSX}\r\nContent-Disposition: attachment;\r\n filename*=UTF-8\'\'{enc}\r\n').encode()
    return with_part_headers(ph, data, **kw)


def rfc2047_in_quotes(filename: str, data: bytes, **kw) -> bytes:
    """Outlook, Foxmail, many webmails: an encoded word inside the quoted filename."""
    ew = "=?utf-8?B?" + base64.b64encode(filename.encode()).decode() + "?="
    ph = (f'Content-Type: application/octet-stream;\r\n name="{ew}"\r\n'
          f'Content-Disposition: attachment;\r\n filename="{ew}"\r\n').encode()
    return with_part_headers(ph, data, **kw)


def gb2312_label(filename: str, data: bytes, **kw) -> bytes:
    """Old Chinese mailers: a gb2312-labelled encoded word holding GBK-only characters."""
    ew = "=?gb2312?B?" + base64.b64encode(filename.encode("gbk")).decode() + "?="
    ph = (f'Content-Type: application/vnd.ms-excel; name="{ew}"\r\n'
          f'Content-Disposition: attachment; filename="{ew}"\r\n').encode()
    return with_part_headers(ph, data, **kw)


def raw_gbk(filename: str, data: bytes, **kw) -> bytes:
    """Some OA systems: the file name as raw 8-bit GBK bytes, no encoding at all."""
    name = filename.encode("gbk")
    ph = b'Content-Type: application/octet-stream; name="' + name + b'"\r\nContent-Disposition: attachment; filename="' + name + b'"\r\n'
    return with_part_headers(ph, data, **kw)


class _GbkZipInfo(zipfile.ZipInfo):
    """What Windows' built-in zip (and WinRAR by default) writes on a Chinese system: GBK names, no UTF-8 flag."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits


def gbk_zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(_GbkZipInfo(name, date_time=(2025, 1, 10, 9, 0, 0)), data)
    return out.getvalue()


def zipped(zip_name: str, members: dict[str, bytes], **kw) -> bytes:
    from urllib.parse import quote
    ph = (f"Content-Type: application/x-zip-compressed\r\nContent-Disposition: attachment;"
          f" filename*=UTF-8''{quote(zip_name.encode())}\r\n").encode()
    return with_part_headers(ph, gbk_zip(members), **kw)


def forwarded(inner: bytes, *, sender, to="coord@gov.test", subject="转发：报送年报", date=1737000000,
              msgid="<fw@x>") -> bytes:
    """Outlook's "forward as attachment": the original message as a message/rfc822 part."""
    b = b"----=_fwd_0002"
    return (_headers(sender, to, subject, date, msgid)
            + b'Content-Type: multipart/mixed; boundary="' + b + b'"\r\n\r\n'
            + b"--" + b + b"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nforwarding\r\n"
            + b"--" + b + b"\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n"
            + inner + b"\r\n--" + b + b"--\r\n")


BROKEN = (b"From: nobody\r\nContent-Type: multipart/mixed; boundary=\"zz\"\r\n\r\n--zz\r\n"
          b"Content-Type: text/plain\r\n\r\ntruncated \xff\xfe mid-part")
