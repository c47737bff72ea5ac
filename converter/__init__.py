"""nianbao: 政府信息公开工作年度报告 from a standard Excel workbook.

The work flows one way, a stage per folder, each usable alone with plain dicts between them:

    definition/   format data -> compile(fmt): the Plan every stage takes
    template/     plan -> the 填报模板 workbook                      make_template(fmt, unit, year, values)
    intake/       a file -> ReadResult(data, locations, findings)     read_workbook(path)
    checks/       report data -> findings                             run_checks(data, fmt, ctx)
    render/       valid report data -> documents                      render_report(data, fmt)
    batch/        many files -> reports + 校验结果.xlsx, in parallel   build(inputs, outdir), check_files(inputs)
    mail/         roster, distribute, collect, status, feedback by email
    cli/          the `nianbao` command, thin over the above

Top level: errors.py (the one base exception), files.py (safe names, atomic writes), cell_ref.py
(A1 references), generate.py (the committed schema/ and workbook_template/ files).
"""
from __future__ import annotations

import importlib
from typing import Callable

__version__ = "0.1.0"


def lazy_exports(exports: dict[str, str]) -> Callable[[str], object]:
    """A module `__getattr__` that imports each exported name from its module on first use: importing
    one small module of a stage (as the command line does) must not load the whole stage."""
    def __getattr__(name: str) -> object:
        if name in exports:
            return getattr(importlib.import_module(exports[name]), name)
        raise AttributeError(name)
    return __getattr__
