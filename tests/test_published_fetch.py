"""Fetching reports by URL from a real HTTP server on 127.0.0.1: a private address is refused unless
allowed; corpus pages and a page that only links its PDF are read; a redirect loop, a 50 MB page and
a slow server each end in a clear finding, quickly."""
from __future__ import annotations

import http.server
import threading
import time

import pytest
from published_truth import FIXTURES, cells, load

from converter.intake.published.fetch import fetch, read_urls

BIG = 50 << 20


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):      # keep the test output clean
        pass

    def _send(self, body: bytes, ctype: str = "text/html; charset=utf-8", length: bool = True) -> None:
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path.startswith("/corpus/"):
            name = path[len("/corpus/"):]
            ctype = "application/pdf" if name.endswith(".pdf") else "text/html"
            self._send((FIXTURES / name).read_bytes(), ctype)
        elif path == "/article":
            self._send("<html><head><title>洪泽区人民政府2023年政府信息公开工作年度报告</title></head><body>"
                       "<p>发布日期：2024-01-19</p><p>附件：<a href='/corpus/hongze_2023.pdf'>洪泽区2023年年报</a>"
                       "</p></body></html>".encode())
        elif path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop2")
            self.end_headers()
        elif path == "/loop2":
            self.send_response(301)
            self.send_header("Location", "/loop")
            self.end_headers()
        elif path in ("/big", "/big-chunked"):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            if path == "/big":
                self.send_header("Content-Length", str(BIG))
            self.end_headers()
            block = b"<p>" + b"x" * 65533
            try:
                for _ in range(BIG // len(block)):
                    self.wfile.write(block)
            except OSError:
                pass        # the client hung up, as it should
        elif path == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(60):
                    self.wfile.write(b"<p>")
                    self.wfile.flush()
                    time.sleep(0.5)
            except OSError:
                pass
        elif path == "/silent":
            time.sleep(8)
        elif path == "/gone":
            self.send_error(404)
        else:
            self.send_error(404)


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _codes(got):
    return [f.code for f in got.findings]


def test_private_address_refused_by_default(server, tmp_path):
    got = fetch(server + "/corpus/pingtan_2024.html", str(tmp_path))
    assert got.path is None and _codes(got) == ["PUB_URL_PRIVATE"]
    assert "127.0.0.1" in got.findings[0].message and got.findings[0].file == server + "/corpus/pingtan_2024.html"
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("url", ["http://localhost:1/x", "http://[::1]:1/x", "http://10.1.2.3/x",
                                 "http://169.254.169.254/latest/meta-data"])
def test_other_private_addresses_refused(url, tmp_path):
    assert _codes(fetch(url, str(tmp_path))) == ["PUB_URL_PRIVATE"]


@pytest.mark.parametrize("url", ["ftp://example.org/a", "file:///etc/passwd", "not a url"])
def test_only_http_urls(url, tmp_path):
    assert _codes(fetch(url, str(tmp_path))) == ["PUB_URL_INVALID"]


def test_corpus_pages_are_read_from_the_server(server, tmp_path):
    urls = [server + "/corpus/pingtan_2024.html", server + "/corpus/shuyang_fgj_2023.html", server + "/gone"]
    results = read_urls(urls, str(tmp_path), allow_private=True, timeout=5)
    for (got, result), stem in zip(results[:2], ("pingtan_2024", "shuyang_fgj_2023")):
        _, expected = cells(load(stem))
        assert result.file == got.url
        assert {p: result.data["tables"][p[1]][p[2]][p[3]] for p in expected} == expected
    gone, result = results[2]
    assert result is None and _codes(gone) == ["PUB_URL_HTTP_ERROR"] and "404" in gone.findings[0].message


def test_page_that_only_links_its_report(server, tmp_path):
    (got, result), = read_urls([server + "/article"], str(tmp_path), allow_private=True, timeout=5)
    assert got.published == "2024-01-19"
    assert got.final_url.endswith("/corpus/hongze_2023.pdf") and got.path.endswith(".pdf")
    assert result.data["fields"]["year"] == 2023
    assert result.data["tables"]["p4"]["main"]["rupheld"] == 10


def test_redirect_loop(server, tmp_path):
    got = fetch(server + "/loop", str(tmp_path), allow_private=True, timeout=5)
    assert _codes(got) == ["PUB_URL_REDIRECTS"] and "循环" in got.findings[0].message


@pytest.mark.parametrize("path", ["/big", "/big-chunked"])
def test_a_50_mb_page_is_refused(server, tmp_path, path):
    start = time.monotonic()
    got = fetch(server + path, str(tmp_path), allow_private=True, timeout=5)
    assert _codes(got) == ["PUB_URL_TOO_LARGE"]
    assert time.monotonic() - start < 10


@pytest.mark.parametrize("path", ["/slow", "/silent"])
def test_a_slow_server_ends_in_a_finding(server, tmp_path, path):
    start = time.monotonic()
    got = fetch(server + path, str(tmp_path), allow_private=True, timeout=1)
    assert _codes(got) == ["PUB_URL_TIMEOUT"] and "超时" in got.findings[0].message
    assert time.monotonic() - start < 5


def test_unreachable(tmp_path):
    from servers import free_port
    got = fetch(f"http://127.0.0.1:{free_port()}/", str(tmp_path), allow_private=True, timeout=2)
    assert _codes(got) == ["PUB_URL_UNREACHABLE"]


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    import ssl

    from servers import make_cert
    cert, key = make_cert(tmp_path_factory.mktemp("cert"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{httpd.server_address[1]}", cert
    httpd.shutdown()
    httpd.server_close()


def test_https_verifies_the_certificate(tls_server, tmp_path):
    import ssl
    base, cert = tls_server
    untrusted = fetch(base + "/corpus/pingtan_2024.html", str(tmp_path), allow_private=True, timeout=5)
    assert _codes(untrusted) == ["PUB_URL_UNREACHABLE"] and "安全连接" in untrusted.findings[0].message
    trusted = fetch(base + "/corpus/pingtan_2024.html", str(tmp_path), allow_private=True, timeout=5,
                    context=ssl.create_default_context(cafile=str(cert)))
    assert trusted.findings == [] and trusted.path and trusted.path.endswith(".html")
