"""Every workbook in a message: plain attachments, members of attached .zip files, and attachments of
forwarded messages (message/rfc822 parts), with their file names decoded (see filenames.py)."""
from __future__ import annotations

import email
import email.policy
import email.utils
import io
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import Message

from converter.intake.safe_zip import MemberTooLarge, ZipMemberError, read_member
from converter.mail.filenames import decode_words, filename_from_headers, raw_to_text, zip_member_name

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et")
# reports sent in the shape they already exist in (a unit's Word report, its published page or PDF)
REPORT_SUFFIXES = WORKBOOK_SUFFIXES + (".docx", ".doc", ".wps", ".pdf", ".html", ".htm")
_SPREADSHEET_TYPES = {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
                      "application/vnd.ms-excel": ".xls", "application/vnd.ms-excel.sheet.macroenabled.12": ".xlsm"}
_ZIP_TYPES = {"application/zip", "application/x-zip-compressed", "application/x-zip"}
# A filled workbook is about 100 KB, a Word report or PDF a few MB. Zip members are inflated with these
# caps counted as the bytes come out (the sizes a zip declares can lie): a "zip bomb" of 1 MB would
# otherwise fill memory and the inbox with gigabytes.
MAX_MEMBER = 32 << 20
MAX_INFLATED = 64 << 20     # all zip members of one message together


@dataclass
class _Inflated:
    """What the zips of one message have given so far, and what was refused (Chinese, for the log)."""
    refused: list[str]
    total: int = 0


@dataclass(frozen=True)
class Attachment:
    """A workbook found in a message, with how it was found."""
    filename: str
    data: bytes
    via: str = ""            # "" for a direct attachment, else how it was found (压缩包 x.zip / 转发邮件)


@dataclass(frozen=True)
class MessageInfo:
    """What a message says about itself: id, sender, date, subject."""
    message_id: str
    sender: str              # address, lower case
    sender_name: str
    date: datetime | None    # aware
    subject: str


def parse(raw: bytes) -> Message:
    """A message as compat32 keeps it: raw header text, 8-bit bytes as surrogate escapes."""
    return email.message_from_bytes(raw, policy=email.policy.compat32)


def raw_header(part: Message, name: str) -> str | None:
    """A header exactly as received (8-bit bytes as surrogate escapes), never a Header object."""
    name = name.lower()
    for key, value in part.raw_items():
        if key.lower() == name:
            return value if isinstance(value, str) else str(value)
    return None


def info(msg: Message) -> MessageInfo:
    """Sender, date, subject and Message-ID of a message, decoded however its mailer wrote them."""
    name, address = email.utils.parseaddr(raw_to_text(raw_header(msg, "From") or ""))
    date = None
    raw_date = raw_header(msg, "Date")
    if raw_date:
        try:
            date = email.utils.parsedate_to_datetime(str(raw_date))
            if date.tzinfo is None:
                date = date.replace(tzinfo=timezone.utc)
            # a date at the edge of the calendar (31 Dec 9999) overflows once moved to another zone:
            # an impossible date counts as no date
            for hours in (-14, 14):
                date.astimezone(timezone(timedelta(hours=hours)))
        except (TypeError, ValueError, IndexError, OverflowError):
            date = None
    return MessageInfo(message_id=(raw_header(msg, "Message-ID") or "").strip(), sender=address.lower(),
                       sender_name=decode_words(name), date=date,
                       subject=decode_words(raw_to_text(raw_header(msg, "Subject") or "")).strip())


def workbooks_in(msg: Message, refused: list[str] | None = None) -> list[Attachment]:
    """Every workbook in a message: attachments, zip members, attachments of forwarded messages. A
    message with no workbook gives its reports in other shapes instead (a unit that sends its Word
    report, its PDF or its web page); beside a workbook, such files are notes and are left alone.
    Zip members that inflate beyond the caps are not taken; why goes into `refused` (Chinese)."""
    found: list[Attachment] = []
    _walk(msg, found, "", _Inflated([] if refused is None else refused))
    workbooks = [a for a in found if a.filename.lower().endswith(WORKBOOK_SUFFIXES)]
    return workbooks or found


def _walk(part: Message, found: list[Attachment], via: str, inflated: _Inflated) -> None:
    ctype = part.get_content_type()
    if part.is_multipart():
        inner_via = "转发邮件" if ctype == "message/rfc822" else via
        for sub in part.get_payload():
            if isinstance(sub, Message):
                _walk(sub, found, inner_via, inflated)
        return
    disposition = raw_header(part, "Content-Disposition")
    if part.get_content_maintype() == "text" and not disposition:
        return
    name = filename_from_headers(disposition, raw_header(part, "Content-Type"))
    data = part.get_payload(decode=True)
    if isinstance(data, bytes):
        _take(found, name, ctype, data, via, inflated)


def _take(found: list[Attachment], name: str | None, ctype: str, data: bytes, via: str, inflated: _Inflated) -> None:
    lower = (name or "").lower()
    if lower.endswith(".zip") or (not name and ctype in _ZIP_TYPES):
        found += _from_zip(data, name or "附件.zip", inflated)
    elif lower.endswith(REPORT_SUFFIXES):
        found.append(Attachment(name or "附件", data, via))
    elif not name and ctype in _SPREADSHEET_TYPES:
        found.append(Attachment("附件" + _SPREADSHEET_TYPES[ctype], data, via))


def _from_zip(data: bytes, zip_name: str, inflated: _Inflated) -> list[Attachment]:
    out: list[Attachment] = []
    if inflated.total >= MAX_INFLATED:       # the message's cap is used up, and that was logged
        return out
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for item in z.infolist():
                name = zip_member_name(item)
                base = name.rsplit("/", 1)[-1]
                if item.is_dir() or base.startswith(("~$", ".")) or "__MACOSX" in name:
                    continue
                if not base.lower().endswith(REPORT_SUFFIXES):
                    continue
                cap = min(MAX_MEMBER, MAX_INFLATED - inflated.total)
                try:
                    content = read_member(z, item, cap)
                except MemberTooLarge:
                    if cap < MAX_MEMBER:
                        inflated.refused.append(f"邮件中的压缩包解压后合计超过 {MAX_INFLATED >> 20} MB：自压缩包 "
                                                f"{zip_name} 中的 {base} 起，其余文件均未收取（可能是恶意文件）")
                        inflated.total = MAX_INFLATED
                        break
                    inflated.refused.append(f"压缩包 {zip_name} 中的 {base} 解压后超过 {MAX_MEMBER >> 20} MB，"
                                            "未收取（可能是恶意文件）")
                    continue
                except ZipMemberError as e:       # encrypted, an unusual compression, damaged
                    inflated.refused.append(f"压缩包 {zip_name} 中的 {base} 无法解压（{e.reason}），未收取")
                    continue
                inflated.total += len(content)
                out.append(Attachment(base, content, f"压缩包 {zip_name}"))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError, zlib.error):
        pass      # a damaged or encrypted zip holds nothing we can take
    return out
