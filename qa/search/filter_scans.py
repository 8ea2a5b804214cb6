"""A filter searched again and again gets fast scans of its own allowed vectors.

FAISS's fast scan, the vector index kind from 10,000 vectors (embeddings/index_kinds.py), takes no
filter: a filtered search scans the allowed float16 copies exactly or asks the fast scan for more
and keeps the allowed (embeddings/vector_index.py). A :class:`Narrowed` is a filter's rows, made
once and passed as ``allowed`` to every search with that filter (qa.library keeps one per filter);
from its second search :class:`FilterScans` builds a :class:`~embeddings.vector_subset.Subset` of
each fast-scan vector set on a thread of its own, and qa.search.retrieval searches them once they
are ready (docs/performance.md, eighth session).

Example:
    >>> narrowed = index.narrowed(mask)                    # index: a qa.search.retrieval.HybridIndex
    >>> index.search(question, k=3, allowed=narrowed)      # the filter's first search: as a mask
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import dataclass, field

import numpy as np

from embeddings.index_kinds import IndexKind
from embeddings.vector_index import VectorIndex
from embeddings.vector_subset import Subset
from qa.side_threads import on_own_thread

#: From its second search, a :class:`Narrowed` filter gets fast scans of its own allowed vectors
#: (embeddings/vector_subset.py), built on a thread of their own; until they are ready, and for a
#: filter searched once, the vector indexes take the filter as they are. Over the whole ../shared
#: library (benchmarks/filter_scans.py, p50 of three runs) the paragraph and sentence searches
#: went from 0.28-0.39 + 0.46-0.56 ms to 0.17-0.23 + 0.17-0.20 ms for the General Assembly (88% of
#: the paragraphs, 50% of the sentences) and from 0.12-0.18 + 0.38-0.51 ms to 0.07-0.11 +
#: 0.14-0.22 ms for one year, keeping 0.997-0.9999 of the exact top 100; building them took about
#: 100 ms (one year) to 330 ms (the General Assembly) on one core.
SUBSET_FROM_SEARCH = 2
#: Filters whose scans an index keeps at most, as long as together they hold no more vectors than
#: the fast-scan indexes themselves: a filter's scans take 864 B per allowed vector, as the indexes
#: do (41 MB over the whole ../shared library; the General Assembly's 26 MB, one year's 10 MB), so
#: they take at most as much memory again.
SUBSETS_KEPT = 4
#: A filter whose scans do not fit beside those kept waits until one of those has not been searched
#: in the index's last this many filtered searches, and takes its place. Evicting the oldest
#: instead made two wide filters asked in turn (two users of the web app) evict each other: 18
#: builds for 20 searches, each 100-330 ms of a core over ../shared, and their scans never searched.
SUBSET_IDLE_SEARCHES = 16
_log = logging.getLogger(__name__)


@dataclass(eq=False)
class Narrowed:
    """The rows a filter allows, made once (qa.search.retrieval.HybridIndex.narrowed) and passed
    as ``allowed`` to every search with that filter: the index counts its searches and, from the
    second (SUBSET_FROM_SEARCH), searches scans of its own (SUBSETS_KEPT). Another index takes only
    its rows, as a mask (qa.library_state keeps each version's filters with its own index)."""

    rows: np.ndarray  # (paragraphs,) bool, read-only
    sentences: np.ndarray  # (sentences,) bool, read-only: the sentences of those rows
    searches: int = 0
    owner: object = field(default=None, repr=False)  # the FilterScans of the index that made it
    last_search: int = 0  # the owner's count of filtered searches at this filter's last one


class FilterScans:
    """The scans of the filters of one index's vector sets: which are kept, built and searched.

    Args:
        paragraphs, sentences: The index's vector sets.
        spans: (sentences, 3) the paragraph row (first column) of each sentence.
    """

    def __init__(self, paragraphs: VectorIndex, sentences: VectorIndex, spans: np.ndarray) -> None:
        self._paragraphs, self._sentences, self._spans = paragraphs, sentences, spans
        #: The filters whose scans are kept (or being built), the least recently searched first.
        self.kept: OrderedDict[Narrowed, Future[tuple[Subset | None, Subset | None]]] = OrderedDict()
        self._lock = threading.Lock()
        self._waiting: list[tuple[Narrowed, Future, tuple]] = []  # filters whose scans wait for the builder
        self._builder = False  # whether a thread builds them (one at a time)
        self._clock = 0  # filtered searches so far (Narrowed.last_search)
        self._retired = False  # retire(): the index was replaced, nothing more is built

    def narrowed(self, allowed: np.ndarray) -> Narrowed:
        """A filter's rows (a bool mask over rows), ready to pass as ``allowed`` again and again.

        Raises:
            ValueError: If ``allowed`` is not one bool per row.
        """
        rows, size = np.asarray(allowed), self._paragraphs.count
        if rows.dtype != bool or rows.shape != (size,):
            raise ValueError(f"A filter's rows are one bool per paragraph ({size}); got {rows.dtype} of shape {rows.shape}.")
        rows = rows.copy()
        sentences = rows[self._spans[:, 0]]
        rows.flags.writeable = sentences.flags.writeable = False
        return Narrowed(rows=rows, sentences=sentences, owner=self)

    def _admit(self, narrowed: Narrowed) -> bool:
        """Whether a filter's scans may be built now. They must fit beside those kept: at most
        SUBSETS_KEPT filters holding no more vectors than the fast-scan indexes (864 B a vector, as
        they take). To make room, the scans of filters left unsearched for SUBSET_IDLE_SEARCHES
        filtered searches go, the longest unsearched first; scans in use are never evicted for a
        newcomer, which waits (and is searched as before). Called under the lock."""
        fast = [v.kind is IndexKind.FASTSCAN for v in (self._paragraphs, self._sentences)]
        budget = fast[0] * self._paragraphs.count + fast[1] * self._sentences.count

        def held(other: Narrowed) -> int:  # the allowed vectors its scans hold
            return fast[0] * int(other.rows.sum()) + fast[1] * int(other.sentences.sum())

        count, total, idle = len(self.kept) + 1, held(narrowed) + sum(held(n) for n in self.kept), []
        for old in self.kept:  # the least recently searched first
            if count <= SUBSETS_KEPT and total <= budget:
                break
            if self._clock - old.last_search < SUBSET_IDLE_SEARCHES:
                break  # it, and every one after it, was searched more recently
            idle.append(old)
            count, total = count - 1, total - held(old)
        if count > SUBSETS_KEPT or total > budget:
            return False
        for old in idle:
            del self.kept[old]
        return True

    def of(self, narrowed: Narrowed) -> tuple[Subset | None, Subset | None]:
        """The paragraph and sentence scans of a filter's own vectors (SUBSET_FROM_SEARCH), when
        they are ready; None for a vector set whose index is no fast scan or whose scan is not.

        One thread builds them, one filter after another (:meth:`_build_waiting`): with more
        filters in use than were kept, each search of one let go started a build of its own,
        however many were running. A filter's scans are built only when they fit (:meth:`_admit`).
        A filter of every row searches as no filter does: none.
        """
        with self._lock:
            self._clock += 1
            narrowed.searches += 1
            narrowed.last_search = self._clock
            built = self.kept.get(narrowed)
            if built is None and self._retired:
                return None, None
            if built is None:
                sets = ((self._paragraphs, narrowed.rows), (self._sentences, narrowed.sentences))
                if (narrowed.searches < SUBSET_FROM_SEARCH or not any(v.kind is IndexKind.FASTSCAN for v, _ in sets)
                        or narrowed.rows.all() or not self._admit(narrowed)):
                    return None, None
                built = Future()
                built.add_done_callback(_log_failure)
                self.kept[narrowed] = built
                self._waiting.append((narrowed, built, sets))
                if not self._builder:
                    self._builder = True
                    on_own_thread(self._build_waiting, name="qa-filter-scans")
            else:
                self.kept.move_to_end(narrowed)
        if not built.done() or built.exception() is not None:
            return None, None
        return built.result()

    def retire(self) -> None:
        """Build nothing more: the index was replaced (Library.add or remove swapped in a new
        version). The filters waiting for the builder are dropped and the scans kept let go, so
        the old index's memory goes with the last search still running on it, which takes its
        filter as a mask. A build already running finishes and is not kept; those waiting are
        cancelled."""
        with self._lock:
            self._retired = True
            self.kept.clear()
            for _, built, _ in self._waiting:
                built.cancel()  # never started: nothing waits on them, but they are not left pending
            self._waiting.clear()

    def _build_waiting(self) -> None:
        """Build the waiting filters' scans in turn, the first asked first, leaving out those let
        go meanwhile; the thread ends when none waits (qa.side_threads.fork_is_safe counts it)."""
        while True:
            with self._lock:
                self._waiting = [job for job in self._waiting if self.kept.get(job[0]) is job[1]]
                if not self._waiting:
                    self._builder = False
                    return
                _, built, sets = self._waiting.pop(0)
            try:
                built.set_result(_subsets(sets))
            except BaseException as exc:  # noqa: BLE001 - logged by _log_failure; the filter searches as before
                built.set_exception(exc)


def _subsets(sets) -> tuple[Subset | None, Subset | None]:
    """A :class:`Subset` of each fast-scan vector index's allowed ids (None for another kind)."""
    paragraphs, sentences = (
        Subset(vectors, np.flatnonzero(mask)) if vectors.kind is IndexKind.FASTSCAN and mask.any() else None
        for vectors, mask in sets
    )
    return paragraphs, sentences


def _log_failure(built: Future) -> None:
    if built.exception() is not None:
        _log.warning("A filter's own scans could not be built (%s); its searches take the filter as before.",
                     built.exception())
