"""VectorIndex against a numpy brute-force reference, with filters, edge cases and a round trip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from embeddings.vector_index import FASTSCAN_MIN_COUNT, SQ8_MIN_COUNT, IndexKind, VectorIndex, choose_kind
from qa.errors import DamagedIndexError, InvalidOptionError

DIM = 32
#: Kinds whose stored vectors are exact, so their results equal brute force (HNSW_SQ8 stores
#: 8-bit codes: tests/embeddings/test_index_kinds.py checks its recall instead; FLAT16 and
#: FASTSCAN float16 copies: checked below against brute force over those copies).
EXACT_STORAGE = [kind for kind in IndexKind if kind not in (IndexKind.HNSW_SQ8, IndexKind.FLAT16, IndexKind.FASTSCAN)]
#: How far a stored component may be from the float32 one.
TOLERANCE = {IndexKind.HNSW_SQ8: 0.02, IndexKind.FLAT16: 2.0**-11, IndexKind.FASTSCAN: 2.0**-11}


def unit_rows(n: int, d: int = DIM, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((n, d)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def clustered(n: int, d: int = DIM, seed: int = 0) -> np.ndarray:
    """Unit vectors in tight groups of about 20, as paragraphs on one topic are."""
    rng = np.random.default_rng(seed)
    centres = unit_rows(max(1, n // 20), d, seed + 1)
    rows = centres[rng.integers(0, len(centres), n)] + 0.1 * rng.standard_normal((n, d)).astype(np.float32)
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def brute_force(vectors: np.ndarray, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    scores = queries @ vectors.T
    ids = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(scores, ids, axis=1), ids


@pytest.fixture(scope="module")
def vectors() -> np.ndarray:
    return unit_rows(500)


@pytest.fixture(scope="module")
def queries() -> np.ndarray:
    return unit_rows(20, seed=1)


@pytest.mark.parametrize("k", [1, 10, 499])
def test_flat_top_k_equals_brute_force(vectors: np.ndarray, queries: np.ndarray, k: int) -> None:
    index = VectorIndex.build(vectors, kind=IndexKind.FLAT)
    scores, ids = index.search(queries, k)
    want_scores, want_ids = brute_force(vectors, queries, k)
    np.testing.assert_allclose(scores, want_scores, atol=1e-5)
    # Deep in a long list float32 rounding may swap near-ties; the ids must still score as ranked.
    np.testing.assert_allclose(np.take_along_axis(queries @ vectors.T, ids, axis=1), want_scores, atol=1e-5)
    assert (ids[:, :10] == want_ids[:, :10]).all()


def test_small_corpus_is_a_float16_scan_a_middle_one_a_fast_scan_and_large_is_a_graph() -> None:
    assert choose_kind(1) is IndexKind.FLAT16
    assert choose_kind(FASTSCAN_MIN_COUNT - 1) is IndexKind.FLAT16
    assert choose_kind(FASTSCAN_MIN_COUNT) is choose_kind(SQ8_MIN_COUNT - 1) is IndexKind.FASTSCAN
    assert choose_kind(SQ8_MIN_COUNT).is_graph
    assert VectorIndex.build(unit_rows(10)).kind is IndexKind.FLAT16


@pytest.mark.parametrize("kind", [IndexKind.FLAT16, IndexKind.FASTSCAN])
@pytest.mark.parametrize("allowed", [None, np.arange(0, 500, 7)], ids=["all", "filtered"])
def test_a_float16_scan_ranks_as_brute_force_over_its_float16_copies(
    vectors: np.ndarray, queries: np.ndarray, allowed: np.ndarray | None, kind: IndexKind
) -> None:
    """A fast scan's codes only choose which rows the float16 copies rank: here all 500."""
    index = VectorIndex.build(vectors, kind=kind)
    scores, ids = index.search(queries, 10, allowed=allowed, effort=50)
    rows = np.arange(500) if allowed is None else allowed
    halves = vectors[rows].astype(np.float16).astype(np.float32)
    want_scores, want = brute_force(halves, queries, 10)
    np.testing.assert_array_equal(ids, rows[want])
    np.testing.assert_allclose(scores, want_scores, atol=1e-5)
    # and within float16's rounding of the float32 scores, with the same best row
    np.testing.assert_allclose(scores, np.take_along_axis(queries @ vectors.T, ids, axis=1), atol=2e-3)
    assert (ids[:, 0] == rows[brute_force(vectors[rows], queries, 1)[1][:, 0]]).all()
    assert index.reconstruct(ids[0]).dtype == np.float32


