"""A/B benchmark of two versions of the code on the same workbooks: `python bench/ab.py REV`
(N workbooks, default 2000; ROUNDS alternating rounds, default 3). The other version is REV's tree,
exported with `git archive`; both run with this virtual environment, each measurement in a fresh
process, A and B alternating so that the machine's drift hits both alike. Prints each round and the
median ratio B/A of throughput (above 1: this checkout is faster)."""
from __future__ import annotations

import io
import os
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.run import WORK, inputs  # noqa: E402

CHILD = """
import resource, sys, time
sys.path.insert(0, sys.argv[1])
from converter.batch import build, check_files
kind, folder, jobs, out = sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
import glob
files = sorted(glob.glob(folder + "/*.xlsx"))
t = time.perf_counter()
if kind == "build":
    build(files, out, jobs=jobs, keep_tasks=False)
else:
    check_files(files, jobs=jobs, keep_tasks=False)
print(time.perf_counter() - t, len(files))
"""


def export(rev: str) -> Path:
    """REV's converter package, exported once into bench/work/ab-<commit> (named by the commit, so that
    a branch name or HEAD never finds an older export)."""
    commit = subprocess.run(["git", "rev-parse", "--short=12", f"{rev}^{{commit}}"], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout.strip()
    tree = WORK / f"ab-{commit}"
    if not (tree / "converter").is_dir():
        blob = subprocess.run(["git", "archive", commit, "converter"], cwd=ROOT, capture_output=True, check=True).stdout
        tree.mkdir(parents=True, exist_ok=True)
        with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
            tar.extractall(tree, filter="data")
    return tree


def once(tree: Path, kind: str, folder: Path, jobs: int, out: Path) -> float:
    r = subprocess.run([sys.executable, "-c", CHILD, str(tree), kind, str(folder), str(jobs), str(out)],
                       capture_output=True, text=True, check=True)
    seconds, files = r.stdout.split()
    return int(files) / float(seconds)


def main() -> int:
    rev = sys.argv[1] if len(sys.argv) > 1 else "HEAD"
    n = int(os.environ.get("N", "2000"))
    rounds = int(os.environ.get("ROUNDS", "3"))
    folder = inputs(n)
    old, new = export(rev), ROOT
    stamp = time.strftime("%H%M%S")
    print(f"A = {rev}, B = this checkout; {n} workbooks, {rounds} alternating rounds (workbooks/s)", flush=True)
    for kind, jobs in (("check", 2), ("build", 1), ("build", 2)):
        ratios = []
        for i in range(rounds):
            order = [(old, "A"), (new, "B")] if i % 2 == 0 else [(new, "B"), (old, "A")]
            got = {}
            for tree, name in order:
                got[name] = once(tree, kind, folder, jobs, WORK / f"ab-out-{stamp}-{kind}{jobs}-{i}-{name}")
            ratios.append(got["B"] / got["A"])
            print(f"  {kind} --jobs {jobs} round {i + 1}: A {got['A']:.0f}/s  B {got['B']:.0f}/s  "
                  f"B/A {ratios[-1]:.2f}", flush=True)
        print(f"  {kind} --jobs {jobs}: median B/A {statistics.median(ratios):.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
