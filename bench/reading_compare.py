"""Same results check for reader speed-ups (not a test): reads every published-report input the
reading benchmark reads (bench/work/reading/, one file of each content), the fixtures in
tests/fixtures/published/, the corpus and any extra files given, with this checkout and with another
checkout of the code (e.g. a worktree of main), and reports every file whose parsed Document or
read_report(...) result (data, format, locations, findings, reported cells, published date) differs.

Run: `.venv/bin/python bench/reading_compare.py OTHER_CHECKOUT [EXTRA_FILE_OR_DIR ...]`; exit 0 when
all are the same, 1 when any differs."""
from __future__ import annotations

import hashlib
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
KINDS = (".docx", ".html", ".htm", ".pdf")


def _inputs(extra: list[str]) -> list[str]:
    """The files to read: one of each distinct content (the benchmark's folders hold copies)."""
    places = [HERE / "work" / "reading", ROOT / "tests" / "fixtures" / "published",
              ROOT.parent / "shared" / "corpus" / "published", *map(Path, extra)]
    seen: dict[str, str] = {}
    for place in places:
        files = [place] if place.is_file() else sorted(place.rglob("*")) if place.is_dir() else []
        for f in files:
            if f.is_file() and f.suffix.lower() in KINDS:
                seen.setdefault(hashlib.sha256(f.read_bytes()).hexdigest(), str(f))
    return sorted(seen.values())


def _dump(tree: str, files: list[str], out: str) -> None:
    """In a process of its own: the results of the code in `tree` for `files`, pickled to `out`."""
    sys.path.insert(0, tree)
    import converter
    assert converter.__file__ and converter.__file__.startswith(tree), converter.__file__
    from converter.intake import read_report
    from converter.intake.published.read import parse, sniff_kind
    results = {}
    for f in files:
        kind = sniff_kind(f)
        doc = parse(f, kind) if kind in ("docx", "html", "pdf") else None
        r = read_report(f)
        results[f] = (repr(doc), repr(r.data), r.format_id, sorted(map(repr, r.locations.items())),
                      [repr(x) for x in r.findings], sorted(map(repr, r.reported)), r.published)
    with open(out, "wb") as fh:
        pickle.dump(results, fh)


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--dump":
        _dump(sys.argv[2], sys.argv[4:], sys.argv[3])
        return 0
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    other = str(Path(sys.argv[1]).resolve())
    files = _inputs(sys.argv[2:])
    with tempfile.TemporaryDirectory() as tmp:
        results = []
        for i, tree in enumerate((str(ROOT), other)):
            out = f"{tmp}/{i}.pickle"
            subprocess.run([sys.executable, __file__, "--dump", tree, out, *files], check=True, cwd=tmp)
            with open(out, "rb") as fh:
                results.append(pickle.load(fh))
    differ = [f for f in files if results[0][f] != results[1][f]]
    for f in differ:
        print("differs:", f)
    print(f"{len(files)} files read by both, {len(differ)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
