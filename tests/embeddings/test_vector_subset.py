"""A fast scan of some of an index's vectors against the index's own filtered search."""

from __future__ import annotations

import numpy as np
import pytest

from embeddings.vector_index import IndexKind, VectorIndex
from embeddings.vector_subset import Subset
from qa.errors import InvalidOptionError
from tests.embeddings.test_vector_index import DIM, clustered, unit_rows


@pytest.fixture(scope="module")
def data() -> np.ndarray:
    return clustered(3_000)


@pytest.fixture(scope="module")
def index(data: np.ndarray) -> VectorIndex:
    return VectorIndex.build(data, kind=IndexKind.FASTSCAN)


@pytest.fixture(scope="module")
def kept() -> np.ndarray:
    """Whole runs of rows, as a filter's declarations are, and scattered ones."""
    return np.unique(np.concatenate([np.arange(100, 900), np.arange(2_000, 2_600), np.arange(3, 3_000, 17)]))


def test_finds_what_the_index_finds_through_the_filter(data, index, kept) -> None:
    queries = data[::97] + 0.05 * unit_rows(len(data[::97]), seed=4)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    subset = Subset(index, kept)
    recalls = []
    for query in queries:
        scores, ids = subset.search(query, 10)
        assert ids.shape == scores.shape == (1, 10)
        assert np.isin(ids, kept).all() and np.all(np.diff(scores[0]) <= 1e-6)
        np.testing.assert_allclose(scores[0], index.scores(query, ids[0]), atol=1e-6)  # the float16 scores
        _, exact = index.search(query, 10, allowed=kept)
        recalls.append(len(set(ids[0]) & set(exact[0])) / 10)
    assert np.mean(recalls) >= 0.98


def test_ids_are_the_index_own_and_k_beyond_the_subset_returns_it_all(data, index) -> None:
    subset = Subset(index, np.array([2_999, 5, 5, 1_234]))
    assert subset.count == 3 and subset.ids.tolist() == [5, 1_234, 2_999]
    scores, ids = subset.search(data[1_234], 10)
    assert ids.shape == (1, 3) and ids[0, 0] == 1_234 and set(ids[0]) == {5, 1_234, 2_999}
    assert 3 * 2 * DIM < subset.nbytes < 3 * 4 * DIM + 64  # float16 copies, codes and ids: less than float32


@pytest.mark.parametrize("kind", [IndexKind.FLAT, IndexKind.FLAT16, IndexKind.HNSW])
def test_only_a_fast_scan_has_codes_to_share(data, kind) -> None:
    with pytest.raises(InvalidOptionError, match="pass allowed= to search"):
        Subset(VectorIndex.build(data[:200], kind=kind), np.arange(10))


@pytest.mark.parametrize(("ids", "match"), [(np.array([], dtype=np.int64), "got 0 ids"), (np.array([1, 3_000]), "from 1 to 3000")])
def test_ids_outside_the_index_are_refused(index, ids, match) -> None:
    with pytest.raises(InvalidOptionError, match=match):
        Subset(index, ids)


def test_bad_searches_are_explained(data, index) -> None:
    subset = Subset(index, np.arange(50))
    with pytest.raises(InvalidOptionError, match="at least 1"):
        subset.search(data[0], 0)
    with pytest.raises(InvalidOptionError, match="one query vector"):
        subset.search(data[:2], 3)
    with pytest.raises(InvalidOptionError, match="dimensions"):
        subset.search(np.ones(7, dtype=np.float32), 3)


def test_a_query_the_codes_cannot_rank_still_gets_distinct_ids_of_the_subset(index, kept) -> None:
    # A query orthogonal to every vector (the zero vector) ties all the codes: the fast scan then
    # returns no ids (-1), which were read as the subset's last id, again and again.
    subset = Subset(index, kept)
    for k in (1, 5, 40):
        scores, ids = subset.search(np.zeros(DIM, dtype=np.float32), k)
        assert ids.shape == (1, k) and len(set(ids[0])) == k and np.isin(ids, kept).all()
        np.testing.assert_array_equal(scores, np.zeros((1, k), dtype=np.float32))


def test_a_subset_of_every_id_finds_what_the_index_finds(data, index) -> None:
    subset = Subset(index, np.arange(index.count))
    for query in data[::500]:
        scores, ids = subset.search(query, 5)
        np.testing.assert_allclose(scores[0], index.scores(query, ids[0]), atol=1e-6)
        assert ids[0, 0] == index.search(query, 5)[1][0, 0]


def test_a_subset_of_one_id_returns_it_for_any_k(data, index) -> None:
    subset = Subset(index, np.array([7]))
    for k in (1, 2, 100):
        scores, ids = subset.search(data[3], k)
        assert ids.tolist() == [[7]]
        np.testing.assert_allclose(scores[0], index.scores(data[3], [7]), atol=1e-6)


@pytest.mark.parametrize("ids", [np.arange(3_000) % 7 == 0, np.array([1.7, 2.2])])
def test_ids_that_are_not_integers_are_refused(index, ids) -> None:
    # A bool mask was read as the ids 0 and 1: a subset of two vectors, searched without a word.
    with pytest.raises(InvalidOptionError, match="np.flatnonzero"):
        Subset(index, ids)


def test_a_subset_re_scores_as_many_as_its_index_does(data) -> None:
    # An index built to re-score only the codes' best k (effort 1) finds, for a query between
    # clusters, what its codes rank first; a subset of every id must find the same, not what a
    # wider re-scoring (FASTSCAN_REFINE x k) would.
    narrow = VectorIndex.build(data, kind=IndexKind.FASTSCAN, effort=1)
    subset = Subset(narrow, np.arange(narrow.count))
    assert subset.effort == narrow.effort == 1
    queries = (data[::61] + data[7::61][: len(data[::61])]) / 2
    for query in queries:
        assert subset.search(query, 3)[1].tolist() == narrow.search(query, 3)[1].tolist()
