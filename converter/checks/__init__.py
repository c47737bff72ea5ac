"""Stage 2: report data -> findings.

In: report data (a plain dict shaped by the format's JSON Schema, from any reader) and the format's
compiled plan; a :class:`Context` with where each input was found. Out: a list of
:class:`~converter.checks.findings.Finding`, in this order: the schema (types, blanks, bounds), basic
information (year, format version), the 勾稽 rules of the format, then the narrative. Each check is one
function ``(data, ctx) -> iterable of Finding`` in the module of its level; checks yield findings for
bad data and never raise. A finding's cell comes from ``ctx.locate(path)``.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from converter.checks import arithmetic, basic, narrative, schema_check, text_tables
from converter.checks.context import Context
from converter.checks.findings import Finding
from converter.definition.formats import get as get_format
from converter.definition.model import Format
from converter.definition.plan import Plan, compile

__all__ = ["CHECKS", "Context", "run_checks"]


Check = Callable[[dict[str, Any], Context], Iterable[Finding]]
CHECKS: tuple[Check, ...] = (
    schema_check.check_schema, basic.check_year_not_future, basic.check_format_current,
    arithmetic.check_equations, narrative.check_empty_sections, narrative.check_template_text,
    text_tables.check_quoted_figures, text_tables.check_fee_text, text_tables.check_fee_unit,
    text_tables.check_documents_in_force, text_tables.check_other_year, text_tables.check_problems_perfunctory,
    text_tables.check_published_late,
)


def run_checks(data: dict[str, Any], fmt: Format | Plan | None = None, ctx: Context | None = None) -> list[Finding]:
    """Every finding on report data, structural ones first. The format defaults to the data's own."""
    plan = ctx.plan if ctx else compile(fmt if fmt is not None else get_format(data.get("format", "")))
    ctx = ctx or Context(plan)
    findings: list[Finding] = []
    for check in CHECKS:
        findings.extend(check(data, ctx))
    return findings