@pytest.mark.parametrize("kind", [IndexKind.HNSW, IndexKind.IVF])
def test_approximate_recall_at_10_against_exact(kind: IndexKind) -> None:
    data = clustered(5_000)
    rng = np.random.default_rng(2)
    held_out = data[rng.choice(len(data), 100, replace=False)] + 0.05 * rng.standard_normal((100, DIM)).astype(np.float32)
    held_out /= np.linalg.norm(held_out, axis=1, keepdims=True)
    _, exact = brute_force(data, held_out, 10)
    _, found = VectorIndex.build(data, kind=kind).search(held_out, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, exact)])
    assert recall >= 0.99


@pytest.mark.parametrize("kind", EXACT_STORAGE)
@pytest.mark.parametrize("as_mask", [True, False])
def test_allowed_restricts_results(vectors: np.ndarray, queries: np.ndarray, kind: IndexKind, as_mask: bool) -> None:
    index = VectorIndex.build(vectors, kind=kind)
    allowed_ids = np.arange(0, 500, 7)
    allowed = np.isin(np.arange(500), allowed_ids) if as_mask else allowed_ids
    scores, ids = index.search(queries, 10, allowed=allowed)
    assert ids.shape == (20, 10)
    assert np.isin(ids, allowed_ids).all()
    _, want = brute_force(vectors[allowed_ids], queries, 10)
    np.testing.assert_array_equal(ids, allowed_ids[want])


@pytest.mark.parametrize("kind", list(IndexKind))
def test_fewer_allowed_than_k_trims_never_minus_one(vectors: np.ndarray, queries: np.ndarray, kind: IndexKind) -> None:
    index = VectorIndex.build(vectors, kind=kind)
    scores, ids = index.search(queries, 10, allowed=np.array([3, 42, 99]))
    assert ids.shape == scores.shape == (20, 3)
    assert set(ids.ravel()) == {3, 42, 99}
    empty_scores, empty_ids = index.search(queries, 10, allowed=np.zeros(500, dtype=bool))
    assert empty_ids.shape == empty_scores.shape == (20, 0)


@pytest.mark.parametrize("kind", list(IndexKind))
def test_k_larger_than_count_returns_every_row(kind: IndexKind) -> None:
    data = unit_rows(40)
    scores, ids = VectorIndex.build(data, kind=kind).search(data[0], 100)
    assert ids.shape == (1, 40)
    assert sorted(ids[0].tolist()) == list(range(40))
    assert ids[0, 0] == 0 and np.all(np.diff(scores[0]) <= 1e-6)


def test_one_dimensional_query_and_reconstruct(vectors: np.ndarray) -> None:
    index = VectorIndex.build(vectors, kind=IndexKind.HNSW)
    _, ids = index.search(vectors[5], 1)
    assert ids.tolist() == [[5]]
    np.testing.assert_allclose(index.reconstruct([5, 6]), vectors[5:7])
    assert (index.dimension, index.count, len(index)) == (DIM, 500, 500)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda ix, q: ix.search(q, 0), "k must be"),
        (lambda ix, q: ix.search(q[:, :5], 3), "dimensions"),
        (lambda ix, q: ix.search(q, 3, allowed=np.ones(3, dtype=bool)), "one entry per vector"),
        (lambda ix, q: ix.search(q, 3, allowed=np.array([1, 500])), "0..499"),
        (lambda ix, q: ix.search(q * np.nan, 3), "finite"),
        (lambda ix, q: ix.reconstruct([-1]), "0..499"),
    ],
)
def test_bad_search_arguments_are_explained(vectors: np.ndarray, queries: np.ndarray, call, match: str) -> None:
    with pytest.raises(InvalidOptionError, match=match):
        call(VectorIndex.build(vectors), queries)


def test_build_rejects_unnormalised_vectors() -> None:
    with pytest.raises(InvalidOptionError, match="L2-normalised.*normalize_embeddings"):
        VectorIndex.build(2 * unit_rows(5))


