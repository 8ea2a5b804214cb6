"""The off-topic probes: shipped with the code, embedded with each build, read back with its index."""

from __future__ import annotations

import json

import numpy as np
import pytest

from embeddings.vector_index import VectorIndex
from qa.search.off_topic import ProbeNeighbours, probes
from qa.search.retrieval import HybridIndex


def test_the_probes_are_two_hundred_distinct_questions() -> None:
    asked = probes()
    assert len(asked) == 200 and len(set(asked)) == 200
    assert all(q.endswith("?") and 3 <= len(q.split()) <= 25 for q in asked)


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


PARAGRAPHS = _unit(np.array([[1.0, 0, 0], [0, 1.0, 0]]))
SENTENCES = _unit(np.array([[0, 0, 1.0], [1.0, 1.0, 0]]))
ASKED = _unit(np.array([[1.0, 0, 0], [0, 0.2, 1.0], [-1.0, -1.0, -1.0]]))


def test_each_probe_keeps_its_best_cosine_among_paragraphs_and_sentences() -> None:
    found = ProbeNeighbours.measure(VectorIndex.build(PARAGRAPHS), VectorIndex.build(SENTENCES), ASKED)
    np.testing.assert_allclose(found.best(), [1.0, 1.0 / np.sqrt(1.04), -1.0 / np.sqrt(3)], atol=1e-3)
    assert ProbeNeighbours.measure(VectorIndex.build(PARAGRAPHS), VectorIndex.build(SENTENCES), ASKED[:0]).best().shape == (0,)


def test_a_filter_reads_each_probes_best_among_the_rows_it_allows() -> None:
    found = ProbeNeighbours.measure(VectorIndex.build(PARAGRAPHS), VectorIndex.build(SENTENCES), ASKED)
    rows, sentences = np.array([False, True]), np.array([True, False])  # paragraph 1 and sentence 0
    exact = np.maximum(ASKED @ PARAGRAPHS[rows].T, ASKED @ SENTENCES[sentences].T).max(axis=1)
    np.testing.assert_allclose(found.best(rows, sentences), exact, atol=1e-3)
    none = found.best(np.zeros(2, dtype=bool), np.zeros(2, dtype=bool))
    assert (none == -1).all()  # nothing allowed near any probe: never above the library's threshold


def test_a_probe_whose_neighbours_a_filter_excludes_counts_as_finding_nothing(monkeypatch) -> None:
    import qa.search.off_topic as off_topic

    monkeypatch.setattr(off_topic, "NEIGHBOURS", 1)  # each probe keeps only its nearest paragraph and sentence
    found = ProbeNeighbours.measure(VectorIndex.build(PARAGRAPHS), VectorIndex.build(SENTENCES), ASKED[:1])
    assert found.best(np.array([False, True]), np.array([False, False]))[0] == -1  # its nearest (paragraph 0) is out


def test_a_build_measures_the_probes_and_a_load_reads_them_back(tiny_passages, fake_encoder, tmp_path) -> None:
    texts = [p["text"] for p in tiny_passages]
    index = HybridIndex.build(texts, fake_encoder)
    best = index.probe_cosines()
    assert best is not None and best.shape == (200,)
    vectors = fake_encoder.encode(list(probes()))
    assert (fake_encoder.encode(texts) @ vectors.T <= best[None, :] + 1e-3).all()  # no paragraph nearer
    index.save(tmp_path)
    loaded = HybridIndex.load(tmp_path, fake_encoder)
    assert np.array_equal(loaded.probe_cosines(), best)
    assert json.loads((tmp_path / "retrieval.json").read_text())["probes"] == 200
    only = np.zeros(index.size, dtype=bool)
    only[0] = True
    assert (loaded.probe_cosines(only) <= best + 1e-6).all()  # a filter's are never higher
    with pytest.raises(ValueError, match="one bool per paragraph"):
        loaded.probe_cosines(np.ones(2, dtype=bool))


def test_an_index_saved_without_probes_loads_without_them(tiny_passages, fake_encoder, tmp_path) -> None:
    HybridIndex.build([p["text"] for p in tiny_passages], fake_encoder).save(tmp_path)
    settings = json.loads((tmp_path / "retrieval.json").read_text())
    settings["probes"] = 0  # as one of an earlier format, read on purpose
    (tmp_path / "retrieval.json").write_text(json.dumps(settings))
    (tmp_path / "probe_neighbours.npz").unlink()
    assert HybridIndex.load(tmp_path, fake_encoder).probe_cosines() is None


def test_probe_neighbours_of_the_wrong_shape_are_refused(tiny_passages, fake_encoder, tmp_path) -> None:
    HybridIndex.build([p["text"] for p in tiny_passages], fake_encoder).save(tmp_path)
    ids = np.zeros((200, 3), dtype=np.int64)
    np.savez(tmp_path / "probe_neighbours.npz", paragraph_ids=ids, paragraph_cos=np.zeros((200, 2), dtype=np.float32),
             sentence_ids=ids, sentence_cos=np.zeros((200, 3), dtype=np.float32))
    with pytest.raises(ValueError, match="one row of neighbours per probe"):
        HybridIndex.load(tmp_path, fake_encoder)


def test_probe_neighbours_that_are_no_rows_of_the_index_are_refused(tiny_passages, fake_encoder, tmp_path) -> None:
    HybridIndex.build([p["text"] for p in tiny_passages], fake_encoder).save(tmp_path)
    ids = np.full((200, 3), 999, dtype=np.int64)
    cos = np.zeros((200, 3), dtype=np.float32)
    np.savez(tmp_path / "probe_neighbours.npz", paragraph_ids=ids, paragraph_cos=cos, sentence_ids=ids, sentence_cos=cos)
    with pytest.raises(ValueError, match="neighbours are not rows"):
        HybridIndex.load(tmp_path, fake_encoder)
