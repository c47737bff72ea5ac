"""Passwords come from an environment variable or a prompt, never from the command line."""
from __future__ import annotations

import getpass
import os
import sys

from converter.errors import NianbaoError

ENV = {"SMTP": "NIANBAO_SMTP_PASSWORD", "IMAP": "NIANBAO_IMAP_PASSWORD"}


class NoPassword(NianbaoError):
    """No password in the environment and no terminal to ask on."""
    pass


def password_for(kind: str, user: str, host: str) -> str:
    """The SMTP or IMAP password: from its environment variable, else asked for on the terminal."""
    value = os.environ.get(ENV[kind])
    if value:
        return value
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(f"{kind} 密码（{user}@{host}）：")
    raise NoPassword(f"请在环境变量 {ENV[kind]} 中提供 {kind} 密码（{user}@{host}）")
