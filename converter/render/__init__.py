"""Publishing renderers: the report as PDF (typst) and as an HTML page, from the same layout the Word
renderer uses (`converter.render_docx.report_blocks`)."""
