"""Published reports (issue 10): Word files, web pages and PDFs read into the same report data as a
workbook, by their labels, with findings for whatever cannot be read ("never a guess").

Public entry points: :func:`read_published` (a file -> :class:`converter.reader.ReadResult`) and
:func:`sniff_kind` (what a file is, from its bytes)."""
from __future__ import annotations

from .read import read_published, sniff_kind

__all__ = ["read_published", "sniff_kind"]
