"""Stage 3: valid report data -> documents.

In: report data that passed the checks, and the format's plan. Out: document bytes. Order:
blocks.py says what the report says (title, preface, parts, tables as laid-out grids with figures and
column widths); each renderer draws those blocks — docx.py the Word report (GB/T 9704), with
docx_xml.py the only module writing WordprocessingML and zip_writer.py the package.
"""
from __future__ import annotations

from converter import lazy_exports

_EXPORTS = {
    "report_blocks": "converter.render.blocks",
    "render_report": "converter.render.docx",
    "render_report_reference": "converter.render.docx",
}
__all__ = sorted(_EXPORTS)

__getattr__ = lazy_exports(_EXPORTS)
