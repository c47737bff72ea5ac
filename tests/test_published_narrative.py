"""The narrative of a published report: unit and year from the title as units print it, the six
parts by their headings (also 「第一部分」), sub-heads into their fields, and the 信息处理费 from
part 六, with findings where a part is missing, parts are merged or the fee is not stated."""
from __future__ import annotations

import pytest

from converter.definition.formats import get
from converter.intake.published.document import Paragraph
from converter.intake.published.narrative import read_fee, read_narrative, read_title

FMT = get("2021")


def _paras(*texts: str) -> list[Paragraph]:
    return [Paragraph(t) for t in texts]


@pytest.mark.parametrize("title,unit,year", [
    ("某某县人民政府2024年政府信息公开工作年度报告", "某某县人民政府", 2024),
    ("某某县教育局2024年度信息公开年报", "某某县教育局", 2024),
    ("某某市自然资源和规划局２０２３年度政府信息公开工作年度报告", "某某市自然资源和规划局", 2023),
    ("关于某某镇人民政府2022年政府信息公开工作年度报告的", "某某镇人民政府", 2022),
    ("标题：沭阳县发展和改革局2023年政府信息公开年度报告-沭阳县发改局", "沭阳县发展和改革局", 2023),
    ("某某街道办事处 2021 年 政务公开工作年度报告", "某某街道办事处", 2021),
    ("首页 > 信息公开年报 > 某某县卫生健康委员会2024年政府信息公开工作年度报告", "某某县卫生健康委员会", 2024),
])
def test_unit_and_year_from_the_title(title, unit, year):
    got_unit, got_year, _, at = read_title(_paras(title, "一、总体情况"), 1, "")
    assert (got_unit, got_year, at) == (unit, year, 0)


def test_title_over_two_lines_and_from_the_page_title():
    assert read_title(_paras("洪泽区人民政府", "2023 年政府信息公开工作年度报告"), 2, "")[:2] == ("洪泽区人民政府", 2023)
    assert read_title(_paras("首页"), 1, "平潭综合实验区2019年度政府信息公开工作年度报告_政府信息公开年报_平潭")[:2] == \
        ("平潭综合实验区", 2019)
    assert read_title(_paras("政府信息公开工作年度报告格式模板"), 1, "") == ("", None, "", -1)


@pytest.mark.parametrize("text,fee", [
    ("本机关2024年度未收取政府信息公开信息处理费。", 0),
    ("2024年，无收取信息处理费情况。", 0),
    ("全年收取政府信息公开信息处理费 3940 元。", 3940),
    ("本年度共收取信息处理费0.12万元。", 1200),
    ("2023年度，县发展和改革局政府信息公开未发生收费情况。", 0),
    ("本年度共收取信息处理费 12.5 元，已全部上缴国库。", 12.5),
    ("无其他需要报告的事项。", None),
    ("（文字描述，收取信息处理费情况在此处报告。）", None),
])
def test_fee_from_part_six(text, fee):
    assert read_fee([text]) == fee


def test_parts_by_headings_sub_heads_into_fields():
    n = read_narrative(_paras(
        "某某县人民政府2024年政府信息公开工作年度报告",
        "根据《条例》规定，现公布本报告。本报告电子版可在某某县人民政府门户网站查阅。",
        "第一部分 总体情况", "2024年，本县……", "（一）主动公开", "主动公开情况。", "（二）依申请公开情况。全年受理申请 5 件。",
        "第二部分 主动公开政府信息情况", "第三部分 收到和处理政府信息公开申请情况",
        "第四部分 政府信息公开行政复议、行政诉讼情况",
        "第五部分 存在的主要问题及改进情况", "（一）存在的主要问题", "问题一。", "问题二。", "（二）改进措施", "改进一。",
        "第六部分 其他需要报告的事项", "本机关未收取信息处理费。", "版权所有：某某县人民政府"), FMT, "")
    f = n.fields
    assert (f["unit"], f["year"], f["website"]) == ("某某县人民政府", 2024, "某某县人民政府门户网站")
    assert f["preface"].startswith("根据《条例》")
    assert (f["summary"], f["active"]) == ("2024年，本县……", "主动公开情况。")
    assert f["onrequest"] == "（二）依申请公开情况。全年受理申请 5 件。"
    assert (f["problems"], f["improvements"]) == (["问题一。", "问题二。"], ["改进一。"])
    assert (f["othertext"], f["fee"]) == ("本机关未收取信息处理费。", 0)
    assert n.findings == []


def test_missing_and_merged_parts_and_silent_fee_are_findings():
    n = read_narrative(_paras(
        "某某县人民政府2024年政府信息公开工作年度报告", "一、总体情况", "本年度……",
        "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "五、存在的主要问题及改进情况和其他需要报告的事项", "问题。"), FMT, "")
    codes = [f.code for f in n.findings]
    assert codes.count("PUB_PART_MISSING") == 1 and "第四部分" in n.findings[codes.index("PUB_PART_MISSING")].message
    assert "PUB_PARTS_MERGED" in codes
    assert "PUB_FEE_NOT_STATED" in codes and n.fields["fee"] is None and "fee" in n.reported
