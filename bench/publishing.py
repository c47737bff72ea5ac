"""Publishing benchmark (not a test): PDF (typst) and HTML reports per second from the valid samples,
and LibreOffice converting the same .docx files to PDF for comparison.

Run: `.venv/bin/python bench/publishing.py` (N reports per measurement, default 400; LO_N documents
for LibreOffice, default 40; E2E_N workbooks for `build --pdf --html`, default 300, taken from the
workbooks bench/run.py generated in bench/work/in-*; REPEAT runs of the two-process PDF and the
end-to-end batches, the fastest kept, default 3). Each report's data is varied a little (the unit
name and every figure) so no cache of a previous identical document can help. Prints one line per
figure: the rate by the wall clock and, beside it, the CPU time per report (all processes). On a shared
machine the wall-clock rates move with the other users' load; the CPU times move much less, so the
PDF engine is also compared with LibreOffice by CPU time per document.
"""
from __future__ import annotations

import copy
import multiprocessing
import os
import resource
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
E2E_N = int(os.environ.get("E2E_N", "300"))
REPEAT = int(os.environ.get("REPEAT", "3"))      # runs of the timed batches, the fastest kept (as bench/run.py)
WORK = ROOT / "bench" / "work"
TARGETS = {"pdf_2": 40.0, "html": 1000.0, "build_pdf_html": 30.0, "vs_libreoffice": 5.0}     # issue 13, on 2 cores


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


def _pdf_chunk(args) -> tuple[int, float]:
    """(PDFs made, this worker's CPU seconds for them)."""
    start, n = args
    from converter.render.pdf import render_pdf
    t = time.process_time()
    done = sum(len(render_pdf(d, f)) > 0 for d, f in _WORKER_REPORTS[start:start + n])
    return done, time.process_time() - t


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _rate(label: str, fn, n: int, target: float | None = None, repeat: int = 1) -> tuple[float, float]:
    """Runs fn `repeat` times and keeps the fastest run (a shared machine is noisy: the best is what
    the code can do, as bench/run.py takes it); prints and returns (reports/s by the wall clock, ms of
    CPU per report). fn returns the CPU seconds it used in other processes, or None when all of it ran
    in this one."""
    runs = []
    for _ in range(repeat):
        t, cpu = time.perf_counter(), time.process_time()
        other = fn()
        dt = time.perf_counter() - t
        runs.append((dt, (other if isinstance(other, float) else time.process_time() - cpu) * 1000 / n))
    dt, cpu_ms = min(runs)
    goal = f", target >= {target:g}/s" if target else ""
    best = f", best of {repeat}" if repeat > 1 else ""
    print(f"{label}: {n / dt:8.1f} reports/s  ({dt * 1000 / n:.1f} ms each, {cpu_ms:.1f} ms CPU each, {n} reports{best}{goal})")
    return n / dt, cpu_ms


def _two_workers(pool, n: int) -> float:
    """The PDFs of n reports split over the pool's two workers: their CPU seconds."""
    half = n // 2
    return float(sum(cpu for _, cpu in pool.map(_pdf_chunk, [(0, half), (half, n - half)])))


def _generated_workbooks(n: int) -> list[Path]:
    """The first n workbooks bench/run.py generated (varied figures and text), or none."""
    for folder in sorted(WORK.glob("in-*"), key=lambda p: -len(list(p.glob("*.xlsx")))):
        files = sorted(folder.glob("*.xlsx"))
        if len(files) >= n:
            return files[:n]
    return []


def _build(files: list[Path], out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "converter", "build", *map(str, files), "-o", str(out), "--jobs", "2",
                           "--pdf", "--html", "--quiet"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _end_to_end() -> None:
    """`nianbao build --pdf --html --jobs 2` on generated workbooks: read, check, Word, PDF, web page, index."""
    files = _generated_workbooks(E2E_N)
    if not files:
        print(f"build --pdf --html: no {E2E_N} generated workbooks in {WORK} (bench/run.py makes them), skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        _build(files[:4], Path(tmp) / "warm")               # the disk cache holds the fonts and the code

        outs: list[Path] = []

        def run() -> float:
            outs.append(Path(tmp) / f"out{len(outs)}")        # each run into an empty folder of its own
            before = _children_cpu()
            done = _build(files, outs[-1])
            if done.returncode not in (0, 1):             # 1: some workbook did not pass its checks
                raise RuntimeError(done.stderr.decode("utf-8", "replace")[-2000:])
            return _children_cpu() - before
        _rate("build --pdf --html --jobs 2 (end to end)", run, len(files), TARGETS["build_pdf_html"], REPEAT)
        pdfs = len(list(outs[-1].glob("*.pdf")))
        print(f"  ({pdfs} of {len(files)} workbooks passed their checks and became .docx + .pdf + .html)")


def main() -> None:
    from converter.render.docx import render_report
    from converter.render.html import render_html, render_html_fragment
    from converter.render.pdf import font_substitutions, render_pdf
    reports = _reports(N)
    print(f"fonts substituted: {font_substitutions() or 'none'}")
    render_pdf(*reports[0])                                    # warm: font scan, compiler
    _rate("PDF  (typst, 1 process)", lambda: [render_pdf(d, f) for d, f in reports], N)
    # spawn, not fork: a forked child inherits typst's threads' locks from the warmed parent
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_init,
                             initargs=(N,)) as pool:
        list(pool.map(_pdf_chunk, [(0, 1), (1, 1)]))           # both workers started and warm
        time.sleep(1)
        pdf_rate, pdf_cpu = _rate("PDF  (typst, 2 processes)", lambda: _two_workers(pool, N), N, TARGETS["pdf_2"], REPEAT)
    render_html(*reports[0])
    _rate("HTML page (1 process)", lambda: [render_html(d, f) for d, f in reports], N, TARGETS["html"])
    _rate("HTML fragment (1 process)", lambda: [render_html_fragment(d, f) for d, f in reports], N)
    _end_to_end()
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

        def one_each() -> float:
            before = _children_cpu()
            for p in docs[:10]:
                convert([p], "p1", "one").wait()
            return _children_cpu() - before
        _rate("LibreOffice, one process per document", one_each, 10)
        half = len(docs) // 2

        def batched() -> float:
            before = _children_cpu()
            procs = [convert(docs[:half], "p1", "b1"), convert(docs[half:], "p2", "b2")]
            for p in procs:
                p.wait()
            return _children_cpu() - before
        lo_rate, lo_cpu = _rate("LibreOffice, one persistent process per core (2)", batched, len(docs))
        print(f"PDF engine against LibreOffice (2 processes each): {pdf_rate / lo_rate:.1f}x by the wall clock, "
              f"{lo_cpu / pdf_cpu:.1f}x by CPU time per document (target >= {TARGETS['vs_libreoffice']:g}x)")


if __name__ == "__main__":
    main()
