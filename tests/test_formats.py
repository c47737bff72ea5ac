"""The format definitions reproduce the official tables: rows, columns, verbatim labels, merges."""
from converter.definition import compile
from converter.definition.layout import layout_group
from converter.definition.model import defined_name


def _group(fmt, key):
    return next(s for s in fmt.sections if s.key == key).group


def test_six_parts_in_order(fmt):
    headings = [s.heading for s in fmt.sections if s.heading]
    assert headings == ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]


def test_p3_result_block_spans(f2021, f2019):
    for fmt, span in ((f2021, 22), (f2019, 20)):
        grid = layout_group(_group(fmt, "applications"))
        label = next(c for c in grid.cells if c.text == "三、本年度办理结果")
        assert (label.rowspan, label.colspan) == (span, 1)
        assert grid.width == 10
        assert len(fmt.table("p3").columns) == 7


def test_p3_header_merges(fmt):
    grid = layout_group(_group(fmt, "applications"))
    by_text = {c.text: c for c in grid.cells if c.text}
    assert (by_text["申请人情况"].colspan, by_text["申请人情况"].rowspan) == (7, 1)
    assert (by_text["法人或其他组织"].colspan, by_text["法人或其他组织"].rowspan) == (5, 1)
    assert by_text["自然人"].rowspan == 2 and by_text["总计"].rowspan == 2
    corner = by_text["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"]
    assert (corner.rowspan, corner.colspan) == (3, 3)
    assert by_text["（三）不予公开"].rowspan == 8
    assert by_text["（一）予以公开"].colspan == 2
    assert by_text["一、本年新收政府信息公开申请数量"].colspan == 3


def test_p3_other_rows_differ(f2021, f2019):
    assert [r.key for r in f2019.table("p3").rows if r.key.startswith("other")] == ["other"]
    assert [r.label for r in f2021.table("p3").rows if r.key.startswith("other")] == [
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他"]


def test_no_subtotal_rows_or_columns(fmt):
    t = fmt.table("p3")
    assert "（三）不予公开" not in [r.label for r in t.rows]
    assert "法人或其他组织" not in [c.label for c in t.columns]


def test_p4_layout(fmt):
    grid = layout_group(_group(fmt, "review"))
    assert grid.width == 15 and grid.header_rows == 3
    heads = [c for c in grid.cells if c.text == "结果维持"]
    assert sorted(c.rowspan for c in heads) == [1, 1, 2]      # 行政复议's five headers span two rows
    litigation = next(c for c in grid.cells if c.text == "行政诉讼")
    assert litigation.colspan == 10


def test_active_tables(f2021, f2019):
    assert [t.title for t in _group(f2021, "active").tables] == [
        "第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项"]
    assert [t.title for t in _group(f2019, "active").tables][-1] == "第二十条第（九）项"
    assert f2021.table("a8").columns[0].label == "本年收费金额（单位：万元）"
    assert f2019.table("a5").column("change").kind.name == "delta"


def test_defined_names_unique_and_valid(fmt):
    names = [defined_name(("fields", f.key)) for _, f in fmt.fields()] + [defined_name(p) for p in compile(fmt).cell_paths]
    assert len(names) == len(set(names))
    assert all(n.replace("_", "").isalnum() and n[0] in "FT" for n in names)


def test_every_total_defined_once(fmt):
    computed = compile(fmt).computed
    assert ("tables", "p3", "total", "total") in computed
    assert ("tables", "p4", "main", "atotal") in computed
    assert ("tables", "p3", "carryover", "natural") not in computed
