"""`nianbao summary` (issue 14): every summed cell against an independent sum of the units' own data,
the 汇总表 sheet read back by the published-report label reader, the hierarchy check, LibreOffice
opening 汇总.xlsx (with its charts) and the Word summary."""
from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import office
import openpyxl
import pytest
from conftest import SAMPLES, zero_values

from converter.batch.pipeline import process_file
from converter.batch.status import Status
from converter.definition import compile
from converter.definition.formats import get
from converter.intake.published.document import Cell, Document
from converter.intake.published.document import Table as DocTable
from converter.intake.published.match import match_tables, parse_number
from converter.intake.reader import read_report
from converter.summary.aggregate import specific_paths
from converter.summary.collect import summarize
from converter.summary.document import render_summary_docx, render_summary_html
from converter.summary.workbook import FINDINGS_SHEET, SUMMARY_SHEET, UNITS_SHEET, write_summary_xlsx
from converter.template.workbook import make_template


def _independent(files, include_invalid=False):
    """unit data of the included files, by format id: read and checked, nothing of the summary code."""
    out: dict[str, list[dict]] = {}
    for f in files:
        task = process_file(str(f))
        ok = task.status is Status.PASSED or (include_invalid and task.status is Status.REJECTED)
        result = read_report(str(f))
        if ok and result.data is not None:
            out.setdefault(result.format_id, []).append(result.data["tables"])
    return out


def _expected(units: dict[str, list[dict]], fmt_id: str, path) -> float:
    _, t, r, c = path
    total = 0
    for tables_list in units.values():
        for tables in tables_list:
            v = tables.get(t, {}).get(r, {}).get(c)
            if isinstance(v, (int, float)):
                total += v
    return total


