"""Last year's reports (``--previous``) -> :class:`~converter.checks.crossyear.Previous`: every input kind
nianbao reads (workbooks, Word files, web pages, PDFs, routed by their bytes) and report data as JSON
(from ``nianbao extract``), read once in the main process (in worker processes for a large set) and
kept compact, by unit. What an unchanged file gave last time comes from the cache
(converter.batch.previous_cache)."""
from __future__ import annotations

import json
import os
import re
from typing import Any, Iterable

from converter.batch.inputs import collect_inputs
from converter.batch.outputs import RESULTS_NAME
from converter.batch.pipeline import FRAGMENT_SUFFIX
from converter.batch.previous_cache import KnownCounts, PreviousCache, signature
from converter.checks.crossyear import Comparison, LastYear, Previous, compact, unit_match_key
from converter.checks.findings import Finding, make
from converter.definition.formats import FORMATS
from converter.intake.reader import read_report

_PARALLEL_FROM = 16          # fewer files than this are read in this process


def read_last_year(path: str) -> LastYear | Finding:
    """One of last year's reports -> LastYear, or a PREV_UNREADABLE finding saying why not."""
    name = os.path.basename(path)
    try:
        if _is_json(path):
            data = _json_data(path)
            if isinstance(data, str):
                return make("PREV_UNREADABLE", previous=name, detail=data).with_file(path)
            return compact(path, data, data["format"])
        r = read_report(path)
        if r.data is None or r.format_id is None:
            why = "；".join(f.message for f in r.findings[:2]) or "不是年度报告"
            return make("PREV_UNREADABLE", previous=name, detail=why).with_file(path)
        return compact(path, r.data, r.format_id)
    except Exception as e:        # one bad file of last year's never stops this year's batch
        return make("PREV_UNREADABLE", previous=name, detail=f"{type(e).__name__}: {e}"[:200]).with_file(path)


def _is_json(path: str) -> bool:
    return path.lower().endswith(".json")


def _json_data(path: str) -> dict[str, Any] | str:
    """Report data from a JSON file, or why it is not report data."""
    try:
        with open(path, encoding="utf-8-sig") as fh:
            data = json.load(fh)
    except (OSError, ValueError, UnicodeDecodeError) as e:
        return f"不是 JSON 文件（{type(e).__name__}）"
    if not isinstance(data, dict) or not isinstance(data.get("fields"), dict) or not isinstance(data.get("tables"), dict):
        return "不是报告数据（应有 format、fields、tables，见 nianbao schema）"
    if data.get("format") not in FORMATS:
        return f"报告格式“{data.get('format')}”无法识别"
    return data


def load_previous(inputs: Iterable[str | os.PathLike[str]], codes: dict[str, str] | None = None,
                  jobs: int = 0, cache: bool = True) -> Previous:
    """Last year's reports under `inputs` (files or folders), by unit. `codes` maps unit names (as on the
    roster) to the roster's 单位代码, so that units are matched by code where both years' names are on it.
    A unit's reports of different years are all kept (Previous.match picks the one to compare with); of
    two of the same year (or both of a year not read) the first, and the second is said. Unless `cache` is False, files
    unchanged since a run before are not read again (see converter.batch.previous_cache). A folder
    `nianbao build` wrote last year is read as its reports: see report_copies."""
    named = [os.fspath(i) for i in inputs]
    prev = Previous(codes={unit_match_key(n): c for n, c in (codes or {}).items() if c})
    groups, prev.own_files = report_copies(collect_inputs(named))
    firsts = [g[0] for g in groups]
    got = dict(zip(firsts, _read_cached(named, firsts, jobs, prev) if cache else _read_all(firsts, jobs)))
    for g in groups:
        used = 1
        while isinstance(got[g[used - 1]], Finding) and used < len(g):   # (a .json that is no report data)
            got[g[used]] = read_last_year(g[used])
            used += 1
        prev.copies += g[used:]
        for p in g[:used]:
            _keep(prev, got[p])
    return prev


def keep_counted(previous: Previous | None, compare: Comparison | None) -> None:
    """What a report's text comparison counted (or found counted before), kept in `previous` for the
    rest of the run and, by save_counted, for the runs after."""
    counted = previous.counted if previous is not None else None
    if counted is None or compare is None or compare.counted is None:
        return
    if isinstance(counted, KnownCounts):
        counted.keep(*compare.counted)
    else:
        counted.setdefault(*compare.counted)


def save_counted(previous: Previous | None) -> None:
    """Write what the run's text comparisons counted beside last year's cache, for the next run."""
    if previous is not None and isinstance(previous.counted, KnownCounts):
        previous.counted.save(len(previous.reports()))


