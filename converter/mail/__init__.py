"""Distribution and collection by email, on top of the core pipeline.

    roster.read_roster(path)            名单.xlsx/.csv -> Roster (units, emails, contacts)
    distribute.distribute(...)          one pre-filled workbook + one cover email per unit (.eml or SMTP)
    sources.*                           raw messages from IMAP (read-only), mbox, Maildir or .eml files
    attachments.workbooks_in(message)   every .xlsx in a message: zips, forwarded messages, any filename encoding
    collect.collect(...)                messages -> 收件箱/ (every version kept, newest counts) + 收件记录
    status.status(...)                  roster × 收件记录 -> who is missing, who passed, who has errors
    feedback.feedback(...)              one threaded reply per unit whose newest workbook has errors
    smtp.SmtpConfig / send_all          sending, resumable, password never on the command line
"""
