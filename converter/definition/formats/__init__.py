"""The registry of national formats, one data module each. A new format version is a new module here
and one line in ``_BUILT_IN``; nothing outside ``converter/definition`` names a format.

The current format (the default) is the one no other supersedes; display names, accepted template
versions, which format supersedes which and the rows that carry over come from each format's data."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from converter.definition.formats import f2019, f2021
from converter.definition.model import Format
from converter.errors import NianbaoError

_BUILT_IN = (f2021.FORMAT, f2019.FORMAT)
FORMATS: dict[str, Format] = {f.id: f for f in _BUILT_IN}


class UnknownFormat(NianbaoError, KeyError):
    """A format id that is not registered."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def ids() -> list[str]:
    """The registered format ids, the current one first."""
    return list(FORMATS)


def default() -> Format:
    """The current format: the first registered one that no newer format supersedes."""
    return next(f for f in FORMATS.values() if f.superseded_by is None)


def get(format_id: str) -> Format:
    """The format with this id; UnknownFormat (a KeyError) with a Chinese message if there is none."""
    try:
        return FORMATS[str(format_id)]
    except KeyError:
        raise UnknownFormat(f"未知的报告格式“{format_id}”，可选：{'、'.join(FORMATS)}") from None


def describe_choices() -> str:
    """One line for help texts: each format id with its name and notice, the default marked."""
    current = default().id
    return "；".join(f"{f.id}（{f.name}，{f.document}{'，默认' if f.id == current else ''}）"
                    for f in FORMATS.values())


@contextmanager
def registered(fmt: Format) -> Iterator[Format]:
    """Register a format for the duration of a block (a test's throwaway format, a plug-in)."""
    if fmt.id in FORMATS:
        raise ValueError(f"format {fmt.id} is already registered")
    FORMATS[fmt.id] = fmt
    try:
        yield fmt
    finally:
        del FORMATS[fmt.id]
