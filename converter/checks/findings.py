"""Findings are data: a stable code, a severity, where (file, sheet, cell) and a Chinese message.

Every code lives in :data:`CATALOGUE` with its severity, a short title and a message template.
The CLI table, the JSON output and 校验结果.xlsx all render the same :class:`Finding` objects.
"""
from __future__ import annotations

import string
from dataclasses import asdict, dataclass
from typing import Any

ERROR, WARNING = "error", "warning"
SEVERITY_ZH = {ERROR: "错误", WARNING: "提示"}


@dataclass(frozen=True)
class Code:
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
    "VALUE_BLANK": Code(ERROR, "未填写", "{what}未填写，无数据请填 0"),
    "VALUE_NOT_NUMBER": Code(ERROR, "不是数字", "{what}应填写数字，实为“{actual}”"),
    "VALUE_NOT_INTEGER": Code(ERROR, "应为整数", "{what}应为整数，实为 {actual}"),
    "VALUE_NEGATIVE": Code(ERROR, "不能为负数", "{what}不能为负数，实为 {actual}"),
    "VALUE_FORMULA": Code(ERROR, "填写了公式", "{what}应直接填写数字或文字，不要填写公式"),
    "VALUE_INVALID": Code(ERROR, "数据不合规", "{what}不符合要求：{detail}"),
    # level 2: basic information
    "UNIT_MISSING": Code(ERROR, "未填写单位名称", "未填写单位名称"),
    "YEAR_MISSING": Code(ERROR, "未填写报告年度", "未填写报告年度"),
    "YEAR_INVALID": Code(ERROR, "报告年度不正确", "报告年度应为 2008 年以后的四位年份，实为“{actual}”"),
    "YEAR_FUTURE": Code(ERROR, "报告年度晚于今年", "报告年度 {actual} 晚于今年（{expected}），请核对"),
    "FORMAT_OUTDATED": Code(WARNING, "使用旧版格式", "{actual} 年度报告应使用 2021 年版格式（国办公开办函〔2021〕30号），本表为 2019 年版（试行）格式"),
    # level 3: 勾稽关系 (messages come from each rule's own template)
    "P3_ROW_TOTAL": Code(ERROR, "申请情况表行总计不符", "{detail}"),
    "P3_RESULT_TOTAL": Code(ERROR, "办理结果总计不符", "{detail}"),
    "P3_COLUMN_BALANCE": Code(ERROR, "申请情况表勾稽关系不平衡", "{detail}"),
    "P4_BLOCK_TOTAL": Code(ERROR, "复议诉讼表总计不符", "{detail}"),
    # level 4: what reviewers flag but does not block publication
    "TEXT_EMPTY": Code(WARNING, "内容未填写", "{what}未填写"),
    "TEXT_TEMPLATE_LEFT": Code(WARNING, "残留模板说明文字", "{what}含有模板说明文字“{actual}”，请删除"),
    # batch level
    "DUPLICATE_UNIT": Code(WARNING, "同一单位多份报表", "与 {detail} 为同一单位同一年度，两份均已转换，本份的输出文件名已加序号区分，请核实以哪一份为准"),
    "INTERNAL_ERROR": Code(ERROR, "处理出错", "处理该文件时出错：{detail}"),
    "OUTPUT_FAILED": Code(ERROR, "年报无法写入", "年报已生成，但无法写入 {detail}（{actual}）。如该文件正在 Word 或 WPS 中打开，请关闭后重新运行"),
}


class _Lenient(string.Formatter):
    """A missing placeholder must never crash a message: it is left as written."""

    def get_value(self, key, args, kwargs):
        if isinstance(key, str) and key not in kwargs:
            return "{" + key + "}"
        return super().get_value(key, args, kwargs)


_fmt = _Lenient()


@dataclass(frozen=True, slots=True)
class Finding:
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
        if self.sheet and self.cell:
            return f"'{self.sheet}'!{self.cell}"
        return self.sheet

    def with_file(self, file: str) -> "Finding":
        return Finding(self.code, self.severity, self.message, self.sheet, self.cell, file,
                       self.expected, self.actual)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["location"] = self.location
        return d


def make(code: str, *, sheet: str = "", cell: str = "", expected: Any = None, actual: Any = None,
         **params: Any) -> Finding:
    entry = CATALOGUE[code]
    message = _fmt.format(entry.template, expected=expected, actual=actual, sheet=sheet, **params)
    return Finding(code, entry.severity, message, sheet, cell, "", expected, actual)


def has_errors(findings) -> bool:
    return any(f.severity == ERROR for f in findings)
