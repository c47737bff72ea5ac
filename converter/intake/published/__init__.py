"""Published reports (issue 10): Word files, web pages and PDFs read into the same report data as a
workbook, by their labels, with findings for whatever cannot be read ("never a guess").

Public entry points: :func:`read_published` (a file -> :class:`converter.reader.ReadResult`) and
:func:`sniff_kind` (what a file is, from its bytes); :mod:`.fetch` fetches reports by URL.

Modules, in the order the work flows: ``read`` (sniff, parse, pick the format, build the data),
``docx`` / ``html`` / ``pdfium`` (fast) and ``pdf`` (pdfplumber, the reference) -> ``document``
(the neutral model), ``match`` (tables by labels) with ``labels`` and ``aliases`` (the data of
alternative wordings), ``narrative`` (title, parts, sub-heads, fee), ``fetch``; zip parts are read under the caps of
converter/intake/safe_zip.py."""
from __future__ import annotations

from .read import read_published, sniff_kind

__all__ = ["read_published", "sniff_kind"]
