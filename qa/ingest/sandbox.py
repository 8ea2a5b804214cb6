"""The reading door: every declaration file is read in a worker process under limits.

A file is untrusted input: a zip bomb, a page nested 10,000 levels deep or a PDF whose page
tree repeats itself can cost minutes and gigabytes in a parser. Here each file is read by
:func:`qa.ingest.reading.read_declaration` in a worker process whose address space is capped
(``ReadLimits.memory_bytes``) and whose CPU time for one file is capped at
``ReadLimits.seconds`` (the kernel stops it with SIGXCPU; CPU time, not wall-clock time, so
a busy machine does not push a slow but honest PDF over the limit). A worker still busy after
:data:`WALL_FACTOR` times that on the wall clock (blocked, not computing) is killed too. A file over
a limit becomes a :class:`~qa.errors.ReadLimitError` that
names the limit; a worker that dies or is killed is replaced and the other files go on.
The workers are one per core (at most one per file), so a corpus is also read on every core.

Workers are forked from this process when it runs a single thread (the CLI: a fork costs
milliseconds), else from a fork server: the web app reads files while its own threads run,
and forking a threaded process can copy a lock another thread holds into the child. The fork
server starts once per process, in about 0.3-1 s.

Example:
    >>> outcomes = read_files([Path("corpus/g20-2022-bali.txt")], catalog=Catalog())
    >>> outcomes[0].doc_id
    'g20-2022-bali'
"""

from __future__ import annotations

import math
import multiprocessing
import os
import resource
import signal
import time
from collections import deque
from multiprocessing.connection import Connection, wait
from pathlib import Path

from qa.documents import Declaration
from qa.errors import ReadLimitError, UnreadableFileError
from qa.ingest.catalog import Catalog
from qa.ingest.limits import DEFAULT_LIMITS, ReadLimits, megabytes
from qa.side_threads import fork_is_safe

__all__ = ["read_files", "worker_count"]

# Seconds a worker gets to exit when told to, before it is killed.
_STOP_GRACE = 2.0
# The wall-clock backstop, in multiples of the CPU-time limit: on the shared 2-core box under a
# load of 20, a PDF that takes 1.5 s of CPU took 5.8 s on the wall clock (and 67 s at nice 15).
WALL_FACTOR = 10


def worker_count(files: int) -> int:
    """One worker per core this process may use, at most one per file."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, files))


def read_files(
    paths: list[Path], *, catalog: Catalog, limits: ReadLimits = DEFAULT_LIMITS
) -> list[Declaration | UnreadableFileError]:
    """Read each file in a worker process under ``limits``; results in the order of ``paths``.

    Returns:
        For each path its Declaration, or the UnreadableFileError (ReadLimitError for a limit)
        that says why it was not read.
    """
    if not paths:
        return []
    results: list[Declaration | UnreadableFileError | None] = [None] * len(paths)
    pending = deque(enumerate(paths))
    workers = [_Worker(limits) for _ in range(worker_count(len(paths)))]
    try:
        while pending or any(w.busy for w in workers):
            for worker in workers:
                if not worker.busy and pending:
                    worker.start(*pending.popleft(), catalog)
            _collect(workers, results, limits)
    finally:
        for worker in workers:
            worker.stop()
    return [r if r is not None else UnreadableFileError("not read") for r in results]


def _collect(workers: list[_Worker], results: list, limits: ReadLimits) -> None:
    """Wait for the next answer, death or deadline among the busy workers; record it."""
    busy = [w for w in workers if w.busy]
    timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
    ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=timeout)
    for worker in busy:
        if worker.conn in ready:
            try:
                results[worker.index] = worker.conn.recv()
            except (EOFError, OSError):  # died while answering
                results[worker.index] = _death(worker, limits)
                worker.restart()
                continue
            worker.index = None
        elif worker.process.sentinel in ready:
            results[worker.index] = _death(worker, limits)
            worker.restart()
        elif time.monotonic() >= worker.deadline:
            results[worker.index] = ReadLimitError(
                f"reading took over {limits.seconds * WALL_FACTOR:g} s on the clock, the wall-clock limit "
                "for one file; check the file or supply the text as .txt"
            )
            worker.restart()


def _death(worker: _Worker, limits: ReadLimits) -> ReadLimitError:
    worker.process.join(_STOP_GRACE)
    code = worker.process.exitcode
    if code == -signal.SIGXCPU:
        return ReadLimitError(
            f"reading took over {limits.seconds:g} s of CPU time, the time limit for one file; "
            "check the file or supply the text as .txt"
        )
    return ReadLimitError(
        f"the reader process died (exit code {code}) while reading it, most likely over the "
        f"memory limit of {megabytes(limits.memory_bytes)}; check the file or supply the text as .txt"
    )


class _Worker:
    """One reader process and the file it is reading (``index`` is None when idle)."""

    def __init__(self, limits: ReadLimits) -> None:
        self.limits = limits
        self.index: int | None = None
        self.deadline = 0.0
        self._spawn()

    @property
    def busy(self) -> bool:
        return self.index is not None

    def _spawn(self) -> None:
        if fork_is_safe():  # a single-threaded process, idle side threads aside (qa.side_threads)
            context = multiprocessing.get_context("fork")
        else:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["qa.ingest.reading"])
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, self.limits), daemon=True)
        self.process.start()
        child.close()

    def start(self, index: int, path: Path, catalog: Catalog) -> None:
        if not self.process.is_alive():  # died while idle (killed from outside): a fresh one
            self.restart()
        self.index, self.deadline = index, time.monotonic() + self.limits.seconds * WALL_FACTOR
        self.conn.send((str(path), catalog))

    def restart(self) -> None:
        self.index = None
        self.process.kill()
        self.process.join()
        self.conn.close()
        self._spawn()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(_STOP_GRACE)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def _serve(conn: Connection, limits: ReadLimits) -> None:
    """The worker's loop: read the files it is sent until it is sent None."""
    from qa.ingest.reading import read_declaration

    _cap_memory(limits.memory_bytes)
    while (task := conn.recv()) is not None:
        path, catalog = task
        _cap_cpu(limits.seconds)
        try:
            result: Declaration | UnreadableFileError = read_declaration(Path(path), catalog=catalog)
        except UnreadableFileError as exc:
            result = exc
        except MemoryError:
            result = ReadLimitError(
                f"reading needed more than the memory limit of {megabytes(limits.memory_bytes)}; "
                "check the file or supply the text as .txt"
            )
        except RecursionError:
            result = ReadLimitError("the file nests too deeply to read (over Python's recursion limit)")
        except Exception as exc:  # a reader's bug on a hostile file: the file is skipped, with why
            result = UnreadableFileError(f"the reader failed on this file ({type(exc).__name__}: {str(exc)[:200]})")
        conn.send(result)


def _cap_cpu(seconds: float) -> None:
    """Let this process use ``seconds`` more CPU time (whole seconds, rounded up) before SIGXCPU ends it.

    Only the soft limit moves, so it works without privileges; SIGXCPU's default action ends
    the process, which the parent reports as over the time limit.
    """
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = math.ceil(usage.ru_utime + usage.ru_stime + seconds)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))


def _cap_memory(extra: int) -> None:
    """Cap this process's address space at what it has now plus ``extra`` bytes."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[0])
    size = pages * os.sysconf("SC_PAGE_SIZE") + extra
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        size = min(size, hard)
    resource.setrlimit(resource.RLIMIT_AS, (size, hard))
