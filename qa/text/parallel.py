"""Running a per-text step over many texts on every core, with the serial path's results.

Sentence splitting (pysbd) and entity tagging (spaCy) are pure Python on one core; an index
build of the whole ../shared library spent 83 s and 119 s in them while the second core idled.
:func:`map_chunks` cuts the texts into chunks, runs a module-level function over each chunk in
a pool of worker processes (one per core) and joins the results in order, so the result is the
one a single call over all the texts gives, as long as the function treats each text on its own
(callers whose tool batches texts, like spaCy, make ``chunk`` a multiple of their batch size so
every text meets the very batch it meets in the serial path).

Workers are forked when this process runs a single Python thread (the CLI and an index build:
a fork costs milliseconds and shares what the parent loaded), else started from a fork server
(the web app's threads may hold a lock a forked child would copy), as qa.ingest.sandbox does.
A pool that cannot start, or loses a worker, is logged and the work is done here on one core.

Example:
    >>> map_chunks(_lengths, ["We met.", "We agreed."], chunk=1, min_texts=0)
    [7, 10]
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from qa.side_threads import fork_is_safe

T = TypeVar("T")
log = logging.getLogger(__name__)


def cores() -> int:
    """The cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def map_chunks(
    function: Callable[[list[str]], list[T]], texts: list[str], *, chunk: int, min_texts: int,
    workers: int | None = None,
) -> list[T]:
    """``function(texts)``, computed chunk by chunk on every core when there are enough texts.

    Args:
        function: A module-level function (workers import it by name) from a list of texts to
            one result per text, in order.
        texts: The texts.
        chunk: Texts per task sent to a worker.
        min_texts: Below this many texts the call runs here, serially: starting workers costs
            more than it saves.
        workers: Processes to use; None means one per core.

    Returns:
        One result per text, in order.
    """
    texts = list(texts)
    count = min(workers or cores(), -(-len(texts) // max(chunk, 1)))
    if len(texts) < min_texts or count < 2 or multiprocessing.current_process().daemon:
        return function(texts)  # (a daemon process may not start processes of its own)
    pieces = [texts[start : start + chunk] for start in range(0, len(texts), chunk)]
    try:
        with ProcessPoolExecutor(count, mp_context=_context(function)) as pool:
            results: list[T] = []
            for part in pool.map(function, pieces):
                results.extend(part)
            return results
    except (BrokenProcessPool, OSError) as exc:  # no process could start, or one was killed
        log.warning("working on one core: the worker processes failed (%s)", exc)
        return function(texts)


def _context(function: Callable) -> multiprocessing.context.BaseContext:
    """Fork from a single-threaded process (idle side threads aside: qa.side_threads); else a
    fork server that preloads the function's module."""
    if fork_is_safe():
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([function.__module__])
    return context


def _lengths(texts: list[str]) -> list[int]:
    """The length of each text (the example's function)."""
    return [len(text) for text in texts]
