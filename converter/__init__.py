"""nianbao: 政府信息公开工作年度报告 from a standard Excel workbook.

The pipeline, each stage usable alone (plain dicts between them):

    template.make_template(fmt)            format -> blank workbook (bytes)
    reader.read_workbook(path)             workbook -> ReadResult(data, locations, findings)
    checks.check_report(data, fmt, ctx)    report data -> findings
    render_docx.render_report(data, fmt)   report data -> Word document (bytes)
    batch.build(inputs, outdir)            many workbooks -> documents + 校验结果.xlsx

Imports are kept lazy so that `nianbao --help` stays fast.
"""
__version__ = "0.1.0"
