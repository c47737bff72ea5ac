"""Reports on the web as inputs: each URL fetched (with a timeout, a size limit, few redirects, and
no address outside the public internet unless allowed) into a folder, where the pipeline reads it
like any other file; what went wrong with a URL is that URL's finding."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from converter.batch.report import Task
from converter.batch.status import Status

URL_PREFIXES = ("http://", "https://")


def is_url(text: str) -> bool:
    """Whether a command-line input is a URL rather than a path."""
    return text.strip().lower().startswith(URL_PREFIXES)


def urls_in_file(path: str) -> list[str]:
    """The URLs of a list file: one a line; blank lines and lines starting with # are skipped."""
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        return [line.strip() for line in fh if line.strip() and not line.lstrip().startswith("#")]


@dataclass
class Fetched:
    """Where each fetched URL's file went, and a task for each URL that gave nothing to read."""
    paths: list[str] = field(default_factory=list)
    url_of: dict[str, str] = field(default_factory=dict)          # saved file -> its URL
    failed: list[Task] = field(default_factory=list)
    # saved attachment -> the 发布日期 of the page that linked it (a page's own date is read with it)
    published_of: dict[str, str] = field(default_factory=dict)


def fetch_all(urls: list[str], folder: str, allow_private: bool = False) -> Fetched:
    """Fetch every URL into `folder`; one bad URL never stops the rest."""
    from converter.intake.published.fetch import fetch  # HTTP and TLS: imported only to fetch
    out = Fetched()
    os.makedirs(folder, exist_ok=True)
    for i, url in enumerate(urls, 1):
        got = fetch(url, folder, index=i, allow_private=allow_private)
        if got.path:
            out.paths.append(got.path)
            out.url_of[got.path] = got.url
            if got.published and not got.path.endswith(".html"):
                out.published_of[got.path] = got.published
        else:
            out.failed.append(Task(file=got.url, status=Status.UNREADABLE, findings=list(got.findings)))
    return out
