"""校验结果.xlsx, written by our streaming writer: what a unit typed stays text, odd characters do not
break the package, and memory does not depend on the number of rows."""
import io
import tracemalloc

import openpyxl

from converter.batch.report import BatchReport, Task
from converter.batch.results_xlsx import ResultsWriter, results_bytes
from converter.cell_ref import col_letter as column_letter
from converter.checks.findings import make


def _task(i: int, unit: str = "某单位") -> Task:
    f = make("P3_ROW_TOTAL", sheet="三、依申请公开", cell="J8", expected=96, actual=99, row="x").with_file(f"{i}.xlsx")
    return Task(file=f"/in/{i}.xlsx", status="rejected", findings=[f], unit=unit, year=2024, format_id="2021")


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]


def test_unit_text_stays_text_and_odd_characters_survive():
    evil = ['=HYPERLINK("http://x","y")', "+1", "@SUM(A1)", "a&b<c>\"d'", "控制\x01字符\x1f", "换行\n第二行", "长" * 40000]
    report = BatchReport([_task(i, unit) for i, unit in enumerate(evil)])
    wb = openpyxl.load_workbook(io.BytesIO(results_bytes(report)))
    units = [row[2] for row in wb["汇总"].iter_rows(min_row=2, max_row=len(evil) + 1)]
    assert [c.value for c in units] == evil[:4] + ["控制\ufffd字符\ufffd", "换行\n第二行", "长" * 32767]
    assert all(c.data_type == "s" for c in units)
    detail = list(wb["问题明细"].iter_rows(min_row=2, values_only=True))
    assert detail[0][5:] == ("J8", detail[0][6], 96, 99, "P3_ROW_TOTAL")


def test_memory_does_not_grow_with_rows(tmp_path):
    def peak(n: int) -> int:
        report = BatchReport(keep_tasks=False)
        tracemalloc.start()
        writer = ResultsWriter(tmp_path / f"{n}.xlsx")
        t = _task(0)
        for i in range(n):
            writer.add(t)
            report.add(t)
        writer.close(report)
        size = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return size
    small, large = peak(200), peak(5000)
    assert large < small * 1.5 + 200_000
    rows = openpyxl.load_workbook(tmp_path / "5000.xlsx", read_only=True)["汇总"].max_row
    assert rows == 5000 + 3


def test_readable_as_sent_to_a_unit():
    """Rows tall enough for every wrapped line, the format by its name, only non-zero counts, a theme."""
    import zipfile

    long = make("VALUE_INVALID", sheet="三、依申请公开", cell="D34", what="「自然人」列", detail="很长的说明" * 30)
    report = BatchReport([Task(file="/in/a.xlsx", status="rejected", findings=[long.with_file("a.xlsx")], unit="甲",
                               year=2024, format_id="2021")])
    blob = results_bytes(report)
    wb = openpyxl.load_workbook(io.BytesIO(blob))
    summary, detail = wb["汇总"], wb["问题明细"]
    assert summary["E2"].value == "2021 年版（现行）"
    total = next(c.value for c in summary["A"] if isinstance(c.value, str) and c.value.startswith("合计"))
    assert total == "合计：共 1 个文件：有错误 1；错误 1 处，提示 0 处"
    assert detail.row_dimensions[2].height and detail.row_dimensions[2].height >= 4 * 14
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        assert {"xl/theme/theme1.xml", "docProps/core.xml", "docProps/app.xml"} <= set(z.namelist())
