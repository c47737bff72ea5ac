"""报送情况.html: one page for the coordinator — every roster unit with its state (未报送 / 有错误 /
通过 …), its findings, and links to its newest workbook and to the reports built from it. Opens from
disk in any browser: no scripts, no external resources, links relative to the page."""
from __future__ import annotations

import os
from html import escape
from pathlib import Path
from urllib.parse import quote

from converter.batch.outputs import output_name
from converter.batch.status import Status
from converter.checks.findings import SEVERITY_ZH
from converter.mail.status import StatusRow, summary

PAGE_NAME = "报送情况.html"
REPORT_KINDS = ((".docx", "Word"), (".pdf", "PDF"), (".html", "网页"))

_CSS = """
body { font-family: "宋体", "SimSun", "Noto Serif CJK SC", serif; margin: 2em auto; max-width: 72em; padding: 0 1em; }
h1 { font-size: 18pt; text-align: center; font-weight: normal; }
table { border-collapse: collapse; width: 100%; font-size: 10.5pt; }
th, td { border: 1px solid #888; padding: 3pt 6pt; text-align: left; vertical-align: top; }
thead th { background: #e8eef7; position: sticky; top: 0; }
.missing { background: #fff3c4; } .bad { background: #ffd9dd; } .good { background: #d9f2dc; }
ul { margin: 0; padding-left: 1.2em; } li.error { color: #a00000; } li.warning { color: #6a5000; }
details summary { cursor: pointer; } .count { text-align: right; }
tbody th, tbody td:nth-child(3), tbody td:nth-child(5) { white-space: nowrap; }
p.counts span { margin-right: 1.5em; }
"""


def _href(target: Path, page_dir: Path) -> str:
    rel = os.path.relpath(target, page_dir).replace(os.sep, "/")
    return escape(quote(rel, safe="/"))


def _css_class(state: Status) -> str:
    return "good" if state.ok else "missing" if state is Status.MISSING else "bad"


def status_html(rows: list[StatusRow], inbox: str | os.PathLike[str], page: str | os.PathLike[str],
                reports: str | os.PathLike[str] | None = None, title: str = "年报报送情况") -> str:
    """The page for `rows` (from :func:`converter.mail.status.status`), to be written at `page`;
    workbooks are linked in `inbox`, and reports in `reports` (a `build` output folder) when given."""
    page_dir = Path(page).resolve().parent
    inbox_dir = Path(inbox).resolve()
    out_dir = Path(reports).resolve() if reports else None
    counts = summary(rows)
    body = [f"<h1>{escape(title)}</h1>",
            f"<p class=\"counts\">名单共 {sum(r.on_roster for r in rows)} 个单位："
            + "".join(f"<span>{escape(k)} {v}</span>" for k, v in counts.items()) + "</p>",
            "<table><thead><tr><th scope=\"col\">序号</th><th scope=\"col\">单位</th><th scope=\"col\">状态</th>"
            "<th scope=\"col\">报送次数</th><th scope=\"col\">最近报送</th><th scope=\"col\">问题</th>"
            "<th scope=\"col\">工作簿</th><th scope=\"col\">年报</th></tr></thead><tbody>"]
    for i, r in enumerate(rows, 1):
        note = "" if r.on_roster else "（不在名单中）"
        items = "".join(f"<li class=\"{f.severity}\">{escape(SEVERITY_ZH.get(f.severity, ''))}："
                        f"{escape(f.location + ' ' if f.location else '')}{escape(f.message)}</li>" for f in r.findings)
        if r.findings:
            found = (f"<details{' open' if r.errors else ''}><summary>错误 {r.errors}，提示 {r.warnings}</summary>"
                     f"<ul>{items}</ul></details>")
        else:
            found = "—" if r.state is Status.MISSING else "无"
        workbook = "—"
        if r.record is not None:
            stored = inbox_dir / r.record.stored
            workbook = f"<a href=\"{_href(stored, page_dir)}\">{escape(r.record.filename or stored.name)}</a>"
        links = []
        if out_dir is not None and r.state.ok and r.year:
            base = output_name(r.unit, r.year, r.format_id)
            for suffix, label in REPORT_KINDS:
                target = out_dir / (base + suffix)
                if target.exists():
                    links.append(f"<a href=\"{_href(target, page_dir)}\">{label}</a>")
        body.append(f"<tr class=\"{_css_class(r.state)}\"><td class=\"count\">{i}</td>"
                    f"<th scope=\"row\">{escape(r.unit)}{escape(note)}</th><td>{escape(r.state.label)}</td>"
                    f"<td class=\"count\">{r.versions}</td><td>{escape(r.last_date)}</td><td>{found}</td>"
                    f"<td>{workbook}</td><td>{' '.join(links) or '—'}</td></tr>")
    body.append("</tbody></table>")
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
            + "\n".join(body) + "\n</main>\n</body>\n</html>\n")
