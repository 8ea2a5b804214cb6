"""The approximate kinds against a brute-force reference on vectors shaped like the model's: HNSW
over 8-bit codes (its threshold lowered) and the fast scan of 4-bit codes re-scored in float16."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import embeddings.index_kinds as kinds
from embeddings.index_kinds import FASTSCAN_MIN_COUNT, SQ8_MIN_COUNT, IndexKind, choose_kind
from embeddings.vector_index import VectorIndex
from qa.errors import InvalidOptionError

DIM = 384  # as all-MiniLM-L6-v2: 8-bit codes lose less in more dimensions


def _shaped(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    """Gaussian rows with a decaying spectrum (axis i spreads as i ** -0.3), expected norm 1."""
    spectrum = np.arange(1, d + 1) ** -0.3
    return (rng.standard_normal((n, d)) * (spectrum / np.linalg.norm(spectrum))).astype(np.float32)


def clustered(n: int, *, d: int = DIM, seed: int = 0) -> np.ndarray:
    """Unit vectors shaped like all-MiniLM-L6-v2 paragraphs: a direction all share, declarations of
    60 rows, topics of 12 within them, each row's own scatter (benchmarks/scale.py's calibrated
    "declarations" shape: nearest-neighbour cosine 0.72 where the real corpus has 0.71)."""
    rng = np.random.default_rng(seed)
    shared = 0.78 * _shaped(rng, 1, d)[0] / np.linalg.norm(_shaped(rng, 1, d)[0])
    documents = _shaped(rng, max(1, n // 60), d)
    topics = 0.8 * documents[rng.integers(0, len(documents), max(1, n // 12))] + 0.6 * _shaped(rng, max(1, n // 12), d)
    rows = shared + topics[rng.integers(0, len(topics), n)] + 0.9 * _shaped(rng, n, d)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def near(data: np.ndarray, n: int, seed: int = 1) -> np.ndarray:
    """Held-out queries near stored vectors (cosine about 0.9), as a question is near its paragraph."""
    rng = np.random.default_rng(seed)
    rows = data[rng.choice(len(data), n, replace=False)] + 0.5 * _shaped(rng, n, data.shape[1])
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def recall_at_10(found: np.ndarray, data: np.ndarray, queries: np.ndarray, allowed: np.ndarray | None = None) -> float:
    scores = queries @ data.T
    if allowed is not None:
        scores[:, ~allowed] = -np.inf
    exact = np.argsort(-scores, axis=1)[:, :10]
    return float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, exact)]))


def test_sizes_get_a_float16_scan_then_a_fast_scan_then_a_compressed_graph() -> None:
    assert FASTSCAN_MIN_COUNT < SQ8_MIN_COUNT
    assert choose_kind(1) is choose_kind(FASTSCAN_MIN_COUNT - 1) is IndexKind.FLAT16
    assert choose_kind(FASTSCAN_MIN_COUNT) is choose_kind(SQ8_MIN_COUNT - 1) is IndexKind.FASTSCAN
    assert choose_kind(SQ8_MIN_COUNT) is choose_kind(10 * SQ8_MIN_COUNT) is IndexKind.HNSW_SQ8


@pytest.fixture
def lowered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kinds, "SQ8_MIN_COUNT", 1_000)


def test_above_the_threshold_recall_at_10_loses_at_most_one_percent(lowered) -> None:
    data = clustered(4_000)
    queries = near(data, 200)
    index = VectorIndex.build(data)
    assert index.kind is IndexKind.HNSW_SQ8
    scores, ids = index.search(queries, 10)
    assert (ids >= 0).all() and recall_at_10(ids, data, queries) >= 0.99
    # Scores are cosines read from 8-bit codes: close to the exact ones of the same rows.
    exact = np.take_along_axis(queries @ data.T, ids, axis=1)
    assert np.abs(scores - exact).max() < 0.01


@pytest.mark.parametrize("share", [0.05, 0.5], ids=["exact scan of codes", "graph walk"])
def test_filtered_search_keeps_to_allowed_ids_and_recall(lowered, share: float) -> None:
    data = clustered(4_000, seed=3)
    queries = near(data, 100, seed=4)
    allowed = np.random.default_rng(5).random(len(data)) < share
    index = VectorIndex.build(data)
    _, ids = index.search(queries, 10, allowed=allowed)
    assert allowed[ids].all()
    assert recall_at_10(ids, data, queries, allowed) >= 0.99


def test_codes_take_about_a_third_of_the_memory(tmp_path: Path) -> None:
    data = clustered(2_000, d=384)
    sizes = {}
    for kind in (IndexKind.HNSW, IndexKind.HNSW_SQ8):
        VectorIndex.build(data, kind=kind).save(tmp_path / f"{kind.value}.faiss")
        sizes[kind] = (tmp_path / f"{kind.value}.faiss").stat().st_size
    assert sizes[IndexKind.HNSW_SQ8] < 0.45 * sizes[IndexKind.HNSW]
    loaded = VectorIndex.load(tmp_path / "hnsw-sq8.faiss", dimension=384, count=2_000, mmap=True)
    assert loaded.kind is IndexKind.HNSW_SQ8
    np.testing.assert_allclose(loaded.reconstruct([0, 1]), data[:2], atol=0.02)


def recall_at(found: np.ndarray, data: np.ndarray, queries: np.ndarray, k: int) -> float:
    exact = np.argsort(-(queries @ data.T), axis=1)[:, :k]
    return float(np.mean([len(set(a) & set(b)) / k for a, b in zip(found, exact)]))


def test_a_fast_scan_keeps_the_exact_top_10_and_nearly_all_the_top_100() -> None:
    """A search asks for 100 candidates: the 4-bit codes pick 300, the float16 copies rank them."""
    data = clustered(FASTSCAN_MIN_COUNT, seed=6)
    queries = near(data, 100, seed=7)
    index = VectorIndex.build(data)
    assert index.kind is IndexKind.FASTSCAN
    scores, ids = index.search(queries, 100)
    assert ids.shape == (100, 100) and (ids >= 0).all()
    assert recall_at(ids[:, :10], data, queries, 10) >= 0.99
    assert recall_at(ids, data, queries, 100) >= 0.95  # 0.966 here; 0.997-0.998 on the real ../shared vectors
    # the scores are the float16 copies' cosines, best first
    np.testing.assert_allclose(scores, np.take_along_axis(queries @ data.T, ids, axis=1), atol=2e-3)
    assert (np.diff(scores, axis=1) <= 1e-6).all()
    # a narrower breadth keeps fewer: the codes alone are not what ranks
    _, narrow = index.search(queries, 100, effort=1)
    assert recall_at(narrow, data, queries, 100) < recall_at(ids, data, queries, 100)


@pytest.mark.parametrize("share", [0.1, 0.7, 0.9], ids=["exact scan of copies", "fast scan, wider", "fast scan"])
def test_a_filtered_fast_scan_keeps_to_allowed_ids_and_recall(share: float) -> None:
    data = clustered(FASTSCAN_MIN_COUNT, seed=8)
    queries = near(data, 50, seed=9)
    allowed = np.random.default_rng(10).random(len(data)) < share
    index = VectorIndex.build(data)
    scores, ids = index.search(queries, 100, allowed=allowed)
    assert ids.shape == (50, 100) and allowed[ids].all()
    assert recall_at_10(ids[:, :10], data, queries, allowed) >= 0.99
    assert (np.diff(scores, axis=1) <= 1e-6).all()


def test_a_filter_far_from_the_question_still_gets_k_rows_by_an_exact_scan() -> None:
    """Allowed: the rows least like the query, so the fast scan's widest list holds none of them."""
    data = clustered(FASTSCAN_MIN_COUNT, seed=11)
    query = near(data, 1, seed=12)
    cosines = data @ query[0]
    allowed = cosines < np.quantile(cosines, 0.6)
    scores, ids = VectorIndex.build(data).search(query, 10, allowed=allowed)
    halves = data.astype(np.float16).astype(np.float32) @ query[0]  # what the exact scan ranks by
    want = np.flatnonzero(allowed)[np.argsort(-halves[allowed])[:10]]
    assert ids.shape == (1, 10) and set(ids[0]) == set(want)


