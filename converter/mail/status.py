"""Who has submitted, who passed, who has errors, who has sent nothing: the roster against 收件记录.
The newest workbook of each unit is checked again now, so the answer follows the current rules."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from converter.batch.pipeline import process_file
from converter.batch.previous import keep_counted, save_counted
from converter.batch.status import Status
from converter.checks.crossyear import Comparison, Previous
from converter.checks.findings import Finding
from converter.mail import manifest
from converter.mail.manifest import Record
from converter.mail.roster import Roster, unit_key


@dataclass
class StatusRow:
    """One unit's submission state, with its newest workbook's findings."""
    unit: str
    email: str
    contact: str
    state: Status                # MISSING, PASSED, REJECTED, UNREADABLE (or FAILED)
    versions: int = 0
    last_date: str = ""
    errors: int = 0
    warnings: int = 0
    on_roster: bool = True
    record: Record | None = None
    findings: list[Finding] = field(default_factory=list)
    year: int | None = None
    format_id: str | None = None
    compare: Comparison | None = None      # against last year's report, when given


def status(roster: Roster, inbox: str | Path, notices: list[str] | None = None,
           previous: Previous | None = None) -> list[StatusRow]:
    """One row per roster unit (then units not on the roster), each unit's newest workbook checked now
    (and, given last year's reports, against its unit's).
    A damaged 收件记录.json is set aside and rebuilt (see manifest.load); `notices` says so."""
    inbox = Path(inbox)
    records = manifest.load(inbox, notices)
    newest = {unit_key(r.unit): r for r in records if r.newest and r.unit}
    counts: dict[str, int] = {}
    for r in records:
        if r.unit:
            counts[unit_key(r.unit)] = counts.get(unit_key(r.unit), 0) + 1
    rows = []
    listed = set()
    for u in roster.units:
        key = unit_key(u.name)
        listed.add(key)
        rows.append(_row(u.name, u.email, u.contact, newest.get(key), counts.get(key, 0), inbox, True, previous, u.kind))
    for key, r in newest.items():
        if key not in listed:
            rows.append(_row(r.unit, r.sender, "", r, counts.get(key, 0), inbox, False, previous))
    save_counted(previous)          # the texts compared now are not counted again next time
    return rows


def _row(name: str, email: str, contact: str, record: Record | None, versions: int, inbox: Path,
         on_roster: bool, previous: Previous | None = None, kind: str = "") -> StatusRow:
    if record is None:
        return StatusRow(name, email, contact, Status.MISSING, on_roster=on_roster)
    task = process_file(str(inbox / record.stored), previous=previous, unit_kind=kind)
    keep_counted(previous, task.compare)
    return StatusRow(name, email, contact, task.status, versions, record.date[:19].replace("T", " "), task.errors,
                     task.warnings, on_roster, record, task.findings, task.year, task.format_id, task.compare)


def summary(rows: list[StatusRow]) -> dict[str, int]:
    """How many roster units are in each state, by the state's Chinese label."""
    out: dict[str, int] = {}
    for r in rows:
        if r.on_roster:
            out[r.state.label] = out.get(r.state.label, 0) + 1
    return out


HEAD = ("单位名称", "邮箱", "联系人", "状态", "报送次数", "最近报送时间", "错误数", "提示数", "备注")


def status_xlsx(rows: list[StatusRow]) -> bytes:
    """报送情况.xlsx: one row per unit, its state coloured."""
    import xlsxwriter
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                   "strings_to_numbers": False})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    colours = {Status.PASSED: wb.add_format({"bg_color": "#C6EFCE"}),
               Status.MISSING: wb.add_format({"bg_color": "#FFEB9C"})}
    bad = wb.add_format({"bg_color": "#FFC7CE"})
    ws = wb.add_worksheet("报送情况")
    for c, h in enumerate(HEAD):
        ws.write_string(0, c, h, head)
    for i, r in enumerate(rows, 1):
        values = (r.unit, r.email, r.contact, r.state.label, r.versions, r.last_date, r.errors, r.warnings,
                  "" if r.on_roster else "不在名单中")
        for c, v in enumerate(values):
            style = colours.get(r.state, bad) if c == 3 else None
            if isinstance(v, int):
                ws.write_number(i, c, v, style)
            else:
                ws.write_string(i, c, v, style)
    ws.autofilter(0, 0, max(len(rows), 1), len(HEAD) - 1)
    ws.freeze_panes(1, 0)
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 26)
    ws.set_column(5, 5, 20)
    wb.close()
    return out.getvalue()
