"""The words of a summary, shared by the workbook, the Word report and the web page: its title, the
scope line (who is counted, who is missing, who is left out and why) and a short generated account
of the region's figures (applications received and how they were handled, reviews and suits).
Every label comes from the format data."""
from __future__ import annotations

import re

from converter.definition.plan import Plan
from converter.summary.aggregate import LevelSums
from converter.summary.collect import Summary

TITLE = "{title}{year}年政府信息公开工作年度报告汇总数据"
MAX_NAMES = 30        # a scope line names at most this many units of a kind, then 「等」
_ENUM = re.compile(r"^[（(][一二三四五六七八九十]+[）)]|^[一二三四五六七八九十]+、|^\d+\.")
_NOTE = re.compile(r"[（(][^（）()]*[）)]$")


def title(s: Summary) -> str:
    """「<title><year>年政府信息公开工作年度报告汇总数据」."""
    return TITLE.format(title=s.title, year=s.year if s.year else "")


def title_lines(s: Summary) -> str:
    """The title as printed: one too long for a line (20 characters of the 22-point title) is broken
    after 「…年」, never inside a word."""
    t = title(s)
    cut = t.find("年", len(s.title)) + 1
    return t if len(t) <= 20 or not 0 < cut < len(t) else t[:cut] + "\n" + t[cut:]


def names(units: list[str]) -> str:
    """Names joined with 、, at most MAX_NAMES of them."""
    shown = "、".join(units[:MAX_NAMES])
    return shown + (f"等 {len(units)} 个" if len(units) > MAX_NAMES else "")


def scope_lines(s: Summary) -> list[str]:
    """Who the tables add up and who they leave out, one sentence each."""
    missing, rejected, unread = s.left_out
    first = f"本表汇总 {s.region.units} 个单位"
    if s.on_roster:
        first += f"，未报送 {len(missing)} 个：{names(missing)}" if missing else "，名单内单位均已报送"
    lines = [first + "。"]
    if rejected:
        lines.append(f"有错误的报表未计入 {len(rejected)} 个：{names(rejected)}（改正后重新汇总，或加 --include-invalid 一并计入）。")
    if s.include_invalid:
        lines.append("按要求，有错误的报表也已计入汇总。")
    if unread:
        lines.append(f"无法读取、未计入 {len(unread)} 个：{names(unread)}。")
    if len(s.levels) > 1:
        lines.append("名单设有上级单位：汇总表只计第一级单位（上级单位的报表应已包含其下级单位），各级单位之和分列于后。")
    plans = s.plans()
    if len(plans) > 1:
        counts = "，".join(f"{p.fmt.name} {s.region.by_format[p.id].units} 个" for p in plans if p.id in s.region.by_format)
        lines.append(f"报表格式不一（{counts}）：表格按 {s.primary.fmt.name}排列，两种格式共有的项目合并汇总；"
                     f"浅黄底的项目其他格式没有，仅为 {s.primary.fmt.name}单位之和；其他格式独有的项目单列于后。")
    return lines


def short_label(label: str) -> str:
    """A row label without its numbering and trailing note: 「（二）部分公开（区分处理的…）」 -> 部分公开."""
    label = _ENUM.sub("", label)
    return _NOTE.sub("", label) or label


def account(s: Summary) -> list[str]:
    """The generated account of the region's figures, a paragraph each: units, applications, reviews."""
    lv, plan = s.region, s.primary
    h = plan.fmt.highlights
    out = [f"本汇总共汇总 {lv.units} 个单位的政府信息公开工作年度报告数据。"]
    if h is None or not lv.units:
        return out
    total, main = h.total, h.table

    def v(row: str, col: str = total, t: str = main) -> str:
        return _num(lv.cell(plan, ("tables", t, row, col)))
    handled = "，".join(f"{label} {_num(n)} 件" for label, n in results_by_kind(s))
    out.append(h.account.format(received=v(h.received), carried=v(h.carried), handled=handled,
                                carryover=v(h.carryover)))
    review = plan.fmt.table(h.review_table)
    parts = []
    for total, corrected in zip(h.review_totals, h.review_corrected):
        head = "·".join(review.column(total).path[:-1])
        parts.append(f"{head} {v(h.review_row, total, h.review_table)} 件"
                     f"（其中{review.column(corrected).label} {v(h.review_row, corrected, h.review_table)} 件）")
    out.append("因政府信息公开引起的" + "，".join(parts) + "。")
    return out


def result_groups(plan: Plan) -> list[tuple[str, list[str]]]:
    """The results rows grouped as the form groups them (（三）不予公开 1–8 as one), with a short label each."""
    h = plan.fmt.highlights
    assert h is not None
    table = plan.fmt.table(h.table)
    groups: list[tuple[str, list[str]]] = []
    for key in h.results:
        row = table.row(key)
        label = short_label(row.path[1] if len(row.path) > 1 else row.label)
        if groups and groups[-1][0] == label:
            groups[-1][1].append(key)
        else:
            groups.append((label, [key]))
    return groups


def results_by_kind(s: Summary) -> list[tuple[str, float | int]]:
    """The region's results by kind (（三）不予公开 1–8 as one), over every format: a kind is matched
    across formats by its label, so 2019's undivided （六）其他处理 adds to 2021's （六）1–3."""
    out: dict[str, float | int] = {}
    for plan in s.plans():
        sums = s.region.by_format.get(plan.id)
        h = plan.fmt.highlights
        if sums is None or h is None:
            continue
        for label, rows in result_groups(plan):
            got = [sums.get(("tables", h.table, r, h.total)) for r in rows]
            out[label] = out.get(label, 0) + sum(v for v in got if v is not None)
    return [(k, _tidy(v)) for k, v in out.items()]


def _tidy(v: float | int) -> float | int:
    return int(v) if isinstance(v, float) and v.is_integer() else v


def level_line(lv: LevelSums) -> str:
    """The heading of one level's block."""
    return f"第 {lv.level} 级单位之和（{lv.units} 个单位）"


def _num(v: float | int) -> str:
    if isinstance(v, float):
        return f"{v:.6f}".rstrip("0").rstrip(".")
    return str(v)
