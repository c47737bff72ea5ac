"""Do two versions of the code give the same results? `python bench/same_results.py REV [PATH...]`
reads every file under each PATH (default: bench/work/in-2000) with this checkout and with REV's tree
(exported with `git archive` once, see bench/ab.py), each in its own process, and compares, file by file, what
read_report gives (data, format, locations, findings, reported cells) and what process_file gives
with figures (findings, figures, status, unit, year). Prints the files that differ; exit status 1 if
any does. For speed-ups, which must not change a single result."""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.ab import export  # noqa: E402

CHILD = """
import os, pickle, sys
sys.path.insert(0, sys.argv[1])
from converter.batch.pipeline import process_file
from converter.intake.reader import read_report
out = {}
for p in sys.argv[3:]:
    r = read_report(p)
    t = process_file(p, figures=True)
    out[p] = (repr(r.data), r.format_id, repr(sorted(r.locations.items())), repr(r.findings),
              repr(sorted(r.reported)), repr(t.findings), repr(t.figures), str(t.status), t.unit, t.year)
with open(sys.argv[2], "wb") as fh:
    pickle.dump(out, fh)
"""


def files_under(paths: list[str]) -> list[str]:
    """Every file under the given files and folders, sorted."""
    out: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            out += sorted(str(f) for f in Path(p).rglob("*") if f.is_file())
        else:
            out.append(p)
    return out


def results(tree: str, files: list[str], work: str, name: str) -> dict:
    """What the code in `tree` gives for each file, read in a fresh process."""
    dump = os.path.join(work, name + ".pickle")
    env = dict(os.environ, PYTHONPATH=tree)
    subprocess.run([sys.executable, "-c", CHILD, tree, dump, *files], check=True, env=env, cwd=work)
    with open(dump, "rb") as fh:
        found: dict = pickle.load(fh)
    return found


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    rev, paths = sys.argv[1], sys.argv[2:] or [str(HERE / "work" / "in-2000")]
    files = files_under(paths)
    other = str(export(rev))
    with tempfile.TemporaryDirectory(prefix="same-results-") as work:
        a = results(other, files, work, "a")
        b = results(str(ROOT), files, work, "b")
    differ = [f for f in files if a.get(f) != b.get(f)]
    for f in differ[:20]:
        fields = [i for i, (x, y) in enumerate(zip(a[f], b[f])) if x != y]
        print(f"differs: {f} (fields {fields})")
    print(f"{len(files)} files compared with {rev}: {len(differ)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
