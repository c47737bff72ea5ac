"""收件记录: one record per workbook received, kept as JSON (the truth) and as an .xlsx for people."""
from __future__ import annotations

import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from converter.batch.status import Status
from converter.files import write_bytes_atomic

JSON_NAME, XLSX_NAME = "收件记录.json", "收件记录.xlsx"
VERSIONS_DIR, NEWEST_DIR = "历次版本", "最新"


@dataclass
class Record:
    """One workbook received: where it came from, where it is kept, whom it counts for, its check result."""
    key: str                  # Message-ID (or the message's sha256) + the file's sha256: what makes it unique
    message_id: str
    source: str
    sender: str
    sender_name: str
    date: str                 # ISO 8601, the message's Date
    subject: str
    filename: str
    via: str
    stored: str               # path under the inbox
    sha256: str
    unit: str                 # the unit it counts for ("" when it cannot be told)
    workbook_unit: str        # what the workbook's 基本信息 says
    on_roster: bool
    status: str               # a Status value (older manifests hold its Chinese label)
    errors: int
    warnings: int
    notes: list[str] = field(default_factory=list)
    version: int = 0
    newest: bool = False
    received: int = 0         # order of arrival in this inbox, to break ties between equal dates


def load(inbox: Path) -> list[Record]:
    """The records of an inbox (none for a new one)."""
    path = inbox / JSON_NAME
    if not path.exists():
        return []
    return [Record(**r) for r in json.loads(path.read_text(encoding="utf-8"))["records"]]


def renumber(records: list[Record]) -> None:
    """Versions per unit in order of the message's Date; the newest counts."""
    by_unit: dict[str, list[Record]] = {}
    for r in records:
        r.version, r.newest = 0, False
        if r.unit:
            by_unit.setdefault(r.unit, []).append(r)
    for rs in by_unit.values():
        # the newest message counts; within one message a file that could be read beats one that could
        # not (a workbook beside the scanned, stamped PDF of the same report)
        rs.sort(key=lambda r: (r.date or "", Status.parse(r.status) is not Status.UNREADABLE, r.received))
        for i, r in enumerate(rs, 1):
            r.version = i
        rs[-1].newest = True


def save(inbox: Path, records: list[Record], skipped: list[dict]) -> None:
    """Write 收件记录.json (the truth) and 收件记录.xlsx (for people)."""
    payload = {"records": [asdict(r) for r in records], "skipped": skipped}
    write_bytes_atomic(inbox / JSON_NAME, json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8"))
    write_bytes_atomic(inbox / XLSX_NAME, _xlsx(records, skipped))


def load_skipped(inbox: Path) -> list[dict]:
    """Messages earlier runs could not read."""
    path = inbox / JSON_NAME
    return json.loads(path.read_text(encoding="utf-8")).get("skipped", []) if path.exists() else []


HEAD = ("单位", "版本", "最新", "状态", "错误数", "提示数", "发件人", "发件人地址", "邮件日期", "主题", "附件名",
        "来源", "工作簿填写的单位", "在名单中", "备注", "SHA-256", "Message-ID", "保存位置")


def _xlsx(records: list[Record], skipped: list[dict]) -> bytes:
    import xlsxwriter
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                   "strings_to_numbers": False})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    ws = wb.add_worksheet("收件记录")
    for c, h in enumerate(HEAD):
        ws.write_string(0, c, h, head)
    for i, r in enumerate(sorted(records, key=lambda r: (r.unit or "~", r.version)), 1):
        row = (r.unit, r.version, "是" if r.newest else "", Status.parse(r.status).label, r.errors, r.warnings, r.sender_name, r.sender,
               r.date, r.subject, r.filename, r.via or "附件", r.workbook_unit, "是" if r.on_roster else "否",
               "；".join(r.notes), r.sha256, r.message_id, r.stored)
        for c, v in enumerate(row):
            if isinstance(v, int):
                ws.write_number(i, c, v)
            else:
                ws.write_string(i, c, str(v))
    ws.autofilter(0, 0, max(len(records), 1), len(HEAD) - 1)
    ws.freeze_panes(1, 0)
    ws.set_column(0, 0, 24)
    ws.set_column(6, 14, 18)
    if skipped:
        ws2 = wb.add_worksheet("未能处理的邮件")
        for c, h in enumerate(("来源", "原因")):
            ws2.write_string(0, c, h, head)
        for i, s in enumerate(skipped, 1):
            ws2.write_string(i, 0, s.get("source", ""))
            ws2.write_string(i, 1, s.get("reason", ""))
    wb.close()
    return out.getvalue()
