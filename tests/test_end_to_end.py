"""The coordinator's and the clerk's whole job, through the real CLI: template → filled by visible
labels → build → every number in the right cell of the Word tables; violated rules at the right cell."""
import json
import random
import subprocess
import sys

import clerk
import docx_read
import pytest
from openpyxl.utils import get_column_letter

from converter.definition import compile
from converter.definition.formats import get
from converter.definition.layout import layout_group


def nianbao(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "converter", *args], capture_output=True, text=True, cwd=cwd)


def fill_like_a_clerk(path, fmt, seed: int, break_balance: bool = False) -> tuple[dict, dict]:
    """Type figures into the cells found by their labels. Returns ({path: value}, {name: cell})."""
    rnd = random.Random(seed)
    wb = clerk.open_book(path)
    typed, where = {}, {}

    ws = wb["三、依申请公开"]
    t = fmt.table("p3")
    results = [r for r in t.rows if r.key not in ("new", "carried", "total", "carryover")]
    total_col = get_column_letter(clerk.header_column(ws, *t.column("total").path))
    for col in t.columns[:-1]:
        c = clerk.header_column(ws, *col.path)
        new, carried = rnd.randint(5, 40), rnd.randint(0, 5)
        left = new + carried
        for row in [t.row("new"), t.row("carried")] + results + [t.row("carryover")]:
            if row.key == "new":
                v = new
            elif row.key == "carried":
                v = carried
            elif row.key == "carryover":
                v = left + (1 if break_balance and col.key == "research" else 0)
            else:
                v = rnd.randint(0, min(3, left))
                left -= v
            r = clerk.row_of(ws, row.label)
            # clerks type some figures as text; the reader must accept them
            clerk.type_value(ws, r, c, str(v) if rnd.random() < 0.2 else v)
            typed[("tables", "p3", row.key, col.key)] = v
            where[(row.key, col.key)] = f"{get_column_letter(c)}{r}"
            where[(row.key, "total")] = f"{total_col}{r}"

    ws = wb["四、复议诉讼"]
    for col in fmt.table("p4").columns:
        if col.key.endswith("total"):
            continue
        c = clerk.header_column(ws, *col.path)
        r = _p4_data_row(ws)
        v = rnd.randint(0, 4)
        clerk.type_value(ws, r, c, v)
        typed[("tables", "p4", "main", col.key)] = v

    ws = wb["二、主动公开"]
    active = next(s for s in fmt.sections if s.key == "active").group
    for table in active.tables:
        title_row = clerk.find(ws, table.title).row
        for row in table.rows:
            r = clerk.row_of(ws, row.label, after_row=title_row)
            for col in table.columns:
                c = clerk.find(ws, col.label, after_row=title_row).column
                v = round(rnd.uniform(0, 99), 2) if col.kind.name == "money" else rnd.randint(
                    -5 if col.kind.name == "delta" else 0, 300)
                clerk.type_value(ws, r, c, v)
                typed[("tables", table.key, row.key, col.key)] = v

    ws = wb["一、总体情况"]
    for label in ("（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）政府信息公开平台建设", "（五）监督保障"):
        clerk.type_value(ws, clerk.find(ws, label).row, 2, f"{label}的第一段。\n{label}的第二段。")
    ws = wb["五、问题及改进"]
    for label in ("（一）主要问题", "（二）改进情况"):
        r = clerk.find(ws, label).row
        clerk.type_value(ws, r + 1, 2, f"{label}一是。")
        clerk.type_value(ws, r + 2, 2, f"{label}二是。")
    ws = wb["六、其他事项"]
    clerk.type_value(ws, clerk.find(ws, "本年度收取信息处理费（元）").row, 2, 0)
    wb.save(path)
    return typed, where


def _p4_data_row(ws) -> int:
    leaf = [c for row in ws.iter_rows() for c in row if c.value == "结果维持"]
    return max(c.row for c in leaf) + 1


@pytest.mark.parametrize("format_id", ["2021", "2019"])
def test_template_fill_build_compare_every_number(tmp_path, format_id):
    fmt = get(format_id)
    year = "2024" if format_id == "2021" else "2020"
    tpl = tmp_path / "inbox" / "东湖街道.xlsx"
    tpl.parent.mkdir()
    r = nianbao("template", "-o", str(tpl), "--format", format_id, "--year", year, "--unit", "东湖街道办事处")
    assert r.returncode == 0, r.stderr
    typed, _ = fill_like_a_clerk(tpl, fmt, seed=int(year))

    r = nianbao("build", str(tmp_path / "inbox"), "-o", str(tmp_path / "out"))
    assert r.returncode == 0, r.stdout + r.stderr
    docx = tmp_path / "out" / f"东湖街道办事处{year}年政府信息公开工作年度报告.docx"
    tables = docx_read.tables(docx.read_bytes())

    groups = [s.group for s in fmt.sections if s.group]
    computed = compile(fmt).computed
    checked = 0
    for group, table in zip(groups, tables):
        for cell in layout_group(group).data_cells():
            got = table["cells"][(cell.row, cell.col)][0]
            path = cell.path
            if path in computed:
                expected = sum(typed[p] if p in typed else 0 for p in _leaves(fmt, path))
            else:
                expected = typed[path]
            assert float(got) == pytest.approx(expected), (path, got, expected)
            checked += 1
    assert checked == len(compile(fmt).cell_paths)


def _leaves(fmt, path):
    computed = compile(fmt).computed
    if path not in computed:
        return [path]
    return [leaf for p in computed[path].rhs for leaf in _leaves(fmt, p)]


def test_violations_reported_at_the_clerks_cells(tmp_path):
    fmt = get("2021")
    tpl = tmp_path / "错.xlsx"
    assert nianbao("template", "-o", str(tpl), "--year", "2024", "--unit", "西湖街道办事处").returncode == 0
    _, where = fill_like_a_clerk(tpl, fmt, seed=3, break_balance=True)
    r = nianbao("check", str(tpl), "--json")
    assert r.returncode == 1
    found = json.loads(r.stdout)
    balance = [(f["sheet"], f["cell"]) for f in found if f["code"] == "P3_COLUMN_BALANCE"]
    # at the column's live check cell, found as a clerk finds it: the 校验 row under the table
    check_row = clerk.row_of(clerk.open_book(tpl)["三、依申请公开"], "校验：第一项+第二项=第三项+第四项")
    column = lambda cell: cell.rstrip("0123456789")          # noqa: E731
    assert balance == [("三、依申请公开", f"{column(where[('carryover', 'research')])}{check_row}"),
                       ("三、依申请公开", f"{column(where[('carryover', 'total')])}{check_row}")]
    assert all(set(f) >= {"file", "code", "severity", "sheet", "cell", "message"} for f in found)
