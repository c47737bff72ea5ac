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
_CHAR_BITS = 21          # a code point fits in 21 bits: a pair in 42, the side in 1, the part above them


class Shared(NamedTuple):
    """One part compared: how many bigrams each text has, and how many they share."""
    this: int
    last: int
    common: int


def shared_bigrams(this: Sequence[str], last: Sequence[str]) -> list[Shared]:
    """Part i of `this` against part i of `last` (as many parts on both sides), one Shared per part.

    Every bigram becomes one integer: its two characters, its part's index above them and, in the
    lowest bit, which side it is from. Sorted, the two sides' runs of the same bigram of the same part
    lie side by side, and the smaller run is what they share."""
    if len(this) != len(last):
        raise ValueError("both sides need the same parts")
    np = _numpy()
    k = len(this)
    if k >= 1 << (63 - 2 * _CHAR_BITS - 1):
        raise ValueError("too many parts")
    texts = [*this, *last]
    codes = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype="<u4")
    part = np.repeat(np.arange(2 * k), [len(t) for t in texts])       # text index per character
    keep = _word_chars(codes)
    codes, part = codes[keep].astype(np.int64), part[keep]
    n = np.maximum(np.diff(np.searchsorted(part, np.arange(2 * k + 1))) - 1, 0)   # bigrams per text
    tag = _tags(k)
    within = part[:-1] == part[1:]          # a pair never spans two texts
    keys = ((codes[:-1] << (_CHAR_BITS + 1)) | (codes[1:] << 1) | tag[part[:-1]])[within]
    keys.sort()
    common = np.zeros(k)
    if keys.size:
        start = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
        runs, first = np.diff(start, append=keys.size), keys[start]
        paired = (first[1:] >> 1) == (first[:-1] >> 1)        # this year's run, then last year's
        common = np.bincount(first[:-1][paired] >> (2 * _CHAR_BITS + 1),
                             weights=np.minimum(runs[:-1][paired], runs[1:][paired]), minlength=k)
    return [Shared(int(x), int(y), int(c)) for x, y, c in zip(n[:k], n[k:], common)]


def reuse_ratio(a: str, b: str) -> float:
    """2 × common ÷ (bigrams₁ + bigrams₂) of two texts (see the module docstring); 0.0 for no text."""
    s = shared_bigrams([a], [b])[0]
    return 2 * s.common / (s.this + s.last) if s.this + s.last else 0.0


def prepare() -> None:
    """Load numpy and the table of word characters now (before worker processes fork, so that they
    inherit both instead of each loading them)."""
    _word_table()


def _word_chars(codes: np.ndarray) -> np.ndarray:
    """Which code points are letters or digits (str.isalnum, which is what ``\\w`` less ``_`` matches)."""
    table = _word_table()
    if not codes.size or int(codes.max()) < _BMP:
        return table[codes]
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
    return ((i % k) << (2 * _CHAR_BITS + 1)) | (i >= k)


@lru_cache(maxsize=1)
def _word_table() -> np.ndarray:
    np = _numpy()
    return np.array([chr(i).isalnum() for i in range(_BMP)], dtype=bool)


def _numpy() -> Any:
    import numpy  # only comparisons with last year's reports need it (see the module docstring)
    return numpy
