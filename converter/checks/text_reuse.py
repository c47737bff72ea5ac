"""How much of one text another repeats: the Dice coefficient over character bigrams.

Both texts lose whitespace, punctuation and underscores (what the regular expression ``[\\s\\W_]`` matches;
Chinese has no spaces between words, so characters stand in for words, and pairs of adjacent characters
keep some of the word order); then 2 × common bigrams ÷ (bigrams₁ + bigrams₂), a bigram counted as often
as it occurs in both. 1.0 is the same text, 0 no pair of characters in common.

Texts come in parts (the report's parts 一、五、六) compared part with part, and a region's worth of
reports is compared in one run of ``check --previous``, so the counting is done on arrays (numpy) and not
one Python object per pair of characters, which cost five times as much. numpy is loaded on the first
comparison: a check without last year's reports never loads it."""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple, Sequence

if TYPE_CHECKING:
    import numpy as np

_BMP = 0x10000
_MARKS = ("\ud800", "\ud801")       # between this year's texts, and before and between last year's
_MARK_CODE = 0xD800
_TAG_SHIFT = 54          # a pair of code points (21 bits each) read as one integer, shifted up one bit,
                         # ends below bit 54: the part goes above it, the side in bit 0
_MAX_PARTS = (1 << (63 - _TAG_SHIFT)) - 1


class Shared(NamedTuple):
    """One part compared: how many bigrams each text has, and how many they share."""
    this: int
    last: int
    common: int


def shared_bigrams(this: Sequence[str], last: Sequence[str]) -> list[Shared]:
    """Part i of `this` against part i of `last` (as many parts on both sides), one Shared per part.

    All texts go into one array of code points, this year's separated by one mark and last year's by
    another (two lone surrogates, which no text keeps), and lose every other character that is not a
    letter or digit. Read eight bytes at a time from every fourth, the array is every pair of
    neighbours as one integer; shifted up one bit, with its part's index in the top bits and its side
    in the lowest, sorted, the two sides' runs of the same bigram of the same part lie side by side,
    and the smaller run is what they share. A pair with a mark in it never has a twin on the other side
    (the marks differ, and the last text of a side is followed by none of its own marks)."""
    if len(this) != len(last):
        raise ValueError("both sides need the same parts")
    k = len(this)
    if k > _MAX_PARTS:                   # more than the bits above the pair can number: a batch at a time
        return shared_bigrams(this[:_MAX_PARTS], last[:_MAX_PARTS]) + shared_bigrams(this[_MAX_PARTS:],
                                                                                       last[_MAX_PARTS:])
    texts = [t.replace(_MARKS[0], "").replace(_MARKS[1], "") if _MARKS[0] in t or _MARKS[1] in t else t
             for t in (*this, *last)]
    np = _numpy()
    joined = _MARKS[0].join(texts[:k]) + _MARKS[1] + _MARKS[1].join(texts[k:])
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    kept = codes[_word_chars(codes, marks=True)]
    lengths, start = [], 0               # letters and digits per text
    for end in [*np.flatnonzero((kept | 1) == (_MARK_CODE | 1)).tolist(), kept.size]:
        lengths.append(end - start)
        start = end + 1
    n = [max(x - 1, 0) for x in lengths]
    m = kept.size - 1
    if m <= 0:
        return [Shared(n[i], n[k + i], 0) for i in range(k)]
    keys = np.ndarray((m,), dtype="<i8", buffer=kept, strides=(4,)) << 1   # (first, second) << 1
    keys |= np.repeat(_tags(k), [x + 1 for x in lengths])[:m]
    keys.sort()
    starts = np.flatnonzero(keys[1:] != keys[:-1])
    bounds = np.empty(starts.size + 2, dtype=np.intp)     # where each run of one key starts, and the end
    bounds[0], bounds[-1] = 0, m
    np.add(starts, 1, out=bounds[1:-1])
    runs = bounds[1:] - bounds[:-1]
    first = keys[bounds[:-1]]
    part = first >> _TAG_SHIFT
    first >>= 1
    paired = np.flatnonzero(first[1:] == first[:-1])          # this year's run, then last year's
    shared = np.minimum(runs[paired], runs[paired + 1])
    common = [int(shared.sum())] if k == 1 else np.bincount(part[paired], weights=shared, minlength=k).tolist()
    return [Shared(n[i], n[k + i], int(common[i])) for i in range(k)]


def reuse_ratio(a: str, b: str) -> float:
    """2 × common ÷ (bigrams₁ + bigrams₂) of two texts (see the module docstring); 0.0 for no text."""
    s = shared_bigrams([a], [b])[0]
    return 2 * s.common / (s.this + s.last) if s.this + s.last else 0.0


def prepare() -> None:
    """Load numpy and the tables of word characters now (before worker processes fork, so that they
    inherit them instead of each loading them)."""
    _marked_table()


def _word_chars(codes: np.ndarray, marks: bool = False) -> np.ndarray:
    """Which code points are letters or digits (str.isalnum, which is what ``\\w`` less ``_`` matches),
    and, given `marks`, the two marks between texts."""
    table = _marked_table() if marks else _word_table()
    if not codes.size or int(codes.max()) < _BMP:
        return table.take(codes)           # (take: a third of what indexing costs)
    np = _numpy()
    small = codes < _BMP
    keep = np.zeros(codes.size, dtype=bool)
    keep[small] = table[codes[small]]
    for i in np.flatnonzero(~small):           # beyond the BMP (rare CJK extensions, emoji): one by one
        keep[i] = chr(int(codes[i])).isalnum()
    return keep


@lru_cache(maxsize=16)
def _tags(k: int) -> np.ndarray:
    """Text i's bits of a bigram's number, for k parts a side: its part above the pair, its side below."""
    np = _numpy()
    i = np.arange(2 * k, dtype=np.int64)
    return ((i % k) << _TAG_SHIFT) | (i >= k)


@lru_cache(maxsize=1)
def _word_table() -> np.ndarray:
    np = _numpy()
    return np.frombuffer(bytes(map(str.isalnum, map(chr, range(_BMP)))), dtype=bool)


@lru_cache(maxsize=1)
def _marked_table() -> np.ndarray:
    table = _word_table().copy()
    table[_MARK_CODE:_MARK_CODE + 2] = True
    return table


def _numpy() -> Any:
    import numpy  # only comparisons with last year's reports need it (see the module docstring)
    return numpy
