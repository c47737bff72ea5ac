"""Stage 3: valid report data -> documents.

In: report data that passed the checks, and the format's plan. Out: document bytes. Order:
blocks.py says what the report says (title, preface, parts, tables as laid-out grids with figures and
column widths); each renderer draws those blocks — docx.py the Word report (GB/T 9704), with
docx_xml.py the only module writing WordprocessingML and zip_writer.py the package.
"""
from converter.render.blocks import report_blocks
from converter.render.docx import render_report, render_report_reference

__all__ = ["render_report", "render_report_reference", "report_blocks"]
