"""The report commands: template, check, build, schema. Each parser sits beside its handler; a handler
calls one library function of the same name and prints its result. Library modules are imported when a
command runs, so that `nianbao --help` answers at once."""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from converter.cli.common import (
    JsonList,
    UserError,
    Utf8Out,
    add_format_option,
    add_jobs_option,
    print_summary,
    print_task,
    require_existing,
)
from converter.cli.previous import add_previous_option, load_previous_option

SubParsers = Any   # argparse's private _SubParsersAction


def add_template(sub: SubParsers) -> None:
    """`nianbao template`."""
    t = sub.add_parser("template", help="生成 Excel 填报模板",
                       description="生成标准 Excel 填报模板（每部分一个工作表，带公式、校验和填写提示）。",
                       epilog="示例：nianbao template -o 年报填报模板.xlsx --year 2024 --unit 南岭镇人民政府")
    t.add_argument("-o", "--output", required=True, metavar="FILE.xlsx", help="输出的模板文件")
    add_format_option(t)
    t.add_argument("--unit", metavar="名称", help="预先填写的单位名称")
    t.add_argument("--year", type=int, metavar="YYYY", help="预先填写的报告年度")
    t.add_argument("--from", dest="source", metavar="FILE.json",
                   help="按报告数据（nianbao extract 生成的 JSON）填好整个工作簿；格式取自数据本身")
    t.set_defaults(handler=cmd_template)


def cmd_template(args: argparse.Namespace) -> int:
    """Write a template (blank, pre-filled, or filled from report data)."""
    from converter.definition.formats import get
    from converter.template import values_from_data, write_template
    if args.source:
        data = _load_data(args.source)
        fmt = get(data.get("format", ""))
        write_template(args.output, fmt, unit=args.unit, year=args.year, values=values_from_data(fmt, data))
        print(f"已按 {args.source} 的数据生成工作簿：{args.output}（{fmt.name}）")
        return 0
    fmt = get(args.format)
    write_template(args.output, fmt, unit=args.unit, year=args.year)
    print(f"已生成填报模板：{args.output}（{fmt.name}）")
    return 0


