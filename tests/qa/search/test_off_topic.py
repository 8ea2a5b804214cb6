"""The off-topic probes: shipped with the code, embedded with each build, read back with its index."""

from __future__ import annotations

import json

import numpy as np
import pytest

from embeddings.vector_index import VectorIndex
from qa.search.off_topic import probe_cosines, probes
from qa.search.retrieval import HybridIndex


def test_the_probes_are_two_hundred_distinct_questions() -> None:
    asked = probes()
    assert len(asked) == 200 and len(set(asked)) == 200
    assert all(q.endswith("?") and 3 <= len(q.split()) <= 25 for q in asked)


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_each_probe_keeps_its_best_cosine_among_paragraphs_and_sentences() -> None:
    paragraphs = VectorIndex.build(_unit(np.array([[1.0, 0, 0], [0, 1.0, 0]])))
    sentences = VectorIndex.build(_unit(np.array([[0, 0, 1.0], [1.0, 1.0, 0]])))
    asked = _unit(np.array([[1.0, 0, 0], [0, 0.2, 1.0], [-1.0, -1.0, -1.0]]))
    np.testing.assert_allclose(probe_cosines(paragraphs, sentences, asked),
                               [1.0, 1.0 / np.sqrt(1.04), -1.0 / np.sqrt(3)], atol=1e-3)
    assert probe_cosines(paragraphs, sentences, asked[:0]).shape == (0,)


def test_a_build_measures_the_probes_and_a_load_reads_them_back(tiny_passages, fake_encoder, tmp_path) -> None:
    texts = [p["text"] for p in tiny_passages]
    index = HybridIndex.build(texts, fake_encoder)
    assert index.probe_cosines is not None and index.probe_cosines.shape == (200,)
    vectors = fake_encoder.encode(list(probes()))
    expected = np.maximum(fake_encoder.encode(texts) @ vectors.T, 0).max(axis=0)  # the paragraphs' best, at least
    assert (index.probe_cosines >= expected - 1e-3).all()
    index.save(tmp_path)
    assert np.array_equal(HybridIndex.load(tmp_path, fake_encoder).probe_cosines, index.probe_cosines)
    assert json.loads((tmp_path / "retrieval.json").read_text())["probes"] == 200


def test_an_index_saved_without_probes_loads_without_them(tiny_passages, fake_encoder, tmp_path) -> None:
    HybridIndex.build([p["text"] for p in tiny_passages], fake_encoder).save(tmp_path)
    settings = json.loads((tmp_path / "retrieval.json").read_text())
    settings["probes"] = 0  # as one of an earlier format, read on purpose
    (tmp_path / "retrieval.json").write_text(json.dumps(settings))
    (tmp_path / "probe_cosines.npy").unlink()
    assert HybridIndex.load(tmp_path, fake_encoder).probe_cosines is None


def test_probe_cosines_of_the_wrong_shape_are_refused(tiny_passages, fake_encoder, tmp_path) -> None:
    HybridIndex.build([p["text"] for p in tiny_passages], fake_encoder).save(tmp_path)
    np.save(tmp_path / "probe_cosines.npy", np.zeros((2, 2), dtype=np.float32))
    with pytest.raises(ValueError, match="probe cosines"):
        HybridIndex.load(tmp_path, fake_encoder)