@pytest.mark.parametrize("mmap", [False, True], ids=["read", "mmap"])
@pytest.mark.parametrize("kind", list(IndexKind))
def test_save_load_round_trip(tmp_path: Path, vectors: np.ndarray, queries: np.ndarray, kind: IndexKind, mmap: bool) -> None:
    index = VectorIndex.build(vectors, kind=kind)
    index.save(tmp_path / "vectors.faiss")
    loaded = VectorIndex.load(tmp_path / "vectors.faiss", dimension=DIM, count=500, mmap=mmap)
    assert loaded.kind is kind
    assert [p.name for p in tmp_path.iterdir()] == ["vectors.faiss"]  # no temporary left behind
    for before, after in zip(index.search(queries, 10), loaded.search(queries, 10)):
        np.testing.assert_array_equal(before, after)
    np.testing.assert_array_equal(loaded.reconstruct([0, 7, 499]), index.reconstruct([0, 7, 499]))
    np.testing.assert_array_equal(loaded.scores(queries[0], [7, 0]), index.scores(queries[0], [7, 0]))


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


@pytest.mark.parametrize(
    ("spoil", "match"),
    [
        (_truncated, "cannot be read"),
        (lambda p: p.write_bytes(b""), "cannot be read"),
        (lambda p: p.write_bytes(b"not a faiss index at all" * 10), "cannot be read"),
        (lambda p: p.unlink(), "missing"),
    ],
    ids=["truncated", "zero-byte", "junk", "missing"],
)
@pytest.mark.parametrize("mmap", [False, True], ids=["read", "mmap"])
def test_load_of_damaged_file_raises(tmp_path: Path, vectors: np.ndarray, spoil, match: str, mmap: bool) -> None:
    path = tmp_path / "vectors.faiss"
    VectorIndex.build(vectors).save(path)
    spoil(path)
    with pytest.raises(DamagedIndexError, match=f"{match}.*Rebuild the index"):
        VectorIndex.load(path, dimension=DIM, count=500, mmap=mmap)


@pytest.mark.parametrize(("dimension", "count"), [(DIM + 1, 500), (DIM, 499)])
def test_load_with_wrong_shape_raises(tmp_path: Path, vectors: np.ndarray, dimension: int, count: int) -> None:
    path = tmp_path / "vectors.faiss"
    VectorIndex.build(vectors).save(path)
    with pytest.raises(DamagedIndexError, match=f"holds 500 vectors of dimension {DIM}; the manifest expects"):
        VectorIndex.load(path, dimension=dimension, count=count)


def test_load_rejects_l2_index(tmp_path: Path, vectors: np.ndarray) -> None:
    import faiss

    l2 = faiss.IndexFlatL2(DIM)
    l2.add(vectors)
    faiss.write_index(l2, str(tmp_path / "l2.faiss"))
    with pytest.raises(DamagedIndexError, match="not an inner-product index"):
        VectorIndex.load(tmp_path / "l2.faiss", dimension=DIM, count=500)


