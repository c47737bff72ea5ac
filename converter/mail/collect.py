"""Messages -> 收件箱/: every workbook attached (in any encoding, zip or forwarded message) is kept
under 历次版本/, identified by its own 基本信息, matched to the roster and checked; the newest version
of each unit (by the message's Date) is copied to 最新/, which is what `nianbao build` converts.
Collecting the same messages again adds nothing."""
from __future__ import annotations

import datetime as _dt
import hashlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from converter.batch.pipeline import process_file
from converter.files import NAME_BYTES, cut_bytes, safe_filename, write_bytes_atomic
from converter.mail import manifest
from converter.mail.attachments import Attachment, MessageInfo, info, parse, workbooks_in
from converter.mail.manifest import CHINA, NEWEST_DIR, VERSIONS_DIR, Record
from converter.mail.roster import Roster


@dataclass
class CollectReport:
    """What one collect run did: messages read, workbooks added, duplicates, skipped messages, and
    notices about the inbox itself (a damaged 收件记录 rebuilt, a stored version deleted by hand)."""
    messages: int = 0
    added: list[Record] = field(default_factory=list)
    duplicates: int = 0
    without_workbook: int = 0
    too_old: int = 0
    skipped: list[dict] = field(default_factory=list)     # messages (or files in them) not taken, and why
    records: list[Record] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


# A stored version's name is "<date>_<hash>_<name>": room is left for what comes before the name
STORED_PREFIX_BYTES = 40


def safe(name: str) -> str:
    """A received file's or a unit's name made safe as a file name (files.safe_filename, with room
    left for the date and digest that stored names start with); an extension is kept."""
    stem, ext = os.path.splitext(name)
    if not ext.isascii() or not 1 < len(ext) <= 8:
        stem, ext = name, ""
    return safe_filename(stem, NAME_BYTES - STORED_PREFIX_BYTES, "附件", suffix=ext)


def collect(messages: Iterable[tuple[str, bytes | str]], inbox: str | Path, roster: Roster | None = None,
            since: _dt.date | None = None, progress: Callable[[], Any] | None = None) -> CollectReport:
    """Take every workbook from `messages` into the inbox folder; returns what was added or skipped.
    A message is (source, raw bytes), or (source, why it could not be read) from the source.
    One message never stops the run: what cannot be read, refused or saved is logged and skipped."""
    inbox = Path(inbox)
    (inbox / VERSIONS_DIR).mkdir(parents=True, exist_ok=True)
    report = CollectReport()
    records, skipped = manifest.load_state(inbox, report.notices)
    records = _drop_missing(inbox, records, report.notices)
    known = {r.key for r in records}
    rebuilt = {r.stored: r for r in records if r.key.startswith(manifest.REBUILT)}
    logged = {(s.get("source"), s.get("reason")) for s in skipped}
    report.skipped = skipped

    def skip(source: str, reason: str) -> None:
        if (source, reason) not in logged:
            skipped.append({"source": source, "reason": reason})
            logged.add((source, reason))

    for source, raw in messages:
        report.messages += 1
        if progress:
            progress()
        if isinstance(raw, str):
            skip(source, raw)
            continue
        if not raw:
            skip(source, "无法获取邮件内容")
            continue
        refused: list[str] = []
        try:
            msg = parse(raw)
            meta = info(msg)
            found = workbooks_in(msg, refused)
        except Exception as e:      # a message we cannot parse is logged and skipped; the run goes on
            skip(source, f"无法解析：{type(e).__name__}: {e}"[:300])
            continue
        for why in refused:
            skip(source, why)
        if since and meta.date and meta.date.date() < since:
            report.too_old += 1
            continue
        if not found:
            if not refused:
                report.without_workbook += 1
            continue
        msg_key = meta.message_id or "sha256:" + hashlib.sha256(raw).hexdigest()
        for att in found:
            digest = hashlib.sha256(att.data).hexdigest()
            key = f"{msg_key}|{digest}"
            if key in known:
                report.duplicates += 1
                continue
            try:
                record = _store(inbox, meta, att, digest, key, roster, source, len(records))
            except OSError as e:     # this file cannot be saved (name, permissions, disk): logged, go on
                skip(source, f"无法保存附件《{att.filename}》：{e.strerror or type(e).__name__}")
                continue
            known.add(key)
            old = rebuilt.pop(record.stored, None)
            if old is not None:       # a record rebuilt from 历次版本/ gets its message back
                record.received = old.received
                records[records.index(old)] = record
                report.duplicates += 1
                continue
            records.append(record)
            report.added.append(record)
    manifest.renumber(records)
    _refresh_newest(inbox, records, report.notices)
    manifest.save(inbox, records, skipped)
    report.records = records
    return report


