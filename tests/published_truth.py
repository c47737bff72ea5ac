"""Test helper: the corpus's label-keyed ground truth (tests/fixtures/published/<stem>.json, see the
README there) -> {path: value} over a format's paths, mapped through the format's own labels."""
from __future__ import annotations

import json
import re
from pathlib import Path as FsPath

from converter.definition import compile
from converter.definition.formats import get
from converter.definition.model import Format

FIXTURES = FsPath(__file__).parent / "fixtures" / "published"
P3_ORDER = ("natural", "commercial", "research", "nonprofit", "legal", "other", "total")
P4_BLOCKS = {"行政复议": "r", "未经复议直接起诉": "d", "复议后起诉": "a"}
P4_ORDER = ("upheld", "corrected", "other", "pending", "total")


def load(stem: str) -> dict:
    return json.loads((FIXTURES / f"{stem}.json").read_text(encoding="utf-8"))


def number(v):
    """The corpus keeps 2019 采购总金额 as printed ("75394432.52元"): its number is what counts."""
    if isinstance(v, str):
        return float(re.sub(r"[^\d.]", "", v))
    return v


def cells(truth: dict) -> tuple[Format, dict]:
    """(format, {("tables", t, r, c): value}) for every table cell of the transcription."""
    fmt = get(truth["format"])
    out: dict = {}
    by_row_label = {r.label: (t, r) for t in fmt.tables() for r in t.rows if r.path}
    for row_label, cols in truth["part2"].items():
        t, r = by_row_label[row_label]
        for col_label, value in cols.items():
            c = next(c for c in t.columns if c.label == col_label)
            out[("tables", t.key, r.key, c.key)] = number(value)
    p3 = fmt.table("p3")
    by_path = {"/".join(r.path[1:] if r.path[0] == "三、本年度办理结果" else r.path): r for r in p3.rows}
    for row_label, values in truth["part3"].items():
        r = by_path[row_label]
        for key, value in zip(P3_ORDER, values):
            out[("tables", "p3", r.key, key)] = value
    for block, values in truth["part4"].items():
        for key, value in zip(P4_ORDER, values):
            out[("tables", "p4", "main", P4_BLOCKS[block] + key)] = value
    assert set(out) == set(compile(fmt).cell_paths), "the transcription maps every cell"
    return fmt, out
