"""Level 4: rules within one report that the tables alone cannot carry: figures the narrative quotes
against the tables, the fee in part 六 against the fee field, 万元 amounts that look like 元, 现行有效件数
below 制发 − 废止, another year named as the year of the work, a perfunctory part 五, and a published
report's 发布日期 after the deadline. All warnings. The phrases about the forms' labels come from the
format data (``fmt.text_checks``); the plain-language vocabulary is here."""
from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache
from typing import Any, Iterable, Iterator

from converter.checks.context import Context
from converter.checks.findings import Finding, make
from converter.definition.model import DataPath, Format, QuotedFigure, value_at
from converter.definition.values import plain_number, report_year, sum_at

_SENTENCE_END = "。；;！!？?\n"
# 「2023年，我单位…」: a year, then the unit speaking of its own work
_WORK_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(?:度)?\s*[，,]?\s*(?:以来)?\s*[，,]?\s*"
                        r"(?:我|本)(?:单位|局|委|办|厅|署|院|镇|乡|街道|区|县|市|州|盟|旗|机关|部门|中心|政府|公司)")
# (一) the words of a plain 「无」
_NOTHING = {"无", "暂无", "没有", "无问题", "无其他需要报告的事项", "不涉及"}
_PUNCT = re.compile(r"[\s\W_]+")
# a sentence per heading of part 五 is at least this many characters
MIN_SENTENCE = 15
# 万元 amounts at least this large and this round look like 元 (whole, three trailing zeros)
YUAN_LOOKING = 10_000
# the deadlines (month, day) of the year after the report year: 部门 and 县级以上人民政府
DEADLINE_DEPARTMENT = (1, 31)
DEADLINE_GOVERNMENT = (3, 31)
# a unit name that ends so is a 人民政府 (its deadline is 3月31日); other units are departments
_GOVERNMENT = re.compile(r"(?:人民政府|政府|管委会|管理委员会|实验区|新区|开发区)$")


def _texts(data: dict[str, Any], fmt: Format) -> Iterator[tuple[str, str]]:
    """(field key, text) of every narrative field, a list field's items each on their own."""
    fields = data.get("fields", {})
    for _, f in fmt.fields():
        if not f.in_report:
            continue
        v = fields.get(f.key)
        for t in v if isinstance(v, list) else [v]:
            if isinstance(t, str) and t:
                yield f.key, t


def sentence_at(text: str, start: int, end: int) -> str:
    """The sentence of `text` around [start, end), trimmed to at most 80 characters."""
    a = max((text.rfind(c, 0, start) for c in _SENTENCE_END), default=-1) + 1
    ends = [i for i in (text.find(c, end) for c in _SENTENCE_END) if i >= 0]
    b = min(ends) + 1 if ends else len(text)
    s = text[a:b].strip()
    return s if len(s) <= 80 else s[:77] + "…"


@lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _cell_name(fmt: Format, cells: tuple[DataPath, ...]) -> str:
    return "＋".join(f"{fmt.table(p[1]).short}{fmt.describe(p)}" for p in cells)


_DIGIT = re.compile(r"[0-9０-９]")


def check_quoted_figures(data: dict[str, Any], ctx: Context) -> Iterable[Finding]:
    """A warning for each figure quoted in the narrative (本年新收…申请 N 件, 予以公开 N 件, …) that the
    tables contradict; a figure whose cells are blank, or a sentence with nothing countable, is left alone."""
    fmt = ctx.plan.fmt
    for key, text in _texts(data, fmt):
        if _DIGIT.search(text) is None:
            continue             # every quoted figure has digits: most texts are skipped at C speed
        for fig in fmt.text_checks.figures:
            for m in _compiled(fig.pattern).finditer(text):
                quoted = int(m.group(1).replace(",", ""))
                sums = [sum_at(data, c) for c in (fig.cells, *fig.alternatives)]
                if any(s is None for s in sums) or quoted in sums:
                    continue
                yield _figure_finding(fmt, fig, key, quoted, sums[0], sentence_at(text, m.start(), m.end()), ctx)


def _figure_finding(fmt: Format, fig: QuotedFigure, key: str, quoted: int, table: float | None, sentence: str,
                    ctx: Context) -> Finding:
    where = ctx.locate(fig.cells[0])
    return make("TEXT_FIGURE_MISMATCH", what=f"「{fmt.field(key).label}」", sentence=sentence, figure=fig.what,
                cell=where["cell"], sheet=where["sheet"], table=_cell_name(fmt, fig.cells),
                expected=_int(table), actual=quoted)


def _int(v: float | None) -> Any:
    return int(v) if v is not None and v == int(v) else v


def check_fee_text(data: dict[str, Any], ctx: Context) -> Iterable[Finding]:
    """Part 六 against the fee: a fee (or applications dropped for an unpaid fee) while the text says
    none was charged; or a fee sentence whose amount differs from the fee field."""
    tc = ctx.plan.fmt.text_checks
    if not tc.fee_field or not tc.fee_section:
        return
    fields = data.get("fields", {})
    text = fields.get(tc.fee_section)
    if not isinstance(text, str) or not text:
        return
    fee = plain_number(fields.get(tc.fee_field))
    unpaid = sum_at(data, (tc.unpaid_row,)) if tc.unpaid_row else None
    none = next((m for p in tc.no_fee for m in [_compiled(p).search(text)] if m), None)
    where = ctx.locate(("fields", tc.fee_field))
    if none is not None:
        said = sentence_at(text, none.start(), none.end())
        if fee:
            yield make("FEE_TEXT_MISMATCH", sentence=said, expected=0, actual=_int(fee),
                       detail=f"信息处理费填写为 {_int(fee)} 元", **where)
        if unpaid:
            assert tc.unpaid_row is not None
            w = ctx.locate(tc.unpaid_row)
            yield make("FEE_TEXT_MISMATCH", sentence=said, expected=0, actual=_int(unpaid),
                       detail=f"表三{ctx.plan.fmt.describe(tc.unpaid_row)}为 {_int(unpaid)}", **w)
        return
    if fee is None or not tc.fee_amount:
        return
    for m in _compiled(tc.fee_amount).finditer(text):
        amount = float(m.group(1).replace(",", ""))
        if amount != fee:
            yield make("FEE_TEXT_MISMATCH", sentence=sentence_at(text, m.start(), m.end()), expected=_int(fee),
                       actual=_int(amount), detail=f"信息处理费填写为 {_int(fee)} 元", **where)
            return


