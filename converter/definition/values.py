"""Small pure clean-ups of a raw cell value, applied in this order: text normalisation (full-width to
half-width, spaces, line breaks), then the kind's own parsing (see kinds.py, which says which applies).
A value that cannot be parsed is kept as its text, so that the checks can quote it."""
from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    from converter.definition.kinds import NumberKind

_SPACES = re.compile(r"[\s\u00a0\u3000]+")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
# the types of a plain number, for telling a whole list at once ({*map(type, values)} <= PLAIN_NUMBERS):
# compared by type, so that a bool (an int to isinstance) is not one
PLAIN_NUMBERS = frozenset({int, float})


def plain_number(v: Any) -> float | None:
    """A plain number (int or float, not a bool, which isinstance takes for one) as a float; else None."""
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def sum_at(root: Any, paths: Iterable[tuple[str, ...]]) -> float | None:
    """The sum of the plain numbers at these paths below `root` (nested dicts); None when one is
    missing or not a number."""
    total = 0.0
    for path in paths:
        node = root
        try:
            for k in path:
                node = node[k]
        except (KeyError, TypeError):
            return None
        v = plain_number(node)
        if v is None:
            return None
        total += v
    return total


def report_year(data: dict[str, Any]) -> int | None:
    """Report data's year (fields.year) when it is a whole number, and not a bool (which isinstance
    takes for one); else None."""
    year = data.get("fields", {}).get("year")
    return year if type(year) is int else None


def text(value: Any) -> str:
    """Narrative text from a raw cell value: line breaks kept (as \\n), spaces at line ends and Excel's
    _x000D_ dropped; None gives ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    s = str(value).replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.strip() for line in s.split("\n")]
    return "\n".join(lines).strip()


def number(value: Any, kind: NumberKind) -> Any:
    """A number for a cell of `kind`, None for a blank cell, or the original text when it is not a number."""
    if value is None or type(value) is int:
        return value
    if isinstance(value, bool) or isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return text(value)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return str(value)
        return _tidy(value, kind)
    s = unicodedata.normalize("NFKC", str(value))
    s = _SPACES.sub("", s).replace(",", "")
    if s == "":
        return None
    if kind.suffix:
        s = re.sub(kind.suffix, "", s)
    if not _NUMBER.match(s):
        return text(value)
    try:
        return _tidy(float(s) if "." in s else int(s), kind)
    except ValueError:       # more digits than Python converts: kept as a short text, for its finding
        return f"{s[:12]}…（共 {len(s)} 位数字）"


def _tidy(v: int | float, kind: NumberKind) -> int | float:
    if isinstance(v, float):
        if v.is_integer() and kind.integer:
            return int(v)
        if not kind.integer:
            v = round(v, 6)      # binary noise from spreadsheets, e.g. 0.30000000000000004
            return int(v) if v.is_integer() else v
    return v


def items(values: Iterable[Any]) -> list[str]:
    """The non-blank texts of an items range (one item per row), blank rows skipped."""
    out = []
    for v in values:
        t = text(v)
        if t:
            out.append(t)
    return out
