"""Worker processes for a batch, each with a pipe of its own.

Why not concurrent.futures: its workers share one result pipe. A worker killed while writing a result
(by the out-of-memory killer, say) leaves half a message in it, and the whole pool waits for the rest
forever. Here a worker's death closes only its own pipe: the main process sees end-of-file, starts a
new worker, and does the lost chunk again one item at a time, so an item that kills a worker again is
found alone and handed to `lost`. Chunks go out a few at a time and results come back in order, so
memory does not grow with the batch."""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections import deque
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from typing import Any, Callable, Generator

from converter.errors import NianbaoError

Job = Callable[[list[Any], Any], list[Any]]
Key = tuple[int, int | None]     # (chunk, None) for a whole chunk, (chunk, item) once split


START_METHOD_ENV = "NIANBAO_START_METHOD"


def start_method() -> str:
    """How worker processes start: NIANBAO_START_METHOD (spawn, fork or forkserver) when set, which
    lets the tests run Windows' and macOS's model (spawn: a fresh interpreter that imports what it
    needs) on Linux; otherwise fork on Linux, where workers start warm with everything the main
    process loaded (Python 3.14 made forkserver the default there), and the platform's default
    elsewhere. NianbaoError for a method this platform does not have."""
    wanted = os.environ.get(START_METHOD_ENV, "").strip().lower()
    if wanted:
        available = multiprocessing.get_all_start_methods()
        if wanted not in available:
            raise NianbaoError(f"环境变量 {START_METHOD_ENV}={wanted} 无效，本机可用：{'、'.join(available)}")
        return wanted
    if sys.platform.startswith("linux"):
        return "fork"
    return multiprocessing.get_start_method()


def _context() -> BaseContext:
    return multiprocessing.get_context(start_method())


def _serve(conn: Connection, inherited: list[Connection], func: Job, arg: Any, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)       # Ctrl-C is the main process's to handle
    if hasattr(signal, "SIGTERM"):
        # a forked worker inherits the main process's handler (SIGTERM as an interrupt, with its
        # clean-up): a worker told to stop just stops, quietly
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with(parent)
    for c in inherited:         # the main process's ends of every pipe: it alone may hold them, so
        c.close()               # that its exit (or this worker's) is seen as end-of-file at once
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        result = func(job, arg)
        try:
            conn.send(result)
        except OSError:         # the main process is gone (killed): nobody wants the result
            return


def _die_with(parent: int) -> None:
    """On Linux, have the kernel end this worker when the main process dies (even by kill -9), rather
    than let it finish its chunk for nobody."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)      # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:             # it died before that was in place
        os._exit(0)


class _Worker:
    def __init__(self, ctx: Any, func: Job, arg: Any, others: list[Connection]):
        self.conn, theirs = ctx.Pipe()
        inherited = [*others, self.conn] if ctx.get_start_method() == "fork" else []
        self.proc = ctx.Process(target=_serve, args=(theirs, inherited, func, arg, os.getpid()), daemon=True)
        self.proc.start()
        theirs.close()
        self.key: Key = (-1, None)          # the job it is doing


def in_order(items: list[Any], func: Job, arg: Any, jobs: int, chunk: int, lost: Callable[[Any], Any],
             window: int = 3) -> Generator[Any, None, None]:
    """Yield func(part, arg) item by item, in the order of `items`, where func takes a list of items
    and returns one result per item; `lost(item)` is the result for an item whose worker died twice.
    At most `window` chunks per worker are out or waiting to be yielded."""
    ctx = _context()
    n_chunks = -(-len(items) // chunk)
    workers: list[_Worker] = []
    for _ in range(jobs):
        workers.append(_Worker(ctx, func, arg, [w.conn for w in workers]))
    idle = list(workers)
    busy: dict[Any, _Worker] = {}       # connection -> worker
    pending: deque[Key] = deque()       # keys waiting for a worker
    split: dict[int, list[Any]] = {}    # chunk -> its results so far, after its worker died
    ready: dict[int, list[Any]] = {}    # chunk -> its results, until the chunks before it are yielded
    queued = emitted = 0

    def part(key: Key) -> list[Any]:
        i, j = key
        whole = items[i * chunk:(i + 1) * chunk]
        return whole if j is None else [whole[j]]

    def store(key: Key, results: list[Any]) -> None:
        i, j = key
        if j is None:
            ready[i] = results
            return
        split[i][j] = results[0]
        if all(r is not None for r in split[i]):
            ready[i] = split.pop(i)

    def replace(dead: _Worker) -> _Worker:
        _retire(dead)
        workers.remove(dead)
        workers.append(_Worker(ctx, func, arg, [x.conn for x in workers]))
        return workers[-1]

    finished = False
    try:
        while emitted < n_chunks:
            while idle and (pending or (queued < n_chunks and queued < emitted + window * jobs)):
                key: Key
                if pending:
                    key = pending.popleft()
                else:
                    key = (queued, None)
                    queued += 1
                w = idle.pop()
                w.key = key
                try:
                    w.conn.send(part(key))
                except OSError:                  # it died while waiting for work: not this chunk's doing
                    idle.append(replace(w))
                    pending.appendleft(key)
                    continue
                busy[w.conn] = w
            if emitted in ready:             # (after handing out work: workers never wait for this)
                yield from ready.pop(emitted)
                emitted += 1
                continue
            for conn in wait(list(busy)):
                w = busy.pop(conn)
                try:
                    results = w.conn.recv()
                except (EOFError, OSError):      # the worker died, and its chunk with it
                    key = w.key
                    idle.append(replace(w))
                    i, j = key
                    if j is None:                # once more, an item at a time, first in line
                        split[i] = [None] * len(part(key))
                        pending.extendleft((i, k) for k in reversed(range(len(split[i]))))
                    else:                        # this item alone killed a worker twice
                        store(key, [lost(part(key)[0])])
                    continue
                idle.append(w)
                store(w.key, results)
        finished = True
    finally:
        for w in workers:
            if finished:
                try:
                    w.conn.send(None)            # done: each worker leaves its loop
                except OSError:
                    pass
            else:
                w.proc.terminate()               # interrupted: unfinished chunks are of no use
        for w in workers:
            _retire(w)


def _retire(w: _Worker) -> None:
    w.proc.join(5)
    if w.proc.is_alive():
        w.proc.kill()
        w.proc.join()
    w.conn.close()
