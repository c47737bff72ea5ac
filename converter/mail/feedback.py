"""For each unit whose newest workbook has errors: a reply in Chinese listing every finding, the check
report attached, threaded to the unit's own message (In-Reply-To / References)."""
from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from converter.batch.report import BatchReport, Task
from converter.batch.results_xlsx import results_bytes
from converter.batch.status import Status
from converter.checks.crossyear import Previous
from converter.files import write_bytes_atomic
from converter.mail.collect import safe
from converter.mail.compose import attach, feedback_body, new_message
from converter.mail.roster import Roster
from converter.mail.status import status


@dataclass
class Reply:
    """One unit's reply email."""
    unit: str
    to: str
    message: EmailMessage
    eml: Path


def feedback(roster: Roster, inbox: str | Path, outdir: str | Path, sender: str, sender_org: str = "",
             previous: Previous | None = None) -> list[Reply]:
    """Write a threaded reply (.eml) to each unit whose newest workbook has errors (given last year's
    reports, also those against its unit's); returns them to send."""
    outdir = Path(outdir)
    replies = []
    for row in status(roster, inbox, previous=previous):
        if row.state not in (Status.REJECTED, Status.UNREADABLE) or row.record is None:
            continue
        rec = row.record
        to = rec.sender or row.email
        subject = rec.subject if rec.subject.lower().startswith(("re:", "回复")) else f"Re: {rec.subject or '年报报送'}"
        body = feedback_body(row.unit, rec, row.findings, sender_org or sender)
        msg = new_message(sender, to, subject, body)
        if rec.message_id:
            msg["In-Reply-To"] = rec.message_id
            msg["References"] = rec.message_id
        task = Task(file=rec.filename, status=row.state, findings=[f.with_file(rec.filename) for f in row.findings],
                    unit=row.unit, compare=row.compare)
        attach(msg, results_bytes(BatchReport([task])), f"校验结果-{row.unit}.xlsx")
        eml = outdir / f"{safe(row.unit)}.eml"
        write_bytes_atomic(eml, msg.as_bytes())
        replies.append(Reply(row.unit, to, msg, eml))
    return replies