def _load_data(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8-sig") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise UserError(f"找不到文件：{path}") from None
    except (ValueError, UnicodeDecodeError) as e:
        raise UserError(f"{path} 不是报告数据的 JSON 文件（{e}）") from None
    if not isinstance(data, dict) or not isinstance(data.get("fields"), dict) or not isinstance(data.get("tables"), dict):
        raise UserError(f"{path} 不是报告数据（应有 format、fields、tables，见 nianbao schema）")
    return data


def add_extract(sub: SubParsers) -> None:
    """`nianbao extract`."""
    e = sub.add_parser("extract", help="读取报告（工作簿、Word、网页、PDF）为 JSON 数据",
                       description="读取各种形式的报告（填报工作簿、Word、网页、PDF），按表格标签提取数据，"
                                   "写出 JSON 格式的报告数据（无法读取的单元格为 null）。有错误时退出码为 1。",
                       epilog="示例：nianbao extract 平潭2023年报.html -o 平潭2023.json ；nianbao extract 去年年报/ -o 去年数据/")
    e.add_argument("inputs", nargs="+", metavar="INPUT", help="报告文件或文件夹")
    e.add_argument("-o", "--output", required=True, metavar="OUT", help="一个输入时可为 FILE.json；否则为文件夹")
    e.set_defaults(handler=cmd_extract)


def cmd_extract(args: argparse.Namespace) -> int:
    """Write each input's report data as JSON."""
    from converter.batch.extract import extract
    require_existing(args.inputs)
    single = args.output.lower().endswith(".json")
    if single and (len(args.inputs) > 1 or os.path.isdir(args.inputs[0])):
        raise UserError("多个输入时 -o 应为文件夹（每个输入写出 文件夹/<文件名>.json）")
    report = extract(args.inputs, args.output, single_file=single,
                     on_task=lambda t: print_task(t, show_ok=True, bar=False))
    print_summary(report)
    print(f"报告数据已写入：{args.output}")
    return 0 if report.valid else 1


def add_check(sub: SubParsers) -> None:
    """`nianbao check`."""
    c = sub.add_parser("check", help="校验报告（工作簿、Word、网页、PDF、网址）",
                       description="校验报告：数据完整性、格式、勾稽关系；工作簿之外也读取 Word、网页、PDF 和网址。"
                                   "有错误时退出码为 1。",
                       epilog="示例：nianbao check 收件箱/ ；nianbao check 南岭镇.xlsx --json")
    c.add_argument("paths", nargs="*", metavar="PATH", help="报告文件（工作簿、Word、网页、PDF）、文件夹或网址")
    c.add_argument("--json", action="store_true", help="以 JSON 列表输出全部问题")
    c.add_argument("--urls", metavar="FILE", help="网址清单文件：每行一个年报网页或文件的网址")
    c.add_argument("--allow-private", action="store_true", help="允许访问内部网络地址（默认只访问公共互联网）")
    add_previous_option(c)
    add_jobs_option(c)
    c.set_defaults(handler=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    """Check inputs; exit 1 when any has errors."""
    from converter.batch.run import check_files
    from converter.batch.urls import is_url, urls_in_file
    urls = [p for p in args.paths if is_url(p)]
    paths = [p for p in args.paths if not is_url(p)]
    if args.urls:
        require_existing([args.urls])
        urls += urls_in_file(args.urls)
    if not paths and not urls:
        raise UserError("请给出要校验的文件、文件夹或网址（或 --urls 网址清单）")
    require_existing(paths)
    progress = sys.stderr.isatty() and not args.json
    previous = load_previous_option(args, listed_in="（逐个列在 --json 的输出中）" if args.json else "（加 --json 可逐个列出）")
    options = dict(jobs=args.jobs, keep_tasks=False, urls=urls, allow_private=args.allow_private, previous=previous)
    if args.json:
        stream = JsonList()
        if previous is not None:
            stream.add_findings(previous.findings)      # last year's files that could not be used
        report = check_files(paths, on_task=stream.add, **options)
        stream.close()
    else:
        report = check_files(paths, progress=progress, on_task=lambda t: print_task(t, show_ok=True, bar=progress),
                             **options)
        print_summary(report)
    return 0 if report.valid else 1


def add_build(sub: SubParsers) -> None:
    """`nianbao build`."""
    b = sub.add_parser("build", help="批量生成年报（Word，可选 PDF、网页）",
                       description="校验并批量转换：每个通过校验的工作簿生成一份 Word 年报，"
                                   "并在输出文件夹写出 校验结果.xlsx。有未转换的文件时退出码为 1。",
                       epilog="示例：nianbao build 收件箱/ -o 年报/ --jobs 2")
    b.add_argument("inputs", nargs="+", metavar="INPUT", help="工作簿文件或文件夹")
    b.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="输出文件夹")
    add_jobs_option(b)
    b.add_argument("--pdf", action="store_true", help="同时生成 PDF（无需安装办公软件）")
    b.add_argument("--html", action="store_true", help="同时生成网页（.html），并写出列出全部报告的 index.html")
    b.add_argument("--html-fragment", action="store_true", help="同时生成只含正文、样式内联的网页片段（-正文.html），供网站后台粘贴")
    b.add_argument("--fonts", metavar="DIR", help="PDF 另外使用的字体文件夹（如放有方正小标宋简体、仿宋_GB2312）")
    b.add_argument("--style", metavar="参考.docx", help="样式参考文档（在 Word 或 WPS 中制作）：采用其页边距、页眉页脚和字体")
    b.add_argument("--quiet", action="store_true", help="不显示进度条和逐个文件的结果")
    add_previous_option(b)
    b.set_defaults(handler=cmd_build)


def cmd_build(args: argparse.Namespace) -> int:
    """Build reports; exit 1 when any input was not converted."""
    from converter.batch.outputs import RESULTS_NAME
    from converter.batch.pipeline import Outputs
    from converter.batch.run import build
    require_existing(args.inputs + ([args.fonts] if args.fonts else []) + ([args.style] if args.style else []))
    if args.style:
        from converter.render.style import load_style
        load_style(args.style)         # a reference that cannot be used is said once, before the batch
    outputs = Outputs(pdf=args.pdf, html=args.html, fragment=args.html_fragment, fonts=args.fonts, style=args.style)
    progress = sys.stderr.isatty() and not args.quiet
    show = None if args.quiet else (lambda t: print_task(t, show_ok=False, bar=progress))
    report = build(args.inputs, args.output, jobs=args.jobs, progress=progress, on_task=show, keep_tasks=False,
                   outputs=outputs, previous=load_previous_option(args, listed_in=f"（逐个列在 {RESULTS_NAME} 的问题明细中）"))
    print_summary(report)
    if args.pdf:
        from converter.render.pdf import font_substitutions
        swapped = font_substitutions(args.fonts)
        if swapped:
            print("PDF 字体：本机未安装 " + "、".join(f"{a}（以 {b} 代替）" for a, b in swapped.items()))
    written = os.path.basename(report.results_file or RESULTS_NAME)
    if written != RESULTS_NAME:
        print(f"提示：{RESULTS_NAME} 无法覆盖（可能正在 Excel 或 WPS 中打开），本次校验结果另存为 {written}",
              file=sys.stderr)
    kinds = "Word" + ("、PDF" if args.pdf else "") + ("、网页" if args.html or args.html_fragment else "")
    print(f"{kinds} 年报和 {written} 已写入：{args.output}" + ("（总目录 index.html）" if args.html else ""))
    return 0 if report.valid else 1


def add_schema(sub: SubParsers) -> None:
    """`nianbao schema`."""
    s = sub.add_parser("schema", help="输出报告数据的 JSON Schema",
                       description="输出某一格式报告数据的 JSON Schema（draft 2020-12）。",
                       epilog="示例：nianbao schema --format 2019")
    add_format_option(s)
    s.set_defaults(handler=cmd_schema)


def cmd_schema(args: argparse.Namespace) -> int:
    """Print a format's JSON Schema."""
    from converter.definition.formats import get
    from converter.definition.schema import build_schema
    Utf8Out().write(json.dumps(build_schema(get(args.format)), ensure_ascii=False, indent=2) + "\n")
    return 0


__all__ = ["UserError", "add_build", "add_check", "add_extract", "add_schema", "add_template"]
