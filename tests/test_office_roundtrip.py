"""A real spreadsheet application: LibreOffice opens our workbooks, recalculates every formula and
saves them again. The reader then returns the same data, and the live check cells show the same
verdicts as our checker. LibreOffice also opens the Word reports."""
import shutil
import subprocess

import docx_read
import office
import openpyxl
import pytest
from conftest import SAMPLES

from converter.cell_ref import a1
from converter.checks import Context, run_checks
from converter.definition import compile
from converter.definition.formats import get
from converter.intake.workbook import read_workbook
from converter.render.docx import render_report
from converter.template import FAIL_MARK, PASS_MARK

SAMPLE_NAMES = ["云溪县市场监督管理局-2024.xlsx", "云溪县自然资源局-2024.xlsx", "石门乡人民政府-2020.xlsx",
                "南岭镇人民政府-2024.xlsx"]


@pytest.fixture(scope="module")
def resaved(tmp_path_factory, lo_profile):
    """Each sample as LibreOffice saved it after a full recalculation (one soffice run for all)."""
    src = tmp_path_factory.mktemp("src")
    out = tmp_path_factory.mktemp("lo")
    for name in SAMPLE_NAMES:
        shutil.copy(SAMPLES / name, src / name)
    done = {}
    for name in SAMPLE_NAMES:
        done[name] = office.convert(src / name, out, "xlsx", lo_profile)
    return done


def _check_cells(fmt):
    """equation -> (sheet, A1 of its live check cell), from the sheet plan."""
    out = {}
    for plan in compile(fmt).sheets:
        for rule, row in plan.check_rows:
            for eq in compile(fmt).equations:
                if eq.rule is rule:
                    out[eq] = (plan.section.sheet, a1(row, plan.cell_of(eq.anchor)[1]))
        for rule, col in plan.check_cols:
            for eq in compile(fmt).equations:
                if eq.rule is rule:
                    out[eq] = (plan.section.sheet, a1(plan.cell_of(eq.anchor)[0], col))
    return out


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_reader_returns_the_same_data_after_libreoffice(resaved, name):
    before = read_workbook(SAMPLES / name)
    after = read_workbook(resaved[name])
    assert after.findings == [] and after.data == before.data


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_live_checks_agree_with_our_checker(resaved, name):
    r = read_workbook(resaved[name])
    fmt = get(r.format_id)
    ours = {(f.sheet, f.cell) for f in run_checks(r.data, fmt, Context(fmt, r.locations)) if f.code.startswith("P")}
    values = openpyxl.load_workbook(resaved[name], data_only=True)
    failing = set()
    for eq, (sheet, cell) in _check_cells(fmt).items():
        verdict = values[sheet][cell].value
        assert verdict == PASS_MARK or str(verdict).startswith(FAIL_MARK), (sheet, cell, verdict)
        if verdict != PASS_MARK:        # a finding names the anchor cell, or the check cell itself
            failing.add((sheet, cell) if eq.rule.at_check else r.locations[eq.anchor])
    assert failing == ours
    if "自然资源局" in name:
        assert ours, "the sample with 勾稽 errors must fail some checks"


def test_status_cells_after_recalculation(resaved):
    values = openpyxl.load_workbook(resaved["云溪县市场监督管理局-2024.xlsx"], data_only=True)
    assert values["三、依申请公开"]["A3"].value.startswith(PASS_MARK)
    bad = openpyxl.load_workbook(resaved["云溪县自然资源局-2024.xlsx"], data_only=True)
    assert "处勾稽关系不成立" in bad["三、依申请公开"]["A3"].value


def test_word_report_opens_in_libreoffice(tmp_path, lo_profile):
    r = read_workbook(SAMPLES / "云溪县市场监督管理局-2024.xlsx")
    src = tmp_path / "report.docx"
    src.write_bytes(render_report(r.data))
    pdf = office.convert(src, tmp_path / "pdf", "pdf", lo_profile)
    assert pdf.stat().st_size > 10000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "云溪县市场监督管理局2024年政府信息公开工作年度报告" in "".join(text.split())
    again = office.convert(src, tmp_path / "docx", "docx", lo_profile)     # LibreOffice's own re-save
    tables = docx_read.tables(again.read_bytes())
    assert len(tables) == 3
    figures = {v[0] for v in tables[1]["cells"].values()}
    assert str(r.data["tables"]["p3"]["new"]["natural"]) in figures


def test_check_report_opens_in_libreoffice(tmp_path, lo_profile):
    """校验结果.xlsx is our own streamed package: LibreOffice must read every row back from it."""
    from converter.batch import build
    out = tmp_path / "out"
    build([SAMPLES], out, jobs=1)
    src = out / "校验结果.xlsx"
    again = office.convert(src, tmp_path / "lo", "xlsx", lo_profile)      # LibreOffice's own re-save
    ours, theirs = openpyxl.load_workbook(src), openpyxl.load_workbook(again)
    assert theirs.sheetnames == ["汇总", "问题明细"]
    for name in theirs.sheetnames:
        assert [r for r in theirs[name].iter_rows(values_only=True) if any(v is not None for v in r)] == \
               [r for r in ours[name].iter_rows(values_only=True) if any(v is not None for v in r)]
    assert theirs["汇总"].page_setup.orientation == "landscape"     # (headless LibreOffice drops the frozen pane)
    assert theirs["汇总"].column_dimensions["B"].width == ours["汇总"].column_dimensions["B"].width
    assert theirs["问题明细"].auto_filter.ref
