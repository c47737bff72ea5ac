"""Level 2: basic information beyond the schema: the year and the format version."""
from __future__ import annotations

from typing import Iterable

from converter.checks.findings import Finding, make


def _year(data: dict):
    y = data.get("fields", {}).get("year")
    return y if isinstance(y, int) and not isinstance(y, bool) else None


def check_year_not_future(data: dict, ctx) -> Iterable[Finding]:
    y = _year(data)
    if y is not None and 2008 <= y and y > ctx.today.year:
        yield make("YEAR_FUTURE", actual=y, expected=ctx.today.year, **ctx.locate(("fields", "year")))


def check_format_current(data: dict, ctx) -> Iterable[Finding]:
    y = _year(data)
    since = ctx.fmt.superseded_from
    if y is not None and since is not None and y >= since:
        yield make("FORMAT_OUTDATED", actual=y, **ctx.locate(("fields", "year")))
