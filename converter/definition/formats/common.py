"""Pieces shared by both national formats: narrative sections, table 三's rows and columns,
table 四, and the 勾稽 rules on them. Labels are verbatim from the official forms."""
from __future__ import annotations

from converter.definition.kinds import AMOUNT, COUNT, ITEMS, LINE, TEXT, YEAR
from converter.definition.model import (
    CarryOver,
    Column,
    DataPath,
    Field,
    Format,
    Highlights,
    QuotedFigure,
    Row,
    RowSum,
    Rule,
    Section,
    Table,
    TableGroup,
    TextChecks,
)

BASIC = Section(
    key="basic", sheet="基本信息", title="基本信息",
    note="请填写本单位基本信息。黄色单元格为填写区域。",
    fields=(
        Field("unit", "单位名称", LINE, required=True, in_report=False,
              prompt="填写单位全称，如“××县××镇人民政府”。"),
        Field("year", "报告年度", YEAR, required=True, in_report=False,
              prompt="填写报告所属年度（四位数字），如 2024。"),
        Field("website", "发布网站或栏目", LINE, in_report=False,
              prompt="本报告将在哪个网站或栏目公布，如“××县人民政府门户网站‘政府信息公开年报’栏目”。"),
        Field("contact", "联系人", LINE, in_report=False),
        Field("phone", "联系电话", LINE, in_report=False),
        Field("preface", "报告前言（可选）", TEXT, in_report=False,
              prompt="留空则自动生成标准前言；如需自拟，请完整填写前言段落。"),
    ),
)

OVERVIEW = Section(
    key="overview", sheet="一、总体情况", title="一、总体情况", heading="一、总体情况",
    note="每项填写一段或多段文字；单元格内换行（Alt+Enter）即分段。",
    fields=(
        Field("summary", "综述", TEXT, prompt="总体情况综述，可留空。"),
        Field("active", "（一）主动公开", TEXT, heading="（一）主动公开"),
        Field("onrequest", "（二）依申请公开", TEXT, heading="（二）依申请公开"),
        Field("management", "（三）政府信息管理", TEXT, heading="（三）政府信息管理"),
        Field("platform", "（四）政府信息公开平台建设", TEXT, heading="（四）政府信息公开平台建设"),
        Field("supervision", "（五）监督保障", TEXT, heading="（五）监督保障",
              prompt="含工作考核、社会评议和责任追究结果情况。"),
    ),
)

PROBLEMS = Section(
    key="problems", sheet="五、问题及改进", title="五、存在的主要问题及改进情况",
    heading="五、存在的主要问题及改进情况",
    note="每行填写一条（一段）；不用的行留空。",
    fields=(
        Field("problems", "（一）主要问题", ITEMS, heading="（一）主要问题", items=10),
        Field("improvements", "（二）改进情况", ITEMS, heading="（二）改进情况", items=10),
    ),
)

OTHER = Section(
    key="other", sheet="六、其他事项", title="六、其他需要报告的事项", heading="六、其他需要报告的事项",
    note="如人大代表建议和政协提案办理结果公开情况、年度政务公开工作要点落实情况等。",
    fields=(
        Field("othertext", "其他需要报告的事项", TEXT),
        Field("fee", "本年度收取信息处理费（元）", AMOUNT, required=True,
              prompt="按《政府信息公开信息处理费管理办法》收取的信息处理费，单位：元；未收取填 0。",
              sentence=("本机关{year}年度未收取政府信息公开信息处理费。",
                        "本机关{year}年度共收取政府信息公开信息处理费{value}元。"),
              skip_if_mentioned="信息处理费"),
    ),
)

# -- 三、收到和处理政府信息公开申请情况 -------------------------------------------------------------
_APPLICANT = "申请人情况"
_ORG = "法人或其他组织"
P3_COLUMNS = (
    Column("natural", (_APPLICANT, "自然人")),
    Column("commercial", (_APPLICANT, _ORG, "商业企业")),
    Column("research", (_APPLICANT, _ORG, "科研机构")),
    Column("nonprofit", (_APPLICANT, _ORG, "社会公益组织")),
    Column("legal", (_APPLICANT, _ORG, "法律服务机构")),
    Column("other", (_APPLICANT, _ORG, "其他")),
    Column("total", (_APPLICANT, "总计")),
)
P3_APPLICANTS = ("natural", "commercial", "research", "nonprofit", "legal", "other")

