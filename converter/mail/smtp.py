"""Sending through SMTP: implicit TLS (smtps://, port 465) or STARTTLS (smtp://, port 587), with login.
Sending is resumable: a log beside the outbox records what was accepted, and a re-run sends the rest."""
from __future__ import annotations

import json
import smtplib
import ssl
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

from converter.errors import NianbaoError
from converter.files import write_bytes_atomic
from converter.mail.passwords import password_for


class SmtpError(NianbaoError):
    """The SMTP server cannot be reached or refuses the login (a Chinese message)."""
    pass


@dataclass
class SendReport:
    """What a send run did: sent now, sent before (skipped), failed with why."""
    sent: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def connect(url: str, insecure: bool = False) -> smtplib.SMTP:
    """A logged-in SMTP connection (implicit TLS or STARTTLS; plain text only with `insecure`)."""
    u = urlsplit(url)
    if u.scheme not in ("smtp", "smtps") or not u.hostname:
        raise SmtpError(f"SMTP 地址应写作 smtps://用户名@服务器:465 或 smtp://用户名@服务器:587，实为 {url}")
    context = ssl.create_default_context()
    conn: smtplib.SMTP
    try:
        if u.scheme == "smtps":
            conn = smtplib.SMTP_SSL(u.hostname, u.port or 465, context=context, timeout=60)
        else:
            conn = smtplib.SMTP(u.hostname, u.port or 587, timeout=60)
            conn.ehlo()
            if conn.has_extn("starttls"):
                conn.starttls(context=context)
                conn.ehlo()
            elif not insecure:
                conn.quit()
                raise SmtpError(f"{u.hostname} 不支持 STARTTLS 加密，拒绝以明文发送密码（可改用 smtps://）")
        if u.username:
            user = unquote(u.username)
            conn.login(user, password_for("SMTP", user, u.hostname))
    except (OSError, smtplib.SMTPException) as e:
        raise SmtpError(f"无法连接或登录 SMTP 服务器 {u.hostname}：{e}") from None
    return conn


def send_all(messages: list[tuple[str, EmailMessage]], url: str, log_path: Path, insecure: bool = False,
             progress: Callable[[], object] | None = None) -> SendReport:
    """Send (key, message) pairs; keys already in the log are skipped. The log is rewritten after each
    accepted message, so an interrupted run loses nothing and repeats nothing."""
    log = json.loads(log_path.read_text(encoding="utf-8")) if log_path.exists() else {}
    report = SendReport()
    todo = [(k, m) for k, m in messages if k not in log]
    report.already = [k for k, _ in messages if k in log]
    if not todo:
        return report
    conn = connect(url, insecure)
    try:
        for key, msg in todo:
            try:
                conn.send_message(msg)
            except smtplib.SMTPServerDisconnected:
                conn = connect(url, insecure)          # one reconnect, then the message is retried once
                try:
                    conn.send_message(msg)
                except smtplib.SMTPException as e:
                    report.failed[key] = str(e)
                    continue
            except smtplib.SMTPException as e:
                report.failed[key] = str(e)
                continue
            log[key] = {"message_id": msg["Message-ID"], "to": msg["To"], "sent_at": time.strftime("%Y-%m-%d %H:%M:%S")}
            write_bytes_atomic(log_path, json.dumps(log, ensure_ascii=False, indent=1).encode())
            report.sent.append(key)
            if progress:
                progress()
    finally:
        try:
            conn.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return report
