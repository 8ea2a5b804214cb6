"""A filter searched again scans its own vectors: built once, kept within bounds, ranked as its mask."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from qa.search.fusion import Weights
from qa.search.retrieval import HybridIndex
from tests.qa.search.test_retrieval import _fields, _groups


@pytest.fixture
def index(tiny_passages, fake_encoder) -> HybridIndex:
    """Five paragraphs: their vector sets are float16 scans, which take a filter themselves."""
    texts = [p["text"] for p in tiny_passages]
    return HybridIndex.build(texts, fake_encoder, fields=_fields(tiny_passages), groups=_groups(tiny_passages))


TOPICS = ["trade", "Georgia", "navigation", "fraud", "climate", "vaccines", "Afghanistan", "ransomware"]


@pytest.fixture
def fast_index(fake_encoder) -> HybridIndex:
    """80 paragraphs of two sentences whose vector sets are fast scans, as from 10,000 vectors."""
    from embeddings.vector_index import IndexKind, VectorIndex

    def name(i: int) -> str:  # a word of each paragraph's own, so that no two vectors tie
        return "abcdefghij"[i % 10] + "klmnopqrst"[i // 10] + "zed"

    texts = [f"Paragraph {name(i)} speaks of {TOPICS[i % 8]} and {TOPICS[i * 3 % 8]}. Leaders met on {TOPICS[i % 5]} "
             f"with {name(79 - i)} {name(i * 7 % 80)}." for i in range(80)]
    built = HybridIndex.build(texts, fake_encoder, fields=[f"Declaration {i // 10}" for i in range(80)],
                              groups=[f"d{i // 10}" for i in range(80)])

    noise = np.random.default_rng(0)

    def fast(vectors: VectorIndex) -> VectorIndex:  # a little noise: the hashed words' cosines tie
        stored = vectors.reconstruct(np.arange(vectors.count))
        return VectorIndex.build(_unit(stored + 0.02 * noise.standard_normal(stored.shape)), kind=IndexKind.FASTSCAN)

    parts = dataclasses.replace(built._p, paragraph_vectors=fast(built._p.paragraph_vectors),
                                sentence_vectors=fast(built._p.sentence_vectors))
    # 30 candidates of 40 allowed: the scans are searched, and their codes' best 3 x 30 are all the
    # allowed, so what they find is exact, as the filtered scan's (the approximation is
    # tests/embeddings/test_vector_subset.py's to measure).
    index = HybridIndex(fake_encoder, parts, weights=Weights(candidates=30))
    assert index._p.paragraph_vectors.kind is IndexKind.FASTSCAN
    return index


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _ready(index: HybridIndex, narrowed):
    return index._scans.kept[narrowed].result(timeout=60)


QUESTIONS = ["Georgia and fraud", "What did leaders say on climate?", "vaccines with dmzed", "trade navigation"]


def test_a_filter_searched_again_searches_scans_of_its_own_and_ranks_the_same(fast_index, monkeypatch) -> None:
    mask = np.zeros(fast_index.size, dtype=bool)
    mask[10:50] = True
    narrowed = fast_index.narrowed(mask)
    expected = [fast_index.search(q, k=4, allowed=mask) for q in QUESTIONS]
    assert fast_index.search(QUESTIONS[0], k=4, allowed=narrowed) == expected[0]
    assert narrowed not in fast_index._scans.kept  # one search: nothing built
    assert fast_index.search(QUESTIONS[0], k=4, allowed=narrowed) == expected[0]
    paragraphs, sentences = _ready(fast_index, narrowed)  # built from the second search
    assert paragraphs.ids.tolist() == list(range(10, 50))
    assert sentences.count == int(narrowed.sentences.sum()) == 80

    def no_filtered_scan(*args, **kwargs):
        raise AssertionError("the filter's own scans should have been searched")

    monkeypatch.setattr(fast_index._p.paragraph_vectors, "search", no_filtered_scan)
    monkeypatch.setattr(fast_index._p.sentence_vectors, "search", no_filtered_scan)
    assert [fast_index.search(q, k=4, allowed=narrowed) for q in QUESTIONS] == expected


def test_an_index_keeps_the_scans_of_four_filters_and_a_fifth_takes_the_place_of_one_left_idle(fast_index) -> None:
    from qa.search.filter_scans import SUBSET_IDLE_SEARCHES, SUBSETS_KEPT

    fast_index.weights = Weights(candidates=5)  # filters of 16 paragraphs are searched by vector
    filters = []
    for start in range(SUBSETS_KEPT + 1):  # 48 vectors each: four hold fewer than the index's 240
        mask = np.zeros(fast_index.size, dtype=bool)
        mask[start * 16 : start * 16 + 16] = True
        filters.append(fast_index.narrowed(mask))
        for _ in range(2):
            fast_index.search("Georgia", k=3, allowed=filters[-1])
    assert list(fast_index._scans.kept) == filters[:SUBSETS_KEPT]  # the fifth waits: the others are in use
    for _ in range(SUBSET_IDLE_SEARCHES):  # the fifth, and the others but the first, searched again
        for kept in [filters[-1], *filters[1:SUBSETS_KEPT]]:
            fast_index.search("Georgia", k=3, allowed=kept)
    assert set(fast_index._scans.kept) == set(filters[1:])  # the first, left idle, gave its place
    _ready(fast_index, filters[-1])


def test_scans_that_cannot_be_built_leave_the_filter_searched_as_before(fast_index, monkeypatch, caplog) -> None:
    import qa.search.filter_scans as filter_scans

    def no_memory(*args, **kwargs):
        raise MemoryError("no room for the scans")

    monkeypatch.setattr(filter_scans, "Subset", no_memory)
    mask = np.arange(fast_index.size) % 2 == 0
    narrowed = fast_index.narrowed(mask)
    with caplog.at_level("WARNING", logger="qa.search.filter_scans"):
        for _ in range(2):
            fast_index.search("climate", k=3, allowed=narrowed)
        with pytest.raises(MemoryError):
            _ready(fast_index, narrowed)
        assert fast_index.search("climate", k=3, allowed=narrowed) == fast_index.search("climate", k=3, allowed=mask)
    assert "could not be built" in caplog.text


def test_a_scan_index_takes_the_filter_itself(index) -> None:
    narrowed = index.narrowed(np.array([True, True, False, True, False]))
    for _ in range(3):
        hits = index.search("NATO Russia", k=5, allowed=narrowed)
    assert {h.row for h in hits} <= {0, 1, 3} and not index._scans.kept


@pytest.mark.parametrize("allowed", [np.ones(4, dtype=bool), np.ones(5, dtype=np.int64)])
def test_a_filter_is_one_bool_per_paragraph(index, allowed) -> None:
    with pytest.raises(ValueError, match="one bool per paragraph"):
        index.narrowed(allowed)


def test_the_scans_kept_hold_no_more_vectors_than_the_index(fast_index) -> None:
    from qa.search.filter_scans import SUBSET_IDLE_SEARCHES

    wide = []
    for start in (0, 20):  # 60 of 80 paragraphs each (180 vectors): two would hold more than the index's 240
        mask = np.zeros(fast_index.size, dtype=bool)
        mask[start : start + 40] = True
        mask[(start + 60) % 80 : (start + 60) % 80 + 20] = True
        wide.append(fast_index.narrowed(mask))
        for _ in range(2):
            fast_index.search("Georgia", k=3, allowed=wide[-1])
    assert list(fast_index._scans.kept) == [wide[0]]  # the second waits: the first is in use
    narrow = fast_index.narrowed(np.arange(fast_index.size) < 35)  # 105 vectors: beside 180, too many
    for _ in range(SUBSET_IDLE_SEARCHES + 1):
        fast_index.search("Georgia", k=3, allowed=narrow)
    assert list(fast_index._scans.kept) == [narrow]  # the wide ones, left idle, made room


def test_a_filter_made_by_another_index_never_lets_other_rows_in(fake_encoder) -> None:
    # A caller may hand one index another's filter: before qa.library_state, a search that began
    # on the old index during Library.add or remove was handed the new one's. Its sentence mask
    # then allowed the other index's sentences, whose rows the filter excludes.
    texts = ["Alpha paragraph on trade. Tariffs were cut.", "Bravo paragraph on climate. Emissions must fall.",
             "Charlie paragraph on vaccines. Doses were shared.", "Delta paragraph on fraud and gambling."]

    def splitting(first: str):
        def split(text: str) -> list[tuple[int, int]]:
            if not text.startswith(first):
                return [(0, len(text))]
            cut = text.index(". ") + 1
            return [(0, cut), (cut + 1, len(text))]
        return split

    def index(first: str) -> HybridIndex:
        built = HybridIndex.build(texts, fake_encoder, split=splitting(first))
        return HybridIndex(fake_encoder, built._p, weights=Weights(candidates=1))  # the vectors are searched

    before, after = index("Alpha"), index("Bravo")
    assert len(before._p.spans) == len(after._p.spans) == 5  # the same count, not the same rows
    mask = np.array([True, False, True, False])
    question = "Bravo paragraph on climate"
    hits = after.search(question, k=1, allowed=before.narrowed(mask))  # k=1: 2 rows > 1 candidate
    assert {h.row for h in hits} <= {0, 2}
    assert hits == after.search(question, k=1, allowed=mask)


def _gated_subsets(monkeypatch):
    """Make the filter scans wait for the returned event: a build that takes as long as a test needs."""
    import threading

    import qa.search.filter_scans as filter_scans

    gate, real = threading.Event(), filter_scans.Subset

    def slow(vectors, ids):
        assert gate.wait(60), "the test never let the build finish"
        return real(vectors, ids)

    monkeypatch.setattr(filter_scans, "Subset", slow)
    return gate


def _builders() -> list:
    import threading

    return [t for t in threading.enumerate() if t.name == "qa-filter-scans"]


def _join_builders() -> None:
    """Wait for every filter-scan builder (an earlier test's too) to end."""
    for thread in _builders():
        thread.join(60)


def _masks(index: HybridIndex, count: int) -> list[np.ndarray]:
    masks = []
    for start in range(count):
        mask = np.zeros(index.size, dtype=bool)
        mask[start * 12 : start * 12 + 16] = True
        masks.append(mask)
    return masks


def test_an_index_builds_one_filter_scan_at_a_time(fast_index, monkeypatch) -> None:
    # A web app whose users keep more filters than the index keeps scans of: each search of a
    # filter whose scans were let go started another build on a thread of its own, however many
    # were running (12 at once after these 18 searches).
    from qa.search.filter_scans import SUBSETS_KEPT

    fast_index.weights = Weights(candidates=5)  # filters of 16 paragraphs are searched by vector
    _join_builders()
    gate = _gated_subsets(monkeypatch)
    masks = _masks(fast_index, SUBSETS_KEPT + 2)
    filters = [fast_index.narrowed(mask) for mask in masks]
    try:
        for _ in range(3):
            for narrowed in filters:
                fast_index.search("Georgia", k=3, allowed=narrowed)
        running = _builders()
    finally:
        gate.set()
    _join_builders()
    assert len(running) == 1
    for narrowed in filters[:SUBSETS_KEPT]:  # the first four were built in turn; the others wait
        assert _ready(fast_index, narrowed)[0].count == 16
    for narrowed, mask in zip(filters, masks):  # and every filter ranks as its mask does
        assert fast_index.search("Georgia fraud", k=3, allowed=narrowed) == fast_index.search("Georgia fraud", k=3, allowed=mask)
    assert list(fast_index._scans.kept) == filters[:SUBSETS_KEPT]
    _join_builders()


def test_threads_searching_one_filter_at_once_build_its_scans_once_and_rank_as_its_mask(fast_index, monkeypatch) -> None:
    import threading

    import qa.search.filter_scans as filter_scans

    calls, real = [], filter_scans.Subset
    monkeypatch.setattr(filter_scans, "Subset", lambda vectors, ids: calls.append(len(ids)) or real(vectors, ids))
    mask = np.zeros(fast_index.size, dtype=bool)
    mask[20:70] = True
    narrowed = fast_index.narrowed(mask)
    expected = {q: fast_index.search(q, k=4, allowed=mask) for q in QUESTIONS}
    start, found, errors = threading.Barrier(6), [], []

    def ask() -> None:
        try:
            start.wait(30)
            for _ in range(4):
                found.extend((q, fast_index.search(q, k=4, allowed=narrowed)) for q in QUESTIONS)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    _ready(fast_index, narrowed)
    assert not errors and len(found) == 6 * 4 * len(QUESTIONS)
    assert all(hits == expected[q] for q, hits in found)
    assert sorted(calls) == [50, 100]  # one build: the paragraphs and their sentences, once
    assert narrowed.searches == len(found)


def test_a_filter_of_every_row_builds_no_scans(fast_index) -> None:
    # A Narrowed that allows every row searches as no filter does; a scan of its own would hold
    # a second float16 copy of every vector (41 MB over the whole ../shared library).
    narrowed = fast_index.narrowed(np.ones(fast_index.size, dtype=bool))
    for _ in range(3):
        hits = fast_index.search("climate", k=3, allowed=narrowed)
    _join_builders()
    assert not fast_index._scans.kept
    assert hits == fast_index.search("climate", k=3)


def test_a_process_does_not_fork_while_a_filter_scan_is_built(fast_index, monkeypatch) -> None:
    from qa.side_threads import fork_is_safe

    _join_builders()
    before = fork_is_safe()
    gate = _gated_subsets(monkeypatch)
    narrowed = fast_index.narrowed(np.arange(fast_index.size) < 60)
    try:
        for _ in range(2):
            fast_index.search("trade", k=3, allowed=narrowed)
        assert len(_builders()) == 1 and not fork_is_safe()
    finally:
        gate.set()
    _ready(fast_index, narrowed)
    _join_builders()
    assert fork_is_safe() == before


def test_two_wide_filters_searched_in_turn_use_the_scans_they_build(fast_index, monkeypatch) -> None:
    # When the newest filter's scans always stayed and evicted the older ones past the budget (as
    # many vectors as the index), two filters of 50 of the 80 paragraphs (150 vectors each, 240 in
    # the index) asked in turn, as two users of the web app might, had 18 builds for 20 searches
    # (100-330 ms of a core each over ../shared) and searched their scans 0 times.
    import qa.search.filter_scans as filter_scans

    _join_builders()
    calls, real = [], filter_scans.Subset
    monkeypatch.setattr(filter_scans, "Subset", lambda vectors, ids: calls.append(len(ids)) or real(vectors, ids))
    fast_index.weights = Weights(candidates=5)
    first, second = fast_index.narrowed(np.arange(80) < 50), fast_index.narrowed(np.arange(80) >= 30)
    for i in range(20):
        fast_index.search("trade climate", k=3, allowed=(first, second)[i % 2])
        _join_builders()
    assert len(calls) == 2 and list(fast_index._scans.kept) == [first]  # built once, kept: the second waits

    def never(*args, **kwargs):
        raise AssertionError("the first filter's own scans should have been searched")

    monkeypatch.setattr(fast_index._p.paragraph_vectors, "search", never)
    fast_index.search("trade climate", k=3, allowed=first)


def test_a_retired_index_drops_the_builds_queued_and_builds_no_more(fast_index, monkeypatch) -> None:
    # Library.add or remove swaps in a new index and retires the old one: its builder went on with
    # the filters queued on it (up to four, 100-330 ms of a core each over ../shared), for scans no
    # search would use, and kept them in memory as long as the old index lived.
    import threading

    import qa.search.filter_scans as filter_scans
    from qa.search.filter_scans import SUBSETS_KEPT

    fast_index.weights = Weights(candidates=5)
    _join_builders()
    entered, gate, real = threading.Event(), threading.Event(), filter_scans.Subset

    def slow(vectors, ids):
        entered.set()
        assert gate.wait(60), "the test never let the build finish"
        return real(vectors, ids)

    monkeypatch.setattr(filter_scans, "Subset", slow)
    masks = _masks(fast_index, SUBSETS_KEPT)
    filters = [fast_index.narrowed(mask) for mask in masks]
    built = []
    try:
        for _ in range(2):
            for narrowed in filters:
                fast_index.search("Georgia", k=3, allowed=narrowed)
        built = list(fast_index._scans.kept.values())
        assert len(built) == SUBSETS_KEPT and entered.wait(60)  # one building, three queued
        fast_index.retire()
    finally:
        gate.set()
    _join_builders()
    assert built[0].done() and not built[0].cancelled()  # the one running finished
    assert all(future.cancelled() for future in built[1:])  # the queued never ran
    assert not fast_index._scans.kept
    for narrowed, mask in zip(filters, masks):  # searched again and again: as its mask, nothing built
        for _ in range(3):
            assert fast_index.search("Georgia fraud", k=3, allowed=narrowed) == fast_index.search("Georgia fraud", k=3, allowed=mask)
    assert not fast_index._scans.kept and not _builders()