def _sheet_tables(path: Path, sheet: str, stop: str = "仅见于") -> Document:
    """The sheet's cells as a published document's tables (merged ranges as spans): blocks of rows
    separated by one-cell heading lines; reading stops at the first line starting with `stop`."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    spans = {}
    covered = set()
    for mr in ws.merged_cells.ranges:
        spans[(mr.min_row, mr.min_col)] = (mr.max_row - mr.min_row + 1, mr.max_col - mr.min_col + 1)
        for r in range(mr.min_row, mr.max_row + 1):
            for c in range(mr.min_col, mr.max_col + 1):
                if (r, c) != (mr.min_row, mr.min_col):
                    covered.add((r, c))
    doc = Document(str(path), "xlsx")
    block: list[Cell] = []
    top = None

    def flush():
        nonlocal block, top
        if block:
            doc.tables.append(DocTable(block, index=len(doc.tables) + 1))
        block, top = [], None
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row):
        cells = [c for c in row if (c.row, c.column) not in covered and c.value is not None]
        if len(cells) == 1 and cells[0].column == 1 and spans.get((cells[0].row, 1), (1, 1))[1] in (1, ws.max_column):
            if str(cells[0].value).startswith(stop):
                break
            flush()
            continue
        for c in cells:
            if top is None:
                top = c.row
            rs, cs = spans.get((c.row, c.column), (1, 1))
            v = c.value
            text = str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
            block.append(Cell(c.row - top, c.column - 1, rs, cs, text))
    flush()
    return doc


def _check_sheet_against(xlsx: Path, fmt_id: str, units) -> int:
    plan = compile(get(fmt_id))
    m = match_tables(_sheet_tables(xlsx, SUMMARY_SHEET), plan.fmt)
    checked = 0
    for path in plan.cell_paths:
        cells = m.raw.get(path)
        assert cells and len(cells) == 1, (path, cells)
        got = parse_number(cells[0].text, plan.kinds[path])
        assert got == pytest.approx(_expected(units, fmt_id, path), abs=1e-6), path
        checked += 1
    return checked


def test_summary_of_the_samples_matches_an_independent_sum(tmp_path):
    files = sorted(SAMPLES.glob("*.xlsx"))
    for include_invalid in (False, True):
        s = summarize([str(SAMPLES)], title="云溪县", year=2024, include_invalid=include_invalid)
        out = tmp_path / f"汇总{include_invalid}.xlsx"
        try:
            write_summary_xlsx(s, out)
            units = _independent(files, include_invalid)
            assert s.region.units == sum(len(v) for v in units.values())
            primary = s.primary
            # the 汇总表 sheet, read by labels, gives the primary format's cells: common cells over
            # every format, the primary's own over its units
            assert _check_sheet_against(out, primary.id, units) == len(primary.cell_paths)
            # other formats' own rows are kept apart, each the sum over that format's units
            for other in s.plans()[1:]:
                own = {other.id: units[other.id]}
                for path in specific_paths(primary, other):
                    assert s.region.by_format[other.id].get(path) == pytest.approx(_expected(own, other.id, path)), path
            lines = [c.value for c in openpyxl.load_workbook(out)[SUMMARY_SHEET]["A"][:6] if c.value]
            assert any(f"本表汇总 {s.region.units} 个单位" in str(v) for v in lines)
            if not include_invalid:
                assert any("有错误的报表未计入" in str(v) for v in lines)
        finally:
            s.close()


def _random_values(fmt, rnd: random.Random, unit: str, year: int) -> dict:
    plan = compile(fmt)
    values = zero_values(fmt, unit=unit, year=year)
    for t in fmt.tables():
        for r in t.rows:
            for c in t.columns:
                p = ("tables", t.key, r.key, c.key)
                if p in plan.computed:
                    continue
                values[p] = round(rnd.uniform(0, 90), 2) if c.kind.unit else rnd.randint(-5, 5) if c.kind.name == "delta" \
                    else rnd.randint(0, 30)
    p3 = fmt.table("p3")
    for c in p3.columns[:-1]:      # balance 一+二 = 三+四
        handled = sum(values[("tables", "p3", r.key, c.key)] for r in p3.rows
                      if r.key not in ("new", "carried", "total", "carryover"))
        values[("tables", "p3", "new", c.key)] = handled + rnd.randint(0, 5)
        values[("tables", "p3", "carryover", c.key)] = (values[("tables", "p3", "new", c.key)]
                                                        + values[("tables", "p3", "carried", c.key)] - handled)
    return values


@pytest.mark.parametrize("seed", [1, 2])
def test_summary_of_a_generated_mixed_batch(tmp_path, seed):
    rnd = random.Random(seed)
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(14):
        fmt = get("2019") if i % 3 == 0 else get("2021")
        values = _random_values(fmt, rnd, f"生成单位{i:02d}", 2024 if fmt.id == "2021" else 2020)
        if i == 5:
            values[("tables", "p3", "carryover", "natural")] += 1      # an error: excluded by default
        (folder / f"u{i:02d}.xlsx").write_bytes(make_template(fmt, values=values))
    (folder / "not-a-report.xlsx").write_bytes(b"garbage")
    files = sorted(folder.glob("*.xlsx"))
    s = summarize([str(folder)], title="测试县", year=2024, jobs=2)
    out = tmp_path / "汇总.xlsx"
    try:
        write_summary_xlsx(s, out)
        units = _independent(files)
        assert s.region.units == 13
        assert _check_sheet_against(out, s.primary.id, units) == len(s.primary.cell_paths)
        for other in s.plans()[1:]:
            for path in specific_paths(s.primary, other):
                assert s.region.by_format[other.id].get(path) == pytest.approx(
                    _expected({other.id: units[other.id]}, other.id, path)), path
        wb = openpyxl.load_workbook(out)
        per_unit = wb[UNITS_SHEET]
        assert per_unit.freeze_panes == "C3" and per_unit.auto_filter.ref
        names = [per_unit.cell(r, 2).value for r in range(3, per_unit.max_row + 1)]
        assert "生成单位05" in names and "not-a-report.xlsx" in names
        states = {per_unit.cell(r, 2).value: per_unit.cell(r, 5).value for r in range(3, per_unit.max_row + 1)}
        assert states["生成单位05"] == Status.REJECTED.label
        assert states["not-a-report.xlsx"] == Status.UNREADABLE.label
        codes = {wb[FINDINGS_SHEET].cell(r, 1).value: wb[FINDINGS_SHEET].cell(r, 4).value
                 for r in range(2, wb[FINDINGS_SHEET].max_row + 1)}
        assert codes.get("P3_COLUMN_BALANCE") == 1
    finally:
        s.close()


def test_2019_primary_takes_2021_finer_rows_into_its_coarse_row(tmp_path):
    """A summary drawn in the 2019 format (most units use it) adds 2021's （六）1–3 into 2019's （六）,
    as the format data declares; nothing is split or dropped."""
    rnd = random.Random(7)
    for i, fid in enumerate(("2019", "2019", "2021")):
        fmt = get(fid)
        values = _random_values(fmt, rnd, f"单位{i}", 2024)
        (tmp_path / f"u{i}.xlsx").write_bytes(make_template(fmt, values=values))
    s = summarize([str(tmp_path)], title="测试县", year=2024)
    try:
        assert s.primary.id == "2019"
        units = _independent(sorted(tmp_path.glob("u*.xlsx")))
        rs = s.primary.fmt.row_sums[0]
        for col in s.primary.fmt.table(rs.table).columns:
            path = ("tables", rs.table, rs.row, col.key)
            finer = sum(_expected({"2021": units["2021"]}, "2021", ("tables", rs.table, part, col.key)) for part in rs.parts)
            assert s.region.cell(s.primary, path) == _expected({"2019": units["2019"]}, "2019", path) + finer
        assert all(p[2] not in rs.parts for p in specific_paths(s.primary, compile(get("2021"))))
    finally:
        s.close()


def test_hierarchy_parent_against_children(tmp_path):
    fmt = get("2021")
    rnd = random.Random(3)
    kids = [_random_values(fmt, rnd, f"下级{i}", 2024) for i in range(2)]
    parent = zero_values(fmt, unit="上级局", year=2024)
    for p in compile(fmt).cell_paths:
        if p not in compile(fmt).computed:
            parent[p] = sum(k[p] for k in kids)
    parent[("tables", "a1", "regulations", "issued")] += 1        # one cell off: one warning
    for name, values in (("p", parent), ("k0", kids[0]), ("k1", kids[1])):
        (tmp_path / f"{name}.xlsx").write_bytes(make_template(fmt, values=values))
    roster = tmp_path / "名单.csv"
    roster.write_text("单位名称,邮箱,上级单位\n上级局,a@x.cn,\n下级0,b@x.cn,上级局\n下级1,c@x.cn,上级局\n未报单位,d@x.cn,\n",
                      encoding="utf-8")
    from converter.mail.roster import read_roster
    s = summarize([str(tmp_path)], read_roster(roster), title="测试县", year=2024)
    try:
        found = s.findings["上级局"]
        assert [f.code for f in found] == ["SUMMARY_CHILDREN_DIFFER"]
        assert found[0].actual == parent[("tables", "a1", "regulations", "issued")]
        assert [lv.units for lv in s.levels] == [1, 2]
        # the region total is the top level's: the parent's own figures, children not counted twice
        path = ("tables", "p3", "new", "total")
        assert s.region.cell(s.primary, path) == sum(kids[0][("tables", "p3", "new", c)] + kids[1][("tables", "p3", "new", c)]
                                                     for c in ("natural", "commercial", "research", "nonprofit", "legal", "other"))
        from converter.summary import text
        assert "未报送 1 个：未报单位" in text.scope_lines(s)[0]
        out = tmp_path / "汇总.xlsx"
        write_summary_xlsx(s, out)
        ws = openpyxl.load_workbook(out)[SUMMARY_SHEET]
        assert sum(1 for row in ws.iter_rows(values_only=True) if row[0] and str(row[0]).startswith("第 ")) == 2
        import io

        import docx
        paragraphs = [p.text for p in docx.Document(io.BytesIO(render_summary_docx(s))).paragraphs]
        assert "第 1 级单位之和（1 个单位）" in paragraphs and "第 2 级单位之和（2 个单位）" in paragraphs
    finally:
        s.close()


def test_libreoffice_opens_the_workbook_with_charts_and_the_word_summary(tmp_path, lo_profile):
    s = summarize([str(SAMPLES)], title="云溪县", year=2024)
    try:
        xlsx = tmp_path / "汇总.xlsx"
        write_summary_xlsx(s, xlsx)
        docx = tmp_path / "汇总.docx"
        docx.write_bytes(render_summary_docx(s))
        html = render_summary_html(s)
    finally:
        s.close()
    assert "<script" not in html and "云溪县2024年政府信息公开工作年度报告汇总数据" in html
    import pypdfium2
    pdf = office.convert(xlsx, tmp_path / "x", "pdf", lo_profile)
    doc = pypdfium2.PdfDocument(str(pdf))
    chart_pages = [i for i in range(len(doc)) if "依申请公开办理结果" in doc[i].get_textpage().get_text_range()]
    assert chart_pages, "the chart's title is not on any page"
    # the chart is drawn: many vector paths on its page (bars, axes), not only the helper table's text
    paths = [o for o in doc[chart_pages[0]].get_objects() if o.type == pypdfium2.raw.FPDF_PAGEOBJ_PATH]
    assert len(paths) > 20
    wpdf = office.convert(docx, tmp_path / "w", "pdf", lo_profile)
    text = "".join(pypdfium2.PdfDocument(str(wpdf))[i].get_textpage().get_text_range()
                   for i in range(len(pypdfium2.PdfDocument(str(wpdf))))).replace("\r\n", "")
    assert "汇总数据" in text and "本年度共新收政府信息公开申请" in text


def test_cli_summary(tmp_path):
    roster = tmp_path / "名单.csv"
    roster.write_text("单位名称,邮箱\n南岭镇人民政府,a@x.cn\n青山镇人民政府,b@x.cn\n未报单位,c@x.cn\n", encoding="utf-8")
    out = tmp_path / "汇总.xlsx"
    proc = subprocess.run([sys.executable, "-m", "converter", "summary", str(SAMPLES), "-o", str(out), "--roster", str(roster),
                           "--title", "云溪县", "--year", "2024", "--docx", str(tmp_path / "汇总.docx")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "未报送 1 个：未报单位" in proc.stdout
    names = [r[1] for r in openpyxl.load_workbook(out)[UNITS_SHEET].iter_rows(min_row=3, values_only=True)]
    assert names[:3] == ["南岭镇人民政府", "青山镇人民政府", "未报单位"]      # roster order, then the rest
    assert (tmp_path / "汇总.docx").stat().st_size > 0


def test_inbox_newest_per_unit_and_the_status_page(tmp_path):
    """An inbox made by `collect`: the summary counts each unit's newest workbook (as `status` does);
    `status --html` writes one page that links each unit's workbook and reports, with no scripts and
    nothing fetched from elsewhere."""
    import re
    from urllib.parse import unquote

    import mailers
    fmt = get("2021")
    rnd = random.Random(11)
    old = _random_values(fmt, rnd, "甲镇人民政府", 2024)
    new = _random_values(fmt, rnd, "甲镇人民政府", 2024)
    bad = _random_values(fmt, rnd, "乙镇人民政府", 2024)
    bad[("tables", "p3", "carryover", "natural")] += 1
    mails = tmp_path / "mails"
    mails.mkdir()
    for i, (values, sender, date) in enumerate(((old, "a@x.cn", 1737000000), (new, "a@x.cn", 1737100000),
                                                (bad, "b@x.cn", 1737000000))):
        raw = mailers.rfc2231(f"年报{i}.xlsx", make_template(fmt, values=values), sender=sender, date=date,
                              msgid=f"<m{i}@x>")
        (mails / f"{i}.eml").write_bytes(raw)
    roster = tmp_path / "名单.csv"
    roster.write_text("单位名称,邮箱\n甲镇人民政府,a@x.cn\n乙镇人民政府,b@x.cn\n丙镇人民政府,c@x.cn\n", encoding="utf-8")

    def run(*args):
        return subprocess.run([sys.executable, "-m", "converter", *args], capture_output=True, text=True, timeout=180,
                              cwd=tmp_path)
    assert run("collect", "--eml", "mails", "--roster", str(roster), "-o", "收件箱").returncode == 0
    r = run("summary", "收件箱", "-o", "汇总.xlsx", "--roster", str(roster), "--title", "测试县", "--year", "2024")
    assert r.returncode == 0, r.stderr
    assert "本表汇总 1 个单位，未报送 1 个：丙镇人民政府" in r.stdout and "乙镇人民政府" in r.stdout
    units = {"2021": [{t: {row: dict(cols) for row, cols in rows.items()} for t, rows in
                       read_report(str(next((tmp_path / "收件箱" / "最新").rglob("*甲镇*")))).data["tables"].items()}]}
    assert _check_sheet_against(tmp_path / "汇总.xlsx", "2021", units) == len(compile(fmt).cell_paths)
    path = ("tables", "p3", "new", "natural")
    assert _expected(units, "2021", path) == new[path]          # the newer version, not the older one

    assert run("build", "收件箱/最新", "-o", "年报").returncode == 1     # 乙镇 has errors
    r = run("status", "--roster", str(roster), "收件箱", "--html", "--reports", "年报")
    assert r.returncode == 0, r.stderr
    page = (tmp_path / "收件箱" / "报送情况.html").read_text(encoding="utf-8")
    assert "<script" not in page and "http://" not in page and "https://" not in page
    for unit, state in (("甲镇人民政府", "通过"), ("乙镇人民政府", "有错误"), ("丙镇人民政府", "未报送")):
        assert re.search(f"{unit}</th><td>{state}</td>", page), unit
    assert "第一项加第二项之和" in page                     # 乙镇's finding, in words
    hrefs = [unquote(h) for h in re.findall(r'href="([^"]+)"', page)]
    assert len(hrefs) == 3          # 甲's and 乙's workbooks, 甲's Word report
    for h in hrefs:
        assert (tmp_path / "收件箱" / h).resolve().is_file(), h
    assert any(h.endswith(".docx") for h in hrefs)


def test_summary_pdf_and_web_page(tmp_path):
    import pypdfium2

    from converter.summary.document import render_summary_pdf
    s = summarize([str(SAMPLES)], title="云溪县", year=2024)
    try:
        pdf = render_summary_pdf(s)
        page = render_summary_html(s)
    finally:
        s.close()
    doc = pypdfium2.PdfDocument(pdf)
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc))).replace("\r\n", "")
    assert "汇总数据" in text and "本年度共新收政府信息公开申请" in text
    assert page.count("<table") >= 3 and "http" not in page.split("<body>")[1]
