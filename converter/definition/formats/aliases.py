"""How published reports print the official labels otherwise: alternative spellings of row and
column labels, of the six parts' headings and of the narrative sub-heads, met in real reports. Format
data, read by the published-report reader (converter/intake/published). Keys and values are compared
after normalisation (full-width to half-width, no spaces, line breaks or quotes), so only real
wording differences belong here."""
from __future__ import annotations

# Row labels: official leaf label -> other printed forms (any format that has the official label).
ROW_ALIASES: dict[str, tuple[str, ...]] = {
    "行政规范性文件": ("规范性文件",),
    "规范性文件": ("行政规范性文件",),
    "其他对外管理服务事项": ("其他对外管理服务",),
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": ("（二）部分公开",),
    "3.危及“三安全一稳定”": ("3.危及三安全一稳定",),
    "5.要求行政机关确认或重新出具已获取信息": ("5.要求行政机关确认或重新出具已获取的信息",),
    "四、结转下年度继续办理": ("四、结转下年度继续办理申请", "四、结转下年度继续办理数量"),
    "（七）总计": ("（七）合计",),
}

# Column labels: official leaf label -> other printed forms.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "本年收费金额（单位：万元）": ("本年收费金额", "本年收费金额（万元）", "本年收费金额（单位:万元）",
                         "收费金额（单位：万元）", "本年收费金额(单位：万元)"),
    "本年新制作数量": ("本年新制作数",),
    "本年新公开数量": ("本年新公开数",),
    "对外公开总数量": ("对外公开总数",),
    "采购总金额": ("采购总金额（元）", "采购总金额（万元）"),
    "总计": ("合计",),
}

# Headings of the six parts: official heading -> other printed forms (without the 一、 number).
PART_ALIASES: dict[str, tuple[str, ...]] = {
    "总体情况": ("总体情况概述", "基本情况"),
    "主动公开政府信息情况": ("主动公开情况",),
    "收到和处理政府信息公开申请情况": ("收到和处理政府信息公开申请的情况", "依申请公开情况"),
    "政府信息公开行政复议、行政诉讼情况": ("政府信息公开行政复议、行政诉讼情况统计", "行政复议、行政诉讼情况",
                            "政府信息公开行政复议和行政诉讼情况"),
    "存在的主要问题及改进情况": ("存在的主要问题和改进情况", "存在的主要问题及改进措施", "主要问题及改进情况",
                     "存在问题及改进情况", "存在的问题及改进情况"),
    "其他需要报告的事项": ("其他需要报告事项", "其他事项"),
}

# Sub-heads of the narrative parts: field key -> key words a sub-head contains.
SUBHEAD_WORDS: dict[str, tuple[str, ...]] = {
    "active": ("主动公开",),
    "onrequest": ("依申请公开",),
    "management": ("政府信息管理", "信息管理"),
    "platform": ("平台建设", "公开平台"),
    "supervision": ("监督保障", "监督考核", "保障", "监督"),
    "problems": ("存在的主要问题", "主要问题", "存在问题", "存在的问题"),
    "improvements": ("改进情况", "整改措施", "整改情况", "改进措施", "改进方向", "下一步"),
}

# Key words of the six parts' headings, for headings worded otherwise (「五、存在的主要问题及整改措施」):
# a short heading with the part's number and one of these is that part's heading.
PART_WORDS: tuple[tuple[str, ...], ...] = (
    ("总体情况", "概述", "基本情况"), ("主动公开",), ("申请",), ("复议", "诉讼"), ("问题",), ("其他",))
