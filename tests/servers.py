"""Real mail servers on loopback for the tests: aiosmtpd (SMTP, STARTTLS or implicit TLS, with AUTH)
and pymap (IMAP, STARTTLS), with a self-signed certificate the client is told to trust."""
from __future__ import annotations

import imaplib
import shutil
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

USER, PASSWORD = "coord", "s3cret-pw"


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def make_cert(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run([shutil.which("openssl") or "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


class Smtp:
    """aiosmtpd with login required; every accepted message is kept, and optionally handed on."""

    def __init__(self, cert: Path, key: Path, implicit_tls: bool = False, deliver=None):
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword
        self.received: list[tuple[str, list[str], bytes]] = []
        self.reject_to: set[str] = set()
        self.deliver = deliver
        outer = self

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if address in outer.reject_to:
                    return "550 mailbox unavailable"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                outer.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
                if outer.deliver:
                    outer.deliver(envelope.content, list(envelope.rcpt_tos))
                return "250 OK"

        def auth(server, session, envelope, mechanism, data):
            ok = isinstance(data, LoginPassword) and data.login == USER.encode() and data.password == PASSWORD.encode()
            return AuthResult(success=ok, handled=False)    # handled=False: the server sends the 535

        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(str(cert), str(key))
        self.port = free_port()
        if implicit_tls:
            self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, ssl_context=ctx,
                                         authenticator=auth, auth_required=True, auth_require_tls=False)
        else:
            self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, tls_context=ctx,
                                         require_starttls=True, authenticator=auth, auth_required=True)
        self.controller.start()
        self.url = f"{'smtps' if implicit_tls else 'smtp'}://{USER}@127.0.0.1:{self.port}"

    def stop(self):
        self.controller.stop()


class Imap:
    """pymap's in-memory backend, one user, STARTTLS with the test certificate."""

    def __init__(self, cert: Path, key: Path, log: Path):
        self.cert = cert
        self.port = free_port()
        exe = Path(sys.executable).with_name("pymap")
        self.proc = subprocess.Popen([str(exe), "--host", "127.0.0.1", "--port", str(self.port), "--cert", str(cert),
                                      "--key", str(key), "dict", "--demo-user", USER, "--demo-password", PASSWORD],
                                     stdout=log.open("wb"), stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            self.stop()
            raise RuntimeError("pymap did not start: " + log.read_text(errors="replace"))
        self.url = f"imap://{USER}@127.0.0.1:{self.port}/INBOX"

    def client(self):
        c = imaplib.IMAP4("127.0.0.1", self.port)
        c.starttls(ssl.create_default_context(cafile=str(self.cert)))
        c.login(USER, PASSWORD)
        return c

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        c = self.client()
        try:
            c.append(folder, None, None, raw)
        finally:
            c.logout()

    def seen_flags(self) -> list[bytes]:
        c = self.client()
        try:
            c.select("INBOX", readonly=True)
            typ, data = c.fetch("1:*", "(FLAGS)")
            return [d for d in data if d and b"\\Seen" in d]
        finally:
            c.logout()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
