"""One pre-filled workbook and one cover email per unit of the roster, written as .eml files (and sent
with `--send`). Given last year's workbooks, this year's 上年结转 is filled from last year's
结转下年度继续办理, column by column."""
from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from converter.batch.previous import load_previous
from converter.checks.crossyear import LastYear, Previous
from converter.definition.model import DataPath, Format
from converter.definition.plan import Plan, compile
from converter.files import write_bytes_atomic
from converter.mail.collect import safe
from converter.mail.compose import DEFAULT_COVER, attach, new_message, render_cover
from converter.mail.roster import Roster, unit_key
from converter.template.workbook import make_template


@dataclass
class Outgoing:
    """One unit's workbook and cover email."""
    unit: str
    to: str
    workbook: Path
    eml: Path
    message: EmailMessage
    carried_over: bool


def previous_carryover(folder: str | Path, fmt: Format | Plan, roster: Roster | None = None,
                       year: int | None = None) -> dict[str, dict[DataPath, Any]]:
    """unit key -> {this year's path: last year's value} for the rows the format carries over
    (上年结转 ← 结转下年度继续办理), from last year's reports in a folder (workbooks, Word files, web
    pages, PDFs, report data as JSON); a figure that could not be read is not filled in. With a
    roster, its units are the keys, each matched to last year's report as the checks across years
    match them (converter.checks.crossyear.Previous.match); without, last year's unit names. Given this
    year's `year`, a unit whose report of the year before is not there (only an older one, say) gets
    nothing filled in: its 上年结转 is not that report's 结转下年度."""
    plan = compile(fmt)
    prev = load_previous([folder], {u.name: u.code for u in roster.units} if roster else None)
    names = [u.name for u in roster.units] if roster else [kept[0].unit for kept in prev.by_key.values()]
    out = {}
    for name in names:
        last = prev.match(name, year)
        if last is None or (year is not None and not _of_year_before(last, year, prev)):
            continue
        values: dict[DataPath, Any] = {}
        for carry in plan.fmt.carry_over:
            for col in plan.fmt.table(carry.table).columns:
                v = last.value(("tables", carry.table, carry.from_row, col.key))
                path = ("tables", carry.table, carry.row, col.key)
                if isinstance(v, int) and path in plan.kinds and path not in plan.computed:
                    values[path] = v
        if values:
            out[unit_key(name)] = values
    return out


def _of_year_before(last: LastYear, year: int, prev: Previous) -> bool:
    if last.year is None:
        return set(prev.years()) <= {year - 1}
    return last.year == year - 1


def distribute(roster: Roster, fmt: Format | Plan, year: int, outdir: str | Path, sender: str, sender_org: str = "",
               deadline: str = "", cover: str | None = None, previous: str | Path | None = None) -> list[Outgoing]:
    """Write one pre-filled workbook and one cover email (.eml) per roster unit; returns them to send."""
    plan = compile(fmt)
    outdir = Path(outdir)
    carry = previous_carryover(previous, plan, roster, year) if previous else {}
    template = cover or DEFAULT_COVER
    out = []
    for u in roster.units:
        last = carry.get(unit_key(u.name), {})
        blob = make_template(plan, unit=u.name, year=year, values=dict(last))
        filename = f"{plan.fmt.report_title(u.name, year)}填报表.xlsx"
        workbook = write_bytes_atomic(outdir / "填报表" / safe(filename), blob)  # a Path in, a Path out
        subject, body = render_cover(template, {
            "单位名称": u.name, "称呼": u.contact + "同志" if u.contact else u.name, "联系人": u.contact,
            "年度": str(year), "截止日期": deadline or f"{year + 1}年1月15日", "发件单位": sender_org or sender})
        msg = new_message(sender, u.email, subject or f"{year}年度政府信息公开工作年度报告填报（{u.name}）", body)
        attach(msg, blob, filename)
        eml = write_bytes_atomic(outdir / f"{safe(u.name)}.eml", msg.as_bytes())
        out.append(Outgoing(u.name, u.email, workbook, eml, msg, bool(last)))
    return out