def test_imports_before_qa() -> None:
    """qa imports this module; importing it first must not be circular."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", "import embeddings.vector_index"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("kind", [IndexKind.HNSW, IndexKind.IVF])
@pytest.mark.parametrize("allowed_ids", [np.arange(0, 500, 7), np.array([3, 42, 99])], ids=["many", "three"])
def test_filtered_graph_walk_matches_brute_force(
    monkeypatch: pytest.MonkeyPatch, vectors: np.ndarray, queries: np.ndarray, kind: IndexKind, allowed_ids: np.ndarray
) -> None:
    """Large filters walk the graph (or cells) with a selector; short rows are re-searched exactly."""
    import embeddings.vector_index as module

    monkeypatch.setattr(module, "FLAT_MAX_COUNT", 0)
    monkeypatch.setattr(module, "FILTER_EXACT_SHARE", 0.0)
    index = VectorIndex.build(vectors, kind=kind)
    scores, ids = index.search(queries, 10, allowed=allowed_ids)
    _, want = brute_force(vectors[allowed_ids], queries, 10)
    np.testing.assert_array_equal(ids, allowed_ids[want])
    assert (ids >= 0).all()


def test_rows_left_short_by_a_narrow_walk_are_searched_exactly(
    monkeypatch: pytest.MonkeyPatch, vectors: np.ndarray, queries: np.ndarray
) -> None:
    import embeddings.vector_index as module

    monkeypatch.setattr(module, "FLAT_MAX_COUNT", 0)
    monkeypatch.setattr(module, "FILTER_EXACT_SHARE", 0.0)
    monkeypatch.setattr(module, "FILTER_BREADTH", 0)  # one IVF cell: most allowed ids lie elsewhere
    allowed_ids = np.arange(0, 500, 50)
    _, ids = VectorIndex.build(vectors, kind=IndexKind.IVF).search(queries, 10, allowed=allowed_ids)
    _, want = brute_force(vectors[allowed_ids], queries, 10)
    np.testing.assert_array_equal(ids, allowed_ids[want])


@pytest.mark.parametrize("kind", list(IndexKind))
def test_reconstruct_gives_the_stored_vectors_of_every_kind(vectors: np.ndarray, kind: IndexKind) -> None:
    index = VectorIndex.build(vectors, kind=kind)
    ids = np.array([499, 0, 7, 7, 250])
    got = index.reconstruct(ids)
    # SQ8 stores 8-bit codes of each dimension, FLAT16 float16 copies: close to the vectors, not equal.
    np.testing.assert_allclose(got, vectors[ids], atol=TOLERANCE.get(kind, 1e-6))
    np.testing.assert_allclose(got, np.stack([index.reconstruct([i])[0] for i in ids]), atol=1e-6)


@pytest.mark.parametrize("kind", [IndexKind.FLAT, IndexKind.FLAT16, IndexKind.FASTSCAN])
def test_reconstruct_of_a_scan_is_a_copy(vectors: np.ndarray, kind: IndexKind) -> None:
    index = VectorIndex.build(vectors, kind=kind)
    got = index.reconstruct([3])
    got[:] = 0.0
    np.testing.assert_allclose(index.reconstruct([3])[0], vectors[3], atol=TOLERANCE.get(kind, 1e-6))
    _, ids = index.search(vectors[3], 1)
    assert ids.tolist() == [[3]]


@pytest.mark.parametrize("kind", list(IndexKind))
def test_scores_are_the_inner_products_of_the_stored_vectors_in_the_order_asked(
    vectors: np.ndarray, queries: np.ndarray, kind: IndexKind
) -> None:
    index = VectorIndex.build(vectors, kind=kind)
    ids = np.array([499, 0, 7, 7, 250, 3])  # any order, repeats kept
    got = index.scores(queries[2], ids)
    assert got.dtype == np.float32 and got.shape == (6,)
    np.testing.assert_allclose(got, index.reconstruct(ids) @ queries[2], atol=1e-5)
    np.testing.assert_allclose(got, vectors[ids] @ queries[2], atol=TOLERANCE.get(kind, 1e-6) * 4)
    assert index.scores(queries[2], np.array([], dtype=np.int64)).shape == (0,)


def test_scores_refuse_ids_outside_the_index_and_more_than_one_query(vectors: np.ndarray, queries: np.ndarray) -> None:
    index = VectorIndex.build(vectors, kind=IndexKind.FLAT16)
    with pytest.raises(InvalidOptionError, match=r"ids must lie in 0\.\.499"):
        index.scores(queries[0], [3, 500])
    with pytest.raises(InvalidOptionError, match=r"ids must lie in 0\.\.499"):
        index.scores(queries[0], [-1, 3])
    with pytest.raises(InvalidOptionError, match="one query vector; got 2"):
        index.scores(queries[:2], [3])


@pytest.mark.parametrize("mmap", [False, True])
@pytest.mark.parametrize("kind", [IndexKind.FLAT16, IndexKind.FASTSCAN])
def test_float16_vectors_decode_as_numpy_converts_them(kind, mmap, tmp_path) -> None:
    """reconstruct() decodes the float16 copies with FAISS (sa_decode): bit for bit numpy's
    conversion, for vectors whose components are subnormal, tiny or exactly representable."""
    vectors = unit_rows(400, 34, seed=9)
    vectors[:50] = 0.0
    vectors[:50, 0], vectors[:50, 1] = 1.0, 3e-6  # a component float16 holds as a subnormal
    vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    built = VectorIndex.build(vectors, kind=kind)
    built.save(tmp_path / "v.faiss")
    index = VectorIndex.load(tmp_path / "v.faiss", dimension=34, count=400, mmap=mmap)
    ids = np.array([0, 399, 3, 3, 49, 50, 200])
    np.testing.assert_array_equal(index.reconstruct(ids), index.stored()[ids].astype(np.float32))
    np.testing.assert_array_equal(index.reconstruct(ids), built.reconstruct(ids))
    assert index.reconstruct(ids).dtype == np.float32 and np.abs(index.reconstruct([0])[0, 1] - 3e-6) < 1e-7
