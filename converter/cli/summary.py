"""`nianbao summary`: the region's figures from the units' reports — 汇总.xlsx, and on request the
Word and web-page summary report. A thin layer over :mod:`converter.summary`."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from converter.cli.common import UserError, add_jobs_option


def add_summary(sub: Any) -> None:
    """`nianbao summary`."""
    s = sub.add_parser("summary", help="汇总各单位报表：汇总表、分单位数据、问题汇总、图表，及汇总数据报告",
                       description="汇总各单位的年报数据（工作簿、Word、网页、PDF，或 collect 生成的收件箱：每单位取最新一份）："
                                   "写出 汇总.xlsx（汇总表、分单位数据、问题汇总、图表）；可另写 Word / 网页版汇总数据报告。"
                                   "有错误的报表默认不计入（--include-invalid 计入）。",
                       epilog="示例：nianbao summary 收件箱/ -o 汇总.xlsx --roster 名单.xlsx --title 云溪县 --year 2024 --docx 汇总.docx")
    s.add_argument("inputs", nargs="+", metavar="INPUT", help="报表文件、文件夹或收件箱")
    s.add_argument("-o", "--output", required=True, metavar="汇总.xlsx")
    s.add_argument("--roster", metavar="名单.xlsx", help="名单：列出未报送单位、按名单排序；“上级单位”列用于逐级核对")
    s.add_argument("--title", default="", metavar="名称", help="汇总的地区或单位名称，如 云溪县")
    s.add_argument("--year", type=int, metavar="YYYY", help="报告年度")
    s.add_argument("--include-invalid", action="store_true", help="有错误的报表也计入汇总")
    s.add_argument("--docx", metavar="FILE.docx", help="另写 Word 版汇总数据报告")
    s.add_argument("--html", metavar="FILE.html", help="另写网页版汇总数据报告")
    s.add_argument("--pdf", metavar="FILE.pdf", help="另写 PDF 版汇总数据报告")
    add_jobs_option(s)
    s.set_defaults(handler=cmd_summary)


def cmd_summary(args: argparse.Namespace) -> int:
    """Summarise, write the outputs, print the scope."""
    from converter.files import write_bytes_atomic
    from converter.mail.roster import read_roster
    from converter.summary import text
    from converter.summary.collect import summarize
    from converter.summary.document import render_summary_docx, render_summary_html, render_summary_pdf
    from converter.summary.workbook import write_summary_xlsx
    roster = read_roster(args.roster) if args.roster else None
    s = summarize(args.inputs, roster, title=args.title, year=args.year, include_invalid=args.include_invalid,
                  jobs=args.jobs, progress=True)
    try:
        write_summary_xlsx(s, args.output)
        written = [args.output]
        if args.docx:
            write_bytes_atomic(Path(args.docx), render_summary_docx(s))
            written.append(args.docx)
        if args.pdf:
            try:
                write_bytes_atomic(Path(args.pdf), render_summary_pdf(s))
            except RuntimeError as e:
                raise UserError(str(e)) from None
            written.append(args.pdf)
        if args.html:
            write_bytes_atomic(Path(args.html), render_summary_html(s).encode("utf-8"))
            written.append(args.html)
        for line in text.scope_lines(s):
            print(line)
        print("已写出：" + "、".join(written))
    finally:
        s.close()
    return 0
