"""Level 4: what reviewers flag in the narrative; warnings, they do not block conversion."""
from __future__ import annotations

from typing import Any, Iterable

from converter.checks.context import Context
from converter.checks.findings import Finding, make
from converter.definition.kinds import ITEMS, TEXT

# Phrases that show template instructions were left in the text.
TEMPLATE_PHRASES = ("编写说明", "填写说明", "此处填写", "请在此填写", "示例：", "XXXX", "××")


def check_empty_sections(data: dict[str, Any], ctx: Context) -> Iterable[Finding]:
    """A warning for each headed narrative field left empty."""
    fields = data.get("fields", {})
    for _, f in ctx.plan.fmt.fields():
        if f.heading and f.kind in (TEXT, ITEMS) and not fields.get(f.key):
            yield make("TEXT_EMPTY", what=f"“{f.label}”", **ctx.locate(("fields", f.key)))


def check_template_text(data: dict[str, Any], ctx: Context) -> Iterable[Finding]:
    """A warning for a field that still holds the template's instructions."""
    fields = data.get("fields", {})
    for _, f in ctx.plan.fmt.fields():
        value = fields.get(f.key)
        texts = value if isinstance(value, list) else [value] if isinstance(value, str) else []
        for t in texts:
            hit = next((p for p in TEMPLATE_PHRASES if p in t), None)
            if hit:
                yield make("TEXT_TEMPLATE_LEFT", what=f"“{f.label}”", actual=hit, **ctx.locate(("fields", f.key)))
                break
