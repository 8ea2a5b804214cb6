"""Two threads for a search's side work, and whether a process may fork beside them.

A question's embedding takes about 5 ms on one core, most of it inside ONNX Runtime, which
lets go of Python's lock; the word matching needs no vector, and FAISS lets go of the lock
too. qa.search.retrieval hands such work to :func:`in_background` and joins it later, so a
search uses both cores of the machine (docs/performance.md, "Fast scans, and a search beside
its embedding").

Worker processes are forked only from a process whose other threads hold nothing a child
could copy mid-use (qa.text.parallel, qa.ingest.sandbox): :func:`fork_is_safe` counts these
threads as absent while they are idle, waiting for work, and a forked child forgets the pool
(a child that kept it would queue work no thread takes).

Example:
    >>> in_background(lambda: 6 * 7).result()
    42
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

#: Threads in the pool. A search has at most one piece of work out at a time, so two serve two
#: concurrent searches at once; the web app's other searches queue for them.
SIDE_THREADS = 2
#: What the pool's threads are called (``threading.Thread.name`` starts with it).
NAME = "qa-side"

_pool: ThreadPoolExecutor | None = None
_lock = threading.Lock()
_idle = threading.Condition(_lock)  # notified when the last piece of work ends
_busy = 0  # pieces of work submitted and not yet finished
#: How long :func:`fork_is_safe` waits for side work under way to end: a question's embedding
#: takes milliseconds, an ONNX session's set-up (qa.index.build warms one while an index loads)
#: 0.2-0.4 s. A file added right after a library opened is then read by forked workers, not
#: through a fork server (which starts slower and imports the caller's main module again).
SETTLE_SECONDS = 2.0


def in_background(work: Callable[[], T]) -> Future[T]:
    """Start ``work`` on a side thread; ``.result()`` is its value or raises its error.

    After the interpreter began to shut down (a search from a daemon thread), the work runs
    here instead.
    """
    global _pool, _busy

    def run() -> T:
        global _busy
        try:
            return work()
        finally:
            with _lock:
                _busy -= 1
                if not _busy:
                    _idle.notify_all()

    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=SIDE_THREADS, thread_name_prefix=NAME)
        pool = _pool
        _busy += 1
    try:
        return pool.submit(run)
    except RuntimeError:  # "cannot schedule new futures after interpreter shutdown"
        return start(run, background=False)


def start(work: Callable[[], T], *, background: bool) -> Future[T]:
    """``work`` started on a side thread (:func:`in_background`), or done here and now: for work
    too small to be worth handing over, with the same Future to join."""
    if background:
        return in_background(work)
    done: Future[T] = Future()
    try:
        done.set_result(work())
    except BaseException as exc:  # noqa: BLE001 - handed to the caller, as the pool would
        done.set_exception(exc)
    return done


def on_own_thread(work: Callable[[], T], *, name: str) -> Future[T]:
    """Start ``work`` on a daemon thread of its own, not the pool: for long work (a filter's scans,
    qa.search.retrieval) that must not hold up a search's side work. While it runs,
    :func:`fork_is_safe` is False."""
    done: Future[T] = Future()

    def run() -> None:
        try:
            done.set_result(work())
        except BaseException as exc:  # noqa: BLE001 - handed to whoever looks at the future
            done.set_exception(exc)

    threading.Thread(target=run, name=name, daemon=True).start()
    return done


def fork_is_safe(settle: float = SETTLE_SECONDS) -> bool:
    """Whether this process runs no thread but the caller's, counting idle side threads as none;
    side work under way is given up to ``settle`` seconds to end first, when only it stands in
    the way (a process with another thread of its own, a web app's, is answered at once)."""
    with _lock:
        side = sum(1 for t in threading.enumerate() if t.name.startswith(NAME))
        if threading.active_count() - side > 1:
            return False
        _idle.wait_for(lambda: not _busy, timeout=settle)
        idle = 0 if _busy else sum(1 for t in threading.enumerate() if t.name.startswith(NAME))
        return threading.active_count() - idle == 1


def _forget() -> None:
    """A forked child has none of its parent's threads: it starts a pool of its own when it needs one."""
    global _pool, _lock, _idle, _busy
    _pool, _lock, _busy = None, threading.Lock(), 0
    _idle = threading.Condition(_lock)


def _inherit_without_finalizing() -> None:
    """A forked child never collects what it inherited: everything alive at the fork moves to the
    collector's permanent generation (``gc.freeze``). Garbage the parent had not yet collected
    may hold native state of the parent's threads: an OpenVINO compiled model left in a cycle,
    whose destructor waits on a condition variable of threads the child does not have, hung a
    worker of tests/integration/test_pdf_archive.py for good in a CI run when the child's
    collector reached it. What the child makes itself is collected as usual."""
    gc.freeze()


os.register_at_fork(after_in_child=_forget)
os.register_at_fork(after_in_child=_inherit_without_finalizing)
