"""Label normalisation and the label indexes of a format, built once per format.

:func:`norm` makes two printings of one label compare equal: full-width and half-width forms,
spaces and line breaks inside the label, quotes, 1、 versus 1. numbering. Everything that is a real
difference of wording is an alias in :mod:`aliases`."""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from converter.definition.formats.aliases import COLUMN_ALIASES, ROW_ALIASES
from converter.definition.model import Column, Format, Row, Table
from converter.definition.plan import Plan, compile

_DROP = re.compile(r"[\s\u00a0\u3000\u200b\ufeff“”\"'‘’「」『』]+")
_NUMBERING = re.compile(r"^(\d+)[、,，.．]")


@functools.lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """A label in the form labels are compared in (NFKC, no spaces/quotes, "1、" -> "1.")."""
    s = _DROP.sub("", unicodedata.normalize("NFKC", text))
    s = _NUMBERING.sub(r"\1.", s)
    return s.rstrip(":：")


_ITEM_NUMBER = re.compile(r"(\d+\.|\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、)")


def strip_number(label: str) -> str:
    """A normalised label without its leading item number ("1." / "(三)" / "三、")."""
    # a match at the start, not re.sub with "^": that tries the pattern at every position of a
    # long text (a cell holding a whole paragraph) before it gives up
    m = _ITEM_NUMBER.match(label)
    return label[m.end():] if m else label


@dataclass(frozen=True)
class Labels:
    """The lookups a format's tables are read with."""
    rows: dict[str, list[tuple[Table, Row]]]        # norm(printed row label) -> rows
    parents: dict[str, tuple[Table, tuple[Row, ...]]]   # norm(group label) -> its rows, e.g. （六）其他处理
    header_words: frozenset[str]                    # every normalised header / title / corner label
    column_names: dict[str, set[str]]               # norm(official column label) -> its printed forms
    by_leaf: dict[str, dict[str, list[Column]]]     # table key -> printed leaf form -> its columns
    all_forms: frozenset[str]                       # every printed form of every column label
    unlabelled: tuple[Table, ...] = ()              # tables of one row without a row label (表四)
    # (table key, header labels above a grid column) -> the column chosen among a leaf label's columns
    # (match._scored), remembered: every report prints the same headers over 表四's fifteen columns
    scored: dict[tuple[str, tuple[str, ...]], str | None] = field(default_factory=dict, compare=False, repr=False)


def labels_of(fmt: Format) -> Labels:
    """Every printed form of a format's labels, built once per format (kept on its plan)."""
    return compile(fmt).derived(_build_labels)


def _build_labels(plan: Plan) -> Labels:
    fmt = plan.fmt
    rows: dict[str, list[tuple[Table, Row]]] = {}
    parents: dict[str, list] = {}
    words: set[str] = {"信息内容"}
    columns: dict[str, set[str]] = {}
    for t in fmt.tables():
        for r in t.rows:
            if not r.path:
                continue
            forms = {r.label, *ROW_ALIASES.get(r.label, ())}
            for form in forms:
                key = norm(form)
                for k in (key, strip_number(key)):
                    if (t, r) not in rows.setdefault(k, []):
                        rows[k].append((t, r))
            for level in range(1, len(r.path) - 1):
                parent = norm(r.path[level])
                entry = parents.setdefault(parent, [t, []])
                entry[1].append(r)
        for c in t.columns:
            for label in c.path:
                forms = {label, *COLUMN_ALIASES.get(label, ())}
                columns.setdefault(norm(label), set()).update(norm(f) for f in forms)
                words.update(norm(f) for f in forms)
        if t.title:
            words.add(norm(t.title))
        if t.corner:
            words.add(norm(t.corner))
    by_leaf: dict[str, dict[str, list[Column]]] = {}
    for t in fmt.tables():
        for c in t.columns:
            for form in columns[norm(c.label)]:
                by_leaf.setdefault(t.key, {}).setdefault(form, []).append(c)
    return Labels(rows=rows, parents={k: (v[0], tuple(v[1])) for k, v in parents.items()},
                  header_words=frozenset(words), column_names=columns, by_leaf=by_leaf,
                  all_forms=frozenset().union(*columns.values()),
                  unlabelled=tuple(t for t in fmt.tables() if len(t.rows) == 1 and not t.rows[0].path))
