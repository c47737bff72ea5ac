"""Running text -> the narrative fields: the title (unit and year), the preface, the six parts found
by their headings, the sub-heads of parts 一 and 五 into their fields, and the 信息处理费 stated in
part 六. A part that is not found, or two parts under one heading, is a finding, not a guess."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from converter.checks.findings import Finding, make
from converter.definition.formats.aliases import PART_ALIASES, PART_WORDS, SUBHEAD_WORDS
from converter.definition.model import Format

from .document import Paragraph, new_paragraph
from .labels import norm
from .words import FEE_NONE, PAGE_FOOTER

PARTS = ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况", "政府信息公开行政复议、行政诉讼情况",
         "存在的主要问题及改进情况", "其他需要报告的事项")
NUMERALS = "一二三四五六"
_SECTION_OF_PART = {1: "overview", 5: "problems", 6: "other"}
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d+\s*(页)?[-—–\s]*$|^第\d+页,?共\d+页$")
_TITLE = re.compile(r"^(?P<unit>.*?)(?:关于)?(?P<year>(?:19|20)\d{2})年度?"
                    r"(?:政府信息公开|政务公开|信息公开|政府信息)[^。，,]{0,10}?(?:年度报告|年报|工作报告|报告)")
_WEBSITE = re.compile(r"本报告(?:电子版)?可在(.{2,80}?)(?:查阅|下载|查询)")
_SUBHEAD = re.compile(r"^\(([一二三四五六七八九十])\)")
_FEE_NONE = re.compile("|".join(map(re.escape, FEE_NONE)))
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(万元|元)")
_SPACES = re.compile(r"[ \t\r\u00a0\u3000]+")
_PART_HEADING = re.compile(rf"^(?:第([{NUMERALS}])部分[、.:]?|([{NUMERALS}])[、.])")
_PART_FIRST = frozenset("第" + NUMERALS)       # the first character of every match of _PART_HEADING


@dataclass
class Narrative:
    """The narrative fields read from a report's text, with findings and the fields they are about."""
    fields: dict = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    reported: set = field(default_factory=set)        # field keys with a finding of their own
    title: str = ""


