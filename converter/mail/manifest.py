"""收件记录: one record per workbook received, kept as JSON (the truth) and as an .xlsx for people."""
from __future__ import annotations

import datetime as _dt
import hashlib
import io
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from converter.batch.status import Status
from converter.files import write_bytes_atomic

JSON_NAME, XLSX_NAME = "收件记录.json", "收件记录.xlsx"
VERSIONS_DIR, NEWEST_DIR = "历次版本", "最新"
CHINA = _dt.timezone(_dt.timedelta(hours=8))     # stored versions are named by the message's date in China


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


def load(inbox: Path, notices: list[str] | None = None) -> list[Record]:
    """The records of an inbox (none for a new one). A 收件记录.json that cannot be read (cut short,
    edited by hand) is renamed aside and the records are rebuilt from 历次版本/; so are they when the
    file is missing but versions are kept. What happened is added to `notices` (Chinese lines)."""
    return load_state(inbox, notices)[0]


def load_state(inbox: Path, notices: list[str] | None = None) -> tuple[list[Record], list[dict]]:
    """(records, skipped messages) of an inbox; see load() for a damaged or missing 收件记录.json."""
    notices = [] if notices is None else notices
    path = inbox / JSON_NAME
    if path.is_file():
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
            records = [Record(**r) for r in payload["records"]]
            skipped = payload.get("skipped", [])
            if not isinstance(skipped, list) or not all(isinstance(s, dict) for s in skipped):
                raise ValueError("skipped")
            return records, skipped
        except (ValueError, TypeError, KeyError, AttributeError):
            aside = _aside(path)
            notices.append(f"收件记录已损坏，无法读取：{path}；已改名保存为 {aside.name}，并按 {VERSIONS_DIR}/ 重建")
    records = rebuild(inbox)
    if records and not any(JSON_NAME in n for n in notices):
        notices.append(f"找不到 {path}；已按 {VERSIONS_DIR}/ 中保存的 {len(records)} 份工作簿重建收件记录")
    return records, []


def _aside(path: Path) -> Path:
    """Rename a damaged manifest out of the way (kept for whoever wants to look at it)."""
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.stem}.损坏-{stamp}{path.suffix}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.stem}.损坏-{stamp}-{n}{path.suffix}")
    path.replace(aside)
    return aside


REBUILT = "rebuilt:"          # key prefix of a record rebuilt from 历次版本/ (its message is not known)
_STORED = re.compile(r"(\d{8}-\d{6}|无日期)_([0-9a-f]{8})_(.+)")


def rebuild(inbox: Path) -> list[Record]:
    """Records for every workbook kept in 历次版本/, from what its file name and content tell: the
    message's date, the file's name, its unit and check result. Sender, subject and Message-ID are lost;
    collecting the same messages again fills them in."""
    from converter.batch.pipeline import process_file
    folder = inbox / VERSIONS_DIR
    if not folder.is_dir():
        return []
    records: list[Record] = []
    for p in sorted(folder.iterdir()):
        if p.name.startswith(".") or not p.is_file():
            continue
        m = _STORED.fullmatch(p.name)
        date = ""
        if m and m.group(1) != "无日期":
            try:
                date = _dt.datetime.strptime(m.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=CHINA).isoformat()
            except ValueError:
                date = ""
        try:
            digest = hashlib.sha256(p.read_bytes()).hexdigest()
        except OSError:
            continue
        rel = str(Path(VERSIONS_DIR) / p.name)
        task = process_file(str(p))
        unit = task.unit or ""
        records.append(Record(key=REBUILT + rel, message_id="", source="", sender="", sender_name="", date=date,
                              subject="", filename=m.group(3) if m else p.name, via="", stored=rel, sha256=digest,
                              unit=unit, workbook_unit=unit, on_roster=False, status=task.status.value,
                              errors=task.errors, warnings=task.warnings,
                              notes=["收件记录损坏后按历次版本重建，邮件信息缺失"], received=len(records)))
    renumber(records)
    return records


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
    """Messages earlier runs could not read (none when 收件记录.json cannot be read)."""
    try:
        payload = json.loads((inbox / JSON_NAME).read_text(encoding="utf-8"))
        skipped = payload.get("skipped", [])
        return skipped if isinstance(skipped, list) else []
    except (OSError, ValueError, AttributeError):
        return []


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
