"""The national formats, one data module each. A new format version is a new module here."""
from __future__ import annotations

from converter.definition.model import Format
from converter.definition.formats import f2019, f2021

FORMATS: dict[str, Format] = {f.id: f for f in (f2021.FORMAT, f2019.FORMAT)}
DEFAULT = "2021"


def get(format_id: str) -> Format:
    try:
        return FORMATS[str(format_id)]
    except KeyError:
        raise KeyError(f"未知的报告格式“{format_id}”，可选：{'、'.join(FORMATS)}") from None
