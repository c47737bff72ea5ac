"""Fetching published reports by URL: the page over HTTP(S) with a timeout, a size limit and few
redirects, never an address outside the public internet unless allowed; where the page only links
the report (附件 .pdf/.docx/.doc), the linked file too. Every failure is a finding, never a hang.

The host is resolved once and the connection made to the address that was checked (so a DNS answer
cannot change between the check and the connection); HTTPS still verifies the host's certificate."""
from __future__ import annotations

import http.client
import ipaddress
import os
import re
import socket
import ssl
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from converter.checks.findings import Finding, make

TIMEOUT = 15.0                 # seconds per connect/read; the whole fetch gets three times that
MAX_BYTES = 20 << 20           # a report page is well under 1 MB, a PDF a few MB
MAX_REDIRECTS = 5
USER_AGENT = "nianbao/0.1 (annual report review)"
_ATTACHMENT = re.compile(r"\.(pdf|docx|doc|wps)(?:$|[?#])", re.IGNORECASE)


@dataclass
class Fetched:
    """What a URL gave: the saved file (None when nothing usable came), its final URL, the page's
    发布日期 where it shows one, and findings (each naming the URL)."""
    url: str
    path: str | None = None
    final_url: str = ""
    published: str = ""
    findings: list[Finding] = field(default_factory=list)


class _Refused(Exception):
    def __init__(self, finding: Finding):
        super().__init__(finding.message)
        self.finding = finding


def _public(ip: str) -> bool:
    addr = ipaddress.ip_address(ip)
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    return addr.is_global and not addr.is_multicast


def _resolve(url: str, host: str, port: int, allow_private: bool) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as e:
        raise _Refused(make("PUB_URL_UNREACHABLE", actual=url, detail=f"域名无法解析（{e}）"[:120])) from None
    addresses = [str(info[4][0]) for info in infos]
    if not allow_private:
        blocked = [a for a in addresses if not _public(a)]
        if blocked:
            raise _Refused(make("PUB_URL_PRIVATE", actual=url, detail=blocked[0]))
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, ip: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, ip: str, timeout: float, context: ssl.SSLContext):
        super().__init__(host, port, timeout=timeout, context=context)
        self._ip = ip
        self._ctx = context

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._ctx.wrap_socket(sock, server_hostname=self.host)


@dataclass(frozen=True)
class _Limits:
    timeout: float
    max_bytes: int
    max_redirects: int
    allow_private: bool
    context: ssl.SSLContext | None
    deadline: float


