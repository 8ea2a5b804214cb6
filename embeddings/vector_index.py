"""FAISS index over L2-normalised float32 vectors: inner product is cosine, ids are row numbers.

The index kind follows the corpus size (embeddings/index_kinds.py): a scan of float16 copies
while a scan is fast, then a fast scan of 4-bit codes whose best 3k are re-scored from the
float16 copies, and a graph over 8-bit codes (HNSW + SQ8) once the vectors' memory matters.
The numbers behind the thresholds and the HNSW constants are in ``docs/scaling.md`` and come
from ``benchmarks/scale.py``.

Example:
    >>> vectors = np.eye(3, 8, dtype=np.float32)           # three unit vectors
    >>> index = VectorIndex.build(vectors)
    >>> scores, ids = index.search(vectors[1], k=2)
    >>> ids[0].tolist(), round(float(scores[0, 0]), 3)
    ([1, 0], 1.0)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import faiss
import numpy as np

from embeddings.errors import DamagedIndexError, InvalidOptionError
from embeddings.index_kinds import (  # noqa: F401  (re-exported: callers import them from here)
    FASTSCAN_EXACT_SHARE,
    FASTSCAN_MIN_COUNT,
    FASTSCAN_REFINE,
    FILTER_BREADTH,
    FILTER_EXACT_SHARE,
    FLAT_MAX_COUNT,
    HNSW_EF_CONSTRUCTION,
    HNSW_EF_SEARCH,
    HNSW_M,
    IVF_CELLS_PER_SQRT_N,
    IVF_NPROBE,
    IVF_TRAIN_PER_CELL,
    SQ8_MIN_COUNT,
    IndexKind,
    choose_kind,
    kind_of,
    new_index,
)

#: Below this many queries a search runs on one OpenMP thread: split over both cores of a busy
#: 2-core machine, a flat scan of 10k waited for the slower thread (p50 2.8 ms, not 0.5 ms).
#: Concurrent requests have their own threads; FAISS uses BLAS, and threads pay, from 20 queries.
SINGLE_THREAD_BELOW = 20


def _threads() -> int:
    """CPUs this process may run on: FAISS's default can see more cores than a container grants."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def check_k(k: object) -> int:
    """``k`` as an int, if it is a whole number of at least 1 (not a bool).

    Raises:
        InvalidOptionError: Otherwise, saying what to ask for.
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise InvalidOptionError(f"k must be a whole number of at least 1; got {k!r}. Ask for k=1 or more.")
    return int(k)


@contextmanager
def omp_threads(count: int) -> Iterator[None]:
    """Run FAISS on ``count`` OpenMP threads inside the block (the setting is per calling thread)."""
    previous = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(count)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(previous)


class VectorIndex:
    """Nearest unit vectors by inner product (cosine); ids are the rows of the built matrix.

    Use :meth:`build` or :meth:`load`, not the constructor.

    Args:
        index: The FAISS index (inner-product metric).
        kind: Which :class:`IndexKind` it is.
        effort: Default search breadth: ``efSearch`` for HNSW, ``nprobe`` for IVF, the factor of
            k the fast scan hands to the float16 copies for FASTSCAN; None means the module
            constant. A scan (FLAT, FLAT16) ignores it.
    """

    def __init__(self, index: faiss.Index, kind: IndexKind, *, effort: int | None = None) -> None:
        self._index = index
        self.kind = kind
        defaults = {IndexKind.IVF: IVF_NPROBE, IndexKind.FASTSCAN: FASTSCAN_REFINE}
        self.effort = effort or defaults.get(kind, HNSW_EF_SEARCH if kind.is_graph else 0)
        # The index an exact scan reads: a FASTSCAN's float16 copies (its refining index), else itself
        self._scanned = faiss.downcast_index(index.refine_index) if kind is IndexKind.FASTSCAN else index

    @property
    def faiss_index(self) -> faiss.Index:
        """The FAISS index itself (for embeddings/vector_subset.py, which reuses its trained codes)."""
        return self._index

    @property
    def dimension(self) -> int:
        """Length of the stored vectors."""
        return int(self._index.d)

    @property
    def count(self) -> int:
        """Number of stored vectors; ids run from 0 to count - 1."""
        return int(self._index.ntotal)

    def __len__(self) -> int:
        return self.count

    def __repr__(self) -> str:
        return f"VectorIndex(kind={self.kind.value}, count={self.count}, dimension={self.dimension})"


    @classmethod
    def build(cls, vectors: np.ndarray, *, kind: IndexKind | None = None, effort: int | None = None) -> VectorIndex:
        """Index the rows of ``vectors``; row i gets id i.

        Args:
            vectors: (n, d) array of L2-normalised vectors; cast to float32.
            kind: Index kind; None means :func:`choose_kind` by n and d.
            effort: Default search breadth (see the class docstring).

        Raises:
            InvalidOptionError: The array is not 2-D, has non-finite values or non-unit rows.
        """
        matrix = _unit_rows(vectors)
        n, d = matrix.shape
        kind = kind or choose_kind(n, d)
        with omp_threads(_threads()):
            index = new_index(matrix, kind)
            index.add(matrix)
        return cls(index, kind, effort=effort)


    def search(
        self,
        queries: np.ndarray,
        k: int,
        *,
        allowed: np.ndarray | None = None,
        effort: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The k best ids per query, best first, with their inner products.

        Every returned id is a real row: when fewer than k vectors exist or are allowed, the
        arrays are narrower than k; they never hold -1. Rows an approximate search leaves
        short are searched again exactly.

        Args:
            queries: (nq, d) or (d,) query vectors.
            k: Results wanted per query, at least 1.
            allowed: Restrict results to these ids: a bool mask of length ``count`` or an
                array of ids. None allows every id.
            effort: Search breadth for this call; None means the instance default.

        Returns:
            ``(scores, ids)``: float32 and int64 arrays of shape (nq, min(k, allowed count)).

        Raises:
            InvalidOptionError: k < 1, queries of the wrong dimension, or a bad ``allowed``.
        """
        matrix = self.queries(queries)
        mask, n_allowed = self._mask(allowed)
        width = min(check_k(k), n_allowed)
        if width == 0 or len(matrix) == 0:
            return np.zeros((len(matrix), width), np.float32), np.zeros((len(matrix), width), np.int64)
        with omp_threads(1 if len(matrix) < SINGLE_THREAD_BELOW else _threads()):
            return self._search(matrix, width, mask, n_allowed, effort or self.effort)

    def _search(
        self, matrix: np.ndarray, width: int, mask: np.ndarray | None, n_allowed: int, effort: int
    ) -> tuple[np.ndarray, np.ndarray]:
        selector = None if mask is None else faiss.IDSelectorBitmap(np.packbits(mask, bitorder="little"))
        if self.kind is IndexKind.FASTSCAN and selector is not None:
            return self._filtered_fastscan(matrix, width, mask, selector, effort)
        few = n_allowed <= max(FLAT_MAX_COUNT, FILTER_EXACT_SHARE * self.count)
        if self.kind.is_scan or (selector is not None and few):
            return self._exact(matrix, width, selector)
        if selector is not None:  # walk further: only allowed ids count towards the results
            effort = int(effort * FILTER_BREADTH * self.count / n_allowed)
        scores, ids = self._approximate(matrix, width, selector, max(1, min(effort, self.count)))
        short = (ids < 0).any(axis=1)
        if short.any():
            scores[short], ids[short] = self._exact(matrix[short], width, selector)
        return scores, ids

    def _filtered_fastscan(
        self, matrix: np.ndarray, width: int, mask: np.ndarray, selector: faiss.IDSelector, effort: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """A fast scan takes no selector. A filter allowing at most FASTSCAN_EXACT_SHARE of the
        ids scans their float16 copies; a wider one asks the fast scan for FILTER_BREADTH / share
        times ``width`` and keeps the allowed ones, best first. Query rows that keep fewer than
        ``width`` (the allowed lie far from them) are scanned exactly."""
        share = float(mask.mean())
        if share <= FASTSCAN_EXACT_SHARE:
            return self._exact(matrix, width, selector)
        wide = min(self.count, int(np.ceil(width * FILTER_BREADTH / share)))
        found, rows = self._approximate(matrix, wide, None, effort)
        kept = (rows >= 0) & mask[np.maximum(rows, 0)]
        # The first ``width`` allowed of each row, in order (stable: the best first).
        order = np.argsort(~kept, axis=1, kind="stable")[:, :width]
        scores, ids = np.take_along_axis(found, order, axis=1), np.take_along_axis(rows, order, axis=1)
        short = kept.sum(axis=1) < width
        if short.any():
            scores[short], ids[short] = self._exact(matrix[short], width, selector)
        return scores, ids

    def _approximate(
        self, matrix: np.ndarray, k: int, selector: faiss.IDSelector | None, breadth: int
    ) -> tuple[np.ndarray, np.ndarray]:
        if self.kind is IndexKind.FASTSCAN:
            return self._index.search(matrix, k, params=faiss.IndexRefineSearchParameters(k_factor=float(breadth)))
        if self.kind.is_graph:
            params = faiss.SearchParametersHNSW(efSearch=max(breadth, k))
        else:
            params = faiss.SearchParametersIVF(nprobe=min(breadth, self._index.nlist))
        if selector is not None:
            params.sel = selector
        return self._index.search(matrix, k, params=params)

    def _exact(self, matrix: np.ndarray, k: int, selector: faiss.IDSelector | None) -> tuple[np.ndarray, np.ndarray]:
        """Exact top k: a flat scan (of a graph's stored vectors or codes for SQ8, of a fast
        scan's float16 copies) or every IVF cell."""
        if self.kind is IndexKind.IVF:
            params: faiss.SearchParameters = faiss.SearchParametersIVF(nprobe=self._index.nlist)
            index = self._index
        else:
            params = faiss.SearchParameters()
            index = faiss.downcast_index(self._index.storage) if self.kind.is_graph else self._scanned
        if selector is not None:
            params.sel = selector
        return index.search(matrix, k, params=params)

    def reconstruct(self, ids: np.ndarray | list[int]) -> np.ndarray:
        """The stored vectors of ``ids`` as an (len(ids), d) float32 array."""
        wanted = self._ids(ids)
        if not wanted.size:
            return np.zeros((0, self.dimension), np.float32)
        if self.kind is IndexKind.FLAT:
            return self.stored()[wanted]
        if self.kind.stores_fp16:
            # The float16 codes of the scan's own storage, gathered by numpy and decoded by FAISS:
            # reconstruct_batch copies vector by vector (8 ms for 1,700 sentences), numpy's float16
            # conversion took 0.22 ms for 300 vectors, this 0.1 ms.
            codes = self.stored().view(np.uint8)[wanted]
            with omp_threads(1):
                return self._scanned.sa_decode(codes)
        return self._index.reconstruct_batch(wanted)

    def scores(self, query: np.ndarray, ids: np.ndarray | list[int]) -> np.ndarray:
        """The inner product of one query vector with the stored vector of each of ``ids``, in order.

        A float16 scan computes them in FAISS over just those ids (a selector): 0.26 ms for
        1,500 of 31,000 vectors, where converting the rows to float32 for numpy took 1.2 ms.

        Raises:
            InvalidOptionError: For ids outside the index or a query of the wrong dimension.
        """
        wanted = self._ids(ids)
        query = self.queries(query)
        if len(query) != 1:
            raise InvalidOptionError(f"scores() takes one query vector; got {len(query)}.")
        if not self.kind.stores_fp16 or not wanted.size:
            return self.reconstruct(wanted) @ query[0]
        if len(wanted) < 2 or (np.diff(wanted) > 0).all():  # candidates come sorted and distinct
            unique, inverse = wanted, np.arange(len(wanted))
        else:
            unique, inverse = np.unique(wanted, return_inverse=True)
        mask = np.zeros(self.count, dtype=bool)
        mask[unique] = True
        params = faiss.SearchParameters()
        params.sel = faiss.IDSelectorBitmap(np.packbits(mask, bitorder="little"))
        with omp_threads(1):
            found, rows = self._scanned.search(query, len(unique), params=params)
        out = np.empty(len(unique), dtype=np.float32)
        out[np.searchsorted(unique, rows[0])] = found[0]
        return out[inverse.reshape(-1)]

    def _ids(self, ids: np.ndarray | list[int]) -> np.ndarray:
        """``ids`` as a flat int64 array, each a row of this index.

        Raises:
            InvalidOptionError: For an id outside 0..count - 1.
        """
        wanted = np.asarray(ids, dtype=np.int64).reshape(-1)
        if wanted.size and (wanted.min() < 0 or wanted.max() >= self.count):
            raise InvalidOptionError(
                f"ids must lie in 0..{self.count - 1}; got {wanted.min()}..{wanted.max()}. Pass row numbers of this index."
            )
        return wanted

    def stored(self) -> np.ndarray:
        """The (count, d) stored vectors of a scan or a fast scan's float16 copies, as a view
        (float32 or float16, as stored)."""
        if self.kind is IndexKind.FLAT:
            return faiss.rev_swig_ptr(self._index.get_xb(), self.count * self.dimension).reshape(self.count, -1)
        raw = faiss.rev_swig_ptr(self._scanned.codes.data(), self.count * self._scanned.code_size)
        return raw.view(np.float16).reshape(self.count, self.dimension)


    def save(self, path: Path) -> None:
        """Write the index to one file, atomically: a temporary name, fsync, then ``os.replace``."""
        path = Path(path)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            faiss.write_index(self._index, str(tmp))
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)

    @classmethod
    def load(
        cls, path: Path, *, dimension: int, count: int, effort: int | None = None, mmap: bool = False
    ) -> VectorIndex:
        """Read an index written by :meth:`save` and check it holds what the caller expects.

        Args:
            path: The index file.
            dimension: Vector length the manifest promises.
            count: Number of vectors the manifest promises.
            effort: Default search breadth (see the class docstring).
            mmap: Map the stored vectors from the file (FAISS's IO_FLAG_MMAP_IFC; IVF is read
                as usual): processes serving one read-only index folder share one copy in the
                page cache and load instantly. Never rewrite the file in place (save() doesn't).

        Raises:
            DamagedIndexError: The file is missing or unreadable, is not an inner-product index
                of a known kind, or its dimension or count differ from the expected ones.
        """
        path = Path(path)
        fix = "Rebuild the index (qa index)."
        if not path.is_file():
            raise DamagedIndexError(f"The vector index file {path} is missing. {fix}")
        try:
            flags = faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY if mmap else 0
            index = faiss.read_index(str(path), flags)  # already downcast to its class
        except (RuntimeError, MemoryError, ValueError) as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise DamagedIndexError(f"The vector index file {path} cannot be read ({reason}). {fix}") from exc
        kind = kind_of(index)
        if kind is None or index.metric_type != faiss.METRIC_INNER_PRODUCT:
            raise DamagedIndexError(
                f"The vector index file {path} holds a {type(index).__name__}, not an inner-product "
                f"index of kind {', '.join(k.value for k in IndexKind)}. {fix}"
            )
        if index.d != dimension or index.ntotal != count:
            raise DamagedIndexError(
                f"The vector index file {path} holds {index.ntotal} vectors of dimension {index.d}; "
                f"the manifest expects {count} of dimension {dimension}. {fix}"
            )
        return cls(index, kind, effort=effort)


    def queries(self, queries: np.ndarray) -> np.ndarray:
        """``queries`` as a C-contiguous (nq, d) float32 matrix, or a clear error for the wrong
        dimension or a value that is not finite."""
        matrix = np.asarray(queries, dtype=np.float32)
        if matrix.ndim == 1:
            matrix = matrix[None, :]
        if matrix.ndim != 2 or matrix.shape[1] != self.dimension:
            raise InvalidOptionError(
                f"Query vectors must have {self.dimension} dimensions like the index; got shape "
                f"{np.shape(queries)}. Encode queries with the model that built the index."
            )
        if not np.isfinite(matrix).all():
            raise InvalidOptionError("Query vectors must be finite; got NaN or infinity. Check the encoder output.")
        return np.ascontiguousarray(matrix)

    def _mask(self, allowed: np.ndarray | None) -> tuple[np.ndarray | None, int]:
        """``allowed`` as a bool mask over the ids (None: every id, also when it allows every
        one) and the allowed count."""
        if allowed is None:
            return None, self.count
        values = np.asarray(allowed)
        if values.dtype == bool:
            if values.shape != (self.count,):
                raise InvalidOptionError(
                    f"A bool 'allowed' mask needs one entry per vector ({self.count}); got shape "
                    f"{values.shape}. Pass a mask of length count or an array of ids."
                )
            mask = values
        elif values.size and (not np.issubdtype(values.dtype, np.integer) or values.ndim != 1):
            raise InvalidOptionError(
                f"'allowed' must be a bool mask or a 1-D array of integer ids; got dtype "
                f"{values.dtype} and shape {values.shape}."
            )
        else:
            ids = values.astype(np.int64).reshape(-1)
            if ids.size and (ids.min() < 0 or ids.max() >= self.count):
                raise InvalidOptionError(
                    f"'allowed' ids must lie in 0..{self.count - 1}; got {ids.min()}..{ids.max()}. "
                    "Pass row numbers of this index."
                )
            mask = np.zeros(self.count, dtype=bool)
            mask[ids] = True
        count = int(mask.sum())
        return (None if count == self.count else mask), count


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    """``vectors`` as a C-contiguous float32 matrix of unit rows, or a clear error."""
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    if matrix.ndim != 2 or matrix.shape[1] == 0:
        raise InvalidOptionError(f"Vectors must be a 2-D (n, d) array; got shape {matrix.shape}.")
    if not np.isfinite(matrix).all():
        raise InvalidOptionError("Vectors must be finite; got NaN or infinity. Check the encoder output.")
    norms = np.linalg.norm(matrix, axis=1)
    # 1e-3 allows float32 rounding in the encoder; anything further is a missing normalisation.
    if norms.size and np.abs(norms - 1.0).max() > 1e-3:
        raise InvalidOptionError(
            f"Vectors must be L2-normalised so inner product is cosine; got norms from "
            f"{norms.min():.4f} to {norms.max():.4f}. Encode with normalize_embeddings=True."
        )
    return matrix