def _drop_missing(inbox: Path, records: list[Record], notices: list[str]) -> list[Record]:
    """Records whose stored version was deleted by hand are dropped (collecting their message again
    stores it again); each is named in `notices`."""
    kept = []
    for r in records:
        if (inbox / r.stored).is_file():
            kept.append(r)
        else:
            notices.append(f"{r.stored} 已不存在，已从收件记录中移除（{r.unit or '未识别单位'}，《{r.filename}》；"
                           "再次收取该邮件可重新保存）")
    return kept


def _store(inbox: Path, meta: MessageInfo, att: Attachment, digest: str, key: str, roster: Roster | None,
           source: str, n: int) -> Record:
    stamp = meta.date.astimezone(CHINA).strftime("%Y%m%d-%H%M%S") if meta.date else "无日期"
    rel = Path(VERSIONS_DIR) / f"{stamp}_{digest[:8]}_{safe(att.filename)}"
    if not (inbox / rel).is_file():
        write_bytes_atomic(inbox / rel, att.data)
    task = process_file(str(inbox / rel))
    wb_unit = task.unit or ""
    notes = []
    unit, on_roster = wb_unit, False
    if roster is not None:
        by_name = roster.by_name(wb_unit)
        by_sender = roster.by_email(meta.sender)
        if by_sender is None:
            notes.append(f"发件人 {meta.sender or '（无）'} 不在名单中")
        if by_name is not None:
            unit, on_roster = by_name.name, True
            if by_sender is not None and by_sender.name != by_name.name:
                notes.append(f"工作簿填写的单位是“{wb_unit}”，但发件人属于“{by_sender.name}”")
        elif wb_unit:
            notes.append(f"工作簿填写的单位“{wb_unit}”不在名单中")
        elif by_sender is not None:
            unit, on_roster = by_sender.name, True       # unreadable workbook: it counts for the sender's unit
    elif wb_unit:
        unit = wb_unit
    return Record(key=key, message_id=meta.message_id, source=source, sender=meta.sender,
                  sender_name=meta.sender_name, date=meta.date.isoformat() if meta.date else "", subject=meta.subject,
                  filename=att.filename, via=att.via, stored=str(rel), sha256=digest, unit=unit, workbook_unit=wb_unit,
                  on_roster=on_roster, status=task.status.value, errors=task.errors, warnings=task.warnings,
                  notes=notes, received=n)


def _refresh_newest(inbox: Path, records: list[Record], notices: list[str]) -> None:
    folder = inbox / NEWEST_DIR
    folder.mkdir(exist_ok=True)
    wanted: dict[str, tuple[str, Path]] = {}
    for r in records:
        if r.newest and r.unit:
            suffix = Path(r.stored).suffix or ".xlsx"
            base = name = safe(r.unit)
            n = 1
            while name + suffix in wanted:     # two long unit names cut to the same name
                n += 1
                name = cut_bytes(base, NAME_BYTES - STORED_PREFIX_BYTES - 12) + f"（{n}）"
            wanted[name + suffix] = (r.unit, inbox / r.stored)
    for name, (unit, src) in wanted.items():
        dst = folder / name
        tmp = dst.with_name("." + dst.name + ".part")
        try:
            if not dst.exists() or dst.read_bytes() != src.read_bytes():
                shutil.copyfile(src, tmp)
                tmp.replace(dst)
        except OSError as e:       # one unit's copy does not stop the others
            tmp.unlink(missing_ok=True)
            notices.append(f"无法更新 {NEWEST_DIR}/{name}（{unit}）：{e.strerror or type(e).__name__}")
    for old in folder.iterdir():          # a unit's newest may have changed suffix or unit name
        if old.is_file() and old.name not in wanted and not old.name.startswith("."):
            try:
                old.unlink()
            except OSError as e:
                notices.append(f"无法删除过时的 {NEWEST_DIR}/{old.name}：{e.strerror or type(e).__name__}")
