"""What a clerk or a coordinator sees when LibreOffice opens a workbook we filled ourselves, with its
DEFAULT settings (it does not recalculate .xlsx files on opening): every total, check cell and status
line shows its true value, and the check cells give the same verdicts as `nianbao check`."""
import shutil

import office
import openpyxl
import pytest
from conftest import SAMPLES, zero_values

from converter.cell_ref import a1
from converter.checks import Context, run_checks
from converter.definition import compile
from converter.definition.formats import get
from converter.intake import read_workbook
from converter.template import FAIL_MARK, NOT_FILLED, PASS_MARK, make_template


@pytest.fixture(scope="module")
def shown(tmp_path_factory, lo_profile):
    src = tmp_path_factory.mktemp("src")
    files = []
    for p in sorted(SAMPLES.glob("*.xlsx")):
        shutil.copy(p, src / p.name)
        files.append(src / p.name)
    # a workbook filled by the project with a carried-over figure (as `distribute --previous` writes it)
    fmt = get("2021")
    carried = src / "carried.xlsx"
    carried.write_bytes(make_template(fmt, unit="甲镇", year=2024, values={("tables", "p3", "carried", "natural"): 1}))
    files.append(carried)
    profile = tmp_path_factory.mktemp("default-profile")          # a fresh profile: LibreOffice's defaults
    return office.sheets_as_csv(files, tmp_path_factory.mktemp("csv"), profile)


def _cell(sheets, sheet, ref):
    import re
    m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    rows = sheets[sheet]
    row = int(m.group(2)) - 1
    return rows[row][col - 1] if row < len(rows) and col - 1 < len(rows[row]) else ""


def _leaves(plan, path):
    if path not in plan.computed:
        return [path]
    return [leaf for p in plan.computed[path].rhs for leaf in _leaves(plan, p)]


def _check_cells(plan):
    for sp in plan.sheets:
        for rule, row in sp.check_rows:
            for eq in (e for e in plan.equations if e.rule is rule):
                yield eq, sp.section.sheet, a1(row, sp.cell_of(eq.anchor)[1])
        for rule, col in sp.check_cols:
            for eq in (e for e in plan.equations if e.rule is rule):
                yield eq, sp.section.sheet, a1(sp.cell_of(eq.anchor)[0], col)


@pytest.mark.parametrize("name", [p.name for p in sorted(SAMPLES.glob("*.xlsx"))] + ["carried.xlsx"])
def test_shown_verdicts_equal_nianbao_check(shown, name):
    path = next(p for p in shown if p.name == name)
    sheets = shown[path]
    r = read_workbook(path)
    plan = compile(get(r.format_id))
    findings = run_checks(r.data, plan, Context(plan, r.locations, r.reported))
    ctx = Context(plan, r.locations)
    failing = {eq for eq in plan.equations if any(
        f.code == eq.rule.code and {"sheet": f.sheet, "cell": f.cell} == (ctx.locate_check(eq) if eq.rule.at_check
                                                                          else ctx.locate(eq.anchor))
        for f in findings)}
    for eq, sheet, ref in _check_cells(plan):
        verdict = _cell(sheets, sheet, ref)
        assert verdict in (PASS_MARK, NOT_FILLED) or verdict.startswith(FAIL_MARK), (name, sheet, ref, verdict)
        assert verdict.startswith(FAIL_MARK) == (eq in failing), (name, sheet, ref, verdict)
    # totals show the true sum of what is in the table (SUM takes numbers; text typed by a clerk, which
    # the reader does accept, counts as nothing there), not the blank template's 0
    formulas = openpyxl.load_workbook(path)
    for path_, eq in plan.computed.items():
        sheet, ref = r.locations[path_]
        if formulas[sheet][ref].data_type != "f":
            continue                        # a total the clerk overtyped is checked like any other value
        numeric = [formulas[r.locations[p][0]][r.locations[p][1]].data_type in ("n", "f") for p in eq.rhs]
        shown_operands = [_cell(sheets, *r.locations[p]) for p in eq.rhs]
        expected = sum(float(v) for v, n in zip(shown_operands, numeric) if n and v)
        assert float(_cell(sheets, sheet, ref)) == expected, (name, path_)
        leaves = _leaves(plan, path_)
        if all(formulas[r.locations[p][0]][r.locations[p][1]].data_type == "n" for p in leaves):
            assert float(_cell(sheets, sheet, ref)) == r.data["tables"][path_[1]][path_[2]][path_[3]]
    # the status lines say what is true
    has_errors = any(f.severity == "error" and f.code == eq.rule.code for f in findings for eq in failing)
    guide = "\n".join(",".join(row) for row in sheets["填报说明"])
    assert ("勾稽关系不成立" in guide) == has_errors, guide


def test_carried_over_total(shown):
    path = next(p for p in shown if p.name == "carried.xlsx")
    sheets = shown[path]
    plan = compile(get("2021"))
    sheet = plan.section(("tables", "p3")).sheet
    row = plan.sheets[[s.section.sheet for s in plan.sheets].index(sheet)]
    r, c = row.cell_of(("tables", "p3", "carried", "total"))
    assert _cell(sheets, sheet, a1(r, c)) == "1"          # 上年结转 1, 总计 1 (not 0)
    status = _cell(sheets, sheet, "A3")
    assert status.startswith("本表尚有") and "勾稽关系不成立" in status      # blanks, and 一+二 ≠ 三+四 in 自然人


def test_status_of_a_complete_valid_workbook(tmp_path, lo_profile):
    fmt = get("2021")
    p = tmp_path / "ok.xlsx"
    p.write_bytes(make_template(fmt, values=zero_values(fmt)))
    sheets = office.sheets_as_csv([p], tmp_path / "csv", tmp_path / "profile")[p]
    assert _cell(sheets, "三、依申请公开", "A3") == f"{PASS_MARK} 本表已填写完整，勾稽关系成立"
    assert _cell(sheets, "二、主动公开", "A3") == f"{PASS_MARK} 本表已填写完整"       # no rules: no claim about them
    assert _cell(sheets, "一、总体情况", "A3") == f"{PASS_MARK} 各项内容已填写"
