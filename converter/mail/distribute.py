"""One pre-filled workbook and one cover email per unit of the roster, written as .eml files (and sent
with `--send`). Given last year's workbooks, this year's 上年结转 is filled from last year's
结转下年度继续办理, column by column."""
from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from converter.atomic import write_bytes_atomic
from converter.definition.model import Format
from converter.mail.collect import safe
from converter.mail.compose import DEFAULT_COVER, attach, new_message, render_cover
from converter.mail.roster import Roster, unit_key


@dataclass
class Outgoing:
    unit: str
    to: str
    workbook: Path
    eml: Path
    message: EmailMessage
    carried_over: bool


def previous_carryover(folder) -> dict[str, dict[str, int]]:
    """unit key -> last year's 结转下年度继续办理 per applicant column, from the workbooks in a folder."""
    from converter.batch.pipeline import collect_inputs
    from converter.intake.workbook import read_workbook
    out = {}
    for path in collect_inputs([folder]):
        r = read_workbook(path)
        if not r.ok or not isinstance(r.data["fields"].get("unit"), str):
            continue
        row = r.data["tables"]["p3"]["carryover"]
        if all(isinstance(v, int) for v in row.values()):
            out[unit_key(r.data["fields"]["unit"])] = row
    return out


def distribute(roster: Roster, fmt: Format, year: int, outdir, sender: str, sender_org: str = "",
               deadline: str = "", cover: str | None = None, previous=None) -> list[Outgoing]:
    from converter.template.workbook import make_template
    outdir = Path(outdir)
    carry = previous_carryover(previous) if previous else {}
    computed = fmt.computed()
    template = cover or DEFAULT_COVER
    out = []
    for u in roster.units:
        values = {}
        last = carry.get(unit_key(u.name))
        if last:
            for col, v in last.items():
                path = ("tables", "p3", "carried", col)
                if path not in computed:
                    values[path] = v
        blob = make_template(fmt, unit=u.name, year=year, values=values)
        filename = f"{u.name}{year}年政府信息公开工作年度报告填报表.xlsx"
        workbook = write_bytes_atomic(outdir / "填报表" / safe(filename), blob)
        subject, body = render_cover(template, {
            "单位名称": u.name, "称呼": u.contact + "同志" if u.contact else u.name, "联系人": u.contact,
            "年度": str(year), "截止日期": deadline or f"{year + 1}年1月15日", "发件单位": sender_org or sender})
        msg = new_message(sender, u.email, subject or f"{year}年度政府信息公开工作年度报告填报（{u.name}）", body)
        attach(msg, blob, filename)
        eml = write_bytes_atomic(outdir / f"{safe(u.name)}.eml", msg.as_bytes())
        out.append(Outgoing(u.name, u.email, workbook, eml, msg, bool(last)))
    return out

