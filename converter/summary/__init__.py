"""汇总 (issue 14): the region's figures from the units' reports — read (collect.summarize), add up
(aggregate, pure), write (workbook: 汇总.xlsx; document: the Word / web page summary report)."""
from __future__ import annotations

from converter import lazy_exports

_EXPORTS = {
    "summarize": "converter.summary.collect",
    "Summary": "converter.summary.collect",
    "write_summary_xlsx": "converter.summary.workbook",
    "render_summary_docx": "converter.summary.document",
    "render_summary_html": "converter.summary.document",
    "render_summary_pdf": "converter.summary.document",
}
__all__ = sorted(_EXPORTS)

__getattr__ = lazy_exports(_EXPORTS)
