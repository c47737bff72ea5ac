"""Last year's reports as read before, kept between runs of ``--previous``.

In January a coordinator runs check, status and feedback many times against the same folder of last
year's reports, and reading it again each time costs up to a minute for a region's published PDFs.
What was read from each report (workbook, Word file, web page, PDF, JSON from ``nianbao extract``:
the compact LastYear, which loads several times faster than even the JSON it came from) is kept in
one file per set of ``--previous`` inputs (and working folder), in the user's cache folder, and used
again for every file whose size, modification time, change time (creation time on Windows) and file
number are what they were, by the same code: nianbao's modules, the libraries that read reports,
LibreOffice. Only reports read whole are kept: a file that could not be read (a damaged file,
LibreOffice missing, a network share that failed) is tried again next time, and so is one modified
in the last few seconds, which may not be finished or may change again within the same tick of the
clock. Anything else is read again, and a cache that cannot be read or written is simply not used:
it only ever saves time. Beside each such file, what comparing this year's texts with them counted
(KnownCounts), which is most of what a run with ``--previous`` costs when the reports are the same.

Where: ``NIANBAO_CACHE_DIR`` when set (``off`` turns the cache off), else %LOCALAPPDATA%\\nianbao on
Windows, ~/Library/Caches/nianbao on macOS, $XDG_CACHE_HOME/nianbao or ~/.cache/nianbao elsewhere.
The files are pickles: the folder must be one only this user can write to."""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
import time
from typing import Any

from converter.files import write_bytes_atomic

ENV = "NIANBAO_CACHE_DIR"
_VERSION = 3                 # bumped when what an entry holds changes
_KEEP = 8                    # cache files kept (the most recently used)
_SUFFIX = ".previous.pickle"
_COUNTS_SUFFIX = ".counts.pickle"      # beside each: the text comparisons counted (KnownCounts)
_COUNTS_PER_REPORT = 4                # resent reports (a unit's texts counted again) keep a few each
_SETTLED_NS = 3 * 10 ** 9      # a file modified more recently than this is not kept
# the libraries whose reading of a report could change what is kept (their modules, found not loaded)
_READERS = ("lxml", "openpyxl", "docx", "pdfplumber", "pdfminer", "pypdfium2", "pypdfium2_raw", "numpy")

Signature = tuple[int, int, int, int]


