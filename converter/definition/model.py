"""The few immutable types a report format is made of, and the paths that address its data.

A format (see ``converter/formats``) is a list of sections, one worksheet each. A section holds
narrative fields and at most one group of tables. Every input is addressed by a *path*:

* ``("fields", key)`` for a narrative field, e.g. ``("fields", "unit_name")``;
* ``("tables", table, row, col)`` for a table cell, e.g. ``("tables", "p3", "new", "natural")``.

The report data is a plain dict shaped the same way (``data["tables"]["p3"]["new"]["natural"]``),
and every path has one workbook defined name (:func:`defined_name`). Nothing else in the code base
invents cell addresses or labels.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

# Kinds of a table cell and what each accepts.
COUNT = "count"   # whole number >= 0
MONEY = "money"   # decimal >= 0 (万元)
DELTA = "delta"   # whole number, may be negative (2019 本年增/减)

# Kinds of a narrative field.
TEXT = "text"     # free text, line breaks become paragraphs
LINE = "line"     # a one-line text (unit name, phone)
YEAR = "year"     # the report year
ITEMS = "items"   # one item per row (问题, 改进)
AMOUNT = "amount"  # a decimal >= 0 outside the tables (信息处理费, 元)

Path = tuple


@dataclass(frozen=True)
class Column:
    key: str
    path: tuple[str, ...]      # header labels from the top header row down; the last is the leaf
    kind: str = COUNT

    @property
    def label(self) -> str:
        return self.path[-1]


@dataclass(frozen=True)
class Row:
    key: str
    path: tuple[str, ...]      # row labels from the outer label column in; () for an unlabelled row

    @property
    def label(self) -> str:
        return self.path[-1] if self.path else ""


@dataclass(frozen=True)
class Table:
    key: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    label_cols: int = 1        # how many columns the row labels take
    title: str | None = None   # a row spanning the whole grid above the header (第二十条第（一）项)
    corner: str | None = None  # the label over the row-label columns, spanning the header rows
    name: str = ""             # what a user calls this table in messages

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def row(self, key: str) -> Row:
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(key)


@dataclass(frozen=True)
class TableGroup:
    """Tables laid out one under the other as one grid (part 二 is four or five blocks)."""
    tables: tuple[Table, ...]
    repeat_header: bool = False   # repeat the header rows on each Word page (one-block groups)


@dataclass(frozen=True)
class Field:
    key: str
    label: str                 # the label shown in the workbook
    kind: str = TEXT
    required: bool = False
    heading: str | None = None  # the sub-heading it gets in the Word report, e.g. （一）主动公开
    prompt: str = ""           # help text shown in the workbook
    items: int = 0             # ITEMS: how many rows the workbook offers
    in_report: bool = True     # rendered as narrative in the Word report
    # AMOUNT fields rendered as a sentence: (when zero, when not zero); skipped when the section's
    # text already mentions `skip_if_mentioned`.
    sentence: tuple[str, str] | None = None
    skip_if_mentioned: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    sheet: str                  # worksheet name
    title: str                  # the full title shown at the top of the sheet
    heading: str | None = None  # heading in the Word report (None: not a part of the report body)
    fields: tuple[Field, ...] = ()
    group: TableGroup | None = None
    note: str = ""              # instruction line under the sheet title


@dataclass(frozen=True)
class Rule:
    """A 勾稽 rule: for each row (over="rows") or column (over="cols") of a table,
    sum(lhs) == sum(rhs), with lhs/rhs naming keys along the other dimension.

    ``defines`` marks a rule whose single lhs cell is a total the template computes by formula.
    ``anchor`` names the key along the other dimension whose cell a finding points at.
    """
    code: str
    table: str
    over: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    check_label: str           # short Chinese label of the check cell / check row
    message: str               # "{where}" "{lhs}" "{rhs}" are filled in
    defines: bool = False
    anchor: str | None = None
    only: tuple[str, ...] | None = None   # restrict to these rows/columns


@dataclass(frozen=True)
class Equation:
    rule: Rule
    at: str                    # the row or column key the equation is instantiated at
    lhs: tuple[Path, ...]
    rhs: tuple[Path, ...]
    anchor: Path


@dataclass(frozen=True)
class Format:
    id: str                     # "2021" | "2019"
    name: str                   # a human name
    document: str               # the notice that fixed it
    template_version: str       # written into each generated workbook
    accepted_versions: tuple[str, ...]
    sections: tuple[Section, ...]
    rules: tuple[Rule, ...]
    preface: str                # the preface generated when a unit leaves it blank
    published: str              # its last sentence, when the unit names where it publishes
    title: str                  # the Word report's title
    superseded_from: int | None = None   # reports of this year or later should use a newer format
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    # -- lookups derived once ------------------------------------------------------------------
    def tables(self) -> Iterator[Table]:
        for s in self.sections:
            if s.group:
                yield from s.group.tables

    def table(self, key: str) -> Table:
        for t in self.tables():
            if t.key == key:
                return t
        raise KeyError(key)

    def fields(self) -> Iterator[tuple[Section, Field]]:
        for s in self.sections:
            for f in s.fields:
                yield s, f

    def field(self, key: str) -> Field:
        for _, f in self.fields():
            if f.key == key:
                return f
        raise KeyError(key)

    def section_of(self, path: Path) -> Section:
        index = self._cache.get("section_of")
        if index is None:
            index = {}
            for s in self.sections:
                for f in s.fields:
                    index[("fields", f.key)] = s
                if s.group:
                    for t in s.group.tables:
                        index[("tables", t.key)] = s
            self._cache["section_of"] = index
        return index[path[:2]]

    def path_order(self) -> dict[Path, int]:
        """Every input path (fields, then table cells) -> its position in layout order."""
        order = self._cache.get("path_order")
        if order is None:
            paths = [("fields", f.key) for _, f in self.fields()] + self.cell_paths()
            order = self._cache["path_order"] = {p: i for i, p in enumerate(paths)}
        return order

    def cell_paths(self) -> list[Path]:
        """Every table cell path, in layout order."""
        return [("tables", t.key, r.key, c.key) for t in self.tables() for r in t.rows for c in t.columns]

    def equations(self) -> list[Equation]:
        eqs = self._cache.get("equations")
        if eqs is None:
            eqs = [eq for rule in self.rules for eq in expand_rule(self.table(rule.table), rule)]
            self._cache["equations"] = eqs
        return eqs

    def computed(self) -> dict[Path, Equation]:
        """Totals the template fills by formula: path -> the equation that defines it."""
        comp = self._cache.get("computed")
        if comp is None:
            comp = {}
            for eq in self.equations():
                if eq.rule.defines:
                    comp.setdefault(eq.lhs[0], eq)
            self._cache["computed"] = comp
        return comp

    def kind_of(self, path: Path) -> str:
        kinds = self._cache.get("kinds")
        if kinds is None:
            kinds = {("fields", f.key): f.kind for _, f in self.fields()}
            kinds.update({("tables", t.key, r.key, c.key): c.kind
                          for t in self.tables() for r in t.rows for c in t.columns})
            self._cache["kinds"] = kinds
        return kinds[path]

    def describe(self, path: Path) -> str:
        """A Chinese description of a path for messages: 「行」×「列」 or the field label."""
        if path[0] == "fields":
            return f"「{self.field(path[1]).label}」"
        t = self.table(path[1])
        row, col = t.row(path[2]), t.column(path[3])
        parts = [t.title] if t.title else []
        if row.path:
            parts.append(f"「{row.label}」行")
        parts.append(f"「{col.label}」列")
        return "".join(parts)


def expand_rule(table: Table, rule: Rule) -> list[Equation]:
    eqs = []
    along = table.rows if rule.over == "rows" else table.columns
    for item in along:
        if rule.only is not None and item.key not in rule.only:
            continue

        def p(other: str, at: str = item.key) -> Path:
            return ("tables", table.key, at, other) if rule.over == "rows" else ("tables", table.key, other, at)

        anchor = p(rule.anchor or rule.lhs[0])
        eqs.append(Equation(rule, item.key, tuple(p(k) for k in rule.lhs), tuple(p(k) for k in rule.rhs), anchor))
    return eqs


def defined_name(path: Path) -> str:
    """The workbook defined name of a path. Keys never contain '_', so names are unambiguous."""
    if path[0] == "fields":
        return "F_" + path[1]
    return "T_" + "_".join(path[1:])


META_NAMES = {"template_id": "META_TEMPLATE_ID", "format": "META_FORMAT", "version": "META_VERSION"}
TEMPLATE_ID = "nianbao-annual-report"
META_SHEET = "版本信息"
