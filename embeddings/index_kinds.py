"""The FAISS index kinds VectorIndex builds, the constants behind them, and which kind a size gets.

The numbers come from ``benchmarks/scale.py`` (``docs/scaling.md``): 384-d vectors shaped like
all-MiniLM-L6-v2 embeddings, single queries, k=10, this 2-core machine.
"""

from __future__ import annotations

import math
from enum import Enum

import faiss
import numpy as np

from embeddings.errors import InvalidOptionError


class IndexKind(Enum):
    """How vectors are searched: exactly, or approximately for large corpora."""

    FLAT = "flat"  # exact IndexFlatIP scan
    FLAT16 = "flat-fp16"  # IndexScalarQuantizer QT_fp16: the same scan over float16 copies (768 B a vector)
    FASTSCAN = "fastscan-fp16"  # IndexRefine: a PQ fast scan of 4-bit codes picks, the float16 copies re-score
    HNSW = "hnsw"  # IndexHNSWFlat graph; vectors kept exact, so scores are exact cosines
    HNSW_SQ8 = "hnsw-sq8"  # IndexHNSWSQ: the same graph over 8-bit codes (384 B a vector, not 1,536 B)
    IVF = "ivf"  # IndexIVFFlat: k-means cells, `nprobe` of them scanned per query

    @property
    def is_scan(self) -> bool:
        """Searched by reading every (allowed) vector: exact up to the stored precision."""
        return self in (IndexKind.FLAT, IndexKind.FLAT16)

    @property
    def stores_fp16(self) -> bool:
        """Holds a float16 copy of every vector (scores and reconstructions come from it)."""
        return self in (IndexKind.FLAT16, IndexKind.FASTSCAN)

    @property
    def is_graph(self) -> bool:
        """Searched by walking an HNSW graph (efSearch is the breadth)."""
        return self in (IndexKind.HNSW, IndexKind.HNSW_SQ8)


#: Most allowed ids a filtered graph search scans exactly (with FILTER_EXACT_SHARE). A flat
#: scan reads every vector (1.5 KB at 384-d) per query: p50 0.24 ms at 10k, 2.9 ms at 50k,
#: 6.0 ms at 100k and 56 ms at 1M. Until the fourth session it was also the largest corpus
#: given a flat scan, and HNSW took over above it; the fast scan (FASTSCAN) now does.
FLAT_MAX_COUNT = 50_000

#: A scan reads float16 copies of the vectors (FLAT16), not float32 (FLAT). A search scans the
#: paragraph and the sentence vectors; over the whole ../shared library (16,962 and 30,903
#: vectors, 73 MB in float32) the two scans took 4.1-4.2 ms in float32 and 2.2-2.4 ms in float16
#: (SQ8: 2.2-2.3 ms; a scan is bound by memory, and 8-bit codes cost their decoding), with the
#: same top 100 (recall@100 0.9998 and 1.0000) and half the memory. A stored component is
#: within 2^-11 of its float32 value (cosines within about 1e-4). benchmarks/archive.py
#: (search) and benchmarks/scale.py measure it.
FLAT_PRECISION = IndexKind.FLAT16

#: From this many vectors up to SQ8_MIN_COUNT, a search first reads 4-bit product-quantisation
#: codes (FAISS IndexPQFastScan: 96 B a vector, scored in SIMD registers) for the best
#: FASTSCAN_REFINE * k, and the float16 copies re-score those exactly (IndexRefine): the k
#: returned are ranked by their float16 scores, like a FLAT16 scan's. Over the whole ../shared
#: library, with the question's embedding just before (the caches cold, as in a search), the
#: two scans took 0.22 + 0.30 ms instead of 0.91 + 1.43 ms, and held 0.997-0.998 of the exact
#: top 100 and all of the exact top 10 (benchmarks/archive.py, search). On the calibrated shape
#: (benchmarks/scale.py, docs/scaling.md) it took 0.20 ms at 50k, 0.36 ms at 100k and 0.77 ms
#: at 200k (HNSW: 1.9 and 2.0 ms at 50k and 100k), recall@10 0.999-0.9998, built in 1-3 s
#: (HNSW: 32 and 74 s) and takes 864 B a vector (HNSW 1,808 B). Below this count a float16
#: scan takes about 0.3 ms and stays exact.
FASTSCAN_MIN_COUNT = 10_000
#: Each sub-quantiser codes this many dimensions in 4 bits (192 parts of 384-d vectors): with 4
#: dimensions a part (96 parts), only 0.95 of the exact top 100 were kept at the same factor.
FASTSCAN_DIMS_PER_PART = 2
#: The fast scan returns this many times k for the float16 copies to re-score (the search
#: breadth, ``effort``): 2 kept 0.986-0.990 of the exact top 100, 3 kept 0.997-0.998, 4 0.999.
FASTSCAN_REFINE = 3
#: A filtered fast scan (which takes no selector) scans the allowed float16 copies exactly when a
#: filter allows at most this share of the ids; above it, it asks the fast scan for
#: FILTER_BREADTH / share times k and keeps the allowed. A filter chooses declarations, whose
#: rows lie together: over the 30,903 sentences of ../shared, the exact scan took 0.17 ms at 6%,
#: 0.33 ms at 20% and 0.44 ms at 33% allowed; asking the fast scan took 0.72-0.94 ms at 20-33%
#: and 0.53-0.75 ms at 50-90%, where the exact scan took 0.7 ms at 50% and 1.2 ms at 100%.
FASTSCAN_EXACT_SHARE = 0.5
#: A product quantiser learns 16 codes per part by k-means, so it needs at least 16 vectors.
FASTSCAN_MIN_TRAIN = 16