def _get(url: str, limits: _Limits) -> tuple[str, bytes, str]:
    """(final url, body, content type) or _Refused with the finding."""
    timeout, max_bytes, max_redirects = limits.timeout, limits.max_bytes, limits.max_redirects
    allow_private, context, deadline = limits.allow_private, limits.context, limits.deadline
    seen: list[str] = []
    current = url
    while True:
        parts = urllib.parse.urlsplit(current)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _Refused(make("PUB_URL_INVALID", actual=url, detail="只支持 http:// 或 https:// 开头的网址"))
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise _Refused(make("PUB_URL_INVALID", actual=url, detail="端口号不正确")) from None
        ip = _resolve(url, parts.hostname, port, allow_private)
        left = max(0.1, min(timeout, deadline - time.monotonic()))
        conn: http.client.HTTPConnection
        if parts.scheme == "https":
            conn = _PinnedHTTPS(parts.hostname, port, ip, left, context or ssl.create_default_context())
        else:
            conn = _PinnedHTTP(parts.hostname, port, ip, left)
        # a URL copied from a browser may hold Chinese characters: they go on the wire percent-encoded
        target = urllib.parse.quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
        if parts.query:
            target += "?" + urllib.parse.quote(parts.query, safe="=&%+/:@!$'()*,;-._~")
        try:
            conn.request("GET", target, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity",
                                                 "Accept": "text/html,application/pdf,*/*"})
            resp = conn.getresponse()
            if resp.status in (301, 302, 303, 307, 308):
                location = resp.getheader("Location") or ""
                resp.close()
                seen.append(current)
                following = urllib.parse.urljoin(current, location)
                if following in seen or len(seen) > max_redirects:
                    why = "形成循环" if following in seen else f"超过 {max_redirects} 次"
                    raise _Refused(make("PUB_URL_REDIRECTS", actual=url, detail=why))
                current = following
                continue
            if resp.status != 200:
                raise _Refused(make("PUB_URL_HTTP_ERROR", actual=url, detail=f"{resp.status} {resp.reason}"))
            length = resp.getheader("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise _Refused(make("PUB_URL_TOO_LARGE", actual=url, detail=f"{max_bytes >> 20} MB"))
            body = bytearray()
            while True:
                if time.monotonic() > deadline:
                    raise TimeoutError("deadline")
                chunk = resp.read1(64 << 10) if hasattr(resp, "read1") else resp.read(64 << 10)
                if not chunk:
                    break
                body += chunk
                if len(body) > max_bytes:
                    raise _Refused(make("PUB_URL_TOO_LARGE", actual=url, detail=f"{max_bytes >> 20} MB"))
            return current, bytes(body), resp.getheader("Content-Type") or ""
        except TimeoutError:
            raise _Refused(make("PUB_URL_TIMEOUT", actual=url, detail=f"{timeout:g} 秒")) from None
        except ssl.SSLError as e:
            raise _Refused(make("PUB_URL_UNREACHABLE", actual=url, detail=f"安全连接失败（{e.reason or e}）")) from None
        except (OSError, http.client.HTTPException) as e:
            raise _Refused(make("PUB_URL_UNREACHABLE", actual=url, detail=f"{type(e).__name__}: {e}"[:150])) from None
        finally:
            conn.close()


def _name_for(url: str, body: bytes, dest_dir: str, index: int) -> str:
    from .read import sniff_bytes
    kind = sniff_bytes(body) or "html"
    stem = os.path.basename(urllib.parse.unquote(urllib.parse.urlsplit(url).path)).rsplit(".", 1)[0]
    stem = re.sub(r"[^\w\u4e00-\u9fff-]+", "_", stem)[:60] or "page"
    return os.path.join(dest_dir, f"{index:03d}-{stem}.{kind}")


def _attachments(page: bytes, base: str) -> list[str]:
    """Links on a page to .pdf/.docx/.doc files, those named like a 年报 first."""
    import lxml.html

    from .html import decode
    try:
        root = lxml.html.document_fromstring(decode(page))
    except Exception:  # noqa: BLE001 - a page lxml cannot parse has no links to follow
        return []
    found = []
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if href and _ATTACHMENT.search(href):
            text = a.text_content()
            rank = 0 if ("年报" in text or "年度报告" in text) else 1
            found.append((rank, urllib.parse.urljoin(base, href)))
    return [u for _, u in sorted(found, key=lambda x: x[0])]


def fetch(url: str, dest_dir: str, *, index: int = 1, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES,
          max_redirects: int = MAX_REDIRECTS, allow_private: bool = False,
          context: ssl.SSLContext | None = None) -> Fetched:
    """Fetch `url` into `dest_dir` (as NNN-<name>.<kind>, `index` numbering the URLs of a batch).
    When the page holds no report tables but links a .pdf/.docx/.doc, that file is fetched instead
    and the page's 发布日期 kept. `context` is the TLS context for HTTPS (default: system trust)."""
    out = Fetched(url=url.strip())
    _fetch(out, dest_dir, index=index, timeout=timeout, max_bytes=max_bytes, max_redirects=max_redirects,
           allow_private=allow_private, context=context)
    out.findings = [f.with_file(out.url) for f in out.findings]
    return out


def _fetch(out: Fetched, dest_dir: str, *, index: int, timeout: float, max_bytes: int, max_redirects: int,
           allow_private: bool, context: ssl.SSLContext | None) -> None:
    deadline = time.monotonic() + 3 * timeout
    opts = _Limits(timeout, max_bytes, max_redirects, allow_private, context, deadline)
    try:
        final, body, _ = _get(out.url, opts)
    except _Refused as e:
        out.findings.append(e.finding)
        return
    os.makedirs(dest_dir, exist_ok=True)
    path = _name_for(final, body, dest_dir, index)
    with open(path, "wb") as fh:
        fh.write(body)
    out.path, out.final_url = path, final
    if path.endswith(".html"):
        from converter.intake.result import ReadResult

        from .document import Document
        from .html import parse_html
        from .read import read_document
        doc = parse_html(body, Document(file=path, kind="html"))
        out.published = doc.published
        page = read_document(doc, ReadResult(file=path))
        if page.data is None:
            for link in _attachments(body, final)[:3]:
                try:
                    linked, blob, _ = _get(link, opts)
                except _Refused as e:
                    out.findings.append(e.finding)
                    continue
                attachment = _name_for(linked, blob, dest_dir, index)
                with open(attachment, "wb") as fh:
                    fh.write(blob)
                out.path, out.final_url = attachment, linked
                out.findings = []
                break


def read_urls(urls: list[str], dest_dir: str, **options: Any) -> list[tuple[Fetched, object]]:
    """Fetch and read each URL: [(Fetched, ReadResult or None)], one bad URL never stopping the rest.
    `options` are those of :func:`fetch`."""
    from .read import read_published
    out: list[tuple[Fetched, object]] = []
    for i, url in enumerate(u for u in urls if u.strip() and not u.lstrip().startswith("#")):
        got = fetch(url, dest_dir, index=i + 1, **options)
        result = read_published(got.path) if got.path else None
        if result is not None:
            result.file = got.url
            result.findings = [f.with_file(got.url) for f in result.findings]
        out.append((got, result))
    return out
