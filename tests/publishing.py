"""What the publishing tests share: the valid samples, poppler's tools and a headless Chromium."""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from converter.checks import Context, run_checks
from converter.checks.findings import has_errors
from converter.definition.formats import get
from converter.intake.workbook import read_workbook

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
PAGE_NUMBER = re.compile(r"—\s*\d+\s*—")
NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


def valid_samples() -> list[tuple[str, dict, object]]:
    """(name, data, format) of every sample that reads and checks without an error."""
    out = []
    for path in sorted(SAMPLES.glob("*.xlsx")):
        r = read_workbook(path)
        if not r.ok:
            continue
        fmt = get(r.data["format"])
        if not has_errors(run_checks(r.data, fmt, Context(fmt, r.locations, r.reported))):
            out.append((path.stem, r.data, fmt))
    return out


def squash(text: str) -> str:
    """Text without whitespace and page numbers: what survives line and page breaks."""
    return re.sub(r"\s+", "", PAGE_NUMBER.sub("", text))


def pdftotext(pdf: Path, layout: bool = False) -> str:
    cmd = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + [str(pdf), "-"]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def table_rows_found(layout_text: str, rows: list[list[str]]) -> list[list[str]]:
    """The rows (each a list of figures) not found, in order, as runs of numbers on one line of
    `pdftotext -layout` output; each row must come after the previous row's line."""
    lines = [[t for t in line.split() if NUMBER.match(t)] for line in layout_text.splitlines()]
    missing, at = [], 0
    for row in rows:
        n = len(row)
        hit = next((i for i in range(at, len(lines))
                    if any(lines[i][j:j + n] == row for j in range(len(lines[i]) - n + 1))), None)
        if hit is None:
            missing.append(row)
        else:
            at = hit + 1
    return missing


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def chromium_run(url: str, *args: str) -> None:
    """Run headless Chromium once on `url` with a fresh profile and nothing fetched from the network."""
    with tempfile.TemporaryDirectory() as profile:
        cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
               *args, url]
        proc = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            raise RuntimeError(f"chromium failed ({proc.returncode}): {proc.stderr[-2000:]}")
