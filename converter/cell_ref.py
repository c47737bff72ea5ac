"""A1 cell references, from 0-based row and column numbers: shared by the template plan, the reader
and the check-report writer."""
from __future__ import annotations

import re

_A1 = re.compile(r"([A-Z]{1,3})([1-9][0-9]*)")


def col_letter(col: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    s = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        s = chr(65 + rem) + s
    return s


def parse_a1(ref: str) -> tuple[int, int] | None:
    """(row, col), 0-based, of an A1 reference ("D32" -> (31, 3)); None if it is not one."""
    m = _A1.fullmatch(ref.replace("$", ""))
    if not m:
        return None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def a1(row: int, col: int, absolute: bool = False) -> str:
    """The A1 reference of a 0-based (row, col); `absolute` gives $A$1."""
    d = "$" if absolute else ""
    return f"{d}{col_letter(col)}{d}{row + 1}"
