"""`nianbao check --urls`: published pages served by a real HTTP server on loopback are fetched and
checked like files; findings name the URL; a private address is refused unless allowed."""
import functools
import http.server
import json
import subprocess
import sys
import threading

import pytest
from conftest import FIXTURES


@pytest.fixture(scope="module")
def site():
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(FIXTURES / "published"))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def nianbao(*args):
    return subprocess.run([sys.executable, "-m", "converter", *args], capture_output=True, text=True, timeout=120)


def test_check_urls_reads_published_pages(site, tmp_path):
    listing = tmp_path / "年报链接.txt"
    listing.write_text(f"# 各单位年报\n{site}/pingtan_2024.html\n\n{site}/hongze_2023.pdf\n", encoding="utf-8")
    r = nianbao("check", "--urls", str(listing), "--allow-private", "--json")
    assert r.returncode == 1, r.stderr           # hongze_2023 prints two wrong 总计
    found = json.loads(r.stdout)
    wrong = [f for f in found if f["code"] == "P4_BLOCK_TOTAL"]
    assert len(wrong) == 2 and all(f["file"] == f"{site}/hongze_2023.pdf" for f in wrong)
    assert not [f for f in found if f["file"].endswith("pingtan_2024.html") and f["severity"] == "error"]


def test_private_address_refused_by_default(site):
    r = nianbao("check", f"{site}/pingtan_2024.html")
    assert r.returncode == 1 and "PUB_URL_PRIVATE" in r.stdout and "--allow-private" in r.stdout
