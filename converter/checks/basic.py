"""Level 2: basic information beyond the schema: the year and the format version."""
from __future__ import annotations

from typing import Any, Iterable

from converter.checks.context import Context
from converter.checks.findings import Finding, make
from converter.definition.formats import get as get_format
from converter.definition.kinds import YEAR


def _year(data: dict[str, Any]) -> int | None:
    y = data.get("fields", {}).get("year")
    return y if isinstance(y, int) and not isinstance(y, bool) else None


def check_year_not_future(data: dict[str, Any], ctx: Context) -> Iterable[Finding]:
    """A report year after this year is an error (this year is allowed)."""
    y = _year(data)
    if y is not None and y >= (YEAR.minimum or 0) and y > ctx.today.year:
        yield make("YEAR_FUTURE", actual=y, expected=ctx.today.year, **ctx.locate(("fields", "year")))


def check_format_current(data: dict[str, Any], ctx: Context) -> Iterable[Finding]:
    """A warning when the report's year should use the format that supersedes this one."""
    y = _year(data)
    fmt = ctx.plan.fmt
    since = fmt.superseded_from
    if y is not None and since is not None and y >= since and fmt.superseded_by:
        newer = get_format(fmt.superseded_by)
        yield make("FORMAT_OUTDATED", actual=y, newer=newer.name, newer_document=newer.document, name=fmt.name,
                   **ctx.locate(("fields", "year")))
