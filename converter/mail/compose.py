"""The emails nianbao writes: the cover letter sent with each blank workbook, and the reply to a unit
whose workbook has errors. Both render the same findings the CLI and 校验结果.xlsx show."""
from __future__ import annotations

import email.utils
from email.message import EmailMessage
from email.policy import SMTP
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from converter.checks.findings import Finding
    from converter.mail.manifest import Record

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")

DEFAULT_COVER = """主题：关于报送{年度}年度政府信息公开工作年度报告的通知（{单位名称}）

{称呼}：

您好！根据《中华人民共和国政府信息公开条例》第四十九条、第五十条的规定，请贵单位填写附件中的《{单位名称}{年度}年政府信息公开工作年度报告填报表》，并于{截止日期}前直接回复本邮件报送。

填写说明：
1. 请在 Excel 或 WPS 中打开附件，只填写黄色单元格；无数据请填 0，不要留空。
2. 各表“校验”单元格显示 ✗ 时，请核对标红的单元格后再报送。
3. 请保持 .xlsx 格式，不要修改工作表名称，不要插入或删除行、列。

{发件单位}
"""


def render_cover(template: str, values: dict[str, str]) -> tuple[str, str]:
    """(subject, body) from a cover template: an optional first line “主题：…”, then the body.
    Placeholders are written {单位名称} {称呼} {联系人} {年度} {截止日期} {发件单位}; unknown ones stay."""
    text = template
    for k, v in values.items():
        text = text.replace("{" + k + "}", v)
    lines = text.splitlines()
    subject = ""
    if lines and lines[0].startswith(("主题：", "主题:")):
        subject = lines[0].split("：", 1)[-1].split(":", 1)[-1].strip()
        lines = lines[1:]
        while lines and not lines[0].strip():
            lines = lines[1:]
    return subject, "\n".join(lines).rstrip() + "\n"


def new_message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text message with Date and Message-ID set."""
    msg = EmailMessage(policy=SMTP)
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = email.utils.formatdate(localtime=True)
    domain = email.utils.parseaddr(sender)[1].rpartition("@")[2] or "nianbao.invalid"
    msg["Message-ID"] = email.utils.make_msgid(domain=domain)
    msg.set_content(body)
    return msg


def attach(msg: EmailMessage, data: bytes, filename: str) -> None:
    """Non-ASCII file names are written the standard way (RFC 2231), which every current mailer reads."""
    msg.add_attachment(data, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=filename)


def feedback_body(unit: str, record: Record, findings: list[Finding], sender_org: str) -> str:
    """The reply to a unit: every error with its sheet and cell, then the warnings."""
    lines = [f"{unit}：", "",
             f"贵单位于 {record.date[:10] or '近日'} 报送的《{record.filename}》经系统校验，存在以下问题，"
             "请修改后回复本邮件重新报送：", ""]
    errors = [f for f in findings if f.severity == "error"]
    warnings = [f for f in findings if f.severity != "error"]
    for i, f in enumerate(errors, 1):
        place = f"【{f.sheet} {f.cell}】" if f.sheet and f.cell else (f"【{f.sheet}】" if f.sheet else "")
        lines.append(f"{i}. {place}{f.message}")
    if warnings:
        lines += ["", "另有以下提示，请一并核实："]
        for f in warnings:
            place = f"【{f.sheet} {f.cell}】" if f.sheet and f.cell else ""
            lines.append(f"- {place}{f.message}")
    lines += ["", "问题明细见附件《校验结果》，可在 Excel 中打开筛选。", "", sender_org]
    return "\n".join(lines) + "\n"
