"""A1 cell references, from 0-based row and column numbers: shared by the template plan, the reader
and the check-report writer."""
from __future__ import annotations


def col_letter(col: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    s = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        s = chr(65 + rem) + s
    return s


def a1(row: int, col: int, absolute: bool = False) -> str:
    """The A1 reference of a 0-based (row, col); `absolute` gives $A$1."""
    d = "$" if absolute else ""
    return f"{d}{col_letter(col)}{d}{row + 1}"
