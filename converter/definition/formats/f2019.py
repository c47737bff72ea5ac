"""国办公开办函〔2019〕60号: the 2019 (试行) format, still used by some units."""
from converter.definition.formats import common as c
from converter.definition.kinds import DELTA, MONEY
from converter.definition.model import Column

_PREV = c.count("previous", "上一年项目数量")
_CHANGE = Column("change", ("本年增/减",), DELTA)
_DECISIONS = c.count("decisions", "处理决定数量")

ACTIVE_TABLES = (
    c.article("a1", "一", (c.count("made", "本年新制作数量"), c.count("published", "本年新公开数量"),
                          c.count("total", "对外公开总数量")),
              (("regulations", "规章"), ("normative", "规范性文件"))),
    c.article("a5", "五", (_PREV, _CHANGE, _DECISIONS), (("licensing", "行政许可"), ("services", "其他对外管理服务事项"))),
    c.article("a6", "六", (_PREV, _CHANGE, _DECISIONS), (("penalty", "行政处罚"), ("coercion", "行政强制"))),
    c.article("a8", "八", (_PREV, _CHANGE), (("fees", "行政事业性收费"),)),
    c.article("a9", "九", (c.count("projects", "采购项目数量"), Column("amount", ("采购总金额",), MONEY)),
              (("procurement", "政府集中采购"),), optional=True),
)

FORMAT = c.national_format("2019", "2019 年版（试行）", "国办公开办函〔2019〕60号", "2019.1", ("2019.1",),
                           ACTIVE_TABLES, c.P3_OTHER_2019, example_year=2020, superseded_from=2021, superseded_by="2021",
                           text=c.text_checks(None, fees_wan=False, unpaid_row=None),
                           row_sums=c.P3_OTHER_2019_SUMS)
