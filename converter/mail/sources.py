"""Where messages come from. Each source yields (source id, raw message bytes).
IMAP only reads: EXAMINE (read-only select), BODY.PEEK[] fetches; nothing is flagged, moved or deleted."""
from __future__ import annotations

import datetime as _dt
import imaplib
import mailbox
import ssl
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urlsplit

from converter import __version__
from converter.errors import NianbaoError
from converter.mail.passwords import password_for

_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


class SourceError(NianbaoError):
    """The mailbox cannot be read (a Chinese message for the user)."""


def from_eml_dir(folder: str | Path) -> Iterator[tuple[str, bytes | str]]:
    """Every .eml file below a folder, as (path, bytes); for anything named .eml that is not a file
    that can be read (a folder, a file without permission) (path, why) instead, which collect logs."""
    for p in sorted(Path(folder).rglob("*.eml")):
        if p.is_dir():
            yield str(p), "是文件夹，不是邮件文件"
            continue
        if not p.is_file():
            yield str(p), "不是普通文件，未读取"
            continue
        try:
            yield str(p), p.read_bytes()
        except OSError as e:
            yield str(p), f"无法读取邮件文件：{e.strerror or type(e).__name__}"


def from_mbox(path: str | Path) -> Iterator[tuple[str, bytes]]:
    """Every message of an mbox file."""
    if not Path(path).is_file():
        raise SourceError(f"找不到 mbox 文件：{path}")
    box = mailbox.mbox(str(path), create=False)
    for key in box.keys():
        yield f"{path}#{key}", box.get_bytes(key)


def from_maildir(path: str | Path) -> Iterator[tuple[str, bytes]]:
    """Every message of a Maildir folder."""
    if not (Path(path) / "cur").is_dir() and not (Path(path) / "new").is_dir():
        raise SourceError(f"不是 Maildir 文件夹（应含 cur/ 和 new/）：{path}")
    box = mailbox.Maildir(str(path), factory=None, create=False)
    for key in sorted(box.keys()):
        yield f"{path}#{key}", box.get_bytes(key)


def imap_utf7(name: str) -> str:
    """A folder name in IMAP's modified UTF-7 (RFC 3501 5.1.3), e.g. 已发送 → &XfJT0ZAB-."""
    import base64
    out: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            b64 = base64.b64encode("".join(buf).encode("utf-16-be")).decode().rstrip("=").replace("/", ",")
            out.append("&" + b64 + "-")
            buf.clear()
    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            buf.append(ch)
    flush()
    return "".join(out)


def from_imap(url: str, since: _dt.date | None = None, insecure: bool = False) -> Iterator[tuple[str, bytes]]:
    """imaps://user@host[:993]/文件夹 (TLS) or imap://user@host[:143]/文件夹 (STARTTLS)."""
    u = urlsplit(url)
    if u.scheme not in ("imap", "imaps") or not u.hostname or not u.username:
        raise SourceError(f"IMAP 地址应写作 imaps://用户名@服务器/文件夹，实为 {url}")
    user = unquote(u.username)
    folder = unquote(u.path.lstrip("/")) or "INBOX"
    context = ssl.create_default_context()
    conn: imaplib.IMAP4
    try:
        if u.scheme == "imaps":
            conn = imaplib.IMAP4_SSL(u.hostname, u.port or 993, ssl_context=context, timeout=60)
        else:
            conn = imaplib.IMAP4(u.hostname, u.port or 143, timeout=60)
            if "STARTTLS" in conn.capabilities:
                conn.starttls(context)
            elif not insecure:
                conn.logout()
                raise SourceError(f"{u.hostname} 不支持 STARTTLS 加密，拒绝以明文发送密码（可改用 imaps://）")
    except (OSError, imaplib.IMAP4.error) as e:
        raise SourceError(f"无法连接 IMAP 服务器 {u.hostname}：{e}") from None
    try:
        _send_id(conn)
        try:
            conn.login(user, password_for("IMAP", user, u.hostname))
        except imaplib.IMAP4.error as e:
            raise SourceError(f"IMAP 登录失败（{user}@{u.hostname}）：{e}") from None
        _send_id(conn)      # NetEase (163/126) wants ID after login, before SELECT
        typ, _ = conn.select(_quote(imap_utf7(folder)), readonly=True)     # EXAMINE: read-only
        if typ != "OK":
            raise SourceError(f"IMAP 文件夹“{folder}”不存在或无法打开")
        criteria = ["SINCE", f"{since.day:02d}-{_MONTHS[since.month - 1]}-{since.year}"] if since else ["ALL"]
        typ, data = conn.uid("SEARCH", *criteria)
        uids = data[0].split() if typ == "OK" and data and data[0] else []
        for uid in uids:
            try:
                typ, parts = conn.uid("FETCH", uid, "(BODY.PEEK[])")
            except imaplib.IMAP4.abort:
                raise SourceError(f"与 IMAP 服务器 {u.hostname} 的连接中断") from None
            except imaplib.IMAP4.error:
                typ, parts = "NO", None
            raw = next((p[1] for p in parts or [] if isinstance(p, tuple)), None)
            # a message that cannot be fetched is passed on empty: collect logs it and goes on
            yield f"imap:{folder}#{uid.decode()}", raw if typ == "OK" and raw else b""
    finally:
        try:
            conn.logout()
        except (OSError, imaplib.IMAP4.error):
            pass


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _send_id(conn: imaplib.IMAP4) -> None:
    if "ID" not in conn.capabilities:
        return
    imaplib.Commands.setdefault("ID", ("NONAUTH", "AUTH", "SELECTED"))
    try:
        conn._simple_command("ID", f'("name" "nianbao" "version" "{__version__}" "vendor" "nianbao")')
    except imaplib.IMAP4.error:
        pass
