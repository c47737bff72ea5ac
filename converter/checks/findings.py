"""Findings are data: a stable code, a severity, where (file, sheet, cell) and a Chinese message.

Every code of intake and of the checks lives in :data:`CATALOGUE` with its severity, a short title and
a message template; the 勾稽 rules are their own entries, declared with the format data
(:func:`catalogue` lists both). The CLI, the JSON output, 校验结果.xlsx and the feedback emails all
render the same :class:`Finding` objects.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from operator import attrgetter
from typing import Any, Iterable

from converter.definition.formats import FORMATS
from converter.definition.model import Rule

ERROR, WARNING = "error", "warning"
_A1 = re.compile(r"[A-Z]{1,3}[0-9]+([:,][A-Z]{1,3}[0-9]+)*")
SEVERITY_ZH = {ERROR: "错误", WARNING: "提示"}


@dataclass(frozen=True)
class Code:
    """A catalogue entry: severity, a short Chinese title, and the message template."""
    severity: str
    title: str
    template: str


CATALOGUE: dict[str, Code] = {
    # level 0: is it a workbook at all, and ours?
    "FILE_MISSING": Code(ERROR, "文件不存在", "找不到文件"),
    "FILE_EMPTY": Code(ERROR, "空文件", "文件为空（0 字节），请重新保存后报送"),
    "FILE_NOT_XLSX": Code(ERROR, "不是 Excel 工作簿", "不是 Excel 工作簿（.xlsx）{detail}，请使用下发的填报模板"),
    "FILE_XLS": Code(ERROR, "旧版 .xls 格式", "这是旧版 Excel（.xls）文件，请在 Excel 或 WPS 中另存为“Excel 工作簿（*.xlsx）”后报送"),
    "FILE_ENCRYPTED": Code(ERROR, "文件设有打开密码", "文件设有打开密码，无法读取，请取消密码后重新报送"),
    "FILE_NO_PERMISSION": Code(ERROR, "没有读取权限", "没有读取该文件的权限（或文件正被其他程序独占），请检查文件权限后重新运行"),
    "FILE_STRICT_XML": Code(ERROR, "Strict Open XML 格式", "文件保存为“Strict Open XML 电子表格”格式，无法读取，请在 Excel 中另存为“Excel 工作簿(*.xlsx)”后报送"),
    "FILE_CORRUPT": Code(ERROR, "文件已损坏", "文件已损坏，无法打开（{detail}），请重新保存后报送"),
    "FILE_TOO_LARGE": Code(ERROR, "文件内容异常庞大", "工作簿内容异常庞大（{detail}），可能已损坏，请使用下发的填报模板重新填写"),
    "NOT_OUR_TEMPLATE": Code(ERROR, "不是本系统的填报模板", "不是由年报填报模板生成的工作簿（缺少版本信息），请使用下发的填报模板填写"),
    "UNKNOWN_FORMAT": Code(ERROR, "未知的报告格式", "模板记录的报告格式“{actual}”无法识别，请使用下发的填报模板"),
    "UNKNOWN_VERSION": Code(ERROR, "未知的模板版本", "模板版本“{actual}”不受支持（支持：{expected}），请使用最新下发的填报模板"),
    "SHEET_MISSING": Code(ERROR, "工作表缺失", "找不到工作表「{sheet}」（可能被改名或删除），请使用下发的填报模板重新填写"),
    "NAME_MISSING": Code(ERROR, "填报单元格缺失", "找不到{what}的填报单元格（名称 {name} 已被删除），请使用下发的填报模板重新填写"),
    "NAME_BROKEN": Code(ERROR, "填报单元格已失效", "{what}的填报单元格已失效（名称 {name} 指向 {actual}），可能删除过行、列或工作表"),
    # level 1: values
    "VALUE_BLANK": Code(ERROR, "未填写", "{what}未填写，无数据请填 0（空白无法与漏填区分）"),
    "VALUE_NOT_NUMBER": Code(ERROR, "不是数字", "{what}应填写数字，实为“{actual}”"),
    "VALUE_NOT_INTEGER": Code(ERROR, "应为整数", "{what}应为整数，实为 {actual}"),
    "VALUE_NEGATIVE": Code(ERROR, "不能为负数", "{what}不能为负数，实为 {actual}"),
    "VALUE_FORMULA": Code(ERROR, "填写了公式", "{what}应直接填写数字或文字，不要填写公式"),
    "VALUE_INVALID": Code(ERROR, "数据不合规", "{what}不符合要求：{detail}"),
    # level 2: basic information
    "UNIT_MISSING": Code(ERROR, "未填写单位名称", "未填写单位名称"),
    "YEAR_MISSING": Code(ERROR, "未填写报告年度", "未填写报告年度"),
    "YEAR_INVALID": Code(ERROR, "报告年度不正确", "报告年度应为 {minimum} 年以后的四位年份，实为“{actual}”"),
    "YEAR_FUTURE": Code(ERROR, "报告年度晚于今年", "报告年度 {actual} 晚于今年（{expected}），请核对"),
    "FORMAT_OUTDATED": Code(WARNING, "使用旧版格式", "{actual} 年度报告应使用 {newer}格式（{newer_document}），本表为 {name}格式"),
    # level 3: 勾稽关系: each rule of a format is its own code (see catalogue())
    # level 4: what reviewers flag but does not block publication
    "TEXT_EMPTY": Code(WARNING, "内容未填写", "{what}未填写"),
    "TEXT_CONTROL_DROPPED": Code(WARNING, "含有控制字符",
                                 "{what}含有无法显示的控制字符（{actual}，多为从 Word 粘贴带入），已删除，请核对文字"),
    "TEXT_TEMPLATE_LEFT": Code(WARNING, "残留模板说明文字", "{what}含有模板说明文字“{actual}”，请删除"),
    # level 4, issue 11: text against tables within one report
    "TEXT_FIGURE_MISMATCH": Code(WARNING, "文字与表格数字不符",
                                 "{what}写道“{sentence}”（{actual} 件），但{table}为 {expected}，请核对{figure}"),
    "FEE_TEXT_MISMATCH": Code(WARNING, "信息处理费与文字说明不符",
                              "第六部分写道“{sentence}”，但{detail}，请核对"),
    "FEE_UNIT_SUSPECT": Code(WARNING, "收费金额疑似以元填写",
                             "{what}单位为万元，填写的 {actual}（{detail}）像是以元为单位的金额，请确认单位"),
    "DOCS_IN_FORCE_LOW": Code(WARNING, "现行有效件数少于本年净增",
                              "{what}为 {actual}，少于本年制发 {issued} 件减废止 {repealed} 件，请核对"),
    "TEXT_OTHER_YEAR": Code(WARNING, "文字写的是其他年度",
                            "{what}写道“{sentence}”，以 {actual} 年叙述工作，本报告为 {expected} 年度，可能沿用了往年文字"),
    "PROBLEMS_PERFUNCTORY": Code(WARNING, "问题及改进情况过于简略",
                                 "{what}只有“{actual}”，应逐项写明存在的问题和改进措施（每个小标题至少一句话）"),
    "PUBLISHED_LATE": Code(WARNING, "发布晚于规定期限",
                           "报告发布日期为 {actual}，晚于{who}的发布期限 {expected}（晚 {days} 天）"),
    # issue 11: against last year's report (--previous)
    "PREV_CARRY_MISMATCH": Code(ERROR, "上年结转与上年报告不符",
                                "{what}为 {actual}，上年报告（{previous}）的「{from_row}」为 {expected}，两者应相等"),
    "PREV_IN_FORCE_MISMATCH": Code(WARNING, "现行有效件数与上年不衔接",
                                   "{what}为 {actual}，按上年报告（{previous}）的 {last} 件加本年制发 {issued} 件减废止 "
                                   "{repealed} 件应为 {expected}，请核对"),
    "PREV_NOT_COMPARABLE": Code(WARNING, "与上年报告格式不同",
                                "上年报告（{previous}）为 {last_format}格式，{what}与本年不可比，未核对"),
    "PREV_NOT_CONSECUTIVE": Code(WARNING, "上年报告不是上一年度",
                                 "作为上年报告的 {previous} 为 {last_year} 年度，不是 {expected} 年度，未核对须与上年衔接的数字"),
    "PREV_SAME_FIGURES": Code(WARNING, "数字与上年完全相同",
                              "{what}的全部数字与上年报告（{previous}）完全相同，可能沿用了上年数据，请核对"),
    "PREV_TEXT_REUSED": Code(WARNING, "文字与上年重复",
                             "{what}与上年报告（{previous}）的相应文字重复率为 {ratio}（超过 50%），请按本年度实际情况撰写"),
    "PREV_UNMATCHED": Code(WARNING, "未找到上年报告",
                           "在上年报告中未找到单位“{actual}”（按单位名称{detail}匹配），未作跨年度核对"),
    "PREV_NONE_EARLIER": Code(WARNING, "上年报告中没有更早的报告",
                              "上年报告中“{actual}”只有 {years} 年度的报告（{previous}），没有 {expected} 年度或更早的，未作跨年度核对"),
    "PREV_UNREADABLE": Code(WARNING, "上年报告无法读取", "上年报告 {previous} 无法读取：{detail}"),
    "PREV_DUPLICATE": Code(WARNING, "上年报告重复", "上年报告 {previous} 与 {other} 同为{unit}{year}的报告，只使用 {other}"),
    # batch level
    "DUPLICATE_UNIT": Code(WARNING, "同一单位多份报表",
                           "与 {detail} 为同一单位同一年度，两份均已转换，本份的输出文件名已加序号区分，请核实以哪一份为准"),
    "INTERNAL_ERROR": Code(ERROR, "处理出错", "处理该文件时出错：{detail}"),
    "OUTPUT_FAILED": Code(ERROR, "年报无法写入",
                          "年报已生成，但无法写入 {detail}（{actual}）。如该文件正在 Word 或 WPS 中打开，请关闭后重新运行"),
    # summaries (issue 14): a parent's own report against its children's
    "SUMMARY_CHILDREN_DIFFER": Code(WARNING, "上级单位数据与下级之和不符",
                                    "{unit}{what}为 {actual}，其下级单位（{children} 个）之和为 {expected}，请核实"),
    "SUMMARY_DUPLICATE_UNIT": Code(WARNING, "同一单位多份报表（汇总）", "同一单位另有较新的报表 {detail}，汇总只计较新的一份"),
    # published reports (issue 10): Word files, web pages and PDFs read by their labels
    "PUB_KIND_UNKNOWN": Code(ERROR, "无法识别的文件类型", "不是可读取的年报文件{detail}，支持 Excel 填报模板（.xlsx）、Word（.docx）、网页（.html/.htm）和 PDF"),
    "PUB_DOC_OLD": Code(ERROR, "旧版 Word 格式", "这是旧版 Word（.doc/.wps）文件{detail}，请在 Word 或 WPS 中另存为“Word 文档（*.docx）”后重新提交"),
    "PUB_FILE_UNREADABLE": Code(ERROR, "文件无法读取", "文件无法读取：{detail}"),
    "PUB_FILE_TOO_LARGE": Code(ERROR, "文件内容异常庞大", "文件内容异常庞大（{detail}），可能已损坏或为恶意文件，未读取"),
    "PUB_PDF_ENCRYPTED": Code(ERROR, "PDF 设有密码", "PDF 文件设有打开密码或已加密，无法读取，请提供未加密的文件"),
    "PUB_NOT_REPORT": Code(ERROR, "不是政府信息公开工作年度报告", "未找到年度报告的统计表格{detail}，该文件似乎不是政府信息公开工作年度报告"),
    "PUB_FORMAT_UNDETECTED": Code(ERROR, "无法判断报告格式", "无法从表格判断报告格式（{choices}）：{detail}"),
    "PUB_TABLE_NOT_FOUND": Code(ERROR, "未找到表格", "未找到{what}（按表格标签查找），其中的数字无法读取"),
    "PUB_TABLE_IS_IMAGE": Code(ERROR, "表格为图片", "表格为图片，无法读取数字{detail}"),
    "PUB_ROW_NOT_FOUND": Code(ERROR, "未找到表格行", "{what}中未找到「{actual}」行，该行数字无法读取"),
    "PUB_COLUMN_NOT_FOUND": Code(ERROR, "未找到表格列", "{what}中未找到「{actual}」列，该列数字无法读取"),
    "PUB_CELL_UNREADABLE": Code(ERROR, "数字无法读取", "{what}内容为“{actual}”，不是数字，按空白处理"),
    "PUB_CELL_DASH": Code(WARNING, "以符号代替数字", "{what}填写为“{actual}”而不是数字，按空白处理；无数据应填 0"),
    "PUB_CELL_SPLIT": Code(WARNING, "数字分在两格", "{what}的数字分在相邻的两格中（{actual}），已合并读作 {expected}，请核对"),
    "PUB_CELL_AMBIGUOUS": Code(ERROR, "单元格跨行或跨列", "{what}所在单元格横跨多列或多行（“{actual}”），无法确定属于哪一格，按空白处理"),
    "PUB_LABEL_VARIANT": Code(WARNING, "表格标签与格式不一致", "{what}的标签印为“{actual}”，与规定标签“{expected}”不一致，已按规定标签读取"),
    "PUB_BLOCK_ABSENT": Code(WARNING, "未印可省略的表格", "未印{what}表格（部分报告省略此项），其数字按空白处理"),
    "PUB_ROW_MERGED": Code(WARNING, "表格行未分项", "{what}只印了一行，未分列各项：数字计入「{actual}」，其余各项按空白处理"),
    "PUB_PART_MISSING": Code(WARNING, "缺少报告部分", "未找到第{what}部分（「{expected}」）的标题"),
    "PUB_PARTS_MERGED": Code(WARNING, "报告部分合并", "第{what}部分与第{actual}部分合在一个标题下（「{detail}」），文字无法分开"),
    "PUB_TITLE_UNREADABLE": Code(ERROR, "无法识别单位和年度", "无法从标题识别{what}{detail}"),
    "PUB_URL_INVALID": Code(ERROR, "网址无效", "网址“{actual}”无效：{detail}"),
    "PUB_URL_PRIVATE": Code(ERROR, "网址不在公共互联网", "网址“{actual}”指向内部网络地址（{detail}），为安全起见未访问；确需访问内部网站时请使用 --allow-private"),
    "PUB_URL_UNREACHABLE": Code(ERROR, "网址无法访问", "无法访问“{actual}”：{detail}"),
    "PUB_URL_TIMEOUT": Code(ERROR, "网站响应超时", "访问“{actual}”超时（{detail}），网站响应过慢或无响应"),
    "PUB_URL_TOO_LARGE": Code(ERROR, "网页过大", "“{actual}”的内容超过 {detail}，不像年报网页，未读取"),
    "PUB_URL_REDIRECTS": Code(ERROR, "网址跳转过多", "访问“{actual}”时跳转{detail}，未能到达页面"),
    "PUB_URL_HTTP_ERROR": Code(ERROR, "网站返回错误", "访问“{actual}”时网站返回错误 {detail}"),
    "PUB_FEE_NOT_STATED": Code(WARNING, "未说明信息处理费", "第六部分未说明信息处理费收取情况，信息处理费未读取"),
}


class _Params(dict[str, Any]):
    """A message's parameters: a missing placeholder must never crash a message, it is left as written.
    (str.format_map with this costs a fraction of a string.Formatter, and a region's findings are many.)"""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found: where it is and what a person should do about it."""
    code: str
    severity: str
    message: str
    sheet: str = ""
    cell: str = ""
    file: str = ""
    expected: Any = None
    actual: Any = None

    @property
    def location(self) -> str:
        """Where, as a person finds it: 'sheet'!D8 in a workbook; 表三「…」行「…」列，第 3 页 in a
        published report; or the sheet (part) alone."""
        if self.sheet and self.cell:
            return f"'{self.sheet}'!{self.cell}" if _A1.fullmatch(self.cell) else f"{self.sheet}{self.cell}"
        return self.sheet

    def __reduce__(self) -> tuple[type[Finding], tuple[Any, ...]]:
        # to and from worker processes by position: half the time of a slotted dataclass's default
        return type(self), _values(self)

    def with_file(self, file: str) -> Finding:
        """The same finding, naming the file it is about."""
        return Finding(self.code, self.severity, self.message, self.sheet, self.cell, file,
                       self.expected, self.actual)

    def to_dict(self) -> dict[str, Any]:
        """A plain dict for JSON output (with the location as a person reads it)."""
        d = asdict(self)
        d["location"] = self.location
        return d


_values = attrgetter(*(f.name for f in fields(Finding)))     # every field, in order


def make(code: str, *, sheet: str = "", cell: str = "", expected: Any = None, actual: Any = None,
         **params: Any) -> Finding:
    """A finding of a catalogue code, its message filled in from the parameters (a missing one is left
    as written, never an error)."""
    entry = CATALOGUE.get(code) or catalogue()[code]
    message = entry.template.format_map(_Params(params, expected=expected, actual=actual, sheet=sheet))
    return Finding(code, entry.severity, message, sheet, cell, "", expected, actual)


def rule_finding(rule: Rule, detail: str, *, sheet: str = "", cell: str = "", expected: Any = None,
                 actual: Any = None) -> Finding:
    """The finding of a failed 勾稽 rule: the rule is its own catalogue entry."""
    return Finding(rule.code, rule.severity, detail, sheet, cell, "", expected, actual)


def catalogue() -> dict[str, Code]:
    """Every code there is: intake and check codes, then the rules of every registered format."""
    codes = dict(CATALOGUE)
    for fmt in FORMATS.values():
        for rule in fmt.rules:
            codes.setdefault(rule.code, Code(rule.severity, rule.title, rule.message))
    return codes


def has_errors(findings: Iterable[Finding]) -> bool:
    """Whether any of the findings is an error (which blocks conversion)."""
    return any(f.severity == ERROR for f in findings)

