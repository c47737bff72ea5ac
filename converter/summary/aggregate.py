"""Pure arithmetic of a summary: units' table figures in, the region's sums out.

A unit's figures are a tuple in its format's ``plan.cell_paths`` order (None where a cell could not be
read). :class:`LevelSums` adds them up per format; :meth:`LevelSums.cell` answers a cell of the summary's
*primary* format over every format: a cell common to two formats (same table, row and column keys) is
summed over both, a row a format declares as the sum of finer rows (:class:`RowSum` in the format
data) takes those rows of the finer formats, and what only one format has stays that format's alone
(:func:`specific_paths` lists it, to be shown apart). Nothing here reads files or writes any.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from operator import add as _plus
from typing import Any, Iterable, Sequence

from converter.batch.status import Status
from converter.checks.findings import Finding, make
from converter.definition.model import DataPath, RowSum
from converter.definition.plan import Plan

Number = float | int


@dataclass
class Member:
    """One unit in a summary: who, which file, how it came out, and its figures (None when not read)."""
    unit: str
    key: str                      # the unit's name as compared (spaces, full-width forms folded)
    file: str = ""
    status: Status = Status.MISSING
    format_id: str | None = None
    errors: int = 0
    warnings: int = 0
    codes: tuple[str, ...] = ()   # its findings' codes, each once, in order
    figures: tuple[Any, ...] | None = None
    parent: str = ""
    level: int = 1
    on_roster: bool = True
    order: tuple[Any, ...] = ()   # which of two files of one unit is the newer: the larger


def included(m: Member, include_invalid: bool) -> bool:
    """Whether a member's figures count: valid ones always, ones with errors on request, unread ones never."""
    if m.figures is None:
        return False
    return m.status.ok or (include_invalid and m.status is Status.REJECTED)


class Sums:
    """Cell-by-cell sums of one format's figures over some units, with how many units were added
    and, per cell, how many of them left it unread."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.values: list[Number] = [0] * len(plan.cell_paths)
        self.unread: list[int] = [0] * len(plan.cell_paths)
        self.units = 0
        self.index = {p: i for i, p in enumerate(plan.cell_paths)}

    def add(self, figures: Sequence[Any]) -> None:
        """Add one unit's figures."""
        self.units += 1
        values, unread = self.values, self.unread
        if len(figures) == len(values) and None not in figures:
            values[:] = map(_plus, values, figures)       # every cell read (the common case): the same sums
            return
        for i, v in enumerate(figures):
            if v is None:
                unread[i] += 1
            else:
                values[i] += v

    def get(self, path: DataPath) -> Number | None:
        """The sum at a path of this format (None if the format has no such cell)."""
        i = self.index.get(path)
        return None if i is None else tidy(self.values[i])


def tidy(v: Number) -> Number:
    """A sum as shown: money rounded to the cent's hundredth (float noise gone), whole numbers as int."""
    if isinstance(v, float):
        v = round(v, 6)
        return int(v) if v.is_integer() else v
    return v


@dataclass
class LevelSums:
    """The sums of one level of the hierarchy (level 1: the region), per format."""
    level: int
    by_format: dict[str, Sums] = field(default_factory=dict)
    members: list[str] = field(default_factory=list)     # the units added, in order

    def add(self, plan: Plan, unit: str, figures: Sequence[Any]) -> None:
        """Add one unit's figures (of format `plan`)."""
        sums = self.by_format.get(plan.id)
        if sums is None:
            sums = self.by_format[plan.id] = Sums(plan)
        sums.add(figures)
        self.members.append(unit)

    @property
    def units(self) -> int:
        """How many units were added."""
        return sum(s.units for s in self.by_format.values())

    def cell(self, primary: Plan, path: DataPath) -> Number:
        """A cell of the primary format summed over every format that has it (see the module doc)."""
        total: Number = 0
        for sums in self.by_format.values():
            v = sums.get(path)
            if v is None:
                v = _from_parts(sums, primary.fmt.row_sums, path)
            if v is not None:
                total += v
        return tidy(total)

    def contributors(self, primary: Plan, path: DataPath) -> int:
        """How many of the added units have this cell of the primary format (directly or by its parts)."""
        return sum(s.units for s in self.by_format.values()
                   if path in s.index or _from_parts(s, primary.fmt.row_sums, path) is not None)


def _from_parts(sums: Sums, row_sums: Iterable[RowSum], path: DataPath) -> Number | None:
    """The coarse row's cell as the sum of a finer format's rows, when the primary format declares it."""
    _, table, row, col = path
    for rs in row_sums:
        if rs.table == table and rs.row == row:
            parts = [sums.get(("tables", table, part, col)) for part in rs.parts]
            if all(p is not None for p in parts):
                return tidy(sum(p for p in parts if p is not None))
    return None


def covered(primary: Plan, other: Plan) -> set[DataPath]:
    """The cells of `other` that count in the primary format's tables."""
    out = set(other.cell_paths) & set(primary.cell_paths)
    for rs in primary.fmt.row_sums:
        out |= {p for p in other.cell_paths if p[1] == rs.table and p[2] in rs.parts}
    return out


def specific_paths(primary: Plan, other: Plan) -> list[DataPath]:
    """The cells of `other` that the primary format's tables have no place for, in layout order."""
    seen = covered(primary, other)
    return [p for p in other.cell_paths if p not in seen]


def partial_paths(primary: Plan, others: Iterable[Plan]) -> set[DataPath]:
    """Cells of the primary format that some other format present lacks: their sums are of fewer units."""
    out: set[DataPath] = set()
    for other in others:
        have = set(other.cell_paths)
        out |= {p for p in primary.cell_paths
                if p not in have and not any(rs.table == p[1] and rs.row == p[2] and
                                             all(("tables", p[1], part, p[3]) in have for part in rs.parts)
                                             for rs in primary.fmt.row_sums)}
    return out


def primary_format(counts: dict[str, int], order: Sequence[str]) -> str:
    """The format the summary's tables are drawn in: the one most included units use (ties: the
    registry's order, the current format first)."""
    present = [f for f in order if counts.get(f)]
    if not present:
        return order[0]
    return max(present, key=lambda f: (counts[f], -order.index(f)))


def compare_with_children(parent: Member, plan: Plan, children: LevelSums) -> list[Finding]:
    """A warning per cell where a parent's own figure differs from the sum of its children's."""
    out = []
    for i, path in enumerate(plan.cell_paths):
        own = parent.figures[i] if parent.figures is not None else None
        if own is None or children.contributors(plan, path) == 0:
            continue
        expected = children.cell(plan, path)
        if abs(float(own) - float(expected)) > 1e-6:
            sheet = plan.section(path).sheet
            out.append(make("SUMMARY_CHILDREN_DIFFER", sheet=sheet, cell=plan.locations.get(path, ("", ""))[1],
                            expected=expected, actual=tidy(own), unit=parent.unit, what=plan.fmt.describe(path),
                            children=children.units))
    return out


def levels_of(parents: dict[str, str]) -> dict[str, int]:
    """Each unit's level from its parent (unit key -> parent key; "" for none): 1 for a top unit; a
    cycle is cut where it closes."""
    out: dict[str, int] = {}
    for key in parents:
        chain, k = [], key
        while k and k not in out and k not in chain:
            chain.append(k)
            k = parents.get(k, "")
        base = out.get(k, 0) if k else 0
        for depth, c in enumerate(reversed(chain), 1):
            out[c] = base + depth
    return out
