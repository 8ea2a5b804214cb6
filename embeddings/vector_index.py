"""FAISS index over L2-normalised float32 vectors: inner product is cosine, ids are row numbers.

The index kind follows the corpus size: an exact flat scan while a scan is fast, a graph
(HNSW) above that. The numbers behind the threshold and the HNSW constants are in
``docs/scaling.md`` and come from ``benchmarks/scale.py``.

Example:
    >>> vectors = np.eye(3, 8, dtype=np.float32)           # three unit vectors
    >>> index = VectorIndex.build(vectors)
    >>> scores, ids = index.search(vectors[1], k=2)
    >>> ids[0].tolist(), round(float(scores[0, 0]), 3)
    ([1, 0], 1.0)
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path

import faiss
import numpy as np

from embeddings.errors import DamagedIndexError, InvalidOptionError



class IndexKind(Enum):
    """How vectors are searched: exactly, or approximately for large corpora."""

    FLAT = "flat"  # exact IndexFlatIP scan
    HNSW = "hnsw"  # IndexHNSWFlat graph; vectors kept exact, so scores are exact cosines
    IVF = "ivf"  # IndexIVFFlat: k-means cells, `nprobe` of them scanned per query


# The constants below come from benchmarks/scale.py (docs/scaling.md): 384-d vectors shaped
# like all-MiniLM-L6-v2 embeddings, single queries, k=10, this 2-core machine.

#: Largest corpus searched by a flat scan when no kind is asked for. A flat scan reads every
#: vector (1.5 KB at 384-d) per query: p50 0.24 ms at 10k, 2.9 ms at 50k, 6.0 ms at 100k and
#: 56 ms at 1M, over the 50 ms target. At 50k it is still a sixth of the 17 ms the model takes
#: to encode the question, it is exact, and it builds in 0.05 s where HNSW takes 15 s.
FLAT_MAX_COUNT = 50_000

#: HNSW neighbours per node: 256 B of links per vector on top of its 1,536 B (1.72 GB at 1M).
HNSW_M = 32
#: Candidate list while building the graph. 80 built 100k 3x faster than 200, but on the
#: hardest vectors needed efSearch 512 for recall@10 0.99 at 100k, where 200 needed 96.
#: 1M vectors take 14-17 minutes with 200, little beside embedding them (6 paragraphs/s: 46 h).
HNSW_EF_CONSTRUCTION = 200
#: Candidate list while searching (never below k): the recall / latency knob. At 1M, 256 gives
#: recall@10 0.997 at p50 1.7 ms; 128 gives 0.989 at 0.9 ms.
HNSW_EF_SEARCH = 256

#: Filters allowing at most this share of the ids (or FLAT_MAX_COUNT ids) get an exact scan of
#: the allowed vectors. At 1M with 10% allowed it took 7 ms (whole declarations) to 18 ms
#: (scattered rows) for recall 1.0; a graph walk at efSearch 2560, 16 ms for 0.987.
#: At 20% the scan takes 13-26 ms, at 50% 28-43 ms, where the graph takes 7 ms.
FILTER_EXACT_SHARE = 0.2
#: Above it the walk widens to efSearch * FILTER_BREADTH / share, as only allowed ids count:
#: recall@10 at 20-30% allowed was 0.986-0.991 with 1, 0.993-0.996 with 2 (12-16 ms).
FILTER_BREADTH = 2

#: IVF is not chosen by size: at 1M its recall@10 was 0.54 at nprobe 32 and 0.82 at 256,
#: against HNSW's 0.997. It stays as an explicit kind (faster to build, no graph memory).
#: Cells: 4 * sqrt(n), the low end of FAISS's advice (4-16 sqrt(n)), keeps training short.
IVF_CELLS_PER_SQRT_N = 4
#: k-means samples per cell; FAISS warns below 39, and more adds training time but no recall.
IVF_TRAIN_PER_CELL = 64
#: Cells scanned per query.
IVF_NPROBE = 32


def choose_kind(count: int) -> IndexKind:
    """The kind :meth:`VectorIndex.build` uses for ``count`` vectors when none is asked for."""
    return IndexKind.FLAT if count <= FLAT_MAX_COUNT else IndexKind.HNSW


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


@contextmanager
def _omp_threads(count: int) -> Iterator[None]:
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
        effort: Default search breadth: ``efSearch`` for HNSW, ``nprobe`` for IVF; None means
            the module constant. FLAT ignores it.
    """

    def __init__(self, index: faiss.Index, kind: IndexKind, *, effort: int | None = None) -> None:
        self._index = index
        self.kind = kind
        self.effort = effort or {IndexKind.HNSW: HNSW_EF_SEARCH, IndexKind.IVF: IVF_NPROBE}.get(kind, 0)

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
            kind: Index kind; None means :func:`choose_kind` by n.
            effort: Default search breadth (see the class docstring).

        Raises:
            InvalidOptionError: The array is not 2-D, has non-finite values or non-unit rows.
        """
        matrix = _unit_rows(vectors)
        n, d = matrix.shape
        kind = kind or choose_kind(n)
        with _omp_threads(_threads()):
            if kind is IndexKind.FLAT:
                index: faiss.Index = faiss.IndexFlatIP(d)
            elif kind is IndexKind.HNSW:
                index = faiss.IndexHNSWFlat(d, HNSW_M, faiss.METRIC_INNER_PRODUCT)
                index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
                index.hnsw.efSearch = HNSW_EF_SEARCH
            else:
                index = _trained_ivf(matrix)
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
        matrix = self._queries(queries)
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
            raise InvalidOptionError(f"k must be a whole number of at least 1; got {k!r}. Ask for k=1 or more.")
        bitmap, n_allowed = self._bitmap(allowed)
        width = min(int(k), n_allowed)
        if width == 0 or len(matrix) == 0:
            return np.zeros((len(matrix), width), np.float32), np.zeros((len(matrix), width), np.int64)
        selector = None if bitmap is None else faiss.IDSelectorBitmap(bitmap)
        with _omp_threads(1 if len(matrix) < SINGLE_THREAD_BELOW else _threads()):
            return self._search(matrix, width, selector, n_allowed, effort or self.effort)

    def _search(
        self, matrix: np.ndarray, width: int, selector: faiss.IDSelector | None, n_allowed: int, effort: int
    ) -> tuple[np.ndarray, np.ndarray]:
        few = n_allowed <= max(FLAT_MAX_COUNT, FILTER_EXACT_SHARE * self.count)
        if self.kind is IndexKind.FLAT or (selector is not None and few):
            return self._exact(matrix, width, selector)
        if selector is not None:  # walk further: only allowed ids count towards the results
            effort = int(effort * FILTER_BREADTH * self.count / n_allowed)
        scores, ids = self._approximate(matrix, width, selector, max(1, min(effort, self.count)))
        short = (ids < 0).any(axis=1)
        if short.any():
            scores[short], ids[short] = self._exact(matrix[short], width, selector)
        return scores, ids

    def _approximate(
        self, matrix: np.ndarray, k: int, selector: faiss.IDSelector | None, breadth: int
    ) -> tuple[np.ndarray, np.ndarray]:
        if self.kind is IndexKind.HNSW:
            params = faiss.SearchParametersHNSW(efSearch=max(breadth, k))
        else:
            params = faiss.SearchParametersIVF(nprobe=min(breadth, self._index.nlist))
        if selector is not None:
            params.sel = selector
        return self._index.search(matrix, k, params=params)

    def _exact(self, matrix: np.ndarray, k: int, selector: faiss.IDSelector | None) -> tuple[np.ndarray, np.ndarray]:
        """Exact top k: a flat scan (of HNSW's stored vectors) or every IVF cell."""
        if self.kind is IndexKind.IVF:
            params: faiss.SearchParameters = faiss.SearchParametersIVF(nprobe=self._index.nlist)
            index = self._index
        else:
            params = faiss.SearchParameters()
            index = self._index if self.kind is IndexKind.FLAT else faiss.downcast_index(self._index.storage)
        if selector is not None:
            params.sel = selector
        return index.search(matrix, k, params=params)

    def reconstruct(self, ids: np.ndarray | list[int]) -> np.ndarray:
        """The stored vectors of ``ids`` as an (len(ids), d) float32 array."""
        wanted = np.asarray(ids, dtype=np.int64).reshape(-1)
        if wanted.size and (wanted.min() < 0 or wanted.max() >= self.count):
            raise InvalidOptionError(
                f"ids must lie in 0..{self.count - 1}; got {wanted.min()}..{wanted.max()}. Pass row numbers of this index."
            )
        if not wanted.size:
            return np.zeros((0, self.dimension), np.float32)
        return self._index.reconstruct_batch(wanted)


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
        kind = _kind_of(index)
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


    def _queries(self, queries: np.ndarray) -> np.ndarray:
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

    def _bitmap(self, allowed: np.ndarray | None) -> tuple[np.ndarray | None, int]:
        """FAISS's IDSelectorBitmap layout (bit i of byte i // 8 is id i) and the allowed count."""
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
        return np.packbits(mask, bitorder="little"), int(mask.sum())


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


def _trained_ivf(matrix: np.ndarray) -> faiss.IndexIVFFlat:
    n, d = matrix.shape
    cells = max(1, min(n // 39, int(IVF_CELLS_PER_SQRT_N * math.sqrt(n))))
    quantizer = faiss.IndexFlatIP(d)
    index = faiss.IndexIVFFlat(quantizer, d, cells, faiss.METRIC_INNER_PRODUCT)  # keeps quantizer alive
    sample = np.random.default_rng(0).permutation(n)[: cells * IVF_TRAIN_PER_CELL]
    index.train(matrix[np.sort(sample)])
    index.make_direct_map()  # for reconstruct()
    index.nprobe = IVF_NPROBE
    return index


def _kind_of(index: faiss.Index) -> IndexKind | None:
    kinds = ((faiss.IndexHNSWFlat, IndexKind.HNSW), (faiss.IndexIVFFlat, IndexKind.IVF), (faiss.IndexFlat, IndexKind.FLAT))
    return next((kind for cls, kind in kinds if isinstance(index, cls)), None)
