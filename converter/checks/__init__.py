"""Report data -> findings. Each check is one function ``(data, ctx) -> iterable of Finding`` in the
module of its level; :data:`CHECKS` runs them in order, structural ones first. Checks yield
findings for bad data and never raise. A finding's cell comes from ``ctx.locate(path)``, which uses
the workbook's own defined-name destinations when the data was read from a workbook."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from converter.checks.findings import Finding
from converter.definition.formats import get as get_format
from converter.definition.model import Format, Path
from converter.definition.sheet_plan import default_locations


@dataclass
class Context:
    fmt: Format
    locations: dict[Path, tuple[str, str]] = field(default_factory=dict)
    reported: set[Path] = field(default_factory=set)   # paths already carrying a reader finding
    today: _dt.date = field(default_factory=_dt.date.today)

    def locate(self, path: Path) -> dict:
        sheet, cell = self.locations.get(path) or default_locations(self.fmt).get(path, ("", ""))
        return {"sheet": sheet, "cell": cell}


def check_report(data: dict, fmt: Format | None = None, ctx: Context | None = None) -> list[Finding]:
    from converter.checks import arithmetic, basic, narrative, schema_check
    if fmt is None:
        fmt = get_format(data.get("format", ""))
    ctx = ctx or Context(fmt)
    findings: list[Finding] = []
    checks = [schema_check.check_schema, basic.check_year_not_future, basic.check_format_current,
              arithmetic.check_equations, narrative.check_empty_sections, narrative.check_template_text]
    for check in checks:
        findings.extend(check(data, ctx))
    return findings