def check_fee_unit(data: dict[str, Any], ctx: Context) -> Iterable[Finding]:
    """A 万元 amount that looks like 元: whole, at least YUAN_LOOKING and ending in 000."""
    path = ctx.plan.fmt.text_checks.fees_wan
    if path is None:
        return
    try:
        v = plain_number(value_at(data, path))
    except (KeyError, TypeError):
        return
    if v is not None and v >= YUAN_LOOKING and v == int(v) and int(v) % 1000 == 0:
        yield make("FEE_UNIT_SUSPECT", what=ctx.plan.fmt.describe(path), actual=_int(v),
                   detail=f"约合 {v / 10000:g} 亿元", **ctx.locate(path))


def check_documents_in_force(data: dict[str, Any], ctx: Context) -> Iterable[Finding]:
    """现行有效件数 below 本年制发件数 − 本年废止件数: impossible for one unit's own documents."""
    fmt = ctx.plan.fmt
    for issued, repealed, inforce in fmt.text_checks.documents:
        i, r, n = (sum_at(data, (p,)) for p in (issued, repealed, inforce))
        if i is None or r is None or n is None or n >= i - r:
            continue
        yield make("DOCS_IN_FORCE_LOW", what=fmt.describe(inforce), expected=f"≥ {_int(i - r)}", actual=_int(n),
                   issued=_int(i), repealed=_int(r), **ctx.locate(inforce))


def check_other_year(data: dict[str, Any], ctx: Context) -> Iterable[Finding]:
    """The narrative naming an earlier year as the year of its work (「2023年，我单位…」 in a 2024 report)."""
    year = report_year(data)
    if year is None:
        return
    fmt = ctx.plan.fmt
    for key, text in _texts(data, fmt):
        for m in _WORK_YEAR.finditer(text):
            named = int(m.group(1))
            if named < year:
                yield make("TEXT_OTHER_YEAR", what=f"「{fmt.field(key).label}」", actual=named, expected=year,
                           sentence=sentence_at(text, m.start(), m.end()), **ctx.locate(("fields", key)))
                break


def check_problems_perfunctory(data: dict[str, Any], ctx: Context) -> Iterable[Finding]:
    """Part 五 perfunctory: empty altogether, 「无」, or a heading whose text is shorter than a sentence
    (a heading left empty while the other has text is TEXT_EMPTY's to say)."""
    fmt = ctx.plan.fmt
    keys = fmt.text_checks.problems
    if not keys:
        return
    fields = data.get("fields", {})
    plain: list[str] = []
    for k in keys:
        v = fields.get(k)
        plain.append(_PUNCT.sub("", "".join(t for t in (v if isinstance(v, list) else [v]) if isinstance(t, str))))
    said = [p for p in plain if p]
    short = next((p for p in said if p in _NOTHING or len(p) < MIN_SENTENCE), None)
    if not said or short is not None:
        section = next(s for s, f in fmt.fields() if f.key == keys[0])
        yield make("PROBLEMS_PERFUNCTORY", what=f"「{section.title}」", actual=short or "（空白）",
                   expected=f"每个小标题至少 {MIN_SENTENCE} 字", **ctx.locate(("fields", keys[0])))


def deadline(year: int, unit: str, kind: str = "") -> tuple[_dt.date, str]:
    """The publication deadline of a report year and who it applies to: 3月31日 for a 县级以上人民政府,
    1月31日 for a 部门; the roster's unit type (`kind`) decides, else the unit name."""
    if kind:
        government = "政府" in kind and "部门" not in kind      # 县级以上人民政府 / 政府部门
    else:
        government = bool(_GOVERNMENT.search(re.sub(r"\s+", "", unit)))
    month, day = DEADLINE_GOVERNMENT if government else DEADLINE_DEPARTMENT
    return _dt.date(year + 1, month, day), "县级以上人民政府" if government else "政府部门"


def check_published_late(data: dict[str, Any], ctx: Context) -> Iterable[Finding]:
    """A published report's 发布日期 (where the page shows one) after its deadline."""
    fields = data.get("fields", {})
    late = published_late(fields.get("unit"), fields.get("year"), ctx.published, ctx.unit_kind)
    if late is not None:
        yield late


def published_late(unit: Any, year: Any, published: str, kind: str = "") -> Finding | None:
    """The PUBLISHED_LATE finding of a report of `unit` and `year` published on `published` (ISO), or
    None when it was in time or anything is unknown."""
    if not published or not isinstance(year, int) or isinstance(year, bool) or not isinstance(unit, str):
        return None
    try:
        day = _dt.date.fromisoformat(published[:10])
    except ValueError:
        return None
    due, who = deadline(year, unit, kind)
    if day <= due:
        return None
    return make("PUBLISHED_LATE", actual=day.isoformat(), expected=due.isoformat(), who=who, days=(day - due).days)