def cache_dir() -> str | None:
    """The folder the cache lives in, or None when NIANBAO_CACHE_DIR turns it off."""
    env = os.environ.get(ENV)
    if env is not None:
        return None if env.strip().lower() in ("", "0", "off", "no", "false") else os.path.abspath(env)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.join(os.path.expanduser("~"), "AppData", "Local")
    elif sys.platform == "darwin":
        base = os.path.join(os.path.expanduser("~"), "Library", "Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "nianbao")


def signature(path: str) -> Signature | None:
    """What must be unchanged for a file's entry to be used (None: the file cannot be looked at)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


class PreviousCache:
    """The entries of one set of inputs: path (as given) -> (signature, what reading it gave)."""

    def __init__(self, inputs: list[str], folder: str | None = None):
        self.folder = folder if folder is not None else cache_dir()
        self.path: str | None = None
        try:
            key = "\n".join([os.getcwd(), *inputs])
        except OSError:                  # the working folder is gone: relative names mean nothing
            self.folder = None
        if self.folder:
            digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:24]
            self.path = os.path.join(self.folder, digest + _SUFFIX)
        self._stamp = code_stamp() if self.path else ""
        self._entries: dict[str, tuple[Signature, Any]] = self._load()
        self._changed = False
        self.used = 0                    # entries used in this run

    def counts(self) -> KnownCounts | None:
        """The text comparisons counted with these inputs before (None when the cache is off)."""
        if self.path is None:
            return None
        return KnownCounts(self.path[:-len(_SUFFIX)] + _COUNTS_SUFFIX, self._stamp)

    def get(self, path: str) -> Any | None:
        """What reading `path` gave last time, when the file is unchanged; else None."""
        entry = self._entries.get(path)
        if entry is None or entry[0] != signature(path):
            return None
        self.used += 1
        return entry[1]

    def put(self, path: str, result: Any, before: Signature | None) -> None:
        """Keep what reading `path` gave, under the signature it had before it was read (a file changed
        while it was read, or just before, is read again next time)."""
        if before is not None and before == signature(path) and time.time_ns() - before[1] > _SETTLED_NS:
            self._entries[path] = (before, result)
            self._changed = True

    def save(self, paths: list[str]) -> None:
        """Write the entries of `paths` (those of files no longer among the inputs go), when anything
        changed; a cache that cannot be written is left as it was."""
        if self.path is None:
            return
        kept = {p: self._entries[p] for p in paths if p in self._entries}
        try:
            if self._changed or len(kept) != len(self._entries):
                data = pickle.dumps((_VERSION, self._stamp, kept), protocol=pickle.HIGHEST_PROTOCOL)
                write_bytes_atomic(self.path, data)
                _prune(self.folder or "")
            else:
                os.utime(self.path)          # used: kept longest by _prune
        except Exception:
            pass

    def _load(self) -> dict[str, tuple[Signature, Any]]:
        if self.path is None:
            return {}
        try:
            with open(self.path, "rb") as fh:
                version, stamp, entries = pickle.load(fh)
        except Exception:            # missing, damaged, or written by another version: read afresh
            return {}
        return entries if version == _VERSION and stamp == self._stamp and isinstance(entries, dict) else {}


class KnownCounts(dict[bytes, Any]):
    """Text comparisons counted (crossyear's Previous.counted: key of what was compared -> bigrams per
    part), kept beside the cache of the same inputs: a report whose texts, and last year's, are as
    they were is not counted again, which is most of what comparing with last year costs. The keys
    digest both sides' texts, so a changed text is simply not found; the file is used only by the
    same code. The entries used or counted last are kept, as many as _COUNTS_PER_REPORT per report of
    last year's."""

    def __init__(self, path: str | None = None, stamp: str = ""):
        super().__init__()
        self.path, self.stamp, self.changed = path, stamp, False
        if path is None:
            return
        try:
            with open(path, "rb") as fh:
                version, stamp_was, entries = pickle.load(fh)
            if version == _VERSION and stamp_was == stamp and isinstance(entries, dict):
                self.update(entries)
        except Exception:             # missing, damaged, or written by other code: counted afresh
            pass

    def keep(self, key: bytes, counts: Any) -> None:
        """What one comparison counted (found here or not): kept, as the entry used last."""
        was = self.pop(key, None)
        self[key] = counts
        self.changed = self.changed or was != counts

    def save(self, reports: int) -> None:
        """Write the entries (those used longest ago beyond what `reports` reports need go), when a
        comparison was counted that was not here; a file that cannot be written is left as it was."""
        if self.path is None or not self.changed:
            return
        entries = list(self.items())[-max(_COUNTS_PER_REPORT * reports, 100):]
        try:
            data = pickle.dumps((_VERSION, self.stamp, dict(entries)), protocol=pickle.HIGHEST_PROTOCOL)
            write_bytes_atomic(self.path, data)
            self.changed = False
            _prune(os.path.dirname(self.path))
        except Exception:
            pass

    def __reduce__(self) -> Any:       # to a spawned worker: the entries (it only looks them up)
        return dict, (dict(self),)


def code_stamp() -> str:
    """Which code read the files: nianbao's version, Python's, the size and time of every module, the
    versions of the libraries that read reports and which LibreOffice is installed, so that a cache
    written by other code (an update, a fix) is never used."""
    import shutil
    from importlib.util import find_spec

    import converter
    root = os.path.dirname(os.path.abspath(converter.__file__))
    h = hashlib.sha256(f"{converter.__version__}|{sys.version_info[:2]}".encode())
    for name in _READERS:           # an update rewrites a package's files (importlib.metadata: 40 ms)
        try:
            spec = find_spec(name)
        except (ImportError, ValueError):
            spec = None
        origin = spec.origin if spec is not None else None
        h.update(f"{name}|{origin}|{signature(origin) if origin else None}\n".encode())
    office = shutil.which("soffice") or shutil.which("libreoffice")
    h.update(f"{office}|{signature(os.path.realpath(office)) if office else None}\n".encode())
    # a report's figures are kept by their place in its format's tables: a format registered from
    # outside nianbao's modules (a plug-in's) is covered by its layout
    from converter.definition.formats import FORMATS
    for fmt in FORMATS.values():
        layout = [(t.key, [r.key for r in t.rows], [c.key for c in t.columns]) for t in fmt.tables()]
        h.update(f"{fmt.id}|{layout}\n".encode())
    for here, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for f in sorted(files):
            if f.endswith(".py"):
                st = os.stat(os.path.join(here, f))
                h.update(f"{os.path.relpath(os.path.join(here, f), root)}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _prune(folder: str) -> None:
    """Keep the _KEEP caches used last (a set of inputs' cache file and its counts, either of which
    may be there alone)."""
    used: dict[str, int] = {}
    for f in os.listdir(folder):
        suffix = next((x for x in (_SUFFIX, _COUNTS_SUFFIX) if f.endswith(x)), None)
        if suffix is not None:
            try:
                t = os.stat(os.path.join(folder, f)).st_mtime_ns
            except OSError:
                continue
            base = os.path.join(folder, f[:-len(suffix)])
            used[base] = max(used.get(base, 0), t)
    for base in sorted(used, key=used.__getitem__, reverse=True)[_KEEP:]:
        for f in (base + _SUFFIX, base + _COUNTS_SUFFIX):
            try:
                os.unlink(f)
            except OSError:
                pass