#: From this many vectors an index is an HNSW graph over 8-bit codes (HNSW_SQ8): 655 B a vector
#: with its links (the fast scan's 864 B, HNSW's 1,809 B), and at 1M faster than a fast scan
#: (about 2 ms against 4.7 ms). On the calibrated shape it found 0.9976 (20k) and 0.995 (100k)
#: of the exact top 10, 0.9916 with 10% of ids allowed (docs/scaling.md): inside the 1% budget.
#: Scores are read from the codes, 0.0015 off at most. Below 200k an index is at most ~165 MB.
SQ8_MIN_COUNT = 200_000

#: HNSW neighbours per node: 256 B of links per vector on top of its 1,536 B (1.72 GB at 1M).
HNSW_M = 32
#: Candidate list while building the graph. 80 built 100k 3x faster than 200, but on the
#: hardest vectors needed efSearch 512 for recall@10 0.99 at 100k, where 200 needed 96.
#: 1M vectors take 14-17 minutes with 200, little beside embedding them (6 paragraphs/s: 46 h).
HNSW_EF_CONSTRUCTION = 200
#: Candidate list while searching (never below k): the recall / latency knob. At 1M, 256 gives
#: recall@10 0.997 at p50 1.7 ms; 128 gives 0.989 at 0.9 ms.
HNSW_EF_SEARCH = 256
#: Vectors SQ8 learns each dimension's range from (the range of a sample is the range of all,
#: give or take the outliers that 8 bits clip anyway).
SQ8_TRAIN_SAMPLE = 100_000

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


def choose_kind(count: int, dimension: int = 384) -> IndexKind:
    """The kind :meth:`VectorIndex.build` uses for ``count`` vectors of ``dimension`` when none
    is asked for (a dimension the fast scan cannot cut into parts gets the float16 scan)."""
    if count >= SQ8_MIN_COUNT:
        return IndexKind.HNSW_SQ8
    fits = dimension % FASTSCAN_DIMS_PER_PART == 0
    return IndexKind.FASTSCAN if count >= FASTSCAN_MIN_COUNT and fits else FLAT_PRECISION


def new_index(matrix: np.ndarray, kind: IndexKind) -> faiss.Index:
    """An empty (trained where the kind needs it) inner-product index of ``kind`` for ``matrix``'s rows."""
    d = matrix.shape[1]
    if kind is IndexKind.FLAT:
        return faiss.IndexFlatIP(d)
    if kind is IndexKind.FLAT16:
        return faiss.IndexScalarQuantizer(d, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)
    if kind is IndexKind.FASTSCAN:
        return _trained_fastscan(matrix)
    if kind is IndexKind.IVF:
        return _trained_ivf(matrix)
    if kind is IndexKind.HNSW:
        index = faiss.IndexHNSWFlat(d, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    else:
        index = faiss.IndexHNSWSQ(d, faiss.ScalarQuantizer.QT_8bit, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        sample = np.random.default_rng(0).permutation(len(matrix))[:SQ8_TRAIN_SAMPLE]
        index.train(matrix[np.sort(sample)])
    index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    index.hnsw.efSearch = HNSW_EF_SEARCH
    return index


def _trained_fastscan(matrix: np.ndarray) -> faiss.IndexRefine:
    n, d = matrix.shape
    if n < FASTSCAN_MIN_TRAIN or d % FASTSCAN_DIMS_PER_PART:
        raise InvalidOptionError(
            f"A {IndexKind.FASTSCAN.value} index learns its codes from at least {FASTSCAN_MIN_TRAIN} vectors "
            f"whose dimension is a multiple of {FASTSCAN_DIMS_PER_PART}; got {n} of dimension {d}. "
            f"Use {IndexKind.FLAT16.value} for these."
        )
    codes = faiss.IndexPQFastScan(d, d // FASTSCAN_DIMS_PER_PART, 4, faiss.METRIC_INNER_PRODUCT)
    codes.pq.cp.min_points_per_centroid = 1  # small corpora: no warning, the float16 copies re-score anyway
    codes.train(matrix)
    halves = faiss.IndexScalarQuantizer(d, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)
    index = faiss.IndexRefine(codes, halves)  # keeps both alive
    index.k_factor = FASTSCAN_REFINE
    return index


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


def kind_of(index: faiss.Index) -> IndexKind | None:
    """The kind of a loaded FAISS index, or None for one VectorIndex does not build."""
    if isinstance(index, faiss.IndexRefine):
        codes, halves = faiss.downcast_index(index.base_index), faiss.downcast_index(index.refine_index)
        fastscan = isinstance(codes, faiss.IndexPQFastScan) and kind_of(halves) is IndexKind.FLAT16
        return IndexKind.FASTSCAN if fastscan else None
    if isinstance(index, faiss.IndexScalarQuantizer):
        return IndexKind.FLAT16 if index.sq.qtype == faiss.ScalarQuantizer.QT_fp16 else None
    kinds = (
        (faiss.IndexHNSWFlat, IndexKind.HNSW), (faiss.IndexHNSWSQ, IndexKind.HNSW_SQ8),
        (faiss.IndexIVFFlat, IndexKind.IVF), (faiss.IndexFlat, IndexKind.FLAT),
    )
    return next((kind for cls, kind in kinds if isinstance(index, cls)), None)
