"""One compiled plan per format: everything derived from the format data, built once.

``compile(fmt)`` returns the :class:`Plan` of a format — rule equations, the order totals are
computed in, every input path with its kind and section, the table grids, the sheet plans and default
cell locations, the value-reading plan, the JSON Schema, its validator and the fast path. Every stage
(template, intake, checks, render, batch) takes the plan, so nothing is derived twice and no stage
keeps a cache of its own. A stage's own derived artefact (the Word renderer's compiled table XML) is
kept on the plan with :meth:`Plan.derived`.
"""
from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from converter.cell_ref import a1
from converter.definition.kinds import Kind
from converter.definition.layout import Grid, layout_group
from converter.definition.model import DataPath, Equation, Format, Section, TableGroup, expand_rule
from converter.definition.schema import FastPath, build_schema
from converter.definition.sheet_plan import SheetPlan, plan_section

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

T = TypeVar("T")


class Plan:
    """Everything derived from one format. Build it with :func:`compile`, which keeps one per format."""

    def __init__(self, fmt: Format):
        self.fmt = fmt
        self.id = fmt.id
        field_paths = [("fields", f.key) for _, f in fmt.fields()]
        self.cell_paths: tuple[DataPath, ...] = tuple(
            ("tables", t.key, r.key, c.key) for t in fmt.tables() for r in t.rows for c in t.columns)
        self.paths: tuple[DataPath, ...] = tuple(field_paths) + self.cell_paths
        self.path_order: dict[DataPath, int] = {p: i for i, p in enumerate(self.paths)}
        self.kinds: dict[DataPath, Kind] = {("fields", f.key): f.kind for _, f in fmt.fields()}
        self.kinds.update({("tables", t.key, r.key, c.key): c.kind
                           for t in fmt.tables() for r in t.rows for c in t.columns})
        self._sections: dict[DataPath, Section] = {}
        for s in fmt.sections:
            for f in s.fields:
                self._sections[("fields", f.key)] = s
            for t in s.group.tables if s.group else ():
                self._sections[("tables", t.key)] = s
        self.equations: tuple[Equation, ...] = tuple(
            eq for rule in fmt.rules for eq in expand_rule(fmt.table(rule.table), rule))
        self.computed: dict[DataPath, Equation] = {}
        for eq in self.equations:
            if eq.rule.defines:
                self.computed.setdefault(eq.lhs[0], eq)
        self.total_order = self._total_order()
        # (path, kind, is a computed total) per input, in layout order (the schema's order)
        self.value_plan: tuple[tuple[DataPath, Kind, bool], ...] = tuple(
            (p, self.kinds[p], p in self.computed) for p in self.paths)
        totals = set(self.computed)
        self._grids: dict[int, Grid] = {id(s.group): layout_group(s.group, totals) for s in fmt.sections if s.group}
        self.sheets: tuple[SheetPlan, ...] = tuple(
            plan_section(s, fmt.rules, self._grids.get(id(s.group))) for s in fmt.sections)
        self.locations: dict[DataPath, tuple[str, str]] = {
            path: (sp.section.sheet, a1(row, col)) for sp in self.sheets for path, (row, col) in sp.cells.items()}
        # each equation's live check cell in a fresh template: (sheet, row, col), and its anchor's (row, col)
        self.check_cells: dict[Equation, tuple[str, int, int]] = {}
        self.anchor_cells: dict[Equation, tuple[int, int]] = {}
        for sp in self.sheets:
            for rule, row in sp.check_rows:
                for eq in (e for e in self.equations if e.rule is rule):
                    self.check_cells[eq] = (sp.section.sheet, row, sp.cell_of(eq.anchor)[1])
                    self.anchor_cells[eq] = sp.cell_of(eq.anchor)
            for rule, col in sp.check_cols:
                for eq in (e for e in self.equations if e.rule is rule):
                    self.check_cells[eq] = (sp.section.sheet, sp.cell_of(eq.anchor)[0], col)
                    self.anchor_cells[eq] = sp.cell_of(eq.anchor)
        self.plainly_valid = FastPath(fmt)
        self._derived: dict[Callable[[Plan], Any], Any] = {}

    def section(self, path: DataPath) -> Section:
        """The section (sheet) an input belongs to."""
        return self._sections[path[:2]]

    def grid(self, group: TableGroup) -> Grid:
        """The laid-out grid of one of this format's table groups (totals marked)."""
        return self._grids[id(group)]

    @cached_property
    def schema(self) -> dict[str, Any]:
        """The JSON Schema of the report data."""
        return build_schema(self.fmt)

    @cached_property
    def validator(self) -> Validator:
        """A jsonschema validator of the report data (imported on first use: the CLI starts fast)."""
        from jsonschema import Draft202012Validator
        return Draft202012Validator(self.schema)

    def derived(self, factory: Callable[[Plan], T]) -> T:
        """`factory(plan)`, computed once per plan: a stage's own artefact derived from the format."""
        try:
            return self._derived[factory]
        except KeyError:
            value = self._derived[factory] = factory(self)
            return value

    def _total_order(self) -> tuple[tuple[DataPath, tuple[DataPath, ...]], ...]:
        """Computed totals with their operands, each after the totals it sums."""
        order: list[tuple[DataPath, tuple[DataPath, ...]]] = []
        placed: set[DataPath] = set()

        def visit(path: DataPath) -> None:
            if path in placed:
                return
            for p in self.computed[path].rhs:
                if p in self.computed:
                    visit(p)
            placed.add(path)
            order.append((path, self.computed[path].rhs))
        for path in self.computed:
            visit(path)
        return tuple(order)


_PLANS: dict[Format, Plan] = {}


def compile(fmt: Format | Plan) -> Plan:
    """The plan of a format, built on first use and kept (formats are compared by identity)."""
    if isinstance(fmt, Plan):
        return fmt
    plan = _PLANS.get(fmt)
    if plan is None:
        plan = _PLANS[fmt] = Plan(fmt)
    return plan
