"""Regenerate the committed artefacts derived from the format definitions:
schema/report-<id>.schema.json and workbook_template/年报填报模板-<id>.xlsx. Run by `make generate`;
tests/test_generated.py fails when the committed copies are stale."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from converter.definition.formats import FORMATS
from converter.definition.schema import build_schema
from converter.files import write_bytes_atomic
from converter.template.workbook import make_template

ROOT = Path(__file__).resolve().parent.parent


def artefacts() -> dict[str, bytes]:
    """Every committed generated file: relative path -> content."""
    out = {}
    for fmt in FORMATS.values():
        out[f"schema/report-{fmt.id}.schema.json"] = (
            json.dumps(build_schema(fmt), ensure_ascii=False, indent=2) + "\n").encode()
        out[f"workbook_template/年报填报模板-{fmt.id}.xlsx"] = make_template(fmt)
    return out


def main(root: Path = ROOT) -> int:
    """Write the generated files under `root`."""
    for rel, blob in artefacts().items():
        write_bytes_atomic(root / rel, blob)
        print(f"wrote {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
