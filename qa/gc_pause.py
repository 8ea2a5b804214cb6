"""No cyclic garbage collection while a library's records are read in bulk.

Opening the whole ../shared library makes about 17,000 paragraph records, 31,000 sentence entity
lists and the library's row tuples in a few tenths of a second. Python's collector looks for
cycles each time enough new container objects have been made, and each of its older passes walks
every object alive, all the new records among them: in a fresh ``qa ask`` that was 0.2 s of 1.3 s
(docs/performance.md, "A faster cold start on the slower CPU"). Records read from a file form no cycles, so nothing is
left for the collector to find there; this pauses it while they are read and lets it run again
after (a collector someone had turned off stays off).

When the last pause ends, every object the collector tracks then (what the pause made, and the
program's other objects with it) joins the oldest generation at once (``gc.freeze()`` then
``gc.unfreeze()``, documented to leave every object in the oldest generation; two list splices in
CPython's usual build).
Otherwise the collector's first passes after the pause would still walk every record, once as young
and once as middle-aged: 0.1-0.2 s of every open of the whole ../shared library in a running
process, as much as loading its FAISS and BM25 files (docs/performance.md, "Opening without the
collector's passes"). Nothing is kept from the collector for good: a full collection still walks
everything, and cyclic garbage made meanwhile is collected then. A program that froze objects
itself (``gc.get_freeze_count()``) keeps them frozen: then the pause ends as a plain ``gc.enable()``.

Reading a corpus (PDF layouts with parent links) and building an index are left to the collector:
they run for minutes and may leave cycles.

Example:
    >>> with paused_gc():
    ...     rows = [(i, str(i)) for i in range(100_000)]
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_open = 0  # blocks under way, on every thread
_turned_off = False  # the first of them turned the collector off (it was on)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Turn the cyclic collector off for the block, on every thread; on again when the last block
    under way ends, if it was on when the first began, with what is alive then moved to the oldest
    generation (reference counting frees everything else meanwhile, as always). Blocks may nest and
    overlap across threads."""
    global _open, _turned_off
    with _lock:
        if _open == 0:
            _turned_off = gc.isenabled()
            gc.disable()
        _open += 1
    try:
        yield
    finally:
        with _lock:
            _open -= 1
            if _open == 0 and _turned_off:
                _to_oldest_generation()
                gc.enable()
                _turned_off = False


def _to_oldest_generation() -> None:
    """Move every object the collector tracks to its oldest generation, without a pass over them.
    Not when the program froze objects itself: ``gc.unfreeze()`` would thaw those too."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