_R = "三、本年度办理结果"
_DENY = "（三）不予公开"
_UNABLE = "（四）无法提供"
_REFUSE = "（五）不予处理"
_OTHER = "（六）其他处理"
P3_HEAD_ROWS = (
    Row("new", ("一、本年新收政府信息公开申请数量",)),
    Row("carried", ("二、上年结转政府信息公开申请数量",)),
    Row("granted", (_R, "（一）予以公开")),
    Row("partial", (_R, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")),
    Row("deny1", (_R, _DENY, "1.属于国家秘密")),
    Row("deny2", (_R, _DENY, "2.其他法律行政法规禁止公开")),
    Row("deny3", (_R, _DENY, "3.危及“三安全一稳定”")),
    Row("deny4", (_R, _DENY, "4.保护第三方合法权益")),
    Row("deny5", (_R, _DENY, "5.属于三类内部事务信息")),
    Row("deny6", (_R, _DENY, "6.属于四类过程性信息")),
    Row("deny7", (_R, _DENY, "7.属于行政执法案卷")),
    Row("deny8", (_R, _DENY, "8.属于行政查询事项")),
    Row("unable1", (_R, _UNABLE, "1.本机关不掌握相关政府信息")),
    Row("unable2", (_R, _UNABLE, "2.没有现成信息需要另行制作")),
    Row("unable3", (_R, _UNABLE, "3.补正后申请内容仍不明确")),
    Row("refuse1", (_R, _REFUSE, "1.信访举报投诉类申请")),
    Row("refuse2", (_R, _REFUSE, "2.重复申请")),
    Row("refuse3", (_R, _REFUSE, "3.要求提供公开出版物")),
    Row("refuse4", (_R, _REFUSE, "4.无正当理由大量反复申请")),
    Row("refuse5", (_R, _REFUSE, "5.要求行政机关确认或重新出具已获取信息")),
)
P3_OTHER_2019 = (Row("other", (_R, _OTHER)),)
P3_OTHER_2021 = (
    Row("other1", (_R, _OTHER, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")),
    Row("other2", (_R, _OTHER, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请")),
    Row("other3", (_R, _OTHER, "3.其他"), absorbs_group=True),
)
P3_TAIL_ROWS = (
    Row("total", (_R, "（七）总计")),
    Row("carryover", ("四、结转下年度继续办理",)),
)
# the 2019 （六）其他处理 is the 2021 （六）1–3 added up: a summary over both formats may add the finer rows
# into the coarse one, never split it
P3_OTHER_2019_SUMS = (RowSum("p3", "other", tuple(r.key for r in P3_OTHER_2021)),)
P3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def applications(other_rows: tuple[Row, ...]) -> tuple[Section, tuple[Rule, ...]]:
    """Part 三 for a format, given its （六）其他处理 rows; returns the section and its rules."""
    rows = P3_HEAD_ROWS + other_rows + P3_TAIL_ROWS
    table = Table("p3", P3_COLUMNS, rows, label_cols=3, corner=P3_CORNER, name="收到和处理政府信息公开申请情况", short="表三")
    results = tuple(r.key for r in rows if r.key not in ("new", "carried", "total", "carryover"))
    rules = (
        Rule("P3_ROW_TOTAL", "p3", "rows", ("total",), P3_APPLICANTS, defines=True,
             title="申请情况表行总计不符", check_label="总计=各类申请人之和",
             message="{where}：总计应等于自然人与各类法人或其他组织之和（{rhs}），实为 {lhs}"),
        Rule("P3_RESULT_TOTAL", "p3", "cols", ("total",), results, defines=True,
             title="办理结果总计不符", check_label="（七）总计=（一）至（六）之和",
             message="{where}：（七）总计应等于（一）至（六）各项之和（{rhs}），实为 {lhs}"),
        Rule("P3_COLUMN_BALANCE", "p3", "cols", ("new", "carried"), ("total", "carryover"), anchor="carryover",
             title="申请情况表勾稽关系不平衡", check_label="第一项+第二项=第三项+第四项", at_check=True,
             message="{where}：一+二 = {lhs}，（七）+四 = {rhs}，两者不等（第一项加第二项之和应等于第三项加第四项之和）"),
    )
    section = Section(
        key="applications", sheet="三、依申请公开", title="三、收到和处理政府信息公开申请情况",
        heading="三、收到和处理政府信息公开申请情况",
        note="填写申请件数（整数，无数据填 0）。灰色的总计由公式自动计算；最下方校验行显示勾稽关系是否成立。",
        group=TableGroup((table,), repeat_header=True),
    )
    return section, rules


# -- 四、政府信息公开行政复议、行政诉讼情况 --------------------------------------------------------------
_RESULTS = (("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"),
            ("pending", "尚未审结"), ("total", "总计"))
_BLOCKS = (("r", ("行政复议",)), ("d", ("行政诉讼", "未经复议直接起诉")), ("a", ("行政诉讼", "复议后起诉")))
P4_COLUMNS = tuple(Column(prefix + key, head + (label,)) for prefix, head in _BLOCKS for key, label in _RESULTS)
P4_TABLE = Table("p4", P4_COLUMNS, (Row("main", ()),), label_cols=0, name="行政复议、行政诉讼情况", short="表四")
P4_RULES = tuple(
    Rule("P4_BLOCK_TOTAL", "p4", "rows", (prefix + "total",),
         tuple(prefix + k for k, _ in _RESULTS[:-1]), defines=True, title="复议诉讼表总计不符",
         check_label="“" + "”".join(head[-1:]) + "”总计=四项之和",
         message="“" + "·".join(head) + "”：总计应等于结果维持、结果纠正、其他结果、尚未审结之和（{rhs}），实为 {lhs}")
    for prefix, head in _BLOCKS
)
REVIEW = Section(
    key="review", sheet="四、复议诉讼", title="四、政府信息公开行政复议、行政诉讼情况",
    heading="四、政府信息公开行政复议、行政诉讼情况",
    note="填写件数（整数，无数据填 0）。灰色的总计由公式自动计算。",
    group=TableGroup((P4_TABLE,), repeat_header=True),
)

PREFACE = (
    "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，现公布{unit}{year}年政府信息公开工作年度报告。"
    "本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、"
    "存在的主要问题及改进情况、其他需要报告的事项六个部分组成。本报告中所列数据的统计期限自{year}年1月1日起至"
    "{year}年12月31日止。{published}"
)
PUBLISHED = "本报告电子版可在{website}查阅。"
TITLE = "{unit}{year}年政府信息公开工作年度报告"

ACTIVE_SHEET = "二、主动公开"
ACTIVE_TITLE = "二、主动公开政府信息情况"
ACTIVE_NOTE = "填写数量（件数为整数，金额可含小数），无数据填 0。"


def active(tables: tuple[Table, ...]) -> Section:
    """Part 二: the given blocks of table 二 as one sheet and one Word table group."""
    return Section(key="active", sheet=ACTIVE_SHEET, title=ACTIVE_TITLE, heading=ACTIVE_TITLE,
                   note=ACTIVE_NOTE, group=TableGroup(tables))


def count(key: str, label: str) -> Column:
    """A column of whole numbers with a one-level header."""
    return Column(key, (label,), COUNT)


def article(key: str, item: str, columns: tuple[Column, ...], rows: tuple[tuple[str, str], ...],
            optional: bool = False) -> Table:
    """A block of table 二: 第二十条第（item）项, 信息内容 over the row labels."""
    title = f"第二十条第（{item}）项"
    return Table(key, columns, tuple(Row(k, (label,)) for k, label in rows), title=title, corner="信息内容", name=title,
                 short="表二", optional=optional)


def highlights(other_rows: tuple[Row, ...]) -> Highlights:
    """What a summary's account and charts speak of: applications received, results, reviews and suits."""
    results = tuple(r.key for r in P3_HEAD_ROWS[2:] + other_rows)
    return Highlights(table="p3", received="new", carried="carried", results=results, total="total",
                      carryover="carryover", review_table="p4", review_row="main",
                      review_totals=tuple(prefix + "total" for prefix, _ in _BLOCKS),
                      review_corrected=tuple(prefix + "corrected" for prefix, _ in _BLOCKS),
                      account="本年度共新收政府信息公开申请 {received} 件，上年结转 {carried} 件。"
                              "办理结果：{handled}；结转下年度继续办理 {carryover} 件。")


# This year's 上年结转 is last year's 结转下年度继续办理, column by column (the same in both formats).
CARRY_OVER = (CarryOver("p3", "carried", "carryover"),)


# -- what the narrative quotes from the tables, and the phrases about fees ------------------------------
def _p3(row: str) -> DataPath:
    return ("tables", "p3", row, "total")


_N = r"\s*(\d[\d,]*)\s*件"    # a count as the text quotes it: 17 件, 17件, 1,234件
_GAP = r"[^。；，,：:（）()]{0,12}?"   # a few words between the phrase and its number, within a clause
_P4_LAWSUITS = (("tables", "p4", "main", "dtotal"), ("tables", "p4", "main", "atotal"))
FIGURES = (
    QuotedFigure(r"(?:本年(?:度)?新收|共收到|新收到|收到|受理)" + _GAP + r"(?:政府)?信息公开申请" + r"(?:共|合计|总计)?" + _N,
                 (_p3("new"),), "本年新收政府信息公开申请数量", alternatives=((_p3("new"), _p3("carried")),)),
    QuotedFigure(r"上年(?:度)?结转" + _GAP + _N, (_p3("carried"),), "上年结转政府信息公开申请数量"),
    QuotedFigure(r"(?<!不)(?<!部分)予以公开" + _N, (_p3("granted"),), "予以公开"),
    QuotedFigure(r"(?:办结|答复)(?:申请)?(?:共|合计)?" + _N, (_p3("total"),), "办理结果总计"),
    QuotedFigure(r"结转下(?:一)?年度" + _GAP + _N, (_p3("carryover"),), "结转下年度继续办理"),
    QuotedFigure(r"行政复议(?:案件|申请)?(?:共|合计)?" + _N, (("tables", "p4", "main", "rtotal"),), "行政复议总计"),
    QuotedFigure(r"行政诉讼(?:案件)?(?:共|合计)?" + _N, _P4_LAWSUITS, "行政诉讼总计"),
)
NO_FEE = (r"(?:未|没有|无|不)(?:收取|发生|产生|涉及)[^。；]{0,12}?(?:费|收费)", r"收费[^。；]{0,4}?为?\s*0\s*元",
          r"信息处理费\s*0\s*元", r"无收取信息处理费", r"未(?:发生|产生)收费")
FEE_AMOUNT = r"信息处理费(?:共计|共|合计|总计)?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*元"


def text_checks(documents: tuple[str, str, str] | None, fees_wan: bool, unpaid_row: str | None) -> TextChecks:
    """A format's checks between text and tables: `documents` are the (issued, repealed, in-force)
    column keys of table 二's 文件 block (None when the format's block counts something else)."""
    docs: tuple[tuple[DataPath, DataPath, DataPath], ...] = ()
    figures: tuple[QuotedFigure, ...] = FIGURES
    if documents:
        issued, repealed, inforce = documents
        docs = tuple((("tables", "a1", row, issued), ("tables", "a1", row, repealed), ("tables", "a1", row, inforce))
                     for row in ("regulations", "normative"))
        figures += document_figures(issued, repealed, inforce)
    return TextChecks(
        figures=figures, documents=docs,
        fees_wan=("tables", "a8", "fees", "amount") if fees_wan else None,
        unpaid_row=_p3(unpaid_row) if unpaid_row else None,
        fee_field="fee", no_fee=NO_FEE, fee_amount=FEE_AMOUNT, fee_section="othertext",
        problems=("problems", "improvements"), compared_tables=("a1", "a5", "a6", "a8", "a9", "p3", "p4"))


def document_figures(issued: str, repealed: str, inforce: str) -> tuple[QuotedFigure, ...]:
    """制发/废止/现行有效 N 件 of 规章 and 行政规范性文件, quoted from table 二."""
    out = []
    for row, noun in (("regulations", "(?:政府)?规章"), ("normative", "(?:行政)?规范性文件")):
        for col, verb, what in ((issued, "(?:制发|出台|印发)", "本年制发件数"), (repealed, "废止", "本年废止件数"),
                                (inforce, "现行有效(?:的)?", "现行有效件数")):
            out.append(QuotedFigure(verb + noun + _N, (("tables", "a1", row, col),), what))
    return tuple(out)


def national_format(id: str, name: str, document: str, version: str, accepted_versions: tuple[str, ...],
                    active_tables: tuple[Table, ...], other_rows: tuple[Row, ...], example_year: int,
                    superseded_from: int | None = None, superseded_by: str | None = None,
                    row_sums: tuple[RowSum, ...] = (), text: TextChecks = TextChecks()) -> Format:
    """A national format: what differs between versions is table 二 and part 三's （六）其他处理 rows."""
    applications_section, p3_rules = applications(other_rows)
    return Format(id=id, name=name, document=document, template_version=version,
                  accepted_versions=accepted_versions,
                  sections=(BASIC, OVERVIEW, active(active_tables), applications_section, REVIEW, PROBLEMS, OTHER),
                  rules=p3_rules + P4_RULES, preface=PREFACE, published=PUBLISHED, title=TITLE,
                  superseded_from=superseded_from, superseded_by=superseded_by, carry_over=CARRY_OVER,
                  example_year=example_year, row_sums=row_sums, highlights=highlights(other_rows),
                  text_checks=text)
