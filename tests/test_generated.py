"""The committed schema/ and workbook_template/ files are what the format definitions produce."""
import io
import zipfile

from converter.generate import ROOT, artefacts


def _members(blob: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_committed_artefacts_are_fresh():
    stale = []
    for rel, blob in artefacts().items():
        path = ROOT / rel
        if not path.exists():
            stale.append(rel + " (missing)")
            continue
        current = path.read_bytes()
        same = _members(current) == _members(blob) if rel.endswith(".xlsx") else current == blob
        if not same:
            stale.append(rel)
    assert not stale, f"stale generated files, run `make generate`: {stale}"
