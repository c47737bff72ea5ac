"""The generated workbook: sheets, defined names for every input, protection, validation, checks."""
import io

import openpyxl
import pytest

from converter.definition import compile
from converter.definition.model import META_SHEET, defined_name
from converter.template.workbook import make_template


@pytest.fixture
def book(fmt):
    return openpyxl.load_workbook(io.BytesIO(make_template(fmt, unit="南岭镇人民政府", year=2024)))


def test_sheets(book):
    assert book.sheetnames == ["填报说明", "基本信息", "一、总体情况", "二、主动公开", "三、依申请公开",
                               "四、复议诉讼", "五、问题及改进", "六、其他事项", META_SHEET]
    assert book[META_SHEET].sheet_state == "hidden"


def test_every_input_has_a_defined_name_at_its_planned_cell(fmt, book):
    locations = compile(fmt).locations
    for path, (sheet, cell) in locations.items():
        dn = book.defined_names[defined_name(path)]
        assert dn.attr_text.startswith(f"'{sheet}'!") and dn.attr_text.replace("$", "").split("!")[1].split(":")[0] == cell


def test_inputs_unlocked_totals_formulas_sheets_protected(fmt, book):
    computed = compile(fmt).computed
    for path, (sheet, cell) in compile(fmt).locations.items():
        c = book[sheet][cell]
        if path in computed:
            assert c.protection.locked and str(c.value).startswith("=SUM(")
        else:
            assert not c.protection.locked, (path, sheet, cell)
    for ws in book.worksheets:
        assert ws.protection.sheet


def test_prefilled(book):
    assert book["基本信息"]["B5"].value == "南岭镇人民政府"
    assert book["基本信息"]["B6"].value == 2024


def test_validation_prompts_in_chinese(book):
    dvs = book["三、依申请公开"].data_validations.dataValidation
    assert dvs and all(dv.type == "whole" and dv.operator == "greaterThanOrEqual" for dv in dvs)
    assert "无数据请填 0" in dvs[0].prompt


def test_delta_accepts_negative(f2019):
    book = openpyxl.load_workbook(io.BytesIO(make_template(f2019)))
    dvs = book["二、主动公开"].data_validations.dataValidation
    assert any(dv.type == "whole" and dv.operator in (None, "between") and int(dv.formula1) < 0 for dv in dvs)


def test_live_check_cells_and_red_marks(fmt, book):
    ws = book["三、依申请公开"]
    checks = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=IF(COUNT(")]
    t = fmt.table("p3")
    assert len(checks) == len(t.rows) + 2 * len(t.columns)     # one per row total, two rules per column
    assert len(ws.conditional_formatting) > 30


def test_unit_text_never_becomes_a_formula(f2021):
    book = openpyxl.load_workbook(io.BytesIO(make_template(f2021, unit="=HYPERLINK(\"x\")")))
    c = book["基本信息"]["B5"]
    assert c.data_type == "s" and c.value == "=HYPERLINK(\"x\")"
