"""国办公开办函〔2019〕60号: the 2019 (试行) format, still used by some units."""
from ..model import DELTA, MONEY, Column, Format, Row, Table
from . import common as c

_INFO = "信息内容"
_PREV = c.count("previous", "上一年项目数量")
_CHANGE = Column("change", ("本年增/减",), DELTA)
_DECISIONS = c.count("decisions", "处理决定数量")

ACTIVE_TABLES = (
    Table("a1", (c.count("made", "本年新制作数量"), c.count("published", "本年新公开数量"),
                 c.count("total", "对外公开总数量")),
          (Row("regulations", ("规章",)), Row("normative", ("规范性文件",))),
          title="第二十条第（一）项", corner=_INFO, name="第二十条第（一）项"),
    Table("a5", (_PREV, _CHANGE, _DECISIONS),
          (Row("licensing", ("行政许可",)), Row("services", ("其他对外管理服务事项",))),
          title="第二十条第（五）项", corner=_INFO, name="第二十条第（五）项"),
    Table("a6", (_PREV, _CHANGE, _DECISIONS),
          (Row("penalty", ("行政处罚",)), Row("coercion", ("行政强制",))),
          title="第二十条第（六）项", corner=_INFO, name="第二十条第（六）项"),
    Table("a8", (_PREV, _CHANGE),
          (Row("fees", ("行政事业性收费",)),),
          title="第二十条第（八）项", corner=_INFO, name="第二十条第（八）项"),
    Table("a9", (c.count("projects", "采购项目数量"), Column("amount", ("采购总金额",), MONEY)),
          (Row("procurement", ("政府集中采购",)),),
          title="第二十条第（九）项", corner=_INFO, name="第二十条第（九）项"),
)

_applications, _p3_rules = c.applications(c.P3_OTHER_2019)

FORMAT = Format(
    id="2019",
    name="2019 年版（试行）",
    document="国办公开办函〔2019〕60号",
    template_version="2019.1",
    accepted_versions=("2019.1",),
    sections=(c.BASIC, c.OVERVIEW, c.active(ACTIVE_TABLES), _applications, c.REVIEW, c.PROBLEMS, c.OTHER),
    rules=_p3_rules + c.P4_RULES,
    preface=c.PREFACE,
    published=c.PUBLISHED,
    title=c.TITLE,
    superseded_from=2021,
)