def _keep(prev: Previous, got: LastYear | Finding) -> None:
    if isinstance(got, Finding):
        prev.findings.append(got)
        return
    key = unit_match_key(got.unit)
    if not key:
        prev.findings.append(make("PREV_UNREADABLE", previous=os.path.basename(got.file),
                                  detail="未识别出单位名称").with_file(got.file))
        return
    same = prev.add(got, key)
    if same is not None:
        this, other = os.path.basename(got.file), os.path.basename(same.file)
        if this == other:                 # 2023/洪泽区.pdf and 副本/洪泽区.pdf
            this, other = got.file, same.file
        prev.findings.append(make("PREV_DUPLICATE", previous=this, other=other, unit=got.unit,
                                  year=f" {got.year} 年度" if got.year else "（两份的年度均未识别）").with_file(got.file))


# of one report's copies side by side, the one read first: the most exact, and quickest to read
_PREFERRED = (".json", ".xlsx", ".docx", ".html", ".htm", ".pdf")
# 校验结果.xlsx, or the name it is kept under when that one was open in Excel (results_xlsx.ResultsWriter)
_RESULTS = re.compile(r"^{}(-\d{{8}}-\d{{6}})?{}$".format(*map(re.escape, os.path.splitext(RESULTS_NAME))))
_FRAGMENT = FRAGMENT_SUFFIX.lower()


def report_copies(paths: list[str]) -> tuple[list[list[str]], list[str]]:
    """paths -> (groups of one report's copies, each best first, in the order of the paths; nianbao's own
    files that are no report). In a folder `build` wrote (known by its 校验结果.xlsx or index.html),
    each report is there as name.docx, name.pdf, name.html and name-正文.html: one report, to be read
    once (the first of _PREFERRED that can be used; the others would be said as duplicates, and a PDF
    read for nothing). Elsewhere every file is its own group: one name in one folder may be two
    years' reports. index.html is known by what it says it is."""
    own = [p for p in paths if _RESULTS.match(os.path.basename(p))
           or (os.path.basename(p) == "index.html" and _is_our_index(p))]
    built = {os.path.dirname(p) for p in own}
    groups: dict[tuple[str, str], list[str]] = {}
    skip = set(own)
    for p in dict.fromkeys(paths):
        if p in skip:
            continue
        folder, name = os.path.split(p)
        if folder not in built:
            key = (folder, name)
        elif name.lower().endswith(_FRAGMENT):
            key = (folder, name[:-len(_FRAGMENT)])
        else:
            stem, ext = os.path.splitext(name)
            key = (folder, stem if ext.lower() in _PREFERRED else name)
        groups.setdefault(key, []).append(p)
    return [sorted(g, key=_preference) if len(g) > 1 else g for g in groups.values()], own


def _preference(path: str) -> int:
    ext = os.path.splitext(path)[1].lower()
    if path.lower().endswith(_FRAGMENT):
        return len(_PREFERRED) + 1
    return _PREFERRED.index(ext) if ext in _PREFERRED else len(_PREFERRED)


def _is_our_index(path: str) -> bool:
    from converter.render.html import INDEX_GENERATOR
    try:
        with open(path, "rb") as fh:
            return f'content="{INDEX_GENERATOR}"'.encode() in fh.read(2048)
    except OSError:
        return False


def _read_cached(inputs: list[str], paths: list[str], jobs: int, prev: Previous) -> list[LastYear | Finding]:
    """Every file's LastYear or finding, in order: from the cache where a file is unchanged, read (and
    kept in the cache) where not."""
    cache = PreviousCache(inputs)
    got: dict[str, LastYear | Finding] = {}
    for p in paths:
        hit = cache.get(p)
        if hit is not None:
            got[p] = hit
    todo = [p for p in paths if p not in got]
    before = [signature(p) for p in todo]
    lost: set[str] = set()
    for p, sig, result in zip(todo, before, _read_all(todo, jobs, lost)):
        got[p] = result
        # a file that could not be read may be read next time (LibreOffice installed, the share back,
        # the worker not killed)
        if isinstance(result, LastYear) and p not in lost:
            cache.put(p, result, sig)
    cache.save(paths)
    prev.cached = cache.used
    prev.counted = cache.counts()
    return [got[p] for p in paths]


def _read_all(paths: list[str], jobs: int, lost: set[str] | None = None) -> list[LastYear | Finding]:
    """Every file read, in order: JSON here (parsing it costs less than sending it back from a worker),
    reports of other kinds in worker processes when there are many."""
    from converter.batch.run import _jobs
    from converter.batch.workers import in_order
    others = [p for p in paths if not _is_json(p)]
    n = _jobs(jobs, len(others))
    if n <= 1 or len(others) < _PARALLEL_FROM:
        return [read_last_year(p) for p in paths]
    chunk = max(1, min(16, len(others) // (n * 8)))
    def died(path: str) -> Finding:
        if lost is not None:
            lost.add(path)
        return _lost(path)
    read = dict(zip(others, in_order(others, _read_chunk, None, n, chunk, lost=died)))
    return [read[p] if p in read else read_last_year(p) for p in paths]


def _read_chunk(paths: list[str], _: Any) -> list[LastYear | Finding]:
    return [read_last_year(p) for p in paths]


def _lost(path: str) -> Finding:
    return make("PREV_UNREADABLE", previous=os.path.basename(path), detail="读取时处理进程意外退出").with_file(path)
