"""国办公开办函〔2021〕30号: the current national format (2021 reports onward)."""
from converter.definition.formats import common as c
from converter.definition.kinds import MONEY
from converter.definition.model import Column

ACTIVE_TABLES = (
    c.article("a1", "一", (c.count("issued", "本年制发件数"), c.count("repealed", "本年废止件数"),
                          c.count("inforce", "现行有效件数")),
              (("regulations", "规章"), ("normative", "行政规范性文件"))),
    c.article("a5", "五", (c.count("decisions", "本年处理决定数量"),), (("licensing", "行政许可"),)),
    c.article("a6", "六", (c.count("decisions", "本年处理决定数量"),), (("penalty", "行政处罚"), ("coercion", "行政强制"))),
    c.article("a8", "八", (Column("amount", ("本年收费金额（单位：万元）",), MONEY),), (("fees", "行政事业性收费"),)),
)

FORMAT = c.national_format("2021", "2021 年版（现行）", "国办公开办函〔2021〕30号", "2021.1", ("2021.1",),
                           ACTIVE_TABLES, c.P3_OTHER_2021, example_year=2024,
                           text=c.text_checks(("issued", "repealed", "inforce"), fees_wan=True, unpaid_row="other2"))