def test_a_fast_scan_of_too_few_vectors_is_refused_with_the_kind_to_use() -> None:
    with pytest.raises(InvalidOptionError, match="at least 16 vectors.*got 15 of dimension 384.*flat-fp16"):
        VectorIndex.build(clustered(15), kind=IndexKind.FASTSCAN)


def test_an_odd_dimension_gets_the_float16_scan_where_a_fast_scan_cannot_cut_it() -> None:
    assert choose_kind(FASTSCAN_MIN_COUNT, 33) is IndexKind.FLAT16
    index = VectorIndex.build(clustered(FASTSCAN_MIN_COUNT, d=33))
    assert index.kind is IndexKind.FLAT16
    with pytest.raises(InvalidOptionError, match="multiple of 2.*dimension 33.*flat-fp16"):
        VectorIndex.build(clustered(100, d=33), kind=IndexKind.FASTSCAN)


@pytest.mark.parametrize("share", [0.5, 1.0], ids=["half: exact scan of copies", "all: as unfiltered"])
def test_a_fast_scan_filter_at_the_edges(share: float) -> None:
    data = clustered(FASTSCAN_MIN_COUNT, seed=13)
    queries = near(data, 20, seed=14)
    allowed = np.zeros(len(data), dtype=bool)
    allowed[: int(share * len(data))] = True  # whole declarations lie together
    index = VectorIndex.build(data)
    scores, ids = index.search(queries, 10, allowed=allowed)
    assert allowed[ids].all() and recall_at_10(ids, data, queries, allowed) >= 0.99
    if share == 1.0:
        np.testing.assert_array_equal(ids, index.search(queries, 10)[1])


def test_a_mapped_fast_scan_filters_as_the_one_read(tmp_path: Path) -> None:
    data = clustered(FASTSCAN_MIN_COUNT, seed=15)
    queries = near(data, 20, seed=16)
    index = VectorIndex.build(data)
    index.save(tmp_path / "fast.faiss")
    mapped = VectorIndex.load(tmp_path / "fast.faiss", dimension=DIM, count=len(data), mmap=True)
    for share in (0.1, 0.8):
        allowed = np.random.default_rng(17).random(len(data)) < share
        for before, after in zip(index.search(queries, 10, allowed=allowed), mapped.search(queries, 10, allowed=allowed)):
            np.testing.assert_array_equal(before, after)


def test_a_fast_scan_takes_an_eighth_more_than_float16_copies(tmp_path: Path) -> None:
    data = clustered(2_000)
    sizes = {}
    for kind in (IndexKind.FLAT16, IndexKind.FASTSCAN):
        VectorIndex.build(data, kind=kind).save(tmp_path / f"{kind.value}.faiss")
        sizes[kind] = (tmp_path / f"{kind.value}.faiss").stat().st_size
    assert sizes[IndexKind.FASTSCAN] < 1.15 * sizes[IndexKind.FLAT16]
    loaded = VectorIndex.load(tmp_path / "fastscan-fp16.faiss", dimension=DIM, count=2_000, mmap=True)
    assert loaded.kind is IndexKind.FASTSCAN
    np.testing.assert_allclose(loaded.reconstruct([0, 1]), data[:2], atol=2.0**-11)
