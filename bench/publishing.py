"""Publishing benchmark (not a test): PDF (typst) and HTML reports per second from the valid samples,
and LibreOffice converting the same .docx files to PDF for comparison.

Run: `.venv/bin/python bench/publishing.py` (N reports per measurement, default 400; LO_N documents
for LibreOffice, default 40). Each report's data is varied a little (the unit name) so no cache of a
previous identical document can help. Prints one line per figure.
"""
from __future__ import annotations

import copy
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

N = int(os.environ.get("N", "400"))
LO_N = int(os.environ.get("LO_N", "40"))


def _reports(n: int) -> list[tuple[dict, object]]:
    from publishing import valid_samples
    samples = valid_samples()
    out = []
    for i in range(n):
        _, data, fmt = samples[i % len(samples)]
        d = copy.deepcopy(data)
        d["fields"]["unit"] = f"{data['fields']['unit']}{i}"
        for table in d["tables"].values():          # other figures in every report
            for row in table.values():
                for key, v in row.items():
                    if isinstance(v, int) and not isinstance(v, bool):
                        row[key] = v + (i * 7 + len(key)) % 13
        out.append((d, fmt))
    return out


_WORKER_REPORTS: list = []


def _worker_init(n: int) -> None:
    """A worker's reports are built and its compiler warmed before the clock starts."""
    from converter.render.pdf import render_pdf
    _WORKER_REPORTS[:] = _reports(n)
    render_pdf(*_WORKER_REPORTS[0])


def _pdf_chunk(args) -> int:
    start, n = args
    from converter.render.pdf import render_pdf
    return sum(len(render_pdf(d, f)) > 0 for d, f in _WORKER_REPORTS[start:start + n])


def _rate(label: str, fn, n: int) -> float:
    t = time.perf_counter()
    fn()
    dt = time.perf_counter() - t
    print(f"{label}: {n / dt:8.1f} reports/s  ({dt * 1000 / n:.1f} ms each, {n} reports)")
    return n / dt


def main() -> None:
    from converter.render.html import render_html, render_html_fragment
    from converter.render.pdf import font_substitutions, render_pdf
    from converter.render_docx import render_report
    reports = _reports(N)
    print(f"fonts substituted: {font_substitutions() or 'none'}")
    render_pdf(*reports[0])                                    # warm: font scan, compiler
    _rate("PDF  (typst, 1 process)", lambda: [render_pdf(d, f) for d, f in reports], N)
    # spawn, not fork: a forked child inherits typst's threads' locks from the warmed parent
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_init,
                             initargs=(N,)) as pool:
        list(pool.map(_pdf_chunk, [(0, 1), (1, 1)]))           # both workers started and warm
        time.sleep(1)
        half = N // 2
        _rate("PDF  (typst, 2 processes)", lambda: list(pool.map(_pdf_chunk, [(0, half), (half, N - half)])), N)
    render_html(*reports[0])
    _rate("HTML page (1 process)", lambda: [render_html(d, f) for d, f in reports], N)
    _rate("HTML fragment (1 process)", lambda: [render_html_fragment(d, f) for d, f in reports], N)
    soffice = shutil.which("soffice")
    if not soffice:
        print("LibreOffice: not installed, no baseline")
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        docs = []
        for i, (d, f) in enumerate(reports[:LO_N]):
            p = work / "docx" / f"r{i}.docx"
            p.parent.mkdir(exist_ok=True)
            p.write_bytes(render_report(d, f))
            docs.append(p)

        def convert(files, profile: str, out: str) -> subprocess.Popen:
            return subprocess.Popen([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{work}/{profile}",
                                     "--convert-to", "pdf", "--outdir", str(work / out), *map(str, files)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    env=dict(os.environ, HOME=str(work / profile)))

        for profile in ("p1", "p2"):                          # first start of a profile is slow: not timed
            convert(docs[:1], profile, "warm").wait()
        _rate("LibreOffice, one process per document", lambda: [convert([p], "p1", "one").wait() for p in docs[:10]], 10)
        half = len(docs) // 2

        def batched():
            procs = [convert(docs[:half], "p1", "b1"), convert(docs[half:], "p2", "b2")]
            for p in procs:
                p.wait()
        _rate("LibreOffice, one persistent process per core (2)", batched, len(docs))


if __name__ == "__main__":
    main()
