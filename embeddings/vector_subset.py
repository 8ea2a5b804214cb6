"""A fast scan of some of a fast-scan index's vectors: a filter's own scan, searched without one.

FAISS's fast scan takes no filter (embeddings/vector_index.py), so a filtered search either
scans the allowed float16 copies exactly or asks the fast scan for more and keeps the allowed
ones; over the whole ../shared library either took 0.3-0.45 ms where the unfiltered fast scan
took 0.1-0.25 ms. A :class:`Subset` is a fast scan of just the allowed vectors, as the index's
own: their 4-bit codes from the index's trained quantiser, whose best ``effort`` × k (the
index's own re-scoring factor, FASTSCAN_REFINE unless it was built with another) are re-scored
from float16 copies of their own (864 B a vector: re-scoring from the index's copies, through a
filter, took twice as long). Coding takes time (about 10 ms for 1,000 vectors and
100-200 ms for 15,000 here, on one thread), so it pays only for a filter searched again and
again: qa.search.retrieval builds them on a thread of their own from a filter's second search.

Example:
    >>> subset = Subset(index, np.array([3, 10, 42]))     # index: a fast-scan VectorIndex
    >>> scores, ids = subset.search(query, k=2)            # ids are the index's own, 3, 10 or 42
"""

from __future__ import annotations

import faiss
import numpy as np

from embeddings.errors import InvalidOptionError
from embeddings.index_kinds import IndexKind
from embeddings.vector_index import VectorIndex, check_k, omp_threads

#: Vectors turned into float32 and coded at a time: bounds the copy a large subset needs.
CODE_BATCH = 8_192


class Subset:
    """Some ids of a fast-scan :class:`VectorIndex`, with codes of their own.

    Args:
        index: A fast-scan index (:attr:`IndexKind.FASTSCAN`); it must outlive the subset.
        ids: The index's ids to keep, each at least once.

    Raises:
        InvalidOptionError: For another kind of index, no ids, ids that are not integers (a bool
            mask), or an id outside the index.
    """

    def __init__(self, index: VectorIndex, ids: np.ndarray) -> None:
        if index.kind is not IndexKind.FASTSCAN:
            raise InvalidOptionError(
                f"Only a {IndexKind.FASTSCAN.value} index has codes to search a subset with; this one is "
                f"{index.kind.value}, whose search takes the filter itself (pass allowed= to search)."
            )
        given = np.asarray(ids)
        if given.size and not np.issubdtype(given.dtype, np.integer):  # a bool mask would keep ids 0 and 1
            raise InvalidOptionError(
                f"A subset takes integer ids; got an array of {given.dtype}. Pass np.flatnonzero(mask) for a bool mask."
            )
        kept = np.unique(given.astype(np.int64).reshape(-1))
        if not kept.size or kept[0] < 0 or kept[-1] >= index.count:
            raise InvalidOptionError(
                f"A subset needs ids in 0..{index.count - 1}; got {len(kept)} ids"
                + (f" from {kept[0]} to {kept[-1]}." if kept.size else ".")
            )
        self._index = index
        self.ids = kept
        #: How many times k the codes propose for re-scoring: the index's own (VectorIndex.effort).
        self.effort = index.effort
        codes = faiss.clone_index(faiss.downcast_index(index.faiss_index.base_index))  # the trained quantiser
        codes.reset()
        halves = faiss.IndexScalarQuantizer(index.dimension, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)
        self._scan = faiss.IndexRefine(codes, halves)
        self._parts = (codes, halves)  # IndexRefine does not own them
        with omp_threads(1):  # a side thread's work: leave the other core to the searches
            for start in range(0, len(kept), CODE_BATCH):
                self._scan.add(index.reconstruct(kept[start : start + CODE_BATCH]))

    @property
    def count(self) -> int:
        return len(self.ids)

    @property
    def nbytes(self) -> int:
        """Memory of the codes, the float16 copies and the ids."""
        codes, halves = self._parts
        return int((codes.code_size + halves.code_size) * self.count + self.ids.nbytes)

    def __repr__(self) -> str:
        return f"Subset({self.count} of {self._index.count} vectors)"

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The k best of the subset's ids for one query, best first, with their float16 scores.

        Like :meth:`VectorIndex.search`, every id is a real one: a query the codes rank no vector
        for (they tie, as for the zero vector) is answered by an exact scan of the float16 copies.

        Returns:
            ``(scores, ids)`` of shape (1, min(k, count)): the index's own ids.

        Raises:
            InvalidOptionError: For k < 1 or a query the index would refuse.
        """
        matrix = self._index.queries(query)
        if len(matrix) != 1:
            raise InvalidOptionError(f"A subset searches one query vector at a time; got {len(matrix)}.")
        width = min(check_k(k), self.count)
        params = faiss.IndexRefineSearchParameters(k_factor=float(self.effort))
        with omp_threads(1):
            scores, found = self._scan.search(matrix, width, params=params)
            if (found < 0).any():  # the codes ranked nothing (a query orthogonal to them all): scan the copies
                scores, found = self._parts[1].search(matrix, width)
        return scores, self.ids[found]
