"""Each check alone, on report data (no workbook): the code it yields and the cell it points at."""
import copy
import datetime as dt
import functools

import pytest
from conftest import zero_values

from converter.checks import Context, run_checks
from converter.definition.formats import get
from converter.intake.workbook import read_workbook
from converter.template.workbook import make_template


@functools.lru_cache(maxsize=None)
def _valid(format_id: str, tmpdir: str) -> dict:
    import pathlib
    p = pathlib.Path(tmpdir) / f"valid-{format_id}.xlsx"
    fmt = get(format_id)
    year = fmt.example_year                         # a year the format is meant for
    p.write_bytes(make_template(fmt, values=zero_values(fmt, year=year)))
    return read_workbook(p).data


@pytest.fixture
def valid(tmp_path_factory):
    base = str(tmp_path_factory.getbasetemp())
    return lambda fid: copy.deepcopy(_valid(fid, base))


def run(data, today=dt.date(2025, 1, 15)):
    fmt = get(data["format"])
    return [(f.code, f.severity, f.cell) for f in run_checks(data, fmt, Context(fmt, today=today))]


def errors(data, **kw):
    return [x for x in run(data, **kw) if x[1] == "error"]


def test_valid_report_has_no_findings(valid):
    assert run(valid("2021")) == []
    assert run(valid("2019"), today=dt.date(2021, 1, 15)) == []


def _set(d, path, v):
    node = d
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = v


@pytest.mark.parametrize("path, value, code, cell", [
    (("tables", "p3", "new", "natural"), None, "VALUE_BLANK", "D8"),
    (("tables", "p3", "new", "natural"), "无", "VALUE_NOT_NUMBER", "D8"),
    (("tables", "p3", "new", "natural"), 2.5, "VALUE_NOT_INTEGER", "D8"),
    (("tables", "p3", "granted", "legal"), -1, "VALUE_NEGATIVE", "H10"),
    (("tables", "a8", "fees", "amount"), -0.5, "VALUE_NEGATIVE", "B18"),
    (("fields", "unit"), "", "UNIT_MISSING", "B5"),
    (("fields", "year"), None, "YEAR_MISSING", "B6"),
    (("fields", "year"), "去年", "YEAR_INVALID", "B6"),
    (("fields", "year"), 1999, "YEAR_INVALID", "B6"),
    (("fields", "year"), 2031, "YEAR_FUTURE", "B6"),
    (("fields", "fee"), None, "VALUE_BLANK", "B6"),
])
def test_value_rules(valid, path, value, code, cell):
    d = valid("2021")
    _set(d, path, value)
    assert errors(d)[0] == (code, "error", cell)   # a wrong count may also unbalance its column


def test_money_may_be_fractional_count_may_not(valid):
    d = valid("2021")
    d["tables"]["a8"]["fees"]["amount"] = 12.35
    assert errors(d) == []


def test_delta_may_be_negative(valid):
    d = valid("2019")
    d["tables"]["a5"]["licensing"]["change"] = -3
    assert errors(d, today=dt.date(2020, 3, 1)) == []


def test_row_total(valid):
    d = valid("2021")
    d["tables"]["p3"]["new"]["natural"] = 3
    d["tables"]["p3"]["new"]["total"] = 2          # overtyped, wrong
    d["tables"]["p3"]["carryover"]["natural"] = 3  # keep the column balanced
    d["tables"]["p3"]["carryover"]["total"] = 2
    assert ("P3_ROW_TOTAL", "error", "J8") in errors(d)


def test_result_total(valid):
    d = valid("2021")
    d["tables"]["p3"]["deny3"]["research"] = 1
    d["tables"]["p3"]["deny3"]["total"] = 1
    d["tables"]["p3"]["new"]["research"] = 1
    d["tables"]["p3"]["new"]["total"] = 1
    # （七）总计 left at 0 although an item is 1
    assert ("P3_RESULT_TOTAL", "error", "F31") in errors(d)


def test_column_balance_names_the_column_and_both_sums(valid):
    d = valid("2021")
    d["tables"]["p3"]["new"]["natural"] = 12
    d["tables"]["p3"]["new"]["total"] = 12
    fmt = get("2021")
    found = [f for f in run_checks(d, fmt, Context(fmt)) if f.code == "P3_COLUMN_BALANCE"]
    # at the column's live check cell (no one data cell is wrong), both sides named, no 应为/实为
    assert [(f.cell, f.expected, f.actual) for f in found] == [("D34", None, None), ("J34", None, None)]
    assert "「自然人」列" in found[0].message and "一+二 = 12" in found[0].message and "（七）+四 = 0" in found[0].message


@pytest.mark.parametrize("prefix, cell", [("r", "E8"), ("d", "J8"), ("a", "O8")])
def test_p4_block_totals(valid, prefix, cell):
    d = valid("2019")
    d["tables"]["p4"]["main"][prefix + "pending"] = 2
    assert errors(d, today=dt.date(2020, 2, 1)) == [("P4_BLOCK_TOTAL", "error", cell)]


def test_blank_operand_skips_the_equation(valid):
    d = valid("2021")
    d["tables"]["p3"]["new"]["natural"] = None
    assert [c for c, *_ in errors(d)] == ["VALUE_BLANK"]


def test_old_format_for_new_year_is_a_warning(valid):
    d = valid("2019")
    d["fields"]["year"] = 2024
    assert run(d) == [("FORMAT_OUTDATED", "warning", "B6")]


def test_narrative_warnings(valid):
    d = valid("2021")
    d["fields"]["platform"] = ""
    d["fields"]["improvements"] = []
    d["fields"]["supervision"] = "编写说明：此处填写监督保障情况"
    assert run(d) == [("TEXT_EMPTY", "warning", "B9"), ("TEXT_EMPTY", "warning", "B18"),
                      ("TEXT_TEMPLATE_LEFT", "warning", "B10")]


def test_structure_errors_from_other_sources_do_not_crash(valid):
    d = valid("2021")
    del d["tables"]["p4"]
    d["fields"]["extra"] = 1
    codes = [c for c, *_ in errors(d)]
    assert codes and set(codes) == {"VALUE_INVALID"}


def test_a_finding_survives_the_trip_to_and_from_a_worker_process_whole():
    import copy
    import pickle
    from dataclasses import fields

    from converter.checks.findings import Finding
    f = Finding(*(f"v{i}" for i in range(len(fields(Finding)))))      # every field its own value
    for again in (pickle.loads(pickle.dumps(f, protocol=p)) for p in range(pickle.HIGHEST_PROTOCOL + 1)):
        assert again == f and type(again) is Finding
    assert copy.deepcopy(f) == f and copy.copy(f) == f
