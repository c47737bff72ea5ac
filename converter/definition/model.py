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

from dataclasses import dataclass
from typing import Any, Iterator

from converter.definition.kinds import COUNT, TEXT, Kind

DataPath = tuple[str, ...]
"""An input's address in the report data: ("fields", key) or ("tables", table, row, column)."""


@dataclass(frozen=True)
class Column:
    """A data column: key, header labels from the top row down, and the kind of its cells."""
    key: str
    path: tuple[str, ...]      # header labels from the top header row down; the last is the leaf
    kind: Kind = COUNT

    @property
    def label(self) -> str:
        """The leaf header label."""
        return self.path[-1]


@dataclass(frozen=True)
class Row:
    """A data row: key and its labels from the outer label column in."""
    key: str
    path: tuple[str, ...]      # row labels from the outer label column in; () for an unlabelled row
    # a report that prints this row's group as one row (（六）其他处理 without its sub-rows) puts that
    # row's figures here (3.其他)
    absorbs_group: bool = False

    @property
    def label(self) -> str:
        """The innermost row label ("" for an unlabelled row)."""
        return self.path[-1] if self.path else ""


@dataclass(frozen=True)
class Table:
    """A table: columns, rows, how many label columns, and the titles drawn above it."""
    key: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    label_cols: int = 1        # how many columns the row labels take
    title: str | None = None   # a row spanning the whole grid above the header (第二十条第（一）项)
    corner: str | None = None  # the label over the row-label columns, spanning the header rows
    name: str = ""             # what a user calls this table in messages
    short: str = ""            # what a reader of a printed report calls the table it is part of: 表三
    optional: bool = False     # a block some printed reports omit (2019's 第二十条第（九）项)

    def column(self, key: str) -> Column:
        """The column with this key (KeyError if none)."""
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def row(self, key: str) -> Row:
        """The row with this key (KeyError if none)."""
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
    """A narrative or basic-information input: label, kind, prompt and how it appears in the report."""
    key: str
    label: str                 # the label shown in the workbook
    kind: Kind = TEXT
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
    """One part of the report and one worksheet: its fields and at most one group of tables."""
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
    ``code``, ``severity``, ``title`` and ``message`` are the finding it gives: a rule is its own entry
    in the catalogue of findings. ``at_check`` points the finding at the rule's live check cell rather
    than a data cell, for a rule where no one cell is wrong (and so no 应为/实为 is given).
    """
    code: str
    table: str
    over: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    check_label: str           # short Chinese label of the check cell / check row
    message: str               # "{where}" "{lhs}" "{rhs}" are filled in
    title: str = ""            # a short Chinese name of the finding, for lists and the README
    severity: str = "error"
    defines: bool = False
    anchor: str | None = None
    only: tuple[str, ...] | None = None   # restrict to these rows/columns
    at_check: bool = False


@dataclass(frozen=True)
class Equation:
    """A rule instantiated at one row or column: the paths on each side and the cell a finding names."""
    rule: Rule
    at: str                    # the row or column key the equation is instantiated at
    lhs: tuple[DataPath, ...]
    rhs: tuple[DataPath, ...]
    anchor: DataPath


@dataclass(frozen=True)
class CarryOver:
    """This year's row `row` of table `table` repeats last year's row `from_row` (上年结转 ← 结转下年度)."""
    table: str
    row: str
    from_row: str


@dataclass(frozen=True)
class RowSum:
    """Row `row` of table `table` holds what formats with a finer breakdown split over rows `parts`
    (2019's （六）其他处理 is 2021's （六）1–3 added up): a summary may add those rows into it, never
    split it."""
    table: str
    row: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class Highlights:
    """The figures a summary's account and charts speak of, named by keys of the format's tables:
    applications received and carried over, the results rows and the column that totals them,
    the carry-over row, and the total column of each review / lawsuit block."""
    table: str
    received: str
    carried: str
    results: tuple[str, ...]
    total: str
    carryover: str
    review_table: str
    review_row: str
    review_totals: tuple[str, ...]
    review_corrected: tuple[str, ...]
    # the account's sentence on applications: {received} {carried} {handled} {carryover}
    account: str = ""


@dataclass(frozen=True)
class QuotedFigure:
    """A figure the narrative quotes from the tables: a regular expression whose group 1 is the number,
    and the cells whose sum (or, with `alternatives`, any of those sums) the number must equal."""
    pattern: str
    cells: tuple[DataPath, ...]
    what: str                                   # the figure as a reader names it, for the message
    alternatives: tuple[tuple[DataPath, ...], ...] = ()


@dataclass(frozen=True)
class TextChecks:
    """What the checks between text and tables and across years need from a format: quoted figures,
    the 文件 rows of table 二 (issued, repealed, in force), the 万元 fee cell, the 逾期未缴费 row, the
    fee field and the phrases that say no fee was charged, and the tables compared year to year."""
    figures: tuple[QuotedFigure, ...] = ()
    documents: tuple[tuple[DataPath, DataPath, DataPath], ...] = ()   # (issued, repealed, in force)
    fees_wan: DataPath | None = None            # an amount asked for in 万元
    unpaid_row: DataPath | None = None          # 申请人逾期未按收费通知要求缴纳费用 (total column)
    fee_field: str = ""
    no_fee: tuple[str, ...] = ()                # regular expressions: no fee was charged
    fee_amount: str = ""                        # regular expression: group 1 is a fee sentence's amount
    fee_section: str = ""                       # the narrative field that states the fee (part 六)
    problems: tuple[str, ...] = ()              # the fields of part 五
    compared_tables: tuple[str, ...] = ()       # tables whose figures repeating last year's is flagged


@dataclass(frozen=True, eq=False)
class Format:
    """A national format as data. Compared by identity: a compiled plan is kept per format object."""
    id: str                     # "2021" | "2019"
    name: str                   # a human name, e.g. 2021 年版（现行）
    document: str               # the notice that fixed it
    template_version: str       # written into each generated workbook
    accepted_versions: tuple[str, ...]   # template versions whose workbooks this format still reads
    sections: tuple[Section, ...]
    rules: tuple[Rule, ...]
    preface: str                # the preface generated when a unit leaves it blank
    published: str              # its last sentence, when the unit names where it publishes
    title: str                  # the report's title: "{unit}{year}年…"
    superseded_from: int | None = None   # reports of this year or later should use a newer format…
    superseded_by: str | None = None     # …this one (a format id)
    carry_over: tuple[CarryOver, ...] = ()
    text_checks: TextChecks = TextChecks()
    example_year: int = 2024    # a year this format is meant for (tests, samples, the benchmark)
    row_sums: tuple[RowSum, ...] = ()      # rows that are the sum of another format's finer rows
    highlights: Highlights | None = None   # what a summary's account and charts show

    # -- plain walks over the data (everything derived lives in the compiled plan) ----------------
    def tables(self) -> Iterator[Table]:
        """Every table, in layout order."""
        for s in self.sections:
            if s.group:
                yield from s.group.tables

    def table(self, key: str) -> Table:
        """The table with this key (KeyError if none)."""
        for t in self.tables():
            if t.key == key:
                return t
        raise KeyError(key)

    def fields(self) -> Iterator[tuple[Section, Field]]:
        """Every narrative field with its section, in layout order."""
        for s in self.sections:
            for f in s.fields:
                yield s, f

    def field(self, key: str) -> Field:
        """The field with this key (KeyError if none)."""
        for _, f in self.fields():
            if f.key == key:
                return f
        raise KeyError(key)

    def report_title(self, unit: str, year: int | str) -> str:
        """The report's title for a unit and year."""
        return self.title.format(unit=unit, year=year)

    def describe(self, path: DataPath) -> str:
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
    """The equations of a rule: one per row (or column) of its table."""
    eqs = []
    along = table.rows if rule.over == "rows" else table.columns
    for item in along:
        if rule.only is not None and item.key not in rule.only:
            continue

        def p(other: str, at: str = item.key) -> DataPath:
            return ("tables", table.key, at, other) if rule.over == "rows" else ("tables", table.key, other, at)

        anchor = p(rule.anchor or rule.lhs[0])
        eqs.append(Equation(rule, item.key, tuple(p(k) for k in rule.lhs), tuple(p(k) for k in rule.rhs), anchor))
    return eqs


def value_at(data: dict[str, Any], path: DataPath) -> Any:
    """The value at a path of report data (KeyError or TypeError when the data lacks it)."""
    node: Any = data
    for k in path:
        node = node[k]
    return node


def defined_name(path: DataPath) -> str:
    """The workbook defined name of a path. Keys never contain '_', so names are unambiguous."""
    if path[0] == "fields":
        return "F_" + path[1]
    return "T_" + "_".join(path[1:])


META_NAMES = {"template_id": "META_TEMPLATE_ID", "format": "META_FORMAT", "version": "META_VERSION"}
TEMPLATE_ID = "nianbao-annual-report"
META_SHEET = "版本信息"
