"""国办公开办函〔2021〕30号: the current national format (2021 reports onward)."""
from ..model import MONEY, Column, Format, Row, Table
from . import common as c

_INFO = "信息内容"
ACTIVE_TABLES = (
    Table("a1", (c.count("issued", "本年制发件数"), c.count("repealed", "本年废止件数"),
                 c.count("inforce", "现行有效件数")),
          (Row("regulations", ("规章",)), Row("normative", ("行政规范性文件",))),
          title="第二十条第（一）项", corner=_INFO, name="第二十条第（一）项"),
    Table("a5", (c.count("decisions", "本年处理决定数量"),),
          (Row("licensing", ("行政许可",)),),
          title="第二十条第（五）项", corner=_INFO, name="第二十条第（五）项"),
    Table("a6", (c.count("decisions", "本年处理决定数量"),),
          (Row("penalty", ("行政处罚",)), Row("coercion", ("行政强制",))),
          title="第二十条第（六）项", corner=_INFO, name="第二十条第（六）项"),
    Table("a8", (Column("amount", ("本年收费金额（单位：万元）",), MONEY),),
          (Row("fees", ("行政事业性收费",)),),
          title="第二十条第（八）项", corner=_INFO, name="第二十条第（八）项"),
)

_applications, _p3_rules = c.applications(c.P3_OTHER_2021)

FORMAT = Format(
    id="2021",
    name="2021 年版（现行）",
    document="国办公开办函〔2021〕30号",
    template_version="2021.1",
    accepted_versions=("2021.1",),
    sections=(c.BASIC, c.OVERVIEW, c.active(ACTIVE_TABLES), _applications, c.REVIEW, c.PROBLEMS, c.OTHER),
    rules=_p3_rules + c.P4_RULES,
    preface=c.PREFACE,
    published=c.PUBLISHED,
    title=c.TITLE,
)