def clean_paragraphs(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """The paragraphs that are the report's text: page chrome, footers and empty lines dropped."""
    out = []
    for p in paragraphs:
        text = p.text
        # a text with no run of those characters to make one space (most lines) is left as it is:
        # five searches for one character or pair are quicker than the pattern's scan
        if "  " in text or "\t" in text or "\r" in text or "\u00a0" in text or "\u3000" in text:
            text = _SPACES.sub(" ", text)
        text = text.strip()
        if text and not _PAGE_NUMBER.match(text):
            out.append(p if text == p.text else new_paragraph(text, p.page))
    return out


def part_of(text: str) -> tuple[int, str] | None:
    """(part number 1–6, what follows the heading in the same paragraph) when `text` starts with a
    part heading: 「一、总体情况」, 「第一部分 总体情况」, 「（一）总体情况」 is not one."""
    n = norm(text)
    if not n or n[0] not in _PART_FIRST:
        return None
    m = _PART_HEADING.match(n)
    if not m:
        return None
    numeral = m.group(1) or m.group(2)
    rest = n[m.end():]
    k = NUMERALS.index(numeral) + 1
    for name in (PARTS[k - 1], *PART_ALIASES.get(PARTS[k - 1], ())):
        key = norm(name)
        if rest.startswith(key):
            return k, _after(text, len(key), m.end())
    # a heading worded otherwise (「五、存在的主要问题及整改措施」): short, with the part's key word
    if len(rest) <= 30 and "。" not in rest and any(w in rest for w in PART_WORDS[k - 1]):
        return k, ""
    return None


def _after(text: str, name_len: int, prefix_len: int) -> str:
    """The original text after a heading of `prefix_len + name_len` normalised characters."""
    want, seen = prefix_len + name_len, 0
    for i, ch in enumerate(text):
        if seen >= want:
            return text[i:].lstrip("。.：: \u3000")
        n = norm(ch)
        if n:
            seen += len(n)
    return ""


def _merged_with(text: str, k: int) -> int | None:
    n = norm(text)
    if len(n) > 60:
        return None
    for j, name in enumerate(PARTS, 1):
        if j != k and norm(name) in n:
            return j
    return None


def read_title(paragraphs: list[Paragraph], stop: int, doc_title: str) -> tuple[str, int | None, str, int]:
    """(unit, year, title as printed, index of the title's last paragraph or -1) from the first
    paragraphs before part 一, else from the document's own title."""
    for i in range(min(stop, len(paragraphs))):
        text = paragraphs[i].text
        if len(text) > 80:
            continue
        n = norm(text)
        m = _TITLE.search(n) if "年" in n else None      # no search where the 年 it needs is not
        if not m and i > 0 and len(paragraphs[i - 1].text) <= 40:
            # a title printed on two lines, broken after 「…年」: 「南岭镇人民政府2024年」「政府信息公开工作年度报告」
            text = paragraphs[i - 1].text + text
            n = norm(text)
            m = _TITLE.search(n) if "年" in n else None
        if not m:
            continue
        unit = m.group("unit")
        title = text
        if not unit and i > 0 and len(norm(paragraphs[i - 1].text)) <= 40:
            unit = norm(paragraphs[i - 1].text)
            title = paragraphs[i - 1].text + text
        if unit:
            return _unit(unit), int(m.group("year")), title, i
    for part in re.split(r"[_|｜\-—]+", doc_title):
        m = _TITLE.search(norm(part))
        if m and m.group("unit"):
            return _unit(m.group("unit")), int(m.group("year")), part.strip(), -1
    return "", None, "", -1


def _unit(text: str) -> str:
    # a breadcrumb or label before the title (「首页>年报>…」, 「标题：…」) is not the unit
    text = re.split(r"[>›»|｜]", text)[-1]
    return re.sub(r"^(标题|名称|题目|文件名称|信息名称|主题)[:：]", "", re.sub(r"^(关于|公布)", "", text)).rstrip("的")


def read_narrative(paragraphs: list[Paragraph], fmt: Format, doc_title: str) -> Narrative:
    """The narrative fields of the report data, with findings for what could not be read."""
    out = Narrative()
    paras = clean_paragraphs(paragraphs)
    heads: dict[int, int] = {}        # part number -> paragraph index of its heading
    first_text: dict[int, str] = {}
    last = 0
    for i, p in enumerate(paras):
        hit = part_of(p.text)
        if hit and hit[0] > last:
            k, rest = hit
            heads[k] = i
            first_text[k] = rest
            last = k
            other = _merged_with(p.text, k)
            if other and other > k:
                first_text[k] = ""
                out.findings.append(make("PUB_PARTS_MERGED", what=NUMERALS[k - 1], actual=NUMERALS[other - 1],
                                         detail=p.text[:60]))
                heads[other] = i
                first_text[other] = ""
                last = other
    stop = heads.get(1, min(heads.values()) if heads else len(paras))
    unit, year, title, title_at = read_title(paras, stop, doc_title)
    out.title = title
    f = out.fields
    f["unit"], f["year"] = unit or None, year
    if not unit or year is None:
        missing = "、".join(w for w, ok in (("单位名称", bool(unit)), ("报告年度", year is not None)) if not ok)
        out.findings.append(make("PUB_TITLE_UNREADABLE", what=missing,
                                 detail="（标题应如“××县人民政府2024年政府信息公开工作年度报告”）"))
        out.reported.update(k for k, ok in (("unit", bool(unit)), ("year", year is not None)) if not ok)
    f["website"] = f["contact"] = f["phone"] = ""
    f["preface"] = _preface(paras[title_at + 1:stop]) if heads else ""
    where = _WEBSITE.search(f["preface"])
    if where:
        f["website"] = where.group(1)
    for k, name in enumerate(PARTS, 1):
        if k not in heads:
            out.findings.append(make("PUB_PART_MISSING", what=NUMERALS[k - 1], expected=f"{NUMERALS[k - 1]}、{name}"))
    order = sorted(heads.items(), key=lambda kv: kv[1])
    bodies: dict[int, list[str]] = {}
    for idx, (k, start) in enumerate(order):
        end = order[idx + 1][1] if idx + 1 < len(order) else len(paras)
        lines = ([first_text[k]] if first_text.get(k) else []) + [p.text for p in paras[start + 1:end]]
        if idx + 1 == len(order):
            lines = _until_footer(lines)
        bodies[k] = lines
    _overview(bodies.get(1), f)
    _problems(bodies.get(5), f)
    part_six = bodies.get(6)
    f["othertext"] = "\n".join(part_six or [])
    fee = read_fee(part_six or [])
    if fee is None and part_six is None:
        fee = read_fee([p.text for p in paras])
    f["fee"] = fee
    if fee is None:
        out.findings.append(make("PUB_FEE_NOT_STATED"))
        out.reported.add("fee")
    return out


def _preface(paras: list[Paragraph]) -> str:
    """The prose just before part 一: a web page puts its source, date and share buttons above it."""
    out: list[str] = []
    for p in reversed(paras):
        if len(p.text) < 15 or not re.search(r"[，。；,;]", p.text):
            break
        out.append(p.text)
    return "\n".join(reversed(out))


def _until_footer(lines: list[str]) -> list[str]:
    for i, line in enumerate(lines):
        if any(w in line for w in PAGE_FOOTER):
            return lines[:i]
    return lines


def _subhead(text: str, keys: tuple[str, ...]) -> str | None:
    n = norm(text)
    if not _SUBHEAD.match(n):
        return None
    head = n[:24]
    for key in keys:
        if any(w in head for w in SUBHEAD_WORDS[key]):
            return key
    return None


def _is_bare_heading(text: str) -> bool:
    n = norm(text)
    return len(n) <= 24 and "。" not in n.rstrip("。")


def _split(lines: list[str] | None, keys: tuple[str, ...], lead: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {k: [] for k in (lead, *keys)}
    current = lead
    taken: set[str] = set()
    for line in lines or []:
        key = _subhead(line, tuple(k for k in keys if k not in taken))
        if key:
            current = key
            taken.add(key)
            if _is_bare_heading(line):
                continue
        out[current].append(line)
    return out


def _overview(lines: list[str] | None, f: dict) -> None:
    keys = ("active", "onrequest", "management", "platform", "supervision")
    parts = _split(lines, keys, "summary")
    for k, v in parts.items():
        f[k] = "\n".join(v)


def _problems(lines: list[str] | None, f: dict) -> None:
    parts = _split(lines, ("problems", "improvements"), "_lead")
    problems = parts["_lead"] + parts["problems"]
    f["problems"] = _items(problems)
    f["improvements"] = _items(parts["improvements"])


def _items(lines: list[str], limit: int = 10) -> list[str]:
    lines = [x for x in lines if x]
    if len(lines) > limit:
        lines = lines[:limit - 1] + ["\n".join(lines[limit - 1:])]
    return lines


def read_fee(lines: list[str]) -> Any:
    """信息处理费 in 元 from the sentences that mention it: 0 for 「未收取」, else the amount stated;
    None when no sentence states it."""
    for line in lines:
        for sentence in re.split(r"[。；;!！]", line):
            if "处理费" not in sentence and not ("收费" in sentence and "信息公开" in sentence):
                continue
            s = re.sub(r"[\s,，]", "", sentence)
            if _FEE_NONE.search(s):
                return 0
            m = _AMOUNT.search(s[s.find("费"):])
            if m:
                value = float(m.group(1)) * (10000 if m.group(2) == "万元" else 1)
                return int(value) if value.is_integer() else round(value, 2)
    return None
