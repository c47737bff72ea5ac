"""Reading benchmark (not a test): reports that already exist read into report data, per second on
2 cores, by kind — our own Word reports, the corpus's Word files, web pages and PDFs — and a mixed
folder through `check`. Targets (issue 10): Word ≥ 200/s, web pages ≥ 300/s, PDF ≥ 20/s; a mixed
folder at the rate of its slowest kind.

Run: `.venv/bin/python bench/reading.py` (N files per kind, default 400; PDF_N default 100)."""
from __future__ import annotations

import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
WORK = HERE / "work" / "reading"
CORPUS = ROOT / "tests" / "fixtures" / "published"
N = int(os.environ.get("N", "400"))
PDF_N = int(os.environ.get("PDF_N", "100"))
TARGETS = {"own Word reports": 200, "corpus Word files": 200, "web pages": 300, "PDF": 20}


def _read(path: str) -> bool:
    from converter.intake import read_report
    return read_report(path).data is not None


def _folder(kind: str, sources: list[Path], n: int) -> list[str]:
    folder = WORK / kind.replace(" ", "-")
    if folder.exists() and len(list(folder.iterdir())) == n:
        return sorted(str(p) for p in folder.iterdir())
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for i in range(n):
        src = sources[i % len(sources)]
        shutil.copy(src, folder / f"{i:05d}{src.suffix}")
    return sorted(str(p) for p in folder.iterdir())


def _own_reports() -> list[Path]:
    from converter.batch import build
    out = WORK / "own-src"
    if not out.exists():
        build([ROOT / "samples"], out, jobs=1)
    return sorted(out.glob("*.docx"))


def main() -> int:
    WORK.mkdir(parents=True, exist_ok=True)
    kinds = {
        "own Word reports": (_own_reports(), N),
        "corpus Word files": (sorted(CORPUS.glob("*_word.docx")), N),
        "web pages": (sorted(CORPUS.glob("*.html")), N),
        "PDF": (sorted(CORPUS.glob("*.pdf")), PDF_N),
    }
    print(f"\nnianbao reading benchmark: {os.cpu_count()} cores, 2 processes\n", flush=True)
    rates = {}
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_read, [str(CORPUS / "pingtan_2024.html")] * 4))      # warm both workers
        for kind, (sources, n) in kinds.items():
            files = _folder(kind, sources, n)
            t = time.perf_counter()
            ok = sum(pool.map(_read, files, chunksize=8))
            rates[kind] = len(files) / (time.perf_counter() - t)
            print(f"  {kind:>18}: {rates[kind]:7.1f} files/s  ({ok}/{len(files)} read; target {TARGETS[kind]}: "
                  f"{'yes' if rates[kind] >= TARGETS[kind] else 'no'})", flush=True)
    mixed = WORK / "mixed"
    if not mixed.exists():
        mixed.mkdir()
        for kind in kinds:
            for p in _folder(kind, kinds[kind][0], kinds[kind][1])[:PDF_N]:
                shutil.copy(p, mixed / f"{kind.replace(' ', '-')}-{Path(p).name}")
    from converter.batch import check_files
    files = sorted(mixed.iterdir())
    t = time.perf_counter()
    check_files([mixed], jobs=2, keep_tasks=False)
    rate = len(files) / (time.perf_counter() - t)
    print(f"  {'mixed folder, check':>18}: {rate:7.1f} files/s  (slowest kind alone: {min(rates.values()):.1f}/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
